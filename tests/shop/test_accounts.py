"""Optional buyer accounts in the shop (SHOP-5, DATA-1): sign-up with a confirmed email,
login per organizer, password reset, "My account" with the buyer's orders, the checkout of
a logged-in buyer, and the ike_user_login / ike_user_logout tracking events (SHOP-8).

Real database, real services, the Django test client; emails are read back from the
outbox (or from mail.outbox once sent). The browser side is tests/e2e/test_shop_accounts.py.
"""

import json
import re
import time
from unittest import mock

import pytest
from django.contrib.auth.hashers import make_password
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from billetterie.notifications.models import OutboxMessage
from billetterie.orders.models import Customer, Order
from billetterie.orders.services import accounts, checkout
from billetterie.orders.services import cart as carts
from billetterie.payments import services as payments
from billetterie.shop.services import tracking_update
from tests import factories as f
from tests.catalog_factories import make_event_with_date, make_price, make_venue

pytestmark = pytest.mark.django_db

PASSWORD = "a long buyer passphrase"
OTHER_PASSWORD = "another quite long phrase"


# --- helpers ---------------------------------------------------------------------------------
def url(name, shop, *args):
    return reverse(f"shop:{name}", args=[shop.organizer.slug, shop.slug, *args])


@pytest.fixture
def sale(organizer, shop):
    venue, standing, _numbered = make_venue(organizer, free=30)
    event, date = make_event_with_date(shop, venue, name="Gala")
    price = make_price(event, standing, amount="45.00")
    payments.shop_methods_set(shop=shop, providers=["testcard", "onsite"])
    return {"shop": shop, "event": event, "date": date, "zone": standing, "price": price}


def guest_order(sale, email="ana@example.org", *, quantity=1, paid=True, shop=None) -> Order:
    """An order placed without an account, through the real services."""
    shop = shop or sale["shop"]
    if shop != sale["shop"]:
        venue, zone, _n = make_venue(shop.organizer, free=10, seat_rows=())
        event, date = make_event_with_date(shop, venue, name="Autre")
        price = make_price(event, zone, amount="20.00")
    else:
        zone, date, price = sale["zone"], sale["date"], sale["price"]
    cart = carts.cart_for(shop=shop, key=None)
    carts.cart_add(cart=cart, date=date, zone=zone, price=price, quantity=quantity)
    order = checkout.order_place(
        cart=cart, email=email, first_name="Ana", last_name="Guest", language="en"
    )
    if paid:
        order = checkout.order_paid(order=order, provider="testcard")
    return order


def last_message(to: str) -> OutboxMessage:
    message = OutboxMessage.objects.filter(to=[to]).order_by("-pk").first()
    assert message is not None, f"no email to {to}"
    return message


def link_in(message: OutboxMessage, kind: str) -> str:
    """The path of the confirmation (`confirm`) or reset (`password`) link of an email."""
    match = re.search(rf"https?://[^/\s]+(/\S+/account/{kind}/[^/\s]+/)", message.body_text)
    assert match, f"no {kind} link in {message.body_text!r}"
    return match.group(1)


def signup(client, shop, email="ana@example.org", password=PASSWORD, **extra):
    return client.post(
        url("account_signup", shop),
        {
            "first_name": "Ana",
            "last_name": "Muster",
            "email": email,
            "password": password,
            "password_again": password,
            **extra,
        },
    )


def confirm(client, shop, email="ana@example.org", password=PASSWORD):
    """Open the confirmation link of the last email to `email`, then give the password."""
    opened = client.get(link_in(last_message(email), "confirm"))
    assert opened.status_code == 302 and opened.url == url("account_confirm", shop)
    return client.post(url("account_confirm", shop), {"password": password})


def login(client, shop, email="ana@example.org", password=PASSWORD, **extra):
    return client.post(url("account_login", shop), {"email": email, "password": password, **extra})


def open_account(client, shop, email="ana@example.org", password=PASSWORD) -> Customer:
    """Sign up and confirm: the client is then logged in."""
    assert signup(client, shop, email, password).status_code == 302
    done = confirm(client, shop, email, password)
    assert done.status_code == 302 and done.url == url("account", shop), done
    return Customer.objects.get(organizer=shop.organizer, email=email)


