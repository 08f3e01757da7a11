"""What a ticket's QR code holds, and how a scanner checks it offline.

By default the QR code holds the ticket's random secret (`Ticket.secret`, 32 URL-safe
characters): only the server (or a scanner holding the scan list of SHA-256 hashes) can
tell whether it is valid.

A shop can turn on **signed codes** (`ShopCheckinSettings.signed_codes`). The QR code then
holds a compact payload signed with the shop's active Ed25519 key, which a scanner verifies
offline with the shop's public keys (downloaded with the scan list). The scanner app
mirrors `verify` in JavaScript, so here is the exact format.

Signed payload, version 1 — 89 bytes, every integer unsigned big-endian:

    offset  size  field
         0     1  version, always 0x01
         1     4  key id: the id of the shop's SigningKey that signed it
         5     8  ticket id
        13     4  date id (EventDate)
        17     4  zone id
        21     4  valid until: Unix time in seconds (UTC); 0 means no limit
        25    64  Ed25519 signature (RFC 8032) of bytes 0..24

The 89 bytes are encoded in base32 (RFC 4648 alphabet `A-Z` `2-7`) without `=` padding:
143 upper-case letters and digits, so the QR code uses its alphanumeric mode (5.5 bits per
character) and keyboard-wedge readers type nothing but letters and digits. The last
character carries 2 bits and its 3 unused bits are zero: a decoder refuses any other last
character, so a payload has one spelling only. A scanned text of exactly 143 characters
from that alphabet (case-insensitive) is a signed payload; anything else is a plain secret.

Offline check, in this order (the reason codes are those of the server, see ScanResult):
decode (`unknown` if it does not decode or the version is not 1), find the key id among the
shop keys (`invalid_signature` if absent, e.g. a code of another shop), check the
signature (`invalid_signature`), check `valid until` against the clock (`expired`), then
the revocation list by ticket id (`cancelled` / `revoked`) and the session's dates and
zones (`wrong_date` / `wrong_zone`).

Rotating a shop's key keeps every older key for verification, so tickets issued before
the rotation stay valid.
"""

import base64
import binascii
import hashlib
import struct
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from billetterie.checkin import keystore
from billetterie.orders.models import Ticket

VERSION = 1
_BODY = struct.Struct(">BIQIII")  # version, key id, ticket id, date id, zone id, valid until
SIGNATURE_SIZE = 64
PAYLOAD_SIZE = _BODY.size + SIGNATURE_SIZE  # 89 bytes
PAYLOAD_LENGTH = (PAYLOAD_SIZE * 8 + 4) // 5  # 143 base32 characters
_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
_MAX = {"key_id": 2**32 - 1, "ticket_id": 2**64 - 1, "date_id": 2**32 - 1, "zone_id": 2**32 - 1}

# A ticket's code stays valid until this long after its date starts (or until the date's
# end when the date has one), so a late-night show can still be scanned.
VALIDITY_AFTER_START = timedelta(hours=12)


class CodeRefused(Exception):
    """A payload that does not pass the offline check; `reason` is a scan reason code."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


@dataclass(frozen=True)
class SignedCode:
    key_id: int
    ticket_id: int
    date_id: int
    zone_id: int
    valid_until: int  # Unix seconds, 0 = no limit


def code_hash(code: str) -> str:
    """The SHA-256 (hex) of a scanned code: what records and scan lists hold."""
    return hashlib.sha256(code.encode()).hexdigest()


def is_signed_payload(code: str) -> bool:
    return len(code) == PAYLOAD_LENGTH and set(code.upper()) <= _ALPHABET


def valid_until_of(starts_at: datetime, ends_at: datetime | None) -> int:
    """The `valid until` of a date's tickets (Unix seconds)."""
    end = starts_at + VALIDITY_AFTER_START
    if ends_at is not None and ends_at > end:
        end = ends_at
    return int(end.timestamp())


def _b32encode(data: bytes) -> str:
    return base64.b32encode(data).decode("ascii").rstrip("=")


def _b32decode(text: str) -> bytes:
    padded = text.upper() + "=" * (-len(text) % 8)
    return base64.b32decode(padded)


