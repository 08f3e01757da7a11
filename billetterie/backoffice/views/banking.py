"""The shop's bank accounts and invoice settings (PAY-5, PAY-6), and an order's invoice.

Bank accounts and the invoice settings need MANAGE; an order's invoice PDF needs VIEW and
sending it again BOX_OFFICE (checked here for the pages and again by the services).
"""

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from billetterie.backoffice.access import shop_view
from billetterie.backoffice.feedback import run
from billetterie.banking import deadlines, queries, references
from billetterie.banking.exceptions import BankAccountInvalid
from billetterie.banking.provider import InvoiceSettingsForm
from billetterie.banking.services import accounts, invoices
from billetterie.banking.services.invoice_settings import invoice_settings_save
from billetterie.core.models import Level
from billetterie.core.money import Currency
from billetterie.orders import staff_queries


class BankAccountForm(forms.Form):
    label = forms.CharField(label=gettext_lazy("Name"), max_length=120)
    iban = forms.CharField(
        label=gettext_lazy("IBAN or QR-IBAN"),
        max_length=42,
        help_text=gettext_lazy(
            "With a QR-IBAN (Swiss banks give one for QR-bills), invoices carry a QR "
            "reference that bank files send back, so payments are matched automatically."
        ),
    )
    currency = forms.ChoiceField(label=gettext_lazy("Currency"), choices=Currency.choices)
    holder_name = forms.CharField(label=gettext_lazy("Account holder"), max_length=70)
    street = forms.CharField(label=gettext_lazy("Street"), max_length=70, required=False)
    house_number = forms.CharField(
        label=gettext_lazy("House number"), max_length=16, required=False
    )
    postal_code = forms.CharField(label=gettext_lazy("Postal code"), max_length=16)
    town = forms.CharField(label=gettext_lazy("Town"), max_length=35)
    country = forms.CharField(
        label=gettext_lazy("Country (two letters)"), max_length=2, initial="CH"
    )

    def clean_iban(self):
        return references.validate_iban(self.cleaned_data["iban"])


class InvoiceMethodForm(InvoiceSettingsForm):
    enabled = forms.BooleanField(label=gettext_lazy("Offer payment by invoice"), required=False)
    field_order = ["enabled", "reminder_days", "reminder_count", "offer_days_before"]


def _accounts_url(request) -> str:
    return reverse("backoffice:bank_accounts", args=[request.organizer.slug, request.shop.slug])


def _rows(shop):
    rows = []
    for account in queries.accounts_of_shop(shop):
        account.iban_text = references.format_iban(account.iban)
        account.is_qr = references.is_qr_iban(account.iban)
        rows.append(account)
    return rows


@shop_view(Level.MANAGE)
def bank_account_list(request):
    return render(
        request,
        "backoffice/bank_accounts.html",
        {"shop": request.shop, "accounts": _rows(request.shop)},
    )


def _save(request, form, save):
    if request.method == "POST" and form.is_valid():
        try:
            return save(form.cleaned_data)
        except BankAccountInvalid as error:
            field = error.params.get("field")
            form.add_error(field if field in form.fields else None, error.message)
    return None


def _form_page(request, form, account=None):
    return render(
        request,
        "backoffice/bank_account_form.html",
        {"shop": request.shop, "form": form, "account": account},
    )


@shop_view(Level.MANAGE)
def bank_account_new(request):
    shop = request.shop
    form = BankAccountForm(request.POST or None, initial={"currency": shop.currency})
    created = _save(
        request,
        form,
        lambda data: accounts.bank_account_create(shop=shop, actor=request.user, values=data),
    )
    if created is not None:
        messages.success(request, _("Bank account “%(name)s” added.") % {"name": created.label})
        return redirect(_accounts_url(request))
    return _form_page(request, form)


@shop_view(Level.MANAGE)
def bank_account_edit(request, account_id):
    account = queries.account_of_shop(request.shop, account_id)
    initial = {name: getattr(account, name) for name in accounts.FIELDS}
    initial["iban"] = references.format_iban(account.iban)
    form = BankAccountForm(request.POST or None, initial=initial)
    saved = _save(
        request,
        form,
        lambda data: accounts.bank_account_update(account=account, actor=request.user, values=data),
    )
    if saved is not None:
        messages.success(request, _("The bank account is saved."))
        return redirect(_accounts_url(request))
    return _form_page(request, form, account)


