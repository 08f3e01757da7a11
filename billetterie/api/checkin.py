"""Check-in API for the scanner app (SCAN-1..9), at /api/v1/checkin/.

A device logs in once (`POST /login`: a staff account, the organizer code or a profile
code) and gets a bearer token; every other call sends `Authorization: Bearer <token>`. A
revoked device, an unknown token, or a staff device whose account lost its check-in grant
gets 401. Everything a device sees belongs to its organizer and, for tickets and orders,
to its session's dates.

Errors are JSON: `{"error": {"code": "...", "message": "...", "fields": {...}}}` with a
4xx status; `code` is stable, `message` is for people (in the request's language).

A refused scan is not an error: `POST /redeem` answers 200 with `ok: false` and a stable
`reason` (`unknown`, `invalid_signature`, `expired`, `revoked`, `cancelled`, `opposition`,
`wrong_date`, `wrong_zone`, `unpaid`, `already_used`, `already_inside`, `not_inside`).
"""

import base64
import dataclasses
import functools
import json
from datetime import datetime
from decimal import Decimal
from typing import Literal

from django.http import JsonResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.security import HttpBearer

from billetterie.checkin import queries
from billetterie.checkin.services import cancel, devices, redeem
from billetterie.checkin.services.profiles import profile_date_ids
from billetterie.checkin.services.revocations import revocations_since
from billetterie.core.exceptions import DomainError
from billetterie.core.http import client_ip

# --- errors ------------------------------------------------------------------------------------


def error_response(status: int, code: str, message: str, fields=None, **extra) -> JsonResponse:
    body = {"code": code, "message": str(message), "fields": fields or {}, **extra}
    return JsonResponse({"error": body}, status=status)


def _domain_errors(view):
    """A service's refusal becomes the JSON error with its stable code and status."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except DomainError as error:
            params = dict(error.params)
            fields = params.pop("fields", {})
            return error_response(
                error.http_status, error.code, error.message, fields, **_json_safe(params)
            )

    return wrapper


def _json_safe(params: dict) -> dict:
    return {
        key: value
        for key, value in params.items()
        if isinstance(value, str | int | float | bool | list | dict | type(None))
    }


def _field_name(location) -> str:
    parts = [str(p) for p in location if p not in ("body", "query", "path", "payload")]
    return ".".join(parts) or "request"


def _error_envelope(run):
    """ninja's own answers (401 without a valid token, 422 for a malformed request) in the
    same JSON shape as the services' refusals."""

    @functools.wraps(run)
    def wrapper(request, *args, **kwargs):
        response = run(request, *args, **kwargs)
        if response.status_code < 400:
            return response
        if not response.get("Content-Type", "").startswith("application/json"):
            return response
        try:
            body = json.loads(response.content or b"{}")
        except ValueError:
            return response
        if isinstance(body, dict) and "detail" in body and "error" not in body:
            return _reshape(response.status_code, body["detail"])
        return response

    return wrapper


def _reshape(status: int, detail) -> JsonResponse:
    if status == 401:
        return error_response(
            401, "unauthorized", _("This device is not logged in, or it was revoked.")
        )
    if status == 422 and isinstance(detail, list):
        fields = {
            _field_name(item.get("loc", ())): item.get("msg", "invalid")
            for item in detail
            if isinstance(item, dict)
        }
        return error_response(422, "invalid", _("The data is not valid."), fields)
    return error_response(status, "error", str(detail))


# --- authentication ---------------------------------------------------------------------------
class DeviceToken(HttpBearer):
    """A scan device's bearer token."""

    def authenticate(self, request, token):
        device = devices.device_authenticate(token)
        if device is not None:
            devices.device_touch(device)
        return device


router = Router(tags=["check-in"], auth=DeviceToken())
router.add_decorator(_domain_errors, mode="operation")
router.add_decorator(_error_envelope, mode="view")


# --- schemas -----------------------------------------------------------------------------------
class ErrorBody(Schema):
    code: str
    message: str
    fields: dict[str, str] = {}


class ErrorOut(Schema):
    error: ErrorBody


