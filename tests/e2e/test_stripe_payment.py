"""A buyer pays by card through Stripe in the demo shop, with a real browser (PAY-2).

The shop's Stripe keys point at the local fake Stripe server (tests/payments/fake_stripe.py):
the browser goes to its hosted checkout page, enters a VISA card, passes 3-D Secure, and
comes back; the fake posts its signed webhook to the live server meanwhile, like Stripe.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from billetterie.core.models import Shop
from billetterie.orders.models import Order
from billetterie.payments import services as payments
from billetterie.payments.models import ProviderNotification
from billetterie.payments.providers import stripe as provider
from tests.e2e.test_shop_purchase import (  # noqa: F401 - fixtures
    SHOP,
    console_errors,
    demo,
    emails_in,
    mail_dir,
)
from tests.payments.fake_stripe import (  # noqa: F401 - the fixture
    PUBLISHABLE_KEY,
    SECRET_KEY,
    WEBHOOK_SECRET,
    fake_stripe,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def stripe_shop(demo, fake_stripe, live_server, settings):  # noqa: F811
    settings.BASE_URL = live_server.url
    shop = Shop.objects.get(slug="saison-2026-2027")
    payments.shop_methods_set(shop=shop, providers=["testcard", "stripe", "onsite"])
    payments.method_configure(
        shop=shop,
        provider_id="stripe",
        values={
            "publishable_key": PUBLISHABLE_KEY,
            "secret_key": SECRET_KEY,
            "webhook_secret": WEBHOOK_SECRET,
        },
    )
    fake_stripe.webhook_url = f"{live_server.url}{provider.webhook_path(shop)}"
    return shop


def place_order(page: Page, live_server) -> None:
    page.goto(f"{live_server.url}{SHOP}")
    page.get_by_role("link", name="Le Misanthrope").click()
    page.get_by_role("link", name=re.compile("^Tickets for")).first.click()
    full = page.get_by_role("region", name="Parterre").get_by_role("form", name="Plein tarif")
    full.get_by_label("Number of tickets").select_option("2")
    full.get_by_role("button", name="Add to cart").click()
    page.get_by_role("link", name="Checkout").click()
    page.get_by_label("Email", exact=True).fill("ana@example.org")
    page.get_by_label("Email (again)").fill("ana@example.org")
    page.get_by_label("First name").fill("Ana")
    page.get_by_label("Last name").fill("Muster")
    page.get_by_role("button", name="Place the order").click()
    expect(page.locator(".status")).to_have_text("Waiting for payment")


def pay_on_stripe(page: Page, number: str) -> None:
    page.get_by_label("Card number").fill(number)
    page.get_by_label("Expiry (MM/YY)").fill("12/34")
    page.get_by_label("CVC").fill("123")
    page.get_by_role("button", name="Pay CHF 90.00").click()


def test_buyer_pays_with_visa_on_stripe_and_gets_the_tickets(
    page: Page,
    live_server,
    stripe_shop,
    fake_stripe,  # noqa: F811
    mail_dir,  # noqa: F811
    console_errors,  # noqa: F811
):
    place_order(page, live_server)
    page.get_by_role("radio", name="Card (VISA, Mastercard)", exact=True).check()
    page.get_by_role("button", name=re.compile("^Pay")).click()

    # Our page sends the browser on to Stripe's hosted page by itself.
    expect(page).to_have_url(re.compile(rf"^{re.escape(fake_stripe.url)}/pay/cs_"))
    expect(page.get_by_role("heading", name="Pay CHF 90.00")).to_be_visible()

    # A refused card first: Stripe's page says so, the attempt keeps the bank's note.
    pay_on_stripe(page, "4000 0000 0000 9995")
    expect(page.get_by_role("alert")).to_have_text("Your card has insufficient funds.")

    pay_on_stripe(page, "4242 4242 4242 4242")
    expect(page.get_by_role("heading", name="3D Secure 2 Test Page")).to_be_visible()
    page.get_by_role("button", name="Complete authentication").click()

    expect(page).to_have_url(re.compile(rf"^{re.escape(live_server.url)}/order/"))
    expect(page.locator(".status")).to_have_text("Paid")
    expect(page.get_by_role("status").first).to_contain_text(
        "Thank you: your payment is confirmed."
    )
    expect(page.get_by_role("link", name="Download the tickets (PDF)")).to_be_visible()

    order = Order.objects.get()
    assert order.state == Order.State.PAID and order.payment_method == "stripe"
    failed, paid = order.transactions.order_by("pk")
    assert (failed.state, failed.bank_note) == (
        "failed",
        "Your card has insufficient funds. (insufficient_funds)",
    )
    assert (paid.state, paid.card_brand, paid.card_last4) == ("succeeded", "visa", "4242")
    # the fake's webhooks reached the live server, signed, and were handled
    assert [d.status for d in fake_stripe.delivered] == [200, 200, 200]
    assert ProviderNotification.objects.count() == 3
    assert console_errors == []

    (message,) = emails_in(mail_dir)
    assert message["To"] == "ana@example.org"
    assert f"/order/{order.secret}/" in message.get_body(preferencelist=("plain",)).get_content()


def test_american_express_is_refused_with_a_clear_message(
    page: Page,
    live_server,
    stripe_shop,
    fake_stripe,  # noqa: F811
):
    place_order(page, live_server)
    page.get_by_role("radio", name="Card (VISA, Mastercard)", exact=True).check()
    page.get_by_role("button", name=re.compile("^Pay")).click()
    pay_on_stripe(page, "3782 822463 10005")
    expect(page.get_by_role("alert")).to_have_text(
        "Your card is not supported. Try a different card."
    )
    # back to the shop: the attempt is cancelled, the buyer can choose again
    page.get_by_role("link", name="Back to the shop").click()
    expect(page.get_by_role("status").first).to_contain_text("The card payment was cancelled.")
    expect(page.locator(".status")).to_have_text("Waiting for payment")
    assert Order.objects.get().state == Order.State.PENDING
