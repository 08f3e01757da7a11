"""Use cases that change the catalog and the counters together: adding dates to an event,
duplicating an event with its new dates. They live here because catalog may not import
inventory, while inventory may use catalog."""

from django.db import transaction
from django.utils import timezone

from billetterie.catalog.models import Event, EventDate, Seat, Venue, Zone
from billetterie.catalog.services.duplication import event_copy
from billetterie.catalog.services.events import dates_create, event_update
from billetterie.catalog.services.venues import seats_generate, zone_create
from billetterie.core.exceptions import InvalidInput
from billetterie.inventory.services import date_capacity_setup


@transaction.atomic
def dates_add(*, event: Event, actor, starts: list[tuple]) -> list[EventDate]:
    """Add dates to an event together with their counters (quotas and seat rows)."""
    dates = dates_create(event=event, actor=actor, starts=starts)
    for date in dates:
        date_capacity_setup(date)
    return dates


@transaction.atomic
def event_change(*, event: Event, actor, **values) -> Event:
    """Change an event's settings; dates that had no venue get their counters when one is
    chosen (catalog's event_update refuses any other venue change)."""
    had_venue = event.venue_id is not None
    event = event_update(event=event, actor=actor, **values)
    if not had_venue and event.venue_id is not None:
        for date in event.dates.all():
            date_capacity_setup(date)
    return event


@transaction.atomic
def event_duplicate(
    *,
    event: Event,
    actor,
    target_shop,
    name: str,
    starts: list[tuple],
    one_event_per_date: bool = False,
) -> list[Event]:
    """Duplicate `event` into `target_shop` with new dates (CAT-7).

    once: one copy holding all `starts`; recurring (`one_event_per_date`): one copy per
    date, named "<name> — dd.mm.yyyy".
    """
    if not starts:
        raise InvalidInput("give the dates of the new event")
    if not one_event_per_date:
        copy = event_copy(event=event, actor=actor, target_shop=target_shop, name=name)
        dates_add(event=copy, actor=actor, starts=starts)
        return [copy]
    copies = []
    tz = target_shop.zone_info
    for start, end in starts:
        label = f"{name} — {start.astimezone(tz):%d.%m.%Y}"
        copy = event_copy(event=event, actor=actor, target_shop=target_shop, name=label)
        dates_add(event=copy, actor=actor, starts=[(start, end)])
        copies.append(copy)
    return copies


def _future_dates_at(venue: Venue):
    return EventDate.objects.filter(
        event__venue=venue, is_cancelled=False, starts_at__gte=timezone.now()
    ).select_related("event__venue")


@transaction.atomic
def zone_add(*, venue: Venue, actor, **values) -> Zone:
    """Add a zone to a venue; the coming dates of its events get the zone's counters too
    (a zone without a price stays unsold all the same)."""
    zone = zone_create(venue=venue, actor=actor, **values)
    for date in _future_dates_at(venue):
        date_capacity_setup(date)
    return zone


@transaction.atomic
def seats_add(*, zone: Zone, actor, **values) -> list[Seat]:
    """Lay out seats in a numbered zone, and give the coming dates their seat rows."""
    seats = seats_generate(zone=zone, actor=actor, **values)
    for date in _future_dates_at(zone.venue):
        date_capacity_setup(date)
    return seats
