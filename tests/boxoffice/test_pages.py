"""The box office screens through the Django test client (BOX-1..4): the counter, the
search, an order's page, printing; bad input shows a message and changes nothing."""

import io
import re

import pypdf
import pytest
from django.urls import reverse

from billetterie.boxoffice.models import Receipt
from billetterie.core.models import Level
from billetterie.inventory.models import Hold
from billetterie.inventory.services import recount
from billetterie.orders.models import Order
from tests import factories as f
from tests.boxoffice.conftest import reserve, sell
from tests.catalog_factories import make_event_with_date, make_price

pytestmark = pytest.mark.django_db


@pytest.fixture
def counter(client_for, cashier):
    return client_for(cashier)


def url(name, shop, *args):
    return reverse(f"boxoffice:{name}", args=[shop.organizer.slug, shop.slug, *args])


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_home_goes_straight_to_the_only_counter(counter, shop):
    response = counter.get(reverse("boxoffice:home"))
    assert response.status_code == 302
    assert response["Location"] == url("counter", shop)


def test_home_lists_the_shops_where_one_sells(client_for, organizer, shop, cashier):
    second = f.make_shop(organizer, "Festival")
    f.grant(organizer, Level.BOX_OFFICE, user=cashier, shop=second)
    f.make_shop(organizer, "Not mine")
    page = client_for(cashier).get(reverse("boxoffice:home"))
    assert page.status_code == 200
    assert shop.name in page.text and "Festival" in page.text
    assert "Not mine" not in page.text


def test_a_viewer_has_no_counter(client_for, organizer, shop):
    viewer = f.make_staff()
    f.grant(organizer, Level.VIEW, user=viewer)
    client = client_for(viewer)
    assert client.get(url("counter", shop)).status_code == 403
    page = client.get(reverse("boxoffice:home"))
    assert "You do not hold the box office permission" in page.text


def test_counter_sells_for_cash_and_shows_the_change(counter, shop, concert):
    page = counter.get(url("counter", shop))
    assert page.status_code == 200
    assert concert.event.name in page.text
    page = counter.get(url("counter", shop) + f"?date={concert.date.pk}")
    assert "Plein tarif" in page.text
    assert "Tarif réduit" in page.text  # box office only: sold here
    assert 'data-hotkey="1"' in page.text

    added = counter.post(
        url("counter_add", shop),
        {"date": concert.date.pk, "price": concert.full.pk, "quantity": "3"},
        follow=True,
    )
    assert "3 tickets “Plein tarif” added." in messages_of(added)
    assert "CHF 90.00" in added.text

    done = counter.post(
        url("counter_checkout", shop),
        {"date": concert.date.pk, "method": "cash", "amount_given": "100"},
        follow=True,
    )
    order = Order.objects.get()
    assert order.state == "paid"
    assert f"Order {order.code} paid" in done.text
    assert re.search(r"Change to give\s*<strong>CHF 10.00</strong>", done.text)
    # the panel shows once; the next sale starts empty
    again = counter.get(url("counter", shop))
    assert "Change to give" not in again.text
    assert "No ticket yet" in again.text


def test_a_bad_cash_amount_sells_nothing(counter, shop, concert):
    counter.post(
        url("counter_add", shop),
        {"date": concert.date.pk, "price": concert.full.pk, "quantity": "2"},
    )
    for given, message in [
        ("abc", "“abc” is not an amount."),
        ("10", "The amount given (10.00) is less than the amount due (60.00)."),
        ("-5", "“-5” is not an amount."),
    ]:
        response = counter.post(
            url("counter_checkout", shop),
            {"date": concert.date.pk, "method": "cash", "amount_given": given},
            follow=True,
        )
        assert response.status_code == 200
        assert message in messages_of(response)
        assert f'value="{given}"' in response.text  # what was typed is kept
    assert not Order.objects.exists()
    assert Hold.objects.get().state == "active"  # still held for the sale


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"quantity": "0"}, "Choose how many tickets you want."),
        ({"quantity": "x"}, "Choose how many tickets you want."),
        ({"quantity": "500"}, "Between 1 and 100 places at a time."),
        ({"quantity": "25"}, "Sorry, there are not enough places left."),
        ({"price": "999999", "quantity": "1"}, "This price is not sold at the box office."),
    ],
)
def test_bad_additions_are_refused_with_a_message(counter, shop, concert, data, message):
    response = counter.post(
        url("counter_add", shop),
        {"date": concert.date.pk, "price": concert.full.pk, **data},
        follow=True,
    )
    assert response.status_code == 200
    assert message in messages_of(response)
    assert not Hold.objects.exists()


