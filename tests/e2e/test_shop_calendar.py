"""Display modes of a multi-date event in a real browser (CAT-5): the manager chooses them in
the shop settings; a buyer switches from the list to the month calendar, goes to the next
month, to its week, opens a date; on a phone the month is a list of the days with dates.

Runs Debian's Chromium through Playwright against `live_server`; see tests/conftest.py.
"""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from billetterie.inventory import schedule
from billetterie.inventory.services import quota_set
from tests import factories as f
from tests.catalog_factories import make_event_with_date, make_price, make_venue
from tests.e2e.test_catalog import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ZURICH = ZoneInfo("Europe/Zurich")
YEAR = timezone.localdate().year + 1


def local(month, day, hour, minute=0) -> datetime:
    return datetime(YEAR, month, day, hour, minute, tzinfo=ZURICH)


@pytest.fixture
def console_errors(page: Page):
    """Errors in the browser console (a CSP violation shows up here) and failed loads."""
    errors: list[str] = []
    page.on(
        "response",
        lambda response: (
            response.status >= 400
            and not response.url.endswith("/favicon.ico")
            and errors.append(f"{response.status} {response.url}")
        ),
    )
    page.on(
        "console",
        lambda message: (
            message.type == "error"
            and not message.text.startswith("Failed to load resource")
            and errors.append(message.text)
        ),
    )
    return errors


@pytest.fixture
def cabaret():
    """A cabaret playing on two Saturdays of October and three evenings of November."""
    organizer, shop, manager = f.make_tenant()
    venue, standing, _numbered = make_venue(organizer, free=20, seat_rows=())
    event, first = make_event_with_date(shop, venue, name="Cabaret", when=local(10, 9, 20))
    make_price(event, standing, amount="38.00")
    others = schedule.dates_add(
        event=event,
        actor=None,
        starts=[
            (local(10, 16, 20), None),
            (local(11, 12, 19, 30), None),
            (local(11, 13, 15), None),
            (local(11, 13, 20), None),
        ],
    )
    quota_set(date=others[0], size=0)  # 16 October is sold out
    return {"shop": shop, "manager": manager, "event": event, "dates": [first, *others]}


def weekday(day: date) -> str:
    return f"{day:%A}"


