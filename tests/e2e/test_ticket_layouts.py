"""Ticket layouts (PRN-1, PRN-2) and paper lists (SCAN-8) in a real browser: a manager
downloads the sample template, uploads their design, chooses it for the shop's tickets and
downloads a preview whose QR codes read; a door volunteer downloads the paper list of a
date. Both pages fit a phone's width.

Runs Debian's Chromium through Playwright against `live_server`; see tests/conftest.py.
"""

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from billetterie.core.models import Level
from billetterie.orders import ticket_layout_queries as queries
from billetterie.orders.services.ticket_layouts import SAMPLE_SECRETS
from tests import factories as f
from tests.documents.helpers import decoded_qr_codes, page_sizes_mm, page_texts
from tests.documents.sales import make_concert, order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page: Page, base_url: str, email: str) -> None:
    page.goto(f"{base_url}/backoffice/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(f.PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("navigation", name="Main menu")).to_be_visible()


def fits_a_phone(page: Page) -> None:
    size = page.viewport_size
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_viewport_size(size)


def test_manager_uploads_a_template_chooses_it_and_downloads_a_preview(
    page: Page, live_server, tmp_path
):
    organizer, shop, manager = f.make_tenant()
    design = tmp_path / "my-design.png"
    Image.new("RGB", (2480, 1169), (180, 40, 90)).save(design)
    wrong = tmp_path / "too-small.png"
    Image.new("RGB", (1200, 630), (180, 40, 90)).save(wrong)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))

    log_in(page, live_server.url, manager.email)
    page.goto(f"{live_server.url}/backoffice/o/{organizer.slug}/s/{shop.slug}/")
    page.get_by_role("navigation", name="Main menu").get_by_role(
        "link", name="Ticket layout"
    ).click()
    expect(page.get_by_role("heading", name="Ticket layout", level=1)).to_be_visible()

    # The sample template, to lay over the design.
    with page.expect_download() as sample:
        page.get_by_role("link", name="Download the sample template (PNG)").click()
    with Image.open(sample.value.path()) as image:
        assert image.size == (2480, 1169)

    # A design of the wrong size is refused with the reason.
    template = page.locator("#template")
    template.get_by_label("Name").fill("Saison 2026")
    template.get_by_label("Image").set_input_files(wrong)
    template.get_by_role("button", name="Upload the template").click()
    expect(page.get_by_role("status")).to_contain_text("this image is 1200 x 630")

    template = page.locator("#template")
    template.get_by_label("Name").fill("Saison 2026")
    template.get_by_label("Image").set_input_files(design)
    template.get_by_role("button", name="Upload the template").click()
    expect(page.get_by_role("status")).to_contain_text("Template “Saison 2026” uploaded.")
    picture = page.get_by_role("img", name="Ticket template Saison 2026")
    expect(picture).to_be_visible()
    assert picture.evaluate("img => img.complete && img.naturalWidth") == 620

    # Chosen for the shop's tickets.
    page.get_by_label("Your ticket template (210 x 99 mm)", exact=False).check()
    page.get_by_role("button", name="Save the layout").click()
    expect(page.get_by_role("status")).to_contain_text("The ticket layout is saved.")
    expect(page.locator("#layout")).to_contain_text(
        "The tickets are printed as: Your ticket template (210 x 99 mm)."
    )
    assert queries.ticket_layout_of(shop) == "template"

    # The preview: the design behind two sample tickets whose QR codes read.
    with page.expect_download() as preview:
        page.get_by_role("link", name="Your ticket template (210 x 99 mm) (PDF)").click()
    pdf = preview.value.path().read_bytes()
    assert page_sizes_mm(pdf) == [pytest.approx((210, 99), abs=0.1)] * 2
    assert decoded_qr_codes(pdf) == [[secret] for secret in SAMPLE_SECRETS]
    assert "Françoise Müller-Groß" in page_texts(pdf)[0]

    fits_a_phone(page)

    # Deleting it asks first, then the shop's tickets are A4 again.
    page.get_by_role("button", name="Delete the template").click()
    expect(page.get_by_role("status")).to_contain_text("The ticket template is deleted.")
    assert dialogs and "Delete the ticket template Saison 2026?" in dialogs[0]
    expect(page.get_by_role("status")).to_contain_text("printed on A4 again")
    assert queries.ticket_layout_of(shop) == "a4"


def test_door_volunteer_downloads_the_paper_list_of_a_date(page: Page, live_server):
    organizer, shop, _manager = f.make_tenant()
    concert = make_concert(organizer, shop, name="Gala du printemps")
    order(shop, concert, "Zoé", "Zurbriggen", standing=2)
    order(shop, concert, "Élodie", "Échenard", standing=0, seated=1)
    door = f.make_staff()
    f.grant(organizer, Level.SCAN, user=door, shop=shop)

    log_in(page, live_server.url, door.email)
    page.goto(f"{live_server.url}/backoffice/o/{organizer.slug}/s/{shop.slug}/")
    menu = page.get_by_role("navigation", name="Main menu")
    expect(menu.get_by_role("link", name="Ticket layout")).to_have_count(0)
    menu.get_by_role("link", name="Paper lists").click()
    row = page.locator(f'.date-row[data-date="{concert.date.pk}"]')
    expect(row).to_contain_text("Gala du printemps")
    expect(row).to_contain_text("3 tickets")

    with page.expect_download() as download:
        row.get_by_role("link", name="Paper list (PDF)").click()
    pdf = download.value.path().read_bytes()
    text = page_texts(pdf)[0]
    assert text.index("Échenard, Élodie") < text.index("Zurbriggen, Zoé")
    assert text.count("Zurbriggen, Zoé") == 2

    fits_a_phone(page)
    row = page.locator(f'.date-row[data-date="{concert.date.pk}"]')
    link = row.get_by_role("link", name="Paper list (PDF)")
    link.focus()
    assert page.evaluate("document.activeElement.tagName") == "A"
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    assert download.value.suggested_filename.startswith("attendees-gala-du-printemps-")
