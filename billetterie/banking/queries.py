"""Read helpers of banking, scoped to a shop."""

from django.db.models import Count
from django.shortcuts import get_object_or_404

from billetterie.banking.models import BankAccount, Invoice


def accounts_of_shop(shop):
    return (
        BankAccount.objects.filter(shop=shop)
        .annotate(invoice_count=Count("invoices"))
        .order_by("created_at", "pk")
    )


def account_of_shop(shop, account_id) -> BankAccount:
    return get_object_or_404(BankAccount, shop=shop, pk=account_id)


def account_in_use(shop) -> BankAccount | None:
    return BankAccount.objects.filter(shop=shop, in_use=True).first()


def invoice_of_order(order) -> Invoice | None:
    return Invoice.objects.filter(order=order).select_related("account").first()


def invoice_summary(order) -> dict | None:
    """What an order page shows of its invoice (None when it has none)."""
    from billetterie.banking.references import format_reference
    from billetterie.banking.services.invoice_payments import open_amount
    from billetterie.core.money import format_money

    invoice = invoice_of_order(order)
    if invoice is None:
        return None
    return {
        "invoice": invoice,
        "code": invoice.code,
        "reference": format_reference(invoice.qr_reference),
        "amount": format_money(invoice.amount, invoice.currency),
        "open": format_money(open_amount(invoice), invoice.currency),
        # still to be paid: a staff cancellation or another payment closes it too
        "is_open": invoice.is_open and order.state == order.State.PENDING,
    }
