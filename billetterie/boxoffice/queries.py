"""Reads of the box office, scoped to the shop and to the events the cashier may sell.

A cashier holds the box office level on the whole shop (or organizer), or only on some of
its events (ORG-2: a grant on an event): `counter_scope` says which, and every read below
takes it, so a cashier of one event never sees the dates or orders of another (BOX-1).
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from billetterie.catalog.models import Event, EventDate, Price, PriceAmount, TicketOption
from billetterie.core.models import Grant, Level, Shop, User
from billetterie.core.permissions import effective_level
from billetterie.core.queries import organizers_of, shops_visible_to
from billetterie.inventory import services as inventory
from billetterie.orders import queries as sales
from billetterie.orders.exceptions import NotOnSale
from billetterie.orders.models import Order, Ticket
from billetterie.orders.search import orders_matching
from billetterie.orders.services.sellable import (
    COUNTER_GRACE,
    Channel,
    check_sellable,
    counter_sales_end,
)

MAX_DATES = 60
MAX_RESULTS = 50


@dataclass(frozen=True)
class CounterScope:
    """The events a cashier may sell in a shop: all, or those of their event grants."""

    all_events: bool
    event_ids: frozenset[int] = frozenset()

    def allows(self, event_id: int) -> bool:
        return self.all_events or event_id in self.event_ids

    def events_q(self, path: str = "event") -> Q:
        """A filter on `path` (a lookup to Event) that keeps the events in scope."""
        return Q() if self.all_events else Q(**{f"{path}__in": self.event_ids})


def counter_scope(user: User, shop: Shop) -> CounterScope | None:
    """None when the user may not sell in this shop at all."""
    level = effective_level(user, shop.organizer, shop=shop)
    if level is not None and level >= Level.BOX_OFFICE:
        return CounterScope(all_events=True)
    granted = Grant.objects.filter(
        Q(user=user) | Q(team__members=user),
        organizer=shop.organizer,
        shop=shop,
        event_id__isnull=False,
        level__gte=Level.BOX_OFFICE,
    ).values("event_id")
    ids = frozenset(Event.objects.filter(shop=shop, pk__in=granted).values_list("pk", flat=True))
    return CounterScope(all_events=False, event_ids=ids) if ids else None


def counter_shops(user: User) -> list[Shop]:
    """The shops, across the user's organizers, where they may sell."""
    shops = []
    for organizer in organizers_of(user):
        for shop in shops_visible_to(user, organizer).filter(is_archived=False):
            shop.organizer = organizer
            if counter_scope(user, shop) is not None:
                shops.append(shop)
    return shops


# --- what the counter sells ------------------------------------------------------------------
def counter_dates(shop: Shop, scope: CounterScope, *, now=None) -> list[EventDate]:
    """Dates still sold at the counter, soonest first (today's shows lead)."""
    now = now or timezone.now()
    dates = (
        EventDate.objects.filter(event__shop=shop, is_cancelled=False)
        .filter(scope.events_q("event"))
        .exclude(event__sale_status=Event.SaleStatus.CANCELLED)
        .filter(Q(ends_at__gt=now) | Q(ends_at__isnull=True, starts_at__gt=now - COUNTER_GRACE))
        .select_related("event__venue", "event__shop")
        .order_by("starts_at", "pk")
    )
    return [d for d in dates[:MAX_DATES] if counter_sales_end(d) > now]


def counter_date(shop: Shop, scope: CounterScope, date_id) -> EventDate:
    """A date of the shop in the cashier's scope, else 404."""
    return get_object_or_404(
        EventDate.objects.filter(event__shop=shop)
        .filter(scope.events_q("event"))
        .select_related("event__venue", "event__shop"),
        pk=date_id,
    )


@dataclass
class CounterZone:
    zone: object
    prices: list
    free: int | None
    seat_map: object | None = None

    @property
    def sold_out(self) -> bool:
        return self.free is not None and self.free <= 0


@dataclass
class CounterOffer:
    zones: list[CounterZone] = field(default_factory=list)
    reason: str = ""  # why nothing is sold, when `zones` is empty


