"""Reads for scanners and for the back office, each scoped to one organizer and, for a
device, to its session's dates. A fixed number of queries each, whatever the number of
tickets, dates or zones.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count, Exists, OuterRef, Prefetch, Q

from billetterie.catalog.models import EventDate, Zone
from billetterie.checkin.codes import code_hash
from billetterie.checkin.models import ScanDevice, ScanProfile
from billetterie.checkin.services.profiles import profile_date_ids
from billetterie.checkin.services.signing import public_keys_of
from billetterie.orders.models import Order, Ticket

MAX_SEARCH_RESULTS = 20
MAX_PAGE = 2000


# --- the session -------------------------------------------------------------------------------
@dataclass
class SessionConfig:
    profile: ScanProfile
    locked: bool  # logged in with the profile's code: the device cannot change it
    dates: list[EventDate]  # with event and event.shop
    zones: list[Zone]  # the chosen zones, else every zone of the dates' venues
    all_zones: bool


def session_config(device: ScanDevice) -> SessionConfig | None:
    profile = device.profile
    if profile is None:
        return None
    date_ids = profile_date_ids(profile)
    dates = list(
        EventDate.objects.filter(pk__in=date_ids)
        .select_related("event__shop")
        .order_by("starts_at", "pk")
    )
    chosen = list(profile.zones.order_by("venue_id", "position", "pk"))
    if chosen:
        zones = chosen
    else:
        venue_ids = {d.event.venue_id for d in dates if d.event.venue_id}
        zones = list(Zone.objects.filter(venue_id__in=venue_ids).order_by("venue_id", "position"))
    return SessionConfig(
        profile=profile,
        locked=device.profile_locked,
        dates=dates,
        zones=zones,
        all_zones=not chosen,
    )


def profiles_for_device(device: ScanDevice) -> list[ScanProfile]:
    """The organizer's prepared profiles a device may choose from."""
    return list(ScanProfile.objects.filter(organizer_id=device.organizer_id, is_adhoc=False))


# --- ticket status as the door sees it -------------------------------------------------------
def ticket_status(ticket_state: str, order_state: str, is_date_cancelled: bool = False) -> str:
    """`valid`, `unpaid`, `cancelled` or `opposition` (what a scan would say, before the
    session's date/zone checks and the use count)."""
    if (
        ticket_state == Ticket.State.CANCELLED
        or order_state in (Order.State.CANCELLED, Order.State.EXPIRED)
        or is_date_cancelled
    ):
        return "cancelled"
    if order_state == Order.State.OPPOSITION:
        return "opposition"
    if order_state == Order.State.PENDING:
        return "unpaid"
    return "valid"


# --- order search (SCAN-6) ---------------------------------------------------------------------
@dataclass
class OrderHit:
    order: Order
    tickets: list[Ticket] = field(default_factory=list)  # of the session's dates


def orders_search(*, device: ScanDevice, text: str, date_ids=None) -> list[OrderHit]:
    """Orders of the device's organizer with a ticket for the session's dates, found by
    order number or by name (buyer's first/last name, ticket holder); three queries."""
    text = (text or "").strip()
    if not text or device.profile is None:
        return []
    date_ids = profile_date_ids(device.profile) if date_ids is None else list(date_ids)
    in_session = Ticket.objects.filter(order=OuterRef("pk"), date_id__in=date_ids)
    orders = Order.objects.filter(shop__organizer_id=device.organizer_id).filter(Exists(in_session))
    digits = text.lstrip("#").strip()
    if digits.isdigit() and len(digits) <= 9:
        orders = orders.filter(number=int(digits))
    else:
        for word in text.split()[:5]:
            orders = orders.filter(
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(email__istartswith=word)
                | Exists(in_session.filter(holder_name__icontains=word))
            )
    tickets = (
        Ticket.objects.filter(date_id__in=date_ids)
        .select_related("zone", "seat", "date__event", "checkin_state")
        .order_by("pk")
    )
    found = (
        orders.select_related("shop")
        .prefetch_related(Prefetch("tickets", queryset=tickets, to_attr="session_tickets"))
        .order_by("-created_at", "-pk")[:MAX_SEARCH_RESULTS]
    )
    return [OrderHit(order=order, tickets=order.session_tickets) for order in found]


