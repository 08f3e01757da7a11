"""Venues, zones and numbered seats (CAT-3)."""

from django.db import transaction
from django.utils.translation import gettext as _

from billetterie.catalog.models import Seat, Venue, Zone
from billetterie.core import audit
from billetterie.core.exceptions import InvalidInput
from billetterie.core.models import Level, Organizer, User
from billetterie.core.permissions import require_level


@transaction.atomic
def venue_create(
    *,
    organizer: Organizer,
    actor: User | None,
    name: str,
    city: str = "",
    street: str = "",
    postal_code: str = "",
    country: str = "CH",
) -> Venue:
    if actor is not None:
        require_level(actor, organizer, Level.MANAGE)
    if not name.strip():
        raise InvalidInput(_("A venue needs a name."))
    venue = Venue.objects.create(
        organizer=organizer,
        name=name.strip(),
        city=city.strip(),
        street=street,
        postal_code=postal_code,
        country=country,
    )
    audit.record(organizer=organizer, actor=actor, action="venue.created", target=venue)
    return venue


@transaction.atomic
def zone_create(
    *, venue: Venue, actor: User | None, name: str, kind: str = Zone.Kind.FREE, capacity: int = 0
) -> Zone:
    if actor is not None:
        require_level(actor, venue.organizer, Level.MANAGE)
    if kind == Zone.Kind.FREE and capacity <= 0:
        raise InvalidInput(_("A free-placement zone needs a capacity."))
    zone = Zone.objects.create(
        venue=venue,
        name=name.strip(),
        kind=kind,
        capacity=capacity if kind == Zone.Kind.FREE else 0,
        position=venue.zones.count(),
    )
    audit.record(
        organizer=venue.organizer,
        actor=actor,
        action="zone.created",
        target=zone,
        changes={"kind": kind, "capacity": capacity},
    )
    return zone


@transaction.atomic
def seats_generate(
    *, zone: Zone, actor: User | None, rows: list[str], seats_per_row: int, category: str = ""
) -> list[Seat]:
    """Lay out a grid of seats: rows named as given, seats numbered 1..n, in plan order."""
    if actor is not None:
        require_level(actor, zone.venue.organizer, Level.MANAGE)
    if not zone.is_numbered:
        raise InvalidInput(_("Seats belong to a numbered zone."))
    if seats_per_row < 1 or not rows:
        raise InvalidInput(_("Give at least one row and one seat per row."))
    start_line = (zone.seats.order_by("-line").values_list("line", flat=True).first() or 0) + 1
    seats = [
        Seat(
            zone=zone,
            row=row.strip(),
            number=str(n),
            category=category,
            line=start_line + i,
            column=n,
        )
        for i, row in enumerate(rows)
        for n in range(1, seats_per_row + 1)
    ]
    if zone.seats.filter(row__in=[s.row for s in seats]).exists():
        raise InvalidInput(_("Some of these rows already exist in the zone."))
    created = Seat.objects.bulk_create(seats)
    audit.record(
        organizer=zone.venue.organizer,
        actor=actor,
        action="seats.generated",
        target=zone,
        changes={"rows": rows, "seats_per_row": seats_per_row},
    )
    return created
