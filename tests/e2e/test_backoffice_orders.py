"""Orders, customers and exports in a real browser (issue 7): staff find an order by a
fragment of the buyer's email and cancel it, export an event to XLSX and open the file,
follow a large export's progress, and erase a customer whose orders then read
"Anonymous" with their amounts intact.

Runs Debian's Chromium through Playwright against `live_server`; see tests/conftest.py.
"""

import io
import os
import re
from datetime import timedelta

import openpyxl
import pytest
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.utils import timezone
from playwright.sync_api import Page, expect

from billetterie.catalog.models import EventDate
from billetterie.inventory.services import recount
from billetterie.orders.exports.models import Export
from billetterie.orders.models import Customer, Order
from billetterie.orders.services import registration
from tests import factories as f
from tests.orders.sales import make_concert, place

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HYPERLINK = '=HYPERLINK("http://x","y")'
SCREENSHOTS = os.environ.get("ORDERS_SCREENSHOTS", "")  # a folder: pictures of the pages


def shoot(page: Page, name: str) -> None:
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=True)


def log_in(page: Page, base_url: str, email: str) -> None:
    page.goto(f"{base_url}/backoffice/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(f.PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("navigation", name="Main menu")).to_be_visible()


@pytest.fixture
def sales(db):
    organizer, shop, manager = f.make_tenant()
    concert = make_concert(organizer, shop, name="Gala")
    note = registration.form_field_create(shop=shop, actor=None, kind="text", labels={"en": "Note"})
    ana = place(
        shop,
        concert,
        email="ana.muster@example.org",
        data={registration.extra_name(note): HYPERLINK},
        paid=True,
    )
    ben = place(
        shop,
        concert,
        email="ben@keller.ch",
        first_name="Ben",
        last_name="Keller",
        quantity=1,
        data={registration.extra_name(note): "Aisle seat please"},
        paid=True,
    )
    return organizer, shop, manager, concert, ana, ben


def open_shop_menu(page: Page, base_url: str, organizer, shop, label: str) -> None:
    page.goto(f"{base_url}/backoffice/o/{organizer.slug}/s/{shop.slug}/")
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name=label).click()


