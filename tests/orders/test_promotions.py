"""Promotions (SHOP-6): the pricing rule, promo codes and their limits."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from billetterie.core.exceptions import InvalidInput, PermissionRefused, RateLimited
from billetterie.core.models import AuditLogEntry, Level
from billetterie.orders.exceptions import PromotionRefused, PromotionUsedUp
from billetterie.orders.models import Promotion
from billetterie.orders.services import cart as carts
from billetterie.orders.services import checkout
from billetterie.orders.services import promotions as promos
from tests import factories as f
from tests.catalog_factories import make_event_with_date, make_price, make_venue

pytestmark = pytest.mark.django_db
IP = "203.0.113.9"


@pytest.fixture
def setup(organizer, shop):
    venue, standing, _numbered = make_venue(organizer, free=50)
    event, date = make_event_with_date(shop, venue)
    full = make_price(event, standing, amount="40.00")
    young = make_price(event, standing, name="Jeune", amount="20.00")
    other, other_date = make_event_with_date(shop, venue, name="Other")
    other_price = make_price(other, standing, name="Plein autre", amount="30.00")
    return {
        "date": date,
        "zone": standing,
        "full": full,
        "young": young,
        "event": event,
        "other": other,
        "other_date": other_date,
        "other_price": other_price,
    }


def cart_with(shop, s, *items):
    cart = carts.cart_for(shop=shop, key=None)
    for price, quantity in items:
        date = s["other_date"] if price == s["other_price"] else s["date"]
        carts.cart_add(cart=cart, date=date, zone=s["zone"], price=price, quantity=quantity)
    return cart


def promo(shop, **values):
    values.setdefault("name", "Promo")
    values.setdefault("kind", "automatic")
    values.setdefault("reduction", "percent")
    values.setdefault("value", Decimal("10"))
    return promos.promotion_create(shop=shop, actor=None, **values)


def amounts(cart):
    return [(d.promotion.name, d.amount) for d in carts.cart_read(cart=cart).discounts]


def test_percent_applies_to_the_whole_cart(shop, setup):
    promo(shop, value=Decimal("10"))
    cart = cart_with(shop, setup, (setup["full"], 2))
    view = carts.cart_read(cart=cart)
    assert view.total == Decimal("80.00")
    assert amounts(cart) == [("Promo", Decimal("8.00"))]
    assert view.to_pay == Decimal("72.00")


def test_fixed_is_once_per_order_and_capped_by_the_targeted_amount(shop, setup):
    promo(shop, reduction="fixed", value=Decimal("50"), prices=[setup["young"]])
    cart = cart_with(shop, setup, (setup["full"], 1), (setup["young"], 1))
    assert amounts(cart) == [("Promo", Decimal("20.00"))]
    assert carts.cart_read(cart=cart).to_pay == Decimal("40.00")


def test_targets_limit_the_lines(shop, setup):
    promo(shop, value=Decimal("50"), events=[setup["other"]])
    cart = cart_with(shop, setup, (setup["full"], 1), (setup["other_price"], 2))
    assert amounts(cart) == [("Promo", Decimal("30.00"))]


def test_automatic_needs_its_threshold_and_only_the_best_applies(shop, setup):
    promo(shop, name="Group", value=Decimal("10"), min_tickets=4)
    promo(shop, name="Small", reduction="fixed", value=Decimal("5"))
    cart = cart_with(shop, setup, (setup["full"], 3))
    assert amounts(cart) == [("Small", Decimal("5.00"))]
    carts.cart_add(cart=cart, date=setup["date"], zone=setup["zone"], price=setup["full"])
    assert amounts(cart) == [("Group", Decimal("16.00"))]


def test_code_adds_to_the_best_automatic_without_going_negative(shop, setup):
    promo(shop, name="Auto", value=Decimal("50"))
    promo(shop, name="Code", kind="code", code="big", reduction="fixed", value=Decimal("500"))
    cart = cart_with(shop, setup, (setup["full"], 1))
    promos.cart_apply_code(cart=cart, code="BIG", client_ip=IP)
    assert amounts(cart) == [("Auto", Decimal("20.00")), ("Code", Decimal("20.00"))]
    assert carts.cart_read(cart=cart).to_pay == Decimal("0.00")


def test_validity_and_active_flag(shop, setup):
    now = timezone.now()
    promo(shop, name="Later", valid_from=now + timedelta(days=1))
    promo(shop, name="Past", valid_until=now - timedelta(days=1))
    promo(shop, name="Off", active=False)
    cart = cart_with(shop, setup, (setup["full"], 1))
    assert amounts(cart) == []


def test_code_is_case_insensitive_and_unique_per_shop(shop, setup):
    promo(shop, kind="code", code="Ete 24")
    assert Promotion.objects.get().code == "ETE24"
    with pytest.raises(InvalidInput):
        promo(shop, kind="code", code="ete24")
    cart = cart_with(shop, setup, (setup["full"], 1))
    promos.cart_apply_code(cart=cart, code=" ete24 ", client_ip=IP)
    assert cart.promo_code == "ETE24"


def test_percent_must_be_within_0_and_100(shop):
    for value in ("0", "101"):
        with pytest.raises(InvalidInput):
            promo(shop, value=Decimal(value))


def test_code_errors_are_clear(shop, setup):
    now = timezone.now()
    promo(shop, name="Old", kind="code", code="OLD", valid_until=now - timedelta(hours=1))
    promo(shop, name="Gone", kind="code", code="GONE", max_uses=1)
    Promotion.objects.filter(code="GONE").update(uses=1)
    promo(shop, name="Other", kind="code", code="OTHER", events=[setup["other"]])
    cart = cart_with(shop, setup, (setup["full"], 1))
    for code, words in [
        ("NOPE", "does not exist"),
        ("OLD", "not valid at this time"),
        ("GONE", "used up"),
        ("OTHER", "does not apply"),
    ]:
        with pytest.raises(PromotionRefused, match=words):
            promos.cart_apply_code(cart=cart, code=code, client_ip=IP)


def test_ten_wrong_codes_lock_even_the_right_one(shop, setup):
    promo(shop, kind="code", code="RIGHT")
    cart = cart_with(shop, setup, (setup["full"], 1))
    for n in range(10):
        with pytest.raises(PromotionRefused):
            promos.cart_apply_code(cart=cart, code=f"WRONG{n}", client_ip=IP)
    with pytest.raises(RateLimited):
        promos.cart_apply_code(cart=cart, code="RIGHT", client_ip=IP)
    # another cart from the same address is locked too
    other = cart_with(shop, setup, (setup["full"], 1))
    with pytest.raises(RateLimited):
        promos.cart_apply_code(cart=other, code="RIGHT", client_ip=IP)


def test_order_stores_reductions_keeps_ticket_prices_and_counts_uses(shop, setup):
    promo(shop, name="Code", kind="code", code="ONCE", value=Decimal("25"), max_uses=1)
    cart = cart_with(shop, setup, (setup["full"], 2))
    promos.cart_apply_code(cart=cart, code="once", client_ip=IP)
    order = checkout.order_place(cart=cart, email="ana@example.org")
    assert order.total == Decimal("60.00")
    assert order.discounts == [
        {"promotion": Promotion.objects.get().pk, "name": "Code", "amount": "20.00"}
    ]
    assert {t.amount for t in order.tickets.all()} == {Decimal("40.00")}
    assert Promotion.objects.get().uses == 1


def test_a_code_used_up_meanwhile_refuses_the_order(shop, setup):
    promo(shop, kind="code", code="ONCE", max_uses=1)
    first = cart_with(shop, setup, (setup["full"], 1))
    second = cart_with(shop, setup, (setup["full"], 1))
    for cart in (first, second):
        promos.cart_apply_code(cart=cart, code="ONCE", client_ip=IP)
    checkout.order_place(cart=first, email="a@example.org")
    with pytest.raises(PromotionUsedUp):
        checkout.order_place(cart=second, email="b@example.org")
    assert second.lines.count() == 1  # nothing placed


def test_the_use_counter_is_a_conditional_update(shop, setup):
    """Two buyers who both read the last use: only one consumes it."""
    promotion = promo(shop, kind="code", code="ONCE", max_uses=1)
    discount = promos.Discount(promotion, Decimal("1.00"))
    promos.promotions_consume([discount])
    with pytest.raises(PromotionUsedUp):
        promos.promotions_consume([discount])  # the stale object still says uses=0
    assert Promotion.objects.get().uses == 1


def test_managing_needs_manage_and_is_audited(shop, organizer):
    viewer = f.make_staff("viewer@example.org")
    f.grant(organizer, Level.VIEW, user=viewer, shop=shop)
    with pytest.raises(PermissionRefused):
        promos.promotion_create(
            shop=shop, actor=viewer, name="X", kind="automatic", reduction="percent", value=5
        )
    created = promo(shop)
    promos.promotion_update(
        promotion=created,
        actor=None,
        name="Renamed",
        kind="automatic",
        reduction="fixed",
        value=Decimal("3"),
    )
    promos.promotion_delete(promotion=created, actor=None)
    actions = AuditLogEntry.objects.filter(action__startswith="promotion.")
    assert set(actions.values_list("action", flat=True)) == {
        "promotion.create",
        "promotion.update",
        "promotion.delete",
    }
