"""Property: any interleaving of hold / release / confirm / expire keeps every counter equal
to its recount and never above capacity (ARCHITECTURE "Inventory")."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from billetterie.inventory import services as inventory
from billetterie.inventory.exceptions import HoldExpired, SoldOut
from billetterie.inventory.models import DateSeat, Hold, Quota
from tests import factories
from tests.catalog_factories import make_event_with_date, make_price, make_venue

operation = st.one_of(
    st.tuples(st.just("hold"), st.sampled_from(["free", "seat", "price"]), st.integers(1, 4)),
    st.tuples(st.sampled_from(["release", "confirm", "expire", "cancel"]), st.integers(0, 30)),
    st.tuples(st.just("sweep")),
)


@pytest.mark.django_db
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(operation, min_size=1, max_size=25))
def test_counters_always_match_the_recount(steps):
    # each example runs in a savepoint rolled back at the end: examples do not see each other
    with transaction.atomic():
        run_steps(steps)
        transaction.set_rollback(True)


def run_steps(steps):
    organizer, shop, _ = factories.make_tenant()
    venue, standing, numbered = make_venue(organizer, free=8, seat_rows=("A", "B"), seats_per_row=3)
    event, date = make_event_with_date(shop, venue)
    reduced = make_price(event, standing, name="Réduit", amount="10.00")
    inventory.quota_set(date=date, zone=standing, price=reduced, size=3)
    inventory.quota_set(date=date, size=12)
    holds: list[Hold] = []
    for step in steps:
        kind = step[0]
        try:
            if kind == "hold":
                target, quantity = step[1], step[2]
                zone = numbered if target == "seat" else standing
                price = reduced if target == "price" else None
                holds.append(inventory.hold(date=date, zone=zone, price=price, quantity=quantity))
            elif kind == "sweep":
                past = timezone.now() - timedelta(seconds=1)
                Hold.objects.filter(state=Hold.State.ACTIVE).update(expires_at=past)
                inventory.release_expired()
            elif holds:
                hold = holds[step[1] % len(holds)]
                if kind == "release":
                    inventory.release(hold)
                elif kind == "confirm":
                    inventory.confirm(hold)
                elif kind == "expire":
                    inventory.expire(hold)
                elif kind == "cancel":
                    inventory.release(hold, sold_too=True)
        except (SoldOut, HoldExpired):
            pass
        assert inventory.recount() == []
        for quota in Quota.objects.all():
            assert 0 <= quota.taken <= quota.size
        assert DateSeat.objects.filter(hold__isnull=False).count() <= 6
    counting = sum(h.quantity for h in Hold.objects.filter(date=date, state__in=Hold.COUNTING))
    assert Quota.objects.get(date=date, zone__isnull=True, price__isnull=True).taken == counting
