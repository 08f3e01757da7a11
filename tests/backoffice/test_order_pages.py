"""The back-office orders, customers and exports pages (issue 7) through HTTP: what each
level sees and may do, the search and filters, the tabs, the confirmation pages."""

import io
import re

import pypdfium2
import pytest
import zxingcpp
from django.core import mail
from django.urls import reverse

from billetterie.core.models import AuditLogEntry, Level
from billetterie.inventory.services import recount
from billetterie.notifications.models import OutboxMessage
from billetterie.orders.exports.models import Export
from billetterie.orders.models import Customer, Order
from billetterie.orders.services import registration
from billetterie.payments.models import Transaction
from tests import factories as f
from tests.orders.sales import PDF, make_concert, pdf_upload, place

pytestmark = pytest.mark.django_db


def url(name, shop, *args):
    return reverse(f"backoffice:{name}", args=[shop.organizer.slug, shop.slug, *args])


def org_url(name, organizer, *args):
    return reverse(f"backoffice:{name}", args=[organizer.slug, *args])


def text(response) -> str:
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def concert(organizer, shop):
    return make_concert(organizer, shop)


@pytest.fixture
def orders(shop, concert):
    ana = place(shop, concert, paid=True)
    ben = place(
        shop, concert, email="ben@other.ch", first_name="Ben", last_name="Keller", quantity=1
    )
    return ana, ben


def qr_secrets(pdf: bytes) -> list[str]:
    found = []
    for page in pypdfium2.PdfDocument(io.BytesIO(pdf)):
        found += [code.text for code in zxingcpp.read_barcodes(page.render(scale=2).to_pil())]
    return found


def client_with(client_for, organizer, level, **grant):
    user = f.make_staff()
    f.grant(organizer, level, user=user, **grant)
    return client_for(user)


# --- the list ---------------------------------------------------------------------------------
def test_list_shows_orders_and_searches_an_email_fragment(manager_client, shop, orders):
    _ana, ben = orders
    page = manager_client.get(url("orders", shop))
    assert page.status_code == 200
    body = text(page)
    assert "Ana Muster" in body and "Ben Keller" in body and "2 orders" in body
    found = manager_client.get(url("orders", shop), {"q": "r.ch"})
    assert [o.pk for o in found.context["page"]] == [ben.pk]
    assert "Ana Muster" not in text(found)
    assert manager_client.get(url("orders", shop), {"q": "zzz"}).context["page"].object_list == []


def test_list_filters_state_event_and_method(manager_client, shop, concert, orders):
    ana, ben = orders
    other_event = make_concert(shop.organizer, shop, name="Opera")
    carla = place(shop, other_event, email="carla@example.org", first_name="Carla", quantity=1)
    by_state = manager_client.get(url("orders", shop), {"state": "paid"})
    assert [o.pk for o in by_state.context["page"]] == [ana.pk]
    by_event = manager_client.get(url("orders", shop), {"event": other_event.event.pk})
    assert [o.pk for o in by_event.context["page"]] == [carla.pk]
    by_date = manager_client.get(
        url("orders", shop), {"event": concert.event.pk, "date": concert.date.pk}
    )
    assert {o.pk for o in by_date.context["page"]} == {ana.pk, ben.pk}
    by_method = manager_client.get(url("orders", shop), {"method": "testcard"})
    assert [o.pk for o in by_method.context["page"]] == [ana.pk]
    nonsense = manager_client.get(url("orders", shop), {"state": "x", "event": "y", "page": "z"})
    assert nonsense.status_code == 200


def test_list_query_count_does_not_grow_with_orders(
    manager_client, shop, concert, django_assert_max_num_queries
):
    for n in range(12):
        place(shop, concert, email=f"buyer{n}@example.org", quantity=1)
    with django_assert_max_num_queries(16):
        page = manager_client.get(url("orders", shop), {"q": "example"})
    assert len(page.context["page"]) == 12


