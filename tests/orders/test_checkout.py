"""Cart → order → payment, through the services (SHOP-2, SHOP-3, PAY-2, PAY-8)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from billetterie.catalog.models import Price
from billetterie.catalog.services import options, prices
from billetterie.inventory.models import Hold, Quota
from billetterie.inventory.services import recount
from billetterie.orders.exceptions import AmountBelowMinimum, CartExpired, NotOnSale
from billetterie.orders.models import Customer, Order, Ticket
from billetterie.orders.services import cart as carts
from billetterie.orders.services import checkout
from billetterie.payments import services as payments
from billetterie.payments.exceptions import MethodUnavailable, PaymentRefused
from billetterie.payments.models import Transaction
from billetterie.payments.providers import testcard
from tests.catalog_factories import make_event_with_date, make_price, make_venue

pytestmark = pytest.mark.django_db

VISA = "4242 4242 4242 4242"


@pytest.fixture
def concert(organizer, shop):
    venue, standing, numbered = make_venue(organizer, free=20)
    event, date = make_event_with_date(shop, venue)
    full = make_price(event, standing, amount="45.00")
    seated = make_price(event, numbered, name="Balcon", amount="60.00")
    payments.shop_methods_set(shop=shop, providers=["free", "testcard", "onsite"])
    return event, date, standing, numbered, full, seated


def place(shop, date, zone, price, quantity=2, **kwargs):
    cart = carts.cart_for(shop=shop, key=None)
    carts.cart_add(cart=cart, date=date, zone=zone, price=price, quantity=quantity, **kwargs)
    return cart, checkout.order_place(
        cart=cart, email="Ana@Example.org", first_name="Ana", last_name="Muster", language="en"
    )


def test_order_has_one_ticket_per_place_and_a_customer(
    shop, concert, django_capture_on_commit_callbacks
):
    _event, date, standing, numbered, full, seated = concert
    cart = carts.cart_for(shop=shop, key=None)
    carts.cart_add(cart=cart, date=date, zone=standing, price=full, quantity=2)
    carts.cart_add(cart=cart, date=date, zone=numbered, price=seated, quantity=1)
    assert carts.cart_read(cart=cart).total == Decimal("150.00")
    order = checkout.order_place(
        cart=cart, email="ana@example.org", first_name="Ana", last_name="Muster", language="en"
    )
    assert (order.number, order.total, order.state) == (1, Decimal("150.00"), "pending")
    tickets = list(order.tickets.all())
    assert len(tickets) == 3 and len({t.secret for t in tickets}) == 3
    assert [t.seat is not None for t in tickets].count(True) == 1
    assert Customer.objects.get(email="ana@example.org").orders.get() == order
    assert not cart.lines.exists()
    assert Hold.objects.filter(state=Hold.State.CONFIRMED).count() == 2
    assert recount() == []


def test_order_numbers_follow_each_other_per_shop(shop, concert):
    _event, date, standing, _n, full, _s = concert
    numbers = [place(shop, date, standing, full, 1)[1].number for _ in range(3)]
    assert numbers == [1, 2, 3]


def test_test_card_with_3ds_pays_and_emails_the_tickets(
    shop, concert, django_capture_on_commit_callbacks
):
    _event, date, standing, _n, full, _s = concert
    _cart, order = place(shop, date, standing, full)
    result = payments.payment_start(order=order, provider_id="testcard")
    tx = Transaction.objects.get(order=order)
    assert result.redirect_url.endswith(f"{tx.secret}/")
    tx = testcard.card_submit(tx=tx, number=VISA, expiry="12/39", cvc="123")
    assert tx.state == "challenge" and tx.card_brand == "visa" and tx.card_last4 == "4242"
    with django_capture_on_commit_callbacks(execute=True):
        testcard.challenge_answer(tx=tx, approved=True)
    order.refresh_from_db()
    assert order.state == Order.State.PAID
    (email,) = mail.outbox
    assert email.to == ["ana@example.org"] and "Your tickets" in email.subject
    _name, content, mimetype = email.attachments[0]
    assert mimetype == "application/pdf" and content.startswith(b"%PDF")
    assert order.secret in email.body


def test_amex_refused_and_declines_keep_the_bank_note(shop, concert):
    _event, date, standing, _n, full, _s = concert
    _cart, order = place(shop, date, standing, full)
    payments.payment_start(order=order, provider_id="testcard")
    tx = Transaction.objects.get(order=order)
    with pytest.raises(PaymentRefused) as amex:
        testcard.card_submit(tx=tx, number="3782 822463 10005", expiry="12/39", cvc="123")
    assert "American Express" in str(amex.value.message)
    retry = Transaction.objects.get(secret=amex.value.params["next_secret"])
    with pytest.raises(PaymentRefused):
        testcard.card_submit(tx=retry, number="4000 0000 0000 0002", expiry="12/39", cvc="123")
    failed = list(Transaction.objects.filter(order=order, state="failed").order_by("id"))
    assert [t.card_brand for t in failed] == ["amex", "visa"]
    assert failed[1].bank_note == "Card declined: insufficient funds."
    order.refresh_from_db()
    assert order.state == Order.State.PENDING


def test_failed_3ds_leaves_the_order_unpaid(shop, concert):
    _event, date, standing, _n, full, _s = concert
    _cart, order = place(shop, date, standing, full)
    payments.payment_start(order=order, provider_id="testcard")
    tx = testcard.card_submit(
        tx=Transaction.objects.get(order=order), number=VISA, expiry="12/39", cvc="123"
    )
    with pytest.raises(PaymentRefused):
        testcard.challenge_answer(tx=tx, approved=False)
    tx.refresh_from_db()
    assert tx.state == "failed" and "3-D Secure" in tx.bank_note
    order.refresh_from_db()
    assert order.state == Order.State.PENDING


def test_pay_on_site_keeps_the_places_and_free_orders_are_paid_at_once(
    shop, concert, django_capture_on_commit_callbacks
):
    event, date, standing, _n, _full, _s = concert
    _cart, order = place(shop, date, standing, concert[4])
    with django_capture_on_commit_callbacks(execute=True):
        payments.payment_start(order=order, provider_id="onsite")
    order.refresh_from_db()
    assert order.state == "pending" and order.expires_at is None
    guest = prices.price_create(
        event=event, actor=None, zone=standing, name="Invité", kind=Price.Kind.FREE, amounts={}
    )
    _cart, free_order = place(shop, date, standing, guest, 1)
    with pytest.raises(MethodUnavailable):
        payments.payment_start(order=free_order, provider_id="testcard")
    with django_capture_on_commit_callbacks(execute=True):
        payments.payment_start(order=free_order, provider_id="free")
    free_order.refresh_from_db()
    assert free_order.state == Order.State.PAID


def test_unpaid_orders_expire_and_free_their_places(shop, concert):
    _event, date, standing, _n, full, _s = concert
    _cart, order = place(shop, date, standing, full, 5)
    assert Quota.objects.get(date=date, zone=standing).taken == 5
    Order.objects.filter(pk=order.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert checkout.orders_expire_due() == 1
    order.refresh_from_db()
    assert order.state == Order.State.EXPIRED
    assert set(order.tickets.values_list("state", flat=True)) == {Ticket.State.CANCELLED}
    assert Quota.objects.get(date=date, zone=standing).taken == 0
    assert recount() == []


def test_an_expired_cart_cannot_be_ordered_and_the_buyer_is_told(shop, concert):
    _event, date, standing, _n, full, _s = concert
    cart = carts.cart_for(shop=shop, key=None)
    line = carts.cart_add(cart=cart, date=date, zone=standing, price=full, quantity=2)
    Hold.objects.filter(pk=line.hold_id).update(expires_at=timezone.now() - timedelta(seconds=1))
    view = carts.cart_read(cart=cart)
    assert view.lines == [] and len(view.dropped) == 1
    assert Quota.objects.get(date=date, zone=standing).taken == 0
    with pytest.raises(Exception) as refused:
        checkout.order_place(cart=cart, email="a@example.org")
    assert refused.value.code in {"cart_empty", CartExpired.code}


def test_pay_what_you_want_refuses_below_the_minimum(shop, concert):
    event, date, standing, _n, _f, _s = concert
    libre = prices.price_create(
        event=event,
        actor=None,
        zone=standing,
        name="Libre",
        kind=Price.Kind.PAY_WHAT_YOU_WANT,
        amounts={"CHF": Decimal("5")},
    )
    cart = carts.cart_for(shop=shop, key=None)
    with pytest.raises(AmountBelowMinimum) as refused:
        carts.cart_add(cart=cart, date=date, zone=standing, price=libre, amount=Decimal("4.99"))
    assert "CHF 5.00" in str(refused.value.message)
    line = carts.cart_add(cart=cart, date=date, zone=standing, price=libre, amount=Decimal("12.50"))
    assert line.unit_amount == Decimal("12.50")


def test_options_add_to_the_price_and_hidden_prices_are_not_sold_online(shop, concert):
    event, date, standing, _n, full, _s = concert
    parking = options.option_create(price=full, actor=None, name="Parking", amount=Decimal("8"))
    cart = carts.cart_for(shop=shop, key=None)
    line = carts.cart_add(cart=cart, date=date, zone=standing, price=full, option_ids=[parking.pk])
    assert line.unit_amount == Decimal("53.00")
    hidden = make_price(event, standing, name="Revendeur", amount="30")
    options.price_update(price=hidden, actor=None, visibility=Price.Visibility.HIDDEN)
    with pytest.raises(NotOnSale):
        carts.cart_add(cart=cart, date=date, zone=standing, price=hidden)


def test_a_cart_key_of_another_shop_is_never_reused(shop, organizer):
    from tests import factories

    other = factories.make_shop(organizer)
    cart = carts.cart_for(shop=shop, key=None)
    assert carts.cart_for(shop=other, key=cart.key).pk != cart.pk


def test_the_cart_cannot_go_past_the_maximum_per_order(shop, concert):
    from billetterie.orders.exceptions import TooManyTickets

    event, date, standing, _n, _f, _s = concert
    limited = make_price(event, standing, name="Réduit", amount="20")
    options.price_update(price=limited, actor=None, max_per_order=3)
    cart = carts.cart_for(shop=shop, key=None)
    line = carts.cart_add(cart=cart, date=date, zone=standing, price=limited, quantity=2)
    with pytest.raises(TooManyTickets):
        carts.cart_update(cart=cart, line_id=line.pk, quantity=4)
    assert carts.cart_update(cart=cart, line_id=line.pk, quantity=3).quantity == 3
    assert Quota.objects.get(date=date, zone=standing).taken == 3