@require_POST
@shop_view(Level.MANAGE)
def bank_account_use(request, account_id):
    account = queries.account_of_shop(request.shop, account_id)
    run(
        request,
        lambda: accounts.bank_account_use(account=account, actor=request.user),
        _("New invoices are paid to “%(name)s”.") % {"name": account.label},
    )
    return redirect(_accounts_url(request))


@shop_view(Level.MANAGE)
def bank_account_delete(request, account_id):
    """GET: the confirmation page; POST: delete (refused when invoices name it)."""
    account = queries.account_of_shop(request.shop, account_id)
    if request.method == "POST":
        run(
            request,
            lambda: accounts.bank_account_delete(account=account, actor=request.user),
            _("Bank account “%(name)s” deleted.") % {"name": account.label},
        )
        return redirect(_accounts_url(request))
    return render(
        request,
        "backoffice/bank_account_delete.html",
        {
            "shop": request.shop,
            "account": account,
            "iban_text": references.format_iban(account.iban),
            "invoice_count": account.invoices.count(),
        },
    )


# --- invoice settings -----------------------------------------------------------------------
def _rule_from(data) -> deadlines.DeadlineRule:
    return deadlines.DeadlineRule.from_config(data)


@shop_view(Level.MANAGE)
def invoice_settings(request):
    shop = request.shop
    rule = invoices.invoice_rule(shop)
    initial = {
        "enabled": invoices.invoice_method_enabled(shop),
        "reminder_days": rule.reminder_days,
        "reminder_count": rule.reminder_count,
        "offer_days_before": rule.offer_days_before,
    }
    form = InvoiceMethodForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        rule = _rule_from(data)
        if run(
            request,
            lambda: invoice_settings_save(
                shop=shop, actor=request.user, enabled=data["enabled"], rule=rule
            ),
            _("The invoice settings are saved."),
        ):
            return redirect(
                reverse("backoffice:invoice_settings", args=[request.organizer.slug, shop.slug])
            )
    return render(
        request,
        "backoffice/invoice_settings.html",
        {
            "shop": shop,
            "form": form,
            "explanation": deadlines.explain(rule),
            "offer_explanation": deadlines.explain_offer(rule),
            "account": queries.account_in_use(shop),
        },
    )


@require_GET
@shop_view(Level.MANAGE)
def invoice_settings_explain(request):
    """The rule in words for the values being typed (the settings page asks on input)."""
    form = InvoiceSettingsForm(request.GET)
    if not form.is_valid():
        return HttpResponse(
            _("Give whole numbers of days and reminders in the allowed range."),
            content_type="text/plain; charset=utf-8",
        )
    rule = _rule_from(form.cleaned_data)
    text = f"{deadlines.explain(rule)} {deadlines.explain_offer(rule)}"
    return HttpResponse(text, content_type="text/plain; charset=utf-8")


# --- an order's invoice ---------------------------------------------------------------------
def _invoice(request, order_id):
    order = staff_queries.order_of_shop(request.shop, order_id)
    invoice = queries.invoice_of_order(order)
    if invoice is None:
        raise Http404
    return order, invoice


@shop_view(Level.VIEW)
def order_invoice_pdf(request, order_id):
    _order, invoice = _invoice(request, order_id)
    response = HttpResponse(invoices.invoice_pdf(invoice), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{invoices.invoice_filename(invoice)}"'
    return response


@require_POST
@shop_view(Level.BOX_OFFICE)
def order_invoice_resend(request, order_id):
    order, invoice = _invoice(request, order_id)
    run(
        request,
        lambda: invoices.invoice_resend(invoice=invoice, actor=request.user),
        _("The invoice was sent again to %(email)s.") % {"email": order.email},
    )
    return redirect(
        reverse("backoffice:order", args=[request.organizer.slug, request.shop.slug, order.pk])
    )
