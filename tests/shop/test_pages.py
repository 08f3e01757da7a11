"""The public shop through HTTP (SHOP-1, SHOP-2, CAT-3, CAT-5): pages, the cart, checkout."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from billetterie.catalog.models import Event, Price
from billetterie.catalog.services import options, prices
from billetterie.catalog.services.events import event_create
from billetterie.inventory import schedule
from billetterie.inventory.models import DateSeat, Hold, Quota
from billetterie.inventory.services import recount
from billetterie.orders.models import Order
from billetterie.orders.services import cart as carts
from billetterie.payments import services as payments
from tests import factories as f
from tests.catalog_factories import make_event_with_date, make_price, make_venue

pytestmark = pytest.mark.django_db


@pytest.fixture
def sale(organizer, shop):
    """A date with a free zone of 20 places (two prices) and a numbered zone of 3x10 seats."""
    venue, standing, numbered = make_venue(organizer, free=20)
    event, date = make_event_with_date(shop, venue)
    full = make_price(event, standing, amount="45.00")
    reduced = make_price(event, standing, name="Réduit", amount="25.00")
    seated = make_price(event, numbered, name="Balcon", amount="60.00")
    payments.shop_methods_set(shop=shop, providers=["testcard", "onsite"])
    return {
        "shop": shop,
        "event": event,
        "date": date,
        "standing": standing,
        "numbered": numbered,
        "full": full,
        "reduced": reduced,
        "seated": seated,
    }


def url(name, shop, *args):
    return reverse(f"shop:{name}", args=[shop.organizer.slug, shop.slug, *args])


def date_url(sale):
    return url("date", sale["shop"], sale["event"].pk, sale["date"].pk)


def taken(date, zone) -> int:
    return Quota.objects.get(date=date, zone=zone, price__isnull=True).taken


def text(response) -> str:
    """The visible text of a page, whitespace collapsed (templates wrap lines)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def seat_of(date, zone, row="A", number="1"):
    return DateSeat.objects.get(date=date, seat__zone=zone, seat__row=row, seat__number=number)


def other_cart(shop):
    return carts.cart_for(shop=shop, key=None)


