"""The right to be forgotten (DATA-3) and buyer self-deletion (DATA-4), through the
services: what is erased everywhere, what is kept for accounting."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.storage import storages
from django.utils import timezone

from billetterie.catalog.models import EventDate
from billetterie.core.exceptions import PermissionRefused
from billetterie.core.models import AuditLogEntry, Level
from billetterie.notifications.models import OutboxMessage
from billetterie.notifications.services import email_queue
from billetterie.orders.exports import services as exports
from billetterie.orders.exports.models import Export
from billetterie.orders.models import Customer, Order, OrderEvent
from billetterie.orders.search import orders_matching
from billetterie.orders.services import order_admin, privacy, registration
from billetterie.payments.models import Transaction
from tests import factories as f
from tests.orders.sales import make_concert, pdf_upload, place

pytestmark = pytest.mark.django_db


@pytest.fixture
def concert(organizer, shop):
    return make_concert(organizer, shop)


@pytest.fixture
def paid_order(organizer, shop, concert):
    registration.form_modes_set(
        shop=shop, actor=None, modes={"phone": "optional", "city": "optional"}
    )
    doc = registration.form_field_create(
        shop=shop, actor=None, kind="file", labels={"en": "Student card"}
    )
    diet = registration.form_field_create(shop=shop, actor=None, kind="text", labels={"en": "Diet"})
    guest = registration.form_field_create(
        shop=shop, actor=None, kind="text", labels={"en": "Guest"}, price=concert.full
    )
    order = place(
        shop,
        concert,
        data=lambda slots: {
            "phone": "+41 79 123 45 67",
            "city": "Lausanne",
            registration.extra_name(diet): "No nuts",
            **{registration.question_name(s, guest): f"Guest {s.number}" for s in slots},
        },
        files={registration.extra_name(doc): pdf_upload()},
        paid=True,
    )
    Transaction.objects.create(
        order=order, provider="testcard", amount=order.total, currency="CHF", state="succeeded"
    )
    return Order.objects.get(pk=order.pk)


def test_erase_anonymises_orders_and_keeps_the_amounts(
    organizer, shop, paid_order, django_capture_on_commit_callbacks
):
    order = paid_order
    file_path = order.answers[0]["value"]["path"]
    assert storages["private"].exists(file_path)
    customer = Customer.objects.get(email="ana@example.org")
    email_queue(
        to="ana@example.org",
        subject="Your tickets, Ana Muster",
        body_text="Hello Ana Muster",
        organizer_id=organizer.pk,
    )
    other = email_queue(
        to="ben@example.org", subject="Hi Ben", body_text="x", organizer_id=organizer.pk
    )
    order_admin.order_customer_change(
        order=order, actor=None, email="ana@example.org", first_name="Ana", last_name="Muster-Bolt"
    )
    manager = f.make_staff()
    f.grant(organizer, Level.MANAGE, user=manager)

    with django_capture_on_commit_callbacks(execute=True):
        assert privacy.customer_erase(customer=customer, actor=manager) == 1

    order = Order.objects.get(pk=order.pk)
    assert order.buyer_name == "Anonymous"
    assert (order.email, order.first_name, order.last_name, order.phone, order.city) == (
        "",
        "",
        "",
        "",
        "",
    )
    assert order.anonymised_at is not None and order.customer is None
    assert [a["value"] for a in order.answers] == [None, None]
    assert [a["label"] for a in order.answers] == ["Student card", "Diet"]
    assert (order.total, order.state, order.number) == (Decimal("90.00"), "paid", 1)
    assert order.transactions.get().amount == Decimal("90.00")
    for ticket in order.tickets.all():
        assert ticket.holder_name == "" and ticket.answers[0]["value"] is None
        assert ticket.amount == Decimal("45.00")
    assert not storages["private"].exists(file_path)
    assert not Customer.objects.filter(pk=customer.pk).exists()
    assert list(orders_matching(Order.objects.all(), "ana")) == []
    assert list(orders_matching(Order.objects.all(), "000001")) == [order]
    # the outbox keeps no address, body or attachment; other people's mail is untouched
    for message in OutboxMessage.objects.exclude(pk=other.pk):
        assert message.to == [] and message.body_text == "" and message.attachments == []
        assert "Ana Muster" not in message.subject and "ana@example.org" not in message.subject
    assert OutboxMessage.objects.get(pk=other.pk).to == ["ben@example.org"]
    # logs quote neither the email nor the name
    for event in OrderEvent.objects.filter(order=order):
        assert "ana@example.org" not in str(event.data) and "Ana Muster" not in str(event.data)
    for entry in AuditLogEntry.objects.filter(organizer=organizer):
        text = f"{entry.target_label} {entry.changes}"
        assert "ana@example.org" not in text and "Ana Muster" not in text, entry.action
    assert AuditLogEntry.objects.filter(action="customer.erased", actor=manager).exists()


def test_erase_refuses_open_orders_and_needs_manage(organizer, shop, concert):
    place(shop, concert)  # waiting for payment
    customer = Customer.objects.get(email="ana@example.org")
    viewer = f.make_staff()
    f.grant(organizer, Level.BOX_OFFICE, user=viewer)
    with pytest.raises(PermissionRefused):
        privacy.customer_erase(customer=customer, actor=viewer)
    with pytest.raises(privacy.CustomerHasOpenOrders):
        privacy.customer_erase(customer=customer, actor=None)
    assert Order.objects.get().email == "ana@example.org"
    assert Customer.objects.filter(pk=customer.pk).exists()


def test_erase_leaves_other_organizers_alone(organizer, shop, concert, other_tenant):
    other_org, other_shop, _m = other_tenant
    place(shop, concert, paid=True)
    theirs = place(other_shop, make_concert(other_org, other_shop), paid=True)
    privacy.customer_erase(customer=Customer.objects.get(organizer=organizer), actor=None)
    theirs.refresh_from_db()
    assert theirs.email == "ana@example.org" and theirs.anonymised_at is None
    assert Customer.objects.filter(organizer=other_org, email="ana@example.org").exists()


def test_self_delete_waits_30_days_after_the_last_event(shop, concert):
    order = place(shop, concert, paid=True)
    customer = Customer.objects.get(email="ana@example.org")
    starts = concert.date.starts_at
    allowed = privacy.self_delete_allowed_from(customer)
    assert allowed == starts + timedelta(days=30)
    with pytest.raises(privacy.SelfDeleteTooEarly) as refusal:
        privacy.customer_self_delete(customer=customer, now=starts + timedelta(days=29))
    assert refusal.value.code == "self_delete_too_early"
    assert "30 days" in str(refusal.value.message)
    privacy.customer_self_delete(customer=customer, now=starts + timedelta(days=30, minutes=1))
    order.refresh_from_db()
    assert order.buyer_name == "Anonymous"
    assert AuditLogEntry.objects.filter(action="customer.self_deleted", actor=None).exists()


def test_self_delete_ignores_cancelled_tickets_and_allows_without_tickets(shop, concert):
    order = place(shop, concert, paid=True)
    order_admin.order_cancel(order=order, actor=None)
    customer = Customer.objects.get(email="ana@example.org")
    assert privacy.self_delete_allowed_from(customer) is None
    privacy.customer_self_delete(customer=customer, now=timezone.now())
    assert not Customer.objects.exists()


# --- the buyer's own page (DATA-4) ------------------------------------------------------------
BUYER_PASSWORD = "a long buyer passphrase"


def logged_in_buyer(client, customer) -> None:
    """An open account, logged in the way the shop's login page leaves the session."""
    from django.contrib.auth.hashers import make_password

    from billetterie.orders.services import accounts

    Customer.objects.filter(pk=customer.pk).update(
        password=make_password(BUYER_PASSWORD), email_verified_at=timezone.now()
    )
    customer.refresh_from_db()
    session = client.session
    session[f"shop_customer:{customer.organizer_id}"] = {
        "id": customer.pk,
        "h": accounts.session_fingerprint(customer),
    }
    session.save()


