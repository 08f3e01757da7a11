"""Holds take places from every applicable counter and give them back exactly once."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from billetterie.inventory import services as inventory
from billetterie.inventory.exceptions import HoldExpired, SeatTaken, SoldOut
from billetterie.inventory.models import DateSeat, Hold, Quota
from tests.catalog_factories import make_event_with_date, make_price, make_venue

pytestmark = pytest.mark.django_db


@pytest.fixture
def concert(organizer, shop):
    venue, standing, numbered = make_venue(organizer, free=10)
    event, date = make_event_with_date(shop, venue)
    return event, date, standing, numbered


def zone_quota(date, zone):
    return Quota.objects.get(date=date, zone=zone, price__isnull=True)


def test_a_new_date_gets_a_quota_per_free_zone_and_a_row_per_seat(concert):
    _event, date, standing, numbered = concert
    assert zone_quota(date, standing).size == 10
    assert DateSeat.objects.filter(date=date, seat__zone=numbered).count() == 30


def test_hold_takes_places_and_release_gives_them_back(concert):
    _event, date, standing, _ = concert
    hold = inventory.hold(date=date, zone=standing, quantity=4)
    assert zone_quota(date, standing).taken == 4
    assert inventory.availability(date)[standing.pk].free == 6
    assert inventory.release(hold) is True
    assert inventory.release(hold) is False  # twice gives back once
    assert zone_quota(date, standing).taken == 0


def test_never_more_than_capacity(concert):
    _event, date, standing, _ = concert
    inventory.hold(date=date, zone=standing, quantity=8)
    with pytest.raises(SoldOut) as refused:
        inventory.hold(date=date, zone=standing, quantity=3)
    assert refused.value.code == "sold_out"
    assert zone_quota(date, standing).taken == 8
    inventory.hold(date=date, zone=standing, quantity=2)
    assert zone_quota(date, standing).taken == 10


def test_price_quota_and_date_quota_both_limit(concert):
    event, date, standing, _ = concert
    reduced = make_price(event, standing, name="Étudiant", amount="15.00")
    inventory.quota_set(date=date, price=reduced, zone=standing, size=2)
    inventory.quota_set(date=date, size=9)  # whole date
    inventory.hold(date=date, zone=standing, price=reduced, quantity=2)
    with pytest.raises(SoldOut):
        inventory.hold(date=date, zone=standing, price=reduced, quantity=1)
    inventory.hold(date=date, zone=standing, quantity=7)
    with pytest.raises(SoldOut):  # zone has 1 left but the date quota is full
        inventory.hold(date=date, zone=standing, quantity=1)


def test_numbered_seats_best_available_and_chosen(concert):
    _event, date, _, numbered = concert
    hold = inventory.hold(date=date, zone=numbered, quantity=3)
    seats = list(DateSeat.objects.filter(hold=hold).values_list("seat__row", "seat__number"))
    assert seats == [("A", "1"), ("A", "2"), ("A", "3")]
    a4 = numbered.seats.get(row="A", number="4")
    inventory.hold(date=date, zone=numbered, quantity=1, seat_ids=[a4.pk])
    with pytest.raises(SeatTaken):
        inventory.hold(date=date, zone=numbered, quantity=1, seat_ids=[a4.pk])
    inventory.release(hold)
    assert not DateSeat.objects.filter(hold=hold).exists()


def test_a_failed_seat_claim_takes_nothing_at_all(concert):
    _event, date, _, numbered = concert
    inventory.quota_set(date=date, size=100)
    a1, a2 = numbered.seats.filter(row="A").order_by("column")[:2]
    inventory.hold(date=date, zone=numbered, quantity=1, seat_ids=[a2.pk])
    with pytest.raises(SeatTaken):
        inventory.hold(date=date, zone=numbered, quantity=2, seat_ids=[a1.pk, a2.pk])
    assert DateSeat.objects.get(date=date, seat=a1).hold is None
    assert Quota.objects.get(date=date, zone__isnull=True).taken == 1


def test_confirm_and_expiry_cannot_both_win(concert):
    _event, date, standing, _ = concert
    hold = inventory.hold(date=date, zone=standing, quantity=2, ttl=timedelta(minutes=1))
    assert inventory.expire(hold) is True
    with pytest.raises(HoldExpired):
        inventory.confirm(hold)
    assert zone_quota(date, standing).taken == 0

    other = inventory.hold(date=date, zone=standing, quantity=2)
    inventory.confirm(other)
    assert inventory.expire(other) is False  # a sale is not swept
    assert zone_quota(date, standing).taken == 2
    assert inventory.release(other, sold_too=True) is True  # cancelled sale
    assert zone_quota(date, standing).taken == 0


def test_expired_holds_are_swept_and_lazily_when_sold_out(concert):
    _event, date, standing, _ = concert
    stale = inventory.hold(date=date, zone=standing, quantity=10, ttl=timedelta(minutes=5))
    Hold.objects.filter(pk=stale.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    fresh = inventory.hold(date=date, zone=standing, quantity=3)  # sweeps the stale one
    stale.refresh_from_db()
    assert stale.state == Hold.State.EXPIRED
    assert zone_quota(date, standing).taken == 3
    Hold.objects.filter(pk=fresh.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert inventory.release_expired() == 1
    assert zone_quota(date, standing).taken == 0


def test_quota_cannot_shrink_below_taken(concert):
    from billetterie.core.exceptions import InvalidInput

    _event, date, standing, _ = concert
    inventory.hold(date=date, zone=standing, quantity=6)
    with pytest.raises(InvalidInput):
        inventory.quota_set(date=date, zone=standing, size=5)
    assert inventory.quota_set(date=date, zone=standing, size=6).size == 6


def test_check_inventory_reports_drift_and_exits_1(concert, capsys):
    _event, date, standing, _ = concert
    inventory.hold(date=date, zone=standing, quantity=2)
    call_command("check-inventory")
    assert "inventory ok" in capsys.readouterr().out
    Quota.objects.filter(date=date, zone=standing).update(taken=5)  # simulate a bug
    with pytest.raises(SystemExit) as exit_info:
        call_command("check-inventory")
    assert exit_info.value.code == 1
    assert "counter 5, recount 2" in capsys.readouterr().out


def test_date_counts_show_sold_held_free(concert):
    _event, date, standing, numbered = concert
    inventory.confirm(inventory.hold(date=date, zone=standing, quantity=3))
    inventory.hold(date=date, zone=numbered, quantity=2)
    counts = inventory.date_counts(date)
    assert (counts.sold, counts.held, counts.free) == (3, 2, 7 + 28)
