"""Use cases that change the catalog and the counters together: adding dates to an event,
duplicating an event with its new dates. They live here because catalog may not import
inventory, while inventory may use catalog."""

from django.db import transaction

from billetterie.catalog.models import Event, EventDate
from billetterie.catalog.services.duplication import event_copy
from billetterie.catalog.services.events import dates_create
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
