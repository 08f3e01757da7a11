"""Taking and giving back places: the only code that changes capacity counters.

Every counter change is one conditional UPDATE (`taken + n <= size`, `hold IS NULL`),
done in ascending id order inside one short transaction, so buyers racing for the same
quota wait for each other's row lock for microseconds, never deadlock, and can never push
a counter past its size. Nothing locks an event or a date as a whole.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from billetterie.catalog.models import EventDate, Price, Seat, Zone
from billetterie.core import audit
from billetterie.core.exceptions import InvalidInput, PermissionRefused
from billetterie.core.models import Level
from billetterie.core.permissions import require_level
from billetterie.inventory.exceptions import (
    DateNotOnSale,
    HoldExpired,
    NoCapacity,
    SeatTaken,
    SoldOut,
)
from billetterie.inventory.models import DateSeat, Hold, HoldQuota, Quota

logger = logging.getLogger(__name__)

DEFAULT_HOLD_TIME = timedelta(minutes=15)
MAX_PLACES_PER_HOLD = 100


def applicable_quota_ids(*, date_id: int, zone_id: int, price_id: int | None) -> list[int]:
    """Quotas a ticket of (date, zone, price) takes from: the date's, the zone's, the price's."""
    scope = Q(date_id=date_id) & (Q(zone__isnull=True) | Q(zone_id=zone_id))
    scope &= Q(price__isnull=True) | Q(price_id=price_id) if price_id else Q(price__isnull=True)
    return list(Quota.objects.filter(scope).order_by("id").values_list("id", flat=True))


def _take_from_quotas(quota_ids: list[int], quantity: int) -> None:
    for quota_id in quota_ids:  # ascending ids: two buyers always lock in the same order
        took = Quota.objects.filter(pk=quota_id, taken__lte=F("size") - quantity).update(
            taken=F("taken") + quantity
        )
        if not took:
            raise SoldOut()


def _claim_seats(hold: Hold, date_id: int, zone: Zone, seat_ids, quantity: int) -> None:
    """Claim seats in ascending DateSeat id order, whatever was asked: every transaction
    locks seat rows in the same order, so two buyers can never deadlock. Seats are created
    in plan order, so ascending ids are also the best-available order."""
    free = DateSeat.objects.filter(
        date_id=date_id, seat__zone=zone, hold__isnull=True, blocked=False
    )

    def claim(date_seat_id: int) -> int:
        # Only the row's own columns in the WHERE: PostgreSQL re-checks them after waiting
        # for a competing claim's lock (a join would be checked against a stale snapshot).
        return DateSeat.objects.filter(pk=date_seat_id, hold__isnull=True, blocked=False).update(
            hold=hold
        )

    if seat_ids:
        wanted = sorted(
            DateSeat.objects.filter(
                date_id=date_id, seat_id__in=set(seat_ids), seat__zone=zone
            ).values_list("pk", flat=True)
        )
        if len(wanted) != quantity:
            raise SeatTaken()
        for date_seat_id in wanted:
            if not claim(date_seat_id):
                raise SeatTaken()
        return
    claimed, last = 0, 0
    while claimed < quantity:
        candidates = list(
            free.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", flat=True)[: quantity - claimed]
        )
        if not candidates:
            raise SoldOut()
        for date_seat_id in candidates:
            last = date_seat_id
            claimed += claim(date_seat_id)
            if claimed == quantity:
                return


def _hold_once(*, date, zone, price, quantity, seat_ids, ttl, reference) -> Hold:
    with transaction.atomic():
        # The hold row goes first: its foreign key takes a shared lock on the date, so a
        # quota being created on this date (quota_set locks the date) waits for this hold
        # to finish, then counts it — and the quotas read below are the ones in force.
        hold = Hold.objects.create(
            date=date,
            zone=zone,
            price=price,
            quantity=quantity,
            reference=reference,
            expires_at=(timezone.now() + ttl) if ttl else None,
        )
        quota_ids = applicable_quota_ids(
            date_id=date.pk, zone_id=zone.pk, price_id=price.pk if price else None
        )
        if not quota_ids and not zone.is_numbered:
            raise NoCapacity()
        _take_from_quotas(quota_ids, quantity)
        HoldQuota.objects.bulk_create(
            [HoldQuota(hold=hold, quota_id=qid, quantity=quantity) for qid in quota_ids]
        )
        if zone.is_numbered:
            _claim_seats(hold, date.pk, zone, seat_ids, quantity)
    return hold


