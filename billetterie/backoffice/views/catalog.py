"""Events of a shop (CAT-1, CAT-2, CAT-6, CAT-7): list, settings, detail with the per-date
sold / held / free lines and quotas, the date generator, images and duplication.

Prices and options are in views/prices.py, venues and zones in views/venues.py.
"""

from datetime import timedelta

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from billetterie.backoffice import catalog_forms as forms
from billetterie.backoffice.access import shop_view
from billetterie.backoffice.feedback import form_error, run
from billetterie.catalog import queries
from billetterie.catalog.models import EventImage, Price
from billetterie.catalog.services import images as image_services
from billetterie.catalog.services.events import date_times, event_create
from billetterie.core.exceptions import DomainError
from billetterie.core.models import Level
from billetterie.core.money import format_money
from billetterie.core.permissions import has_level
from billetterie.core.queries import shops_visible_to
from billetterie.inventory import schedule
from billetterie.inventory import services as inventory
from billetterie.inventory.queries import quotas_by_date


# --- helpers shared by the catalog views -------------------------------------------------------
def can_manage(request) -> bool:
    return getattr(request, "shop_level", None) is not None and request.shop_level >= Level.MANAGE


def event_url(request, event, anchor: str = "") -> str:
    url = reverse("backoffice:event", args=[request.organizer.slug, request.shop.slug, event.pk])
    return f"{url}#{anchor}" if anchor else url


def back_to_event(request, event, anchor: str = ""):
    return redirect(event_url(request, event, anchor))


def generated_starts(form, tz) -> list[tuple]:
    """The (start, end) pairs the date generator inputs describe, in the shop's zone."""
    data = form.cleaned_data
    minutes = data.get("duration")
    return date_times(
        first_day=data["first_day"],
        last_day=data.get("last_day"),
        every=data["every"],
        weekdays=data.get("weekdays") or None,
        times=data["times"],
        duration=timedelta(minutes=minutes) if minutes else None,
        tz=tz,
    )


# --- events list, create, edit ------------------------------------------------------------
@shop_view(Level.VIEW)
def event_list(request):
    return render(
        request,
        "backoffice/catalog/event_list.html",
        {"events": queries.events_of_shop(request.shop), "can_manage": can_manage(request)},
    )


@shop_view(Level.MANAGE)
def event_new(request):
    shop = request.shop
    form = forms.EventForm(
        request.POST or None, shop=shop, venues=queries.venues_of(request.organizer)
    )
    if request.method == "POST" and form.is_valid():
        try:
            event = event_create(shop=shop, actor=request.user, **form.values())
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Event “%(name)s” created.") % {"name": event.name})
            return back_to_event(request, event)
    return render(request, "backoffice/catalog/event_form.html", {"form": form, "event": None})


@shop_view(Level.MANAGE)
def event_edit(request, event_id):
    event = queries.event_of_shop(request.shop, event_id)
    form = forms.EventForm(
        request.POST or None,
        initial=forms.EventForm.initial_of(event),
        shop=request.shop,
        venues=queries.venues_of(request.organizer),
    )
    if request.method == "POST" and form.is_valid():
        try:
            schedule.event_change(event=event, actor=request.user, **form.values())
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Event saved."))
            return back_to_event(request, event)
    return render(request, "backoffice/catalog/event_form.html", {"form": form, "event": event})


# --- event detail -------------------------------------------------------------------------
def _price_rows(prices, currency: str) -> list[Price]:
    for price in prices:
        price.amount_labels = [format_money(a.amount, a.currency) for a in price.amounts.all()]
        price.date_list = list(price.dates.all())
        price.group_list = list(price.option_groups.all())
        price.option_list = list(price.options.all())
        for option in price.option_list:
            sign = "+" if option.amount >= 0 else ""
            option.amount_label = f"{sign}{format_money(option.amount, currency)}"
        price.option_form = forms.OptionForm(
            groups=price.group_list, auto_id=f"id_opt{price.pk}_%s"
        )
        price.group_form = forms.OptionGroupForm(auto_id=f"id_grp{price.pk}_%s")
    return sorted(prices, key=lambda p: (p.zone.position, p.zone_id, p.position, p.pk))


@shop_view(Level.VIEW)
def event_detail(request, event_id):
    shop = request.shop
    event = queries.event_of_shop(shop, event_id)
    zones = list(event.venue.zones.all()) if event.venue else []
    dates = list(queries.dates_of_event(event))
    counts = inventory.dates_counts(dates, zones)
    quotas = quotas_by_date(dates)
    manage = can_manage(request)
    price_list = list(queries.prices_of_event(event))
    date_rows = [
        {
            "date": date,
            "counts": counts[date.pk],
            "quotas": quotas[date.pk],
            "quota_form": (
                forms.QuotaForm(zones=zones, prices=price_list, auto_id=f"id_q{date.pk}_%s")
                if manage
                else None
            ),
        }
        for date in dates
    ]
    image_list = list(queries.images_of_event(event))
    return render(
        request,
        "backoffice/catalog/event_detail.html",
        {
            "event": event,
            "shop": shop,
            "zones": zones,
            "date_rows": date_rows,
            "prices": _price_rows(price_list, shop.currency),
            "images": image_list,
            "missing_portrait": image_services.missing_portrait(event),
            "gallery_full": (
                sum(i.kind == EventImage.Kind.GALLERY for i in image_list)
                >= image_services.GALLERY_LIMIT
            ),
            "image_form": forms.ImageForm() if manage else None,
            "can_manage": manage,
        },
    )


