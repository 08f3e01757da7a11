"""Hold + confirm throughput on one hot quota (a benchmark, not a test).

    DATABASE_URL=postgres://postgres:postgres@127.0.0.1:5432/billetterie_bench \\
        .venv/bin/python bench/inventory_holds.py [--seconds 5] [--threads 1,8,32]

Creates the database if needed, migrates it, builds one event date with a quota large
enough never to sell out, then for each thread count runs buyers in a loop (each thread on
its own connection) doing `hold(1 place)` then `confirm` for the given time, and prints
holds per second with latency percentiles. Every run ends with a drift check.
"""

import argparse
import os
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres:postgres@127.0.0.1:5432/billetterie_bench"


def ensure_database(url: str) -> None:
    if not url.startswith("postgres"):
        return
    import psycopg
    from dj_database_url import parse

    config = parse(url)
    with psycopg.connect(
        host=config["HOST"],
        port=config["PORT"] or 5432,
        user=config["USER"],
        password=config["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{config["NAME"]}"')


def setup():
    from datetime import datetime, timedelta
    from datetime import time as dtime
    from zoneinfo import ZoneInfo

    from billetterie.catalog.services import venues
    from billetterie.catalog.services.events import event_create
    from billetterie.core.services.organizers import organizer_create, shop_create
    from billetterie.inventory import schedule

    stamp = int(time.time() * 1000)
    organizer = organizer_create(name=f"Bench {stamp}")
    shop = shop_create(organizer=organizer, actor=None, name="Bench")
    venue = venues.venue_create(organizer=organizer, actor=None, name="Arena", city="Bern")
    zone = venues.zone_create(venue=venue, actor=None, name="Floor", capacity=10_000_000)
    event = event_create(shop=shop, actor=None, name="Rush", venue=venue)
    tz = ZoneInfo("Europe/Zurich")
    when = datetime.combine(datetime.now(tz).date() + timedelta(days=10), dtime(20), tzinfo=tz)
    (date,) = schedule.dates_add(event=event, actor=None, starts=[(when, None)])
    return date, zone


def run(date, zone, threads: int, seconds: float) -> dict:
    from django.db import connections

    from billetterie.inventory import services as inventory

    latencies: list[list[float]] = [[] for _ in range(threads)]
    errors: list[str] = []
    barrier = threading.Barrier(threads + 1)
    stop_at = [0.0]

    def buyer(index: int):
        try:
            barrier.wait()
            mine = latencies[index]
            while time.perf_counter() < stop_at[0]:
                t0 = time.perf_counter()
                hold = inventory.hold(date=date, zone=zone, quantity=1)
                inventory.confirm(hold)
                mine.append(time.perf_counter() - t0)
        except Exception as error:
            errors.append(repr(error))
        finally:
            connections.close_all()

    workers = [threading.Thread(target=buyer, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    stop_at[0] = time.perf_counter() + seconds
    started = time.perf_counter()
    barrier.wait()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - started
    flat = sorted(x for per in latencies for x in per)
    return {
        "threads": threads,
        "holds": len(flat),
        "per_second": len(flat) / elapsed,
        "p50_ms": 1000 * statistics.median(flat) if flat else 0,
        "p99_ms": 1000 * flat[int(len(flat) * 0.99) - 1] if flat else 0,
        "errors": errors[:3],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--threads", default="1,8,32")
    args = parser.parse_args()
    os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "billetterie.settings")
    ensure_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from billetterie.inventory.services import recount

    call_command("migrate", verbosity=0, interactive=False)
    date, zone = setup()
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(f"hold + confirm of 1 place on one hot quota — {engine}, {args.seconds:.0f} s per run")
    print(f"{'threads':>7} {'holds/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'holds':>7}  errors")
    for threads in (int(t) for t in args.threads.split(",")):
        result = run(date, zone, threads, args.seconds)
        print(
            f"{result['threads']:>7} {result['per_second']:>9.0f} {result['p50_ms']:>8.1f} "
            f"{result['p99_ms']:>8.1f} {result['holds']:>7}  {result['errors'] or '-'}"
        )
    drifts = recount()
    print("drift check:", "none" if not drifts else f"{len(drifts)} counters drifted")


if __name__ == "__main__":
    main()
