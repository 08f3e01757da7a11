"""The racing buyers of the inventory concurrency tests, usable in threads or in a process.

Each buyer runs in its own thread with its own database connection, waits at a barrier so
they all start together, and tries to hold 1-4 places. Outcomes are ("ok", n), ("sold_out",
n) or ("error", repr) — anything but the first two fails the test.
"""

import random
import threading

from django.db import connections

MAX_OPEN_CONNECTIONS = 70  # PostgreSQL's default max_connections is 100, shared by all racers


def race(
    *,
    date_id: int,
    zone_id: int,
    buyers: int,
    seed: int,
    protected: bool = True,
    open_connections: int = MAX_OPEN_CONNECTIONS,
):
    from billetterie.catalog.models import EventDate, Zone
    from billetterie.inventory import services as inventory
    from billetterie.inventory.exceptions import SoldOut

    date = EventDate.objects.select_related("event__venue").get(pk=date_id)
    zone = Zone.objects.get(pk=zone_id)
    rng = random.Random(seed)
    quantities = [rng.randint(1, 4) for _ in range(buyers)]
    barrier = threading.Barrier(buyers)
    slots = threading.BoundedSemaphore(open_connections)
    outcomes: list[tuple[str, object]] = []
    lock = threading.Lock()

    def buyer(quantity: int):
        try:
            barrier.wait(timeout=60)
            with slots:
                try:
                    if protected:
                        inventory.hold(date=date, zone=zone, quantity=quantity, ttl=None)
                    else:
                        unprotected_hold(date, zone, quantity)
                    outcome = ("ok", quantity)
                except SoldOut:
                    outcome = ("sold_out", quantity)
                finally:
                    connections.close_all()
        except Exception as error:  # anything else is a failure the test reports
            outcome = ("error", repr(error))
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=buyer, args=(q,)) for q in quantities]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def unprotected_hold(date, zone, quantity):
    """The naive way (read, check, write) — used only by the control test to show that the
    race is real and that the test would catch an overselling implementation."""
    import time

    from django.db import transaction
    from django.db.models import F

    from billetterie.inventory.exceptions import SoldOut
    from billetterie.inventory.models import Hold, Quota

    with transaction.atomic():
        quota = Quota.objects.get(date=date, zone=zone, price__isnull=True)
        if quota.taken + quantity > quota.size:
            raise SoldOut()
        time.sleep(0.005)  # the gap between check and write that real servers have too
        Quota.objects.filter(pk=quota.pk).update(taken=F("taken") + quantity)
        Hold.objects.create(date=date, zone=zone, quantity=quantity)
