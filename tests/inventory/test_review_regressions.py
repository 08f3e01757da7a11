"""Regressions found in review: late quotas, mismatched hold requests, deleting sold prices."""

import pytest

from billetterie.catalog.services import options
from billetterie.catalog.services.events import event_create
from billetterie.core.exceptions import InvalidInput, PermissionRefused
from billetterie.inventory import services as inventory
from billetterie.inventory.exceptions import DateNotOnSale, SoldOut
from billetterie.inventory.models import Hold, Quota
from tests import factories
from tests.catalog_factories import make_event_with_date, make_price, make_venue

pytestmark = pytest.mark.django_db


@pytest.fixture
def concert(organizer, shop):
    venue, standing, numbered = make_venue(organizer, free=100)
    event, date = make_event_with_date(shop, venue)
    return event, date, standing, numbered


def test_a_quota_created_after_sales_counts_what_was_sold(concert):
    _event, date, standing, _ = concert
    inventory.confirm(inventory.hold(date=date, zone=standing, quantity=40))
    inventory.hold(date=date, zone=standing, quantity=10)
    with pytest.raises(InvalidInput):
        inventory.quota_set(date=date, size=45)  # 50 already taken
    quota = inventory.quota_set(date=date, size=55)
    assert quota.taken == 50
    inventory.hold(date=date, zone=standing, quantity=5)
    with pytest.raises(SoldOut):
        inventory.hold(date=date, zone=standing, quantity=1)
    assert inventory.recount() == []


def test_recount_notices_a_quota_that_ignores_holds_in_its_scope(concert):
    _event, date, standing, _ = concert
    inventory.hold(date=date, zone=standing, quantity=3)
    quota = inventory.quota_set(date=date, size=10)
    Quota.objects.filter(pk=quota.pk).update(taken=0)
    quota.hold_parts.all().delete()
    assert any(d.what == "quota scope" for d in inventory.recount())


def test_hold_refuses_parts_that_do_not_belong_together(concert, organizer, shop):
    event, date, standing, numbered = concert
    price = make_price(event, standing)
    with pytest.raises(PermissionRefused):  # price of another zone
        inventory.hold(date=date, zone=numbered, price=price, quantity=1)
    _other_venue, foreign_zone, _ = make_venue(organizer)
    with pytest.raises(PermissionRefused):  # zone of another venue
        inventory.hold(date=date, zone=foreign_zone, quantity=1)
    with pytest.raises(InvalidInput):
        inventory.hold(date=date, zone=standing, quantity=10**12)
    with pytest.raises(InvalidInput):
        inventory.hold(date=date, zone=standing, quantity=0)
    date.is_cancelled = True
    date.save()
    with pytest.raises(DateNotOnSale):
        inventory.hold(date=date, zone=standing, quantity=1)
    assert not Hold.objects.exists()


def test_a_price_limited_to_some_dates_is_not_held_on_others(concert):
    event, date, standing, _ = concert
    from datetime import timedelta

    from billetterie.inventory import schedule

    (later,) = schedule.dates_add(
        event=event, actor=None, starts=[(date.starts_at + timedelta(days=7), None)]
    )
    price = make_price(event, standing)
    price.dates.set([date])
    inventory.hold(date=date, zone=standing, price=price, quantity=1)
    with pytest.raises(DateNotOnSale):
        inventory.hold(date=later, zone=standing, price=price, quantity=1)


def test_a_price_with_sales_cannot_be_deleted_even_past_the_check(concert, monkeypatch):
    event, date, standing, _ = concert
    price = make_price(event, standing)
    inventory.confirm(inventory.hold(date=date, zone=standing, price=price, quantity=3))
    # even if the "was it ordered" check were fooled, the database keeps the sale
    monkeypatch.setattr(options, "price_is_ordered", lambda price: False)
    with pytest.raises(options.CatalogLocked):
        options.price_delete(price=price, actor=None)
    assert Hold.objects.filter(price=price).count() == 1
    assert inventory.recount() == []


def test_free_places_never_exceed_the_date_quota(concert):
    _event, date, _standing, numbered = concert
    inventory.quota_set(date=date, size=50)
    assert inventory.date_counts(date).free == 50  # 100 standing + 30 seats, capped
    inventory.hold(date=date, zone=numbered, quantity=2)
    assert inventory.date_counts(date).free == 48


def test_an_event_in_another_shop_cannot_use_this_venue_zone(organizer):
    _other_org, other_shop, _ = factories.make_tenant()
    venue, _standing, _ = make_venue(organizer)
    with pytest.raises(PermissionRefused):
        event_create(shop=other_shop, actor=None, name="Intrus", venue=venue)