def counter_offer(date: EventDate, *, currency: str, now=None) -> CounterOffer:
    """The prices of a date the box office sells, by zone, with free places and, for
    numbered zones, the seat map: a fixed number of queries."""
    event = date.event
    through = Price.dates.through
    limited = Exists(through.objects.filter(price_id=OuterRef("pk")))
    on_date = Exists(through.objects.filter(price_id=OuterRef("pk"), eventdate_id=date.pk))
    prices = (
        Price.objects.filter(event=event, zone__venue_id=event.venue_id)
        .filter(~limited | on_date)
        .select_related("zone")
        .prefetch_related(
            Prefetch("amounts", queryset=PriceAmount.objects.filter(currency=currency)),
            Prefetch("options", queryset=TicketOption.objects.select_related("group")),
            # the date condition is the filter above; an empty cache keeps the check quiet
            Prefetch("dates", queryset=EventDate.objects.none()),
        )
        .order_by("zone__position", "zone_id", "position", "pk")
    )
    now = now or timezone.now()
    by_zone: dict[int, CounterZone] = {}
    reasons = []
    for price in prices:
        try:
            check_sellable(date=date, price=price, channel=Channel.BOX_OFFICE, now=now)
        except NotOnSale as refusal:
            reasons.append(str(refusal.message))
            continue
        amounts = list(price.amounts.all())
        if not amounts:
            continue
        price.unit = amounts[0].amount
        options = list(price.options.all())
        price.free_options = [o for o in options if o.group_id is None]
        groups: dict[int, object] = {}
        for option in options:
            if option.group_id is not None:
                if option.group_id not in groups:
                    groups[option.group_id] = option.group
                    option.group.choices = []
                groups[option.group_id].choices.append(option)
        price.groups = list(groups.values())
        zone = by_zone.setdefault(price.zone_id, CounterZone(price.zone, [], None))
        zone.prices.append(price)
    if by_zone:
        free = inventory.availability(date)
        numbered = [z.zone.pk for z in by_zone.values() if z.zone.is_numbered]
        maps = sales.seat_maps(date, numbered)
        for zone_id, zone in by_zone.items():
            zone.free = free[zone_id].free if zone_id in free else None
            zone.seat_map = maps.get(zone_id)
    reason = "" if by_zone else (reasons[0] if reasons else "")
    return CounterOffer(zones=list(by_zone.values()), reason=reason)


# --- orders ------------------------------------------------------------------------------
def counter_orders(shop: Shop, scope: CounterScope) -> QuerySet:
    """The shop's orders the cashier may see: with a ticket of an event in scope."""
    orders = Order.objects.filter(shop=shop)
    if not scope.all_events:
        orders = orders.filter(
            Exists(Ticket.objects.filter(order=OuterRef("pk"), date__event_id__in=scope.event_ids))
        )
    return orders


def order_search(
    shop: Shop, scope: CounterScope, *, text: str = "", date_id=None, reservations=False
) -> list[Order]:
    """Orders by number, email, name or any order data (BOX-2), optionally of one date
    or only the reservations waiting for payment; newest first, at most MAX_RESULTS, each
    with `ticket_count` (valid tickets)."""
    orders = orders_matching(counter_orders(shop, scope), text)
    if date_id:
        orders = orders.filter(Exists(Ticket.objects.filter(order=OuterRef("pk"), date_id=date_id)))
    if reservations:
        orders = orders.filter(state=Order.State.PENDING, expires_at__isnull=True)
    return list(
        orders.annotate(
            ticket_count=Count("tickets", filter=Q(tickets__state=Ticket.State.VALID))
        ).order_by("-created_at", "-pk")[:MAX_RESULTS]
    )


def search_dates(shop: Shop, scope: CounterScope, *, now=None) -> list[EventDate]:
    """Dates for the search filter: from a week back, then the coming ones."""
    now = now or timezone.now()
    return list(
        EventDate.objects.filter(event__shop=shop, starts_at__gte=now - timedelta(days=7))
        .filter(scope.events_q("event"))
        .select_related("event__shop")
        .order_by("starts_at", "pk")[:200]
    )


def counter_order(shop: Shop, scope: CounterScope, order_id) -> Order:
    """One order of the shop the cashier may see, else 404."""
    return get_object_or_404(
        counter_orders(shop, scope).select_related("shop__organizer", "customer"), pk=order_id
    )


def order_tickets(order: Order) -> list[Ticket]:
    return list(order.tickets.select_related("date__event__shop", "zone", "seat").order_by("pk"))
