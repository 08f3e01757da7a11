"""Display modes of a multi-date event in the shop (CAT-5): list, month and week calendars,
the shop's choice of modes and default, and the calendar arithmetic behind them.

Dates are put in next year's autumn so they are always still to come: late October holds
the change back from summer time, 31 October / 1 November and 31 December the boundaries
where the shop's time zone and UTC disagree about the day.
"""

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from billetterie.core.models import AuditLogEntry, Shop
from billetterie.core.services.organizers import shop_update
from billetterie.inventory import schedule
from billetterie.inventory.services import quota_set
from billetterie.shop import calendar as cal
from tests import factories as f
from tests.catalog_factories import make_event_with_date, make_price, make_venue

ZURICH = ZoneInfo("Europe/Zurich")
UTC = ZoneInfo("UTC")


def last_sunday_of_october(year: int) -> date:
    day = date(year, 10, 31)
    return day - timedelta(days=(day.weekday() + 1) % 7)


# next year, or the one after when summer time ends on 31 October itself: the tests want
# the day the clocks go back and the last day of October to be two different days
YEAR = next(
    year
    for year in range(timezone.localdate().year + 1, timezone.localdate().year + 3)
    if last_sunday_of_october(year).day != 31
)
DST_END = last_sunday_of_october(YEAR)  # clocks go back from 03:00 to 02:00 in Zurich


# --- pure calendar arithmetic -----------------------------------------------------------------
@pytest.mark.parametrize(
    ("requested", "offered", "default", "expected"),
    [
        ("week", ["list", "month", "week"], "list", "week"),
        ("week", ["list", "month"], "month", "month"),  # not offered: the default
        ("calendar", ["list", "month"], "month", "month"),  # nonsense: the default
        (None, ["list", "month", "week"], "week", "week"),
        ("", ["month"], "month", "month"),
        ("list", ["week", "month"], "list", "month"),  # a broken default: the first offered
        ("list", [], "month", "list"),
    ],
)
def test_choose_mode(requested, offered, default, expected):
    assert cal.choose_mode(requested, offered, default) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-12", date(2026, 12, 1)),
        (" 2027-01 ", date(2027, 1, 1)),
        ("2026-13", None),
        ("2026-00", None),
        ("2026-1", None),
        ("26-01", None),
        ("0000-01", None),
        ("9999-12", None),  # no next month to link to
        ("2026-12-01", None),
        ("<script>", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_month(value, expected):
    assert cal.parse_month(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-W49", date(2026, 11, 30)),
        ("2026-w01", date(2025, 12, 29)),  # ISO week 1 starts in the previous year
        ("2026-W53", date(2026, 12, 28)),  # 2026 has 53 ISO weeks
        ("2027-W53", None),  # 2027 has 52
        ("2027-W00", None),
        ("2027-W7", None),
        ("2027-07", None),
        ("W07", None),
        (None, None),
    ],
)
def test_parse_week(value, expected):
    assert cal.parse_week(value) == expected


def test_week_keys_follow_iso_years():
    assert cal.week_key(date(2027, 1, 1)) == "2026-W53"  # a Friday: still 2026's last week
    assert cal.week_key(date(2024, 12, 30)) == "2025-W01"
    for day in (date(2026, 3, 2), date(2027, 1, 1), date(2020, 12, 31)):
        assert cal.parse_week(cal.week_key(day)) == cal.week_start(day)
        assert cal.parse_month(cal.month_key(day)) == day.replace(day=1)