def logged_in(client, shop) -> bool:
    response = client.get(url("home", shop))
    header = response.text.split('class="shop-bar"', 1)[1].split("</header>", 1)[0]
    return "My account" in header and "Log out" in header


def tracking_data(response):
    found = re.search(
        r'<script id="ike-tracking" type="application/json">(.*?)</script>', response.text, re.S
    )
    return json.loads(found.group(1)) if found else None


# --- sign-up and confirmation ----------------------------------------------------------------
def test_signup_emails_a_confirmation_link_in_the_shop_language(
    client_for, shop, django_capture_on_commit_callbacks
):
    french = client_for()
    french.defaults["HTTP_ACCEPT_LANGUAGE"] = "fr"
    with django_capture_on_commit_callbacks(execute=True):
        response = signup(french, shop)
    assert response.status_code == 302 and response.url == url("account_sent", shop)
    (sent,) = mail.outbox
    assert sent.to == ["ana@example.org"]
    assert "/account/confirm/" in sent.body
    html, mimetype = sent.alternatives[0]
    assert mimetype == "text/html" and "/account/confirm/" in html
    assert last_message("ana@example.org").language == "fr"
    customer = Customer.objects.get(organizer=shop.organizer, email="ana@example.org")
    assert customer.email_verified_at is None and not customer.has_account
    assert customer.password.startswith("argon2")  # hashed, never kept in clear
    page = french.get(response.url)
    assert page.status_code == 200


def test_unconfirmed_account_cannot_log_in_nor_see_orders(client, sale):
    shop = sale["shop"]
    order = guest_order(sale)
    signup(client, shop)
    before = OutboxMessage.objects.count()

    refused = login(client, shop)
    assert refused.status_code == 200
    assert "Your email address is not confirmed yet" in refused.text
    assert not logged_in(client, shop)
    # the account page sends to the login page, and no order of that email is shown
    page = client.get(url("account", shop))
    assert page.status_code == 302 and page.url.startswith(url("account_login", shop))
    assert order.code not in client.get(page.url).text
    # the right password of an unconfirmed account sends the link again
    assert OutboxMessage.objects.count() == before + 1
    assert "/account/confirm/" in last_message("ana@example.org").body_text


def test_confirmation_opens_the_account_with_the_earlier_guest_orders(client, sale):
    shop = sale["shop"]
    order = guest_order(sale, quantity=2)
    pending = guest_order(sale, paid=False)
    customer = open_account(client, shop)
    assert customer.pk == order.customer_id  # the guest record became the account
    assert customer.has_account and customer.first_name == "Ana" and customer.last_name == "Muster"

    page = client.get(url("account", shop))
    assert page.status_code == 200
    assert "Your email address is confirmed" in page.text
    assert f"Order {order.code}" in page.text and f"Order {pending.code}" in page.text
    assert "Paid" in page.text and "Waiting for payment" in page.text
    assert reverse("shop:order", args=[order.secret]) in page.text
    # the paid order's tickets can be downloaded; the unpaid one's cannot
    tickets = reverse("shop:order_tickets", args=[order.secret])
    assert tickets in page.text
    assert reverse("shop:order_tickets", args=[pending.secret]) not in page.text
    pdf = client.get(tickets)
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert logged_in(client, shop)


def test_the_link_alone_does_not_open_an_account_someone_else_asked_for(client_for, sale):
    """Someone signs up with Ana's email: Ana's click on the link opens nothing without the
    password they chose, so they never see Ana's orders."""
    shop = sale["shop"]
    order = guest_order(sale)
    intruder, ana = client_for(), client_for()
    signup(intruder, shop, password=OTHER_PASSWORD)
    opened = ana.get(link_in(last_message("ana@example.org"), "confirm"))
    assert opened.status_code == 302
    refused = ana.post(url("account_confirm", shop), {"password": PASSWORD})
    assert refused.status_code == 200 and "The password is not correct." in refused.text
    assert Customer.objects.get(pk=order.customer_id).email_verified_at is None
    assert login(intruder, shop, password=OTHER_PASSWORD).status_code == 200
    assert order.code not in intruder.get(url("account", shop), follow=True).text
    # Ana signs up herself: her link replaces the other one, which stops working
    stale = link_in(last_message("ana@example.org"), "confirm")
    signup(ana, shop)
    assert intruder.get(stale).status_code == 400
    open_account_done = confirm(ana, shop)
    assert open_account_done.url == url("account", shop)
    assert order.code in ana.get(url("account", shop)).text


