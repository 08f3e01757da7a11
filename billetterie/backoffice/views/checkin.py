"""Access control in the back office (SCAN-1..7): scan profiles, login codes and their QR
codes, scan devices, the shops' signed codes and keys, and the live count at the doors.

Profiles, codes and devices are the organizer's (managers only); signed codes and keys are
per shop (managers of the shop); the live count is per shop and open to the check-in level.
"""

from datetime import timedelta

import segno
from django import forms
from django.contrib import messages
from django.db.models import F
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from billetterie.backoffice.access import organizer_view, shop_view
from billetterie.backoffice.feedback import run
from billetterie.catalog.models import Event, EventDate, Zone
from billetterie.checkin import queries
from billetterie.checkin.models import (
    ScanDevice,
    ScanLoginCode,
    ScanProfile,
    ShopCheckinSettings,
    SigningKey,
)
from billetterie.checkin.services import devices, profiles, signing
from billetterie.core.exceptions import DomainError
from billetterie.core.models import Level
from billetterie.core.queries import get_for_organizer

MAX_DEVICES_SHOWN = 200
LIVE_WINDOW_BEFORE = timedelta(hours=24)
LIVE_DATES = 30


# --- forms -------------------------------------------------------------------------------------
class DateChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        local = timezone.localtime(obj.starts_at, obj.event.shop.zone_info)
        return f"{obj.event.name} · {local:%d.%m.%Y %H:%M}"


class ZoneChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.venue.name} · {obj.name}"


class ScanProfileForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=profiles.MAX_NAME)
    mode = forms.ChoiceField(label=gettext_lazy("Mode"), choices=ScanProfile.Mode.choices)
    events = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Events (all their dates, also dates added later)"),
        queryset=Event.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    dates = DateChoice(
        label=gettext_lazy("Dates"),
        queryset=EventDate.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    zones = ZoneChoice(
        label=gettext_lazy("Zones (none chosen: every zone)"),
        queryset=Zone.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    allow_quick_cancel = forms.BooleanField(
        label=gettext_lazy("Quick cancellation of unsold pre-printed tickets"), required=False
    )

    def __init__(self, *args, organizer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["events"].queryset = Event.objects.filter(shop__organizer=organizer).order_by(
            "name", "pk"
        )
        self.fields["dates"].queryset = (
            EventDate.objects.filter(event__shop__organizer=organizer)
            .select_related("event__shop")
            .order_by("starts_at", "pk")
        )
        self.fields["zones"].queryset = (
            Zone.objects.filter(venue__organizer=organizer)
            .select_related("venue")
            .order_by("venue__name", "position", "pk")
        )


def _profile_initial(profile: ScanProfile) -> dict:
    return {
        "name": profile.name,
        "mode": profile.mode,
        "events": list(profile.events.all()),
        "dates": list(profile.dates.all()),
        "zones": list(profile.zones.all()),
        "allow_quick_cancel": profile.allow_quick_cancel,
    }


# --- the page ----------------------------------------------------------------------------------
def _back(request):
    return redirect("backoffice:checkin", request.organizer.slug)


@organizer_view(min_level=Level.MANAGE)
def checkin_page(request):
    organizer = request.organizer
    profile_list = list(
        ScanProfile.objects.filter(organizer=organizer, is_adhoc=False)
        .prefetch_related("events", "dates__event", "zones")
        .order_by("name", "pk")
    )
    codes = list(
        ScanLoginCode.objects.filter(organizer=organizer, revoked_at__isnull=True)
        .select_related("profile")
        .order_by("-created_at", "-pk")
    )
    device_list = list(
        ScanDevice.objects.filter(organizer=organizer)
        .select_related("user", "profile")
        .order_by(F("revoked_at").desc(nulls_first=True), "-last_seen_at", "-pk")[
            :MAX_DEVICES_SHOWN
        ]
    )
    shops = list(organizer.shops.filter(is_archived=False).order_by("name"))
    settings_by_shop = {s.shop_id: s for s in ShopCheckinSettings.objects.filter(shop__in=shops)}
    keys = list(
        SigningKey.objects.filter(shop__in=shops)
        .defer("private_key_encrypted")
        .order_by("shop_id", "-created_at")
    )
    for shop in shops:
        settings = settings_by_shop.get(shop.pk)
        shop.signed_codes = bool(settings and settings.signed_codes)
        shop.key_list = [k for k in keys if k.shop_id == shop.pk]
    return render(
        request,
        "backoffice/checkin.html",
        {
            "profiles": profile_list,
            "organizer_codes": [c for c in codes if c.profile_id is None],
            "profile_codes": [c for c in codes if c.profile_id is not None],
            "devices": device_list,
            "shops": shops,
            "scanner_url": request.build_absolute_uri("/scanner/"),
        },
    )


def _profile_form_page(request, form, profile=None):
    return render(request, "backoffice/checkin_profile.html", {"form": form, "profile": profile})


def _save_profile(request, form, profile=None):
    data = form.cleaned_data
    values = {
        "actor": request.user,
        "name": data["name"],
        "mode": data["mode"],
        "events": data["events"],
        "dates": data["dates"],
        "zones": data["zones"],
        "allow_quick_cancel": data["allow_quick_cancel"],
    }
    if profile is None:
        return profiles.profile_create(organizer=request.organizer, **values)
    return profiles.profile_update(profile=profile, **values)


def _profile_form_view(request, profile=None):
    organizer = request.organizer
    initial = _profile_initial(profile) if profile is not None else {}
    form = ScanProfileForm(request.POST or None, organizer=organizer, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = _save_profile(request, form, profile)
        except DomainError as error:
            fields = error.params.get("fields") or {}
            target = next((f for f in fields if f in form.fields), None)
            form.add_error(target, error.message)
        else:
            messages.success(request, _("Scan profile “%(name)s” saved.") % {"name": saved.name})
            return _back(request)
    return _profile_form_page(request, form, profile)


@organizer_view(min_level=Level.MANAGE)
def profile_create(request):
    return _profile_form_view(request)


@organizer_view(min_level=Level.MANAGE)
def profile_edit(request, profile_id):
    profile = get_for_organizer(ScanProfile.objects, request.organizer, pk=profile_id)
    if profile.is_adhoc:
        raise Http404
    return _profile_form_view(request, profile)


# --- login codes -------------------------------------------------------------------------------
def _issued_page(request, issued, profile=None):
    qr = segno.make_qr(issued.qr_text, error="m")
    return render(
        request,
        "backoffice/checkin_code.html",
        {
            "issued": issued,
            "profile": profile,
            "qr_uri": qr.svg_data_uri(scale=6, border=2),
        },
    )


@require_POST
@organizer_view(min_level=Level.MANAGE)
def profile_code_create(request, profile_id):
    profile = get_for_organizer(
        ScanProfile.objects.filter(is_adhoc=False), request.organizer, pk=profile_id
    )
    try:
        issued = devices.profile_code_create(profile=profile, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return _back(request)
    return _issued_page(request, issued, profile)


@require_POST
@organizer_view(min_level=Level.MANAGE)
def organizer_code_create(request):
    try:
        issued = devices.organizer_code_create(organizer=request.organizer, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return _back(request)
    return _issued_page(request, issued)


@require_POST
@organizer_view(min_level=Level.MANAGE)
def code_revoke(request, code_id):
    login_code = get_for_organizer(ScanLoginCode.objects, request.organizer, pk=code_id)
    run(
        request,
        lambda: devices.login_code_revoke(login_code=login_code, actor=request.user),
        _("Code …%(hint)s revoked, with the devices logged in with it.")
        % {"hint": login_code.hint},
    )
    return _back(request)


@require_POST
@organizer_view(min_level=Level.MANAGE)
def device_revoke(request, device_id):
    device = get_for_organizer(ScanDevice.objects, request.organizer, pk=device_id)
    run(
        request,
        lambda: devices.device_revoke(device=device, actor=request.user),
        _("Device “%(name)s” revoked.") % {"name": device.name},
    )
    return _back(request)


# --- signed codes and keys (per shop) ----------------------------------------------------------
@require_POST
@shop_view(Level.MANAGE)
def signed_codes_set(request):
    enabled = request.POST.get("enabled") == "1"
    run(
        request,
        lambda: signing.signed_codes_set(shop=request.shop, enabled=enabled, actor=request.user),
        _("Signed codes turned on for %(shop)s.") % {"shop": request.shop.name}
        if enabled
        else _("Signed codes turned off for %(shop)s.") % {"shop": request.shop.name},
    )
    return _back(request)


@require_POST
@shop_view(Level.MANAGE)
def key_rotate(request):
    run(
        request,
        lambda: signing.signing_key_rotate(shop=request.shop, actor=request.user),
        _("New signing key for %(shop)s: older tickets stay valid.") % {"shop": request.shop.name},
    )
    return _back(request)


# --- live count --------------------------------------------------------------------------------
def _live(request) -> list[dict]:
    """The shop's dates around now with entered / inside / expected per zone."""
    shop = request.shop
    since = timezone.now() - LIVE_WINDOW_BEFORE
    dates = list(
        EventDate.objects.filter(event__shop=shop, starts_at__gte=since)
        .select_related("event")
        .order_by("starts_at", "pk")[:LIVE_DATES]
    )
    rows = queries.live_counts(organizer_id=request.organizer.pk, date_ids=[d.pk for d in dates])
    tz = shop.zone_info
    result = []
    for date in dates:
        zones = [
            {
                "zone_id": row.zone_id,
                "zone_name": row.zone_name,
                "expected": row.expected,
                "entered": row.entered,
                "inside": row.inside,
            }
            for row in rows
            if row.date_id == date.pk
        ]
        local = timezone.localtime(date.starts_at, tz)
        result.append(
            {
                "id": date.pk,
                "label": f"{date.event.name} · {local:%d.%m.%Y %H:%M}",
                "zones": zones,
                "total": {
                    key: sum(z[key] for z in zones) for key in ("expected", "entered", "inside")
                },
            }
        )
    return result


@shop_view(Level.SCAN)
def live_counts(request):
    return render(
        request,
        "backoffice/checkin_live.html",
        {"shop": request.shop, "dates": _live(request), "updated_at": timezone.now()},
    )


@require_GET
@shop_view(Level.SCAN)
def live_counts_data(request):
    return JsonResponse({"dates": _live(request), "updated_at": timezone.now().isoformat()})
