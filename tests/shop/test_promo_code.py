"""The promo code on the cart page and the reductions on the order, through HTTP (SHOP-6)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from billetterie.orders.models import Order, Promotion
from billetterie.orders.services import promotions
from tests.shop.test_checkout_form import BUYER, add_to_cart, sale, url  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def code(shop):
    return promotions.promotion_create(
        shop=shop,
        actor=None,
        name="Friends",
        kind="code",
        code="AMIS",
        reduction="percent",
        value=Decimal("20"),
    )


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_a_right_code_shows_the_reduced_total_and_the_order_keeps_it(client, sale, code):  # noqa: F811
    shop = sale["shop"]
    add_to_cart(client, sale, sale["full"], 2)
    page = client.post(url("cart_promo", shop), {"code": "amis"}, follow=True)
    assert "The promo code “Friends” is applied." in messages_of(page)
    html = page.text
    assert "Friends" in html and "18.00" in html and "72.00" in html
    client.post(url("checkout", shop), BUYER)
    order = Order.objects.get()
    assert order.total == Decimal("72.00")
    assert order.discounts[0]["name"] == "Friends"
    assert Promotion.objects.get().uses == 1
    order_page = client.get(reverse("shop:order", args=[order.secret]))
    assert "Friends" in order_page.text and "18.00" in order_page.text
    assert "72.00" in order_page.text


def test_a_wrong_code_is_refused_with_a_message_and_can_be_removed(client, sale, code):  # noqa: F811
    shop = sale["shop"]
    add_to_cart(client, sale, sale["full"], 1)
    page = client.post(url("cart_promo", shop), {"code": "NOPE"}, follow=True)
    assert "This promo code does not exist." in messages_of(page)
    client.post(url("cart_promo", shop), {"code": "AMIS"})
    page = client.post(url("cart_promo", shop), {"remove": "1"}, follow=True)
    assert "The promo code is removed." in messages_of(page)
    assert "36.00" not in page.text


def test_ten_wrong_codes_then_the_right_one_is_rate_limited(client, sale, code):  # noqa: F811
    shop = sale["shop"]
    add_to_cart(client, sale, sale["full"], 1)
    for n in range(10):
        client.post(url("cart_promo", shop), {"code": f"BAD{n}"})
    page = client.post(url("cart_promo", shop), {"code": "AMIS"}, follow=True)
    assert any("Too many attempts" in m for m in messages_of(page))