# --- pages -----------------------------------------------------------------------------------
def test_demo_shop_pages_render(client, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    call_command("demo")
    home = client.get("/theatre-demo/saison-2026-2027/")
    assert home.status_code == 200
    page = text(home)
    for name in ("Le Misanthrope", "Orchestre de chambre — Mozart", "Lecture — tarif libre"):
        assert name in page
    play = Event.objects.get(name="Le Misanthrope")
    event_page = client.get(f"/theatre-demo/saison-2026-2027/event/{play.pk}/")
    assert "Molière" in event_page.text
    assert "Théâtre des Arts" in event_page.text
    assert event_page.text.count("data-date=") == play.dates.count() == 6
    assert "places left" not in event_page.text  # the shop hides remaining places
    first = play.dates.order_by("starts_at").first()
    date_page = client.get(f"/theatre-demo/saison-2026-2027/event/{play.pk}/{first.pk}/")
    assert date_page.status_code == 200
    assert "Parterre" in date_page.text and "Balcon" in date_page.text
    assert "CHF 45.00" in date_page.text and "AVS / étudiant" in date_page.text
    concert = Event.objects.get(name="Orchestre de chambre — Mozart")
    date = concert.dates.get()
    seats = client.get(f"/theatre-demo/saison-2026-2027/event/{concert.pk}/{date.pk}/")
    assert seats.text.count('name="seat"') == 11 * 12
    assert 'aria-label="Row A, seat 1, Catégorie 1"' in seats.text
    reading = Event.objects.get(name="Lecture — tarif libre")
    pwyw = client.get(
        f"/theatre-demo/saison-2026-2027/event/{reading.pk}/{reading.dates.get().pk}/"
    )
    assert "Pay what you want (minimum CHF 5.00)" in text(pwyw)
    assert client.get("/theatre-demo/saison-2026-2027/cart/").status_code == 200


def test_home_lists_only_public_events_with_dates_to_come(client, organizer, shop, sale):
    venue = sale["event"].venue
    hidden, _date = make_event_with_date(shop, venue, name="Avant-première")
    Event.objects.filter(pk=hidden.pk).update(visibility=Event.Visibility.UNLISTED)
    cancelled, _date = make_event_with_date(shop, venue, name="Annulé")
    Event.objects.filter(pk=cancelled.pk).update(sale_status=Event.SaleStatus.CANCELLED)
    event_create(shop=shop, actor=None, name="Sans date", venue=venue)
    page = client.get(url("home", shop)).text
    assert "Concert" in page
    assert "Avant-première" not in page and "Annulé" not in page and "Sans date" not in page
    # an unlisted event is reachable by its link, a restricted one is not
    assert client.get(url("event", shop, hidden.pk)).status_code == 200
    Event.objects.filter(pk=hidden.pk).update(visibility=Event.Visibility.RESTRICTED)
    assert client.get(url("event", shop, hidden.pk)).status_code == 404


def test_shop_pages_are_scoped_to_their_shop(client, organizer, shop, sale):
    _org, other_shop, _manager = f.make_tenant()
    event, date = sale["event"], sale["date"]
    assert client.get(url("event", other_shop, event.pk)).status_code == 404
    assert client.get(url("date", other_shop, event.pk, date.pk)).status_code == 404
    second, _date = make_event_with_date(shop, event.venue, name="Second")
    assert client.get(url("date", shop, second.pk, date.pk)).status_code == 404
    shop.is_archived = True
    shop.save()
    assert client.get(url("home", shop)).status_code == 404
    assert client.get(url("date", shop, event.pk, date.pk)).status_code == 404


def test_remaining_places_follow_the_shop_setting(client, sale):
    shop = sale["shop"]
    event_page = url("event", shop, sale["event"].pk)
    assert "places left" not in client.get(event_page).text
    assert "places left" not in client.get(date_url(sale)).text
    shop.show_remaining_places = True
    shop.save()
    assert "50 places left" in client.get(event_page).text  # 20 standing + 30 seats
    page = client.get(date_url(sale)).text
    assert "20 places left" in page and "30 places left" in page


def test_date_page_shows_only_prices_sold_online(client, sale):
    event, standing = sale["event"], sale["standing"]
    counter = make_price(event, standing, name="Guichet", amount="10.00")
    Price.objects.filter(pk=counter.pk).update(visibility=Price.Visibility.BOX_OFFICE)
    later = make_price(event, standing, name="Prévente", amount="12.00")
    Price.objects.filter(pk=later.pk).update(sales_start=timezone.now() + timedelta(days=3))
    other_day = schedule.dates_add(
        event=event, actor=None, starts=[(sale["date"].starts_at + timedelta(days=1), None)]
    )
    only_other = prices.price_create(
        event=event,
        actor=None,
        zone=standing,
        name="Lendemain",
        kind=Price.Kind.FIXED,
        amounts={"CHF": Decimal("9")},
        dates=other_day,
    )
    page = client.get(date_url(sale)).text
    assert "Réduit" in page
    assert "Guichet" not in page and "Prévente" not in page and "Lendemain" not in page
    other = client.get(url("date", sale["shop"], event.pk, other_day[0].pk)).text
    assert f'name="price" value="{only_other.pk}"' in other


def test_a_date_not_on_sale_says_why(client, sale):
    Event.objects.filter(pk=sale["event"].pk).update(sale_status=Event.SaleStatus.COMING_SOON)
    page = client.get(date_url(sale))
    assert page.status_code == 200
    assert "“Concert” is not on sale." in page.text
    assert "Add to cart" not in page.text


# --- adding to the cart ----------------------------------------------------------------------
def test_add_to_cart_holds_the_places(client, sale):
    date, standing = sale["date"], sale["standing"]
    response = client.post(date_url(sale), {"price": sale["full"].pk, "quantity": "2"})
    assert response.status_code == 302
    assert response.url == url("cart", sale["shop"])
    assert taken(date, standing) == 2
    cart_page = client.get(response.url)
    page = text(cart_page)
    assert "2 tickets “Plein tarif” added to your cart." in page
    assert "2 \N{MULTIPLICATION SIGN} CHF 45.00" in page and "CHF 90.00" in page
    assert re.search(
        r'data-countdown data-expires="[^"]+" data-seconds="(8\d\d|900)"', cart_page.text
    )
    assert 'class="badge"' in cart_page.text  # the header shows the tickets in the cart
    # the cart is found again through the session, and adding more keeps one cart
    client.post(date_url(sale), {"price": sale["reduced"].pk, "quantity": "1"})
    assert taken(date, standing) == 3
    assert "CHF 115.00" in client.get(url("cart", sale["shop"])).text
    assert recount() == []


def test_add_a_numbered_seat(client, sale):
    date, numbered = sale["date"], sale["numbered"]
    a1, a2 = seat_of(date, numbered, "A", "1"), seat_of(date, numbered, "A", "2")
    response = client.post(
        date_url(sale), {"price": sale["seated"].pk, "seat": [a1.seat_id, a2.seat_id]}
    )
    assert response.status_code == 302
    a1.refresh_from_db()
    assert a1.hold is not None and a1.hold.quantity == 2
    assert "Row A, seat 1, Row A, seat 2" in client.get(response.url).text
    page = client.get(date_url(sale)).text
    assert re.search(rf'value="{a1.seat_id}" aria-label="Row A, seat 1" disabled', page)
    assert re.search(
        rf'value="{seat_of(date, numbered, "A", "3").seat_id}" aria-label="[^"]+">', page
    )


def test_a_seat_taken_meanwhile_is_refused_with_a_message(client, sale):
    date, numbered, seated = sale["date"], sale["numbered"], sale["seated"]
    assert client.get(date_url(sale)).status_code == 200
    a1 = seat_of(date, numbered)
    carts.cart_add(
        cart=other_cart(sale["shop"]), date=date, zone=numbered, price=seated, seat_ids=[a1.seat_id]
    )
    response = client.post(date_url(sale), {"price": seated.pk, "seat": [a1.seat_id]})
    assert response.status_code == 200
    assert "This seat has just been taken. Please choose another one." in response.text
    assert f'id="zone-{numbered.pk}-error"' in response.text  # next to the seat map's form
    assert Hold.objects.filter(state=Hold.State.ACTIVE).count() == 1


def test_pay_what_you_want_below_the_minimum_is_refused(client, sale):
    event, standing = sale["event"], sale["standing"]
    free = make_price(event, standing, name="Tarif libre", amount="5.00", kind="pwyw")
    response = client.post(
        date_url(sale), {"price": free.pk, "quantity": "1", f"amount-{free.pk}": "3"}
    )
    assert response.status_code == 200
    assert "The minimum for this price is CHF 5.00." in response.text
    assert f'id="price-{free.pk}-error"' in response.text
    assert taken(sale["date"], standing) == 0
    empty = client.post(date_url(sale), {"price": free.pk, "quantity": "1"})
    assert "Enter the amount you want to pay." in empty.text
    ok = client.post(
        date_url(sale), {"price": free.pk, "quantity": "2", f"amount-{free.pk}": "12,50"}
    )
    assert ok.status_code == 302
    assert "CHF 25.00" in client.get(ok.url).text


def test_a_sold_out_zone_says_so(client, organizer, shop):
    venue, standing, _numbered = make_venue(organizer, free=2, seat_rows=("A",), seats_per_row=1)
    event, date = make_event_with_date(shop, venue)
    price = make_price(event, standing)
    make_price(event, _numbered, name="Balcon")
    page_url = url("date", shop, event.pk, date.pk)
    assert "Sold out" not in client.get(page_url).text
    stale = client.get(page_url)  # the buyer looked before the last places went
    carts.cart_add(cart=other_cart(shop), date=date, zone=standing, price=price, quantity=2)
    page = text(client.get(page_url))
    assert "Sold out — there is no place left in this zone." in page
    assert stale.status_code == 200
    refused = client.post(page_url, {"price": price.pk, "quantity": "1"})
    assert refused.status_code == 200
    assert "Sorry, there are not enough places left." in refused.text
    assert taken(date, standing) == 2


@pytest.mark.parametrize(
    "data",
    [
        {"price": "abc", "quantity": "1"},
        {"price": "", "quantity": "1"},
        {"quantity": "1"},
        {"price": "999999", "quantity": "1"},
    ],
)
def test_an_unknown_price_is_a_message_not_an_error(client, sale, data):
    response = client.post(date_url(sale), data, follow=True)
    assert response.status_code == 200
    assert "This price is not on sale any more." in response.text


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("quantity", "abc", "Choose how many tickets you want."),
        ("quantity", "0", "Choose how many tickets you want."),
        ("quantity", "-3", "Choose how many tickets you want."),
        ("quantity", "5000", "Between 1 and 100 places at a time."),
        ("option", "x", "An option you chose is not available."),
        ("option", "424242", "An option you chose is not available."),
    ],
)
def test_bad_input_is_shown_next_to_the_form(client, sale, field, value, message):
    full = sale["full"]
    data = {"price": full.pk, "quantity": "1"}
    data[f"option-{full.pk}" if field == "option" else field] = value
    response = client.post(date_url(sale), data)
    assert response.status_code == 200
    assert message in response.text
    assert f'id="price-{full.pk}-error"' in response.text
    assert taken(sale["date"], sale["standing"]) == 0