def check_hold_request(*, date, zone, price, quantity: int) -> None:
    """Refuse a request whose parts do not belong together: this is the one place that
    decides whether a place can be sold, so it trusts no caller."""
    if not 1 <= quantity <= MAX_PLACES_PER_HOLD:
        raise InvalidInput(
            _("Between 1 and %(max)s places at a time.") % {"max": MAX_PLACES_PER_HOLD}
        )
    if zone.venue_id != date.event.venue_id:
        raise PermissionRefused(_("This zone is not in the event's venue."))
    if date.is_cancelled:
        raise DateNotOnSale()
    if price is not None:
        if price.event_id != date.event_id or price.zone_id != zone.pk:
            raise PermissionRefused(_("This price is not for this zone of this event."))
        if price.dates.exists() and not price.dates.filter(pk=date.pk).exists():
            raise DateNotOnSale(_("This price is not sold for this date."))


def hold(
    *,
    date: EventDate,
    zone: Zone,
    quantity: int,
    price: Price | None = None,
    seat_ids: list[int] | None = None,
    ttl: timedelta | None = DEFAULT_HOLD_TIME,
    reference: str = "",
) -> Hold:
    """Take `quantity` places of (date, zone, price) until `ttl` runs out (None: no expiry).

    Raises SoldOut / SeatTaken when the places are not there; nothing is taken then.
    Expired holds of the date are swept lazily before giving up.
    """
    if seat_ids:
        quantity = len(seat_ids)
    check_hold_request(date=date, zone=zone, price=price, quantity=quantity)
    arguments = dict(
        date=date,
        zone=zone,
        price=price,
        quantity=quantity,
        seat_ids=seat_ids,
        ttl=ttl,
        reference=reference,
    )
    try:
        return _hold_once(**arguments)
    except SoldOut:
        if release_expired(date=date):
            return _hold_once(**arguments)
        raise


def _end(hold_id: int, *, from_states, to_state) -> bool:
    """Move a hold out of `from_states` and give its places back; False if it already left."""
    with transaction.atomic():
        moved = Hold.objects.filter(pk=hold_id, state__in=from_states).update(
            state=to_state, ended_at=timezone.now()
        )
        if not moved:
            return False
        parts = HoldQuota.objects.filter(hold_id=hold_id).order_by("quota_id")
        for part in parts.values("quota_id", "quantity"):
            Quota.objects.filter(pk=part["quota_id"]).update(taken=F("taken") - part["quantity"])
        DateSeat.objects.filter(hold_id=hold_id).update(hold=None)
    return True


def release(hold: Hold, *, sold_too: bool = False) -> bool:
    """Give a hold's places back (buyer emptied the cart; with sold_too, a cancelled sale)."""
    states = (Hold.State.ACTIVE, Hold.State.CONFIRMED) if sold_too else (Hold.State.ACTIVE,)
    return _end(hold.pk, from_states=states, to_state=Hold.State.RELEASED)


def expire(hold: Hold) -> bool:
    return _end(hold.pk, from_states=(Hold.State.ACTIVE,), to_state=Hold.State.EXPIRED)


def confirm(hold: Hold) -> Hold:
    """Make a live hold permanent (the order is placed). Touches no counter.

    A hold past its expiry that nobody swept yet still owns its places, so it can be
    confirmed; one that was swept or released cannot (HoldExpired).
    """
    done = Hold.objects.filter(pk=hold.pk, state=Hold.State.ACTIVE).update(
        state=Hold.State.CONFIRMED, expires_at=None
    )
    if not done:
        current = Hold.objects.filter(pk=hold.pk).values_list("state", flat=True).first()
        if current != Hold.State.CONFIRMED:
            raise HoldExpired()
    hold.state = Hold.State.CONFIRMED
    hold.expires_at = None
    return hold


def release_expired(*, date: EventDate | None = None, now=None, limit: int = 1000) -> int:
    """Expire active holds past their time; each in its own short transaction."""
    now = now or timezone.now()
    due = Hold.objects.filter(state=Hold.State.ACTIVE, expires_at__lte=now)
    if date is not None:
        due = due.filter(date=date)
    count = 0
    for hold_id in due.order_by("expires_at").values_list("pk", flat=True)[:limit]:
        count += _end(hold_id, from_states=(Hold.State.ACTIVE,), to_state=Hold.State.EXPIRED)
    return count


