"""Staff actions on an order (issue 7: BOX-3, PAY-9, SHOP-9) and the order search (PAY-2,
BOX-2), through the services: emails really queued, places really released."""

from decimal import Decimal

import pytest
from django.core import mail

from billetterie.core.exceptions import InvalidInput, PermissionRefused
from billetterie.core.models import AuditLogEntry, Level
from billetterie.inventory.models import Hold, Quota
from billetterie.inventory.services import recount
from billetterie.notifications.models import OutboxMessage
from billetterie.orders.models import Customer, Order, Ticket
from billetterie.orders.search import normalize, order_search_text, orders_matching
from billetterie.orders.services import order_admin, registration
from tests import factories as f
from tests.orders.sales import make_concert, place

pytestmark = pytest.mark.django_db


@pytest.fixture
def concert(organizer, shop):
    return make_concert(organizer, shop)


def staff(organizer, level):
    user = f.make_staff()
    f.grant(organizer, level, user=user)
    return user


def free_places(concert) -> int:
    quota = Quota.objects.get(date=concert.date, zone=concert.standing)
    return quota.size - quota.taken


# --- search ------------------------------------------------------------------------------
def test_search_text_holds_number_email_names_and_answers(shop, concert):
    diet = registration.form_field_create(shop=shop, actor=None, kind="text", labels={"en": "Diet"})
    guest = registration.form_field_create(
        shop=shop, actor=None, kind="text", labels={"en": "Guest"}, price=concert.full
    )
    order = place(
        shop,
        concert,
        email="jean.muller@example.org",
        first_name="Jean",
        last_name="Müller",
        data=lambda slots: {
            registration.extra_name(diet): "Végétarien strict",
            **{registration.question_name(s, guest): f"Zoé {s.number}" for s in slots},
        },
    )
    order.refresh_from_db()
    assert order.search_text == order_search_text(order)
    for query in ["000001", "#1", "muller@ex", "MÜLLER", "jean muller", "vegetarien", "zoe 2"]:
        assert list(orders_matching(Order.objects.all(), query)) == [order], query
    assert list(orders_matching(Order.objects.all(), "nobody")) == []
    assert normalize("  Ève   Ünal ") == "eve unal"


def test_search_finds_only_matching_orders(shop, concert):
    ana = place(shop, concert, email="ana@example.org", quantity=1)
    ben = place(
        shop, concert, email="ben@other.ch", first_name="Ben", last_name="Keller", quantity=1
    )
    assert list(orders_matching(Order.objects.all(), "@other")) == [ben]
    assert list(orders_matching(Order.objects.all(), "muster")) == [ana]
    assert set(orders_matching(Order.objects.all(), "example")) == {ana}
    assert set(orders_matching(Order.objects.all(), "")) == {ana, ben}


# --- resending ----------------------------------------------------------------------------
def test_resend_confirmation_queues_the_email_with_tickets(
    organizer, shop, concert, django_capture_on_commit_callbacks
):
    order = place(shop, concert, paid=True)
    clerk = staff(organizer, Level.BOX_OFFICE)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        order_admin.order_confirmation_resend(order=order, actor=clerk)
    (email,) = mail.outbox
    assert email.to == ["ana@example.org"]
    assert email.attachments[0][0] == f"tickets-{order.code}.pdf"
    assert order.events.filter(kind="confirmation_resent", actor_label=clerk.email).exists()
    assert AuditLogEntry.objects.filter(action="order.confirmation_resent").count() == 1


def test_resend_refused_for_unpaid_order_and_for_view_level(organizer, shop, concert):
    order = place(shop, concert)
    with pytest.raises(order_admin.TicketsNotIssued):
        order_admin.order_confirmation_resend(order=order, actor=None)
    with pytest.raises(PermissionRefused):
        order_admin.order_confirmation_resend(order=order, actor=staff(organizer, Level.VIEW))


def test_tickets_emailed_to_another_address(
    organizer, shop, concert, django_capture_on_commit_callbacks
):
    order = place(shop, concert, paid=True)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        order_admin.order_tickets_email(order=order, actor=None, to=" Friend@Example.org ")
    (email,) = mail.outbox
    assert email.to == ["friend@example.org"]
    assert order.code in email.subject
    assert email.attachments[0][2] == "application/pdf"
    with pytest.raises(InvalidInput):
        order_admin.order_tickets_email(order=order, actor=None, to="not an email")


