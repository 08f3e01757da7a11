"""The payment deadline of an invoice (PAY-5), as the organizer configures it.

D = days before the first reminder, N = number of reminders. Each reminder extends the
deadline by D, so the reminders go out on days D, 2D, ... NxD after the order and the
order is cancelled on day D + NxD (defaults D=10, N=2: reminders on day 10 and day 20,
cancellation on day 30; D=5, N=2: cancellation on day 15).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

DEFAULT_REMINDER_DAYS = 10
DEFAULT_REMINDER_COUNT = 2
DEFAULT_OFFER_DAYS_BEFORE = 30
MAX_REMINDER_DAYS = 120
MAX_REMINDER_COUNT = 10
MAX_OFFER_DAYS_BEFORE = 365


@dataclass(frozen=True)
class DeadlineRule:
    reminder_days: int = DEFAULT_REMINDER_DAYS  # D
    reminder_count: int = DEFAULT_REMINDER_COUNT  # N
    # the method is offered until this many days before the first date of the order
    offer_days_before: int = DEFAULT_OFFER_DAYS_BEFORE

    @classmethod
    def from_config(cls, config: dict) -> "DeadlineRule":
        def number(key, default, low, high):
            try:
                value = int(config.get(key, default))
            except (TypeError, ValueError):
                return default
            return min(max(value, low), high)

        return cls(
            reminder_days=number("reminder_days", DEFAULT_REMINDER_DAYS, 1, MAX_REMINDER_DAYS),
            reminder_count=number("reminder_count", DEFAULT_REMINDER_COUNT, 0, MAX_REMINDER_COUNT),
            offer_days_before=number(
                "offer_days_before", DEFAULT_OFFER_DAYS_BEFORE, 0, MAX_OFFER_DAYS_BEFORE
            ),
        )

    @property
    def reminder_days_list(self) -> list[int]:
        """The days after the order on which the reminders go out."""
        return [self.reminder_days * (k + 1) for k in range(self.reminder_count)]

    @property
    def cancel_day(self) -> int:
        return self.reminder_days + self.reminder_count * self.reminder_days


@dataclass(frozen=True)
class Schedule:
    due_at: datetime
    next_reminder_at: datetime | None
    cancel_at: datetime


def schedule_for(*, placed_at: datetime, reminder_days: int, reminder_count: int) -> Schedule:
    """The first deadline of an invoice: due D days after the order; the first reminder
    then (when there is one); cancelled on day D + NxD."""
    step = timedelta(days=reminder_days)
    return Schedule(
        due_at=placed_at + step,
        next_reminder_at=placed_at + step if reminder_count else None,
        cancel_at=placed_at + step * (1 + reminder_count),
    )


def after_reminder(
    *, placed_at: datetime, reminder_days: int, reminder_count: int, sent: int
) -> tuple[datetime, datetime | None]:
    """(new deadline, next reminder) once `sent` reminders have gone out: each extends
    the deadline by D; after the Nth there is no further reminder."""
    step = timedelta(days=reminder_days)
    due_at = placed_at + step * (sent + 1)
    next_at = placed_at + step * (sent + 1) if sent < reminder_count else None
    return due_at, next_at


def _days(days: list[int]) -> str:
    words = [_("day %(n)s") % {"n": n} for n in days]
    if len(words) == 1:
        return words[0]
    return _("%(first)s and %(last)s") % {"first": ", ".join(words[:-1]), "last": words[-1]}


def explain(rule: DeadlineRule) -> str:
    """The rule in words, for the settings page."""
    if not rule.reminder_count:
        return _("No reminder; cancellation on day %(cancel)s after the order.") % {
            "cancel": rule.cancel_day
        }
    return ngettext(
        "Reminder on %(days)s, cancellation on day %(cancel)s after the order.",
        "Reminders on %(days)s, cancellation on day %(cancel)s after the order.",
        rule.reminder_count,
    ) % {"days": _days(rule.reminder_days_list), "cancel": rule.cancel_day}


def explain_offer(rule: DeadlineRule) -> str:
    if not rule.offer_days_before:
        return _("Offered until the first date of the order's events.")
    return ngettext(
        "Offered until %(n)s day before the first date of the order's events.",
        "Offered until %(n)s days before the first date of the order's events.",
        rule.offer_days_before,
    ) % {"n": rule.offer_days_before}


__all__ = ["DeadlineRule", "Schedule", "after_reminder", "explain", "explain_offer"]
