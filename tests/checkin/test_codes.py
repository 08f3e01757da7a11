"""Ticket codes: random secrets by default, signed compact payloads per shop, verified
offline with the shop's public keys; key rotation keeps old tickets valid. The payload is
read back from a real PDF with zxing-cpp, as a phone camera would."""

import base64
import io
import re
from datetime import UTC, datetime, timedelta

import pypdfium2 as pdfium
import pytest
import segno
import zxingcpp
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from billetterie.checkin import codes
from billetterie.checkin.exceptions import SigningUnavailable
from billetterie.checkin.models import SigningKey
from billetterie.checkin.services import signing
from billetterie.checkin.services.redeem import (
    OfflineScan,
    Reason,
    checkins_sync,
    ticket_redeem,
)
from billetterie.core.exceptions import PermissionRefused
from billetterie.orders.models import Ticket
from tests import factories
from tests.checkin.conftest import sell

pytestmark = pytest.mark.django_db


def public_keys(shop) -> dict[int, bytes]:
    return {k.pk: bytes(k.public_key) for k in signing.public_keys_of([shop.pk])}


def test_codes_are_random_secrets_by_default(hall):
    _order, (one, two) = sell(hall, quantity=2)
    assert codes.qr_content(one) == one.secret != two.secret
    assert len(one.secret) >= 32 and not codes.is_signed_payload(one.secret)


def test_signed_payload_format_is_compact_uppercase_alphanumeric(hall):
    signing.signed_codes_set(shop=hall.shop, enabled=True, actor=None)
    _order, (ticket,) = sell(hall)
    payload = codes.qr_content(ticket)
    assert len(payload) == codes.PAYLOAD_LENGTH == 143
    assert re.fullmatch(r"[A-Z2-7]+", payload)
    assert segno.make_qr(payload).mode == "alphanumeric"
    raw = base64.b32decode(payload + "=" * (-len(payload) % 8))
    assert len(raw) == 89 and raw[0] == 1
    assert int.from_bytes(raw[5:13], "big") == ticket.pk
    assert int.from_bytes(raw[13:17], "big") == ticket.date_id
    assert int.from_bytes(raw[17:21], "big") == ticket.zone_id
    key = SigningKey.objects.get(shop=hall.shop)
    assert int.from_bytes(raw[1:5], "big") == key.pk
    valid_until = int.from_bytes(raw[21:25], "big")
    assert valid_until == int((hall.date.starts_at + timedelta(hours=12)).timestamp())


def test_signed_payload_verifies_offline_with_the_shop_public_key(hall):
    signing.signed_codes_set(shop=hall.shop, enabled=True, actor=None)
    _order, (ticket,) = sell(hall, zone=hall.numbered)
    payload = codes.qr_content(ticket)
    checked = codes.verify(payload, public_keys(hall.shop), now=datetime.now(UTC))
    assert (checked.ticket_id, checked.date_id, checked.zone_id) == (
        ticket.pk,
        ticket.date_id,
        ticket.zone_id,
    )
    assert codes.verify(payload.lower(), public_keys(hall.shop)).ticket_id == ticket.pk


def test_a_tampered_payload_is_refused(hall):
    signing.signed_codes_set(shop=hall.shop, enabled=True, actor=None)
    _order, (ticket, other) = sell(hall, quantity=2)
    payload = codes.qr_content(ticket)
    raw = bytearray(base64.b32decode(payload + "=" * (-len(payload) % 8)))
    raw[5:13] = other.pk.to_bytes(8, "big")  # claim to be the other ticket
    forged = base64.b32encode(bytes(raw)).decode().rstrip("=")
    with pytest.raises(codes.CodeRefused) as refusal:
        codes.verify(forged, public_keys(hall.shop))
    assert refusal.value.reason == "invalid_signature"
    flipped = payload[:-1] + ("A" if payload[-1] != "A" else "B")
    with pytest.raises(codes.CodeRefused):
        codes.verify(flipped, public_keys(hall.shop))
    for garbage in ("", "hello", payload[:-1], payload + "A", "1" * 143):
        with pytest.raises(codes.CodeRefused) as refusal:
            codes.verify(garbage, public_keys(hall.shop))
        assert refusal.value.reason == "unknown"


def test_another_shops_key_does_not_verify(hall, other_hall):
    signing.signed_codes_set(shop=hall.shop, enabled=True, actor=None)
    signing.signed_codes_set(shop=other_hall.shop, enabled=True, actor=None)
    _order, (ticket,) = sell(hall)
    payload = codes.qr_content(ticket)
    with pytest.raises(codes.CodeRefused) as refusal:
        codes.verify(payload, public_keys(other_hall.shop))
    assert refusal.value.reason == "invalid_signature"
    # even if the other shop's key had the same id, the signature would not match
    foreign_key = next(iter(public_keys(other_hall.shop).values()))
    key_id = codes.decode(payload)[0].key_id
    with pytest.raises(codes.CodeRefused):
        codes.verify(payload, {key_id: foreign_key})


def test_rotating_the_key_keeps_old_tickets_valid(hall):
    signing.signed_codes_set(shop=hall.shop, enabled=True, actor=None)
    _order, (ticket,) = sell(hall)
    before = codes.qr_content(ticket)
    new_key = signing.signing_key_rotate(shop=hall.shop, actor=None)
    after = codes.qr_content(ticket)
    assert before != after and codes.decode(after)[0].key_id == new_key.pk
    keys = public_keys(hall.shop)
    assert len(keys) == 2
    assert codes.verify(before, keys).ticket_id == codes.verify(after, keys).ticket_id == ticket.pk
    assert SigningKey.objects.filter(shop=hall.shop, is_active=True).get() == new_key