class DateOut(Schema):
    id: int
    event_id: int
    event_name: str
    shop_id: int
    starts_at: datetime
    ends_at: datetime | None
    cancelled: bool


class ZoneOut(Schema):
    id: int
    name: str
    venue_id: int


class SessionOut(Schema):
    profile_id: int
    name: str
    mode: Literal["normal", "entry_exit", "multiple"]
    allow_quick_cancel: bool
    locked: bool = Field(description="Logged in with a profile code: the session is fixed.")
    all_zones: bool
    dates: list[DateOut]
    zones: list[ZoneOut]


class DeviceOut(Schema):
    id: int
    name: str
    login_method: str
    organizer: str


class LoginIn(Schema):
    method: Literal["staff", "code"]
    email: str = Field("", max_length=254)
    password: str = Field("", max_length=1024)
    totp: str = Field(
        "", max_length=12, description="The authenticator code, if the account has one."
    )
    organizer: str = Field("", max_length=60, description="Organizer slug, for staff of several.")
    code: str = Field("", max_length=64, description="The organizer code or a profile code.")
    device_name: str = Field("", max_length=120)


class LoginOut(Schema):
    token: str = Field(description="Send as `Authorization: Bearer <token>`; shown once.")
    device: DeviceOut
    session: SessionOut | None


class ProfileOut(Schema):
    id: int
    name: str
    mode: str
    allow_quick_cancel: bool


class SessionIn(Schema):
    profile_id: int | None = Field(None, description="A prepared profile; or define one below.")
    name: str = Field("", max_length=120)
    mode: Literal["normal", "entry_exit", "multiple"] = "normal"
    event_ids: list[int] = Field(default_factory=list, max_length=200)
    date_ids: list[int] = Field(default_factory=list, max_length=500)
    zone_ids: list[int] = Field(default_factory=list, max_length=200)


class TicketOut(Schema):
    id: int
    holder_name: str
    price_name: str
    amount: Decimal
    currency: str
    zone_id: int
    zone_name: str
    seat: str
    order_code: str
    event_name: str
    date_id: int
    starts_at: datetime
    date_text: str


class RedeemIn(Schema):
    code: str = Field("", max_length=512, description="What the QR code holds.")
    ticket_id: int | None = Field(None, description="A ticket chosen in the order search.")
    direction: Literal["in", "out"] = "in"
    nonce: str = Field("", max_length=64, description="The scanner's id of this scan.")
    scanned_at: datetime | None = None


class ScanOut(Schema):
    ok: bool
    reason: str | None
    message: str
    direction: str
    ticket: TicketOut | None
    checkin_id: int
    entries: int
    inside: bool
    replayed: bool
    flagged: bool


class SyncScanIn(Schema):
    nonce: str = Field(min_length=1, max_length=64)
    scanned_at: datetime
    code: str = Field("", max_length=512)
    ticket_id: int | None = None
    direction: Literal["in", "out"] = "in"
    admitted: bool = Field(True, description="What the device answered while offline.")


class SyncIn(Schema):
    scans: list[SyncScanIn] = Field(max_length=redeem.MAX_SYNC_BATCH)


class SyncResultOut(ScanOut):
    nonce: str


class SyncOut(Schema):
    results: list[SyncResultOut]


class CancelIn(Schema):
    code: str = Field("", max_length=512)
    ticket_id: int | None = None


class CancelOut(Schema):
    ticket: TicketOut
    order_cancelled: bool


class SearchTicketOut(Schema):
    id: int
    holder_name: str
    price_name: str
    zone_id: int
    zone_name: str
    seat: str
    date_id: int
    event_name: str
    starts_at: datetime
    status: str
    entries: int
    inside: bool


class SearchOrderOut(Schema):
    code: str
    buyer_name: str
    state: str
    tickets: list[SearchTicketOut]


class SearchOut(Schema):
    orders: list[SearchOrderOut]


class RevocationOut(Schema):
    id: int
    ticket_id: int
    date_id: int
    code_hash: str = Field(description="SHA-256 (hex) of the revoked secret.")
    reason: str


