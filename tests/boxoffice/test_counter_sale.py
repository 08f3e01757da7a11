"""Selling at the counter (BOX-1, PAY-2, PAY-8): the box office channel, cash with change,
the card terminal, reservations paid later, and who may sell what."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from billetterie.boxoffice import services as box
from billetterie.boxoffice.exceptions import NameNeeded, NotEnoughCash
from billetterie.boxoffice.models import CounterPayment
from billetterie.catalog.models import Event, EventDate
from billetterie.core.exceptions import InvalidInput, PermissionRefused
from billetterie.core.models import AuditLogEntry, Level
from billetterie.inventory.models import Hold, Quota
from billetterie.inventory.services import recount
from billetterie.notifications.models import OutboxMessage
from billetterie.orders.exceptions import NotOnSale, OrderNotPayable
from billetterie.orders.models import Order, Ticket
from billetterie.orders.services import cart as carts
from billetterie.orders.services.sellable import Channel, check_sellable
from billetterie.payments.models import Transaction
from tests import factories as f
from tests.boxoffice.conftest import counter_cart, reserve, sell
from tests.catalog_factories import make_event_with_date, make_price

pytestmark = pytest.mark.django_db


def free_places(concert) -> int:
    quota = Quota.objects.get(date=concert.date, zone=concert.standing, price__isnull=True)
    return quota.size - quota.taken


def test_cash_sale_records_the_change_and_pays_the_order(
    shop, concert, cashier, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sale = sell(shop, cashier, concert.date, concert.standing, concert.full, 3, given="100")

    order = sale.order
    assert (order.state, order.total, order.payment_method) == ("paid", Decimal("90.00"), "cash")
    assert sale.change == Decimal("10.00")
    assert order.tickets.filter(state=Ticket.State.VALID).count() == 3
    assert order.email == "" and order.customer is None
    tx = Transaction.objects.get(order=order)
    assert (tx.provider, tx.amount, tx.state) == ("cash", Decimal("90.00"), "succeeded")
    assert tx.reference == "given 100.00 change 10.00"
    payment = CounterPayment.objects.get(order=order)
    assert (payment.amount_given, payment.change, payment.cashier) == (
        Decimal("100.00"),
        Decimal("10.00"),
        cashier,
    )
    kinds = list(order.events.values_list("kind", "actor_label"))
    assert ("placed", "cashier@example.org") in kinds
    assert ("counter_payment", "cashier@example.org") in kinds
    assert AuditLogEntry.objects.filter(action="boxoffice.payment", actor=cashier).count() == 1
    # nobody to email: the tickets are printed at the counter
    assert not OutboxMessage.objects.exists()
    assert free_places(concert) == 20 - 3
    assert Hold.objects.get().state == Hold.State.CONFIRMED
    assert recount() == []


def test_sale_with_an_email_sends_the_tickets(
    shop, concert, cashier, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sale = sell(
            shop,
            cashier,
            concert.date,
            concert.standing,
            concert.full,
            1,
            method="card_terminal",
            terminal_reference="TRM-5521",
            buyer=box.Buyer(email="Ana@Example.org", first_name="Ana", last_name="Muster"),
        )
    order = sale.order
    assert (order.state, order.email, order.payment_method) == (
        "paid",
        "ana@example.org",
        "card_terminal",
    )
    assert order.customer.email == "ana@example.org"
    assert Transaction.objects.get(order=order).reference == "TRM-5521"
    assert sale.change == 0
    (message,) = OutboxMessage.objects.all()
    assert message.to == ["ana@example.org"]


def test_too_little_cash_sells_nothing(shop, concert, cashier):
    cart = counter_cart(shop)
    box.counter_add(
        cart=cart,
        actor=cashier,
        date=concert.date,
        zone=concert.standing,
        price=concert.full,
        quantity=2,
    )
    with pytest.raises(NotEnoughCash) as refused:
        box.counter_sell(cart=cart, actor=cashier, method="cash", amount_given=Decimal("50"))
    assert "less than the amount due (60.00)" in str(refused.value.message)
    assert not Order.objects.exists() and not Transaction.objects.exists()
    assert cart.lines.count() == 1  # the places are still held for the next try
    assert free_places(concert) == 18
    sale = box.counter_sell(cart=cart, actor=cashier, method="cash", amount_given=None)
    assert sale.change == 0 and sale.payment.amount_given == Decimal("60.00")


def test_an_unknown_method_is_refused(shop, concert, cashier):
    with pytest.raises(InvalidInput):
        sell(shop, cashier, concert.date, concert.standing, concert.full, method="testcard")
    assert not Order.objects.exists()


def test_the_box_office_sells_outside_the_online_windows(shop, concert, cashier):
    """Online sales closed yesterday, the label says sold out, and a price is kept for the
    counter: the box office still sells; the shop does not."""
    with pytest.raises(NotOnSale, match="not sold online"):
        check_sellable(date=concert.date, price=concert.reduced)
    past = timezone.now() - timedelta(days=1)
    Event.objects.filter(pk=concert.event.pk).update(
        sales_end=past, sale_status=Event.SaleStatus.SOLD_OUT
    )
    event = Event.objects.get(pk=concert.event.pk)
    date = EventDate.objects.select_related("event").get(pk=concert.date.pk)
    with pytest.raises(NotOnSale):
        check_sellable(date=date, price=concert.full)
    online = carts.cart_for(shop=shop, key=None)
    with pytest.raises(NotOnSale):
        carts.cart_add(
            cart=online, date=date, zone=concert.standing, price=concert.reduced, quantity=1
        )

    sale = sell(shop, cashier, date, concert.standing, concert.reduced, 2)
    assert sale.order.total == Decimal("40.00")
    assert event.sale_status == Event.SaleStatus.SOLD_OUT


def test_the_box_office_stops_after_the_show_and_on_cancelled_dates(shop, concert, cashier):
    date = concert.date
    during = date.starts_at + timedelta(hours=1)
    check_sellable(date=date, price=concert.full, channel=Channel.BOX_OFFICE, now=during)
    with pytest.raises(NotOnSale, match="over"):
        check_sellable(
            date=date,
            price=concert.full,
            channel=Channel.BOX_OFFICE,
            now=date.starts_at + timedelta(hours=4),
        )
    EventDate.objects.filter(pk=date.pk).update(is_cancelled=True)
    date.refresh_from_db()
    with pytest.raises(NotOnSale, match="cancelled"):
        sell(shop, cashier, date, concert.standing, concert.full)
    assert not Hold.objects.exists()


def test_hidden_prices_are_not_sold_at_the_counter(shop, concert, cashier):
    from billetterie.catalog.models import Price

    Price.objects.filter(pk=concert.full.pk).update(visibility=Price.Visibility.HIDDEN)
    concert.full.refresh_from_db()
    with pytest.raises(NotOnSale, match="not sold at the box office"):
        sell(shop, cashier, concert.date, concert.standing, concert.full)


def test_only_box_office_staff_sell(shop, organizer, concert):
    viewer = f.make_staff()
    f.grant(organizer, Level.VIEW, user=viewer, shop=shop)
    with pytest.raises(PermissionRefused):
        sell(shop, viewer, concert.date, concert.standing, concert.full)
    scanner = f.make_staff()
    f.grant(organizer, Level.SCAN, user=scanner)
    with pytest.raises(PermissionRefused):
        sell(shop, scanner, concert.date, concert.standing, concert.full)
    assert not Hold.objects.exists()


def test_an_event_grant_sells_that_event_only(shop, organizer, concert):
    other_event, other_date = make_event_with_date(shop, concert.event.venue, name="Other")
    other_price = make_price(other_event, concert.standing, amount="15.00")
    seller = f.make_staff()
    f.grant(organizer, Level.BOX_OFFICE, user=seller, shop=shop, event_id=concert.event.pk)

    sale = sell(shop, seller, concert.date, concert.standing, concert.full)
    assert sale.order.state == "paid"
    with pytest.raises(PermissionRefused):
        sell(shop, seller, other_date, concert.standing, other_price)


def test_a_price_of_another_shop_is_refused(shop, concert, cashier, other_tenant):
    _other_org, other_shop, _manager = other_tenant
    cart = counter_cart(other_shop)
    with pytest.raises(NotOnSale):
        box.counter_add(
            cart=cart,
            actor=cashier,
            date=concert.date,
            zone=concert.standing,
            price=concert.full,
        )


def test_a_reservation_keeps_the_places_until_paid_at_the_counter(
    shop, concert, cashier, django_capture_on_commit_callbacks
):
    cart = counter_cart(shop)
    box.counter_add(
        cart=cart,
        actor=cashier,
        date=concert.date,
        zone=concert.standing,
        price=concert.full,
        quantity=2,
    )
    with pytest.raises(NameNeeded):
        box.counter_reserve(cart=cart, actor=cashier, buyer=box.Buyer(phone="079 000 00 00"))
    assert not Order.objects.exists()

    order = box.counter_reserve(
        cart=cart, actor=cashier, buyer=box.Buyer(first_name="Marc", last_name="Dupont")
    )
    assert (order.state, order.expires_at, order.payment_method) == ("pending", None, "onsite")
    assert order.email == "" and not Transaction.objects.exists()
    assert free_places(concert) == 18

    with django_capture_on_commit_callbacks(execute=True):
        sale = box.order_pay(
            order=order, actor=cashier, method="cash", amount_given=Decimal("70.00")
        )
    assert (sale.order.state, sale.change) == ("paid", Decimal("10.00"))
    with pytest.raises(OrderNotPayable):
        box.order_pay(order=order, actor=cashier, method="cash")
    assert Transaction.objects.filter(order=order).count() == 1
    assert recount() == []


def test_a_reservation_with_an_email_gets_its_confirmation(
    shop, concert, cashier, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        order = reserve(shop, cashier, concert, 1)
    assert order.customer.email == "lea@example.org"
    assert OutboxMessage.objects.get().to == ["lea@example.org"]
    assert order.events.filter(kind="reserved").exists()


@pytest.mark.parametrize(
    ("buyer", "message"),
    [
        ({"first_name": "x" * 121}, "First name: at most 120 characters."),
        ({"phone": "0" * 31}, "Phone: at most 30 characters."),
        ({"email": "not-an-email"}, "“not-an-email” is not a valid email address."),
    ],
)
def test_bad_buyer_details_sell_nothing(shop, concert, cashier, buyer, message):
    with pytest.raises(InvalidInput) as refused:
        sell(
            shop,
            cashier,
            concert.date,
            concert.standing,
            concert.full,
            buyer=box.Buyer(**buyer),
        )
    assert str(refused.value.message) == message
    assert not Order.objects.exists() and not Transaction.objects.exists()
