"""Paying by invoice from start to end (PAY-5, PAY-11): the method offered or not, the
invoice issued with a gapless number, the reminders and the cancellation driven by a moving
clock, with the buyer's emails read back from the outbox."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from billetterie.banking.deadlines import DeadlineRule
from billetterie.banking.models import DocumentCounter, Invoice
from billetterie.banking.references import qr_reference_is_valid
from billetterie.banking.services import invoices
from billetterie.banking.services.invoice_payments import invoice_payment_record, open_amount
from billetterie.banking.services.numbering import INVOICE, document_number_next
from billetterie.inventory.models import Hold
from billetterie.inventory.services import recount
from billetterie.orders.models import Order, Ticket
from billetterie.payments import services as payments
from billetterie.payments.exceptions import MethodUnavailable
from tests.banking.helpers import IBAN, far_concert, invoice_shop, pay_by_invoice
from tests.factories import make_shop
from tests.orders.sales import make_concert, place

pytestmark = pytest.mark.django_db


@pytest.fixture
def concert(organizer, shop):
    return far_concert(organizer, shop)


def offered(order) -> bool:
    return "invoice" in [p.identifier for p in payments.methods_for(order)]


def test_invoice_offered_only_with_an_account_the_method_and_in_time(organizer, shop, concert):
    order = place(shop, concert)
    assert not offered(order)  # no account, method not enabled
    invoice_shop(shop)
    assert offered(order)
    assert {"free", "invoice"} <= {m.provider for m in shop.payment_methods.filter(enabled=True)}
    # a concert in 20 days: too close for the default 30 days
    soon = make_concert(organizer, shop, name="Soon")  # its date is 30 days ahead
    soon.date.starts_at = timezone.now() + timedelta(days=20)
    soon.date.save()
    assert not offered(place(shop, soon, email="ben@example.org"))
    with pytest.raises(MethodUnavailable):
        payments.payment_start(
            order=place(shop, soon, email="cleo@example.org"), provider_id="invoice"
        )


def test_invoice_issued_keeps_the_places_and_emails_the_pdf(
    shop, concert, django_capture_on_commit_callbacks
):
    invoice_shop(shop)
    order = place(shop, concert, language="fr")
    assert order.expires_at is not None
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        invoice = pay_by_invoice(order)
    order.refresh_from_db()
    assert (order.state, order.payment_method, order.expires_at) == ("pending", "invoice", None)
    assert invoice.number == 1 and invoice.amount == order.total == 90
    assert qr_reference_is_valid(invoice.qr_reference)
    assert invoice.qr_reference.startswith(f"{shop.pk:08d}")
    assert invoice.due_at == order.created_at + timedelta(days=10)
    assert invoice.cancel_at == order.created_at + timedelta(days=30)
    (email,) = mail.outbox
    assert email.to == ["ana@example.org"]
    assert "Facture 000001" in email.subject  # the buyer's language
    assert email.attachments[0][0] == "invoice-000001.pdf"
    assert email.attachments[0][1].startswith(b"%PDF")
    # choosing invoice again changes nothing
    assert not offered(order)


def test_numbers_have_no_gaps_even_after_a_rollback(organizer, shop, concert):
    invoice_shop(shop)
    first = pay_by_invoice(place(shop, concert))
    with pytest.raises(RuntimeError), transaction.atomic():
        assert document_number_next(shop=shop, kind=INVOICE) == 2
        raise RuntimeError("the order fails after the number was taken")
    second = pay_by_invoice(place(shop, concert, email="ben@example.org"))
    assert (first.number, second.number) == (1, 2)
    assert DocumentCounter.objects.get(shop=shop, kind=INVOICE).last == 2
    # another shop counts on its own
    other_shop = make_shop(organizer)
    other = far_concert(organizer, other_shop)
    invoice_shop(other_shop)
    assert pay_by_invoice(place(other_shop, other)).number == 1


def test_a_normal_iban_gets_a_creditor_reference(shop, concert):
    invoice_shop(shop, iban=IBAN)
    invoice = pay_by_invoice(place(shop, concert))
    assert invoice.qr_reference.startswith("RF")


def test_reminder_reminder_cancellation_with_a_moving_clock(
    shop, concert, django_capture_on_commit_callbacks
):
    invoice_shop(shop, rule=DeadlineRule(reminder_days=5, reminder_count=2))
    order = place(shop, concert, quantity=3, language="en")
    invoice = pay_by_invoice(order)
    placed = order.created_at
    assert invoice.cancel_at == placed + timedelta(days=15)  # D + NxD = 5 + 2x5

    def run(days):
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            result = invoices.invoice_deadlines_run(now=placed + timedelta(days=days))
        invoice.refresh_from_db()
        return result

    assert run(4.9) == {"reminded": 0, "cancelled": 0}
    assert mail.outbox == []

    assert run(5.01) == {"reminded": 1, "cancelled": 0}
    (email,) = mail.outbox
    assert email.subject.startswith("Reminder: invoice 000001")
    assert invoice.reminders_sent == 1
    assert invoice.due_at == placed + timedelta(days=10)  # extended by D
    assert "Please pay CHF 135.00 by" in email.body
    assert email.attachments[0][0] == "invoice-000001.pdf"
    assert run(6) == {"reminded": 0, "cancelled": 0}  # running twice sends nothing twice

    assert run(10.01) == {"reminded": 1, "cancelled": 0}
    assert invoice.reminders_sent == 2 and invoice.next_reminder_at is None
    assert invoice.due_at == placed + timedelta(days=15)
    assert len(mail.outbox) == 1
    assert run(14.9) == {"reminded": 0, "cancelled": 0}

    assert run(15.01) == {"reminded": 0, "cancelled": 1}
    (email,) = mail.outbox
    assert "cancelled" in email.subject and not email.attachments
    assert "its places are back on sale" in email.body
    order.refresh_from_db()
    assert order.state == Order.State.CANCELLED
    assert invoice.cancelled_at is not None and open_amount(invoice) == 0
    assert not order.tickets.filter(state=Ticket.State.VALID).exists()
    assert not Hold.objects.filter(state__in=Hold.COUNTING).exists()
    assert recount() == []
    call_command("check-inventory")  # exits 1 on drift
    assert run(40) == {"reminded": 0, "cancelled": 0}
    assert order.events.filter(kind="invoice_reminder").count() == 2


def test_a_paid_invoice_gets_no_reminder_and_is_not_cancelled(shop, concert):
    invoice_shop(shop)
    order = place(shop, concert)
    invoice = pay_by_invoice(order)
    invoice_payment_record(invoice=invoice, amount=order.total, reference="bank")
    order.refresh_from_db()
    assert order.state == Order.State.PAID
    later = order.created_at + timedelta(days=31)
    assert invoices.invoice_deadlines_run(now=later) == {"reminded": 0, "cancelled": 0}


def test_a_reminder_raced_by_two_workers_goes_out_once(shop, concert):
    invoice_shop(shop)
    invoice = pay_by_invoice(place(shop, concert))
    now = invoice.order.created_at + timedelta(days=11)
    stale = Invoice.objects.get(pk=invoice.pk)  # both workers read the same row
    assert invoices.invoice_remind(invoice=invoice, now=now)
    assert not invoices.invoice_remind(invoice=stale, now=now)
    invoice.refresh_from_db()
    assert invoice.reminders_sent == 1
    late = invoice.order.created_at + timedelta(days=31)
    assert invoices.invoice_cancel_overdue(invoice=invoice, now=late)
    assert not invoices.invoice_cancel_overdue(invoice=stale, now=late)
    assert Order.objects.get(pk=invoice.order_id).state == Order.State.CANCELLED


def test_the_offer_ends_on_the_day_set_in_the_shop_time_zone(organizer, shop, concert):
    invoice_shop(shop, rule=DeadlineRule(offer_days_before=3))
    order = place(shop, concert)
    first = concert.date.starts_at  # 20:00 in Zurich
    local = timezone.localtime(first, shop.zone_info)
    last_day = local.replace(hour=23, minute=30) - timedelta(days=3)
    assert invoices.invoice_offered(order, now=last_day)
    assert not invoices.invoice_offered(order, now=last_day + timedelta(hours=1))


def test_an_order_cancelled_by_staff_owes_nothing_and_gets_no_reminder(shop, concert):
    from billetterie.orders.services.order_admin import order_cancel

    invoice_shop(shop)
    order = place(shop, concert)
    invoice = pay_by_invoice(order)
    assert open_amount(invoice) == order.total
    order_cancel(order=order, actor=None)
    invoice.refresh_from_db()
    assert open_amount(invoice) == 0
    later = order.created_at + timedelta(days=11)
    assert invoices.invoice_deadlines_run(now=later) == {"reminded": 0, "cancelled": 0}


def test_the_invoice_email_task_run_twice_sends_once(shop, concert):
    from billetterie.banking.tasks import send_invoice_email

    invoice_shop(shop)
    invoice = pay_by_invoice(place(shop, concert))  # on_commit not run: nothing sent yet
    mail.outbox.clear()
    send_invoice_email.call(invoice.pk, "invoice")
    send_invoice_email.call(invoice.pk, "invoice")
    from billetterie.notifications.models import OutboxMessage

    assert OutboxMessage.objects.filter(subject__startswith="Invoice 000001").count() == 1