def test_seats_are_chosen_on_the_seat_map(counter, shop, concert):
    seat = concert.numbered.seats.get(row="B", number="3")
    page = counter.get(url("counter", shop) + f"?date={concert.date.pk}")
    assert 'aria-label="Row B, seat 3"' in page.text
    counter.post(
        url("counter_add", shop),
        {"date": concert.date.pk, "price": concert.seated.pk, "seat": [seat.pk]},
    )
    page = counter.get(url("counter", shop) + f"?date={concert.date.pk}")
    assert "Row B, seat 3" in page.text
    assert re.search(rf'value="{seat.pk}"[^>]*disabled', page.text)


def test_reserve_then_find_and_pay_at_the_counter(counter, shop, concert):
    counter.post(
        url("counter_add", shop),
        {"date": concert.date.pk, "price": concert.full.pk, "quantity": "2"},
    )
    refused = counter.post(
        url("counter_checkout", shop), {"method": "reserve", "phone": "079"}, follow=True
    )
    assert "Give the buyer's name" in " ".join(messages_of(refused))
    reserved = counter.post(
        url("counter_checkout", shop),
        {"method": "reserve", "first_name": "Zoé", "last_name": "Rochat"},
        follow=True,
    )
    order = Order.objects.get()
    assert f"Reservation {order.code} kept for Zoé Rochat" in " ".join(messages_of(reserved))
    assert "Reservation to pay" in reserved.text

    found = counter.get(url("orders", shop), {"q": "zoe roch"})
    assert order.code in found.text and "1 order found" in found.text
    assert "No order matches." in counter.get(url("orders", shop), {"q": "nobody"}).text
    by_date = counter.get(url("orders", shop), {"date": concert.date.pk, "reservations": "1"})
    assert order.code in by_date.text
    by_number = counter.get(url("orders", shop), {"q": f"#{order.number}"})
    assert order.code in by_number.text

    paid = counter.post(
        url("order_pay", shop, order.pk), {"method": "cash", "amount_given": "100"}, follow=True
    )
    order.refresh_from_db()
    assert order.state == "paid"
    assert "Change to give" in paid.text and "CHF 40.00" in paid.text


def test_split_from_the_order_page(counter, shop, concert, cashier):
    order = reserve(shop, cashier, concert, 4)
    tickets = list(order.tickets.order_by("pk").values_list("pk", flat=True))
    page = counter.get(url("order", shop, order.pk))
    assert "Pay some tickets now" in page.text
    assert "Gift vouchers are not available yet" in page.text

    nothing = counter.post(url("order_split", shop, order.pk), {"method": "cash"}, follow=True)
    assert "Choose one or more tickets of this reservation." in messages_of(nothing)

    done = counter.post(
        url("order_split", shop, order.pk),
        {"method": "cash", "ticket": tickets[:2], "amount_given": "60"},
        follow=True,
    )
    new = Order.objects.exclude(pk=order.pk).get()
    assert done.request["PATH_INFO"] == url("order", shop, new.pk)
    assert f"Order {new.code} paid" in done.text
    assert f"Created from a reservation ({order.code})" in done.text
    old = counter.get(url("order", shop, order.pk))
    assert f"Tickets moved to a new paid order ({new.code})" in old.text
    assert recount() == []


def test_print_tickets_and_receipt_open_as_pdf(counter, shop, concert, cashier):
    order = sell(shop, cashier, concert.date, concert.standing, concert.full, 2).order
    ticket = order.tickets.first()
    pdf = counter.post(url("order_tickets_pdf", shop, order.pk), {"ticket": [ticket.pk]})
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"].startswith("inline;")
    assert pdf.content.startswith(b"%PDF")
    receipt = counter.post(url("order_receipt_pdf", shop, order.pk))
    assert receipt["Content-Type"] == "application/pdf"
    assert Receipt.objects.get().number == 1
    assert counter.get(url("order_receipt_pdf", shop, order.pk)).status_code == 405

    bad = counter.post(url("order_tickets_pdf", shop, order.pk), {"ticket": ["x"]}, follow=True)
    assert "Choose one or more valid tickets of this order." in messages_of(bad)