def sign(
    private_key: Ed25519PrivateKey,
    *,
    key_id: int,
    ticket_id: int,
    date_id: int,
    zone_id: int,
    valid_until: int = 0,
) -> str:
    """The signed payload of a ticket, as the QR code text."""
    values = {"key_id": key_id, "ticket_id": ticket_id, "date_id": date_id, "zone_id": zone_id}
    for name, value in values.items():
        if not 0 <= value <= _MAX[name]:
            raise ValueError(f"{name} {value} does not fit the signed payload")
    body = _BODY.pack(VERSION, key_id, ticket_id, date_id, zone_id, max(valid_until, 0))
    return _b32encode(body + private_key.sign(body))


def decode(payload: str) -> tuple[SignedCode, bytes, bytes]:
    """(fields, signed body, signature) of a payload, unchecked; CodeRefused("unknown")
    when it is not a version-1 payload."""
    if not is_signed_payload(payload.strip()):
        raise CodeRefused("unknown")
    try:
        raw = _b32decode(payload.strip())
    except (binascii.Error, ValueError):
        raise CodeRefused("unknown") from None
    if len(raw) != PAYLOAD_SIZE or _b32encode(raw) != payload.strip().upper():
        raise CodeRefused("unknown")  # the last character's 3 unused bits must be zero
    body, signature = raw[: _BODY.size], raw[_BODY.size :]
    version, key_id, ticket_id, date_id, zone_id, valid_until = _BODY.unpack(body)
    if version != VERSION:
        raise CodeRefused("unknown")
    return SignedCode(key_id, ticket_id, date_id, zone_id, valid_until), body, signature


def _public(key) -> Ed25519PublicKey:
    if isinstance(key, Ed25519PublicKey):
        return key
    return Ed25519PublicKey.from_public_bytes(bytes(key))


def verify(
    payload: str,
    public_keys: Mapping[int, object] | Iterable[tuple[int, object]],
    *,
    now: datetime | None = None,
) -> SignedCode:
    """Check a signed payload offline against the shop's public keys ({key id: 32 raw bytes
    or Ed25519PublicKey}). Returns its fields, or raises CodeRefused with the reason:
    `unknown`, `invalid_signature` or `expired`."""
    keys = dict(public_keys)
    code, body, signature = decode(payload)
    key = keys.get(code.key_id)
    if key is None:
        raise CodeRefused("invalid_signature")
    try:
        _public(key).verify(signature, body)
    except (InvalidSignature, ValueError):
        raise CodeRefused("invalid_signature") from None
    if code.valid_until:
        now = now or datetime.now(UTC)
        if now.timestamp() > code.valid_until:
            raise CodeRefused("expired")
    return code


def qr_content(ticket) -> str:
    """What the ticket's QR code holds: its secret, or its signed payload when the shop
    has signed codes on. One or two queries; use qr_contents for many tickets."""
    return qr_contents([ticket])[ticket.pk]


def qr_contents(tickets) -> dict[int, str]:
    """qr_content of many tickets (objects or ids), by ticket id: two queries at most,
    whatever their number (for rendering a whole order or a print run)."""
    ids = [t if isinstance(t, int) else t.pk for t in tickets]
    rows = list(
        Ticket.objects.filter(pk__in=ids).values_list(
            "pk",
            "secret",
            "date_id",
            "zone_id",
            "date__starts_at",
            "date__ends_at",
            "order__shop_id",
            "order__shop__checkin_settings__signed_codes",
        )
    )
    signing_shops = {row[6] for row in rows if row[7]}
    signers = keystore.active_signers(signing_shops) if signing_shops else {}
    contents = {}
    for pk, secret, date_id, zone_id, starts_at, ends_at, shop_id, signed in rows:
        signer = signers.get(shop_id) if signed else None
        if signer is None:
            contents[pk] = secret
            continue
        key_id, private_key = signer
        contents[pk] = sign(
            private_key,
            key_id=key_id,
            ticket_id=pk,
            date_id=date_id,
            zone_id=zone_id,
            valid_until=valid_until_of(starts_at, ends_at),
        )
    return contents