# --- dates and quotas ---------------------------------------------------------------------
@shop_view(Level.MANAGE)
def dates_add(request, event_id):
    """The date generator: preview the dates, then confirm to create them (CAT-2)."""
    event = queries.event_of_shop(request.shop, event_id)
    form = forms.DateGeneratorForm(request.POST or None, initial={"every": "once"})
    preview = None
    if request.method == "POST" and form.is_valid():
        try:
            starts = generated_starts(form, request.shop.zone_info)
            if request.POST.get("action") == "confirm":
                created = schedule.dates_add(event=event, actor=request.user, starts=starts)
                if created:
                    messages.success(
                        request,
                        ngettext("%(n)s date added.", "%(n)s dates added.", len(created))
                        % {"n": len(created)},
                    )
                else:
                    messages.warning(request, _("No date added: they all exist already."))
                return back_to_event(request, event, "dates")
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            existing = set(event.dates.values_list("starts_at", flat=True))
            preview = [{"starts": s, "ends": e, "exists": s in existing} for s, e in starts]
    return render(
        request,
        "backoffice/catalog/dates_form.html",
        {
            "event": event,
            "form": form,
            "preview": preview,
            "new_count": sum(not p["exists"] for p in preview or []),
        },
    )


@require_POST
@shop_view(Level.MANAGE)
def date_quota(request, event_id, date_id):
    event = queries.event_of_shop(request.shop, event_id)
    date = queries.date_of_event(event, date_id)
    zones = list(event.venue.zones.all()) if event.venue else []
    prices = list(event.prices.select_related("zone"))
    form = forms.QuotaForm(request.POST, zones=zones, prices=prices)
    if not form.is_valid():
        form_error(request, form)
        return back_to_event(request, event, f"date-{date.pk}")
    scope = form.cleaned_data["scope"]
    price = next((p for p in prices if f"price:{p.pk}" == scope), None)
    zone = price.zone if price else next((z for z in zones if str(z.pk) == scope), None)
    size = form.cleaned_data["size"]
    label = price.name if price else zone.name if zone else _("Whole date")
    run(
        request,
        lambda: inventory.quota_set(
            date=date, size=size, zone=zone, price=price, name=label, actor=request.user
        ),
        _("Quota set to %(size)s places.") % {"size": size},
    )
    return back_to_event(request, event, f"date-{date.pk}")


# --- images --------------------------------------------------------------------------------
@require_POST
@shop_view(Level.MANAGE)
def image_upload(request, event_id):
    event = queries.event_of_shop(request.shop, event_id)
    form = forms.ImageForm(request.POST, request.FILES)
    if not form.is_valid():
        form_error(request, form)
        return back_to_event(request, event, "images")
    data = form.cleaned_data
    run(
        request,
        lambda: image_services.image_upload(
            event=event, actor=request.user, kind=data["kind"], upload=data["file"]
        ),
        _("Image uploaded."),
    )
    return back_to_event(request, event, "images")


@require_POST
@shop_view(Level.MANAGE)
def image_delete(request, event_id, image_id):
    event = queries.event_of_shop(request.shop, event_id)
    image = queries.image_of_event(event, image_id)
    run(
        request,
        lambda: image_services.image_delete(image=image, actor=request.user),
        _("Image removed."),
    )
    return back_to_event(request, event, "images")


# --- duplication ---------------------------------------------------------------------------
def _managed_shops(request) -> list:
    """Shops of the organizer where the user may create events (the duplication targets)."""
    shops = shops_visible_to(request.user, request.organizer).filter(is_archived=False)
    return [
        s
        for s in shops.order_by("name", "pk")
        if has_level(request.user, request.organizer, Level.MANAGE, shop=s)
    ]


@shop_view(Level.MANAGE)
def event_duplicate(request, event_id):
    """Copy an event into this or another shop with new dates, in one step (CAT-7)."""
    event = queries.event_of_shop(request.shop, event_id)
    shops = _managed_shops(request)
    form = forms.DuplicateForm(
        request.POST or None,
        shops=shops,
        initial={
            "target_shop": request.shop.slug,
            "name": event.name,
            "every": "once",
            "one_event_per_date": "0",
        },
    )
    preview, preview_zone = None, request.shop.time_zone
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        target = next(s for s in shops if s.slug == data["target_shop"])
        try:
            starts = generated_starts(form, target.zone_info)
            if request.POST.get("action") == "confirm":
                copies = schedule.event_duplicate(
                    event=event,
                    actor=request.user,
                    target_shop=target,
                    name=data["name"],
                    starts=starts,
                    one_event_per_date=data["one_event_per_date"],
                )
                messages.success(
                    request,
                    ngettext(
                        "%(n)s event created in %(shop)s.",
                        "%(n)s events created in %(shop)s.",
                        len(copies),
                    )
                    % {"n": len(copies), "shop": target.name},
                )
                if len(copies) == 1:
                    return redirect(
                        "backoffice:event", request.organizer.slug, target.slug, copies[0].pk
                    )
                return redirect("backoffice:events", request.organizer.slug, target.slug)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            preview = [{"starts": s, "ends": e} for s, e in starts]
            preview_zone = target.time_zone
    return render(
        request,
        "backoffice/catalog/duplicate_form.html",
        {
            "event": event,
            "form": form,
            "preview": preview,
            "preview_zone": preview_zone,
        },
    )