# --- the scan list for offline use (SCAN-7) ----------------------------------------------------
@dataclass(frozen=True)
class ScanListEntry:
    id: int
    code_hash: str  # SHA-256 of the secret: the list never holds a usable code
    holder_name: str
    order_code: str
    date_id: int
    zone_id: int
    seat: str
    price_name: str
    status: str  # ticket_status
    entries: int
    inside: bool


def scan_list(*, device: ScanDevice, after: int = 0, limit: int = 1000, date_ids=None):
    """(entries with ticket id > after, next cursor or None when done): the tickets of the
    session's dates, one page per call, one query per page."""
    if device.profile is None:
        return [], None
    limit = max(1, min(int(limit), MAX_PAGE))
    date_ids = profile_date_ids(device.profile) if date_ids is None else list(date_ids)
    rows = list(
        Ticket.objects.filter(
            date_id__in=date_ids, order__shop__organizer_id=device.organizer_id, pk__gt=after
        )
        .select_related("order", "seat", "date", "checkin_state")
        .order_by("pk")[: limit + 1]
    )
    more = len(rows) > limit
    rows = rows[:limit]
    entries = []
    for ticket in rows:
        state = checkin_state_of(ticket)
        entries.append(
            ScanListEntry(
                id=ticket.pk,
                code_hash=code_hash(ticket.secret),
                holder_name=ticket.holder_name or ticket.order.buyer_name,
                order_code=ticket.order.code,
                date_id=ticket.date_id,
                zone_id=ticket.zone_id,
                seat=str(ticket.seat) if ticket.seat_id else "",
                price_name=ticket.price_name,
                status=ticket_status(ticket.state, ticket.order.state, ticket.date.is_cancelled),
                entries=state.entries if state else 0,
                inside=state.inside if state else False,
            )
        )
    return entries, (rows[-1].pk if more else None)


def checkin_state_of(ticket: Ticket):
    """The ticket's TicketCheckinState (loaded by select_related), or None."""
    try:
        return ticket.checkin_state
    except ObjectDoesNotExist:
        return None


def session_public_keys(device: ScanDevice, date_ids=None) -> list:
    """The signing keys (public part) of the shops of the session's dates."""
    if device.profile is None:
        return []
    date_ids = profile_date_ids(device.profile) if date_ids is None else list(date_ids)
    shop_ids = set(
        EventDate.objects.filter(pk__in=date_ids).values_list("event__shop_id", flat=True)
    )
    return public_keys_of(shop_ids)


# --- live counts (entered / inside / expected per date and zone) ---------------------------
@dataclass(frozen=True)
class LiveCount:
    date_id: int
    zone_id: int
    zone_name: str
    expected: int  # valid tickets of paid orders and of orders waiting for payment
    entered: int  # tickets admitted at least once
    inside: int  # tickets inside now (entry/exit mode; admitted ones in the other modes)


def live_counts(*, organizer_id: int, date_ids) -> list[LiveCount]:
    """Per date and zone, in one query."""
    expected = Q(state=Ticket.State.VALID, order__state__in=[Order.State.PAID, Order.State.PENDING])
    rows = (
        Ticket.objects.filter(date_id__in=list(date_ids), order__shop__organizer_id=organizer_id)
        .values("date_id", "zone_id", "zone__name")
        .annotate(
            expected=Count("pk", filter=expected),
            entered=Count("pk", filter=Q(checkin_state__entries__gt=0)),
            inside=Count("pk", filter=Q(checkin_state__inside=True)),
        )
        .order_by("date_id", "zone__position", "zone_id")
    )
    return [
        LiveCount(
            date_id=row["date_id"],
            zone_id=row["zone_id"],
            zone_name=row["zone__name"],
            expected=row["expected"],
            entered=row["entered"],
            inside=row["inside"],
        )
        for row in rows
    ]
