"""A scan at the door (SCAN-2..4, SCAN-9) and the upload of offline scans (SCAN-7).

Every scan, admitted or refused, appends one Checkin row and answers a ScanResult with a
stable reason code (see Reason). Whether a ticket may pass is decided inside one short
transaction by one conditional statement on the ticket's TicketCheckinState row (see
`_pass`): an upsert `INSERT ... ON CONFLICT (ticket_id) DO UPDATE ... WHERE <the mode
allows another entry>` for an entry, `UPDATE ... WHERE inside` for an exit; no row back
means refused. A competing device waits for the first one's commit on that row (or its
key) and is then judged on what the first one wrote, so two devices can never both admit
a ticket, and in entry/exit mode accepted scans alternate strictly.

The hot path is three statements in one transaction — read the ticket with everything
the answer shows and the session's date/zone checks (services/lookup.py), write the state,
append the record — after the API's device lookup. No row is locked before it is written.

A nonce (the scanner's id for one scan) is unique per device: an upload sent twice is
processed once, and the second time answers what the first one did (`replayed`).
"""

import functools
import zoneinfo
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from billetterie.checkin import codes
from billetterie.checkin.exceptions import NoSession
from billetterie.checkin.models import (
    Checkin,
    ScanDevice,
    ScanProfile,
    TicketCheckinState,
)
from billetterie.checkin.services.lookup import ScannedTicket, scanned_ticket
from billetterie.checkin.signals import checkin_created
from billetterie.core.exceptions import InvalidInput
from billetterie.orders.models import Order, Ticket

MAX_CODE_LENGTH = 512
MAX_NONCE_LENGTH = 64
MAX_SYNC_BATCH = 500


class Reason:
    """Why a scan was refused. Stable: the scanner app and the API clients rely on them."""

    UNKNOWN = "unknown"  # no ticket of this organizer has this code
    INVALID_SIGNATURE = "invalid_signature"  # a signed code that is forged or of another shop
    EXPIRED = "expired"  # a signed code past its validity
    REVOKED = "revoked"  # a signed code of a ticket changed since (date or zone)
    CANCELLED = "cancelled"  # ticket cancelled, or its order cancelled/expired, or date cancelled
    OPPOSITION = "opposition"  # its order is in opposition (PAY-9)
    WRONG_DATE = "wrong_date"  # not a date of this session
    WRONG_ZONE = "wrong_zone"  # not a zone of this session (SCAN-4)
    UNPAID = "unpaid"  # its order waits for payment (a reservation to pay at the desk)
    ALREADY_USED = "already_used"  # normal mode: it already entered
    ALREADY_INSIDE = "already_inside"  # entry/exit mode: an entry while inside
    NOT_INSIDE = "not_inside"  # entry/exit mode: an exit while not inside


MESSAGES = {
    Reason.UNKNOWN: gettext_lazy("Unknown ticket."),
    Reason.INVALID_SIGNATURE: gettext_lazy("Forged or foreign code: the signature is not valid."),
    Reason.EXPIRED: gettext_lazy("This code has expired."),
    Reason.REVOKED: gettext_lazy(
        "This code was replaced: the ticket changed since it was printed."
    ),
    Reason.CANCELLED: gettext_lazy("Cancelled ticket."),
    Reason.OPPOSITION: gettext_lazy("Ticket in opposition: its payment was disputed."),
    Reason.WRONG_DATE: gettext_lazy("This ticket is for another date."),
    Reason.WRONG_ZONE: gettext_lazy("This ticket is for another zone."),
    Reason.UNPAID: gettext_lazy("Not paid yet: send the holder to the box office."),
    Reason.ALREADY_USED: gettext_lazy("Already used."),
    Reason.ALREADY_INSIDE: gettext_lazy("Already inside: scan the exit first."),
    Reason.NOT_INSIDE: gettext_lazy("Not inside: this ticket has not entered."),
}


