"""Two counters on one reservation at once, on PostgreSQL (BOX-4, PAY-8): cashiers pay it
whole while others split tickets off it. Every ticket ends paid once at most, every
payment is one transaction for exactly what it paid, and the counters match the holds."""

import threading
from decimal import Decimal

import pytest
from django.db import connections

from billetterie.boxoffice import services as box
from billetterie.boxoffice.models import CounterPayment
from billetterie.core.exceptions import DomainError
from billetterie.inventory.services import recount
from billetterie.orders.models import Order, Ticket
from billetterie.payments.models import Transaction
from tests.boxoffice.conftest import make_cashier, make_concert, reserve

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

TICKETS = 6
CASHIERS = 10


def test_paying_and_splitting_one_reservation_at_once(require_postgres, organizer, shop):
    concert = make_concert(organizer, shop)
    cashiers = [make_cashier(organizer, shop, f"c{n}@example.org") for n in range(CASHIERS)]
    reservation = reserve(shop, cashiers[0], concert, TICKETS)
    ticket_ids = list(reservation.tickets.order_by("pk").values_list("pk", flat=True))
    barrier = threading.Barrier(CASHIERS)
    outcomes, lock = [], threading.Lock()

    def cashier(n: int):
        try:
            barrier.wait(timeout=60)
            try:
                if n % 2:
                    sale = box.order_pay(order=reservation, actor=cashiers[n], method="cash")
                else:
                    sale = box.reservation_split(
                        order=reservation,
                        ticket_ids=[ticket_ids[n // 2]],
                        actor=cashiers[n],
                        method="card_terminal",
                    )
                outcome = ("ok", sale.order.pk, sale.payment.amount)
            except DomainError as refusal:
                outcome = ("refused", refusal.code, None)
            finally:
                connections.close_all()
        except Exception as error:
            outcome = ("error", repr(error), None)
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=cashier, args=(n,)) for n in range(CASHIERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert len(outcomes) == CASHIERS
    assert [o for o in outcomes if o[0] == "error"] == []
    refusals = {o[1] for o in outcomes if o[0] == "refused"}
    assert refusals <= {"order_not_payable", "split_refused"}
    paid = [o for o in outcomes if o[0] == "ok"]
    assert paid, "someone must have been served"
    # one transaction and one counter payment per success, for what the order cost
    assert Transaction.objects.count() == CounterPayment.objects.count() == len(paid)
    for _ok, order_id, amount in paid:
        order = Order.objects.get(pk=order_id)
        assert order.state == Order.State.PAID
        assert amount == order.total == Decimal("30.00") * order.tickets.count()
    # every ticket is in exactly one order; the paid ones were paid once
    assert Ticket.objects.count() == TICKETS
    paid_tickets = Ticket.objects.filter(order__state=Order.State.PAID).count()
    assert sum(amount for *_x, amount in paid) == Decimal("30.00") * paid_tickets
    left = Order.objects.get(pk=reservation.pk)
    if left.state == Order.State.PENDING:
        assert left.total == Decimal("30.00") * left.tickets.count()
    assert recount() == []