def test_manager_offers_calendars_and_a_buyer_browses_them(
    page: Page, live_server, cabaret, console_errors
):
    shop, event = cabaret["shop"], cabaret["event"]

    # The manager offers the list and the two calendars; the default must be one of them.
    log_in(page, live_server.url, cabaret["manager"].email)
    page.goto(
        live_server.url + reverse("backoffice:shop_settings", args=[shop.organizer.slug, shop.slug])
    )
    modes = page.get_by_role("group", name="Ways to show the dates of an event")
    modes.get_by_label("List of dates").uncheck()
    page.get_by_label("Shown first").select_option(label="List")
    page.get_by_label("Show buyers how many places are left").check()
    page.get_by_role("button", name="Save").click()
    error = page.locator(".field", has=page.get_by_label("Shown first")).get_by_role("alert")
    expect(error).to_have_text("The default display must be one of the modes offered to buyers.")
    page.get_by_role("group", name="Ways to show the dates of an event").get_by_label(
        "List of dates"
    ).check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Settings saved.")

    # A buyer opens the event: the list, with the switcher.
    page.goto(
        f"{live_server.url}{reverse('shop:event', args=[shop.organizer.slug, shop.slug, event.pk])}"
    )
    switcher = page.get_by_role("navigation", name="Show the dates as")
    expect(switcher.get_by_role("link")).to_have_text(["List", "Month", "Week"])
    expect(switcher.get_by_role("link", name="List")).to_have_attribute("aria-current", "page")
    expect(page.locator(".shop-date")).to_have_count(5)

    # To the month, by keyboard: October, with its two Saturdays.
    switcher.get_by_role("link", name="Month").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=f"October {YEAR}", level=3)).to_be_visible()
    expect(switcher.get_by_role("link", name="Month")).to_have_attribute("aria-current", "page")
    month = page.get_by_role("table", name=f"October {YEAR}")
    expect(month.get_by_role("columnheader")).to_have_count(7)
    expect(month.get_by_role("columnheader").first).to_have_text("Mon")
    expect(month.get_by_role("link")).to_have_count(2)
    expect(page.locator(f'[data-date="{cabaret["dates"][1].pk}"]')).to_contain_text("Sold out")
    expect(page.locator(f'[data-date="{cabaret["dates"][0].pk}"]')).to_contain_text(
        "20 places left"
    )
    expect(page.get_by_role("link", name=re.compile("^Previous month"))).to_have_count(0)

    # The next month: November, three performances on two days.
    page.get_by_role("link", name=f"Next month: November {YEAR}").click()
    expect(page.get_by_role("heading", name=f"November {YEAR}", level=3)).to_be_visible()
    month = page.get_by_role("table", name=f"November {YEAR}")
    expect(month.get_by_role("link")).to_have_count(3)
    thirteenth = month.locator(f'[data-day="{YEAR}-11-13"]')
    expect(thirteenth.get_by_role("link")).to_have_text(["15:00", "20:00"])
    expect(month.locator(f'[data-day="{YEAR}-11-14"]').get_by_role("link")).to_have_count(0)
    expect(page.get_by_role("link", name=re.compile("^Next month"))).to_have_count(0)

    # Its week: the week of 12 November, Monday to Sunday.
    switcher.get_by_role("link", name="Week").click()
    expect(switcher.get_by_role("link", name="Week")).to_have_attribute("aria-current", "page")
    week = page.locator(".cal-week")
    expect(week.get_by_role("heading", level=4)).to_have_count(7)
    expect(week.get_by_role("heading", level=4).first).to_have_text(re.compile(r"^Monday \d+"))
    expect(week.get_by_role("link")).to_have_count(3)

    # A time opens the date page.
    twelfth = date(YEAR, 11, 12)
    page.get_by_role(
        "link", name=f"Tickets for {weekday(twelfth)} 12 November {YEAR}, 19:30"
    ).click()
    expect(page).to_have_url(re.compile(rf"/event/{event.pk}/{cabaret['dates'][2].pk}/$"))
    expect(page.get_by_text("CHF 38.00").first).to_be_visible()
    assert console_errors == []


def test_month_on_a_phone_is_a_list_of_days_and_speaks_french(
    page: Page, live_server, cabaret, console_errors
):
    shop, event = cabaret["shop"], cabaret["event"]
    shop.default_display_mode = "month"
    shop.save(update_fields=["default_display_mode"])
    page.set_viewport_size({"width": 375, "height": 740})
    url = reverse("shop:event", args=[shop.organizer.slug, shop.slug, event.pk])
    page.goto(f"{live_server.url}{url}?view=month&month={YEAR}-11")
    expect(page.get_by_role("heading", name=f"November {YEAR}", level=3)).to_be_visible()

    # Only the days with dates are shown, each with its day name; no column headers.
    table = page.locator("table.cal-month")
    expect(table.locator("thead")).to_be_hidden()
    expect(table.locator(f'[data-day="{YEAR}-11-14"]')).to_be_hidden()
    days = table.locator("td.has-dates")
    expect(days).to_have_count(2)
    expect(days.first).to_be_visible()
    thirteenth = date(YEAR, 11, 13)
    expect(days.nth(1)).to_contain_text(f"{weekday(thirteenth)} 13 November")
    # nothing is wider than the phone, and the times are big enough to tap
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    for box in [link.bounding_box() for link in days.get_by_role("link").all()]:
        assert box["height"] >= 40 and box["x"] + box["width"] <= 375

    # The shop's language switcher: the calendar speaks French.
    page.get_by_label("Language").select_option("fr")
    expect(page.get_by_role("heading", name=f"Novembre {YEAR}", level=3)).to_be_visible()
    french_days = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
    expect(days.nth(1)).to_contain_text(
        re.compile(f"{french_days[thirteenth.weekday()]} 13 novembre", re.I)
    )
    expect(page.locator("a.cal-prev")).to_contain_text("Octobre")

    # The week, stacked one day under the other.
    page.locator(".view-switch a.view-week").click()
    week_days = page.locator(".cal-week > li")
    expect(week_days).to_have_count(7)
    first, second = week_days.nth(0).bounding_box(), week_days.nth(1).bounding_box()
    assert second["y"] > first["y"] and abs(second["x"] - first["x"]) < 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert console_errors == []