@dataclass(frozen=True)
class TicketInfo:
    """What the door shows about a ticket (the holder's data)."""

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
    date_text: str  # in the shop's time zone

    @classmethod
    def of(cls, ticket: ScannedTicket) -> "TicketInfo":
        local = timezone.localtime(ticket.starts_at, zoneinfo.ZoneInfo(ticket.time_zone))
        seat = ""
        if ticket.seat_id:
            seat = _("Row %(row)s, seat %(number)s") % {
                "row": ticket.seat_row,
                "number": ticket.seat_number,
            }
        return cls(
            id=ticket.id,
            holder_name=ticket.holder_name or ticket.buyer_name,
            price_name=ticket.price_name,
            amount=ticket.amount,
            currency=ticket.currency,
            zone_id=ticket.zone_id,
            zone_name=ticket.zone_name,
            seat=seat,
            order_code=ticket.order_code,
            event_name=ticket.event_name,
            date_id=ticket.date_id,
            starts_at=ticket.starts_at,
            date_text=f"{local:%d.%m.%Y %H:%M}",
        )


@dataclass(frozen=True)
class ScanResult:
    ok: bool
    reason: str  # "" when admitted, else a Reason code
    direction: str
    ticket: TicketInfo | None
    checkin_id: int
    entries: int = 0  # the ticket's entries after this scan
    inside: bool = False
    replayed: bool = False  # an upload seen before: this is what it answered then
    flagged: bool = False  # an offline admission the server refused (a double entry)

    @property
    def message(self) -> str:
        if self.ok:
            return _("Exit recorded.") if self.direction == Checkin.Direction.OUT else _("Welcome!")
        return str(MESSAGES.get(self.reason, self.reason))


def _validity(ticket: ScannedTicket) -> str:
    """The reason a ticket may not pass in this session, whatever the mode; "" if none."""
    if (
        ticket.state == Ticket.State.CANCELLED
        or ticket.order_state in (Order.State.CANCELLED, Order.State.EXPIRED)
        or ticket.date_cancelled
    ):
        return Reason.CANCELLED
    if ticket.order_state == Order.State.OPPOSITION:
        return Reason.OPPOSITION
    if not (ticket.in_dates or ticket.in_events):
        return Reason.WRONG_DATE
    if ticket.zones_chosen and not ticket.zone_listed:
        return Reason.WRONG_ZONE
    if ticket.order_state != Order.State.PAID:
        return Reason.UNPAID
    return ""


def _signature_reason(ticket: ScannedTicket, signed: codes.SignedCode, payload: str, at) -> str:
    """Check a signed code against its key, read with the ticket (a key of another shop
    is not read: the code is then as good as forged)."""
    if ticket.signing_key is None:
        return Reason.INVALID_SIGNATURE
    try:
        codes.verify(payload, {signed.key_id: ticket.signing_key}, now=at)
    except codes.CodeRefused as refusal:
        return refusal.reason
    if (signed.date_id, signed.zone_id) != (ticket.date_id, ticket.zone_id):
        return Reason.REVOKED
    return ""


_RECORD_FIELDS = [
    "organizer_id",
    "ticket_id",
    "date_id",
    "zone_id",
    "device_id",
    "profile_id",
    "code_hash",
    "direction",
    "result",
    "reason",
    "nonce",
    "offline",
    "flagged",
    "scanned_at",
    "received_at",
]


@functools.cache
def _record_sql() -> str:
    table = connection.ops.quote_name(Checkin._meta.db_table)
    columns = ", ".join(_RECORD_FIELDS)
    values = ", ".join(["%s"] * len(_RECORD_FIELDS))
    return f"INSERT INTO {table} ({columns}) VALUES ({values}) RETURNING id"  # noqa: S608


def _record(**values) -> int:
    """Append the check-in record (a plain INSERT: the ORM's create cost several times
    more on this path, measured); the nonce's unique constraint raises IntegrityError."""
    adapt = connection.ops.adapt_datetimefield_value
    values["scanned_at"] = adapt(values["scanned_at"])
    values["received_at"] = adapt(values["received_at"])
    with connection.cursor() as cursor:
        cursor.execute(_record_sql(), [values[name] for name in _RECORD_FIELDS])
        return cursor.fetchone()[0]