def test_staff_find_an_order_by_an_email_fragment_and_cancel_it(page: Page, live_server, sales):
    organizer, shop, manager, _concert, ana, ben = sales
    log_in(page, live_server.url, manager.email)
    open_shop_menu(page, live_server.url, organizer, shop, "Orders")
    expect(page.get_by_role("heading", name="Orders", level=1)).to_be_visible()
    rows = page.locator("table.orders tbody tr")
    expect(rows).to_have_count(2)

    # by keyboard: type a fragment of the email in the search box and press Enter
    page.get_by_label("Search").fill("muster@ex")
    page.get_by_label("Search").press("Enter")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Ana Muster")
    expect(rows.first).to_contain_text("CHF 90.00")
    expect(page.locator(f'tr[data-order="{ben.code}"]')).to_have_count(0)
    shoot(page, "orders")

    rows.first.get_by_role("link", name=ana.code).click()
    expect(page.get_by_role("heading", name=re.compile(f"Order {ana.code}"))).to_be_visible()
    tabs = page.get_by_role("navigation", name="Order sections")
    tabs.get_by_role("link", name=re.compile("^Answers")).click()
    expect(page.locator(".tab-panel")).to_contain_text(HYPERLINK)
    shoot(page, "order-answers")
    tabs.get_by_role("link", name=re.compile("^Transactions")).click()
    expect(page.locator(".tab-panel")).to_contain_text("never reached the payment step")

    # on a phone the order page fits the screen
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shoot(page, "order-phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("link", name="Cancel the order").click()
    expect(page.get_by_role("heading", name=f"Cancel order {ana.code}?")).to_be_visible()
    expect(page.get_by_role("note")).to_contain_text("not refunded by cancelling")
    page.get_by_label("Email the buyer that the order is cancelled").uncheck()
    page.get_by_role("button", name="Cancel the order").click()
    expect(page.get_by_role("status")).to_contain_text(
        f"Order {ana.code} is cancelled; its places are back on sale."
    )
    expect(page.locator("h1 .badge")).to_have_text("Cancelled")
    assert Order.objects.get(pk=ana.pk).state == Order.State.CANCELLED
    assert recount() == []


def test_manager_exports_an_event_to_xlsx_and_opens_it(page: Page, live_server, sales):
    organizer, shop, manager, _concert, ana, ben = sales
    log_in(page, live_server.url, manager.email)
    open_shop_menu(page, live_server.url, organizer, shop, "Exports")
    page.get_by_label("Event").select_option(label="Gala")
    page.get_by_label("Spreadsheet (XLSX), one row per ticket").check()
    page.get_by_role("button", name="Export").click()

    expect(page.get_by_role("status").last).to_contain_text("Ready")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("^Download gala-")).click()
    assert download.value.suggested_filename.endswith(".xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes())).active
    rows = list(sheet.iter_rows(values_only=True))
    header, data = rows[0], rows[1:]
    column = {name: index for index, name in enumerate(header)}
    assert [row[column["Order"]] for row in data] == [ana.number, ana.number, ben.number]
    assert [row[column["Buyer"]] for row in data] == ["Ana Muster", "Ana Muster", "Ben Keller"]
    assert [row[column["Email"]] for row in data][-1] == "ben@keller.ch"
    assert data[0][column["Note"]] == "'" + HYPERLINK  # text, never a formula
    assert data[2][column["Note"]] == "Aisle seat please"
    cell = sheet.cell(row=2, column=column["Note"] + 1)
    assert cell.data_type == "s"


def test_a_large_export_shows_its_progress_then_its_download(page: Page, live_server, sales):
    organizer, shop, manager, concert, _ana, _ben = sales
    export = Export.objects.create(
        organizer=organizer,
        shop=shop,
        event=concert.event,
        kind="zip",
        state="running",
        progress=30,
        rows=3000,
        requested_by=manager,
        file_name="gala-export.zip",
    )
    log_in(page, live_server.url, manager.email)
    page.goto(f"{live_server.url}/backoffice/o/{organizer.slug}/s/{shop.slug}/exports/{export.pk}/")
    bar = page.locator("progress[data-export-bar]")
    expect(bar).to_be_visible()
    expect(bar).to_have_attribute("value", "30")
    expect(page.get_by_role("status").last).to_contain_text("In progress")

    # the worker moves on, then finishes: the page follows without a reload
    Export.objects.filter(pk=export.pk).update(progress=70, rows=7000)
    expect(bar).to_have_attribute("value", "70", timeout=5000)
    shoot(page, "export-progress")
    path = storages["private"].save(
        "exports/test/gala.zip", ContentFile(b"PK\x05\x06" + b"\0" * 18)
    )
    now = timezone.now()
    Export.objects.filter(pk=export.pk).update(
        state="done", progress=100, path=path, size=22, finished_at=now, expires_at=now
    )
    link = page.get_by_role("link", name="Download gala-export.zip")
    expect(link).to_be_visible(timeout=5000)
    expect(bar).to_be_hidden()
    with page.expect_download() as download:
        link.click()
    assert download.value.path().read_bytes().startswith(b"PK")


def test_deleting_a_customer_leaves_anonymous_orders_with_their_amounts(
    page: Page, live_server, sales
):
    organizer, shop, manager, _concert, ana, ben = sales
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    log_in(page, live_server.url, manager.email)
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Customers").click()
    page.get_by_label("Search").fill("ana.muster")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Ana Muster").click()
    expect(page.get_by_role("heading", name="Ana Muster", level=1)).to_be_visible()
    expect(page.locator(f'.customer-order[data-order="{ana.code}"]')).to_contain_text("CHF 90.00")
    shoot(page, "customer")

    page.get_by_role("link", name="Delete (right to be forgotten)").click()
    expect(page.get_by_text("this cannot be undone")).to_be_visible()
    page.get_by_role("button", name="Delete and anonymise").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Ana Muster was erased; 1 order is kept as “Anonymous”."
    )
    expect(page.get_by_role("link", name="Ana Muster")).to_have_count(0)

    open_shop_menu(page, live_server.url, organizer, shop, "Orders")
    anonymous = page.locator(f'tr[data-order="{ana.code}"]')
    expect(anonymous).to_contain_text("Anonymous")
    expect(anonymous).to_contain_text("CHF 90.00")
    expect(anonymous).not_to_contain_text("ana.muster@example.org")
    shoot(page, "orders-anonymous")
    expect(page.locator(f'tr[data-order="{ben.code}"]')).to_contain_text("Ben Keller")
    anonymous.get_by_role("link", name=ana.code).click()
    expect(page.locator(".order-summary")).to_contain_text("Anonymous")
    expect(page.locator(".order-summary")).to_contain_text("CHF 90.00")
    assert dialogs == []


def test_a_buyer_deletes_their_account_30_days_after_their_last_event(
    page: Page, live_server, sales
):
    """DATA-4: from "My account", with the password typed again; the organizer's order list
    then shows the order as "Anonymous" with its amount."""
    organizer, shop, manager, concert, ana, _ben = sales
    Customer.objects.filter(email=ana.email).update(
        password=make_password("a long buyer passphrase"), email_verified_at=timezone.now()
    )
    EventDate.objects.filter(pk=concert.date.pk).update(
        starts_at=timezone.now() - timedelta(days=31)
    )
    page.goto(f"{live_server.url}/{organizer.slug}/{shop.slug}/account/login/")
    page.get_by_label("Email").fill(ana.email)
    page.get_by_label("Password").fill("a long buyer passphrase")
    page.get_by_label("Password").press("Enter")
    expect(page.get_by_role("heading", name="My account", level=1)).to_be_visible()
    page.get_by_role("link", name="Delete my account").click()
    expect(page.get_by_role("heading", name="Delete my account", level=1)).to_be_visible()
    page.get_by_label("Your password").fill("a long buyer passphrase")
    page.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_role("status")).to_contain_text("Your account and your personal data")
    shoot(page, "account-deleted")
    assert not Customer.objects.filter(email=ana.email).exists()

    log_in(page, live_server.url, manager.email)
    open_shop_menu(page, live_server.url, organizer, shop, "Orders")
    row = page.locator(f'tr[data-order="{ana.code}"]')
    expect(row).to_contain_text("Anonymous")
    expect(row).to_contain_text("CHF 90.00")
