"""The box office in a real browser (BOX-1..4, PAY-8): a cashier sells three tickets for
cash with the keyboard and gives the change; a 4-ticket reservation is split into 2 paid
and 2 still reserved; the shop's dashboard shows the sales.

Runs Debian's Chromium through Playwright against `live_server`; see tests/conftest.py.
"""

import io
import os
import re

import pypdfium2
import pytest
import zxingcpp
from playwright.sync_api import Page, expect

from billetterie.boxoffice.models import CounterPayment, Receipt
from billetterie.inventory.models import Hold, Quota
from billetterie.inventory.services import recount
from billetterie.orders.models import Order
from billetterie.payments.models import Transaction
from tests import factories as f
from tests.boxoffice.conftest import make_cashier, make_concert

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# set to a directory to keep screenshots of the screens for a visual review
SCREENSHOTS = os.environ.get("BOXOFFICE_SCREENSHOTS", "")


def shoot(page: Page, name: str) -> None:
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=True)


def log_in(page: Page, base_url: str, email: str, then: str) -> None:
    page.goto(f"{base_url}/backoffice/login/?next={then}")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(f.PASSWORD)
    page.get_by_role("button", name="Log in").click()


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


@pytest.fixture
def console_errors(page: Page):
    """Console errors (a CSP violation shows up here) and failed loads but the favicon's."""
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


@pytest.fixture
def counter_shop(db):
    organizer, shop, _manager = f.make_tenant()
    concert = make_concert(organizer, shop)
    cashier = make_cashier(organizer, shop)
    return organizer, shop, concert, cashier


def free_places(concert) -> int:
    quota = Quota.objects.get(date=concert.date, zone=concert.standing, price__isnull=True)
    return quota.size - quota.taken


def test_cashier_sells_three_tickets_for_cash_with_the_keyboard_and_gives_the_change(
    page: Page, live_server, counter_shop, console_errors
):
    organizer, shop, concert, cashier = counter_shop
    log_in(page, live_server.url, cashier.email, "/boxoffice/")
    # one shop to sell for: straight to its counter
    expect(page.get_by_role("heading", name="Sell tickets")).to_be_visible()
    page.get_by_role("link", name=re.compile("Concert")).click()
    expect(page.get_by_role("region", name="Parterre")).to_be_visible()

    # 1 = the first price, its quantity; 3, Enter adds three tickets
    page.keyboard.press("1")
    quantity = page.get_by_role("form", name="Parterre · Plein tarif").get_by_label("Quantity")
    expect(quantity).to_be_focused()
    page.keyboard.type("3")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").first).to_contain_text("3 tickets “Plein tarif” added.")
    sale = page.get_by_role("region", name="Current sale")
    expect(sale.locator(".bo-line")).to_have_count(1)
    expect(sale.locator("[data-total]")).to_have_text("CHF 90.00")
    shoot(page, "counter")
    assert free_places(concert) == 20 - 3

    # C = the cash given; the change shows while typing
    page.keyboard.press("c")
    given = sale.get_by_label("Cash given (CHF)")
    expect(given).to_be_focused()
    page.keyboard.type("50")
    expect(sale.locator("output")).to_have_text("Missing: CHF 40.00")
    page.keyboard.press("Backspace")
    page.keyboard.press("Backspace")
    page.keyboard.type("100")
    expect(sale.locator("output")).to_have_text("Change: CHF 10.00")
    page.keyboard.press("Enter")

    done = page.get_by_role("region", name=re.compile("Order 000001 paid"))
    expect(done).to_be_visible()
    expect(done.locator(".bo-change-due")).to_contain_text("CHF 10.00")
    print_button = done.get_by_role("button", name="Print the tickets")
    shoot(page, "done")
    expect(print_button).to_be_focused()
    expect(page.get_by_text("No ticket yet: choose a date, then the tickets.")).to_be_visible()

    order = Order.objects.get()
    assert (order.state, order.total, order.payment_method) == ("paid", 90, "cash")
    payment = CounterPayment.objects.get()
    assert (payment.amount_given, payment.change, payment.cashier) == (100, 10, cashier)
    assert Transaction.objects.get().state == "succeeded"
    assert Hold.objects.get().state == Hold.State.CONFIRMED
    assert recount() == []

    # Print: the tickets open in a new tab, in the browser's PDF viewer.
    with (
        page.context.expect_event(
            "response", lambda r: r.url.endswith("/tickets.pdf")
        ) as response_info,
        page.expect_popup() as popup_info,
    ):
        page.keyboard.press("Enter")
    response = response_info.value
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("inline;")
    popup = popup_info.value
    assert popup.url.endswith("/tickets.pdf")
    popup.close()
    assert order.events.filter(kind="tickets_printed").exists()
    # What the viewer got, fetched again with the page's session: the tickets' QR codes.
    form = done.locator('form[action$="/tickets.pdf"]')
    token = form.locator("[name=csrfmiddlewaretoken]").input_value()
    pdf = page.context.request.post(
        live_server.url + form.get_attribute("action"), form={"csrfmiddlewaretoken": token}
    )
    secrets = sorted(order.tickets.values_list("secret", flat=True))
    assert sorted(qr_codes_of(pdf.body())) == secrets

    # The receipt too, numbered.
    with (
        page.context.expect_event(
            "response", lambda r: r.url.endswith("/receipt.pdf")
        ) as receipt_info,
        page.expect_popup() as receipt_popup,
    ):
        page.goto(f"{live_server.url}/boxoffice/{organizer.slug}/{shop.slug}/orders/{order.pk}/")
        page.get_by_role("button", name="Print a receipt").click()
    assert receipt_info.value.headers["content-type"] == "application/pdf"
    receipt_popup.value.close()
    assert Receipt.objects.get().number == 1
    assert console_errors == []