def delete_url(shop) -> str:
    from django.urls import reverse

    return reverse("shop:account_delete", args=[shop.organizer.slug, shop.slug])


def test_account_page_refuses_deletion_before_30_days(client, shop, concert):
    place(shop, concert, paid=True)
    customer = Customer.objects.get(email="ana@example.org")
    logged_in_buyer(client, customer)
    page = client.get(delete_url(shop))
    assert page.status_code == 200
    assert "You can delete your account from" in page.text and 'type="password"' not in page.text
    client.post(delete_url(shop), {"password": BUYER_PASSWORD})
    assert Customer.objects.filter(pk=customer.pk).exists()


def test_account_deletes_itself_after_30_days_with_its_password(client, shop, concert):
    order = place(shop, concert, paid=True)
    EventDate.objects.filter(pk=concert.date.pk).update(
        starts_at=timezone.now() - timedelta(days=31)
    )
    customer = Customer.objects.get(email="ana@example.org")
    logged_in_buyer(client, customer)
    wrong = client.post(delete_url(shop), {"password": "not it"})
    assert wrong.status_code == 200 and "This password is not correct." in wrong.text
    done = client.post(delete_url(shop), {"password": BUYER_PASSWORD}, follow=True)
    assert done.redirect_chain[-1][0].endswith(f"/{shop.organizer.slug}/{shop.slug}/")
    assert "Your account and your personal data are deleted." in done.text
    assert not Customer.objects.filter(pk=customer.pk).exists()
    order.refresh_from_db()
    assert order.buyer_name == "Anonymous" and order.total == Decimal("90.00")
    assert client.get(delete_url(shop)).status_code == 302  # logged out


