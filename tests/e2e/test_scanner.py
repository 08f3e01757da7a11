"""The scanner app and the back-office check-in pages in a real browser (SCAN-1..7).

The door: a phone logs in from the QR code's `#code=` address, a keyboard-wedge reader
types codes and Enter; the app admits a ticket, refuses it the second time ("already
used"), refuses a ticket of another date and one outside the profile's zone. Then the
network is cut in the browser: a signed ticket is verified by its signature, admitted and
queued; back online the queue is uploaded and the server holds the check-in — and a
ticket admitted offline that entered elsewhere meanwhile is listed as a double entry.

The back office: a manager prepares a profile, makes its login code and QR code, and
revokes the device; the live count refreshes by itself.

Runs Debian's Chromium through Playwright against `live_server`; see tests/conftest.py.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from billetterie.checkin import codes
from billetterie.checkin.models import Checkin, ScanDevice, ScanProfile
from billetterie.checkin.services import devices, profiles, redeem, signing
from billetterie.core.models import Level
from tests import factories as f
from tests.checkin.conftest import make_hall, open_device, sell

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCAN_LABEL = "Scan or type a ticket code, then Enter"


@pytest.fixture
def console_errors(page: Page):
    """Console errors (a CSP violation shows up here) and failed loads, but those caused
    on purpose by cutting the network."""
    errors: list[str] = []
    page.on(
        "console",
        lambda m: (
            m.type == "error"
            and not m.text.startswith("Failed to load resource")
            and errors.append(m.text)
        ),
    )
    return errors


def wedge(page: Page, code: str) -> None:
    """What a hardware reader does: type the code into the focused field, then Enter."""
    expect(page.get_by_label(SCAN_LABEL)).to_be_focused()
    page.keyboard.type(code)
    page.keyboard.press("Enter")


def verdict(page: Page):
    return page.locator("[data-result]")


def test_the_door_admits_refuses_and_keeps_working_offline(page: Page, live_server, console_errors):
    organizer, shop, _manager = f.make_tenant()
    hall = make_hall(organizer, shop)
    signing.signed_codes_set(shop=shop, enabled=True, actor=None)
    _o, (first,) = sell(hall, first_name="Alice", last_name="Admitted")
    _o, (later,) = sell(hall, date=hall.other_date, first_name="Dora", last_name="Otherdate")
    _o, (balcony,) = sell(hall, zone=hall.numbered, first_name="Zoe", last_name="Balcony")
    _o, (offline,) = sell(hall, first_name="Olga", last_name="Offline")
    _o, (twice,) = sell(hall, first_name="Tom", last_name="Twice")
    profile = profiles.profile_create(
        organizer=organizer,
        actor=None,
        name="Parterre door",
        dates=[hall.date],
        zones=[hall.standing],
    )
    issued = devices.profile_code_create(profile=profile, actor=None)

    # the phone opens the QR code's address: logged in, the session shown, the list cached
    page.goto(f"{live_server.url}/scanner/#code={devices.normalize_code(issued.code)}")
    expect(page.get_by_role("heading", name="Parterre door")).to_be_visible()
    expect(page.locator("[data-list-status]")).to_contain_text("4 tickets downloaded")
    assert "#code" not in page.url  # the code does not stay in the address bar
    expect(page.get_by_role("button", name="Scan with the camera")).to_be_hidden()

    # admitted: full-screen green with the holder, price and zone
    wedge(page, first.secret)
    expect(verdict(page)).to_have_class(re.compile(r"\bok\b"))
    expect(verdict(page)).to_contain_text("Admitted")
    expect(verdict(page)).to_contain_text("Alice Admitted")
    expect(verdict(page)).to_contain_text("45.00")
    expect(verdict(page)).to_contain_text(hall.standing.name)
    expect(verdict(page)).to_be_hidden(timeout=5000)  # clears by itself

    # the same ticket again: red, "already used"
    wedge(page, first.secret)
    expect(verdict(page)).to_have_class(re.compile(r"\brefused\b"))
    expect(verdict(page)).to_contain_text("Refused")
    expect(verdict(page)).to_contain_text("Already used.")

    # another date, another zone (the next scan replaces the verdict at once)
    wedge(page, later.secret)
    expect(verdict(page)).to_contain_text("This ticket is for another date.")
    wedge(page, codes.qr_content(balcony))
    expect(verdict(page)).to_contain_text("This ticket is for another zone.")
    expect(verdict(page)).to_have_class(re.compile(r"\brefused\b"))
    assert Checkin.objects.filter(ticket=first, result="ok").count() == 1
    assert set(Checkin.objects.filter(result="refused").values_list("reason", flat=True)) == {
        "already_used",
        "wrong_date",
        "wrong_zone",
    }

    # the network drops: a signed ticket is verified by its signature and queued
    page.context.set_offline(True)
    expect(page.locator("[data-net]")).to_have_text("Offline")
    signed = codes.qr_content(offline)
    assert codes.is_signed_payload(signed)
    wedge(page, signed)
    expect(verdict(page)).to_have_class(re.compile(r"\bok\b"))
    expect(verdict(page)).to_contain_text("Olga Offline")
    expect(verdict(page).locator("[data-pending]")).to_be_visible()
    expect(page.locator("[data-queue]")).to_have_attribute("data-count", "1")
    expect(page.locator("[data-queue]")).to_contain_text("Scans waiting to be sent: 1")
    assert not Checkin.objects.filter(ticket=offline).exists()

    # offline, the app knows what it admitted itself, and refuses a forged code
    wedge(page, signed)
    expect(verdict(page)).to_contain_text("Already used.")
    forged = signed[:-10] + ("A" if signed[-10] != "A" else "B") + signed[-9:]
    wedge(page, forged)
    expect(verdict(page)).to_contain_text("signature is not valid")

    # a ticket admitted here offline while another door admits it online: a double entry
    wedge(page, twice.secret)
    expect(verdict(page)).to_contain_text("Tom Twice")
    expect(verdict(page)).to_have_class(re.compile(r"\bok\b"))
    other_door, _token = open_device(organizer, dates=[hall.date], name="Other door")
    assert redeem.ticket_redeem(device=other_door, code=twice.secret).ok
    expect(page.locator("[data-queue]")).to_have_attribute("data-count", "4")

    # back online: the queue is uploaded, the server holds the check-ins
    page.context.set_offline(False)
    expect(page.locator("[data-net]")).to_have_text("Online")
    expect(page.locator("[data-queue]")).to_be_hidden(timeout=15000)
    record = Checkin.objects.get(ticket=offline, result="ok")
    assert record.offline and not record.flagged
    assert record.device.profile == profile
    flagged = Checkin.objects.get(ticket=twice, device=record.device)
    assert flagged.flagged and flagged.reason == "already_used"
    expect(page.locator("[data-flagged]")).to_contain_text("Tom Twice")
    assert console_errors == []


def test_order_search_admits_a_ticket_in_entry_exit_mode(page: Page, live_server):
    organizer, shop, _manager = f.make_tenant()
    hall = make_hall(organizer, shop)
    order, (ticket,) = sell(hall, first_name="Sami", last_name="Searched")
    profile = profiles.profile_create(
        organizer=organizer,
        actor=None,
        name="Foyer",
        mode=ScanProfile.Mode.ENTRY_EXIT,
        dates=[hall.date],
    )
    issued = devices.profile_code_create(profile=profile, actor=None)
    page.goto(f"{live_server.url}/scanner/")
    page.get_by_label("Scanner code").fill(issued.code.lower())
    page.get_by_label("Name of this device (optional)").fill("Foyer tablet")
    page.get_by_role("button", name="Log in with the code").click()
    expect(page.get_by_role("heading", name="Foyer")).to_be_visible()
    expect(page.get_by_role("group", name="Direction")).to_be_visible()

    page.get_by_placeholder("Order number or name").fill("Searched")
    page.get_by_role("button", name="Search").click()
    results = page.locator("[data-search-results]")
    expect(results).to_contain_text(order.code)
    results.get_by_role("button", name="Admit").click()
    expect(verdict(page)).to_contain_text("Welcome!")
    expect(verdict(page)).to_contain_text("Sami Searched")

    page.get_by_label("Exit").check()
    wedge(page, ticket.secret)
    expect(verdict(page)).to_contain_text("Exit recorded.")
    assert list(
        Checkin.objects.filter(ticket=ticket).order_by("pk").values_list("direction", "result")
    ) == [("in", "ok"), ("out", "ok")]
    assert ScanDevice.objects.get(name="Foyer tablet").profile == profile


def log_in(page: Page, base_url: str, email: str) -> None:
    page.goto(f"{base_url}/backoffice/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(f.PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("navigation", name="Main menu")).to_be_visible()


def test_a_manager_prepares_a_profile_and_its_qr_code_then_revokes_the_device(
    page: Page, live_server, console_errors
):
    organizer, shop, manager = f.make_tenant()
    hall = make_hall(organizer, shop)
    page.on("dialog", lambda dialog: dialog.accept())
    log_in(page, live_server.url, manager.email)

    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Scanners").click()
    expect(page.get_by_role("heading", name="Scanners and access control")).to_be_visible()
    page.get_by_role("link", name="New scan profile").click()
    page.get_by_label("Name").fill("Main entrance")
    page.get_by_label("Mode").select_option(label="Entry / exit")
    page.get_by_role("group", name="Dates", exact=True).get_by_role(
        "checkbox", name=re.compile("Concert")
    ).first.check()
    page.get_by_role("group", name=re.compile("^Zones")).get_by_role(
        "checkbox", name=re.compile(hall.standing.name)
    ).check()
    page.get_by_role("button", name="Save the profile").click()
    expect(page.get_by_role("status")).to_contain_text("Scan profile “Main entrance” saved.")
    row = page.locator('tr[data-profile="Main entrance"]')
    expect(row).to_contain_text(hall.standing.name)
    expect(row).to_contain_text("Entry / exit")

    row.get_by_role("button", name="New login code").click()
    code = page.locator("[data-login-code]").inner_text()
    assert re.fullmatch(r"[A-Z2-9]{4}(-[A-Z2-9]{4}){3}", code)
    qr = page.get_by_role("img", name=re.compile("QR code"))
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.naturalWidth") > 100  # the data URI really draws
    page.get_by_role("link", name="Done").click()

    # the phone logs in with it
    phone = page.context.new_page()
    phone.goto(f"{live_server.url}/scanner/#code={code.replace('-', '')}")
    expect(phone.get_by_role("heading", name="Main entrance")).to_be_visible()
    phone.close()

    page.reload()
    device_row = page.locator("table.checkin-devices tbody tr").first
    expect(device_row).to_contain_text("Profile code")
    expect(device_row).to_contain_text("Main entrance")
    device_row.get_by_role("button", name="Revoke").click()
    expect(page.get_by_role("status")).to_contain_text("revoked.")
    assert ScanDevice.objects.get().revoked_at is not None

    # signed codes for the shop
    signing_row = page.locator(f'li[data-shop="{shop.slug}"]')
    signing_row.get_by_role("button", name="Turn signed codes on").click()
    expect(page.get_by_role("status")).to_contain_text("Signed codes turned on")
    expect(signing_row).to_contain_text("signed codes on")
    assert console_errors == []


def test_the_live_count_refreshes_by_itself(page: Page, live_server, console_errors):
    organizer, shop, _manager = f.make_tenant()
    hall = make_hall(organizer, shop)
    volunteer = f.make_staff("door.volunteer@example.org")
    f.grant(organizer, Level.SCAN, user=volunteer)
    _o, (one, two) = sell(hall, quantity=2)
    door, _token = open_device(organizer, dates=[hall.date])
    assert redeem.ticket_redeem(device=door, code=one.secret).ok

    log_in(page, live_server.url, volunteer.email)
    page.goto(f"{live_server.url}/backoffice/o/{organizer.slug}/s/{shop.slug}/checkin/live/")
    expect(page.get_by_role("heading", name="Live count")).to_be_visible()
    row = page.locator(f'section[data-date="{hall.date.pk}"] tr[data-zone="{hall.standing.pk}"]')
    expect(row.locator("[data-entered]")).to_have_text("1")
    expect(row.locator("[data-expected]")).to_have_text("2")

    assert redeem.ticket_redeem(device=door, code=two.secret).ok
    expect(row.locator("[data-entered]")).to_have_text("2", timeout=15000)
    expect(page.locator(f'section[data-date="{hall.date.pk}"] tfoot [data-inside]')).to_have_text(
        "2"
    )
    assert console_errors == []


def test_a_staff_account_logs_in_and_chooses_the_profile(page: Page, live_server):
    organizer, shop, _manager = f.make_tenant()
    hall = make_hall(organizer, shop)
    volunteer = f.make_staff("scan.volunteer@example.org")
    f.grant(organizer, Level.SCAN, user=volunteer)
    profiles.profile_create(organizer=organizer, actor=None, name="Side door", dates=[hall.date])
    _o, (ticket,) = sell(hall, first_name="Sid", last_name="Side")

    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    page.goto(f"{live_server.url}/scanner/")
    page.get_by_text("Log in with a staff account").click()
    page.get_by_label("Email").fill(volunteer.email)
    page.get_by_label("Password", exact=True).fill(f.PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page.get_by_role("heading", name="What does this device scan?")).to_be_visible()
    page.get_by_label("Scan profile").select_option(label="Side door")
    page.get_by_role("button", name="Start scanning").click()
    expect(page.get_by_role("heading", name="Side door")).to_be_visible()

    wedge(page, ticket.secret)
    expect(verdict(page)).to_contain_text("Sid Side")
    expect(verdict(page)).to_have_class(re.compile(r"\bok\b"))
    box = verdict(page).bounding_box()
    assert box["width"] >= 390 and box["height"] >= 800  # the verdict fills the screen
    device = ScanDevice.objects.get(user=volunteer)
    assert device.login_method == "staff" and device.profile.name == "Side door"

    # a reload keeps the device logged in (the token is kept on the device)
    page.reload()
    expect(page.get_by_role("heading", name="Side door")).to_be_visible()
    page.get_by_role("button", name="Log out this device").click()
    expect(page.get_by_role("heading", name="Log this device in")).to_be_visible()
    device.refresh_from_db()
    assert device.revoked_at is not None
