"""Events and their dates (CAT-1, CAT-2)."""

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils.translation import gettext as _

from billetterie.catalog.exceptions import PayWhatYouWantRefused
from billetterie.catalog.models import Event, EventDate, Price, Venue
from billetterie.core import audit
from billetterie.core.exceptions import InvalidInput, PermissionRefused
from billetterie.core.models import Level, Shop, User
from billetterie.core.permissions import require_level

EVENT_FIELDS = [
    "name",
    "description",
    "category",
    "visibility",
    "audience",
    "sale_status",
    "sale_status_label",
    "sales_start",
    "sales_end",
    "entertainment_tax",
]


def _check_venue(shop: Shop, venue: Venue | None) -> None:
    if venue is not None and venue.organizer_id != shop.organizer_id:
        raise PermissionRefused()


def _check_settings(event: Event) -> None:
    """Rules between fields of an event about to be saved."""
    if event.sales_start and event.sales_end and event.sales_end <= event.sales_start:
        raise InvalidInput(_("Sales must close after they open."))
    if event.visibility == Event.Visibility.RESTRICTED and not event.audience.strip():
        raise InvalidInput(_("Say which audience may see a restricted event."))
    if event.sale_status == Event.SaleStatus.CUSTOM and not event.sale_status_label.strip():
        raise InvalidInput(_("Give the custom sale status its label."))


@transaction.atomic
def event_create(
    *, shop: Shop, actor: User | None, name: str, venue: Venue | None = None, **values
) -> Event:
    if actor is not None:
        require_level(actor, shop.organizer, Level.MANAGE, shop=shop)
    if not name.strip():
        raise InvalidInput(_("An event needs a name."))
    _check_venue(shop, venue)
    unknown = set(values) - set(EVENT_FIELDS)
    if unknown:
        raise InvalidInput(f"unknown event fields: {', '.join(sorted(unknown))}")
    event = Event(shop=shop, name=name.strip(), venue=venue, **values)
    _check_settings(event)
    event.save()
    audit.record(
        organizer=shop.organizer, actor=actor, action="event.created", target=event, shop=shop
    )
    return event


MAX_GENERATED_DATES = 500


def date_times(
    *,
    first_day,
    last_day=None,
    every: str = "once",
    weekdays=None,
    times: list[time],
    duration: timedelta | None = None,
    tz,
) -> list[tuple]:
    """The (start, end) pairs of a date generator (CAT-2), as aware datetimes in `tz`.

    every: "once" (first_day only), "day", "week" (on `weekdays`, 0=Monday; default the
    first day's weekday), "month" (same day of month). Several `times` per day give several
    performances the same day.
    """
    if not times:
        raise InvalidInput(_("Give at least one start time."))
    if every != "once" and last_day is None:
        raise InvalidInput(_("A repeated series needs its last day."))
    last_day = last_day or first_day
    if last_day < first_day:
        raise InvalidInput(_("The last day is before the first day."))
    if (last_day - first_day).days > 366 * 2:
        raise InvalidInput(_("A series covers at most two years."))
    days = []
    if every == "once":
        days = [first_day]
    elif every == "day":
        days = [first_day + timedelta(days=i) for i in range((last_day - first_day).days + 1)]
    elif every == "week":
        wanted = set(weekdays if weekdays else [first_day.weekday()])
        days = [
            first_day + timedelta(days=i)
            for i in range((last_day - first_day).days + 1)
            if (first_day + timedelta(days=i)).weekday() in wanted
        ]
    elif every == "month":
        day, month, year = first_day.day, first_day.month, first_day.year
        while True:
            try:
                candidate = first_day.replace(year=year, month=month, day=day)
            except ValueError:  # 31st in a short month: that month has no performance
                candidate = None
            if candidate is not None:
                if candidate > last_day:
                    break
                days.append(candidate)
            month += 1
            if month > 12:
                month, year = 1, year + 1
            if year > last_day.year + 1:
                break
    else:
        raise InvalidInput(f"unknown repetition {every!r}")
    times = sorted(set(times))
    if len(days) * len(times) > MAX_GENERATED_DATES:
        raise InvalidInput(
            _("That makes %(n)s dates; a series makes at most %(max)s at once.")
            % {"n": len(days) * len(times), "max": MAX_GENERATED_DATES}
        )
    pairs = []
    for day in days:
        for start in times:
            begins = datetime.combine(day, start, tzinfo=tz)
            pairs.append((begins, begins + duration if duration else None))
    return pairs


@transaction.atomic
def dates_create(*, event: Event, actor: User | None, starts: list[tuple]) -> list[EventDate]:
    """Add dates to an event (capacity counters are set up by inventory's schedule service)."""
    shop = event.shop
    if actor is not None:
        require_level(actor, shop.organizer, Level.MANAGE, shop=shop, event_id=event.pk)
    if not starts:
        raise InvalidInput(_("No date to add."))
    existing = set(event.dates.values_list("starts_at", flat=True))
    new = [EventDate(event=event, starts_at=s, ends_at=e) for s, e in starts if s not in existing]
    created = EventDate.objects.bulk_create(new)
    if created and created[0].pk is None:  # backends that do not return ids
        created = list(event.dates.filter(starts_at__in=[d.starts_at for d in new]))
    audit.record(
        organizer=shop.organizer,
        actor=actor,
        action="dates.created",
        target=event,
        shop=shop,
        changes={"count": len(created)},
    )
    return created


@transaction.atomic
def event_update(*, event: Event, actor: User | None, **values) -> Event:
    """Change an event's settings (CAT-1); audit-logged with the changed fields.

    The venue can change only while no price refers to its zones and, once dates exist,
    only from "no venue" (the dates' counters come from the venue's zones). Turning on the
    entertainment tax for a Lausanne venue is refused while a pay-what-you-want price
    exists (CAT-4).
    """
    shop = event.shop
    if actor is not None:
        require_level(actor, shop.organizer, Level.MANAGE, shop=shop, event_id=event.pk)
    unknown = set(values) - set(EVENT_FIELDS) - {"venue"}
    if unknown:
        raise InvalidInput(f"unknown event fields: {', '.join(sorted(unknown))}")
    if "name" in values:
        values["name"] = values["name"].strip()
        if not values["name"]:
            raise InvalidInput(_("An event needs a name."))
    if "venue" in values and values["venue"] != event.venue:
        _check_venue(shop, values["venue"])
        if event.prices.exists():
            raise InvalidInput(_("The venue cannot change while the event has prices."))
        if event.venue_id is not None and event.dates.exists():
            raise InvalidInput(_("The venue cannot change once the event has dates."))
    changes = audit.diff(event, [*EVENT_FIELDS, "venue"], values)
    if not changes:
        return event
    after = Event(
        venue=values.get("venue", event.venue),
        entertainment_tax=values.get("entertainment_tax", event.entertainment_tax),
    )
    if (
        after.in_lausanne_with_tax
        and event.prices.filter(kind=Price.Kind.PAY_WHAT_YOU_WANT).exists()
    ):
        raise PayWhatYouWantRefused(
            _(
                "This event has a pay-what-you-want price: it cannot be subject to "
                "Lausanne's entertainment tax. Remove that price first."
            )
        )
    _check_settings(Event(**{f: getattr(event, f) for f in EVENT_FIELDS} | values))
    for field, value in values.items():
        setattr(event, field, value)
    event.save()
    audit.record(
        organizer=shop.organizer,
        actor=actor,
        action="event.changed",
        target=event,
        shop=shop,
        changes=changes,
    )
    return event
