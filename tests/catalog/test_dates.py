"""The date generator (CAT-2) and adding dates with their counters."""

from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from billetterie.catalog.services.events import date_times, event_create
from billetterie.core.exceptions import InvalidInput
from billetterie.inventory import schedule
from billetterie.inventory.models import Quota
from tests.catalog_factories import make_venue

ZURICH = ZoneInfo("Europe/Zurich")


def test_saturdays_twice_a_day_over_three_weeks():
    pairs = date_times(
        first_day=date(2027, 3, 1),
        last_day=date(2027, 3, 21),
        every="week",
        weekdays=[5],
        times=[time(20), time(15)],
        tz=ZURICH,
        duration=timedelta(hours=2),
    )
    starts = [p[0] for p in pairs]
    assert [s.day for s in starts] == [6, 6, 13, 13, 20, 20]
    assert [s.hour for s in starts[:2]] == [15, 20]  # ordered within a day
    assert all(s.tzinfo == ZURICH for s in starts)
    assert pairs[0][1] - pairs[0][0] == timedelta(hours=2)


def test_daily_and_monthly_series():
    daily = date_times(
        first_day=date(2027, 7, 1),
        last_day=date(2027, 7, 3),
        every="day",
        times=[time(19)],
        tz=ZURICH,
    )
    assert len(daily) == 3
    monthly = date_times(
        first_day=date(2027, 1, 31),
        last_day=date(2027, 5, 31),
        every="month",
        times=[time(19)],
        tz=ZURICH,
    )
    assert [p[0].month for p in monthly] == [1, 3, 5]  # no 31st in February and April


def test_summer_time_is_respected():
    (winter,), (summer,) = (
        date_times(first_day=d, times=[time(20)], tz=ZURICH)
        for d in (date(2027, 1, 10), date(2027, 7, 10))
    )
    assert winter[0].utcoffset() == timedelta(hours=1)
    assert summer[0].utcoffset() == timedelta(hours=2)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"times": []},
        {"last_day": date(2026, 12, 31)},
        {"every": "fortnight"},
        {"last_day": date(2031, 1, 1), "every": "day"},
    ],
)
def test_bad_series_are_refused(kwargs):
    base = {"first_day": date(2027, 1, 1), "times": [time(20)], "tz": ZURICH}
    with pytest.raises(InvalidInput):
        date_times(**{**base, **kwargs})


@pytest.mark.django_db
def test_added_dates_get_counters_and_duplicates_are_skipped(organizer, shop):
    venue, standing, _numbered = make_venue(organizer, free=20)
    event = event_create(shop=shop, actor=None, name="Pièce", venue=venue)
    pairs = date_times(
        first_day=date(2027, 3, 6),
        last_day=date(2027, 3, 20),
        every="week",
        times=[time(15), time(20)],
        tz=ZURICH,
    )
    dates = schedule.dates_add(event=event, actor=None, starts=pairs)
    assert len(dates) == 6
    assert Quota.objects.filter(date__event=event, zone=standing).count() == 6
    again = schedule.dates_add(event=event, actor=None, starts=pairs[:1])
    assert again == [] and event.dates.count() == 6


def test_series_are_bounded_and_need_their_last_day():
    with pytest.raises(InvalidInput) as refused:
        date_times(
            first_day=date(2027, 1, 1),
            last_day=date(2028, 12, 1),
            every="day",
            times=[time(h) for h in range(8, 20)],
            tz=ZURICH,
        )
    assert "at most 500" in str(refused.value.message)
    with pytest.raises(InvalidInput):
        date_times(first_day=date(2027, 1, 1), every="week", times=[time(20)], tz=ZURICH)
    twice = date_times(first_day=date(2027, 1, 1), times=[time(20), time(20)], tz=ZURICH)
    assert len(twice) == 1
