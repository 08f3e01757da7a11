"""The catalog in a real browser (CAT-1..7): a venue with a free and a numbered zone, a
multi-date event from the date generator, two prices, and its duplicate in the next season.

Runs Debian's Chromium through Playwright against `live_server`; see tests/conftest.py.
"""

import os
import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from billetterie.catalog.models import Event, Seat, Venue
from tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOT = os.environ.get("EVENT_SCREENSHOT", "/tmp/event.png")  # noqa: S108


def log_in(page: Page, base_url: str, email: str) -> None:
    page.goto(f"{base_url}/backoffice/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(f.PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("navigation", name="Main menu")).to_be_visible()


def fill_generator(page: Page, first: date, last: date, weekday: str, times: str) -> None:
    page.get_by_label(re.compile(r"^First day")).fill(first.isoformat())
    page.get_by_label(re.compile(r"^Last day")).fill(last.isoformat())
    page.get_by_label("Every week, on the days ticked below").check()
    page.get_by_label(weekday, exact=True).check()
    page.get_by_label("Start times").fill(times)


def next_weekday(start: date, weekday: int) -> date:
    return start + timedelta(days=(weekday - start.weekday()) % 7)


def test_organizer_builds_a_venue_an_event_with_dates_and_prices_then_duplicates_it(
    page: Page, live_server
):
    organizer, shop, manager = f.make_tenant()
    next_season = f.make_shop(organizer, "Next season")
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    log_in(page, live_server.url, manager.email)
    menu = page.get_by_role("navigation", name="Main menu")

    # A venue with a free zone and a numbered one.
    menu.get_by_role("link", name="Venues").click()
    page.get_by_label("Name").fill("Salle Métropole")
    page.get_by_label("City").fill("Genève")
    page.get_by_role("button", name="Create the venue").click()
    expect(page.get_by_role("status")).to_contain_text("Venue “Salle Métropole” created.")
    expect(page.get_by_role("heading", name="Salle Métropole", level=1)).to_be_visible()

    zone_form = page.locator("#zone-form")
    zone_form.get_by_label("Zone name").fill("Parterre")
    zone_form.get_by_label("Free placement").check()
    zone_form.get_by_label("Capacity").fill("100")
    zone_form.get_by_role("button", name="Add the zone").click()
    expect(page.get_by_role("status")).to_contain_text("Zone “Parterre” added.")
    zone_form = page.locator("#zone-form")
    zone_form.get_by_label("Zone name").fill("Balcon")
    zone_form.get_by_label("Numbered seats").check()
    zone_form.get_by_role("button", name="Add the zone").click()
    expect(page.get_by_role("status")).to_contain_text("Zone “Balcon” added.")

    balcony = page.locator('article.zone[data-zone="Balcon"]')
    balcony.get_by_label("Rows").fill("A-C")
    balcony.get_by_label("Seats per row").fill("6")
    balcony.get_by_label("Seat category").fill("Premium")
    balcony.get_by_role("button", name="Add the seats").click()
    expect(page.get_by_role("status")).to_contain_text("18 seats added to Balcon.")
    balcony = page.locator('article.zone[data-zone="Balcon"]')
    expect(balcony.locator(".seat-row")).to_have_count(3)
    expect(balcony.locator(".seat-row .seat")).to_have_count(18)
    expect(balcony.locator(".legend")).to_contain_text("Premium")

    # A multi-date event: Saturdays over three weeks at 15:00 and 20:00.
    page.locator(".switcher summary", has_text="Choose a shop").click()
    page.locator(".switcher").get_by_role("link", name=shop.name).click()
    menu.get_by_role("link", name="Events").click()
    page.get_by_role("link", name="New event").click()
    page.get_by_label("Name").fill("Le Misanthrope")
    page.get_by_label("Description").fill("Molière, five acts.")
    page.get_by_label("Venue").select_option(label="Salle Métropole, Genève")
    page.get_by_role("button", name="Create the event").click()
    expect(page.get_by_role("status")).to_contain_text("Event “Le Misanthrope” created.")
    expect(page.get_by_role("alert")).to_contain_text("no portrait image")

    first = next_weekday(date.today() + timedelta(days=30), 5)
    page.get_by_role("link", name="Add dates").first.click()
    fill_generator(page, first, first + timedelta(days=20), "Saturday", "15:00, 20:00")
    page.get_by_role("button", name="Preview the dates").click()
    expect(page.locator(".preview-list li")).to_have_count(6)
    page.get_by_role("button", name="Create 6 dates").click()
    expect(page.get_by_role("status")).to_contain_text("6 dates added.")
    dates = page.locator(".date-row")
    expect(dates).to_have_count(6)
    expect(dates.first).to_contain_text(f"{first:%d.%m.%Y}")
    expect(dates.first).to_contain_text("15:00")
    expect(dates.first.locator(".counts")).to_have_text("0 sold · 0 held · 118 free")

    # Two prices, one per zone.
    for zone, name, amount in (("Parterre", "Plein tarif", "30"), ("Balcon", "Premium", "45")):
        page.get_by_role("link", name="Add a price").first.click()
        page.get_by_label("Zone").select_option(label=zone)
        page.get_by_label(re.compile(r"^Name\b")).fill(name)
        page.get_by_label("Fixed price").check()
        page.get_by_label("Amount in CHF").fill(amount)
        page.get_by_role("button", name="Create the price").click()
        expect(page.get_by_role("status")).to_contain_text(f"Price “{name}” created.")
    prices = page.locator("article.price")
    expect(prices).to_have_count(2)
    expect(page.locator('article.price[data-price="Plein tarif"]')).to_contain_text("CHF 30.00")
    expect(page.locator('article.price[data-price="Premium"]')).to_contain_text("CHF 45.00")

    page.screenshot(path=SCREENSHOT, full_page=True)

    # The same page on a phone: nothing sticks out sideways.
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1280, "height": 900})

    # Duplicate it into the next season, on three Fridays at 19:30.
    page.get_by_role("link", name="Duplicate").click()
    page.get_by_label("Into the shop").select_option(label="Next season")
    page.get_by_label("Name of the new event").fill("Le Misanthrope — reprise")
    page.get_by_label("One event holding all the new dates").check()
    new_first = next_weekday(first + timedelta(days=300), 4)
    fill_generator(page, new_first, new_first + timedelta(days=20), "Friday", "19:30")
    page.get_by_role("button", name="Preview the dates").click()
    expect(page.locator(".preview-list li")).to_have_count(3)
    page.get_by_role("button", name="Duplicate").click()

    expect(page.get_by_role("status")).to_contain_text("1 event created in Next season.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Le Misanthrope — reprise")
    expect(page.locator(".switcher summary").nth(1)).to_have_text("Next season")
    copied_dates = page.locator(".date-row")
    expect(copied_dates).to_have_count(3)
    expect(copied_dates.first).to_contain_text(f"{new_first:%d.%m.%Y}")
    expect(copied_dates.first).to_contain_text("19:30")
    expect(page.locator("article.price")).to_have_count(2)

    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Events").click()
    expect(page.locator("table.events tbody tr")).to_have_count(1)
    expect(page.locator("table.events")).to_contain_text("Le Misanthrope — reprise")
    expect(page.locator("table.events")).to_contain_text("3")
    assert dialogs == []

    # What the browser did is what the database holds.
    venue = Venue.objects.get(organizer=organizer)
    assert list(venue.zones.values_list("name", "kind", "capacity")) == [
        ("Parterre", "free", 100),
        ("Balcon", "numbered", 0),
    ]
    assert Seat.objects.filter(zone__venue=venue, category="Premium").count() == 18
    original = Event.objects.get(shop=shop)
    copy = Event.objects.get(shop=next_season)
    assert original.dates.count() == 6
    assert {d.starts_at.astimezone(shop.zone_info).hour for d in original.dates.all()} == {15, 20}
    assert {d.starts_at.astimezone(shop.zone_info).weekday() for d in original.dates.all()} == {5}
    assert copy.dates.count() == 3
    assert copy.venue == venue
    assert sorted(copy.prices.values_list("name", "zone__name")) == [
        ("Plein tarif", "Parterre"),
        ("Premium", "Balcon"),
    ]