@pytest.mark.parametrize(
    ("seats", "message"),
    [
        ([], "Choose at least one seat"),
        (["x"], "Choose your seats"),
        (["987654"], "just been taken"),
    ],
)
def test_bad_seats_are_refused_with_a_message(client, sale, seats, message):
    response = client.post(date_url(sale), {"price": sale["seated"].pk, "seat": seats})
    assert response.status_code == 200
    assert message in response.text


def test_a_bad_amount_is_refused_with_a_message(client, sale):
    free = make_price(sale["event"], sale["standing"], name="Libre", amount="5", kind="pwyw")
    response = client.post(
        date_url(sale), {"price": free.pk, "quantity": "1", f"amount-{free.pk}": "beaucoup"}
    )
    assert response.status_code == 200
    assert "“beaucoup” is not an amount." in response.text


def test_options_change_the_amount(client, sale):
    full = sale["full"]
    options.option_create(price=full, actor=None, name="Programme", amount=Decimal("5"))
    group = options.option_group_create(price=full, actor=None, name="Repas", neutral_label="Sans")
    meal = options.option_create(
        price=full, actor=None, name="Menu", amount=Decimal("20"), group=group
    )
    programme = full.options.get(name="Programme")
    page = client.get(date_url(sale)).text
    assert f'name="option-{full.pk}" value="{programme.pk}"' in page
    assert '<option value="">Sans</option>' in page
    response = client.post(
        date_url(sale),
        {
            "price": full.pk,
            "quantity": "1",
            f"option-{full.pk}": [programme.pk],
            f"group-{full.pk}-{group.pk}": meal.pk,
        },
    )
    assert response.status_code == 302
    cart = text(client.get(response.url))
    assert "Programme, Menu" in cart and "CHF 70.00" in cart