def test_delete_page_needs_a_logged_in_buyer(client, shop):
    response = client.get(delete_url(shop))
    assert response.status_code == 302 and "/account/login/" in response["Location"]


def test_erase_deletes_exports_that_quote_the_customer(
    shop, concert, paid_order, django_capture_on_commit_callbacks
):
    opera = make_concert(shop.organizer, shop, name="Opera")
    theirs = exports.export_request(shop=shop, actor=None, event=concert.event, kind="xlsx")
    unrelated = exports.export_request(shop=shop, actor=None, event=opera.event, kind="xlsx")
    path = theirs.path
    with django_capture_on_commit_callbacks(execute=True):
        privacy.customer_erase(customer=Customer.objects.get(email="ana@example.org"), actor=None)
    theirs.refresh_from_db()
    unrelated.refresh_from_db()
    assert (theirs.state, theirs.path) == (Export.State.EXPIRED, "")
    assert not storages["private"].exists(path)
    assert unrelated.state == Export.State.DONE and storages["private"].exists(unrelated.path)


def test_an_export_stopped_while_running_keeps_no_file(shop, concert, paid_order, monkeypatch):
    real = exports._build

    def erased_meanwhile(export, out):
        rows = real(export, out)
        Export.objects.filter(pk=export.pk).update(state=Export.State.EXPIRED)
        return rows

    def files() -> set[str]:
        folder = f"exports/{shop.organizer_id}"
        return (
            set(storages["private"].listdir(folder)[1])
            if storages["private"].exists(folder)
            else set()
        )

    monkeypatch.setattr(exports, "_build", erased_meanwhile)
    before = files()
    export = exports.export_request(shop=shop, actor=None, event=concert.event, kind="xlsx")
    assert export.state == Export.State.EXPIRED and export.path == ""
    assert files() == before


def test_self_delete_waits_for_an_open_order(shop, concert):
    place(shop, concert)  # waiting for payment, for an event long past
    EventDate.objects.filter(pk=concert.date.pk).update(
        starts_at=timezone.now() - timedelta(days=40)
    )
    customer = Customer.objects.get(email="ana@example.org")
    with pytest.raises(privacy.CustomerHasOpenOrders) as refusal:
        privacy.customer_self_delete(customer=customer)
    assert "You have an order waiting for payment" in str(refusal.value.message)
    assert Customer.objects.filter(pk=customer.pk).exists()
