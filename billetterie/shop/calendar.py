"""Calendar arithmetic for the dates of an event in the shop (CAT-5): which display mode a
buyer gets, month grids (weeks from Monday, as in Switzerland), ISO weeks, and dates grouped
by the day they fall on in the shop's time zone.

Pure functions of plain values: no database, no request. The event page feeds them the
dates it read and renders what they return.
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo

LIST, MONTH, WEEK = "list", "month", "week"
MODES = (LIST, MONTH, WEEK)

_MONTH = re.compile(r"(\d{4})-(\d{2})")
_WEEK = re.compile(r"(\d{4})-[Ww](\d{2})")
# far enough for any season, near enough that a neighbour month or week always exists
_YEARS = range(1000, 9999)


def choose_mode(requested: str | None, offered: Iterable[str], default: str) -> str:
    """The mode asked for when the shop offers it, else the shop's default (else the first
    mode offered, else the list)."""
    offered = [mode for mode in MODES if mode in set(offered or ())]
    if requested in offered:
        return requested
    if default in offered:
        return default
    return offered[0] if offered else LIST


# --- months ----------------------------------------------------------------------------------
def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(first: date, n: int) -> date:
    """The first day of the month `n` months after the month of `first`."""
    index = first.year * 12 + first.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def parse_month(value: str | None) -> date | None:
    """'2026-12' → date(2026, 12, 1); anything else → None."""
    match = _MONTH.fullmatch((value or "").strip())
    if not match:
        return None
    year, month = int(match[1]), int(match[2])
    if year not in _YEARS or not 1 <= month <= 12:
        return None
    return date(year, month, 1)


def month_key(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def month_grid(first: date) -> list[list[date]]:
    """The weeks (Monday to Sunday) that cover the month of `first`, with the days of the
    neighbour months that complete the first and last weeks."""
    first = month_start(first)
    last = add_months(first, 1) - timedelta(days=1)
    start = week_start(first)
    end = last + timedelta(days=6 - last.weekday())
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    return [days[i : i + 7] for i in range(0, len(days), 7)]


# --- ISO weeks -------------------------------------------------------------------------------
def week_start(day: date) -> date:
    """The Monday of the week of `day`."""
    return day - timedelta(days=day.weekday())


def parse_week(value: str | None) -> date | None:
    """An ISO week '2026-W49' → its Monday; anything else (week 53 of a 52-week year...)
    → None."""
    match = _WEEK.fullmatch((value or "").strip())
    if not match:
        return None
    year, week = int(match[1]), int(match[2])
    if year not in _YEARS:
        return None
    try:
        return date.fromisocalendar(year, week, 1)
    except ValueError:
        return None


def week_key(day: date) -> str:
    iso = day.isocalendar()
    return f"{iso.year:04d}-W{iso.week:02d}"


def week_days(monday: date) -> list[date]:
    return [monday + timedelta(days=i) for i in range(7)]


# --- time zones ------------------------------------------------------------------------------
def local_window(first_day: date, end_day: date, tz: tzinfo) -> tuple[datetime, datetime]:
    """Aware datetimes from midnight of `first_day` to midnight of `end_day` (excluded) in
    `tz`, for a query on start times; right across a change to or from summer time."""
    return (
        datetime.combine(first_day, time.min, tzinfo=tz),
        datetime.combine(end_day, time.min, tzinfo=tz),
    )


def group_by_day(items: Iterable, tz: tzinfo, when: Callable = lambda item: item.starts_at) -> dict:
    """{local day: [items, in the given order]}: a date at 23:30 in Zurich on 31 December
    belongs to 31 December, whatever the server's or the database's time zone."""
    days: dict[date, list] = {}
    for item in items:
        days.setdefault(when(item).astimezone(tz).date(), []).append(item)
    return days


def clamp(value: date, low: date, high: date) -> date:
    return max(low, min(value, high))


def period_bounds(
    mode: str, value: str | None, *, earliest: date, latest: date
) -> tuple[date, date]:
    """The first day and the day after the last of the month ('2026-12') or the ISO week
    ('2026-W49') asked for in `value`, kept between the periods of the `earliest` and
    `latest` days; the period of `earliest` when `value` is not one."""
    if mode == MONTH:
        wanted = parse_month(value) or earliest
        first = clamp(month_start(wanted), month_start(earliest), month_start(latest))
        return first, add_months(first, 1)
    wanted = parse_week(value) or earliest
    first = clamp(week_start(wanted), week_start(earliest), week_start(latest))
    return first, first + timedelta(days=7)


# --- what the templates show -----------------------------------------------------------------
@dataclass
class Day:
    day: date
    in_period: bool
    is_today: bool
    dates: list = field(default_factory=list)


@dataclass
class Period:
    """A month or a week of days, with its neighbours when there are dates there too."""

    first: date  # the 1st of the month, or the Monday of the week
    last: date
    key: str
    weeks: list[list[Day]]
    previous: date | None
    next: date | None
    previous_key: str = ""
    next_key: str = ""

    @property
    def days(self) -> list[Day]:
        return [day for week in self.weeks for day in week]

    @property
    def weekdays(self) -> list[date]:
        """Monday to Sunday, for the column headers."""
        return [day.day for day in self.weeks[0]]

    @property
    def has_dates(self) -> bool:
        return any(day.dates for day in self.days)


def month_period(first: date, by_day: dict, *, earliest: date, latest: date, today: date) -> Period:
    """The month of `first` as weeks of Days; `earliest` and `latest` are the days of the
    first and last dates to come, which bound the previous/next links."""
    first = month_start(first)
    last = add_months(first, 1) - timedelta(days=1)
    weeks = [
        [
            Day(
                day,
                in_period=day.month == first.month,
                is_today=day == today,
                dates=by_day.get(day, []) if day.month == first.month else [],
            )
            for day in week
        ]
        for week in month_grid(first)
    ]
    previous = add_months(first, -1) if first > month_start(earliest) else None
    after = add_months(first, 1) if first < month_start(latest) else None
    return Period(
        first=first,
        last=last,
        key=month_key(first),
        weeks=weeks,
        previous=previous,
        next=after,
        previous_key=month_key(previous) if previous else "",
        next_key=month_key(after) if after else "",
    )


def week_period(monday: date, by_day: dict, *, earliest: date, latest: date, today: date) -> Period:
    """The week starting on `monday`, bounded like month_period."""
    monday = week_start(monday)
    days = [
        Day(day, in_period=True, is_today=day == today, dates=by_day.get(day, []))
        for day in week_days(monday)
    ]
    previous = monday - timedelta(days=7) if monday > week_start(earliest) else None
    after = monday + timedelta(days=7) if monday < week_start(latest) else None
    return Period(
        first=monday,
        last=monday + timedelta(days=6),
        key=week_key(monday),
        weeks=[days],
        previous=previous,
        next=after,
        previous_key=week_key(previous) if previous else "",
        next_key=week_key(after) if after else "",
    )