# --- changing the customer ---------------------------------------------------------------
def test_change_customer_moves_the_order_and_renames_the_tickets(organizer, shop, concert):
    registration.form_modes_set(shop=shop, actor=None, modes={"phone": "optional"})
    order = place(shop, concert, data={"phone": "+41 79 000 00 00"})
    clerk = staff(organizer, Level.BOX_OFFICE)
    order = order_admin.order_customer_change(
        order=order, actor=clerk, email="Carla@Example.org", first_name="Carla", last_name="Rossi"
    )
    assert (order.email, order.buyer_name, order.phone) == ("carla@example.org", "Carla Rossi", "")
    assert order.customer == Customer.objects.get(email="carla@example.org")
    assert set(order.tickets.values_list("holder_name", flat=True)) == {"Carla Rossi"}
    assert list(orders_matching(Order.objects.all(), "rossi")) == [order]
    assert list(orders_matching(Order.objects.all(), "muster")) == []
    entry = AuditLogEntry.objects.get(action="order.customer_changed")
    assert entry.changes["email"] == ["ana@example.org", "carla@example.org"]
    assert order.events.get(kind="customer_changed").actor_label == clerk.email


def test_correcting_the_name_keeps_the_buyer_details(shop, concert):
    registration.form_modes_set(shop=shop, actor=None, modes={"phone": "optional"})
    order = place(shop, concert, data={"phone": "+41 79 000 00 00"})
    order = order_admin.order_customer_change(
        order=order, actor=None, email="ana@example.org", first_name="Anna", last_name="Muster"
    )
    assert (order.buyer_name, order.phone) == ("Anna Muster", "+41 79 000 00 00")


def test_change_customer_checks_input(shop, concert):
    order = place(shop, concert)
    with pytest.raises(InvalidInput):
        order_admin.order_customer_change(order=order, actor=None, email="nope")
    with pytest.raises(InvalidInput):
        order_admin.order_customer_change(
            order=order, actor=None, email="a@example.org", first_name="x" * 121
        )
    order.refresh_from_db()
    assert order.email == "ana@example.org"


# --- cancelling ---------------------------------------------------------------------------
def test_cancel_releases_the_places_without_drift(organizer, shop, concert):
    before = free_places(concert)
    order = place(shop, concert, quantity=3, seated=2, paid=True)
    assert free_places(concert) == before - 3
    manager = staff(organizer, Level.MANAGE)
    order = order_admin.order_cancel(order=order, actor=manager)
    assert order.state == Order.State.CANCELLED
    assert set(order.tickets.values_list("state", flat=True)) == {Ticket.State.CANCELLED}
    assert free_places(concert) == before
    assert not Hold.objects.filter(state__in=Hold.COUNTING).exists()
    assert recount() == []
    assert order.total == Decimal("255.00")  # the amounts stay
    assert AuditLogEntry.objects.get(action="order.cancelled").actor == manager


def test_cancel_needs_manage_and_a_cancellable_state(organizer, shop, concert):
    order = place(shop, concert)
    with pytest.raises(PermissionRefused):
        order_admin.order_cancel(order=order, actor=staff(organizer, Level.BOX_OFFICE))
    order_admin.order_cancel(order=order, actor=None)
    with pytest.raises(order_admin.OrderNotCancellable):
        order_admin.order_cancel(order=order, actor=None)
    assert recount() == []


def test_cancel_can_notify_the_buyer(shop, concert, django_capture_on_commit_callbacks):
    order = place(shop, concert, paid=True)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        order_admin.order_cancel(order=order, actor=None, notify=True)
    (email,) = mail.outbox
    assert email.to == ["ana@example.org"] and "cancelled" in email.subject
    assert "refund of CHF 90.00" in email.body


# --- opposition ---------------------------------------------------------------------------
def test_opposition_only_for_paid_orders_and_keeps_everything(organizer, shop, concert):
    pending = place(shop, concert)
    with pytest.raises(order_admin.OrderNotOpposable):
        order_admin.order_opposition(order=pending, actor=None, reason="Chargeback")
    order = place(shop, concert, paid=True)
    with pytest.raises(InvalidInput):
        order_admin.order_opposition(order=order, actor=None, reason="  ")
    taken = free_places(concert)
    order = order_admin.order_opposition(order=order, actor=None, reason="Chargeback 123")
    assert order.state == Order.State.OPPOSITION
    assert not order_admin.tickets_issued(order)
    assert free_places(concert) == taken  # places stay taken: the tickets are in dispute
    assert order.events.get(kind="opposition").data == {"reason": "Chargeback 123"}
    assert recount() == []
    assert OutboxMessage.objects.count() == 0