def test_a_tampered_link_is_refused(client, shop):
    signup(client, shop)
    link = link_in(last_message("ana@example.org"), "confirm")
    token = link.rstrip("/").rsplit("/", 1)[1]
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    response = client.get(url("account_confirm_link", shop, forged))
    assert response.status_code == 400
    assert "This link is not valid any more" in response.text
    # without a link in the session, the confirmation page refuses too
    assert client.get(url("account_confirm", shop)).status_code == 400
    assert not Customer.objects.get(email="ana@example.org").has_account


def test_an_expired_link_is_refused(client, shop):
    three_days_ago = time.time() - 3 * 24 * 3600
    with mock.patch("django.core.signing.time.time", return_value=three_days_ago):
        signup(client, shop)
    response = client.get(link_in(last_message("ana@example.org"), "confirm"))
    assert response.status_code == 400
    assert "This link has expired" in response.text
    assert 'data-code="account_link_expired"' in response.text
    assert not Customer.objects.get(email="ana@example.org").has_account


def test_a_link_works_once_and_only_in_its_organizer(client_for, shop, other_tenant):
    _org, other_shop, _manager = other_tenant
    first = client_for()
    signup(first, shop)
    link = link_in(last_message("ana@example.org"), "confirm")
    token = link.rstrip("/").rsplit("/", 1)[1]
    # the same token under another organizer's shop is unknown there
    assert first.get(url("account_confirm_link", other_shop, token)).status_code == 400
    confirm(first, shop)
    again = client_for().get(link)
    assert again.status_code == 400 and "already confirmed" in again.text


def test_signing_up_again_with_an_open_account_changes_nothing_and_says_the_same(client_for, shop):
    open_account(client_for(), shop)
    before = Customer.objects.get(email="ana@example.org")
    other = client_for()
    response = signup(other, shop, password=OTHER_PASSWORD)
    assert response.status_code == 302 and response.url == url("account_sent", shop)
    newcomer = signup(client_for(), shop, email="new@example.org")
    assert newcomer.url == response.url  # the same answer for a new email
    after = Customer.objects.get(email="ana@example.org")
    assert after.password == before.password
    message = last_message("ana@example.org")
    assert "you already have one" in message.body_text
    assert url("account_reset", shop) in message.body_text
    assert "/account/confirm/" not in message.body_text
    # the account still opens with its own password only
    assert "Email or password is not correct." in login(other, shop, password=OTHER_PASSWORD).text
    assert login(other, shop).status_code == 302


def test_bad_sign_up_input_is_explained_and_writes_nothing(client, shop):
    weak = signup(client, shop, password="12345678")
    assert weak.status_code == 200
    assert "This password is too short" in weak.text
    differ = signup(client, shop, password_again="something else entirely")
    assert "The two passwords differ." in differ.text
    bad_email = signup(client, shop, email="not-an-email")
    assert "Enter a valid email address." in bad_email.text
    assert not Customer.objects.exists()
    assert not OutboxMessage.objects.exists()


# --- login and logout ------------------------------------------------------------------------
def test_login_cycles_the_session_and_wrong_passwords_are_refused(client_for, shop):
    open_account(client_for(), shop)
    buyer = client_for()
    buyer.get(url("home", shop))
    buyer.session.save()
    old_key = buyer.session.session_key
    wrong = login(buyer, shop, password="not the password")
    assert "Email or password is not correct." in wrong.text
    unknown = login(buyer, shop, email="nobody@example.org")
    assert "Email or password is not correct." in unknown.text  # the same message
    done = login(buyer, shop, next=url("cart", shop))
    assert done.status_code == 302 and done.url == url("cart", shop)
    assert buyer.session.session_key != old_key
    assert logged_in(buyer, shop)
    # an address of another site is never followed
    assert login(client_for(), shop, next="https://evil.example.com/").url == url("account", shop)
    assert Customer.objects.get(email="ana@example.org").last_login_at is not None


