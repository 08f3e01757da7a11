"""Orders for the documents tests: real carts, real order_place, real payment states."""

import itertools
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from billetterie.orders.models import Order
from billetterie.orders.services import cart as carts
from billetterie.orders.services import checkout
from tests.catalog_factories import make_event_with_date, make_price, make_venue

_numbers = itertools.count(1)


@dataclass
class Concert:
    event: object
    date: object
    standing: object
    numbered: object
    full: object
    seated: object


def make_concert(organizer, shop, *, name="Concert", free=200) -> Concert:
    venue, standing, numbered = make_venue(organizer, free=free)
    event, date = make_event_with_date(shop, venue, name=name)
    full = make_price(event, standing, amount="45.00")
    seated = make_price(event, numbered, name="Balcon", amount="60.00")
    return Concert(event, date, standing, numbered, full, seated)


def order(
    shop,
    concert: Concert,
    first_name: str,
    last_name: str,
    *,
    standing: int = 1,
    seated: int = 0,
    date=None,
    state: str = "paid",
    language: str = "en",
):
    """An order of `standing` + `seated` places; state "paid", "at_door" (pay at the door:
    pending without deadline), "pending" (waiting for an online payment) or "expired"."""
    cart = carts.cart_for(shop=shop, key=None)
    date = date or concert.date
    if standing:
        carts.cart_add(
            cart=cart, date=date, zone=concert.standing, price=concert.full, quantity=standing
        )
    if seated:
        carts.cart_add(
            cart=cart, date=date, zone=concert.numbered, price=concert.seated, quantity=seated
        )
    placed = checkout.order_place(
        cart=cart,
        email=f"buyer{next(_numbers)}@example.org",
        first_name=first_name,
        last_name=last_name,
        language=language,
    )
    if state == "paid":
        placed = checkout.order_paid(order=placed, provider="testcard", reference="T-1")
    elif state == "at_door":
        placed = checkout.order_reserve(order=placed, provider="onsite")
    elif state == "expired":  # its payment window is over
        Order.objects.filter(pk=placed.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
        placed.refresh_from_db()
        assert checkout.order_expire(order=placed)
        placed.refresh_from_db()
    return placed
