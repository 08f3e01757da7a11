"""What the QR codes of an order's ticket PDF hold, read back as a scanner would: the PDF
downloaded from the order page, each page rendered with pypdfium2 and decoded with
zxing-cpp. A shop with signed codes on prints payloads that check-in verifies offline;
otherwise the code is the ticket's secret."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from billetterie.checkin import codes
from billetterie.checkin.services import signing
from billetterie.orders import ticket_codes
from billetterie.orders.services import ticket_layouts
from billetterie.orders.ticket_documents import render_order_tickets, ticket_documents
from tests.documents.helpers import decoded_qr_codes, page_texts
from tests.documents.sales import make_concert
from tests.documents.sales import order as sell

pytestmark = pytest.mark.django_db


def public_keys(shop) -> dict[int, bytes]:
    return {k.pk: bytes(k.public_key) for k in signing.public_keys_of([shop.pk])}


def downloaded_pdf(client, order) -> bytes:
    response = client.get(reverse("shop:order_tickets", args=[order.secret]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return response.content


def test_signed_codes_on_the_order_pdf_verify_offline_for_their_ticket(client, shop, organizer):
    concert = make_concert(organizer, shop)
    signing.signed_codes_set(shop=shop, enabled=True, actor=None)
    order = sell(shop, concert, "Ana", "Muster", standing=1, seated=1)
    tickets = list(order.tickets.order_by("pk"))

    pages = decoded_qr_codes(downloaded_pdf(client, order))

    assert len(pages) == 2 and all(len(page) == 1 for page in pages)
    keys = public_keys(shop)
    for (payload,), ticket in zip(pages, tickets, strict=True):
        assert codes.is_signed_payload(payload) and payload != ticket.secret
        checked = codes.verify(payload, keys, now=datetime.now(UTC))
        assert (checked.ticket_id, checked.date_id, checked.zone_id) == (
            ticket.pk,
            ticket.date_id,
            ticket.zone_id,
        )


def test_signed_codes_are_printed_in_the_shops_chosen_layout_too(shop, organizer, manager):
    concert = make_concert(organizer, shop)
    signing.signed_codes_set(shop=shop, enabled=True, actor=None)
    ticket_layouts.ticket_layout_set(shop=shop, actor=manager, layout="thermal_stub")
    order = sell(shop, concert, "Zoé", "Garçon")
    (ticket,) = order.tickets.all()

    pdf = render_order_tickets(order, ticket_documents(order))

    [[payload]] = decoded_qr_codes(pdf, dpi=300)
    assert codes.verify(payload, public_keys(shop)).ticket_id == ticket.pk
    # the reference a person types in stays the short secret, not the 143-character payload
    assert ticket.secret in page_texts(pdf)[0].replace(" ", "")


def test_without_signed_codes_the_qr_code_is_the_secret(client, shop, organizer):
    concert = make_concert(organizer, shop)
    order = sell(shop, concert, "Ana", "Muster", standing=2)
    secrets = [t.secret for t in order.tickets.order_by("pk")]

    pages = decoded_qr_codes(downloaded_pdf(client, order))

    assert pages == [[secrets[0]], [secrets[1]]]


def test_turning_signed_codes_off_prints_secrets_again(client, shop, organizer):
    concert = make_concert(organizer, shop)
    signing.signed_codes_set(shop=shop, enabled=True, actor=None)
    order = sell(shop, concert, "Ana", "Muster")
    signing.signed_codes_set(shop=shop, enabled=False, actor=None)

    assert decoded_qr_codes(downloaded_pdf(client, order)) == [[order.tickets.get().secret]]


def test_one_shops_signed_codes_do_not_change_another_shops_tickets(
    client, shop, organizer, other_tenant
):
    _organizer, other_shop, _manager = other_tenant
    signing.signed_codes_set(shop=other_shop, enabled=True, actor=None)
    order = sell(shop, make_concert(organizer, shop), "Ana", "Muster")

    assert decoded_qr_codes(downloaded_pdf(client, order)) == [[order.tickets.get().secret]]


def test_the_qr_contents_of_an_order_are_read_in_one_call(
    shop, organizer, django_assert_max_num_queries
):
    concert = make_concert(organizer, shop)
    signing.signed_codes_set(shop=shop, enabled=True, actor=None)
    few = sell(shop, concert, "Ana", "Muster", standing=1)
    many = sell(shop, concert, "Bea", "Muster", standing=8)
    with django_assert_max_num_queries(20) as few_queries:
        ticket_documents(few)
    with django_assert_max_num_queries(len(few_queries.captured_queries)):
        documents = ticket_documents(many)
    assert len(documents) == 8 and all(codes.is_signed_payload(d.qr) for d in documents)


def test_the_registry_defaults_to_the_secret_for_tickets_a_provider_leaves_out(
    shop, organizer, monkeypatch
):
    order = sell(shop, make_concert(organizer, shop), "Ana", "Muster", standing=2)
    first, second = order.tickets.order_by("pk")
    monkeypatch.setattr(ticket_codes, "_provider", [lambda tickets: {first.pk: "OTHER"}])
    assert ticket_codes.qr_contents([first, second]) == {
        first.pk: "OTHER",
        second.pk: second.secret,
    }
    monkeypatch.setattr(ticket_codes, "_provider", [])
    assert ticket_codes.qr_contents([first]) == {first.pk: first.secret}