def test_login_attempts_are_rate_limited(client_for, shop, settings):
    settings.LOGIN_RATE_LIMIT = (3, 600)
    open_account(client_for(), shop)
    attacker = client_for()
    for _ in range(3):
        assert "Email or password is not correct." in login(attacker, shop, password="guess").text
    blocked = login(attacker, shop)  # even the right password, once the limit is reached
    assert blocked.status_code == 200 and "Too many attempts" in blocked.text
    assert not logged_in(attacker, shop)
    # the counter is the email's, not the browser's: a fresh client is blocked too
    assert "Too many attempts" in login(client_for(), shop).text


def test_login_attempts_are_limited_per_address_too(client_for, shop, settings):
    settings.LOGIN_RATE_LIMIT = (2, 600)
    attacker = client_for(REMOTE_ADDR="203.0.113.9")
    for n in range(10):
        login(attacker, shop, email=f"guess{n}@example.org", password="guess")
    blocked = login(attacker, shop, email="fresh@example.org", password="guess")
    assert "Too many attempts" in blocked.text


def test_logout_needs_a_post_with_its_csrf_token(client_for, shop):
    buyer = client_for(enforce_csrf_checks=True)
    open_account(client_for(), shop)
    page = buyer.get(url("account_login", shop))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    done = login(buyer, shop, csrfmiddlewaretoken=token)
    assert done.status_code == 302
    assert buyer.get(url("account_logout", shop)).status_code == 405
    assert buyer.post(url("account_logout", shop)).status_code == 403  # no token
    assert logged_in(buyer, shop)
    home = buyer.get(url("home", shop))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', home.text).group(1)
    out = buyer.post(url("account_logout", shop), {"csrfmiddlewaretoken": token})
    assert out.status_code == 302 and out.url == url("home", shop)
    assert not logged_in(buyer, shop)
    assert buyer.get(url("account", shop)).status_code == 302


def test_another_organizers_shop_does_not_know_the_account(client, shop, other_tenant):
    _org, other_shop, _manager = other_tenant
    open_account(client, shop)
    assert logged_in(client, shop)
    assert not logged_in(client, other_shop)
    assert client.get(url("account", other_shop)).status_code == 302
    refused = login(client, other_shop)
    assert "Email or password is not correct." in refused.text
    # a second shop of the same organizer shares the account
    second = f.make_shop(shop.organizer)
    assert logged_in(client, second)
    assert client.get(url("account", second)).status_code == 200


def test_staff_login_never_accepts_buyer_credentials(client, shop):
    open_account(client, shop)
    response = client.post(
        reverse("backoffice:login"), {"email": "ana@example.org", "password": PASSWORD}
    )
    assert response.status_code == 200
    assert "Email or password is not correct." in response.text
    assert "_auth_user_id" not in client.session


# --- my account --------------------------------------------------------------------------------
def test_the_account_page_lists_only_the_buyers_own_orders(client_for, sale):
    shop = sale["shop"]
    second_shop = f.make_shop(shop.organizer, "Festival")
    mine = guest_order(sale, "ana@example.org")
    mine_elsewhere = guest_order(sale, "ana@example.org", shop=second_shop)
    theirs = guest_order(sale, "bob@example.org")
    ana, bob = client_for(), client_for()
    open_account(ana, shop, "ana@example.org")
    open_account(bob, shop, "bob@example.org")

    page = ana.get(url("account", shop)).text
    listed = re.findall(r'data-order="(\d+)"', page)
    assert sorted(listed) == sorted([mine.code, mine_elsewhere.code])
    assert "Festival" in page  # organizer-wide, with the shop of each order
    assert theirs.secret not in page
    bob_page = bob.get(url("account", shop)).text
    assert re.findall(r'data-order="(\d+)"', bob_page) == [theirs.code]
    assert mine.secret not in bob_page and mine_elsewhere.secret not in bob_page


def test_the_buyer_edits_their_name_and_language(client, shop):
    customer = open_account(client, shop)
    saved = client.post(
        url("account", shop), {"first_name": " Anna ", "last_name": "Meier", "language": "fr"}
    )
    assert saved.status_code == 302
    customer.refresh_from_db()
    assert (customer.first_name, customer.last_name, customer.language) == ("Anna", "Meier", "fr")
    refused = client.post(
        url("account", shop), {"first_name": "Anna", "last_name": "", "language": "xx"}
    )
    assert refused.status_code == 200
    assert "This field is required." in refused.text
    assert "Select a valid choice." in refused.text
    customer.refresh_from_db()
    assert customer.last_name == "Meier" and customer.language == "fr"


