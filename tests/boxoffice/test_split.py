"""Splitting a reservation (BOX-4): chosen tickets go to a new paid order, the original
keeps the rest; places, totals and both orders' history stay right."""

from decimal import Decimal

import pytest

from billetterie.boxoffice import services as box
from billetterie.boxoffice.exceptions import SplitRefused
from billetterie.core.exceptions import PermissionRefused
from billetterie.core.models import AuditLogEntry, Level
from billetterie.inventory.models import DateSeat, Hold, Quota
from billetterie.inventory.services import recount
from billetterie.orders.models import Order, Ticket
from billetterie.orders.search import orders_matching
from billetterie.orders.services import order_admin
from billetterie.payments.models import Transaction
from tests import factories as f
from tests.boxoffice.conftest import reserve, sell

pytestmark = pytest.mark.django_db


def free_places(concert) -> int:
    quota = Quota.objects.get(date=concert.date, zone=concert.standing, price__isnull=True)
    return quota.size - quota.taken


def test_two_of_four_tickets_are_paid_and_two_stay_reserved(
    shop, concert, cashier, django_capture_on_commit_callbacks
):
    reservation = reserve(shop, cashier, concert, 4)
    tickets = list(reservation.tickets.order_by("pk"))
    assert Hold.objects.get().quantity == 4

    with django_capture_on_commit_callbacks(execute=True):
        sale = box.reservation_split(
            order=reservation,
            ticket_ids=[tickets[0].pk, tickets[2].pk],
            actor=cashier,
            method="cash",
            amount_given=Decimal("100"),
        )

    paid = sale.order
    reservation.refresh_from_db()
    assert paid.pk != reservation.pk and paid.number == reservation.number + 1
    assert (paid.state, paid.total, paid.payment_method) == ("paid", Decimal("60.00"), "cash")
    assert sale.change == Decimal("40.00")
    assert (reservation.state, reservation.total, reservation.expires_at) == (
        "pending",
        Decimal("60.00"),
        None,
    )
    assert sorted(paid.tickets.values_list("pk", flat=True)) == [tickets[0].pk, tickets[2].pk]
    assert sorted(reservation.tickets.values_list("pk", flat=True)) == [
        tickets[1].pk,
        tickets[3].pk,
    ]
    # the buyer and customer follow the tickets
    assert (paid.email, paid.first_name, paid.customer_id) == (
        reservation.email,
        "Léa",
        reservation.customer_id,
    )
    # each order owns its own places now
    holds = {t.order_id: t.hold_id for t in Ticket.objects.all()}
    assert holds[paid.pk] != holds[reservation.pk]
    assert sorted(Hold.objects.filter(state="confirmed").values_list("quantity", flat=True)) == [
        2,
        2,
    ]
    assert free_places(concert) == 20 - 4
    assert recount() == []
    # the payment is on the new order only
    assert Transaction.objects.get().order_id == paid.pk
    # both histories tell what happened; the audit log too
    assert reservation.events.filter(kind="split", data__new_order=paid.code).exists()
    assert paid.events.filter(kind="split_from", data__from_order=reservation.code).exists()
    assert paid.events.filter(kind="paid").exists()
    assert AuditLogEntry.objects.filter(action="boxoffice.split", actor=cashier).exists()
    # both are found by the buyer's name
    found = orders_matching(Order.objects.filter(shop=shop), "lea muster")
    assert set(found) == {paid, reservation}

    # Cancelling what stays reserved gives back its two places only.
    manager = f.make_staff()
    f.grant(shop.organizer, Level.MANAGE, user=manager)
    order_admin.order_cancel(order=reservation, actor=manager)
    assert free_places(concert) == 20 - 2
    assert paid.tickets.filter(state=Ticket.State.VALID).count() == 2
    assert recount() == []


