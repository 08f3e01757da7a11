"""The invoice payment method (PAY-5): registered in the payments registry from
BankingConfig.ready(), since payments never imports banking."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from billetterie.banking import deadlines
from billetterie.banking.services import invoices
from billetterie.payments.exceptions import MethodUnavailable
from billetterie.payments.registry import Provider, StartResult, register


class InvoiceSettingsForm(forms.Form):
    reminder_days = forms.IntegerField(
        label=gettext_lazy("Days before the first reminder (D)"),
        min_value=1,
        max_value=deadlines.MAX_REMINDER_DAYS,
        initial=deadlines.DEFAULT_REMINDER_DAYS,
        help_text=gettext_lazy("Each reminder extends the deadline by as many days."),
    )
    reminder_count = forms.IntegerField(
        label=gettext_lazy("Number of reminders (N)"),
        min_value=0,
        max_value=deadlines.MAX_REMINDER_COUNT,
        initial=deadlines.DEFAULT_REMINDER_COUNT,
    )
    offer_days_before = forms.IntegerField(
        label=gettext_lazy("Offered until how many days before the first date"),
        min_value=0,
        max_value=deadlines.MAX_OFFER_DAYS_BEFORE,
        initial=deadlines.DEFAULT_OFFER_DAYS_BEFORE,
        help_text=gettext_lazy(
            "Payment by invoice is no longer offered for an order whose first date is "
            "closer than this (0: until the day itself)."
        ),
    )


@register
class InvoiceProvider(Provider):
    identifier = invoices.PROVIDER
    name = gettext_lazy("Invoice (bank transfer)")
    description = gettext_lazy(
        "Your places are reserved; the invoice is sent to you by email, pay it by bank "
        "transfer before its due date."
    )
    settings_form = InvoiceSettingsForm

    def is_available(self, order) -> bool:
        return invoices.invoice_offered(order)

    def start(self, order) -> StartResult:
        if not invoices.invoice_offered(order):
            raise MethodUnavailable()
        invoice = invoices.invoice_issue(order=order)
        return StartResult(
            message=_(
                "Your places are reserved. The invoice %(number)s was sent to you by email: "
                "please pay it by %(due)s."
            )
            % {"number": invoice.code, "due": invoices._date(invoice.due_at, order.shop)}
        )
