"""PAY-11 and PAY-5 on PostgreSQL with real concurrent connections: invoices issued at the
same moment get consecutive numbers with no gap even when some of their transactions roll
back after taking a number; two workers running the deadline at once cancel each overdue
order once and send one email each."""

import threading
from datetime import timedelta

import pytest
from django.db import connections, transaction

from billetterie.banking.models import DocumentCounter, Invoice
from billetterie.banking.services import invoices
from billetterie.banking.services.numbering import INVOICE
from billetterie.inventory.services import recount
from billetterie.notifications.models import OutboxMessage
from billetterie.orders.models import Order
from tests import factories
from tests.banking.helpers import far_concert, invoice_shop
from tests.orders.sales import place

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BUYERS = 16
FAILING = {3, 7, 11}  # these transactions roll back after their number was taken


class Abort(Exception):
    pass


def run_together(count, work):
    barrier = threading.Barrier(count)
    outcomes, lock = [], threading.Lock()

    def runner(n):
        try:
            barrier.wait(timeout=60)
            try:
                outcome = ("ok", work(n))
            except Abort:
                outcome = ("aborted", n)
            finally:
                connections.close_all()
        except Exception as error:
            outcome = ("error", repr(error))
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=runner, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    return outcomes


def test_concurrent_invoices_are_numbered_without_gaps(require_postgres):
    organizer, shop, _ = factories.make_tenant()
    invoice_shop(shop)
    concert = far_concert(organizer, shop)
    orders = [place(shop, concert, email=f"b{n}@example.org", quantity=1) for n in range(BUYERS)]

    def issue(n):
        with transaction.atomic():
            invoice = invoices.invoice_issue(order=orders[n])
            if n in FAILING:
                raise Abort
        return invoice.number

    outcomes = run_together(BUYERS, issue)
    assert [o for o in outcomes if o[0] == "error"] == []
    numbers = sorted(value for kind, value in outcomes if kind == "ok")
    assert numbers == list(range(1, BUYERS - len(FAILING) + 1))
    assert DocumentCounter.objects.get(shop=shop, kind=INVOICE).last == BUYERS - len(FAILING)
    assert Invoice.objects.count() == BUYERS - len(FAILING)


def test_two_workers_running_the_deadline_cancel_once(require_postgres):
    organizer, shop, _ = factories.make_tenant()
    invoice_shop(shop)
    concert = far_concert(organizer, shop)
    issued = []
    for n in range(6):
        order = place(shop, concert, email=f"c{n}@example.org", quantity=2)
        issued.append(invoices.invoice_issue(order=order))
    later = max(i.cancel_at for i in issued) + timedelta(minutes=1)
    before = OutboxMessage.objects.count()

    outcomes = run_together(2, lambda n: invoices.invoice_deadlines_run(now=later))
    assert [o for o in outcomes if o[0] == "error"] == []
    assert sum(result["cancelled"] for _kind, result in outcomes) == 6
    assert Order.objects.filter(state=Order.State.CANCELLED).count() == 6
    cancellations = OutboxMessage.objects.filter(subject__contains="cancelled")
    assert cancellations.count() == 6
    assert OutboxMessage.objects.count() - before == 6  # no reminder that late either
    assert recount() == []
