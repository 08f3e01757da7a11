from django.utils.translation import gettext_lazy as _

from billetterie.core.exceptions import DomainError


class BankAccountInvalid(DomainError):
    code = "bank_account_invalid"
    default_message = _("The bank account is not valid.")


class BankAccountInUse(DomainError):
    code = "bank_account_has_invoices"
    default_message = _(
        "This bank account cannot be deleted: invoices were issued to it. Choose another "
        "account for new invoices instead."
    )
    http_status = 409


class InvoiceNotIssuable(DomainError):
    code = "invoice_not_issuable"
    default_message = _("Payment by invoice is not available for this order.")
    http_status = 409


class InvoiceClosed(DomainError):
    code = "invoice_closed"
    default_message = _("This invoice is paid or cancelled: there is nothing to send.")
    http_status = 409
