"""Tenant-scoped reads of the catalog (ORG-3): every helper starts from the organizer or
shop of the request, so an id from a URL never reaches another organizer's row (404)."""

from django.db.models import Count, Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from billetterie.catalog.models import (
    Event,
    EventDate,
    EventImage,
    OptionGroup,
    Price,
    Seat,
    TicketOption,
    Venue,
    Zone,
)
from billetterie.core.models import Organizer, Shop


def events_of_shop(shop: Shop) -> QuerySet:
    """The shop's events with their venue and number of dates, for the events list."""
    return (
        Event.objects.filter(shop=shop)
        .select_related("venue")
        .annotate(date_count=Count("dates"))
        .order_by("name", "pk")
    )


def event_of_shop(shop: Shop, event_id) -> Event:
    return get_object_or_404(
        Event.objects.filter(shop=shop).select_related("shop__organizer", "venue"), pk=event_id
    )


def dates_of_event(event: Event) -> QuerySet:
    return EventDate.objects.filter(event=event).order_by("starts_at", "pk")


def date_of_event(event: Event, date_id) -> EventDate:
    return get_object_or_404(EventDate.objects.filter(event=event), pk=date_id)


def prices_of_event(event: Event) -> QuerySet:
    """Prices with their zone, amounts, dates, option groups and options."""
    return (
        Price.objects.filter(event=event)
        .select_related("zone")
        .prefetch_related(
            "amounts",
            "dates",
            "option_groups",
            Prefetch("options", queryset=TicketOption.objects.select_related("group")),
        )
        .order_by("position", "pk")
    )


def price_of_event(event: Event, price_id) -> Price:
    return get_object_or_404(Price.objects.filter(event=event).select_related("zone"), pk=price_id)


def option_of_event(event: Event, option_id) -> TicketOption:
    return get_object_or_404(
        TicketOption.objects.filter(price__event=event).select_related("price"), pk=option_id
    )


def option_groups_of_price(price: Price) -> QuerySet:
    return OptionGroup.objects.filter(price=price)


def images_of_event(event: Event) -> QuerySet:
    return EventImage.objects.filter(event=event).order_by("kind", "position", "pk")


def image_of_event(event: Event, image_id) -> EventImage:
    return get_object_or_404(EventImage.objects.filter(event=event), pk=image_id)


def venues_of(organizer: Organizer) -> QuerySet:
    return Venue.objects.filter(organizer=organizer).order_by("name", "pk")


def venue_of(organizer: Organizer, venue_id) -> Venue:
    return get_object_or_404(venues_of(organizer), pk=venue_id)


def zones_of_venue(venue: Venue) -> QuerySet:
    return Zone.objects.filter(venue=venue).annotate(seat_count=Count("seats"))


def zone_of_venue(venue: Venue, zone_id) -> Zone:
    return get_object_or_404(Zone.objects.filter(venue=venue), pk=zone_id)


def seats_of_venue(venue: Venue) -> QuerySet:
    return Seat.objects.filter(zone__venue=venue).order_by("zone_id", "line", "column", "pk")
