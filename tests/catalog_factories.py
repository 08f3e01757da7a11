"""Catalog and inventory fixtures built through the services."""

from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from billetterie.catalog.models import Zone
from billetterie.catalog.services import prices, venues
from billetterie.catalog.services.events import event_create
from billetterie.inventory import schedule

ZURICH = ZoneInfo("Europe/Zurich")


def make_venue(organizer, *, free=50, seat_rows=("A", "B", "C"), seats_per_row=10, city="Genève"):
    """A venue with a free-placement zone of `free` places and a numbered zone."""
    venue = venues.venue_create(organizer=organizer, actor=None, name="Salle", city=city)
    standing = venues.zone_create(venue=venue, actor=None, name="Parterre", capacity=free)
    numbered = venues.zone_create(venue=venue, actor=None, name="Balcon", kind=Zone.Kind.NUMBERED)
    if seat_rows:
        venues.seats_generate(
            zone=numbered, actor=None, rows=list(seat_rows), seats_per_row=seats_per_row
        )
    return venue, standing, numbered


def make_event_with_date(shop, venue, *, name="Concert", when=None):
    event = event_create(shop=shop, actor=None, name=name, venue=venue)
    when = when or datetime.combine(
        datetime.now(ZURICH).date() + timedelta(days=30), time(20), tzinfo=ZURICH
    )
    (date,) = schedule.dates_add(event=event, actor=None, starts=[(when, None)])
    return event, date


def make_price(event, zone, *, name="Plein tarif", amount="30.00", kind="fixed"):
    return prices.price_create(
        event=event,
        actor=None,
        zone=zone,
        name=name,
        kind=kind,
        amounts={event.shop.currency: Decimal(amount)},
    )