@pytest.mark.parametrize(
    ("month", "rows", "first", "last"),
    [
        (date(2027, 2, 1), 4, date(2027, 2, 1), date(2027, 2, 28)),  # Monday 1st, 28 days
        (date(2026, 3, 1), 6, date(2026, 2, 23), date(2026, 4, 5)),  # Sunday 1st: 6 rows
        (date(2026, 12, 1), 5, date(2026, 11, 30), date(2027, 1, 3)),  # across the year
        (date(2026, 10, 1), 5, date(2026, 9, 28), date(2026, 11, 1)),  # summer time ends
    ],
)
def test_month_grid_weeks_start_on_monday(month, rows, first, last):
    weeks = cal.month_grid(month)
    assert len(weeks) == rows
    assert (weeks[0][0], weeks[-1][-1]) == (first, last)
    days = [day for week in weeks for day in week]
    assert all(len(week) == 7 and week[0].weekday() == 0 for week in weeks)
    assert days == [first + timedelta(days=i) for i in range(len(days))]  # no gap, no twice
    in_month = [day for day in days if day.month == month.month]
    assert len(in_month) == (cal.add_months(month, 1) - month).days


def test_add_months_crosses_years():
    assert cal.add_months(date(2026, 12, 1), 1) == date(2027, 1, 1)
    assert cal.add_months(date(2027, 1, 1), -1) == date(2026, 12, 1)
    assert cal.add_months(date(2026, 3, 1), 14) == date(2027, 5, 1)


def test_local_window_spans_the_change_from_summer_time():
    # the week of the last Sunday of October has 7 days and one hour
    start, end = cal.local_window(date(2026, 10, 19), date(2026, 10, 26), ZURICH)
    assert start.astimezone(UTC) == datetime(2026, 10, 18, 22, 0, tzinfo=UTC)
    assert end.astimezone(UTC) == datetime(2026, 10, 25, 23, 0, tzinfo=UTC)
    assert end.astimezone(UTC) - start.astimezone(UTC) == timedelta(days=7, hours=1)
    # October starts in summer time (UTC+2) and November in winter time (UTC+1)
    start, end = cal.local_window(date(2026, 10, 1), date(2026, 11, 1), ZURICH)
    assert (start.astimezone(UTC).hour, end.astimezone(UTC).hour) == (22, 23)


@pytest.mark.parametrize(
    ("mode", "value", "expected"),
    [
        ("month", "2026-12", (date(2026, 12, 1), date(2027, 1, 1))),
        ("month", "2026-08", (date(2026, 10, 1), date(2026, 11, 1))),  # before: the first
        ("month", "2027-08", (date(2027, 2, 1), date(2027, 3, 1))),  # after: the last
        ("month", "nonsense", (date(2026, 10, 1), date(2026, 11, 1))),
        ("week", "2026-W53", (date(2026, 12, 28), date(2027, 1, 4))),
        ("week", None, (date(2026, 10, 19), date(2026, 10, 26))),
        ("week", "2030-W01", (date(2027, 2, 8), date(2027, 2, 15))),
    ],
)
def test_period_bounds_stay_around_the_dates(mode, value, expected):
    bounds = cal.period_bounds(mode, value, earliest=date(2026, 10, 25), latest=date(2027, 2, 14))
    assert bounds == expected


class Performance:
    def __init__(self, starts_at):
        self.starts_at = starts_at


def test_dates_are_grouped_by_their_day_in_the_shop_time_zone():
    # both at 22:30 and 23:30 UTC on 31 December; the second is already New Year in Zurich
    late = Performance(datetime(2026, 12, 31, 22, 30, tzinfo=UTC))
    after_midnight = Performance(datetime(2026, 12, 31, 23, 30, tzinfo=UTC))
    evening = Performance(datetime(2026, 12, 31, 19, 0, tzinfo=ZURICH))
    days = cal.group_by_day([evening, late, after_midnight], ZURICH)
    assert days == {date(2026, 12, 31): [evening, late], date(2027, 1, 1): [after_midnight]}
    # the same moments for a shop in New York are still on the 31st
    assert list(cal.group_by_day([late, after_midnight], ZoneInfo("America/New_York"))) == [
        date(2026, 12, 31)
    ]


