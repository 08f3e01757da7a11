"""A buyer account in a real browser (SHOP-5): someone who bought as a guest signs up,
opens the confirmation link of the email, logs in, finds the earlier order in "My account"
and downloads its tickets (QR codes read back from the PDF), then logs out from the
header by keyboard, on a phone-sized screen. The organizer's tracking code receives
ike_user_login and ike_user_logout with the cart (SHOP-8), and the browser reports no
CSP violation.

Runs Debian's Chromium through Playwright against `live_server`; see tests/conftest.py.
"""

import io
import re

import pypdfium2
import pytest
import zxingcpp
from django.core import mail
from playwright.sync_api import Page, expect

from billetterie.orders.models import Customer
from billetterie.orders.services import cart as carts
from billetterie.orders.services import checkout
from billetterie.payments import services as payments
from billetterie.shop.services import tracking_update
from tests.catalog_factories import make_event_with_date, make_price, make_venue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long buyer passphrase"
HEAD_CODE = """<script>
  ["ike_user_login", "ike_user_logout"].forEach((name) =>
    document.addEventListener(name, (e) => {
      const log = JSON.parse(sessionStorage.getItem("ike-log") || "[]");
      log.push([name, e.detail]);
      sessionStorage.setItem("ike-log", JSON.stringify(log));
    })
  );
</script>"""


@pytest.fixture
def guest_order(organizer, shop, manager, settings, live_server):
    """A paid order placed as a guest by ana@example.org, in a shop with tracking code."""
    settings.BASE_URL = live_server.url  # the links of the emails
    venue, standing, _numbered = make_venue(organizer, free=20, seat_rows=())
    event, date = make_event_with_date(shop, venue, name="Gala")
    price = make_price(event, standing, amount="45.00")
    payments.shop_methods_set(shop=shop, providers=["testcard"])
    tracking_update(shop=shop, actor=manager, head_code=HEAD_CODE)
    cart = carts.cart_for(shop=shop, key=None)
    carts.cart_add(cart=cart, date=date, zone=standing, price=price, quantity=2)
    order = checkout.order_place(
        cart=cart, email="ana@example.org", first_name="Ana", last_name="Guest", language="en"
    )
    order = checkout.order_paid(order=order, provider="testcard")
    mail.outbox.clear()  # the order's confirmation
    return order


@pytest.fixture
def console_errors(page: Page):
    errors: list[str] = []
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
    return errors


def qr_codes_of(pdf: bytes) -> list[str]:
    found = []
    for pdf_page in pypdfium2.PdfDocument(io.BytesIO(pdf)):
        image = pdf_page.render(scale=2).to_pil()
        found += [
            code.text
            for code in zxingcpp.read_barcodes(image)
            if code.format == zxingcpp.BarcodeFormat.QRCode
        ]
    return found


def test_a_guest_signs_up_confirms_and_finds_the_earlier_tickets(
    page: Page, live_server, shop, guest_order, console_errors
):
    page.set_viewport_size({"width": 375, "height": 740})  # a phone
    home = f"{live_server.url}/{shop.organizer.slug}/{shop.slug}/"
    page.goto(home)
    bar = page.locator(".shop-bar")
    bar.get_by_role("link", name="Log in").click()
    expect(page.get_by_role("heading", name="Log in", level=1)).to_be_visible()
    page.get_by_role("link", name="Create an account").click()

    page.get_by_label("First name").fill("Ana")
    page.get_by_label("Last name").fill("Muster")
    page.get_by_label("Email").fill("ana@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Create the account").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()

    # not confirmed yet: logging in opens nothing
    bar.get_by_role("link", name="Log in").click()
    page.get_by_label("Email").fill("ana@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text("not confirmed yet")
    expect(bar.get_by_role("link", name="Log in")).to_be_visible()

    # the confirmation email (sent twice: at sign-up and again at the refused login)
    assert [m.to for m in mail.outbox] == [["ana@example.org"], ["ana@example.org"]]
    link = re.search(r"http://\S+/account/confirm/\S+/", mail.outbox[-1].body).group(0)
    assert link.startswith(live_server.url)
    page.goto(link)
    expect(page.get_by_role("heading", name="Confirm your email address")).to_be_visible()
    assert "/account/confirm/" in page.url and link not in page.url  # no token in the bar
    page.get_by_label("The password you chose").fill(PASSWORD)
    page.get_by_role("button", name="Confirm and log in").click()

    expect(page.get_by_role("heading", name="My account", level=1)).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Your email address is confirmed")
    order = page.locator(f'.account-order[data-order="{guest_order.code}"]')
    expect(order).to_contain_text("Paid")
    expect(order).to_contain_text("2 tickets")
    expect(order).to_contain_text("CHF 90.00")
    with page.expect_download() as download:
        order.get_by_role("link", name=re.compile("^Download the tickets")).click()
    pdf = download.value.path().read_bytes()
    secrets = sorted(guest_order.tickets.values_list("secret", flat=True))
    assert sorted(qr_codes_of(pdf)) == secrets
    assert Customer.objects.get(email="ana@example.org").has_account

    # the organizer's code heard the login, with the (empty) cart
    log = page.evaluate("JSON.parse(sessionStorage.getItem('ike-log') || '[]')")
    assert [name for name, _detail in log] == ["ike_user_login"]
    assert log[0][1]["quantity"] == 0 and log[0][1]["currency"] == {"name": "CHF"}

    # log out from the header, by keyboard
    logout = bar.get_by_role("button", name="Log out")
    expect(logout).to_be_visible()
    logout.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("You are logged out.")
    expect(bar.get_by_role("link", name="Log in")).to_be_visible()
    expect(bar.get_by_role("link", name="My account")).to_have_count(0)
    log = page.evaluate("JSON.parse(sessionStorage.getItem('ike-log') || '[]')")
    assert [name for name, _detail in log] == ["ike_user_login", "ike_user_logout"]

    # logged out: the account page asks to log in again
    page.goto(f"{home}account/")
    expect(page.get_by_role("heading", name="Log in", level=1)).to_be_visible()
    assert console_errors == []