# --- the order page -----------------------------------------------------------------------
def test_order_page_tabs(manager_client, organizer, shop, concert):
    doc = registration.form_field_create(
        shop=shop, actor=None, kind="file", labels={"en": "Student card"}
    )
    order = place(
        shop, concert, files={registration.extra_name(doc): pdf_upload("card.pdf")}, paid=True
    )
    Transaction.objects.create(
        order=order,
        provider="testcard",
        amount=order.total,
        currency="CHF",
        state="failed",
        bank_note="Card declined: insufficient funds.",
    )
    OutboxMessage.objects.create(
        organizer_id=organizer.pk, to=["ana@example.org"], subject="Your tickets", body_text="x"
    )
    detail = url("order", shop, order.pk)
    tickets = text(manager_client.get(detail))
    assert "Order 000001" in tickets and "CHF 90.00" in tickets and "Plein tarif" in tickets
    assert "Ana Muster" in tickets and "Resend the confirmation" in tickets
    answers = manager_client.get(detail, {"tab": "answers"})
    assert "Student card" in text(answers) and "card.pdf" in text(answers)
    token = order.answers[0]["value"]["token"]
    download = manager_client.get(url("order_file", shop, order.pk, token))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert download["Content-Disposition"].startswith("attachment")
    assert manager_client.get(url("order_file", shop, order.pk, "guess")).status_code == 404
    transactions = text(manager_client.get(detail, {"tab": "transactions"}))
    assert "Card declined: insufficient funds." in transactions and "Failed" in transactions
    assert "Your tickets" in text(manager_client.get(detail, {"tab": "emails"}))
    assert "placed" in text(manager_client.get(detail, {"tab": "history"}))
    assert "Open the customer record" in text(manager_client.get(detail, {"tab": "customer"}))


def test_an_order_with_no_transaction_says_so(manager_client, shop, orders):
    _ana, ben = orders
    page = manager_client.get(url("order", shop, ben.pk), {"tab": "transactions"})
    assert "never reached the payment step" in text(page)


def test_view_level_reads_but_acts_on_nothing(client_for, organizer, shop, orders):
    ana, _ben = orders
    viewer = client_with(client_for, organizer, Level.VIEW)
    page = viewer.get(url("order", shop, ana.pk))
    assert page.status_code == 200
    assert "Resend the confirmation" not in text(page) and "Cancel the order" not in text(page)
    assert viewer.post(url("order_resend", shop, ana.pk)).status_code == 403
    assert viewer.get(url("order_tickets", shop, ana.pk)).status_code == 403
    assert viewer.post(url("order_cancel", shop, ana.pk)).status_code == 403
    assert viewer.get(url("exports", shop)).status_code == 403
    ana.refresh_from_db()
    assert ana.state == Order.State.PAID


def test_box_office_resends_and_downloads_but_cannot_cancel(
    client_for, organizer, shop, orders, django_capture_on_commit_callbacks
):
    ana, _ben = orders
    clerk = client_with(client_for, organizer, Level.BOX_OFFICE)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        done = clerk.post(url("order_resend", shop, ana.pk), follow=True)
    assert messages_of(done) == [
        "The confirmation and the tickets were sent again to ana@example.org."
    ]
    assert [m.to for m in mail.outbox] == [["ana@example.org"]]
    pdf = clerk.get(url("order_tickets", shop, ana.pk))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert sorted(qr_secrets(pdf.content)) == sorted(ana.tickets.values_list("secret", flat=True))
    assert clerk.get(url("order_cancel", shop, ana.pk)).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        sent = clerk.post(
            url("order_email_tickets", shop, ana.pk), {"to": "friend@example.org"}, follow=True
        )
    assert messages_of(sent) == ["The tickets were sent to friend@example.org."]
    bad = clerk.post(url("order_email_tickets", shop, ana.pk), {"to": "nope"}, follow=True)
    assert [m.level_tag for m in bad.context["messages"]] == ["error"]


def test_resend_of_an_unpaid_order_is_refused_with_a_message(manager_client, shop, orders):
    _ana, ben = orders
    done = manager_client.post(url("order_resend", shop, ben.pk), follow=True)
    assert [m.level_tag for m in done.context["messages"]] == ["error"]
    assert "not paid" in messages_of(done)[0]


