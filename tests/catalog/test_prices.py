"""Prices (CAT-4) and the rules of ticket types (CAT-8, CAT-9)."""

from decimal import Decimal

import pytest

from billetterie.catalog.exceptions import CatalogLocked, PayWhatYouWantRefused, PriceBelowMinimum
from billetterie.catalog.models import Price
from billetterie.catalog.services import options, prices
from billetterie.catalog.services.events import event_create
from billetterie.core.exceptions import InvalidInput, PermissionRefused
from billetterie.inventory import services as inventory
from tests import factories
from tests.catalog_factories import make_event_with_date, make_price, make_venue

pytestmark = pytest.mark.django_db


@pytest.fixture
def concert(organizer, shop):
    venue, standing, _numbered = make_venue(organizer)
    event, date = make_event_with_date(shop, venue)
    return event, date, standing


def pwyw(event, zone, minimum):
    return prices.price_create(
        event=event,
        actor=None,
        zone=zone,
        name="Libre",
        kind=Price.Kind.PAY_WHAT_YOU_WANT,
        amounts={event.shop.currency: Decimal(minimum)},
    )


def test_fixed_price_stores_exact_amount(concert):
    event, _date, standing = concert
    price = make_price(event, standing, amount="29.90")
    assert price.amounts.get().amount == Decimal("29.90")


def test_free_price_costs_nothing(concert):
    event, _date, standing = concert
    price = prices.price_create(
        event=event, actor=None, zone=standing, name="Invité", kind=Price.Kind.FREE, amounts={}
    )
    assert price.amounts.get().amount == Decimal("0.00")


@pytest.mark.parametrize("minimum", ["0", "1.50", "2.00"])
def test_pay_what_you_want_minimum_must_exceed_two(concert, minimum):
    event, _date, standing = concert
    with pytest.raises(PriceBelowMinimum):
        pwyw(event, standing, minimum)
    assert not event.prices.exists()


def test_pay_what_you_want_above_two_is_fine(concert):
    event, _date, standing = concert
    assert pwyw(event, standing, "2.01").amounts.get().amount == Decimal("2.01")


def test_pay_what_you_want_refused_in_lausanne_with_entertainment_tax(organizer, shop):
    venue, standing, _ = make_venue(organizer, city="Lausanne")
    taxed = event_create(shop=shop, actor=None, name="Taxé", venue=venue, entertainment_tax=True)
    with pytest.raises(PayWhatYouWantRefused) as refused:
        pwyw(taxed, standing, "10")
    assert "Lausanne" in str(refused.value.message)
    untaxed = event_create(shop=shop, actor=None, name="Libre", venue=venue)
    assert pwyw(untaxed, standing, "10")


def test_amount_in_the_shop_currency_is_required(concert):
    event, _date, standing = concert
    with pytest.raises(InvalidInput):
        prices.price_create(
            event=event,
            actor=None,
            zone=standing,
            name="Euro",
            kind=Price.Kind.FIXED,
            amounts={"EUR": Decimal("10")},
        )


def test_zone_of_another_venue_is_refused(concert, organizer):
    event, _date, _ = concert
    _venue, foreign_zone, _ = make_venue(organizer)
    with pytest.raises(PermissionRefused):
        make_price(event, foreign_zone)


def test_view_level_staff_cannot_create_prices(concert, organizer):
    event, _date, standing = concert
    viewer = factories.make_staff()
    factories.grant(organizer, factories.Level.VIEW, user=viewer)
    with pytest.raises(PermissionRefused):
        prices.price_create(
            event=event,
            actor=viewer,
            zone=standing,
            name="X",
            kind="fixed",
            amounts={"CHF": Decimal("5")},
        )


def test_options_only_while_nothing_ordered(concert):
    event, date, standing = concert
    price = make_price(event, standing)
    group = options.option_group_create(price=price, actor=None, name="Repas")
    meal = options.option_create(
        price=price, actor=None, name="Végétarien", amount=Decimal("25"), group=group
    )
    parking = options.option_create(price=price, actor=None, name="Parking", amount=Decimal("8"))
    assert sorted(o.name for o in price.options.all()) == ["Parking", "Végétarien"]
    inventory.hold(date=date, zone=standing, price=price, quantity=1)
    with pytest.raises(CatalogLocked):
        options.option_create(price=price, actor=None, name="Programme", amount=Decimal("5"))
    with pytest.raises(CatalogLocked):
        options.option_update(option=meal, actor=None, name="Vegan", amount=Decimal("20"))
    with pytest.raises(CatalogLocked):
        options.option_delete(option=parking, actor=None)
    with pytest.raises(CatalogLocked):
        options.price_delete(price=price, actor=None)
    assert price.options.count() == 2


def test_kind_never_changes_and_audience_locks_once_ordered(concert):
    event, date, standing = concert
    price = make_price(event, standing)
    with pytest.raises(CatalogLocked):
        options.price_update(price=price, actor=None, kind=Price.Kind.FREE)
    options.price_update(price=price, actor=None, audience="Membres")
    inventory.hold(date=date, zone=standing, price=price, quantity=1)
    with pytest.raises(CatalogLocked):
        options.price_update(price=price, actor=None, audience="Tous")
    options.price_update(price=price, actor=None, name="Plein", max_per_order=6)
    price.refresh_from_db()
    assert (price.name, price.max_per_order, price.audience) == ("Plein", 6, "Membres")


def test_unordered_price_can_be_deleted(concert):
    event, _date, standing = concert
    price = make_price(event, standing)
    options.price_delete(price=price, actor=None)
    assert not event.prices.exists()


def test_price_settings_are_checked_by_the_service(concert):
    from datetime import timedelta

    from django.utils import timezone

    event, _date, standing = concert
    now = timezone.now()
    with pytest.raises(InvalidInput):
        prices.price_create(
            event=event,
            actor=None,
            zone=standing,
            name="Early",
            kind="fixed",
            amounts={"CHF": Decimal("9")},
            sales_start=now,
            sales_end=now - timedelta(days=1),
        )
    price = make_price(event, standing)
    with pytest.raises(InvalidInput):
        options.price_update(price=price, actor=None, name="  ")
    with pytest.raises(InvalidInput):
        options.price_update(price=price, actor=None, sales_start=now, sales_end=now)
    assert event.prices.count() == 1