# One statement decides whether the ticket passes: an upsert of its state row whose DO
# UPDATE applies only when the mode allows another entry (normal: never; entry/exit: when
# not inside; multiple: always), or, for an exit, an UPDATE of a row that is inside. The
# row comes back only when it was written, so "nothing returned" means refused. A
# competing scan of the same ticket waits for this one's commit on the row (or on its key
# when the row is new) and is then judged on what this one wrote.
_ENTRY_CONDITIONS = {
    ScanProfile.Mode.NORMAL: "WHERE s.entries = 0",  # rows are born with entries = 1
    ScanProfile.Mode.ENTRY_EXIT: "WHERE s.inside = %s",
    ScanProfile.Mode.MULTIPLE: "",
}
_REFUSALS = {
    (ScanProfile.Mode.NORMAL, Checkin.Direction.IN): Reason.ALREADY_USED,
    (ScanProfile.Mode.ENTRY_EXIT, Checkin.Direction.IN): Reason.ALREADY_INSIDE,
    (ScanProfile.Mode.ENTRY_EXIT, Checkin.Direction.OUT): Reason.NOT_INSIDE,
}


@functools.cache
def _pass_sql(mode: str, direction: str) -> str:
    table = connection.ops.quote_name(TicketCheckinState._meta.db_table)
    if direction == Checkin.Direction.OUT:
        return (
            f"UPDATE {table} SET inside = %s, last_scan_at = %s"  # noqa: S608 - our table
            " WHERE ticket_id = %s AND inside = %s RETURNING entries, inside"
        )
    return f"""
        INSERT INTO {table} AS s (ticket_id, entries, inside, first_entry_at, last_scan_at)
        VALUES (%s, 1, %s, %s, %s)
        ON CONFLICT (ticket_id) DO UPDATE SET
            entries = s.entries + 1, inside = excluded.inside,
            first_entry_at = COALESCE(s.first_entry_at, excluded.first_entry_at),
            last_scan_at = excluded.last_scan_at
        {_ENTRY_CONDITIONS[mode]}
        RETURNING entries, inside
    """  # noqa: S608 - our table name


def _pass(ticket: ScannedTicket, *, mode: str, direction: str, now) -> tuple[str, int, bool]:
    """(reason or "", entries, inside) after letting the ticket in or out if it may."""
    if mode == ScanProfile.Mode.NORMAL and ticket.entries:
        # entries never go down: no need to ask the database again
        return Reason.ALREADY_USED, ticket.entries, ticket.inside
    stamp = connection.ops.adapt_datetimefield_value(now)
    if direction == Checkin.Direction.OUT:
        params = [False, stamp, ticket.id, True]
    else:
        params = [ticket.id, True, stamp, stamp]
        if mode == ScanProfile.Mode.ENTRY_EXIT:
            params.append(False)
    with connection.cursor() as cursor:
        cursor.execute(_pass_sql(mode, direction), params)
        row = cursor.fetchone()
    if row is not None:
        return "", row[0], bool(row[1])
    return _REFUSALS[(mode, direction)], ticket.entries or 0, ticket.inside


def _clean_input(*, code, ticket_id, direction, nonce, scanned_at, profile):
    code = (code or "").strip()
    nonce = (nonce or "").strip()
    if not code and ticket_id is None:
        raise InvalidInput(_("Scan a code or choose a ticket."), fields={"code": "required"})
    if len(code) > MAX_CODE_LENGTH:
        raise InvalidInput(_("This code is too long."), fields={"code": "too_long"})
    if len(nonce) > MAX_NONCE_LENGTH:
        raise InvalidInput(_("This nonce is too long."), fields={"nonce": "too_long"})
    if direction not in Checkin.Direction.values:
        raise InvalidInput(_("Scan an entry or an exit."), fields={"direction": "invalid"})
    if direction == Checkin.Direction.OUT and profile.mode != ScanProfile.Mode.ENTRY_EXIT:
        raise InvalidInput(
            _("Exits are scanned in entry/exit mode only."), fields={"direction": "invalid"}
        )
    if scanned_at is not None and timezone.is_naive(scanned_at):
        raise InvalidInput(
            _("Give the scan time with its time zone."), fields={"scanned_at": "naive"}
        )
    return code, nonce


