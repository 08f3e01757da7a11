"""The shop's dashboard in the back office: sales today and in total per event and date,
revenue per payment method, sales per day as an SVG chart, check-ins; figures from
aggregate queries whose number does not grow with the orders."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from billetterie.checkin.models import TicketCheckinState
from billetterie.core.models import Level
from billetterie.orders.models import Order
from billetterie.orders.queries_dashboard import shop_dashboard
from tests import factories as f
from tests.boxoffice.conftest import make_cashier, make_concert, reserve, sell
from tests.catalog_factories import make_event_with_date, make_price, make_venue

pytestmark = pytest.mark.django_db


@pytest.fixture
def concert(organizer, shop):
    return make_concert(organizer, shop)


@pytest.fixture
def cashier(organizer, shop):
    return make_cashier(organizer, shop)


@pytest.fixture
def sales(shop, concert, cashier):
    """Today: 3 tickets cash + 1 by card terminal; 3 days ago: 2 tickets; a reservation of
    2; an expired order; another shop's sale."""
    cash = sell(shop, cashier, concert.date, concert.standing, concert.full, 3, given="100")
    card = sell(
        shop, cashier, concert.date, concert.numbered, concert.seated, 1, method="card_terminal"
    )
    earlier = sell(shop, cashier, concert.date, concert.standing, concert.reduced, 2)
    Order.objects.filter(pk=earlier.order.pk).update(paid_at=timezone.now() - timedelta(days=3))
    reservation = reserve(shop, cashier, concert, 2)
    expired = sell(shop, cashier, concert.date, concert.standing, concert.full, 1).order
    Order.objects.filter(pk=expired.pk).update(state=Order.State.EXPIRED)
    other_shop = f.make_shop(shop.organizer)
    event, date = make_event_with_date(other_shop, concert.event.venue, name="Elsewhere")
    f.grant(shop.organizer, Level.BOX_OFFICE, user=cashier, shop=other_shop)
    sell(other_shop, cashier, date, concert.standing, make_price(event, concert.standing))
    return cash.order, card.order, earlier.order, reservation


def test_figures_count_paid_tickets_today_and_in_total(shop, concert, sales):
    board = shop_dashboard(shop)
    assert (board.tickets_today, board.tickets) == (4, 6)
    assert (board.revenue_today, board.revenue) == (Decimal("150.00"), Decimal("190.00"))
    assert (board.orders_today, board.orders) == (2, 3)
    assert board.reserved == 2
    (event,) = board.events
    (date,) = event.dates
    assert (date.sold, date.sold_today, date.reserved) == (6, 4, 2)
    assert (date.revenue, date.revenue_today) == (Decimal("190.00"), Decimal("150.00"))
    assert {(m.method, m.orders, m.amount) for m in board.methods} == {
        ("cash", 2, Decimal("130.00")),
        ("card_terminal", 1, Decimal("60.00")),
    }
    assert len(board.days) == 30 and board.days[-1].day == board.today
    assert (board.days[-1].tickets, board.days[-1].revenue) == (4, Decimal("150.00"))
    assert (board.days[-4].tickets, board.days[-4].revenue) == (2, Decimal("40.00"))
    assert sum(d.revenue for d in board.days) == Decimal("190.00")
    assert board.reductions == 0


def test_today_is_the_shops_day(shop, concert, cashier):
    """Paid at 23:30 in Zurich the day before: not today, whatever the server's clock."""
    order = sell(shop, cashier, concert.date, concert.standing, concert.full).order
    now = timezone.now()
    local_midnight = timezone.localtime(now, shop.zone_info).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    Order.objects.filter(pk=order.pk).update(paid_at=local_midnight - timedelta(minutes=30))
    board = shop_dashboard(shop, now=now)
    assert (board.tickets_today, board.tickets) == (0, 1)
    assert board.days[-2].tickets == 1 and board.days[-1].tickets == 0


def test_the_page_shows_figures_chart_methods_and_checkins(
    shop, organizer, concert, sales, manager_client
):
    cash_order = sales[0]
    TicketCheckinState.objects.create(
        ticket=cash_order.tickets.first(), entries=1, first_entry_at=timezone.now()
    )
    page = manager_client.get(reverse("backoffice:shop", args=[organizer.slug, shop.slug]))
    assert page.status_code == 200
    html = page.text
    assert shop.time_zone in html  # the shop's facts are still there
    assert re.search(r'data-figure="tickets-today">4<', html)
    assert re.search(r'data-figure="revenue-today">CHF 150.00<', html)
    assert re.search(r'data-figure="checked-in">1<', html)
    assert "Cash" in html and "Card (payment terminal)" in html
    assert html.count('<rect class="bar"') == 30
    assert re.search(r"<title>[^<]*: 4 tickets, CHF 150.00</title>", html)
    row = re.search(rf'<tr data-date="{concert.date.pk}">(.*?)</tr>', html, re.S).group(1)
    cells = re.findall(r'<td class="num">([^<]*)</td>', row)
    assert cells == ["4", "6", "2", "CHF 190.00", "1"]
    assert "Open the box office" in html
    assert 'style="' not in html.split("<svg", 1)[1].split("</svg>", 1)[0]  # strict CSP


def test_reductions_are_explained(shop, organizer, concert, sales, manager_client):
    cash_order = sales[0]
    Order.objects.filter(pk=cash_order.pk).update(total=Decimal("80.00"))
    board = shop_dashboard(shop)
    assert board.reductions == Decimal("10.00")
    page = manager_client.get(reverse("backoffice:shop", args=[organizer.slug, shop.slug]))
    assert "reductions on orders (CHF 10.00)" in page.text


def test_a_viewer_sees_the_dashboard_without_the_box_office_button(
    shop, organizer, sales, client_for
):
    viewer = f.make_staff()
    f.grant(organizer, Level.VIEW, user=viewer, shop=shop)
    page = client_for(viewer).get(reverse("backoffice:shop", args=[organizer.slug, shop.slug]))
    assert page.status_code == 200
    assert "Revenue per payment method" in page.text
    assert "Open the box office" not in page.text


def test_an_empty_shop_shows_an_empty_dashboard(shop, organizer, manager_client):
    page = manager_client.get(reverse("backoffice:shop", args=[organizer.slug, shop.slug]))
    assert page.status_code == 200
    assert "No sale in this period." in page.text
    assert "No paid order yet." in page.text


def test_queries_do_not_grow_with_orders_events_and_dates(
    shop, organizer, concert, cashier, manager_client, django_assert_max_num_queries
):
    url = reverse("backoffice:shop", args=[organizer.slug, shop.slug])
    sell(shop, cashier, concert.date, concert.standing, concert.full)
    with django_assert_max_num_queries(30) as few:
        manager_client.get(url)
    venue, standing, _numbered = make_venue(organizer, seat_rows=())
    for n in range(5):
        event, date = make_event_with_date(shop, venue, name=f"Show {n}")
        price = make_price(event, standing, amount="10.00")
        for _ in range(3):
            sell(shop, cashier, date, standing, price, 2)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = manager_client.get(url)
    assert page.text.count('class="event-row"') == 6