# --- password reset ----------------------------------------------------------------------------
def test_password_reset_sets_a_new_password_once_and_ends_other_sessions(client_for, shop):
    elsewhere = client_for()
    open_account(elsewhere, shop)
    buyer = client_for()
    asked = buyer.post(url("account_reset", shop), {"email": "ana@example.org"})
    assert asked.status_code == 302 and asked.url == url("account_sent", shop)
    link = link_in(last_message("ana@example.org"), "password")
    opened = buyer.get(link)
    assert opened.status_code == 302 and opened.url == url("account_new_password", shop)
    weak = buyer.post(opened.url, {"password": "short", "password_again": "short"})
    assert "This password is too short" in weak.text
    done = buyer.post(opened.url, {"password": OTHER_PASSWORD, "password_again": OTHER_PASSWORD})
    assert done.status_code == 302 and done.url == url("account", shop)
    assert logged_in(buyer, shop)
    # the session opened with the old password ended (the header learns it on the next
    # page that reads the account)
    assert elsewhere.get(url("account", shop)).status_code == 302
    assert not logged_in(elsewhere, shop)
    assert client_for().get(link).status_code == 400  # once only
    assert "Email or password is not correct." in login(client_for(), shop).text
    assert login(client_for(), shop, password=OTHER_PASSWORD).status_code == 302


def test_a_reset_for_an_email_without_account_says_the_same(client, sale):
    shop = sale["shop"]
    guest_order(sale, "guest@example.org")  # a customer record, but no account
    for email in ("guest@example.org", "nobody@example.org"):
        asked = client.post(url("account_reset", shop), {"email": email})
        assert asked.status_code == 302 and asked.url == url("account_sent", shop)
        message = last_message(email)
        assert "there is no account with this email address" in message.body_text
        assert url("account_signup", shop) in message.body_text
    assert not Customer.objects.get(email="guest@example.org").password


def test_reset_requests_are_rate_limited(client, shop):
    for _ in range(5):
        client.post(url("account_reset", shop), {"email": "ana@example.org"})
    blocked = client.post(url("account_reset", shop), {"email": "ana@example.org"})
    assert blocked.status_code == 200 and "Too many attempts" in blocked.text
    assert OutboxMessage.objects.filter(to=["ana@example.org"]).count() == 5


def test_a_reset_link_also_confirms_a_waiting_account(client, sale):
    """The reset link came by email: choosing a password through it proves the email."""
    shop = sale["shop"]
    order = guest_order(sale)
    signup(client, shop)
    client.post(url("account_reset", shop), {"email": "ana@example.org"})
    client.get(link_in(last_message("ana@example.org"), "password"))
    client.post(
        url("account_new_password", shop),
        {"password": OTHER_PASSWORD, "password_again": OTHER_PASSWORD},
    )
    assert Customer.objects.get(email="ana@example.org").has_account
    assert order.code in client.get(url("account", shop)).text


# --- checkout while logged in ---------------------------------------------------------------
def test_checkout_is_prefilled_and_the_order_goes_to_the_account(client, sale):
    shop = sale["shop"]
    customer = open_account(client, shop)
    client.post(
        url("date", shop, sale["event"].pk, sale["date"].pk),
        {"price": sale["price"].pk, "quantity": 2},
    )
    form = client.get(url("checkout", shop))
    assert form.status_code == 200
    assert 'value="ana@example.org"' in form.text and "readonly" in form.text
    assert 'value="Ana"' in form.text and 'value="Muster"' in form.text
    assert "email_again" not in form.text
    # a changed email in the request does not take the order away from the account
    placed = client.post(
        url("checkout", shop),
        {"email": "other@example.org", "first_name": "Ana", "last_name": "Muster"},
    )
    assert placed.status_code == 302, placed.text
    order = Order.objects.get()
    assert order.customer_id == customer.pk and order.email == "ana@example.org"
    assert order.code in client.get(url("account", shop)).text


