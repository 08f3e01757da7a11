"""SHOP-3 through the order services on PostgreSQL: 100 buyers check out at once for 20
places; every place is sold once, every refusal is a clear sold-out, no drift."""

import threading

import pytest
from django.db import connections

from billetterie.inventory.exceptions import SoldOut
from billetterie.inventory.models import Quota
from billetterie.inventory.services import recount
from billetterie.orders.models import Order, Ticket
from billetterie.orders.services import cart as carts
from billetterie.orders.services import checkout
from tests import factories
from tests.catalog_factories import make_event_with_date, make_price, make_venue

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BUYERS = 100
PLACES = 20


def test_concurrent_checkouts_never_oversell(require_postgres):
    organizer, shop, _ = factories.make_tenant()
    venue, standing, _ = make_venue(organizer, free=PLACES, seat_rows=())
    event, date = make_event_with_date(shop, venue)
    price = make_price(event, standing)
    barrier = threading.Barrier(BUYERS)
    slots = threading.BoundedSemaphore(60)
    outcomes, lock = [], threading.Lock()

    def buyer(n: int):
        try:
            barrier.wait(timeout=60)
            with slots:
                try:
                    cart = carts.cart_for(shop=shop, key=None)
                    carts.cart_add(
                        cart=cart, date=date, zone=standing, price=price, quantity=1 + n % 2
                    )
                    checkout.order_place(cart=cart, email=f"buyer{n}@example.org")
                    outcome = ("ok", 1 + n % 2)
                except SoldOut:
                    outcome = ("sold_out", 0)
                finally:
                    connections.close_all()
        except Exception as error:
            outcome = ("error", repr(error))
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=buyer, args=(n,)) for n in range(BUYERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert [o for o in outcomes if o[0] == "error"] == []
    sold = sum(n for kind, n in outcomes if kind == "ok")
    assert sold == Ticket.objects.filter(date=date).count() <= PLACES
    assert PLACES - sold < 2  # a refusal only when fewer places than asked were left
    assert Quota.objects.get(date=date, zone=standing).taken == sold
    numbers = sorted(Order.objects.filter(shop=shop).values_list("number", flat=True))
    assert numbers == list(range(1, len(numbers) + 1))  # no gap, no duplicate
    assert recount() == []
