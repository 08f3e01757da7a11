"""SHOP-6 use limits on PostgreSQL: 30 buyers holding the same promo code check out at once
when it has 5 uses left. Exactly 5 orders get the reduction; the others are refused with a
clear message, keep their cart, and nothing is half-written."""

import threading
from decimal import Decimal

import pytest
from django.db import connections

from billetterie.inventory.services import recount
from billetterie.orders.exceptions import PromotionUsedUp
from billetterie.orders.models import Cart, Order, Promotion, Ticket
from billetterie.orders.services import cart as carts
from billetterie.orders.services import checkout, promotions
from tests import factories
from tests.catalog_factories import make_event_with_date, make_price, make_venue

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BUYERS = 30
USES_LEFT = 5


def test_the_last_uses_of_a_promo_code_go_to_exactly_that_many_orders(require_postgres):
    organizer, shop, _ = factories.make_tenant()
    venue, standing, _ = make_venue(organizer, free=200, seat_rows=())
    event, date = make_event_with_date(shop, venue)
    price = make_price(event, standing, amount="40.00")
    code = promotions.promotion_create(
        shop=shop,
        actor=None,
        name="Last ones",
        kind="code",
        code="LAST5",
        reduction="fixed",
        value=Decimal("10.00"),
        max_uses=USES_LEFT + 3,
    )
    Promotion.objects.filter(pk=code.pk).update(uses=3)
    cart_list = []
    for n in range(BUYERS):
        cart = carts.cart_for(shop=shop, key=None)
        carts.cart_add(cart=cart, date=date, zone=standing, price=price, quantity=1)
        promotions.cart_apply_code(cart=cart, code="LAST5", client_ip=f"10.0.{n}.1")
        cart_list.append(cart)
    barrier = threading.Barrier(BUYERS)
    outcomes, lock = [], threading.Lock()

    def buyer(n: int):
        try:
            barrier.wait(timeout=60)
            try:
                order = checkout.order_place(cart=cart_list[n], email=f"b{n}@example.org")
                outcome = ("ok", order.total)
            except PromotionUsedUp as refusal:
                outcome = ("used_up", refusal.message)
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
    placed = [total for kind, total in outcomes if kind == "ok"]
    refused = [message for kind, message in outcomes if kind == "used_up"]
    assert placed == [Decimal("30.00")] * USES_LEFT
    assert len(refused) == BUYERS - USES_LEFT
    assert set(refused) == {PromotionUsedUp.default_message}
    assert Promotion.objects.get(pk=code.pk).uses == USES_LEFT + 3
    # the refused buyers keep their cart and their places; no stray order or ticket
    assert Order.objects.count() == USES_LEFT == Ticket.objects.count()
    assert Cart.objects.filter(lines__isnull=False).distinct().count() == BUYERS - USES_LEFT
    assert recount() == []
