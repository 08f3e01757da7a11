"""SHOP-3 on PostgreSQL: 200 buyers race for a 50-place quota and for 30 numbered seats.

Exactly the capacity is sold, nobody deadlocks, nobody gets an error other than sold-out,
and `check-inventory` finds no drift — in threads of one process and across 2 processes.
A control test runs the naive read-check-write version and shows that it loses the race
(only the database constraint stops the oversell), so these tests can fail.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from billetterie.inventory import services as inventory
from billetterie.inventory.exceptions import SoldOut
from billetterie.inventory.models import DateSeat, Hold, Quota
from tests import factories
from tests.catalog_factories import make_event_with_date, make_venue
from tests.concurrency.race import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BUYERS = 200
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def hall(require_postgres):
    organizer, shop, _ = factories.make_tenant()
    venue, standing, numbered = make_venue(
        organizer, free=50, seat_rows=("A", "B", "C"), seats_per_row=10
    )
    _event, date = make_event_with_date(shop, venue)
    return date, standing, numbered


def taken_places(date, zone) -> int:
    if zone.is_numbered:
        return DateSeat.objects.filter(date=date, seat__zone=zone, hold__isnull=False).count()
    return Quota.objects.get(date=date, zone=zone, price__isnull=True).taken


def assert_exactly_capacity(outcomes, date, zone, capacity):
    errors = [o for o in outcomes if o[0] == "error"]
    assert not errors, errors[:5]
    assert len(outcomes) == BUYERS
    sold = sum(n for kind, n in outcomes if kind == "ok")
    assert taken_places(date, zone) == sold <= capacity
    assert any(kind == "sold_out" for kind, _ in outcomes)
    # each refusal asked for more than what was left, so fewer than 4 places can remain;
    # topping up one by one must reach the capacity exactly, then refuse
    top_up = 0
    while True:
        try:
            inventory.hold(date=date, zone=zone, quantity=1, ttl=None)
            top_up += 1
        except SoldOut:
            break
    assert top_up < 4
    assert sold + top_up == capacity == taken_places(date, zone)
    assert (
        Hold.objects.filter(date=date, zone=zone).count()
        == sum(1 for kind, _ in outcomes if kind == "ok") + top_up
    )
    call_command("check-inventory")  # exits 1 on drift


@pytest.mark.parametrize("zone_kind", ["quota", "seats"])
def test_threads_never_oversell(hall, zone_kind):
    date, standing, numbered = hall
    zone, capacity = (standing, 50) if zone_kind == "quota" else (numbered, 30)
    outcomes = race(date_id=date.pk, zone_id=zone.pk, buyers=BUYERS, seed=7)
    assert_exactly_capacity(outcomes, date, zone, capacity)


@pytest.mark.parametrize("zone_kind", ["quota", "seats"])
def test_two_processes_never_oversell(hall, zone_kind):
    date, standing, numbered = hall
    zone, capacity = (standing, 50) if zone_kind == "quota" else (numbered, 30)
    settings_dict = connection.settings_dict
    url = (
        f"postgres://{settings_dict['USER']}:{settings_dict['PASSWORD'] or ''}@"
        f"{settings_dict['HOST'] or '127.0.0.1'}:{settings_dict['PORT'] or 5432}/"
        f"{settings_dict['NAME']}"
    )
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    half = BUYERS // 2
    processes = [
        subprocess.Popen(  # noqa: S603 - our own interpreter and module, fixed arguments
            [
                sys.executable,
                "-m",
                "tests.concurrency.race_process",
                str(date.pk),
                str(zone.pk),
                str(half),
                str(seed),
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for seed in (1, 2)
    ]
    outcomes = []
    for process in processes:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err[-2000:]
        outcomes += [tuple(o) for o in json.loads(out.strip().splitlines()[-1])]
    assert_exactly_capacity(outcomes, date, zone, capacity)


def test_control_the_naive_version_races(hall):
    """Proof that the race is real: the naive read-check-write lets buyers through on stale
    reads; only the database's `taken <= size` constraint stops the oversell, as errors."""
    date, standing, _ = hall
    outcomes = race(date_id=date.pk, zone_id=standing.pk, buyers=BUYERS, seed=7, protected=False)
    stale_writes = [o for o in outcomes if o[0] == "error" and "quota_never_over" in o[1]]
    assert stale_writes, "the naive version should lose the race at least once"
    assert Quota.objects.get(date=date, zone=standing, price__isnull=True).taken <= 50
