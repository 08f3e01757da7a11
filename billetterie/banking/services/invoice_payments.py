"""Money received for an invoice, by hand or from a matched bank credit (PAY-5, PAY-7).

Every credit is a transaction on the order; the order is paid once the credits cover its
total, or earlier when staff accept a partial payment as complete (the difference is
recorded on the order's history).
"""

from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from billetterie.banking.models import Invoice
from billetterie.orders.models import Order
from billetterie.orders.services.checkout import log, order_paid
from billetterie.payments.models import Transaction

PROVIDER = "invoice"


def received_amount(order: Order) -> Decimal:
    """Succeeded payments minus succeeded refunds on the order."""
    rows = (
        Transaction.objects.filter(order=order, state=Transaction.State.SUCCEEDED)
        .values("kind")
        .annotate(sum=Sum("amount"))
    )
    sums = {row["kind"]: row["sum"] or Decimal("0") for row in rows}
    paid = sums.get(Transaction.Kind.PAYMENT, Decimal("0"))
    return paid - sums.get(Transaction.Kind.REFUND, Decimal("0"))


def open_amount(invoice: Invoice) -> Decimal:
    """What the buyer still owes on an unpaid invoice (0 once paid or cancelled — the
    invoice, or its order: staff may cancel the order, or the buyer pay it another way)."""
    if invoice.paid_at or invoice.cancelled_at or invoice.order.state != Order.State.PENDING:
        return Decimal("0.00")
    return max(invoice.amount - received_amount(invoice.order), Decimal("0.00"))


@transaction.atomic
def invoice_payment_record(
    *,
    invoice: Invoice,
    amount: Decimal,
    reference: str,
    accept_as_complete: bool = False,
    actor_label: str = "",
    provider_data: dict | None = None,
) -> Transaction:
    """Record a credit of `amount` for the invoice; pay the order when it is covered (or
    `accept_as_complete`). The invoice row is locked, so two imports of one credit that
    race cannot both pay."""
    invoice = Invoice.objects.select_for_update().select_related("order").get(pk=invoice.pk)
    tx = Transaction.objects.create(
        order=invoice.order,
        provider=PROVIDER,
        amount=amount,
        currency=invoice.currency,
        state=Transaction.State.SUCCEEDED,
        reference=reference[:120],
        provider_data=provider_data or {},
    )
    if invoice.paid_at or invoice.cancelled_at:
        return tx  # money for a closed invoice: kept on the order, to be refunded by hand
    received = received_amount(invoice.order)
    if received >= invoice.amount or accept_as_complete:
        if received < invoice.amount:
            log(
                invoice.order,
                "partial_payment_accepted",
                actor_label,
                received=str(received),
                difference=str(invoice.amount - received),
            )
        Invoice.objects.filter(pk=invoice.pk).update(paid_at=timezone.now(), next_reminder_at=None)
        if invoice.order.state == Order.State.PENDING:
            order_paid(order=invoice.order, provider=PROVIDER, reference=reference)
    return tx