def test_seats_stay_with_their_tickets(shop, concert, cashier):
    seats = list(concert.numbered.seats.order_by("pk").values_list("pk", flat=True)[:3])
    reservation = reserve(shop, cashier, concert, seats=seats)
    middle = reservation.tickets.get(seat_id=seats[1])

    sale = box.reservation_split(
        order=reservation, ticket_ids=[middle.pk], actor=cashier, method="card_terminal"
    )

    for ticket in Ticket.objects.select_related("hold"):
        held = DateSeat.objects.get(date=concert.date, seat_id=ticket.seat_id)
        assert held.hold_id == ticket.hold_id
    assert sale.order.tickets.get().seat_id == seats[1]
    assert sale.order.total == Decimal("60.00")
    assert recount() == []


def test_choosing_every_ticket_just_pays_the_reservation(shop, concert, cashier):
    reservation = reserve(shop, cashier, concert, 2)
    ids = list(reservation.tickets.values_list("pk", flat=True))
    sale = box.reservation_split(order=reservation, ticket_ids=ids, actor=cashier, method="cash")
    assert sale.order.pk == reservation.pk and sale.order.state == "paid"
    assert Order.objects.count() == 1


@pytest.mark.parametrize("choice", ["none", "foreign", "unknown"])
def test_a_split_needs_tickets_of_the_reservation(shop, concert, cashier, choice):
    reservation = reserve(shop, cashier, concert, 2)
    other = reserve(shop, cashier, concert, 1)
    ids = {
        "none": [],
        "foreign": [other.tickets.get().pk],
        "unknown": [reservation.tickets.first().pk, 999999],
    }[choice]
    with pytest.raises(SplitRefused):
        box.reservation_split(order=reservation, ticket_ids=ids, actor=cashier, method="cash")
    assert Order.objects.count() == 2
    assert reservation.tickets.count() == 2
    assert recount() == []


def test_only_reservations_waiting_for_payment_are_split(shop, concert, cashier):
    paid = sell(shop, cashier, concert.date, concert.standing, concert.full, 2).order
    with pytest.raises(SplitRefused, match="Only a reservation"):
        box.reservation_split(
            order=paid, ticket_ids=[paid.tickets.first().pk], actor=cashier, method="cash"
        )


def test_a_split_that_is_not_paid_enough_changes_nothing(shop, concert, cashier):
    reservation = reserve(shop, cashier, concert, 3)
    first = reservation.tickets.first()
    with pytest.raises(box.NotEnoughCash):
        box.reservation_split(
            order=reservation,
            ticket_ids=[first.pk],
            actor=cashier,
            method="cash",
            amount_given=Decimal("10"),
        )
    assert Order.objects.count() == 1
    assert Hold.objects.get(state="confirmed").quantity == 3
    reservation.refresh_from_db()
    assert reservation.total == Decimal("90.00")
    assert recount() == []


def test_reductions_are_shared_in_proportion(shop, concert, cashier):
    reservation = reserve(shop, cashier, concert, 4)
    Order.objects.filter(pk=reservation.pk).update(
        total=Decimal("108.00"),
        discounts=[{"promotion": 1, "name": "Friends", "amount": "12.00"}],
    )
    reservation.refresh_from_db()
    ids = list(reservation.tickets.values_list("pk", flat=True))[:1]
    sale = box.reservation_split(order=reservation, ticket_ids=ids, actor=cashier, method="cash")
    reservation.refresh_from_db()
    assert sale.order.total == Decimal("27.00")  # 30 less a quarter of 12
    assert sale.order.discounts[0]["amount"] == "3.00"
    assert reservation.total == Decimal("81.00")
    assert reservation.discounts[0]["amount"] == "9.00"


def test_a_viewer_cannot_split(shop, organizer, concert, cashier):
    reservation = reserve(shop, cashier, concert, 2)
    viewer = f.make_staff()
    f.grant(organizer, Level.VIEW, user=viewer)
    with pytest.raises(PermissionRefused):
        box.reservation_split(
            order=reservation,
            ticket_ids=[reservation.tickets.first().pk],
            actor=viewer,
            method="cash",
        )
    assert Order.objects.count() == 1
