"""A guest buys tickets in the demo shop with a real browser (SHOP-1, SHOP-2, PAY-2): places
of a multi-date play and a numbered seat of a concert, checkout, the test card with 3-D
Secure; and a cart hold that runs out while the buyer waits.

Runs Debian's Chromium through Playwright against `live_server`; see tests/conftest.py.
"""

import email
import email.policy
import io
import re
import time
from pathlib import Path

import pypdfium2
import pytest
import zxingcpp
from django.core.management import call_command
from playwright.sync_api import Page, expect

from billetterie.catalog.models import Event
from billetterie.config import mailer
from billetterie.inventory.models import DateSeat, Hold, Quota
from billetterie.inventory.services import recount
from billetterie.orders.models import Order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOP = "/theatre-demo/saison-2026-2027/"


@pytest.fixture
def demo(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    call_command("demo")


@pytest.fixture
def mail_dir(settings, tmp_path) -> Path:
    """Emails go to files, as on a demo machine (EMAIL_URL=file://...)."""
    directory = tmp_path / "mail"
    settings.MAILERS = {"default": mailer(f"file://{directory}", tmp_path)}
    return directory


def emails_in(directory: Path, *, wait: float = 10.0) -> list[email.message.EmailMessage]:
    """The messages Django's file backend wrote (one or more per file, each followed by a
    line of 79 dashes), waiting a little for the first one: the confirmation goes out
    after the payment's transaction commits."""
    deadline = time.monotonic() + wait
    while True:
        messages = []
        for path in sorted(directory.glob("*.log")):
            for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
                if chunk.strip():
                    messages.append(email.message_from_bytes(chunk, policy=email.policy.default))
        if messages or time.monotonic() > deadline:
            return messages
        time.sleep(0.2)


def qr_codes_of(pdf: bytes) -> list[str]:
    """Every QR code zxing-cpp reads on the PDF's pages, rendered at 144 dpi."""
    found = []
    for page in pypdfium2.PdfDocument(io.BytesIO(pdf)):
        image = page.render(scale=2).to_pil()
        found += [
            code.text
            for code in zxingcpp.read_barcodes(image)
            if code.format == zxingcpp.BarcodeFormat.QRCode
        ]
    return found


@pytest.fixture
def console_errors(page: Page):
    """Errors in the browser console (a CSP violation shows up here), and failed loads but
    the favicon's (there is none)."""
    errors: list[str] = []

    def failed(response):
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            errors.append(f"{response.status} {response.url}")

    page.on("response", failed)
    page.on(
        "console",
        lambda message: (
            message.type == "error"
            and not message.text.startswith("Failed to load resource")
            and errors.append(message.text)
        ),
    )
    return errors


def free_places(event_name: str, zone_name: str, date=None) -> int:
    event = Event.objects.get(name=event_name)
    date = date or event.dates.order_by("starts_at").first()
    quota = Quota.objects.get(date=date, zone__name=zone_name, price__isnull=True)
    return quota.size - quota.taken


def test_guest_buys_play_and_concert_tickets_and_pays_by_card(
    page: Page, live_server, demo, mail_dir, console_errors
):
    page.goto(f"{live_server.url}{SHOP}")
    expect(page.get_by_role("heading", name="Saison 2026-2027", level=1)).to_be_visible()

    # Two places in the stalls for the first performance of the play.
    page.get_by_role("link", name="Le Misanthrope").click()
    expect(page.get_by_role("heading", name="Le Misanthrope", level=1)).to_be_visible()
    expect(page.locator(".shop-date")).to_have_count(6)
    page.get_by_role("link", name=re.compile("^Tickets for")).first.click()
    stalls = page.get_by_role("region", name="Parterre")
    full = stalls.get_by_role("form", name="Plein tarif")
    full.get_by_label("Number of tickets").select_option("2")
    full.get_by_role("button", name="Add to cart").click()
    expect(page.get_by_role("status")).to_contain_text(
        "2 tickets “Plein tarif” added to your cart."
    )
    assert free_places("Le Misanthrope", "Parterre") == 180 - 2

    # One numbered seat of the concert, chosen on the seat map.
    page.locator(".shop-bar .shop-name").click()
    page.get_by_role("link", name="Orchestre de chambre — Mozart").click()
    page.get_by_role("link", name=re.compile("^Tickets for")).click()
    orchestra = page.get_by_role("region", name="Orchestre")
    seat = orchestra.get_by_label("Row A, seat 5, Catégorie 1")
    seat.check()
    expect(seat).to_be_checked()
    orchestra.get_by_role("button", name="Add to cart").click()
    expect(page.get_by_role("status")).to_contain_text("1 ticket “Plein tarif” added")
    a5 = DateSeat.objects.get(seat__zone__name="Orchestre", seat__row="A", seat__number="5")
    assert a5.hold_id is not None

    # The cart: both lines, the total, a running countdown.
    expect(page.get_by_role("heading", name="Your cart")).to_be_visible()
    expect(page.locator(".cart-line")).to_have_count(2)
    expect(page.locator(".cart-line").nth(1)).to_contain_text("Row A, seat 5")
    expect(page.locator(".cart-total")).to_contain_text("CHF 175.00")  # 2 x 45 + 85
    left = page.locator("[data-countdown-left]")
    expect(left).to_have_text(re.compile(r"^1[45]:\d\d$"))
    first = left.text_content()
    expect(left).not_to_have_text(first, timeout=3000)  # it counts down
    expect(page.locator(".shop-bar .cart-link")).to_contain_text("3")

    page.get_by_role("link", name="Checkout").click()
    page.get_by_label("Email", exact=True).fill("ana@example.org")
    page.get_by_label("Email (again)").fill("ana@example.org")
    page.get_by_label("First name").fill("Ana")
    page.get_by_label("Last name").fill("Muster")
    page.get_by_role("button", name="Place the order").click()

    # The order page: pay with the test card and approve 3-D Secure.
    expect(page.get_by_role("status").first).to_contain_text("Your order is placed.")
    expect(page.locator(".status")).to_have_text("Waiting for payment")
    page.get_by_role("radio", name=re.compile("Card")).check()
    page.get_by_role("button", name=re.compile("^Pay")).click()
    page.get_by_label("Card number").fill("4242 4242 4242 4242")
    page.get_by_label("Expiry (MM/YY)").fill("12/39")
    page.get_by_label("Security code").fill("123")
    page.get_by_role("button", name=re.compile("^Pay")).click()
    page.get_by_role("button", name="Approve").click()

    expect(page.locator(".status")).to_have_text("Paid")
    expect(page.locator("tr.ticket")).to_have_count(3)
    expect(page.locator("tr.ticket").last).to_contain_text("Row A, seat 5")
    expect(page.get_by_role("link", name="Download the tickets (PDF)")).to_be_visible()
    order = Order.objects.get()
    assert (order.state, order.email, order.language) == (Order.State.PAID, "ana@example.org", "en")
    assert Hold.objects.filter(state=Hold.State.CONFIRMED).count() == 2
    assert recount() == []
    assert console_errors == []

    # The confirmation email, as the file backend wrote it: in English like the checkout,
    # one PDF whose QR codes are the three tickets' secrets, and the order page's link.
    (message,) = emails_in(mail_dir)
    assert message["To"] == "ana@example.org"
    (attachment,) = [part for part in message.iter_attachments()]
    assert attachment.get_content_type() == "application/pdf"
    pdf = attachment.get_content()
    secrets = sorted(order.tickets.values_list("secret", flat=True))
    assert sorted(qr_codes_of(pdf)) == secrets
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "Your 3 tickets are attached as one PDF." in body
    assert f"/order/{order.secret}/" in body

    # The link in the email opens the order page with the three tickets.
    page.goto(f"{live_server.url}/order/{order.secret}/")
    expect(page.locator("tr.ticket")).to_have_count(3)


def test_a_hold_that_runs_out_goes_back_on_sale(
    page: Page, live_server, demo, settings, console_errors
):
    settings.BILLETTERIE_CART_HOLD_SECONDS = 2
    reading = Event.objects.get(name="Lecture — tarif libre")
    page.goto(f"{live_server.url}{SHOP}event/{reading.pk}/{reading.dates.get().pk}/")
    form = page.get_by_role("form", name="Tarif libre")
    form.get_by_label("Your amount (CHF)").fill("3")
    form.get_by_role("button", name="Add to cart").click()
    expect(page.get_by_role("alert")).to_have_text("The minimum for this price is CHF 5.00.")
    form = page.get_by_role("form", name="Tarif libre")
    form.get_by_label("Your amount (CHF)").fill("12")
    form.get_by_label("Number of tickets").select_option("3")
    form.get_by_role("button", name="Add to cart").click()
    expect(page.locator(".cart-total")).to_contain_text("CHF 36.00")
    assert free_places("Lecture — tarif libre", "Salle") == 50 - 3

    # The countdown reaches zero in the page, then the buyer reloads and is told.
    expect(page.locator("[data-countdown-expired]")).to_be_visible(timeout=5000)
    page.reload()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("The time to complete your order ran out")
    expect(alert).to_contain_text("3 x Tarif libre")
    expect(page.get_by_text("Your cart is empty.")).to_be_visible()
    assert free_places("Lecture — tarif libre", "Salle") == 50
    assert recount() == []
    assert console_errors == []
