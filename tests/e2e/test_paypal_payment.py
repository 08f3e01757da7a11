"""A guest pays with PayPal in the demo shop with a real browser (PAY-3): the order page,
our hand-over page, the (fake) PayPal approval page, the return and the capture; PayPal's
webhook for the same capture afterwards changes nothing.

The fake PayPal (tests/payments/fake_paypal.py) runs on its own port: another site for
the browser, as PayPal is.
"""

import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import Page, expect

from billetterie.core.models import Shop
from billetterie.orders.models import Order
from billetterie.payments import services as payments
from billetterie.payments.models import ProviderNotification, Transaction
from billetterie.payments.providers import paypal
from tests.payments.fake_paypal import FakePayPal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOP = "/theatre-demo/saison-2026-2027/"
RECEIVER = "caisse@theatre-demo.example"


@pytest.fixture
def fake(settings, live_server):
    server = FakePayPal().start()
    settings.PAYPAL_API_BASE = server.url
    settings.BASE_URL = live_server.url  # PayPal sends the buyer back here
    yield server
    server.stop()


@pytest.fixture
def demo(settings, tmp_path, fake):
    settings.DATA_DIR = tmp_path
    call_command("demo")
    shop = Shop.objects.get(slug="saison-2026-2027")
    payments.shop_methods_set(shop=shop, providers=["free", "paypal", "testcard", "onsite"])
    payments.method_configure(
        shop=shop,
        provider_id="paypal",
        values={
            "client_id": fake.client_id,
            "client_secret": fake.client_secret,
            "receiver_email": RECEIVER,
            "webhook_id": fake.webhook_id,
        },
    )
    return shop


def test_guest_pays_with_paypal(page: Page, live_server, demo, fake):
    errors: list[str] = []  # a CSP violation shows in the console; failed loads but favicons
    page.on(
        "response",
        lambda r: (
            r.status >= 400
            and not r.url.endswith("/favicon.ico")
            and errors.append(f"{r.status} {r.url}")
        ),
    )
    page.on(
        "console",
        lambda m: (
            m.type == "error"
            and not m.text.startswith("Failed to load resource")
            and errors.append(m.text)
        ),
    )
    page.goto(f"{live_server.url}{SHOP}")
    page.get_by_role("link", name="Le Misanthrope").click()
    page.get_by_role("link", name=re.compile("^Tickets for")).first.click()
    full = page.get_by_role("region", name="Parterre").get_by_role("form", name="Plein tarif")
    full.get_by_label("Number of tickets").select_option("2")
    full.get_by_role("button", name="Add to cart").click()
    expect(page.locator(".cart-total")).to_contain_text("CHF 90.00")
    page.get_by_role("link", name="Checkout").click()
    page.get_by_label("Email", exact=True).fill("ana@example.org")
    page.get_by_label("Email (again)").fill("ana@example.org")
    page.get_by_label("First name").fill("Ana")
    page.get_by_label("Last name").fill("Muster")
    page.get_by_role("button", name="Place the order").click()
    expect(page.locator(".status")).to_have_text("Waiting for payment")

    # PayPal on the order page: the hand-over page takes the buyer on to PayPal's site
    page.get_by_role("radio", name="PayPal").check()
    page.get_by_role("button", name=re.compile("^Pay")).click()
    expect(page.get_by_role("heading", name="PayPal (fake)")).to_be_visible()
    assert page.url.startswith(f"{fake.url}/checkoutnow?token=")
    expect(page.get_by_text(f"Pay CHF 90.00 to {RECEIVER}")).to_be_visible()
    page.get_by_role("button", name="Pay").click()

    # back in the shop: captured, paid, tickets ready
    expect(page.get_by_role("status").first).to_contain_text(
        "Thank you: PayPal confirmed your payment."
    )
    expect(page.locator(".status")).to_have_text("Paid")
    expect(page.locator("tr.ticket")).to_have_count(2)
    expect(page.get_by_role("link", name="Download the tickets (PDF)")).to_be_visible()
    order = Order.objects.get()
    tx = Transaction.objects.get(order=order, provider="paypal")
    assert (order.state, order.payment_method) == (Order.State.PAID, "paypal")
    assert tx.state == "succeeded" and tx.reference == tx.provider_data["capture_id"]
    assert page.url == f"{live_server.url}{reverse('shop:order', args=[order.secret])}"
    assert errors == []

    # PayPal's webhook for this capture, posted by PayPal to the shop's address
    url = live_server.url + reverse("payments:paypal_webhook", args=[paypal.webhook_key(demo)])
    assert fake.deliver(fake.webhook(tx.reference), url) == (200, {"outcome": "already_settled"})
    assert ProviderNotification.objects.get().order == order
    order.refresh_from_db()
    assert order.state == Order.State.PAID