# --- capacity set-up ---------------------------------------------------------------------------
@transaction.atomic
def quota_set(
    *,
    date: EventDate,
    size: int,
    zone: Zone | None = None,
    price: Price | None = None,
    name: str = "",
    actor=None,
) -> Quota:
    """Create or resize the quota of a scope; never below what is already taken.

    With an `actor` (a person in the back office) the manage level on the event is checked
    and the change is audit-logged.
    """
    event = date.event
    if actor is not None:
        shop = event.shop
        require_level(actor, shop.organizer, Level.MANAGE, shop=shop, event_id=event.pk)
    if size < 0:
        raise InvalidInput(_("A quota cannot be negative."))
    if zone is not None and zone.venue_id != event.venue_id:
        raise PermissionRefused(_("This zone is not in the event's venue."))
    if price is not None and price.event_id != event.pk:
        raise PermissionRefused()
    quota = Quota.objects.filter(date=date, zone=zone, price=price).first()
    before = quota.size if quota is not None else None
    if quota is None:
        quota = _quota_create(date=date, zone=zone, price=price, size=size, name=name)
    else:
        resized = Quota.objects.filter(pk=quota.pk, taken__lte=size).update(size=size, name=name)
        if not resized:
            quota.refresh_from_db()
            raise InvalidInput(
                _("%(taken)s places are already taken: the quota cannot go below that.")
                % {"taken": quota.taken},
                taken=quota.taken,
            )
        quota.refresh_from_db()
    if actor is not None:
        audit.record(
            organizer=event.shop.organizer,
            actor=actor,
            action="quota.set",
            target=event,
            shop=event.shop,
            changes={
                "date": str(date),
                "zone": zone.name if zone else "",
                "price": price.name if price else "",
                "size": [before, size],
            },
        )
    return quota


def _quota_create(*, date, zone, price, size: int, name: str) -> Quota:
    """A new quota that starts with the places already held or sold in its scope.

    Locking the date waits for holds in flight on it (each holds a shared lock on the date
    through its foreign key) and keeps new ones out until the quota exists, so none of them
    slips past the new limit.
    """
    EventDate.objects.select_for_update().filter(pk=date.pk).first()
    existing = Quota.objects.filter(date=date, zone=zone, price=price).first()
    if existing is not None:  # created meanwhile by another manager
        return existing
    counting = Hold.objects.filter(date=date, state__in=Hold.COUNTING)
    if zone is not None:
        counting = counting.filter(zone=zone)
    if price is not None:
        counting = counting.filter(price=price)
    holds = list(counting.values_list("pk", "quantity"))
    taken = sum(quantity for _pk, quantity in holds)
    if taken > size:
        raise InvalidInput(
            _("%(taken)s places are already taken: the quota cannot go below that.")
            % {"taken": taken},
            taken=taken,
        )
    quota = Quota.objects.create(
        date=date, zone=zone, price=price, size=size, name=name, taken=taken
    )
    HoldQuota.objects.bulk_create(
        [HoldQuota(hold_id=pk, quota=quota, quantity=quantity) for pk, quantity in holds]
    )
    return quota


@transaction.atomic
def date_capacity_setup(date: EventDate) -> None:
    """Give a new date its counters: a quota per free zone, a seat row per numbered seat."""
    venue = date.event.venue
    if venue is None:
        return
    for zone in venue.zones.all():
        if zone.is_numbered:
            existing = set(DateSeat.objects.filter(date=date).values_list("seat_id", flat=True))
            DateSeat.objects.bulk_create(
                [
                    DateSeat(date=date, seat=seat)
                    for seat in Seat.objects.filter(zone=zone)
                    if seat.pk not in existing
                ]
            )
        elif not Quota.objects.filter(date=date, zone=zone, price__isnull=True).exists():
            Quota.objects.create(date=date, zone=zone, size=zone.capacity, name=zone.name)


# --- reading ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class ZoneAvailability:
    zone_id: int
    free: int | None  # None: no capacity set


def _free_by_zone(zones, quotas, free_seats: dict[int, int]) -> dict[int, ZoneAvailability]:
    """Free places per zone of one date from its date/zone quotas and free seat counts."""
    result = {}
    for zone in zones:
        limits = [q.free for q in quotas if q.zone_id in (None, zone.pk)]
        if zone.is_numbered:
            limits.append(free_seats.get(zone.pk, 0))
        result[zone.pk] = ZoneAvailability(zone.pk, min(limits) if limits else None)
    return result


def availability(date: EventDate) -> dict[int, ZoneAvailability]:
    """Free places per zone of a date, read from the counters (a fixed number of queries)."""
    zones = list(date.event.venue.zones.all()) if date.event.venue else []
    quotas = list(Quota.objects.filter(date=date, price__isnull=True))
    free_seats = dict(
        DateSeat.objects.filter(date=date, hold__isnull=True, blocked=False)
        .values("seat__zone")
        .annotate(n=Count("id"))
        .values_list("seat__zone", "n")
    )
    return _free_by_zone(zones, quotas, free_seats)


@dataclass(frozen=True)
class DateCounts:
    sold: int
    held: int
    free: int | None


