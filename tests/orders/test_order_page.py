"""The buyer's order page and the test card's hosted pages, through HTTP."""

import io

import pypdfium2
import pytest
import zxingcpp
from django.core import mail
from django.urls import reverse

from billetterie.orders.models import Order
from billetterie.orders.services import cart as carts
from billetterie.orders.services import checkout
from billetterie.payments import services as payments
from billetterie.payments.models import Transaction
from tests.catalog_factories import make_event_with_date, make_price, make_venue

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(organizer, shop):
    venue, standing, numbered = make_venue(organizer, free=20)
    event, date = make_event_with_date(shop, venue)
    payments.shop_methods_set(shop=shop, providers=["testcard", "onsite"])
    cart = carts.cart_for(shop=shop, key=None)
    carts.cart_add(
        cart=cart, date=date, zone=standing, price=make_price(event, standing), quantity=2
    )
    carts.cart_add(
        cart=cart,
        date=date,
        zone=numbered,
        price=make_price(event, numbered, name="Balcon", amount="60"),
        quantity=1,
    )
    return checkout.order_place(
        cart=cart, email="ana@example.org", first_name="Ana", last_name="Muster", language="fr"
    )


def qr_secrets(pdf: bytes) -> list[str]:
    document = pypdfium2.PdfDocument(io.BytesIO(pdf))
    found = []
    for page in document:
        image = page.render(scale=2).to_pil()
        found += [barcode.text for barcode in zxingcpp.read_barcodes(image)]
    return found


def test_card_payment_through_the_hosted_pages(client, order, django_capture_on_commit_callbacks):
    page = reverse("shop:order", args=[order.secret])
    assert "VISA, Mastercard" in client.get(page).text
    response = client.post(page, {"method": "testcard"})
    tx = Transaction.objects.get(order=order)
    assert response.url == reverse("payments:testcard", args=[tx.secret])
    card = client.post(
        response.url, {"number": "378282246310005", "expiry": "12/39", "cvc": "123"}, follow=True
    )
    assert "American Express cards are not accepted" in card.text
    retry = Transaction.objects.filter(order=order, state="created").get()
    answer = client.post(
        reverse("payments:testcard", args=[retry.secret]),
        {"number": "5555 5555 5555 4444", "expiry": "12/39", "cvc": "321"},
    )
    assert answer.url == reverse("payments:testcard_3ds", args=[retry.secret])
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(answer.url, {"answer": "approve"}, follow=True)
    order.refresh_from_db()
    assert order.state == Order.State.PAID
    assert "Download the tickets" in done.text
    (email,) = mail.outbox
    secrets = set(order.tickets.values_list("secret", flat=True))
    assert sorted(qr_secrets(email.attachments[0][1])) == sorted(secrets)
    assert order.secret in email.body
    again = client.get(reverse("shop:order_tickets", args=[order.secret]))
    assert again["Content-Type"] == "application/pdf"
    assert sorted(qr_secrets(again.content)) == sorted(secrets)


def test_a_pending_card_order_offers_no_tickets_yet(client, order):
    page = client.get(reverse("shop:order", args=[order.secret]))
    assert "Download the tickets" not in page.text
    assert client.get(reverse("shop:order_tickets", args=[order.secret])).status_code == 302


def test_unknown_order_links_are_404(client):
    assert client.get(reverse("shop:order", args=["nope"])).status_code == 404
    assert client.get(reverse("payments:testcard", args=["nope"])).status_code == 404