def ticket_redeem(
    *,
    device: ScanDevice,
    code: str = "",
    ticket_id: int | None = None,
    direction: str = Checkin.Direction.IN,
    nonce: str = "",
    scanned_at: datetime | None = None,
    offline: bool = False,
    admitted_offline: bool = False,
) -> ScanResult:
    """Scan a code (a secret or a signed payload), or admit a ticket chosen in the order
    search (`ticket_id`), in the device's session. Always records the scan.

    `offline` scans come from an upload: `scanned_at` is when the device scanned, and an
    offline admission (`admitted_offline`) that the server refuses is flagged.
    """
    profile = device.profile
    if profile is None:
        raise NoSession()
    code, nonce = _clean_input(
        code=code,
        ticket_id=ticket_id,
        direction=direction,
        nonce=nonce,
        scanned_at=scanned_at,
        profile=profile,
    )
    now = timezone.now()
    scanned_at = scanned_at or now
    try:
        with transaction.atomic():
            return _redeem(
                device=device,
                profile=profile,
                code=code,
                ticket_id=ticket_id,
                direction=direction,
                nonce=nonce,
                scanned_at=scanned_at,
                now=now,
                offline=offline,
                admitted_offline=admitted_offline,
            )
    except IntegrityError:
        # the nonce was recorded meanwhile (the same upload sent twice at once): everything
        # this attempt did is rolled back, the first one's answer stands
        replay = checkin_replay(device=device, nonce=nonce) if nonce else None
        if replay is None:
            raise
        return replay


def ticket_lookup(
    *, device, profile, code: str, ticket_id: int | None, at
) -> tuple[ScannedTicket | None, str]:
    """(ticket or None, reason or "") for a scanned code or a chosen ticket id, within the
    device's organizer; a signed code is checked against its shop's keys."""
    find = functools.partial(
        scanned_ticket, organizer_id=device.organizer_id, profile_id=profile.pk
    )
    if code and codes.is_signed_payload(code):
        try:
            signed, _body, _signature = codes.decode(code)
        except codes.CodeRefused:
            return None, Reason.UNKNOWN
        ticket = find(ticket_id=signed.ticket_id, key_id=signed.key_id)
        if ticket is None:
            return None, Reason.UNKNOWN
        reason = _signature_reason(ticket, signed, code, at)
        if reason == Reason.INVALID_SIGNATURE:
            return None, reason  # a forged code says nothing about the ticket it names
        return ticket, reason
    ticket = find(secret=code) if code else find(ticket_id=ticket_id)
    return ticket, "" if ticket is not None else Reason.UNKNOWN


def _redeem(
    *,
    device,
    profile,
    code,
    ticket_id,
    direction,
    nonce,
    scanned_at,
    now,
    offline,
    admitted_offline,
):
    # a signed code's validity is judged when it was scanned offline, else now: a device's
    # clock never extends a code online
    at = scanned_at if offline else now
    ticket, reason = ticket_lookup(
        device=device, profile=profile, code=code, ticket_id=ticket_id, at=at
    )
    entries, inside = (ticket.entries or 0, ticket.inside) if ticket else (0, False)
    if not reason:
        reason = _validity(ticket)
    if not reason:
        reason, entries, inside = _pass(ticket, mode=profile.mode, direction=direction, now=now)
    flagged = bool(offline and admitted_offline and reason)
    record_id = _record(
        organizer_id=device.organizer_id,
        ticket_id=ticket.id if ticket else None,
        date_id=ticket.date_id if ticket else None,
        zone_id=ticket.zone_id if ticket else None,
        device_id=device.pk,
        profile_id=profile.pk,
        code_hash=codes.code_hash(code) if code else "",
        direction=direction,
        result=Checkin.Result.REFUSED if reason else Checkin.Result.OK,
        reason=reason,
        nonce=nonce,
        offline=offline,
        flagged=flagged,
        scanned_at=scanned_at,
        received_at=now,
    )
    if not reason and checkin_created.receivers:
        _announce(record_id, ticket, device, direction, scanned_at, offline)
    return ScanResult(
        ok=not reason,
        reason=reason,
        direction=direction,
        ticket=TicketInfo.of(ticket) if ticket is not None else None,
        checkin_id=record_id,
        entries=entries,
        inside=inside,
        flagged=flagged,
    )