def _counts(by_state: dict, zones: dict[int, ZoneAvailability], quotas=()) -> DateCounts:
    """Free places of the date: the sum over its zones, but never more than what a quota
    on the whole date (no zone) still allows."""
    frees = [z.free for z in zones.values() if z.free is not None]
    free = sum(frees) if frees else None
    date_wide = [q.free for q in quotas if q.zone_id is None and q.price_id is None]
    if free is not None and date_wide:
        free = min([free, *date_wide])
    return DateCounts(
        sold=by_state.get(Hold.State.CONFIRMED, 0) or 0,
        held=by_state.get(Hold.State.ACTIVE, 0) or 0,
        free=free,
    )


def date_counts(date: EventDate) -> DateCounts:
    """Sold / held / free for the per-date list of the back office."""
    by_state = dict(
        Hold.objects.filter(date=date, state__in=Hold.COUNTING)
        .values("state")
        .annotate(n=Sum("quantity"))
        .values_list("state", "n")
    )
    quotas = list(Quota.objects.filter(date=date, zone__isnull=True, price__isnull=True))
    return _counts(by_state, availability(date), quotas)


def dates_counts(dates, zones) -> dict[int, DateCounts]:
    """date_counts for many dates of one venue (its `zones`) in three queries in all."""
    ids = [d.pk for d in dates]
    by_state: dict[int, dict] = {i: {} for i in ids}
    for date_id, state, n in (
        Hold.objects.filter(date_id__in=ids, state__in=Hold.COUNTING)
        .values("date", "state")
        .annotate(n=Sum("quantity"))
        .values_list("date", "state", "n")
    ):
        by_state[date_id][state] = n
    quotas: dict[int, list] = {i: [] for i in ids}
    for quota in Quota.objects.filter(date_id__in=ids, price__isnull=True):
        quotas[quota.date_id].append(quota)
    free_seats: dict[int, dict] = {i: {} for i in ids}
    for date_id, zone_id, n in (
        DateSeat.objects.filter(date_id__in=ids, hold__isnull=True, blocked=False)
        .values("date", "seat__zone")
        .annotate(n=Count("id"))
        .values_list("date", "seat__zone", "n")
    ):
        free_seats[date_id][zone_id] = n
    zones = list(zones)
    return {
        i: _counts(by_state[i], _free_by_zone(zones, quotas[i], free_seats[i]), quotas[i])
        for i in ids
    }


# --- checking ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Drift:
    what: str
    ident: int
    recorded: int
    expected: int

    def __str__(self) -> str:
        return f"{self.what} #{self.ident}: counter {self.recorded}, recount {self.expected}"


def recount() -> list[Drift]:
    """Recompute every counter from the holds; return the differences (empty = healthy)."""
    expected = dict(
        HoldQuota.objects.filter(hold__state__in=Hold.COUNTING)
        .values("quota")
        .annotate(n=Sum("quantity"))
        .values_list("quota", "n")
    )
    drifts = [
        Drift("quota", quota_id, taken, expected.get(quota_id, 0))
        for quota_id, taken, size in Quota.objects.values_list("pk", "taken", "size")
        if taken != expected.get(quota_id, 0) or taken > size
    ]
    # every counting hold inside a quota's scope must be counted by it, whatever the order
    # in which the quota and the hold were created
    by_date: dict[int, list[tuple[int, int | None, int]]] = {}
    for date_id, zone_id, price_id, n in (
        Hold.objects.filter(state__in=Hold.COUNTING)
        .values("date", "zone", "price")
        .annotate(n=Sum("quantity"))
        .values_list("date", "zone", "price", "n")
    ):
        by_date.setdefault(date_id, []).append((zone_id, price_id, n))
    for quota_id, date_id, zone_id, price_id, taken in Quota.objects.values_list(
        "pk", "date", "zone", "price", "taken"
    ):
        scoped = sum(
            n
            for z, p, n in by_date.get(date_id, ())
            if zone_id in (None, z) and price_id in (None, p)
        )
        if scoped != taken:
            drifts.append(Drift("quota scope", quota_id, taken, scoped))
    # a seat held by a hold that no longer counts
    for seat_id, hold_id in (
        DateSeat.objects.filter(hold__isnull=False)
        .exclude(hold__state__in=Hold.COUNTING)
        .values_list("pk", "hold_id")
    ):
        drifts.append(Drift("seat", seat_id, hold_id, 0))
    # a counting hold on a numbered zone whose seats do not match its quantity
    seat_counts = (
        Hold.objects.filter(state__in=Hold.COUNTING, zone__kind=Zone.Kind.NUMBERED)
        .annotate(n=Count("seats"))
        .exclude(n=F("quantity"))
        .values_list("pk", "quantity", "n")
    )
    for hold_id, quantity, n in seat_counts:
        drifts.append(Drift("seated hold", hold_id, n, quantity))
    return drifts