def test_a_payload_past_its_validity_is_expired(hall):
    private = Ed25519PrivateKey.generate()
    payload = codes.sign(private, key_id=7, ticket_id=1, date_id=2, zone_id=3, valid_until=1000)
    with pytest.raises(codes.CodeRefused) as refusal:
        codes.verify(payload, {7: private.public_key()}, now=datetime.now(UTC))
    assert refusal.value.reason == "expired"
    forever = codes.sign(private, key_id=7, ticket_id=1, date_id=2, zone_id=3, valid_until=0)
    assert codes.verify(forever, {7: private.public_key()}).valid_until == 0


def test_the_server_redeems_signed_codes_and_refuses_forged_ones(hall, door, other_hall):
    signing.signed_codes_set(shop=hall.shop, enabled=True, actor=None)
    _order, (ticket, other) = sell(hall, quantity=2)
    payload = codes.qr_content(ticket)
    assert ticket_redeem(device=door, code=payload).ok
    assert ticket_redeem(device=door, code=payload).reason == Reason.ALREADY_USED
    # the plain secret of a ticket still works after signed codes were turned on
    assert ticket_redeem(device=door, code=other.secret).ok
    raw = bytearray(base64.b32decode(payload + "=" * (-len(payload) % 8)))
    raw[-1] ^= 1
    forged = base64.b32encode(bytes(raw)).decode().rstrip("=")
    refused = ticket_redeem(device=door, code=forged)
    assert refused.reason == Reason.INVALID_SIGNATURE and refused.ticket is None


def test_a_signed_code_of_a_moved_ticket_is_revoked(hall, door):
    signing.signed_codes_set(shop=hall.shop, enabled=True, actor=None)
    _order, (ticket,) = sell(hall)
    payload = codes.qr_content(ticket)
    Ticket.objects.filter(pk=ticket.pk).update(zone=hall.numbered)
    assert ticket_redeem(device=door, code=payload).reason == Reason.REVOKED


def test_an_expired_signed_code_is_refused_by_the_server(hall, door):
    signing.signed_codes_set(shop=hall.shop, enabled=True, actor=None)
    _order, (ticket,) = sell(hall)
    payload = codes.qr_content(ticket)
    late = hall.date.starts_at + timedelta(hours=13)
    (offline,) = checkins_sync(
        device=door, scans=[OfflineScan(nonce="late", scanned_at=late, code=payload)]
    )
    assert offline.reason == Reason.EXPIRED and offline.flagged
    # online, the server's clock counts, not the device's: the date is a month away
    assert ticket_redeem(device=door, code=payload, scanned_at=late).ok


def test_private_keys_are_stored_encrypted_and_need_the_secret_key(hall, settings):
    signing.signed_codes_set(shop=hall.shop, enabled=True, actor=None)
    key = SigningKey.objects.get(shop=hall.shop)
    _order, (ticket,) = sell(hall)
    payload = codes.qr_content(ticket)
    raw_private = codes.keystore.open_private_key(key.private_key_encrypted).private_bytes_raw()
    assert raw_private.hex() not in key.private_key_encrypted
    assert base64.b64encode(raw_private).decode() not in key.private_key_encrypted
    old_secret = settings.SECRET_KEY
    settings.SECRET_KEY = "another secret key " * 3
    with pytest.raises(SigningUnavailable):
        codes.qr_content(ticket)
    settings.SECRET_KEY_FALLBACKS = [old_secret]
    assert codes.qr_content(ticket) == payload


def test_qr_contents_of_many_tickets_in_two_queries(hall, django_assert_num_queries):
    signing.signed_codes_set(shop=hall.shop, enabled=True, actor=None)
    _order, tickets = sell(hall, quantity=6)
    with django_assert_num_queries(2):
        contents = codes.qr_contents(tickets)
    assert len(set(contents.values())) == 6
    signing.signed_codes_set(shop=hall.shop, enabled=False, actor=None)
    with django_assert_num_queries(1):
        assert codes.qr_contents(tickets) == {t.pk: t.secret for t in tickets}


def test_only_managers_change_signing(hall):
    volunteer = factories.make_staff()
    factories.grant(hall.organizer, factories.Level.SCAN, user=volunteer)
    with pytest.raises(PermissionRefused):
        signing.signed_codes_set(shop=hall.shop, enabled=True, actor=volunteer)
    with pytest.raises(PermissionRefused):
        signing.signing_key_rotate(shop=hall.shop, actor=volunteer)
    assert not SigningKey.objects.exists()


def qr_pdf(text: str) -> bytes:
    """A one-page PDF with `text` as a 50 mm QR code drawn in vector, as tickets print it
    (documents/ renders the real tickets; the lead wires qr_content into it)."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    qr = segno.make_qr(text, error="m")
    matrix = [list(row) for row in qr.matrix]
    module = 50 * mm / len(matrix)
    left, top = 30 * mm, A4[1] - 30 * mm
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                canvas.rect(left + x * module, top - (y + 1) * module, module, module, 0, 1)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def test_the_signed_payload_read_back_from_a_printed_pdf_verifies(hall):
    """Drawn in a real PDF, rasterized, decoded by zxing-cpp, verified offline."""
    signing.signed_codes_set(shop=hall.shop, enabled=True, actor=None)
    _order, (ticket,) = sell(hall)
    payload = codes.qr_content(ticket)
    page = pdfium.PdfDocument(qr_pdf(payload))[0]
    image = page.render(scale=150 / 72).to_pil()
    (barcode,) = zxingcpp.read_barcodes(image)
    assert barcode.text == payload
    assert codes.verify(barcode.text, public_keys(hall.shop)).ticket_id == ticket.pk