def _announce(record_id, ticket: ScannedTicket, device, direction, scanned_at, offline) -> None:
    details = {
        "checkin_id": record_id,
        "shop_id": ticket.shop_id,
        "ticket_id": ticket.id,
        "date_id": ticket.date_id,
        "zone_id": ticket.zone_id,
        "direction": direction,
        "scanned_at": scanned_at,
        "offline": offline,
        "device_id": device.pk,
    }
    transaction.on_commit(lambda: checkin_created.send(sender=Checkin, **details))


def checkin_replay(*, device: ScanDevice, nonce: str) -> ScanResult | None:
    """What the scan recorded under this nonce answered, or None."""
    record = Checkin.objects.filter(device=device, nonce=nonce).first()
    if record is None:
        return None
    ticket = None
    if record.ticket_id is not None:
        ticket = scanned_ticket(
            organizer_id=device.organizer_id,
            profile_id=record.profile_id or 0,
            ticket_id=record.ticket_id,
        )
    return ScanResult(
        ok=record.result == Checkin.Result.OK,
        reason=record.reason,
        direction=record.direction,
        ticket=TicketInfo.of(ticket) if ticket is not None else None,
        checkin_id=record.pk,
        entries=ticket.entries or 0 if ticket else 0,
        inside=ticket.inside if ticket else False,
        replayed=True,
        flagged=record.flagged,
    )


@dataclass(frozen=True)
class OfflineScan:
    nonce: str
    scanned_at: datetime
    code: str = ""
    ticket_id: int | None = None
    direction: str = Checkin.Direction.IN
    admitted: bool = True  # what the device answered while offline


def checkins_sync(*, device: ScanDevice, scans: list[OfflineScan]) -> list[ScanResult]:
    """Process an upload of offline scans, oldest first, each once (by its nonce). Each
    scan is its own transaction, so one refusal never undoes another scan. Results come
    back in the order of `scans`."""
    if device.profile is None:
        raise NoSession()
    if len(scans) > MAX_SYNC_BATCH:
        raise InvalidInput(
            _("At most %(n)s scans per upload.") % {"n": MAX_SYNC_BATCH},
            fields={"scans": "too_many"},
        )
    nonces = []
    for index, scan in enumerate(scans):
        try:
            if not (scan.nonce or "").strip():
                raise InvalidInput(
                    _("Every uploaded scan needs its nonce."), fields={"nonce": "required"}
                )
            if scan.scanned_at is None:
                raise InvalidInput(
                    _("Every uploaded scan needs its time."), fields={"scanned_at": "required"}
                )
            _code, nonce = _clean_input(
                code=scan.code,
                ticket_id=scan.ticket_id,
                direction=scan.direction,
                nonce=scan.nonce,
                scanned_at=scan.scanned_at,
                profile=device.profile,
            )
        except InvalidInput as error:
            fields = error.params.get("fields", {})
            error.params["fields"] = {f"scans.{index}.{k}": v for k, v in fields.items()}
            raise
        nonces.append(nonce)
    if len(set(nonces)) != len(nonces):
        raise InvalidInput(
            _("Two scans of the upload have the same nonce."),
            fields={"scans": "duplicate_nonce"},
        )
    order = sorted(range(len(scans)), key=lambda i: (scans[i].scanned_at, i))
    results: dict[int, ScanResult] = {}
    for index in order:
        scan = scans[index]
        replay = checkin_replay(device=device, nonce=nonces[index])
        if replay is not None:
            results[index] = replay
            continue
        results[index] = ticket_redeem(
            device=device,
            code=scan.code,
            ticket_id=scan.ticket_id,
            direction=scan.direction,
            nonce=nonces[index],
            scanned_at=scan.scanned_at,
            offline=True,
            admitted_offline=scan.admitted,
        )
    return [results[i] for i in range(len(scans))]
