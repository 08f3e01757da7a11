"""The invoice deadline rule (PAY-5): D days before the first reminder, N reminders, each
extending the deadline by D, cancellation on day D + NxD."""

from datetime import UTC, datetime, timedelta

from django.utils import translation

from billetterie.banking.deadlines import DeadlineRule, after_reminder, explain, schedule_for

PLACED = datetime(2027, 3, 1, 10, 0, tzinfo=UTC)


def day(n):
    return PLACED + timedelta(days=n)


def test_defaults_remind_on_day_10_and_20_and_cancel_on_day_30():
    rule = DeadlineRule()
    assert (rule.reminder_days, rule.reminder_count) == (10, 2)
    assert rule.reminder_days_list == [10, 20]
    assert rule.cancel_day == 30
    assert (
        explain(rule) == "Reminders on day 10 and day 20, cancellation on day 30 after the order."
    )


def test_five_days_two_reminders_cancels_on_day_15():
    rule = DeadlineRule(reminder_days=5, reminder_count=2)
    assert rule.cancel_day == 15
    schedule = schedule_for(placed_at=PLACED, reminder_days=5, reminder_count=2)
    assert (schedule.due_at, schedule.next_reminder_at, schedule.cancel_at) == (
        day(5),
        day(5),
        day(15),
    )
    assert after_reminder(placed_at=PLACED, reminder_days=5, reminder_count=2, sent=1) == (
        day(10),
        day(10),
    )
    assert after_reminder(placed_at=PLACED, reminder_days=5, reminder_count=2, sent=2) == (
        day(15),
        None,
    )


def test_no_reminder_and_three_reminders_in_words():
    assert explain(DeadlineRule(reminder_days=7, reminder_count=0)) == (
        "No reminder; cancellation on day 7 after the order."
    )
    assert explain(DeadlineRule(reminder_days=7, reminder_count=1)) == (
        "Reminder on day 7, cancellation on day 14 after the order."
    )
    assert explain(DeadlineRule(reminder_days=5, reminder_count=3)) == (
        "Reminders on day 5, day 10 and day 15, cancellation on day 20 after the order."
    )
    schedule = schedule_for(placed_at=PLACED, reminder_days=7, reminder_count=0)
    assert (schedule.next_reminder_at, schedule.cancel_at) == (None, day(7))


def test_settings_out_of_range_fall_back_into_range():
    rule = DeadlineRule.from_config({"reminder_days": "0", "reminder_count": "x"})
    assert (rule.reminder_days, rule.reminder_count) == (1, 2)
    assert DeadlineRule.from_config({}) == DeadlineRule()


def test_explanation_in_french():
    with translation.override("fr"):
        text = explain(DeadlineRule())
    assert "10" in text and "20" in text and "30" in text
    assert "Reminders" not in text