def test_month_period_links_only_to_months_with_dates_around():
    by_day = {date(2026, 12, 5): ["a"], date(2026, 11, 30): ["not in December"]}
    december = cal.month_period(
        date(2026, 12, 1),
        by_day,
        earliest=date(2026, 11, 7),
        latest=date(2027, 1, 9),
        today=date(2026, 12, 5),
    )
    assert (december.previous_key, december.next_key) == ("2026-11", "2027-01")
    cells = {day.day: day for day in december.days}
    assert cells[date(2026, 12, 5)].dates == ["a"] and cells[date(2026, 12, 5)].is_today
    # 30 November opens the first week of December's grid but shows none of its dates
    assert not cells[date(2026, 11, 30)].in_period and cells[date(2026, 11, 30)].dates == []
    first = cal.month_period(
        date(2026, 11, 1), {}, earliest=date(2026, 11, 7), latest=date(2026, 11, 9), today=None
    )
    assert (first.previous, first.next) == (None, None)
    assert not first.has_dates


def test_week_period_bounds():
    week = cal.week_period(
        date(2026, 12, 31),
        {date(2027, 1, 3): ["sunday"]},
        earliest=date(2026, 12, 1),
        latest=date(2027, 1, 3),
        today=date(2026, 1, 1),
    )
    assert (week.first, week.last, week.key) == (date(2026, 12, 28), date(2027, 1, 3), "2026-W53")
    assert [day.day.weekday() for day in week.days] == list(range(7))
    assert week.days[-1].dates == ["sunday"]
    assert (week.previous_key, week.next) == ("2026-W52", None)


# --- the event page ---------------------------------------------------------------------------
def local(year, month, day, hour, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ZURICH)


@pytest.fixture
def season(db):
    """An event with dates from October to December next year, in a Zurich shop."""
    organizer, shop, manager = f.make_tenant()
    venue, standing, _numbered = make_venue(organizer, free=20, seat_rows=())
    event, first = make_event_with_date(shop, venue, name="Cabaret", when=local(YEAR, 10, 3, 20))
    make_price(event, standing)
    starts = [
        local(YEAR, 10, DST_END.day, 17),
        local(YEAR, 10, DST_END.day, 23, 30),  # after the clocks went back
        local(YEAR, 10, 31, 23, 30),  # 22:30 UTC: still October
        local(YEAR, 11, 1, 0, 30),  # 23:30 UTC on 31 October: November in Zurich
        local(YEAR, 12, 31, 23, 30),
    ]
    dates = [
        first,
        *schedule.dates_add(event=event, actor=None, starts=[(s, None) for s in starts]),
    ]
    return {"shop": shop, "manager": manager, "event": event, "dates": dates}


def display(season, *, modes=("list", "month", "week"), default="list", remaining=False):
    shop_update(
        shop=season["shop"],
        actor=season["manager"],
        display_modes=list(modes),
        default_display_mode=default,
        show_remaining_places=remaining,
    )


