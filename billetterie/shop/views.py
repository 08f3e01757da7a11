"""Public storefront (SHOP-1, CAT-3, CAT-5): the portal, a shop's events, an event's dates
and a date's prices, zones and seats with its "Add to cart" forms.

Views only read the request and call the queries and services: what can be sold, and at
which amount, is decided by orders.services (cart_add and check_sellable_online).
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import Count, Max, Min
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from billetterie.catalog import queries as catalog
from billetterie.core.exceptions import DomainError
from billetterie.core.models import DisplayMode, Shop
from billetterie.inventory import services as inventory
from billetterie.orders import queries as sales
from billetterie.orders.services import cart as carts
from billetterie.shop import calendar as cal
from billetterie.shop import forms
from billetterie.shop import tracking as ike
from billetterie.shop.cart_session import cart_count, cart_of


def portal(request):
    shops = Shop.objects.filter(is_archived=False).select_related("organizer")[:200]
    return render(request, "shop/portal.html", {"shops": shops})


def shop_of(organizer: str, slug: str) -> Shop:
    """An open (not archived) shop by its public address, else 404."""
    return get_object_or_404(
        Shop.objects.select_related("organizer", "tracking"),
        organizer__slug=organizer,
        slug=slug,
        is_archived=False,
    )


def shop_context(request, shop: Shop) -> dict:
    return {"shop": shop, "organizer": shop.organizer, "cart_count": cart_count(request, shop)}


def shop_home(request, organizer, shop):
    shop = shop_of(organizer, shop)
    events = catalog.public_events_of_shop(shop, now=timezone.now())
    context = {**shop_context(request, shop), "events": events}
    return ike.render_page(request, shop, "shop/home.html", context, events=[(ike.HOME_VIEW, None)])


def event_page(request, organizer, shop, event_id):
    shop = shop_of(organizer, shop)
    event = catalog.shop_event(shop, event_id)
    context = {**shop_context(request, shop), "event": event, **_dates_shown(request, shop, event)}
    viewed = (ike.EVENT_VIEW, {"name": event.name})
    return ike.render_page(request, shop, "shop/event.html", context, events=[viewed])


def _dates_shown(request, shop: Shop, event) -> dict:
    """The event's dates to come in the display mode asked for (CAT-5): all of them as a
    list, or those of one month or week of the shop's time zone. One query for the dates
    shown (plus one for the first and last date in the calendar modes), their free places
    counted together."""
    now = timezone.now()
    tz = shop.zone_info
    upcoming = catalog.upcoming_dates(now).filter(event=event)
    mode = cal.choose_mode(request.GET.get("view"), shop.display_modes, shop.default_display_mode)
    period = None
    if mode == cal.LIST:
        dates = list(upcoming)
        total = len(dates)
    else:
        span = upcoming.aggregate(first=Min("starts_at"), last=Max("starts_at"), n=Count("pk"))
        total = span["n"]
        if total < 2:  # nothing to browse: the single date, or the "no date" notice
            mode, dates = cal.LIST, list(upcoming)
        else:
            earliest = span["first"].astimezone(tz).date()
            latest = span["last"].astimezone(tz).date()
            first, end = cal.period_bounds(
                mode, request.GET.get(mode), earliest=earliest, latest=latest
            )
            start_at, end_at = cal.local_window(first, end, tz)
            dates = list(upcoming.filter(starts_at__gte=start_at, starts_at__lt=end_at))
    zones = list(event.venue.zones.all()) if event.venue and dates else []
    counts = inventory.dates_counts(dates, zones)
    for date in dates:
        date.free = counts[date.pk].free
        date.sold_out = date.free == 0
    if mode != cal.LIST:
        build = cal.month_period if mode == cal.MONTH else cal.week_period
        period = build(
            first,
            cal.group_by_day(dates, tz),
            earliest=earliest,
            latest=latest,
            today=timezone.localdate(now, tz),
        )
    return {
        "dates": dates,
        "date_count": total,
        "mode": mode,
        "period": period,
        "modes": _mode_links(shop, mode, period) if total > 1 else [],
    }


def _mode_links(shop: Shop, mode: str, period) -> list[dict]:
    """The switcher between the display modes the shop offers; switching from a month to
    its weeks (or back) stays around the same days."""
    labels = dict(DisplayMode.choices)
    offered = [m for m in cal.MODES if m in shop.display_modes]
    if len(offered) < 2:
        return []
    links = []
    for choice in offered:
        query = {"view": choice}
        if period is not None and choice == cal.MONTH and mode == cal.WEEK:
            query["month"] = cal.month_key(_first_shown(period))
        if period is not None and choice == cal.WEEK and mode == cal.MONTH:
            query["week"] = cal.week_key(_first_shown(period))
        links.append(
            {
                "mode": choice,
                "label": labels[choice],
                "url": f"?{urlencode(query)}#dates",
                "current": choice == mode,
            }
        )
    return links


def _first_shown(period):
    """The day of the first date shown in a period, else its first day."""
    return next((day.day for day in period.days if day.dates), period.first)


@require_http_methods(["GET", "POST"])
def date_page(request, organizer, shop, event_id, date_id):
    shop = shop_of(organizer, shop)
    date = catalog.shop_date(shop, event_id, date_id)
    on_sale = sales.prices_on_sale(date, currency=shop.currency)
    errors = {}
    if request.method == "POST":
        prices = {price.pk: price for price in on_sale.prices}
        try:
            price = forms.chosen_price(request.POST, prices)
        except DomainError as refusal:
            messages.error(request, refusal.message)
            return redirect(request.path)
        form_key = f"zone-{price.zone_id}" if price.zone.is_numbered else f"price-{price.pk}"
        try:
            wanted = forms.read_add_to_cart(request.POST, price)
            cart = cart_of(request, shop, create=True)
            line = carts.cart_add(
                cart=cart,
                date=date,
                zone=price.zone,
                price=price,
                quantity=wanted.quantity,
                seat_ids=wanted.seat_ids or None,
                amount=wanted.amount,
                option_ids=wanted.option_ids,
            )
        except DomainError as refusal:
            errors[form_key] = refusal.message
        else:
            added = ngettext(
                "%(n)s ticket “%(price)s” added to your cart.",
                "%(n)s tickets “%(price)s” added to your cart.",
                line.quantity,
            )
            messages.success(request, added % {"n": line.quantity, "price": price.name})
            if ike.is_on(shop):
                ike.remember(request, shop, ike.CART_ADD, ike.cart_data(cart, shop))
            return redirect("shop:cart", shop.organizer.slug, shop.slug)
    zones = _zones_for_sale(date, on_sale.prices, errors)
    context = {
        **shop_context(request, shop),
        "event": date.event,
        "date": date,
        "zones": zones,
        "reason": on_sale.reason,
    }
    viewed = (ike.DATE_VIEW, {"name": date.event.name, "date": sales.tracking_date(date, shop)})
    return ike.render_page(request, shop, "shop/date.html", context, events=[viewed])


def _zones_for_sale(date, prices, errors: dict) -> list:
    """The zones with at least one price on sale, each with its prices, free places, seat
    map (numbered zones) and the refusal of its last "Add to cart", if any."""
    by_zone: dict[int, list] = {}
    for price in prices:
        by_zone.setdefault(price.zone_id, []).append(price)
        price.quantities = forms.quantity_choices(price)
        price.error = errors.get(f"price-{price.pk}", "")
    free = inventory.availability(date) if by_zone else {}
    zones = [price.zone for price in prices if by_zone.get(price.zone_id)]
    zones = list({zone.pk: zone for zone in zones}.values())
    maps = sales.seat_maps(date, [zone.pk for zone in zones if zone.is_numbered])
    for zone in zones:
        zone.on_sale = by_zone[zone.pk]
        availability = free.get(zone.pk)
        zone.free = availability.free if availability else None
        zone.sold_out = zone.free is not None and zone.free <= 0
        zone.seat_map = maps.get(zone.pk)
        zone.error = errors.get(f"zone-{zone.pk}", "")
        if zone.sold_out and not zone.error:  # its forms are gone: say it above the notice
            zone.error = next((p.error for p in zone.on_sale if p.error), "")
    return zones
