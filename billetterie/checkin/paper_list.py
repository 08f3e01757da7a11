"""The attendees of a date, for the paper list (SCAN-8), a door without a scanner: which
tickets let someone in, and their holders sorted by name, as the plain rows that
`documents.attendees.render_attendee_list_pdf` draws."""

import unicodedata

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from billetterie.catalog.models import EventDate
from billetterie.core.models import Shop
from billetterie.core.money import format_money
from billetterie.documents.attendees import AttendeeList, AttendeeRow
from billetterie.orders.models import Order, Ticket

# The tickets that let someone in: valid tickets of paid orders, and of orders to be paid at
# the door (pending without a payment deadline); not those of orders still waiting for an
# online payment, cancelled or expired.
ADMITTED = Q(state=Ticket.State.VALID) & (
    Q(order__state=Order.State.PAID)
    | Q(order__state=Order.State.PENDING, order__expires_at__isnull=True)
)


def dates_with_attendees(shop: Shop) -> QuerySet:
    """The shop's dates with their event and number of admitted tickets, by start."""
    admitted = Q(tickets__state=Ticket.State.VALID) & (
        Q(tickets__order__state=Order.State.PAID)
        | Q(tickets__order__state=Order.State.PENDING, tickets__order__expires_at__isnull=True)
    )
    return (
        EventDate.objects.filter(event__shop=shop)
        .select_related("event")
        .annotate(attendees=Count("tickets", filter=admitted))
        .order_by("starts_at", "pk")
    )


def date_of_shop(shop: Shop, date_id) -> EventDate:
    """A date of one of the shop's events, with its event and venue, else 404."""
    return get_object_or_404(
        EventDate.objects.filter(event__shop=shop).select_related("event__venue"), pk=date_id
    )


def _sort_key(text: str) -> str:
    """Accents and case ignored, as a person reads a list: Élodie with Eric, not after Zoé."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _names(ticket: Ticket) -> tuple[str, str]:
    """(last name, first name) of a ticket's holder: the buyer's own fields when the holder
    is the buyer (or unnamed), else the holder's name split at its last word."""
    order = ticket.order
    holder = " ".join(ticket.holder_name.split())
    if not holder or holder == " ".join(order.buyer_name.split()):
        if order.last_name or order.first_name:
            return order.last_name.strip(), order.first_name.strip()
        return order.email, ""
    first, _space, last = holder.rpartition(" ")
    return last, first


def attendee_list(*, shop: Shop, date: EventDate) -> AttendeeList:
    """The paper list of `date` (a date of `shop`): its admitted tickets sorted by last
    name, then first name, then order; texts in the active language and the shop's time
    zone."""
    if date.event.shop_id != shop.pk:
        raise ValueError("the date is not one of this shop")
    tickets = (
        Ticket.objects.filter(ADMITTED, date=date)
        .select_related("order", "zone", "seat")
        .order_by("order__number", "pk")
    )
    rows = []
    for ticket in tickets:
        last, first = _names(ticket)
        place = ticket.zone.name
        if ticket.seat:
            seat = _("Row %(row)s, seat %(number)s") % {
                "row": ticket.seat.row,
                "number": ticket.seat.number,
            }
            place = f"{place}, {seat}"
        order = ticket.order
        rows.append(
            (
                (_sort_key(last), _sort_key(first), order.number, ticket.pk),
                AttendeeRow(
                    name=f"{last}, {first}" if first else last,
                    order_number=order.code,
                    price_text=" · ".join(
                        (ticket.price_name, format_money(ticket.amount, order.currency))
                    ),
                    place_text=place,
                    note=_("to pay at the door") if order.state == Order.State.PENDING else "",
                ),
            )
        )
    rows.sort(key=lambda pair: pair[0])
    event = date.event
    zone = shop.zone_info
    starts = timezone.localtime(date.starts_at, zone)
    return AttendeeList(
        organizer_name=shop.organizer.name,
        event_name=event.name,
        date_text=formats.date_format(starts, "DATETIME_FORMAT"),
        venue_text=str(event.venue) if event.venue_id else "",
        printed_text=_("printed on %(when)s")
        % {
            "when": formats.date_format(timezone.localtime(timezone.now(), zone), "DATETIME_FORMAT")
        },
        rows=[row for _key, row in rows],
    )