class RevocationsOut(Schema):
    revocations: list[RevocationOut]
    cursor: int


class KeyOut(Schema):
    id: int
    shop_id: int
    public_key: str = Field(description="Raw 32-byte Ed25519 public key, base64.")
    active: bool


class KeysOut(Schema):
    keys: list[KeyOut]


class ScanListTicketOut(Schema):
    id: int
    code_hash: str
    holder_name: str
    order_code: str
    date_id: int
    zone_id: int
    seat: str
    price_name: str
    status: str
    entries: int
    inside: bool


class ScanListOut(Schema):
    tickets: list[ScanListTicketOut]
    next_cursor: int | None
    keys: list[KeyOut]


class CountOut(Schema):
    date_id: int
    zone_id: int
    zone_name: str
    expected: int
    entered: int
    inside: int


class CountsOut(Schema):
    counts: list[CountOut]


# --- shaping -----------------------------------------------------------------------------------
def _session(device) -> dict | None:
    config = queries.session_config(device)
    if config is None:
        return None
    profile = config.profile
    return {
        "profile_id": profile.pk,
        "name": profile.name,
        "mode": profile.mode,
        "allow_quick_cancel": profile.allow_quick_cancel,
        "locked": config.locked,
        "all_zones": config.all_zones,
        "dates": [
            {
                "id": d.pk,
                "event_id": d.event_id,
                "event_name": d.event.name,
                "shop_id": d.event.shop_id,
                "starts_at": d.starts_at,
                "ends_at": d.ends_at,
                "cancelled": d.is_cancelled,
            }
            for d in config.dates
        ],
        "zones": [{"id": z.pk, "name": z.name, "venue_id": z.venue_id} for z in config.zones],
    }


def _device(device) -> dict:
    return {
        "id": device.pk,
        "name": device.name,
        "login_method": device.login_method,
        "organizer": device.organizer.name,
    }


def _ticket(info) -> dict | None:
    if info is None:
        return None
    return {
        "id": info.id,
        "holder_name": info.holder_name,
        "price_name": info.price_name,
        "amount": info.amount,
        "currency": info.currency,
        "zone_id": info.zone_id,
        "zone_name": info.zone_name,
        "seat": info.seat,
        "order_code": info.order_code,
        "event_name": info.event_name,
        "date_id": info.date_id,
        "starts_at": info.starts_at,
        "date_text": info.date_text,
    }


def _scan(result) -> dict:
    return {
        "ok": result.ok,
        "reason": result.reason or None,
        "message": result.message,
        "direction": result.direction,
        "ticket": _ticket(result.ticket),
        "checkin_id": result.checkin_id,
        "entries": result.entries,
        "inside": result.inside,
        "replayed": result.replayed,
        "flagged": result.flagged,
    }


def _keys(keys) -> list[dict]:
    return [
        {
            "id": key.pk,
            "shop_id": key.shop_id,
            "public_key": base64.b64encode(bytes(key.public_key)).decode("ascii"),
            "active": key.is_active,
        }
        for key in keys
    ]


# --- endpoints ---------------------------------------------------------------------------------
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 409: ErrorOut, 422: ErrorOut, 429: ErrorOut}


@router.post(
    "/login",
    auth=None,
    response={201: LoginOut, **ERRORS},
    summary="Log a device in",
    url_name="checkin_login",
)
def login(request, payload: LoginIn):
    """Exchange a staff account (email, password, TOTP code if any) or a code (the
    organizer code or a profile code, as typed or read from its QR code) for a device
    token. Wrong codes are rate-limited per client address."""
    if payload.method == "staff":
        opened = devices.device_login_staff(
            email=payload.email,
            password=payload.password,
            totp_code=payload.totp,
            organizer_slug=payload.organizer,
            device_name=payload.device_name,
            client_ip=client_ip(request),
            request=request,
        )
    else:
        opened = devices.device_login_code(
            code=payload.code, device_name=payload.device_name, client_ip=client_ip(request)
        )
    device = opened.device
    return Status(
        201, {"token": opened.token, "device": _device(device), "session": _session(device)}
    )