# --- the cart --------------------------------------------------------------------------------
def test_update_remove_and_empty_the_cart(client, sale):
    shop, date, standing = sale["shop"], sale["date"], sale["standing"]
    client.post(date_url(sale), {"price": sale["full"].pk, "quantity": "2"})
    client.post(date_url(sale), {"price": sale["reduced"].pk, "quantity": "1"})
    first, second = carts.cart_for(shop=shop, key=client.session[f"cart:{shop.pk}"]).lines.all()
    client.post(url("cart_update", shop), {"line": first.pk, "quantity": "4"})
    assert taken(date, standing) == 5
    bad = client.post(url("cart_update", shop), {"line": first.pk, "quantity": "lots"}, follow=True)
    assert "Choose how many tickets you want." in bad.text
    too_many = client.post(
        url("cart_update", shop), {"line": first.pk, "quantity": "30"}, follow=True
    )
    assert "Sorry, there are not enough places left." in too_many.text
    assert taken(date, standing) == 5
    client.post(url("cart_remove", shop), {"line": second.pk})
    assert taken(date, standing) == 4
    page = client.get(url("cart", shop)).text
    assert "data-confirm=" in page and "Empty the cart" in page
    emptied = client.post(url("cart_empty", shop), follow=True)
    assert "Your cart is empty" in emptied.text
    assert taken(date, standing) == 0
    assert recount() == []


def test_an_expired_cart_tells_the_buyer(client, sale):
    date, standing = sale["date"], sale["standing"]
    client.post(date_url(sale), {"price": sale["full"].pk, "quantity": "2"})
    Hold.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    page = client.get(url("cart", sale["shop"]))
    body = text(page)
    assert "The time to complete your order ran out: the places went back on sale." in body
    assert "2 x Plein tarif — Concert" in body
    assert "Your cart is empty." in body
    assert taken(date, standing) == 0
    assert recount() == []


def test_an_empty_cart_page_creates_no_cart(client, sale):
    from billetterie.orders.models import Cart

    assert "Your cart is empty." in client.get(url("cart", sale["shop"])).text
    assert Cart.objects.count() == 0


# --- checkout --------------------------------------------------------------------------------
BUYER = {
    "email": "ana@example.org",
    "email_again": "ana@example.org",
    "first_name": "Ana",
    "last_name": "Muster",
}


