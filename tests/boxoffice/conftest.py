"""A shop with a concert on sale: a free-placement zone, a numbered one, a box-office-only
price, and a cashier holding the box office level on the shop."""

from dataclasses import dataclass
from decimal import Decimal

import pytest

from billetterie.boxoffice import services as box
from billetterie.catalog.models import Event, EventDate, Price, Zone
from billetterie.core.models import Level, User
from billetterie.orders.models import Cart, Order
from billetterie.orders.services import cart as carts
from billetterie.payments import services as payments
from tests import factories as f
from tests.catalog_factories import make_event_with_date, make_price, make_venue


@dataclass
class Concert:
    event: Event
    date: EventDate
    standing: Zone
    numbered: Zone
    full: Price  # CHF 30, standing
    reduced: Price  # CHF 20, standing, box office only
    seated: Price  # CHF 60, numbered


def make_concert(organizer, shop) -> Concert:
    venue, standing, numbered = make_venue(organizer, free=20)
    event, date = make_event_with_date(shop, venue)
    full = make_price(event, standing, name="Plein tarif", amount="30.00")
    reduced = make_price(event, standing, name="Tarif réduit", amount="20.00")
    Price.objects.filter(pk=reduced.pk).update(visibility=Price.Visibility.BOX_OFFICE)
    reduced.refresh_from_db()
    seated = make_price(event, numbered, name="Balcon", amount="60.00")
    payments.shop_methods_set(shop=shop, providers=["free", "testcard", "onsite"])
    return Concert(event, date, standing, numbered, full, reduced, seated)


def make_cashier(organizer, shop, email="cashier@example.org") -> User:
    user = f.make_staff(email)
    f.grant(organizer, Level.BOX_OFFICE, user=user, shop=shop)
    return user


@pytest.fixture
def concert(organizer, shop) -> Concert:
    return make_concert(organizer, shop)


@pytest.fixture
def cashier(organizer, shop) -> User:
    return make_cashier(organizer, shop)


def counter_cart(shop) -> Cart:
    return carts.cart_for(shop=shop, key=None)


def sell(shop, cashier, date, zone, price, quantity=1, *, method="cash", given=None, **kw):
    cart = counter_cart(shop)
    box.counter_add(cart=cart, actor=cashier, date=date, zone=zone, price=price, quantity=quantity)
    return box.counter_sell(
        cart=cart,
        actor=cashier,
        method=method,
        amount_given=Decimal(given) if given is not None else None,
        **kw,
    )


def reserve(shop, cashier, concert: Concert, quantity=4, *, seats=None, **buyer) -> Order:
    cart = counter_cart(shop)
    if seats:
        box.counter_add(
            cart=cart,
            actor=cashier,
            date=concert.date,
            zone=concert.numbered,
            price=concert.seated,
            seat_ids=seats,
        )
    else:
        box.counter_add(
            cart=cart,
            actor=cashier,
            date=concert.date,
            zone=concert.standing,
            price=concert.full,
            quantity=quantity,
        )
    buyer = buyer or {"first_name": "Léa", "last_name": "Muster", "email": "lea@example.org"}
    return box.counter_reserve(cart=cart, actor=cashier, buyer=box.Buyer(**buyer))