def event_url(season, **query) -> str:
    shop = season["shop"]
    url = reverse("shop:event", args=[shop.organizer.slug, shop.slug, season["event"].pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def html(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def text(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def shown(page: str) -> list[int]:
    """The ids of the dates on the page, in order."""
    return [int(pk) for pk in re.findall(r'data-date="(\d+)"', page)]


def day_cell(page: str, day: date) -> str:
    """The HTML of a day of the calendar, up to the next day (or the end of the calendar)."""
    start = page.find(f'data-day="{day:%Y-%m-%d}"')
    assert start > 0, f"no cell for {day}"
    ends = [page.find(mark, start) for mark in ('class="cal-day ', "</tbody>", "</ol>")]
    return page[start : min(end for end in ends if end > 0)]


def test_list_is_the_default_and_shows_every_date(client, season):
    page = html(client, event_url(season))
    assert shown(page) == [d.pk for d in season["dates"]]
    switcher = re.search(r'<nav class="view-switch".*?</nav>', page, re.S)[0]
    assert re.findall(r">(List|Month|Week)</a>", switcher) == ["List", "Month", "Week"]
    assert re.search(r'class="view-list" aria-current="page"', switcher)
    assert 'class="view-month" aria-current' not in switcher


def test_month_view_starts_at_the_first_date_and_groups_by_local_day(client, season):
    display(season, default="month")
    dates = season["dates"]
    page = html(client, event_url(season))
    assert '<table class="cal-month"' in page
    assert f"October {YEAR}" in text(page)
    # October holds its five dates, the one at 00:30 on 1 November (UTC: 31 October) not
    assert shown(page) == [d.pk for d in dates[:4]]
    sunday = day_cell(page, DST_END)
    assert shown(sunday) == [dates[1].pk, dates[2].pk]
    assert ">17:00</time>" in sunday and ">23:30</time>" in sunday
    assert shown(day_cell(page, date(YEAR, 10, 31))) == [dates[3].pk]
    # the grid is Monday first; 1 November closes the last week but is not shown
    headers = re.findall(r'<abbr title="(\w+)">', page)
    assert headers[0] == "Monday" and headers[-1] == "Sunday"
    assert page.count('class="cal-day other-month"') == len(
        [d for w in cal.month_grid(date(YEAR, 10, 1)) for d in w if d.month != 10]
    )
    # a day without a date is shown, without a link
    quiet = day_cell(page, date(YEAR, 10, 14))
    assert ">14<" in quiet and "<a " not in quiet
    # each time links to its date page
    date_url = reverse(
        "shop:date",
        args=[season["shop"].organizer.slug, season["shop"].slug, season["event"].pk, dates[0].pk],
    )
    assert f'href="{date_url}"' in day_cell(page, date(YEAR, 10, 3))
    # no earlier month, a later one
    assert 'rel="prev"' not in page
    assert f'href="?view=month&amp;month={YEAR}-11#dates"' in page


def test_month_navigation_and_the_new_year(client, season):
    display(season, default="month")
    dates = season["dates"]
    november = html(client, event_url(season, view="month", month=f"{YEAR}-11"))
    assert shown(november) == [dates[4].pk]
    assert shown(day_cell(november, date(YEAR, 11, 1))) == [dates[4].pk]
    assert f'href="?view=month&amp;month={YEAR}-10#dates"' in november
    assert f'href="?view=month&amp;month={YEAR}-12#dates"' in november
    december = html(client, event_url(season, view="month", month=f"{YEAR}-12"))
    assert shown(day_cell(december, date(YEAR, 12, 31))) == [dates[5].pk]
    assert 'rel="next"' not in december  # nothing after December
    # a month with no date at all in between is shown empty, with its links
    schedule.dates_add(
        event=season["event"], actor=None, starts=[(local(YEAR + 1, 2, 6, 20), None)]
    )
    january = html(client, event_url(season, view="month", month=f"{YEAR + 1}-01"))
    assert shown(january) == [] and "No performance this month." in january
    assert 'rel="prev"' in january and 'rel="next"' in january


def test_week_view_shows_seven_days_in_the_shop_time_zone(client, season):
    display(season, default="week")
    dates = season["dates"]
    first_week = html(client, event_url(season))
    assert first_week.count('<li class="cal-day') == 7
    assert shown(first_week) == [dates[0].pk]
    monday = cal.week_start(DST_END)
    url = event_url(season, view="week", week=cal.week_key(DST_END))
    page = html(client, url)
    assert shown(page) == [dates[1].pk, dates[2].pk]  # not 00:30 Monday, which is next week
    assert shown(day_cell(page, DST_END)) == [dates[1].pk, dates[2].pk]
    labels = re.findall(r'<h4 class="cal-dayhead">([^<]+)</h4>', page)
    assert labels[0] == f"Monday {monday.day} {monday:%B}" and labels[-1].startswith("Sunday")
    assert "No performance" in day_cell(page, monday)
    following = cal.week_key(monday + timedelta(days=7))
    assert f'href="?view=week&amp;week={following}#dates"' in page
    next_week = html(client, event_url(season, view="week", week=following))
    assert shown(next_week) == [dates[3].pk, dates[4].pk]  # 31 Oct 23:30, 1 Nov 00:30


def test_switching_keeps_the_period(client, season):
    display(season, default="month")
    page = html(client, event_url(season, view="week", week=cal.week_key(date(YEAR, 12, 31))))
    assert f'href="?view=month&amp;month={YEAR}-12#dates"' in page
    page = html(client, event_url(season, view="month", month=f"{YEAR}-11"))
    assert f'href="?view=week&amp;week={cal.week_key(date(YEAR, 11, 1))}#dates"' in page
    assert 'href="?view=list#dates"' in page


@pytest.mark.parametrize(
    ("query", "shows"),
    [
        ({"view": "agenda"}, "first month"),
        ({"view": "month", "month": "2026-13"}, "first month"),
        ({"view": "month", "month": "abc"}, "first month"),
        ({"view": "month", "month": "1999-01"}, "first month"),  # before the first date
        ({"view": "month", "month": "9999-12"}, "first month"),  # out of our calendar
        ({"view": "month", "month": "2100-01"}, "last month"),  # after the last date
        ({"view": "week", "week": "2027-W53"}, "first week"),  # 2027 has 52 weeks
        ({"view": "week", "week": "<b>"}, "first week"),
        ({"view": "week", "week": "1000-W01"}, "first week"),
        ({"view": "week", "week": "2100-W01"}, "last week"),
        ({"view": ["month", "week"]}, "first week"),  # the last value counts
        ({"month": f"{YEAR}-11"}, "second month"),  # the default view, at that month
    ],
)
def test_bad_query_values_fall_back_gracefully(client, season, query, shows):
    display(season, default="month")
    dates = season["dates"]
    response = client.get(event_url(season), query)
    assert response.status_code == 200
    page = response.content.decode()
    title = re.search(r'<h3 id="cal-title" class="cal-title">([^<]+)', page)[1].strip()
    expected = {
        "first month": (f"October {YEAR}", [d.pk for d in dates[:4]]),
        "second month": (f"November {YEAR}", [dates[4].pk]),
        "last month": (f"December {YEAR}", [dates[5].pk]),
        "first week": (f"{cal.week_start(date(YEAR, 10, 3)):%-d %B} ", [dates[0].pk]),
        "last week": (f"{cal.week_start(date(YEAR, 12, 31)):%-d %B} ", [dates[5].pk]),
    }[shows]
    assert title.startswith(expected[0]) and shown(page) == expected[1]
    assert "<b>" not in page


def test_modes_not_offered_fall_back_to_the_default(client, season):
    display(season, modes=["list", "month"], default="month")
    page = html(client, event_url(season, view="week", week=cal.week_key(DST_END)))
    assert '<table class="cal-month"' in page and f"October {YEAR}" in text(page)
    assert "view-week" not in page
    display(season, modes=["week"], default="week")
    page = html(client, event_url(season, view="list"))
    assert '<ol class="cal-week"' in page
    assert '<nav class="view-switch"' not in page  # one mode: nothing to switch


def test_a_single_date_event_just_shows_its_date(client, season):
    display(season, default="month")
    shop = season["shop"]
    venue = season["event"].venue
    solo, date_ = make_event_with_date(shop, venue, name="Solo", when=local(YEAR, 3, 14, 19))
    url = reverse("shop:event", args=[shop.organizer.slug, shop.slug, solo.pk])
    page = html(client, url + "?view=month&month=2026-03")
    assert shown(page) == [date_.pk]
    assert '<nav class="view-switch"' not in page and "cal-month" not in page
    assert f"{date(YEAR, 3, 14):%A} 14 March {YEAR}, 19:00" in text(page)


def test_an_event_without_dates_says_so_in_every_mode(client, season):
    display(season, default="week")
    for d in season["dates"]:
        d.is_cancelled = True
        d.save()
    for view in ("list", "month", "week"):
        page = html(client, event_url(season, view=view))
        assert "No date is on sale at the moment." in page


def test_sold_out_dates_are_marked_and_remaining_places_shown_only_when_enabled(client, season):
    dates = season["dates"]
    quota_set(date=dates[1], size=0)
    display(season, default="month")
    page = html(client, event_url(season))
    sunday = day_cell(page, DST_END)
    assert sunday.count("Sold out") == 2  # the badge, and in the link's name
    assert re.search(rf'class="shop-date cal-date sold-out" data-date="{dates[1].pk}"', sunday)
    assert "places left" not in page
    display(season, default="month", remaining=True)
    page = html(client, event_url(season))
    assert "20 places left" in day_cell(page, date(YEAR, 10, 3))
    assert (
        "places left" not in re.search(rf'data-date="{dates[1].pk}".*?</li>', page, re.S)[0]
    )  # a sold-out date says so instead
    week = html(client, event_url(season, view="week", week=cal.week_key(DST_END)))
    assert "Sold out" in week and "20 places left" in week


def test_month_and_day_names_follow_the_language(client, season):
    display(season, default="month")
    december = event_url(season, view="month", month=f"{YEAR}-12")
    english = html(client, december)
    french = client.get(december, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert f"December {YEAR}" in english and '<abbr title="Monday">Mon</abbr>' in english
    assert f"Décembre {YEAR}" in french and "Novembre" in french  # title, previous month
    assert re.search(r'<abbr title="lundi">lun\.?</abbr>', french, re.I)
    new_year_eve = date(YEAR, 12, 31)
    assert f"{new_year_eve:%A} 31 December" in text(english)
    french_days = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
    french_eve = f"{french_days[new_year_eve.weekday()]} 31 décembre"
    assert french_eve in text(french).lower()
    week = event_url(season, view="week", week=cal.week_key(new_year_eve))
    assert french_eve in client.get(week, HTTP_ACCEPT_LANGUAGE="fr").content.decode().lower()


def test_the_event_page_reads_a_fixed_number_of_queries(
    client, season, django_assert_max_num_queries
):
    display(season, default="month")
    url = event_url(season, view="month", month=f"{YEAR}-10")
    with django_assert_max_num_queries(10) as few:
        html(client, url)
    more = [(local(YEAR, 10, day, 20), None) for day in range(5, 25)]
    schedule.dates_add(event=season["event"], actor=None, starts=more)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = html(client, url)
    assert len(shown(page)) == 24


# --- the shop's setting in the back office ----------------------------------------------------
FORM = {
    "name": "Saison",
    "currency": "CHF",
    "time_zone": "Europe/Zurich",
    "languages": ["fr", "en"],
    "default_language": "fr",
}


def settings_url(shop) -> str:
    return reverse("backoffice:shop_settings", args=[shop.organizer.slug, shop.slug])


def test_new_shops_offer_every_mode_and_open_the_list(db):
    organizer = f.make_organizer()
    shop = f.make_shop(organizer)
    assert (shop.display_modes, shop.default_display_mode) == (["list", "month", "week"], "list")


def test_manager_chooses_the_modes_and_the_default_which_is_audited(
    organizer, shop, manager_client
):
    form = manager_client.get(settings_url(shop)).content.decode()
    assert form.count('name="display_modes"') == 3 and 'name="default_display_mode"' in form
    response = manager_client.post(
        settings_url(shop),
        {**FORM, "display_modes": ["month", "week"], "default_display_mode": "week"},
    )
    assert response.status_code == 302
    shop.refresh_from_db()
    assert (shop.display_modes, shop.default_display_mode) == (["month", "week"], "week")
    entry = AuditLogEntry.objects.get(organizer=organizer, action="shop.changed")
    assert entry.changes["display_modes"] == [["list", "month", "week"], ["month", "week"]]
    assert entry.changes["default_display_mode"] == ["list", "week"]
    form = manager_client.get(settings_url(shop)).content.decode()
    assert re.search(r'value="week"[^>]*checked', form) and not re.search(
        r'value="list"[^>]*checked', form
    )
    assert re.search(r'<option value="week" selected>', form)


def field_errors(page: str, name: str) -> list[str]:
    """The error messages inside the form field that holds the input called `name`."""
    (field,) = [f for f in page.split('<div class="field') if f'name="{name}"' in f]
    return re.findall(r'<p class="error" role="alert">([^<]+)</p>', field)


def test_default_not_among_the_offered_modes_is_refused_next_to_it(organizer, shop, manager_client):
    response = manager_client.post(
        settings_url(shop),
        {
            **FORM,
            "name": "Changed",
            "display_modes": ["list", "week"],
            "default_display_mode": "month",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert field_errors(page, "default_display_mode") == [
        "The default display must be one of the modes offered to buyers."
    ]
    response = manager_client.post(
        settings_url(shop), {**FORM, "name": "Changed", "default_display_mode": "list"}
    )
    assert field_errors(response.content.decode(), "display_modes") == [
        "Offer at least one way of showing the dates."
    ]
    response = manager_client.post(
        settings_url(shop),
        {**FORM, "display_modes": ["list", "agenda"], "default_display_mode": "list"},
    )
    (unknown,) = field_errors(response.content.decode(), "display_modes")
    assert "agenda" in unknown
    shop.refresh_from_db()
    assert shop.name != "Changed" and shop.display_modes == ["list", "month", "week"]
    assert not AuditLogEntry.objects.filter(action="shop.changed").exists()


def test_a_form_without_the_display_fields_keeps_them(shop, manager, manager_client):
    shop_update(shop=shop, actor=manager, display_modes=["week"], default_display_mode="week")
    manager_client.post(settings_url(shop), {**FORM, "name": "Renamed"})
    shop.refresh_from_db()
    assert shop.name == "Renamed" and shop.display_modes == ["week"]


def test_the_service_refuses_what_the_form_would(shop, manager):
    from billetterie.core.exceptions import InvalidInput

    for values in (
        {"display_modes": ["list"], "default_display_mode": "month"},
        {"display_modes": [], "default_display_mode": "list"},
        {"display_modes": ["list", "list"], "default_display_mode": "list"},
        {"display_modes": "list", "default_display_mode": "list"},
        {"display_modes": ["list"], "default_display_mode": "agenda"},
    ):
        with pytest.raises(InvalidInput):
            shop_update(shop=shop, actor=manager, **values)
    assert Shop.objects.get(pk=shop.pk).display_modes == ["list", "month", "week"]


def test_shop_created_in_the_back_office_with_display_modes(organizer, manager_client):
    manager_client.post(
        reverse("backoffice:shop_create", args=[organizer.slug]),
        {
            **FORM,
            "name": "Festival",
            "display_modes": ["list", "month"],
            "default_display_mode": "month",
        },
    )
    shop = Shop.objects.get(organizer=organizer, name="Festival")
    assert (shop.display_modes, shop.default_display_mode) == (["list", "month"], "month")


def test_demo_play_opens_on_its_month(db, client, settings, tmp_path):
    from django.core.management import call_command

    from billetterie.catalog.models import Event

    settings.DATA_DIR = tmp_path
    call_command("demo")
    call_command("demo")  # still idempotent
    play = Event.objects.get(name="Le Misanthrope")
    assert (play.shop.display_modes, play.shop.default_display_mode) == (
        ["list", "month", "week"],
        "month",
    )
    page = html(client, f"/theatre-demo/saison-2026-2027/event/{play.pk}/")
    assert '<table class="cal-month"' in page
    assert sorted(shown(page)) == sorted(play.dates.values_list("pk", flat=True))  # one month