@router.post(
    "/logout",
    response={204: None, **ERRORS},
    summary="Log this device out",
    url_name="checkin_logout",
)
def logout(request):
    """Revoke this device's token."""
    devices.device_revoke(device=request.auth, actor=None)
    return Status(204, None)


@router.get(
    "/profiles",
    response={200: list[ProfileOut], **ERRORS},
    summary="Scan profiles",
    url_name="checkin_profiles",
)
def profiles(request):
    """The organizer's prepared profiles this device may choose as its session."""
    return [
        {
            "id": p.pk,
            "name": p.name,
            "mode": p.mode,
            "allow_quick_cancel": p.allow_quick_cancel,
        }
        for p in queries.profiles_for_device(request.auth)
    ]


@router.get(
    "/session",
    response={200: SessionOut, **ERRORS},
    summary="The device's session",
    url_name="checkin_session",
)
def session_get(request):
    """What this device scans: dates, zones and mode."""
    session = _session(request.auth)
    if session is None:
        return error_response(409, "no_session", _("Choose what this device scans first."))
    return session


@router.put(
    "/session",
    response={200: SessionOut, **ERRORS},
    summary="Choose the session",
    url_name="checkin_session_set",
)
def session_put(request, payload: SessionIn):
    """Choose a prepared profile (`profile_id`), or define the session: dates and/or
    events, zones (none: every zone) and mode. Refused (403) for a device logged in with a
    profile code."""
    device = request.auth
    if payload.profile_id is not None:
        devices.device_session_choose(device=device, profile_id=payload.profile_id)
    else:
        devices.device_session_define(
            device=device,
            name=payload.name,
            mode=payload.mode,
            events=payload.event_ids,
            dates=payload.date_ids,
            zones=payload.zone_ids,
        )
    return _session(device)


@router.post(
    "/redeem", response={200: ScanOut, **ERRORS}, summary="Scan a ticket", url_name="checkin_redeem"
)
def redeem_ticket(request, payload: RedeemIn):
    """Scan a code (its secret or signed payload) or admit a ticket found by the search.
    Every scan is recorded; a refusal answers `ok: false` with its `reason`. With a
    `nonce`, sending the same scan again answers what the first one did (`replayed`)."""
    result = redeem.ticket_redeem(
        device=request.auth,
        code=payload.code,
        ticket_id=payload.ticket_id,
        direction=payload.direction,
        nonce=payload.nonce,
        scanned_at=payload.scanned_at,
    )
    return _scan(result)


@router.post(
    "/sync",
    response={200: SyncOut, **ERRORS},
    summary="Upload offline scans",
    url_name="checkin_sync",
)
def sync(request, payload: SyncIn):
    """Scans made offline, each with its nonce: processed oldest first, each once (an
    upload sent twice changes nothing). An offline admission the server refuses (e.g. the
    ticket entered elsewhere meanwhile) comes back `flagged`."""
    scans = [
        redeem.OfflineScan(
            nonce=item.nonce,
            scanned_at=item.scanned_at,
            code=item.code,
            ticket_id=item.ticket_id,
            direction=item.direction,
            admitted=item.admitted,
        )
        for item in payload.scans
    ]
    results = redeem.checkins_sync(device=request.auth, scans=scans)
    return {
        "results": [
            {**_scan(result), "nonce": scan.nonce.strip()}
            for scan, result in zip(scans, results, strict=True)
        ]
    }


@router.post(
    "/cancel",
    response={200: CancelOut, **ERRORS},
    summary="Quick cancellation",
    url_name="checkin_cancel",
)
def quick_cancel(request, payload: CancelIn):
    """Cancel an unsold pre-printed ticket and put its place back on sale (SCAN-5), in a
    session whose profile allows it. Refusals answer 409 with `reason`."""
    result = cancel.ticket_quick_cancel(
        device=request.auth, code=payload.code, ticket_id=payload.ticket_id
    )
    return {"ticket": _ticket(result.ticket), "order_cancelled": result.order_cancelled}


