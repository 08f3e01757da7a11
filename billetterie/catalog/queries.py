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


def price_of_shop(shop: Shop, price_id) -> Price:
    """A price of any event of the shop, else 404."""
    return get_object_or_404(
        Price.objects.filter(event__shop=shop).select_related("event", "zone"), pk=price_id
    )


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


# --- the public shop: only what a buyer may see ----------------------------------------------
SHOP_VISIBLE = (Event.Visibility.PUBLIC, Event.Visibility.UNLISTED)


def upcoming_dates(now) -> QuerySet:
    """Dates still to come and not cancelled, soonest first."""
    return EventDate.objects.filter(starts_at__gt=now, is_cancelled=False).order_by(
        "starts_at", "pk"
    )


def public_events_of_shop(shop: Shop, *, now) -> list[Event]:
    """The events listed on the shop's home page: public, not cancelled, with dates to come
    (soonest first), each with `upcoming` (its dates to come) and `listing_image`."""
    events = (
        Event.objects.filter(shop=shop, visibility=Event.Visibility.PUBLIC)
        .exclude(sale_status=Event.SaleStatus.CANCELLED)
        .select_related("venue")
        .prefetch_related(
            Prefetch("dates", queryset=upcoming_dates(now), to_attr="upcoming"),
            Prefetch(
                "images",
                queryset=EventImage.objects.exclude(kind=EventImage.Kind.GALLERY),
                to_attr="cover_images",
            ),
        )
    )
    listed = [event for event in events if event.upcoming]
    for event in listed:
        event.listing_image = _cover(event.cover_images)
    return sorted(listed, key=lambda e: (e.upcoming[0].starts_at, e.name, e.pk))


def _cover(images) -> EventImage | None:
    """The landscape image for listings, else the portrait one (CAT-6)."""
    by_kind = {}
    for image in images:
        by_kind.setdefault(image.kind, image)
    return by_kind.get(EventImage.Kind.LANDSCAPE) or by_kind.get(EventImage.Kind.PORTRAIT)


def shop_event(shop: Shop, event_id) -> Event:
    """An event a buyer may open by its link (public or unlisted), else 404."""
    event = get_object_or_404(
        Event.objects.filter(shop=shop, visibility__in=SHOP_VISIBLE).select_related(
            "shop__organizer", "venue"
        ),
        pk=event_id,
    )
    event.cover = _cover(images_of_event(event).exclude(kind=EventImage.Kind.GALLERY))
    return event


def shop_date(shop: Shop, event_id, date_id) -> EventDate:
    """A date of an event a buyer may open (see shop_event), with its event and venue."""
    return get_object_or_404(
        EventDate.objects.filter(
            event__shop=shop, event__visibility__in=SHOP_VISIBLE, event_id=event_id
        ).select_related("event__shop__organizer", "event__venue"),
        pk=date_id,
    )