def test_logging_in_from_the_checkout_comes_back_to_it_filled_in(client_for, sale):
    shop = sale["shop"]
    open_account(client_for(), shop)
    buyer = client_for()
    buyer.post(
        url("date", shop, sale["event"].pk, sale["date"].pk),
        {"price": sale["price"].pk, "quantity": 1},
    )
    page = buyer.get(url("checkout", shop))
    href = re.search(r'class="account-link" href="([^"]+)"', page.text).group(1)
    assert href == url("account_login", shop) + "?next=" + url("checkout", shop)
    done = login(buyer, shop, next=url("checkout", shop))
    assert done.url == url("checkout", shop)
    again = buyer.get(done.url)
    assert 'value="ana@example.org"' in again.text and "readonly" in again.text
    assert "Gala" in again.text  # the cart survived the login


def test_guest_checkout_needs_no_account(client, sale):
    shop = sale["shop"]
    client.post(
        url("date", shop, sale["event"].pk, sale["date"].pk),
        {"price": sale["price"].pk, "quantity": 1},
    )
    form = client.get(url("checkout", shop))
    assert "email_again" in form.text and "readonly" not in form.text
    assert "Log in" in form.text  # offered in the header, not required
    placed = client.post(
        url("checkout", shop),
        {
            "email": "guest@example.org",
            "email_again": "guest@example.org",
            "first_name": "Gus",
            "last_name": "Guest",
        },
    )
    assert placed.status_code == 302
    assert not Customer.objects.get(email="guest@example.org").has_account


# --- tracking (SHOP-8) ----------------------------------------------------------------------
def test_login_and_logout_dispatch_their_events_with_the_cart(client, sale, manager):
    shop = sale["shop"]
    tracking_update(shop=shop, actor=manager, head_code="<script>window.x = 1;</script>")
    open_account(client, shop)
    client.post(url("account_logout", shop))
    client.get(url("home", shop))  # the logout's event is consumed here
    client.post(
        url("date", shop, sale["event"].pk, sale["date"].pk),
        {"price": sale["price"].pk, "quantity": 2},
    )
    client.get(url("cart", shop))

    login_page = client.get(url("account_login", shop))
    # a password is typed here: no organizer code, no events
    assert "window.x" not in login_page.text and tracking_data(login_page) is None
    done = login(client, shop, next=url("home", shop))
    page = client.get(done.url)
    events = dict(tracking_data(page)["events"])
    cart = events["ike_user_login"]
    assert cart["quantity"] == 2 and cart["currency"] == {"name": "CHF"}
    assert cart["items"][0]["event"] == "Gala" and cart["total"] == 90.0
    assert "ike_user_login" not in dict(tracking_data(client.get(url("home", shop)))["events"])

    out = client.post(url("account_logout", shop))
    page = client.get(out.url)
    events = dict(tracking_data(page)["events"])
    assert events["ike_user_logout"]["quantity"] == 2
    assert events["ike_user_logout"]["items"] == cart["items"]


def test_no_events_when_the_shop_has_no_tracking_code(client, sale):
    shop = sale["shop"]
    open_account(client, shop)
    page = client.get(url("account", shop))
    assert tracking_data(page) is None
    assert not any(key.startswith("ike:") for key in client.session.keys())  # noqa: SIM118


def test_the_service_refuses_an_unknown_session(shop):
    customer = Customer.objects.create(organizer=shop.organizer, email="x@example.org")
    assert (
        accounts.account_of_session(
            organizer=shop.organizer, customer_id=customer.pk, fingerprint="forged"
        )
        is None
    )


def test_the_account_page_reads_a_fixed_number_of_queries(client, sale):
    shop = sale["shop"]
    guest_order(sale)
    open_account(client, shop)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url("account", shop)).status_code == 200
    for _ in range(4):
        guest_order(sale, quantity=2)
    with CaptureQueriesContext(connection) as five:
        page = client.get(url("account", shop))
    assert len(re.findall(r'data-order="', page.text)) == 5
    assert len(five) == len(one)


def test_an_old_password_hash_is_upgraded_at_login_and_the_session_holds(client, shop, settings):

    settings.PASSWORD_HASHERS = [
        "billetterie.core.hashers.TestArgon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    customer = open_account(client, shop)
    client.post(url("account_logout", shop))
    customer.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    customer.save(update_fields=["password"])
    assert login(client, shop).status_code == 302
    customer.refresh_from_db()
    assert customer.password.startswith("argon2")
    assert client.get(url("account", shop)).status_code == 200
