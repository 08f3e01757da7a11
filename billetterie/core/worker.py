"""The task worker: runs queued tasks and enqueues periodic ones.

`billetterie worker` runs it in the foreground; `billetterie serve` runs it in a thread of
the server's main process so one command is enough on one machine.
"""

import logging
import threading

from django.apps import apps
from django.db import close_old_connections
from django.utils.crypto import get_random_string

logger = logging.getLogger(__name__)

SCHEDULER_INTERVAL = 5.0


def _load_task_modules() -> None:
    """Import every app's tasks.py so periodic tasks register themselves."""
    from importlib import import_module

    for app in apps.get_app_configs():
        if app.name.startswith("billetterie."):
            try:
                import_module(f"{app.name}.tasks")
            except ModuleNotFoundError as error:
                if error.name != f"{app.name}.tasks":
                    raise


class Scheduler(threading.Thread):
    def __init__(self, stop: threading.Event):
        super().__init__(name="billetterie-scheduler", daemon=True)
        self.stop = stop

    def run(self) -> None:
        from billetterie.core import periodic

        while not self.stop.is_set():
            try:
                close_old_connections()
                periodic.enqueue_due()
            except Exception:
                logger.exception("periodic scheduling failed; retrying")
            self.stop.wait(SCHEDULER_INTERVAL)
        close_old_connections()


def make_worker(*, interval: float = 1.0, batch: bool = False):
    from django_tasks_db.management.commands.db_worker import Worker

    return Worker(
        queue_names=["*"],
        interval=interval,
        batch=batch,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=get_random_string(32),
        excluded_queue_names=[],
    )


def run_forever(stop: threading.Event | None = None) -> None:
    """Run the scheduler and the worker until `stop` is set (or forever)."""
    _load_task_modules()
    stop = stop or threading.Event()
    Scheduler(stop).start()
    worker = make_worker()

    def watch():
        stop.wait()
        worker.running = False

    threading.Thread(target=watch, daemon=True).start()
    worker.run()


def start_in_background() -> threading.Event:
    """Start the worker in daemon threads of this process; set the returned event to stop."""
    stop = threading.Event()
    threading.Thread(
        target=run_forever, args=(stop,), name="billetterie-worker", daemon=True
    ).start()
    return stop
