"""Venues, zones and numbered seats of an organizer (CAT-3).

Venues belong to the organizer, not to a shop: every shop's events choose among them.
Reading needs any access to the organizer; changing needs the manage level on all of it.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from billetterie.backoffice import catalog_forms as forms
from billetterie.backoffice.access import organizer_view
from billetterie.backoffice.feedback import form_error, run
from billetterie.catalog import queries
from billetterie.catalog.services.venues import venue_create
from billetterie.core.exceptions import DomainError
from billetterie.core.models import Level
from billetterie.inventory import schedule

SEAT_CATEGORY_STYLES = 6  # .cat-0 .. .cat-5 in app.css


def _can_manage(request) -> bool:
    return request.organizer_level is not None and request.organizer_level >= Level.MANAGE


def _back(request, venue, anchor: str = ""):
    response = redirect("backoffice:venue", request.organizer.slug, venue.pk)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


@organizer_view()
def venue_list(request):
    venues = queries.venues_of(request.organizer).prefetch_related("zones")
    manage = _can_manage(request)
    return render(
        request,
        "backoffice/catalog/venue_list.html",
        {"venues": venues, "can_manage": manage, "form": forms.VenueForm() if manage else None},
    )


@organizer_view(min_level=Level.MANAGE)
def venue_new(request):
    form = forms.VenueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            venue = venue_create(
                organizer=request.organizer, actor=request.user, **form.cleaned_data
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Venue “%(name)s” created.") % {"name": venue.name})
            return _back(request, venue)
    return render(request, "backoffice/catalog/venue_form.html", {"form": form})


def _seat_map(zone, seats) -> list[dict]:
    """The rows of a numbered zone in plan order, each seat with its category style."""
    categories: list[str] = []
    rows: dict[int, dict] = {}
    for seat in seats:
        if seat.category and seat.category not in categories:
            categories.append(seat.category)
        seat.style = (
            f"cat-{categories.index(seat.category) % SEAT_CATEGORY_STYLES}" if seat.category else ""
        )
        rows.setdefault(seat.line, {"name": seat.row, "seats": []})["seats"].append(seat)
    zone.categories = [
        {"name": name, "style": f"cat-{i % SEAT_CATEGORY_STYLES}"}
        for i, name in enumerate(categories)
    ]
    return [rows[line] for line in sorted(rows)]


@organizer_view()
def venue_detail(request, venue_id):
    venue = queries.venue_of(request.organizer, venue_id)
    zones = list(queries.zones_of_venue(venue))
    seats = list(queries.seats_of_venue(venue))
    manage = _can_manage(request)
    for zone in zones:
        zone.seat_rows = _seat_map(zone, [s for s in seats if s.zone_id == zone.pk])
        if manage and zone.is_numbered:
            zone.seats_form = forms.SeatsForm(auto_id=f"id_seats{zone.pk}_%s")
    return render(
        request,
        "backoffice/catalog/venue_detail.html",
        {
            "venue": venue,
            "zones": zones,
            "can_manage": manage,
            "zone_form": forms.ZoneForm() if manage else None,
        },
    )


@require_POST
@organizer_view(min_level=Level.MANAGE)
def zone_new(request, venue_id):
    venue = queries.venue_of(request.organizer, venue_id)
    form = forms.ZoneForm(request.POST)
    if not form.is_valid():
        form_error(request, form)
        return _back(request, venue, "zones")
    data = form.cleaned_data
    run(
        request,
        lambda: schedule.zone_add(
            venue=venue,
            actor=request.user,
            name=data["name"],
            kind=data["kind"],
            capacity=data["capacity"] or 0,
        ),
        _("Zone “%(name)s” added.") % {"name": data["name"]},
    )
    return _back(request, venue, "zones")


@require_POST
@organizer_view(min_level=Level.MANAGE)
def seats_new(request, venue_id, zone_id):
    venue = queries.venue_of(request.organizer, venue_id)
    zone = queries.zone_of_venue(venue, zone_id)
    form = forms.SeatsForm(request.POST)
    if not form.is_valid():
        form_error(request, form)
        return _back(request, venue, f"zone-{zone.pk}")
    data = form.cleaned_data
    count = len(data["rows"]) * data["seats_per_row"]
    run(
        request,
        lambda: schedule.seats_add(
            zone=zone,
            actor=request.user,
            rows=data["rows"],
            seats_per_row=data["seats_per_row"],
            category=data["category"].strip(),
        ),
        _("%(count)s seats added to %(zone)s.") % {"count": count, "zone": zone.name},
    )
    return _back(request, venue, f"zone-{zone.pk}")
