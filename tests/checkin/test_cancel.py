"""Quick cancellation from the scanner (SCAN-5): an unsold pre-printed ticket is cancelled
and its place goes back on sale, with counters that `check-inventory` finds exact."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from billetterie.checkin.exceptions import NotCancellable
from billetterie.checkin.models import TicketCheckinState
from billetterie.checkin.services.cancel import ticket_quick_cancel
from billetterie.checkin.services.redeem import Reason, ticket_redeem
from billetterie.core.exceptions import PermissionRefused
from billetterie.inventory.exceptions import SoldOut
from billetterie.inventory.models import DateSeat, Hold, Quota
from billetterie.inventory.services import recount
from billetterie.orders.models import Order, OrderEvent, Ticket
from billetterie.orders.services import cart as carts
from billetterie.orders.services.ticket_cancel import TicketNotCancellable
from tests.checkin.conftest import place, reserve, scanner_for, sell

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(hall):
    """A session whose profile allows quick cancellation."""
    return scanner_for(hall, quick_cancel=True)


def taken(hall) -> int:
    return Quota.objects.get(date=hall.date, zone=hall.standing, price__isnull=True).taken


def test_quick_cancellation_puts_the_place_back_on_sale(hall, desk):
    order, tickets = reserve(hall, quantity=3)
    assert taken(hall) == 3 and order.total == Decimal("135.00")
    result = ticket_quick_cancel(device=desk, code=tickets[1].secret)
    assert result.ticket.id == tickets[1].pk and not result.order_cancelled
    assert Ticket.objects.get(pk=tickets[1].pk).state == Ticket.State.CANCELLED
    assert taken(hall) == 2
    order.refresh_from_db()
    assert order.state == Order.State.PENDING and order.total == Decimal("90.00")
    # the two tickets left keep their places on a hold of two
    staying = Ticket.objects.filter(order=order, state=Ticket.State.VALID)
    assert staying.count() == 2 and len({t.hold_id for t in staying}) == 1
    assert staying.first().hold.quantity == 2 and staying.first().hold.state == "confirmed"
    assert recount() == []
    call_command("check-inventory")  # exits 1 on drift
    event = OrderEvent.objects.filter(order=order, kind="ticket_cancelled").get()
    assert event.actor_label == f"scanner: {desk.name}" and event.data["ticket"] == tickets[1].pk
    # the cancelled ticket is refused at the door
    assert ticket_redeem(device=desk, code=tickets[1].secret).reason == Reason.CANCELLED


def test_the_freed_place_can_be_bought_again_when_sold_out(hall, desk):
    _order, tickets = reserve(hall, quantity=50)
    cart = carts.cart_for(shop=hall.shop, key=None)
    with pytest.raises(SoldOut):
        carts.cart_add(
            cart=cart, date=hall.date, zone=hall.standing, price=hall.standing_price, quantity=1
        )
    ticket_quick_cancel(device=desk, code=tickets[0].secret)
    line = carts.cart_add(
        cart=cart, date=hall.date, zone=hall.standing, price=hall.standing_price, quantity=1
    )
    assert line.hold.state == Hold.State.ACTIVE and taken(hall) == 50
    assert recount() == []


def test_a_cancelled_seat_is_free_again_and_the_others_stay_held(hall, desk):
    _order, (first, second) = reserve(hall, quantity=2, zone=hall.numbered)
    ticket_quick_cancel(device=desk, code=first.secret)
    freed = DateSeat.objects.get(date=hall.date, seat=first.seat)
    kept = DateSeat.objects.get(date=hall.date, seat=second.seat)
    assert freed.hold is None
    assert kept.hold_id == Ticket.objects.get(pk=second.pk).hold_id
    assert recount() == []
    call_command("check-inventory")


def test_the_last_ticket_cancels_the_order(hall, desk):
    order, (ticket,) = reserve(hall)
    assert ticket_quick_cancel(device=desk, ticket_id=ticket.pk).order_cancelled
    order.refresh_from_db()
    assert order.state == Order.State.CANCELLED and order.total == Decimal("0.00")
    assert taken(hall) == 0 and recount() == []


def test_sold_tickets_and_online_orders_are_not_cancellable(hall, desk):
    _paid, (sold,) = sell(hall)
    online = place(hall).tickets.get()
    for ticket, reason in ((sold, "sold"), (online, "payment_pending")):
        with pytest.raises(NotCancellable) as refusal:
            ticket_quick_cancel(device=desk, code=ticket.secret)
        assert refusal.value.params["reason"] == reason
    assert taken(hall) == 2
    assert not Ticket.objects.filter(state=Ticket.State.CANCELLED).exists()


def test_a_ticket_that_entered_is_not_cancellable(hall, desk):
    _order, (ticket,) = reserve(hall)
    TicketCheckinState.objects.create(ticket=ticket, entries=1, inside=True)
    with pytest.raises(NotCancellable) as refusal:
        ticket_quick_cancel(device=desk, code=ticket.secret)
    assert refusal.value.params["reason"] == "already_used"
    assert Ticket.objects.get(pk=ticket.pk).state == Ticket.State.VALID


def test_unknown_foreign_and_other_date_tickets_are_not_cancellable(hall, other_hall, desk):
    _o, (foreign,) = reserve(other_hall)
    _o, (later,) = reserve(hall, date=hall.other_date)
    for code, reason in (
        ("nothing", "unknown"),
        (foreign.secret, "unknown"),
        (later.secret, "wrong_date"),
    ):
        with pytest.raises(NotCancellable) as refusal:
            ticket_quick_cancel(device=desk, code=code)
        assert refusal.value.params["reason"] == reason
    assert not Ticket.objects.filter(state=Ticket.State.CANCELLED).exists()


def test_a_ticket_is_cancelled_once(hall, desk):
    _order, (one, _two) = reserve(hall, quantity=2)
    ticket_quick_cancel(device=desk, code=one.secret)
    with pytest.raises((NotCancellable, TicketNotCancellable)):
        ticket_quick_cancel(device=desk, code=one.secret)
    assert taken(hall) == 1 and recount() == []


def test_only_sessions_that_allow_it_may_cancel(hall):
    door = scanner_for(hall)
    _order, (ticket,) = reserve(hall)
    with pytest.raises(PermissionRefused):
        ticket_quick_cancel(device=door, code=ticket.secret)
    assert Ticket.objects.get(pk=ticket.pk).state == Ticket.State.VALID