def test_change_the_customer_and_email_the_tickets(counter, shop, concert, cashier):
    order = sell(shop, cashier, concert.date, concert.standing, concert.full, 1).order
    page = counter.get(url("order", shop, order.pk))
    assert "Add a customer" in page.text
    bad = counter.post(url("order_customer", shop, order.pk), {"email": "nope"}, follow=True)
    assert "“nope” is not a valid email address." in messages_of(bad)
    saved = counter.post(
        url("order_customer", shop, order.pk),
        {"email": "Max@example.org", "first_name": "Max", "last_name": "Frei"},
        follow=True,
    )
    assert "The order's customer was saved." in messages_of(saved)
    order.refresh_from_db()
    assert (order.email, order.customer.email) == ("max@example.org", "max@example.org")
    sent = counter.post(url("order_email", shop, order.pk), follow=True)
    assert "The confirmation with the tickets is sent." in messages_of(sent)


def test_an_event_seller_sees_only_their_event(client_for, organizer, shop, concert, cashier):
    other_event, other_date = make_event_with_date(shop, concert.event.venue, name="Secret gala")
    other_price = make_price(other_event, concert.standing, amount="15.00")
    theirs = sell(shop, cashier, other_date, concert.standing, other_price, 1).order
    mine = sell(shop, cashier, concert.date, concert.standing, concert.full, 1).order
    seller = f.make_staff()
    f.grant(organizer, Level.BOX_OFFICE, user=seller, shop=shop, event_id=concert.event.pk)
    client = client_for(seller)

    page = client.get(url("counter", shop))
    assert concert.event.name in page.text and "Secret gala" not in page.text
    assert client.get(url("counter", shop) + f"?date={other_date.pk}").status_code == 404
    found = client.get(url("orders", shop), {"date": other_date.pk})
    assert theirs.code not in found.text
    assert client.get(url("order", shop, theirs.pk)).status_code == 404
    assert client.get(url("order", shop, mine.pk)).status_code == 200
    refused = client.post(
        url("counter_add", shop),
        {"date": other_date.pk, "price": other_price.pk, "quantity": "1"},
    )
    assert refused.status_code == 404


def test_counter_page_queries_do_not_grow_with_dates(
    counter, shop, concert, django_assert_max_num_queries
):
    counter.post(
        url("counter_add", shop),
        {"date": concert.date.pk, "price": concert.full.pk, "quantity": "1"},
    )
    page_url = url("counter", shop) + f"?date={concert.date.pk}"
    with django_assert_max_num_queries(30) as few:
        counter.get(page_url)
    for n in range(10):
        event, _date = make_event_with_date(shop, concert.event.venue, name=f"Show {n}")
        make_price(event, concert.standing, amount="10.00")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = counter.get(page_url)
    assert page.status_code == 200
    assert page.text.count('class="what"') == 11


def test_tickets_print_on_a_ticket_printer_format_remembered_by_the_counter(
    counter, shop, concert, cashier
):
    order = sell(shop, cashier, concert.date, concert.standing, concert.full, 1).order
    a4 = counter.post(url("order_tickets_pdf", shop, order.pk))
    roll = counter.post(url("order_tickets_pdf", shop, order.pk), {"layout": "thermal_cinema"})

    def size_mm(response):
        box = pypdf.PdfReader(io.BytesIO(response.content)).pages[0].mediabox
        return round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)

    assert size_mm(a4) == (210, 297)
    assert size_mm(roll) == (80, 130)
    page = counter.get(url("order", shop, order.pk))
    assert re.search(r'<option value="thermal_cinema" selected>', page.text)


def test_another_organizers_cashier_cannot_pay_or_split_a_reservation(
    shop, concert, cashier, other_tenant, client_for
):
    reservation = reserve(shop, cashier, concert, 2)
    _org, other_shop, other_manager = other_tenant
    intruder = client_for(other_manager)
    ticket = reservation.tickets.first().pk
    for name, data in [
        ("order_pay", {"method": "cash", "amount_given": "100"}),
        ("order_split", {"method": "cash", "ticket": [ticket]}),
        ("order_customer", {"email": "spy@example.org"}),
    ]:
        # the victim's order under the intruder's own shop, and under the victim's shop
        assert intruder.post(url(name, other_shop, reservation.pk), data).status_code == 404
        assert intruder.post(url(name, shop, reservation.pk), data).status_code == 404
    reservation.refresh_from_db()
    assert (reservation.state, reservation.email) == ("pending", "lea@example.org")
    assert Order.objects.count() == 1
