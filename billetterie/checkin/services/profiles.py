"""Scan profiles (SCAN-2, SCAN-3, SCAN-4): what a session scans and how.

A profile lists dates and/or events (an event covers all its dates, also those added
later) and optionally zones (none: every zone). Every id is resolved within the organizer,
so a profile can never reach another organizer's dates.
"""

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from billetterie.catalog.models import Event, EventDate, Zone
from billetterie.checkin.models import ScanProfile
from billetterie.core import audit
from billetterie.core.exceptions import InvalidInput
from billetterie.core.models import Level, Organizer
from billetterie.core.permissions import require_level

MAX_NAME = 120


def _ids(values) -> set[int]:
    ids = set()
    for value in values or ():
        pk = getattr(value, "pk", value)
        try:
            ids.add(int(pk))
        except (TypeError, ValueError):
            raise InvalidInput(_("“%(value)s” is not an id.") % {"value": pk}) from None
    return ids


def resolve_scope(*, organizer: Organizer, events=(), dates=(), zones=()):
    """(events, dates, zones) of the organizer for these ids or objects; InvalidInput with
    the offending field when one is unknown (another organizer's id is unknown too)."""
    event_ids, date_ids, zone_ids = _ids(events), _ids(dates), _ids(zones)
    if not event_ids and not date_ids:
        raise InvalidInput(
            _("Choose at least one date or event to scan."), fields={"dates": "required"}
        )
    found_events = list(Event.objects.filter(pk__in=event_ids, shop__organizer=organizer))
    found_dates = list(EventDate.objects.filter(pk__in=date_ids, event__shop__organizer=organizer))
    found_zones = list(Zone.objects.filter(pk__in=zone_ids, venue__organizer=organizer))
    for name, wanted, found in (
        ("events", event_ids, found_events),
        ("dates", date_ids, found_dates),
        ("zones", zone_ids, found_zones),
    ):
        missing = wanted - {row.pk for row in found}
        if missing:
            raise InvalidInput(
                _("Unknown %(what)s: %(ids)s")
                % {"what": name, "ids": ", ".join(str(i) for i in sorted(missing))},
                fields={name: "unknown"},
            )
    return found_events, found_dates, found_zones


def _clean(name: str, mode: str) -> tuple[str, str]:
    name = (name or "").strip()
    if not name:
        raise InvalidInput(_("A scan profile needs a name."), fields={"name": "required"})
    if len(name) > MAX_NAME:
        raise InvalidInput(_("This name is too long."), fields={"name": "too_long"})
    if mode not in ScanProfile.Mode.values:
        raise InvalidInput(_("Unknown scan mode."), fields={"mode": "invalid"})
    return name, mode


@transaction.atomic
def profile_create(
    *,
    organizer: Organizer,
    actor,
    name: str,
    mode: str = ScanProfile.Mode.NORMAL,
    events=(),
    dates=(),
    zones=(),
    allow_quick_cancel: bool = False,
    is_adhoc: bool = False,
) -> ScanProfile:
    """A profile prepared by a manager (actor) or, with is_adhoc, by a device for itself
    (actor None: the device service checks the device's rights)."""
    if not is_adhoc and actor is not None:
        require_level(actor, organizer, Level.MANAGE)
    name, mode = _clean(name, mode)
    events, dates, zones = resolve_scope(
        organizer=organizer, events=events, dates=dates, zones=zones
    )
    profile = ScanProfile.objects.create(
        organizer=organizer,
        name=name,
        mode=mode,
        allow_quick_cancel=bool(allow_quick_cancel) and not is_adhoc,
        is_adhoc=is_adhoc,
        created_by=actor if actor is not None and actor.pk else None,
    )
    profile.events.set(events)
    profile.dates.set(dates)
    profile.zones.set(zones)
    if not is_adhoc:
        audit.record(
            organizer=organizer,
            actor=actor,
            action="scan_profile.created",
            target=profile,
            changes={"mode": mode, "quick_cancel": profile.allow_quick_cancel},
        )
    return profile


@transaction.atomic
def profile_update(
    *,
    profile: ScanProfile,
    actor,
    name: str,
    mode: str,
    events=(),
    dates=(),
    zones=(),
    allow_quick_cancel: bool = False,
) -> ScanProfile:
    organizer = profile.organizer
    if actor is not None:
        require_level(actor, organizer, Level.MANAGE)
    name, mode = _clean(name, mode)
    events, dates, zones = resolve_scope(
        organizer=organizer, events=events, dates=dates, zones=zones
    )
    changes = audit.diff(
        profile,
        ["name", "mode", "allow_quick_cancel"],
        {"name": name, "mode": mode, "allow_quick_cancel": bool(allow_quick_cancel)},
    )
    profile.name, profile.mode = name, mode
    profile.allow_quick_cancel = bool(allow_quick_cancel)
    profile.save(update_fields=["name", "mode", "allow_quick_cancel"])
    profile.events.set(events)
    profile.dates.set(dates)
    profile.zones.set(zones)
    audit.record(
        organizer=organizer,
        actor=actor,
        action="scan_profile.changed",
        target=profile,
        changes=changes,
    )
    return profile


def profile_date_ids(profile: ScanProfile) -> list[int]:
    """Every date the profile scans: its dates and the dates of its events (one query)."""
    return list(
        EventDate.objects.filter(
            Q(
                pk__in=profile.dates.through.objects.filter(scanprofile_id=profile.pk).values(
                    "eventdate_id"
                )
            )
            | Q(
                event_id__in=profile.events.through.objects.filter(
                    scanprofile_id=profile.pk
                ).values("event_id")
            )
        )
        .order_by("starts_at", "pk")
        .values_list("pk", flat=True)
    )
