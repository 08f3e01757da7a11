"""The revocation list scanners download (SCAN-7): codes to refuse while offline.

An entry is added when a ticket stops being valid — the ticket is cancelled, or its order
is cancelled, expired or put in opposition — and when a ticket's secret is replaced
(`ticket_code_change`: the old secret goes on the list). Cancellations may come from any
service (order expiry, opposition, box office, quick cancellation): rather than asking each
of them to call back, the list is brought up to date for the requested dates before it is
read (one INSERT of the missing entries). Entries carry an increasing id: a scanner asks
for the entries after the last id it has.
"""

from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from billetterie.checkin.codes import code_hash
from billetterie.checkin.models import Revocation
from billetterie.core.models import Organizer
from billetterie.orders.models import Order, Ticket, new_secret

INVALID_ORDER_STATES = (Order.State.CANCELLED, Order.State.EXPIRED, Order.State.OPPOSITION)


def _lock_list(organizer_id: int) -> None:
    Organizer.objects.select_for_update().filter(pk=organizer_id).values_list("pk").first()


@transaction.atomic
def revocations_refresh(*, organizer_id: int, date_ids) -> int:
    """Add the missing entries for tickets of these dates that stopped being valid."""
    _lock_list(organizer_id)
    listed = Revocation.objects.filter(
        ticket_id=OuterRef("pk"),
        reason__in=[Revocation.Reason.CANCELLED, Revocation.Reason.OPPOSITION],
    )
    invalid = (
        Ticket.objects.filter(date_id__in=list(date_ids), order__shop__organizer_id=organizer_id)
        .filter(Q(state=Ticket.State.CANCELLED) | Q(order__state__in=INVALID_ORDER_STATES))
        .exclude(Exists(listed))
        .values_list("pk", "date_id", "secret", "order__state")
    )
    rows = [
        Revocation(
            organizer_id=organizer_id,
            ticket_id=pk,
            date_id=date_id,
            secret_hash=code_hash(secret),
            reason=(
                Revocation.Reason.OPPOSITION
                if order_state == Order.State.OPPOSITION
                else Revocation.Reason.CANCELLED
            ),
        )
        for pk, date_id, secret, order_state in invalid
    ]
    if rows:
        Revocation.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


@transaction.atomic
def revocations_since(*, organizer_id: int, date_ids, after: int = 0, limit: int = 1000):
    """(entries after the cursor for these dates, next cursor), the list brought up to
    date first."""
    date_ids = list(date_ids)
    revocations_refresh(organizer_id=organizer_id, date_ids=date_ids)
    entries = list(
        Revocation.objects.filter(
            organizer_id=organizer_id, date_id__in=date_ids, pk__gt=after
        ).order_by("pk")[:limit]
    )
    return entries, (entries[-1].pk if entries else after)


@transaction.atomic
def ticket_code_change(*, ticket: Ticket) -> str:
    """Give a ticket a new secret (a reprint after a lost ticket, a changed ticket); the old
    one goes on the revocation list. Returns the new secret."""
    organizer_id = (
        Ticket.objects.filter(pk=ticket.pk)
        .values_list("order__shop__organizer_id", flat=True)
        .get()
    )
    _lock_list(organizer_id)
    ticket = Ticket.objects.select_for_update().select_related("order__shop").get(pk=ticket.pk)
    Revocation.objects.get_or_create(
        ticket_id=ticket.pk,
        secret_hash=code_hash(ticket.secret),
        defaults={
            "organizer_id": ticket.order.shop.organizer_id,
            "date_id": ticket.date_id,
            "reason": Revocation.Reason.CHANGED,
        },
    )
    ticket.secret = new_secret()
    ticket.save(update_fields=["secret"])
    return ticket.secret