def test_a_four_ticket_reservation_is_split_into_two_paid_and_two_reserved(
    page: Page, live_server, counter_shop, console_errors
):
    organizer, shop, concert, cashier = counter_shop
    page.set_viewport_size({"width": 820, "height": 1180})  # a tablet at the counter
    log_in(page, live_server.url, cashier.email, "/boxoffice/")
    page.get_by_role("link", name=re.compile("Concert")).click()

    # A reservation of four places for Léa Muster, to pay at the box office.
    add = page.get_by_role("form", name="Parterre · Plein tarif")
    add.get_by_label("Quantity").fill("4")
    add.get_by_role("button", name="Add").click()
    sale = page.get_by_role("region", name="Current sale")
    expect(sale.locator("[data-total]")).to_have_text("CHF 120.00")
    sale.get_by_text("Customer and reservation").click()
    sale.get_by_label("First name").fill("Léa")
    sale.get_by_label("Last name").fill("Muster")
    sale.get_by_label("Email").fill("lea@example.org")
    sale.get_by_role("button", name="Reserve: pay later at the box office").click()
    expect(page.get_by_role("status").first).to_contain_text(
        "Reservation 000001 kept for Léa Muster"
    )
    expect(page.get_by_role("heading", name=re.compile("Order 000001"))).to_contain_text(
        "Reservation to pay"
    )

    # Later: found by name, two of the four are paid now.
    page.get_by_role("navigation", name="Box office").get_by_role("link", name="Orders").click()
    page.get_by_label("Name, email, order number or any order data").fill("muster")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="1 order found")).to_be_visible()
    page.get_by_role("link", name="000001").click()
    tickets = page.locator("tr.ticket")
    expect(tickets).to_have_count(4)
    page.get_by_label("Ticket 1", exact=True).check()
    page.get_by_label("Ticket 2", exact=True).check()
    split = page.get_by_role("group", name="Pay some tickets now")
    split.get_by_label("Cash given (CHF)").fill("70")
    expect(split.locator("output")).to_have_text("Change: CHF 10.00")
    split.get_by_role("button", name="Paid in cash").click()

    done = page.get_by_role("region", name=re.compile("Order 000002 paid"))
    expect(done).to_be_visible()
    expect(done.locator(".bo-change-due")).to_contain_text("CHF 10.00")
    expect(page.locator("tr.ticket")).to_have_count(2)
    expect(page.get_by_text("Created from a reservation (000001)")).to_be_visible()
    shoot(page, "split-done")
    assert page.evaluate("document.documentElement.scrollWidth") <= 820

    # Both orders are found; the reservation keeps two tickets to pay.
    page.get_by_role("navigation", name="Box office").get_by_role("link", name="Orders").click()
    page.get_by_label("Name, email, order number or any order data").fill("lea@example.org")
    page.get_by_role("button", name="Search").click()
    results = page.locator("table.bo-results tbody tr")
    expect(results).to_have_count(2)
    expect(results.filter(has_text="000002")).to_contain_text("Paid")
    expect(results.filter(has_text="000001")).to_contain_text("Reservation to pay")

    reservation, paid = Order.objects.order_by("number")
    assert (reservation.state, reservation.total, reservation.tickets.count()) == (
        "pending",
        60,
        2,
    )
    assert (paid.state, paid.total, paid.tickets.count()) == ("paid", 60, 2)
    assert Transaction.objects.get().order == paid
    assert free_places(concert) == 20 - 4
    assert recount() == []

    # The shop's dashboard counts 2 sold and 2 reserved, with its chart.
    page.goto(f"{live_server.url}/backoffice/o/{organizer.slug}/s/{shop.slug}/")
    expect(page.locator('[data-figure="tickets-today"]')).to_have_text("2")
    expect(page.locator('[data-figure="reserved"]')).to_have_text("2")
    expect(page.locator('[data-figure="revenue-today"]')).to_have_text("CHF 60.00")
    expect(page.get_by_role("img", name="Revenue per day")).to_be_visible()
    expect(page.get_by_role("cell", name="Cash")).to_be_visible()
    shoot(page, "dashboard")
    assert console_errors == []


def test_the_counter_fits_a_phone(page: Page, live_server, counter_shop, console_errors):
    _organizer, _shop, _concert, cashier = counter_shop
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server.url, cashier.email, "/boxoffice/")
    page.get_by_role("link", name=re.compile("Concert")).click()
    seats = page.get_by_role("form", name="Seats in Balcon")
    seats.get_by_label("Row A, seat 2").check()
    seats.get_by_role("button", name="Add the seats").click()
    sale = page.get_by_role("region", name="Current sale")
    expect(sale).to_contain_text("Row A, seat 2")
    button = sale.get_by_role("button", name="Paid by card (terminal)")
    box = button.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert box["height"] >= 44, f"too small a touch target: {box}"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shoot(page, "phone")
    button.click()
    expect(page.get_by_role("region", name=re.compile("Order 000001 paid"))).to_be_visible()
    assert Order.objects.get().payment_method == "card_terminal"
    assert console_errors == []
