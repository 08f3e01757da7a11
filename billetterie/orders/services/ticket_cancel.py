"""Cancelling one ticket of an order and putting its place back on sale.

A ticket's places are owned by the inventory hold of the cart line it came from, which may
hold several tickets. The inventory services release a hold as a whole, so one ticket of a
hold of N is given back like this, inside one transaction: the hold is released (all N
places go back), a new confirmed hold takes the N-1 places (the same seats) of the tickets
that stay, and those tickets move to it. Both steps lock the same counter rows in the same
transaction, so nobody can take the places in between, and `check-inventory` finds the
counters equal to the holds afterwards.

The order's row is locked first, so two cancellations of tickets of the same order (or a
payment of it) take turns; ticket rows only ever move between holds under that lock.
"""

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from billetterie.core.exceptions import DomainError
from billetterie.inventory import services as inventory
from billetterie.orders.models import Order, Ticket
from billetterie.orders.services.checkout import log


class TicketNotCancellable(DomainError):
    code = "ticket_not_cancellable"
    default_message = gettext_lazy("This ticket cannot be cancelled.")
    http_status = 409


@transaction.atomic
def ticket_cancel(*, ticket_id: int, actor_label: str = "", check=None, reason: str = "") -> Ticket:
    """Cancel a valid ticket and release its place; the order's amount due goes down by the
    ticket's amount, and an order left without valid tickets is cancelled.

    `check(ticket)` runs once the order is locked and may raise to refuse (the caller's
    rule, e.g. quick cancellation only for unsold pre-printed tickets).
    """
    order_id = Ticket.objects.filter(pk=ticket_id).values_list("order_id", flat=True).first()
    if order_id is None:
        raise TicketNotCancellable(_("Unknown ticket."), code="unknown_ticket")
    order = Order.objects.select_for_update().get(pk=order_id)
    ticket = Ticket.objects.select_related("hold", "date__event", "zone", "price").get(pk=ticket_id)
    ticket.order = order
    if ticket.state != Ticket.State.VALID:
        raise TicketNotCancellable(_("This ticket is already cancelled."), code="ticket_cancelled")
    if check is not None:
        check(ticket)
    hold = ticket.hold
    staying = list(
        Ticket.objects.filter(hold=hold, state=Ticket.State.VALID)
        .exclude(pk=ticket.pk)
        .order_by("pk")
    )
    inventory.release(hold, sold_too=True)
    if staying:
        seat_ids = [t.seat_id for t in staying if t.seat_id]
        new_hold = inventory.hold(
            date=ticket.date,
            zone=ticket.zone,
            price=hold.price,
            quantity=len(staying),
            seat_ids=seat_ids if len(seat_ids) == len(staying) else None,
            ttl=None,
            reference=hold.reference,
        )
        inventory.confirm(new_hold)
        Ticket.objects.filter(pk__in=[t.pk for t in staying]).update(hold=new_hold)
    Ticket.objects.filter(pk=ticket.pk).update(state=Ticket.State.CANCELLED)
    ticket.state = Ticket.State.CANCELLED
    changes = {}
    if order.state == Order.State.PENDING:
        order.total = max(order.total - ticket.amount, Decimal("0.00"))
        changes["total"] = order.total
    left = staying or Ticket.objects.filter(order=order, state=Ticket.State.VALID).exists()
    if not left and order.state == Order.State.PENDING:
        changes["state"] = order.state = Order.State.CANCELLED
        changes["expires_at"] = order.expires_at = None
    if changes:
        Order.objects.filter(pk=order.pk).update(**changes)
    log(
        order,
        "ticket_cancelled",
        actor_label=actor_label,
        ticket=ticket.pk,
        amount=str(ticket.amount),
        reason=reason,
        order_cancelled=order.state == Order.State.CANCELLED,
    )
    return ticket