def test_checkout_places_the_order_and_shows_its_page(client, sale):
    shop = sale["shop"]
    client.post(date_url(sale), {"price": sale["full"].pk, "quantity": "2"})
    a1 = seat_of(sale["date"], sale["numbered"])
    client.post(date_url(sale), {"price": sale["seated"].pk, "seat": [a1.seat_id]})
    form = client.get(url("checkout", shop))
    assert form.status_code == 200
    assert "CHF 150.00" in form.text and 'autocomplete="email"' in form.text
    response = client.post(url("checkout", shop), BUYER)
    order = Order.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("shop:order", args=[order.secret])
    assert (order.email, order.total, order.language) == (
        "ana@example.org",
        Decimal("150.00"),
        "en",
    )
    assert order.tickets.count() == 3
    page = client.get(response.url)
    assert "Choose how to pay" in page.text and "Your order is placed." in page.text
    assert Hold.objects.filter(state=Hold.State.CONFIRMED).count() == 2
    assert "Your cart is empty." in client.get(url("cart", shop)).text


def test_checkout_form_errors(client, sale):
    client.post(date_url(sale), {"price": sale["full"].pk, "quantity": "1"})
    response = client.post(
        url("checkout", sale["shop"]), {**BUYER, "email_again": "anna@example.org", "last_name": ""}
    )
    assert response.status_code == 200
    assert "The two email addresses differ." in response.text
    assert "This field is required." in response.text
    assert Order.objects.count() == 0


def test_checkout_of_an_expired_cart_tells_the_buyer(client, sale):
    shop = sale["shop"]
    client.post(date_url(sale), {"price": sale["full"].pk, "quantity": "2"})
    Hold.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.post(url("checkout", shop), BUYER, follow=True)
    assert response.redirect_chain[-1][0] == url("cart", shop)
    assert "The time to complete your order ran out" in response.text
    assert "2 x Plein tarif" in text(response)  # the cart page lists what went back on sale
    assert Order.objects.count() == 0
    assert taken(sale["date"], sale["standing"]) == 0
    again = client.get(url("checkout", shop), follow=True)
    assert "Your cart is empty." in again.text


def test_checkout_of_an_empty_cart(client, sale):
    response = client.post(url("checkout", sale["shop"]), BUYER, follow=True)
    assert "Your cart is empty." in response.text
    assert client.get(url("checkout", sale["shop"])).status_code == 302
    assert Order.objects.count() == 0


# --- query counts ----------------------------------------------------------------------------
def _grow(sale, n_prices: int):
    event, standing, numbered = sale["event"], sale["standing"], sale["numbered"]
    for i in range(n_prices):
        price = make_price(event, standing, name=f"Tarif {i}", amount="10")
        options.option_create(price=price, actor=None, name="Programme", amount=Decimal("5"))
        group = options.option_group_create(price=price, actor=None, name="Repas")
        options.option_create(
            price=price, actor=None, name="Menu", amount=Decimal("9"), group=group
        )
        make_price(event, numbered, name=f"Place {i}", amount="10")
    Price.objects.filter(event=event, name="Tarif 0").first().dates.add(sale["date"])
    schedule.seats_add(zone=numbered, actor=None, rows=["D", "E", "F", "G"], seats_per_row=20)


def test_date_page_queries_do_not_grow_with_prices_or_seats(
    client, sale, django_assert_max_num_queries
):
    client.post(date_url(sale), {"price": sale["full"].pk, "quantity": "1"})  # a session, a cart
    with django_assert_max_num_queries(11):
        small = client.get(date_url(sale))
    _grow(sale, 12)
    with django_assert_max_num_queries(11):
        big = client.get(date_url(sale))
    assert big.text.count('name="seat"') == 30 + 80 > small.text.count('name="seat"')
    assert "Tarif 11" in big.text and "Place 11" in big.text
    with django_assert_max_num_queries(10):
        client.get(url("event", sale["shop"], sale["event"].pk))
    with django_assert_max_num_queries(6):
        client.get(url("home", sale["shop"]))


def test_pages_render_in_french(client_for, sale):
    from django.utils import translation

    client = client_for()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "fr"
    shop = sale["shop"]
    with translation.override("fr"):
        client.post(date_url(sale), {"price": sale["full"].pk, "quantity": "2"})
        for page in (
            url("home", shop),
            url("event", shop, sale["event"].pk),
            date_url(sale),
            url("cart", shop),
            url("checkout", shop),
        ):
            response = client.get(page)
            assert response.status_code == 200, page
            assert '<html lang="fr">' in response.text
        client.post(url("checkout", shop), BUYER)
    assert Order.objects.get().language == "fr"