def test_change_customer_page(manager_client, shop, orders):
    ana, _ben = orders
    form = manager_client.get(url("order_customer", shop, ana.pk))
    assert form.status_code == 200 and 'value="ana@example.org"' in form.content.decode()
    invalid = manager_client.post(url("order_customer", shop, ana.pk), {"email": "x"})
    assert invalid.status_code == 200 and "valid email" in text(invalid)
    saved = manager_client.post(
        url("order_customer", shop, ana.pk),
        {"email": "dora@example.org", "first_name": "Dora", "last_name": "Weiss"},
        follow=True,
    )
    assert messages_of(saved) == ["The order's customer is saved."]
    ana.refresh_from_db()
    assert (ana.email, ana.buyer_name) == ("dora@example.org", "Dora Weiss")


def test_cancel_through_the_confirmation_page(manager_client, shop, orders):
    ana, _ben = orders
    confirm = manager_client.get(url("order_cancel", shop, ana.pk))
    assert confirm.status_code == 200
    assert "not refunded by cancelling" in text(confirm)
    done = manager_client.post(url("order_cancel", shop, ana.pk), {"notify": ""}, follow=True)
    assert messages_of(done) == ["Order 000001 is cancelled; its places are back on sale."]
    ana.refresh_from_db()
    assert ana.state == Order.State.CANCELLED
    assert recount() == []
    again = manager_client.get(url("order_cancel", shop, ana.pk), follow=True)
    assert [m.level_tag for m in again.context["messages"]] == ["error"]


def test_opposition_asks_for_a_reason(manager_client, shop, orders):
    ana, _ben = orders
    empty = manager_client.post(url("order_opposition", shop, ana.pk), {"reason": ""})
    assert empty.status_code == 200 and "This field is required." in text(empty)
    done = manager_client.post(
        url("order_opposition", shop, ana.pk), {"reason": "Chargeback 42"}, follow=True
    )
    assert "in opposition" in messages_of(done)[0]
    ana.refresh_from_db()
    assert ana.state == Order.State.OPPOSITION
    assert AuditLogEntry.objects.filter(action="order.opposition").exists()


# --- customers ------------------------------------------------------------------------------
def test_customers_list_search_and_page(manager_client, organizer, shop, orders):
    listing = manager_client.get(org_url("customers", organizer), {"q": "keller"})
    assert [c.email for c in listing.context["page"]] == ["ben@other.ch"]
    ana = Customer.objects.get(email="ana@example.org")
    page = text(manager_client.get(org_url("customer", organizer, ana.pk)))
    assert "ana@example.org" in page and "Order 000001" in page and "CHF 90.00" in page


def test_customers_need_an_organizer_wide_grant(client_for, organizer, shop, orders):
    shop_only = client_with(client_for, organizer, Level.MANAGE, shop=shop)
    assert shop_only.get(org_url("customers", organizer)).status_code == 403
    viewer = client_with(client_for, organizer, Level.VIEW)
    ana = Customer.objects.get(email="ana@example.org")
    assert viewer.get(org_url("customer", organizer, ana.pk)).status_code == 200
    assert viewer.post(org_url("customer_delete", organizer, ana.pk)).status_code == 403
    assert Customer.objects.filter(pk=ana.pk).exists()


def test_merge_flow(manager_client, organizer, shop, concert):
    place(shop, concert, email="ana@example.org", quantity=1)
    place(shop, concert, email="ana.m@work.ch", quantity=1)
    keep = Customer.objects.get(email="ana@example.org")
    other = Customer.objects.get(email="ana.m@work.ch")
    choose = manager_client.get(org_url("customer_merge", organizer, keep.pk))
    assert "ana.m@work.ch" in text(choose)  # suggested: same name
    preview = manager_client.get(org_url("customer_merge", organizer, keep.pk), {"other": other.pk})
    assert "is deleted" in text(preview)
    done = manager_client.post(
        org_url("customer_merge", organizer, keep.pk), {"other": other.pk}, follow=True
    )
    assert messages_of(done) == ["ana.m@work.ch was merged into this customer."]
    assert keep.orders.count() == 2 and not Customer.objects.filter(pk=other.pk).exists()


