"""Scan devices and how they log in (SCAN-1).

Three ways in, each giving the device a bearer token (shown once, stored as a SHA-256
hash):
- a staff account (email, password, and the TOTP code when the account has one) holding
  at least the check-in level on the organizer; the device then chooses its session;
- the organizer code, which a manager hands to door volunteers; the device then chooses
  its session;
- a profile's code, shown as a QR code (`login_qr_text`): the device scans that profile and
  cannot change it.

Codes are 16 characters from a 32-letter alphabet (80 random bits), typed or scanned, and
guessing them is rate-limited per client address. The organizer revokes a device, or a
code together with the devices that used it. A staff device stops working as soon as its
account is deactivated or loses its last check-in grant.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from billetterie.catalog.models import EventDate
from billetterie.checkin.exceptions import DeviceRefused, SessionLocked
from billetterie.checkin.models import ScanDevice, ScanLoginCode, ScanProfile
from billetterie.checkin.services import profiles
from billetterie.checkin.services.lookup import aware_datetime, fetch_one
from billetterie.core import audit, ratelimit
from billetterie.core.exceptions import InvalidInput, PermissionRefused
from billetterie.core.models import Grant, Level, Organizer, Team, User
from billetterie.core.permissions import has_level, highest_level_anywhere
from billetterie.core.services.auth import staff_authenticate
from billetterie.core.services.staff import totp_verify

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud, typed by hand
CODE_LENGTH = 16
CODE_RATE_LIMIT = (20, 15 * 60)  # failed code logins per client address and window
LAST_SEEN_EVERY = timedelta(seconds=60)
MAX_DEVICE_NAME = 120


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def normalize_code(text: str) -> str:
    """A login code as typed: case, spaces and dashes do not matter."""
    return "".join(ch for ch in (text or "").upper() if ch.isalnum())


def _new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def login_qr_text(code: str) -> str:
    """The text of the QR code a scanner reads to log in with a code: the scanner app's
    address with the code in the fragment (never sent to a server, never in a log)."""
    return f"{settings.BASE_URL}/scanner/#code={normalize_code(code)}"


@dataclass(frozen=True)
class IssuedCode:
    login_code: ScanLoginCode
    code: str  # shown once: only its hash is kept
    qr_text: str


def _code_create(*, organizer, profile, actor) -> IssuedCode:
    code = _new_code()
    plain = normalize_code(code)
    login_code = ScanLoginCode.objects.create(
        organizer=organizer,
        profile=profile,
        code_hash=_hash(plain),
        hint=plain[-4:],
        created_by=actor if actor is not None and actor.pk else None,
    )
    audit.record(
        organizer=organizer,
        actor=actor,
        action="scan_code.created",
        target=login_code,
        changes={"profile": profile.name if profile else ""},
    )
    return IssuedCode(login_code=login_code, code=code, qr_text=login_qr_text(code))


@transaction.atomic
def organizer_code_create(*, organizer: Organizer, actor) -> IssuedCode:
    """A new organizer code (any number may exist; revoke the ones handed out)."""
    if actor is not None:
        require_manage(actor, organizer)
    return _code_create(organizer=organizer, profile=None, actor=actor)


@transaction.atomic
def profile_code_create(*, profile: ScanProfile, actor) -> IssuedCode:
    """A code that logs a device into this profile only; `qr_text` goes in a QR code."""
    if actor is not None:
        require_manage(actor, profile.organizer)
    return _code_create(organizer=profile.organizer, profile=profile, actor=actor)


def require_manage(actor, organizer) -> None:
    if not has_level(actor, organizer, Level.MANAGE):
        raise PermissionRefused()


@transaction.atomic
def login_code_revoke(*, login_code: ScanLoginCode, actor, devices_too: bool = True) -> int:
    """Revoke a code; with devices_too, the devices logged in with it as well. Returns the
    number of devices revoked."""
    if actor is not None:
        require_manage(actor, login_code.organizer)
    now = timezone.now()
    ScanLoginCode.objects.filter(pk=login_code.pk, revoked_at__isnull=True).update(revoked_at=now)
    revoked = 0
    if devices_too:
        revoked = ScanDevice.objects.filter(login_code=login_code, revoked_at__isnull=True).update(
            revoked_at=now, revoked_by=actor if actor is not None and actor.pk else None
        )
    audit.record(
        organizer=login_code.organizer,
        actor=actor,
        action="scan_code.revoked",
        target=login_code,
        changes={"devices": revoked},
    )
    return revoked


# --- logging in ------------------------------------------------------------------------------
@dataclass(frozen=True)
class DeviceLogin:
    device: ScanDevice
    token: str  # shown once: only its hash is kept


def _device_name(name: str, fallback: str) -> str:
    name = (name or "").strip()
    if len(name) > MAX_DEVICE_NAME:
        raise InvalidInput(_("This name is too long."), fields={"device_name": "too_long"})
    return name or fallback


def _open_device(**values) -> DeviceLogin:
    token = secrets.token_urlsafe(32)
    device = ScanDevice.objects.create(
        token_hash=_hash(token), last_seen_at=timezone.now(), **values
    )
    return DeviceLogin(device=device, token=token)


def _scan_organizers(user) -> list[Organizer]:
    held = Grant.objects.filter(
        Q(user=user) | Q(team__members=user), organizer=OuterRef("pk"), level__gte=Level.SCAN
    )
    return list(Organizer.objects.filter(Exists(held)).order_by("name"))


def device_login_staff(
    *,
    email: str,
    password: str,
    client_ip: str,
    totp_code: str = "",
    organizer_slug: str = "",
    device_name: str = "",
    request=None,
) -> DeviceLogin:
    """Open a device for a staff account holding the check-in level (or higher)."""
    user = staff_authenticate(request=request, email=email, password=password, client_ip=client_ip)
    if user.has_totp and not (totp_code and totp_verify(user=user, code=totp_code)):
        raise DeviceRefused(
            _("Enter the current code of your authenticator app."), code="totp_required"
        )
    organizers = _scan_organizers(user)
    if organizer_slug:
        organizers = [o for o in organizers if o.slug == organizer_slug.strip()]
    if not organizers:
        raise DeviceRefused(_("This account may not scan tickets."), code="no_scan_permission")
    if len(organizers) > 1:
        raise DeviceRefused(
            _("This account works for several organizers: choose one."),
            code="organizer_required",
            organizers=[{"slug": o.slug, "name": o.name} for o in organizers],
        )
    organizer = organizers[0]
    name = _device_name(device_name, user.email)
    with transaction.atomic():
        login = _open_device(
            organizer=organizer, name=name, login_method=ScanDevice.LoginMethod.STAFF, user=user
        )
        audit.record(
            organizer=organizer, actor=user, action="scan_device.opened", target=login.device
        )
    return login


def device_login_code(*, code: str, client_ip: str, device_name: str = "") -> DeviceLogin:
    """Open a device with the organizer code or a profile code."""
    limit, window = CODE_RATE_LIMIT
    ratelimit.check("scan-code", client_ip, limit=limit)
    plain = normalize_code(code)
    login_code = (
        ScanLoginCode.objects.select_related("organizer", "profile")
        .filter(code_hash=_hash(plain), revoked_at__isnull=True)
        .first()
        if len(plain) == CODE_LENGTH
        else None
    )
    if login_code is None:
        ratelimit.hit("scan-code", client_ip, limit=limit + 1, window=window)
        raise DeviceRefused(_("This code is not valid."), code="invalid_code")
    profile = login_code.profile
    name = _device_name(device_name, _("Scanner …%(hint)s") % {"hint": login_code.hint})
    method = (
        ScanDevice.LoginMethod.PROFILE_CODE
        if profile is not None
        else ScanDevice.LoginMethod.ORGANIZER_CODE
    )
    with transaction.atomic():
        ScanLoginCode.objects.filter(pk=login_code.pk).update(last_used_at=timezone.now())
        login = _open_device(
            organizer=login_code.organizer,
            name=name,
            login_method=method,
            login_code=login_code,
            profile=profile,
        )
        audit.record(
            organizer=login_code.organizer,
            actor=None,
            action="scan_device.opened",
            target=login.device,
            changes={"code": f"…{login_code.hint}"},
        )
    return login


_DEVICE_FIELDS = [
    "id",
    "organizer_id",
    "name",
    "login_method",
    "user_id",
    "login_code_id",
    "profile_id",
    "last_seen_at",
]
_PROFILE_FIELDS = ["id", "organizer_id", "name", "mode", "allow_quick_cancel", "is_adhoc"]


@cache
def _authenticate_sql() -> str:
    """Every API call starts with this: one lean hand-written SELECT (the ORM's
    select_related + Exists cost several times more per request, measured)."""
    quote = connection.ops.quote_name
    device, profile = quote(ScanDevice._meta.db_table), quote(ScanProfile._meta.db_table)
    user, grant = quote(User._meta.db_table), quote(Grant._meta.db_table)
    members = quote(Team.members.through._meta.db_table)
    return f"""
        SELECT {", ".join(f"d.{f}" for f in _DEVICE_FIELDS)},
               {", ".join(f"p.{f}" for f in _PROFILE_FIELDS)},
               u.is_active,
               EXISTS (SELECT 1 FROM {grant} g
                       WHERE g.organizer_id = d.organizer_id AND g.level >= %s
                         AND (g.user_id = d.user_id
                              OR g.team_id IN (SELECT m.team_id FROM {members} m
                                               WHERE m.user_id = d.user_id)))
        FROM {device} d
        LEFT JOIN {profile} p ON p.id = d.profile_id
        LEFT JOIN {user} u ON u.id = d.user_id
        WHERE d.token_hash = %s AND d.revoked_at IS NULL
    """  # noqa: S608 - table names from the models, values as parameters


def device_authenticate(token: str) -> ScanDevice | None:
    """The live device holding this bearer token, with its profile: one query. None when
    unknown, revoked, or a staff device whose account is inactive or may not scan any
    more (no grant of the check-in level or above, directly or through a team)."""
    if not token or len(token) > 200:
        return None
    row = fetch_one(_authenticate_sql(), [int(Level.SCAN), _hash(token)])
    if row is None:
        return None
    n = len(_DEVICE_FIELDS)
    device_values, profile_values = row[:n], row[n : n + len(_PROFILE_FIELDS)]
    user_active, may_scan = row[-2], row[-1]
    device = ScanDevice.from_db(connection.alias, _DEVICE_FIELDS, device_values)
    device.last_seen_at = aware_datetime(device.last_seen_at)
    if device.user_id is not None and not (user_active and may_scan):
        return None
    if device.profile_id is not None:
        device.profile = ScanProfile.from_db(connection.alias, _PROFILE_FIELDS, profile_values)
    else:
        device.profile = None
    return device


def device_touch(device: ScanDevice) -> None:
    """Remember when the device was last seen; written at most once a minute."""
    now = timezone.now()
    if device.last_seen_at is None or now - device.last_seen_at >= LAST_SEEN_EVERY:
        ScanDevice.objects.filter(pk=device.pk).update(last_seen_at=now)
        device.last_seen_at = now


@transaction.atomic
def device_revoke(*, device: ScanDevice, actor) -> bool:
    """Revoke a device (a manager in the back office; actor None: the device logs out)."""
    if actor is not None:
        require_manage(actor, device.organizer)
    revoked = ScanDevice.objects.filter(pk=device.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=actor if actor is not None and actor.pk else None
    )
    if revoked:
        audit.record(
            organizer=device.organizer,
            actor=actor,
            action="scan_device.revoked" if actor is not None else "scan_device.logged_out",
            target=device,
        )
    return bool(revoked)


# --- choosing the session --------------------------------------------------------------------
def _check_staff_scope(device: ScanDevice, profile: ScanProfile) -> None:
    """A staff device scans only events its account may scan (grants can be per shop or
    per event)."""
    user = device.user
    if user is None:
        return
    if highest_level_anywhere(user, device.organizer) is None:
        raise PermissionRefused()
    date_ids = profiles.profile_date_ids(profile)
    events = {
        (row["event_id"], row["event__shop_id"])
        for row in EventDate.objects.filter(pk__in=date_ids).values("event_id", "event__shop_id")
    }
    shops = {shop.pk: shop for shop in device.organizer.shops.all()}
    for event_id, shop_id in events:
        if not has_level(
            user, device.organizer, Level.SCAN, shop=shops[shop_id], event_id=event_id
        ):
            raise PermissionRefused(_("Your account may not scan some of these events."))


@transaction.atomic
def device_session_choose(*, device: ScanDevice, profile_id: int) -> ScanProfile:
    """Scan with one of the organizer's prepared profiles."""
    if device.profile_locked:
        raise SessionLocked()
    profile = ScanProfile.objects.filter(
        pk=profile_id, organizer_id=device.organizer_id, is_adhoc=False
    ).first()
    if profile is None:
        raise InvalidInput(_("Unknown scan profile."), fields={"profile_id": "unknown"})
    _check_staff_scope(device, profile)
    ScanDevice.objects.filter(pk=device.pk).update(profile=profile)
    device.profile = profile
    return profile


@transaction.atomic
def device_session_define(
    *,
    device: ScanDevice,
    mode: str = ScanProfile.Mode.NORMAL,
    events=(),
    dates=(),
    zones=(),
    name: str = "",
) -> ScanProfile:
    """Scan with a session the device defines itself (SCAN-2, SCAN-4): chosen dates and/or
    events, zones and mode. Quick cancellation is never allowed in such a session: only a
    manager's profile allows it."""
    if device.profile_locked:
        raise SessionLocked()
    profile = profiles.profile_create(
        organizer=device.organizer,
        actor=None,
        name=name or device.name,
        mode=mode,
        events=events,
        dates=dates,
        zones=zones,
        is_adhoc=True,
    )
    _check_staff_scope(device, profile)
    ScanDevice.objects.filter(pk=device.pk).update(profile=profile)
    device.profile = profile
    return profile