@router.get(
    "/search",
    response={200: SearchOut, **ERRORS},
    summary="Search orders",
    url_name="checkin_search",
)
def search(request, q: str = Query("", max_length=100)):
    """Orders with tickets for the session's dates, by order number or by name."""
    hits = queries.orders_search(device=request.auth, text=q)
    orders = []
    for hit in hits:
        tickets = []
        for ticket in hit.tickets:
            state = queries.checkin_state_of(ticket)
            tickets.append(
                {
                    "id": ticket.pk,
                    "holder_name": ticket.holder_name or hit.order.buyer_name,
                    "price_name": ticket.price_name,
                    "zone_id": ticket.zone_id,
                    "zone_name": ticket.zone.name,
                    "seat": str(ticket.seat) if ticket.seat_id else "",
                    "date_id": ticket.date_id,
                    "event_name": ticket.date.event.name,
                    "starts_at": ticket.date.starts_at,
                    "status": queries.ticket_status(
                        ticket.state, hit.order.state, ticket.date.is_cancelled
                    ),
                    "entries": state.entries if state else 0,
                    "inside": state.inside if state else False,
                }
            )
        orders.append(
            {
                "code": hit.order.code,
                "buyer_name": hit.order.buyer_name,
                "state": hit.order.state,
                "tickets": tickets,
            }
        )
    return {"orders": orders}


@router.get(
    "/revocations",
    response={200: RevocationsOut, **ERRORS},
    summary="Revocation list",
    url_name="checkin_revocations",
)
def revocations(request, cursor: int = 0, limit: int = Query(1000, ge=1, le=5000)):
    """Codes to refuse offline (cancelled, opposed, replaced), after `cursor`; pass the
    returned `cursor` next time."""
    device = request.auth
    if device.profile is None:
        return error_response(409, "no_session", _("Choose what this device scans first."))
    entries, next_cursor = revocations_since(
        organizer_id=device.organizer_id,
        date_ids=profile_date_ids(device.profile),
        after=cursor,
        limit=limit,
    )
    return {
        "revocations": [
            {
                "id": e.pk,
                "ticket_id": e.ticket_id,
                "date_id": e.date_id,
                "code_hash": e.secret_hash,
                "reason": e.reason,
            }
            for e in entries
        ],
        "cursor": next_cursor,
    }


@router.get(
    "/scanlist",
    response={200: ScanListOut, **ERRORS},
    summary="Scan list",
    url_name="checkin_scanlist",
)
def scanlist(request, cursor: int = 0, limit: int = Query(1000, ge=1, le=queries.MAX_PAGE)):
    """The session's tickets for offline scanning (hashes of the secrets, holders, status),
    one page at a time, with the public keys of their shops."""
    device = request.auth
    if device.profile is None:
        return error_response(409, "no_session", _("Choose what this device scans first."))
    date_ids = profile_date_ids(device.profile)
    entries, next_cursor = queries.scan_list(
        device=device, after=cursor, limit=limit, date_ids=date_ids
    )
    return {
        "tickets": [dataclasses.asdict(entry) for entry in entries],
        "next_cursor": next_cursor,
        "keys": _keys(queries.session_public_keys(device, date_ids)),
    }


@router.get(
    "/keys", response={200: KeysOut, **ERRORS}, summary="Public keys", url_name="checkin_keys"
)
def keys(request):
    """The Ed25519 public keys (active and retired) of the session's shops."""
    return {"keys": _keys(queries.session_public_keys(request.auth))}


@router.get(
    "/counts", response={200: CountsOut, **ERRORS}, summary="Live counts", url_name="checkin_counts"
)
def counts(request):
    """Entered / inside / expected per date and zone of the session."""
    device = request.auth
    if device.profile is None:
        return error_response(409, "no_session", _("Choose what this device scans first."))
    rows = queries.live_counts(
        organizer_id=device.organizer_id, date_ids=profile_date_ids(device.profile)
    )
    return {"counts": [dataclasses.asdict(row) for row in rows]}
