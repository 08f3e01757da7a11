"""Periodic tasks: each run is enqueued once per interval, however many workers schedule."""

from datetime import timedelta

import pytest
from django.tasks import task
from django.utils import timezone

from billetterie.core import periodic, worker
from billetterie.core.models import PeriodicSchedule

pytestmark = pytest.mark.django_db

RUNS: list[str] = []


@task()
def tick() -> None:
    RUNS.append("tick")


@pytest.fixture
def only_tick(monkeypatch):
    monkeypatch.setattr(periodic, "_registry", {})
    periodic.register(tick, every=timedelta(minutes=5))
    RUNS.clear()
    yield tick.module_path
    RUNS.clear()


def test_a_due_task_is_enqueued_once_even_by_two_workers(only_tick):
    now = timezone.now()
    first = periodic.enqueue_due(now)  # worker A
    second = periodic.enqueue_due(now)  # worker B, same moment
    assert first == [only_tick]
    assert second == []
    assert RUNS == ["tick"]
    assert PeriodicSchedule.objects.get(name=only_tick).next_run_at == now + timedelta(minutes=5)


def test_the_task_runs_again_once_the_interval_has_passed(only_tick):
    now = timezone.now()
    periodic.enqueue_due(now)
    assert periodic.enqueue_due(now + timedelta(minutes=4)) == []
    assert periodic.enqueue_due(now + timedelta(minutes=5)) == [only_tick]
    assert periodic.enqueue_due(now + timedelta(minutes=5)) == []
    assert RUNS == ["tick", "tick"]


def test_the_schedule_survives_a_restart(only_tick):
    """The due time is a row, not process memory: a new process does not run it early."""
    now = timezone.now()
    periodic.enqueue_due(now)
    periodic._registry.clear()
    periodic.register(tick, every=timedelta(minutes=5))
    assert periodic.enqueue_due(now + timedelta(minutes=1)) == []
    assert RUNS == ["tick"]


def test_the_outbox_retry_is_registered_by_the_worker():
    worker._load_task_modules()
    names = {p.name for p in periodic.registered()}
    assert "billetterie.notifications.tasks.retry_outbox" in names
