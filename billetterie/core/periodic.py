"""Periodic tasks: apps register a task and an interval; the worker enqueues each when due.

The due time lives in a database row claimed by a conditional UPDATE, so with several
workers each run is enqueued exactly once, and nothing depends on one process' memory.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.tasks import Task
from django.utils import timezone

from billetterie.core.models import PeriodicSchedule

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicTask:
    name: str
    task: Task
    every: timedelta


_registry: dict[str, PeriodicTask] = {}


def register(task: Task, *, every: timedelta) -> Task:
    """Run `task` (a @task without arguments) every `every`. Call at import of tasks.py."""
    name = task.module_path
    _registry[name] = PeriodicTask(name=name, task=task, every=every)
    return task


def registered() -> list[PeriodicTask]:
    return list(_registry.values())


def enqueue_due(now=None) -> list[str]:
    """Enqueue every registered task whose time has come; return their names."""
    now = now or timezone.now()
    started = []
    for periodic in registered():
        try:
            with transaction.atomic():
                PeriodicSchedule.objects.get_or_create(
                    name=periodic.name, defaults={"next_run_at": now}
                )
        except IntegrityError:
            pass  # another worker created it
        claimed = PeriodicSchedule.objects.filter(name=periodic.name, next_run_at__lte=now).update(
            next_run_at=now + periodic.every
        )
        if claimed:
            periodic.task.enqueue()
            started.append(periodic.name)
    return started