def test_delete_customer_shows_anonymous_with_the_amounts(manager_client, organizer, shop, orders):
    ana_order, _ben = orders
    ana = Customer.objects.get(email="ana@example.org")
    confirm = manager_client.get(org_url("customer_delete", organizer, ana.pk))
    assert "cannot be undone" in text(confirm)
    done = manager_client.post(org_url("customer_delete", organizer, ana.pk), follow=True)
    assert messages_of(done) == ["Ana Muster was erased; 1 order is kept as “Anonymous”."]
    listing = text(manager_client.get(url("orders", shop)))
    assert "Anonymous" in listing and "Ana Muster" not in listing and "CHF 90.00" in listing
    page = text(manager_client.get(url("order", shop, ana_order.pk), {"tab": "customer"}))
    assert "erased" in page and "ana@example.org" not in page


def test_delete_refused_while_an_order_waits_for_payment(manager_client, organizer, orders):
    ben = Customer.objects.get(email="ben@other.ch")
    done = manager_client.post(org_url("customer_delete", organizer, ben.pk), follow=True)
    assert [m.level_tag for m in done.context["messages"]] == ["error"]
    assert Customer.objects.filter(pk=ben.pk).exists()


# --- menu -------------------------------------------------------------------------------------
def test_menu_entries_follow_the_level(client_for, organizer, shop):
    viewer = client_with(client_for, organizer, Level.VIEW)
    page = viewer.get(url("orders", shop))
    labels = [item["label"] for item in page.context["menu"]]
    assert "Orders" in labels and "Customers" in labels and "Exports" not in labels
    manager = client_with(client_for, organizer, Level.MANAGE)
    labels = [item["label"] for item in manager.get(url("orders", shop)).context["menu"]]
    assert "Exports" in labels


# --- exports ----------------------------------------------------------------------------------
def test_export_page_creates_follows_and_downloads(manager_client, shop, concert, orders):
    listing = manager_client.get(url("exports", shop), {"event": concert.event.pk})
    assert listing.status_code == 200 and "No export yet." in text(listing)
    created = manager_client.post(
        url("export_create", shop), {"event": concert.event.pk, "date": "", "format": "xlsx"}
    )
    export = Export.objects.get()
    assert created["Location"] == url("export", shop, export.pk)
    page = manager_client.get(created["Location"])
    assert "Ready" in text(page) and export.file_name in text(page)
    assert f'nonce="{page.context["csp_nonce"]}"' in page.content.decode()
    status = manager_client.get(url("export_progress", shop, export.pk)).json()
    assert status["state"] == "done" and status["progress"] == 100 and status["rows"] == 3
    assert status["download"] == url("export_download", shop, export.pk)
    download = manager_client.get(status["download"])
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content).startswith(b"PK")
    assert url("export_download", shop, export.pk) in manager_client.get(url("exports", shop)).text


def test_export_form_errors_are_messages(manager_client, shop, concert, orders):
    other = make_concert(shop.organizer, shop, name="Opera")
    bad_date = manager_client.post(
        url("export_create", shop),
        {"event": concert.event.pk, "date": other.date.pk, "format": "xlsx"},
        follow=True,
    )
    assert messages_of(bad_date) == ["This date is not a date of this event."]
    no_format = manager_client.post(
        url("export_create", shop), {"event": concert.event.pk}, follow=True
    )
    assert [m.level_tag for m in no_format.context["messages"]] == ["error"]
    assert not Export.objects.exists()


def test_a_running_export_shows_its_progress(manager_client, shop, concert, manager):
    export = Export.objects.create(
        organizer=shop.organizer,
        shop=shop,
        event=concert.event,
        kind="zip",
        state="running",
        progress=40,
        rows=1200,
        requested_by=manager,
    )
    page = manager_client.get(url("export", shop, export.pk))
    assert '<progress max="100" value="40"' in page.content.decode()
    status = manager_client.get(url("export_progress", shop, export.pk)).json()
    assert (status["state"], status["ready"], status["download"]) == ("running", False, "")
    assert manager_client.get(url("export_download", shop, export.pk)).status_code == 404
