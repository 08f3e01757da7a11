"""The organizer's tracking code on the shop (SHOP-8): the settings service, the back-office
page, the head code and its nonce, the shop pages' Content-Security-Policy, and the ike_*
events each page hands to shop.js. The browser side is tests/e2e/test_shop_tracking.py."""

import json
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from billetterie.core.exceptions import InvalidInput, PermissionRefused
from billetterie.core.models import AuditLogEntry, Level
from billetterie.inventory.models import Hold
from billetterie.orders.models import CartLine, Order
from billetterie.orders.services import promotions
from billetterie.payments import services as payments
from billetterie.payments.models import Transaction
from billetterie.shop.models import ShopTracking
from billetterie.shop.services import tracking_update
from billetterie.shop.templatetags.shop_tracking import with_nonce
from tests import factories as f
from tests.catalog_factories import make_event_with_date, make_price, make_venue

pytestmark = pytest.mark.django_db

HEAD = (
    '<script>window.__marker = "organizer-code";</script>\n'
    '<noscript><img src="https://px.example.com/p.gif"></noscript>'
)
DEFAULT_POLICY = {
    "default-src": "'self'",
    "script-src": "'self' 'nonce-*'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "connect-src": "'self'",
    "font-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
BUYER = {
    "email": "ana@example.org",
    "email_again": "ana@example.org",
    "first_name": "Ana",
    "last_name": "Muster",
}


@pytest.fixture
def sale(organizer, shop):
    venue, standing, _numbered = make_venue(organizer, free=20)
    event, date = make_event_with_date(shop, venue, name="Gala")
    full = make_price(event, standing, amount="45.00")
    reduced = make_price(event, standing, name="Réduit", amount="25.00")
    payments.shop_methods_set(shop=shop, providers=["testcard", "onsite"])
    return {"shop": shop, "event": event, "date": date, "full": full, "reduced": reduced}


@pytest.fixture
def tracked(sale, manager):
    tracking_update(
        shop=sale["shop"],
        actor=manager,
        head_code=HEAD,
        extra_script_src=["https://connect.example.net", "https://*.tags.example.com"],
        extra_img_src=["https://px.example.com"],
        extra_connect_src=["https://collect.example.com/g"],
    )
    return sale


def url(name, shop, *args):
    return reverse(f"shop:{name}", args=[shop.organizer.slug, shop.slug, *args])


def date_url(sale):
    return url("date", sale["shop"], sale["event"].pk, sale["date"].pk)


def policy(response) -> dict:
    """The enforced policy as {directive: "sources"}, the nonce replaced by '*'."""
    header = response["Content-Security-Policy"]
    directives = [part.strip().split(" ", 1) for part in header.split(";")]
    return {
        d[0]: re.sub(r"'nonce-[^']+'", "'nonce-*'", d[1] if len(d) > 1 else "") for d in directives
    }


def nonce_of(response) -> str:
    return re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)


def tracking_data(response):
    """The page's tracking block (a JSON script, never executed), or None."""
    found = re.search(
        r'<script id="ike-tracking" type="application/json">(.*?)</script>', response.text, re.S
    )
    return json.loads(found.group(1)) if found else None


def names(response) -> list[str]:
    return [name for name, _detail in tracking_data(response)["events"]]


def detail_of(response, name):
    (detail,) = [d for n, d in tracking_data(response)["events"] if n == name]
    return detail


# --- the service -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("'unsafe-inline'", "keywords in quotes such as 'unsafe-inline'"),
        ("'unsafe-eval'", "keywords in quotes"),
        ("'self'", "keywords in quotes"),
        ("data:", "only https:// addresses are allowed"),
        ("blob:", "only https:// addresses are allowed"),
        ("*", "“*” would allow any site"),
        ("https://*", "“*” would allow any site"),
        ("http://tags.example.com", "is not encrypted: use its https:// address"),
        ("example.com", "only https:// addresses are allowed"),
        ("https://", "needs a host name"),
        ("https://*.", "needs a host name"),
        ("https://a.example.com;script-src", "cannot contain “;” or “,”"),
        ("https://a.example.com,https://b.example.com", "cannot contain “;” or “,”"),
        ("https://a.example.com https://b.example.com", "contains a space"),
        ('https://a.example.com/"x', "keywords in quotes"),
        ("https://www.*.example.com", "a wildcard is only allowed at the start"),
        ("*.example.com", "a wildcard is only allowed at the start"),
        ("https://*.com", "is not a valid address"),
        ("https://localhost", "is not a valid address"),
        ("https://a.example.com/?q=1", "is not a valid address"),
        ("https://" + "a" * 200 + ".com", "is too long"),
    ],
)
def test_unsafe_sources_are_refused_with_a_clear_message(shop, manager, source, message):
    with pytest.raises(InvalidInput) as refused:
        tracking_update(shop=shop, actor=manager, extra_script_src=[source])
    assert message in str(refused.value.message)
    assert str(refused.value.message).startswith("Scripts: ")
    assert refused.value.code == "invalid_source"
    assert not ShopTracking.objects.exists()


@pytest.mark.parametrize("field", ["extra_img_src", "extra_connect_src"])
def test_every_list_is_checked(shop, manager, field):
    with pytest.raises(InvalidInput, match="unsafe-inline"):
        tracking_update(shop=shop, actor=manager, **{field: ["'unsafe-inline'"]})


def test_good_sources_are_kept_normalized(shop, manager):
    tracking = tracking_update(
        shop=shop,
        actor=manager,
        head_code="  <script>1</script>\n",
        extra_script_src=[
            " https://WWW.GoogleTagManager.com ",
            "https://www.googletagmanager.com",
            "",
            "https://*.Example.com",
            "https://cdn.example.com:8443/Tags/",
        ],
    )
    tracking.refresh_from_db()
    assert tracking.head_code == "<script>1</script>"
    assert tracking.extra_script_src == [
        "https://www.googletagmanager.com",
        "https://*.example.com",
        "https://cdn.example.com:8443/Tags/",
    ]
    assert tracking.extra_img_src == [] and tracking.extra_connect_src == []


def test_too_many_sources_or_too_much_code(shop, manager):
    with pytest.raises(InvalidInput, match="at most 20 sources"):
        tracking_update(
            shop=shop, actor=manager, extra_img_src=[f"https://i{n}.example.com" for n in range(21)]
        )
    with pytest.raises(InvalidInput, match="too long"):
        tracking_update(shop=shop, actor=manager, head_code="x" * 20_001)


def test_only_a_shop_manager_may_change_it(organizer, shop, other_tenant):
    viewer = f.make_staff()
    f.grant(organizer, Level.BOX_OFFICE, user=viewer)
    with pytest.raises(PermissionRefused):
        tracking_update(shop=shop, actor=viewer, head_code="<script></script>")
    with pytest.raises(PermissionRefused):
        tracking_update(shop=shop, actor=other_tenant[2], head_code="<script></script>")
    shop_manager = f.make_staff()
    f.grant(organizer, Level.MANAGE, user=shop_manager, shop=shop)
    tracking_update(shop=shop, actor=shop_manager, head_code="<script></script>")
    assert ShopTracking.objects.get(shop=shop).head_code == "<script></script>"


def test_changes_are_audit_logged(shop, manager):
    tracking_update(
        shop=shop, actor=manager, head_code="<script>a</script>", extra_img_src=["https://i.x.ch"]
    )
    tracking_update(
        shop=shop, actor=manager, head_code="<script>a</script>", extra_img_src=["https://i.x.ch"]
    )  # the same again: nothing changes, nothing logged
    tracking_update(shop=shop, actor=manager, head_code="<script>b</script>", extra_img_src=[])
    entries = list(
        AuditLogEntry.objects.filter(action="shop.tracking_changed").order_by("created_at", "pk")
    )
    assert len(entries) == 2
    first, second = entries
    assert (first.actor, first.shop, first.target_id) == (manager, shop, str(shop.pk))
    assert first.changes == {
        "head_code": ["", "<script>a</script>"],
        "extra_img_src": [[], ["https://i.x.ch"]],
    }
    assert second.changes == {
        "head_code": ["<script>a</script>", "<script>b</script>"],
        "extra_img_src": [["https://i.x.ch"], []],
    }


# --- the nonce filter ------------------------------------------------------------------------
def test_every_script_tag_gets_the_nonce_first_and_unquoted():
    code = (
        '<script>a()</script><SCRIPT async src="https://t.example.com/x.js"></SCRIPT>'
        '<script\ntype="text/javascript">b()</script><script nonce="forged">c()</script>'
        "<scripts>not a tag</scripts>"
        '<script>document.write("<script src=\\"https://t.example.com/y.js\\"></"'
        ' + "script>")</script>'
    )
    out = with_nonce(code, "AbC-12_x")
    assert out.count("<script nonce=AbC-12_x") == 5
    assert "<SCRIPT nonce=AbC-12_x async" in out
    assert '<script nonce=AbC-12_x nonce="forged">' in out  # a browser keeps the first one
    assert "<scripts>" in out
    # inside a JavaScript string the unquoted nonce leaves the string intact
    assert 'document.write("<script nonce=AbC-12_x src=\\"https' in out
    assert with_nonce("", "n") == ""
    assert with_nonce("<script>x</script>", 'bad nonce"') == "<script>x</script>"


# --- the shop pages --------------------------------------------------------------------------
def shop_pages(client, sale) -> dict:
    shop = sale["shop"]
    client.post(date_url(sale), {"price": sale["full"].pk, "quantity": "2"})
    pages = {
        "home": client.get(url("home", shop)),
        "event": client.get(url("event", shop, sale["event"].pk)),
        "date": client.get(date_url(sale)),
        "cart": client.get(url("cart", shop)),
        "checkout": client.get(url("checkout", shop)),
    }
    placed = client.post(url("checkout", shop), BUYER)
    pages["order"] = client.get(placed.url)
    return pages


def test_head_code_is_on_every_shop_page_with_the_nonce(client, tracked):
    for name, response in shop_pages(client, tracked).items():
        assert response.status_code == 200, name
        nonce = nonce_of(response)
        head = response.text.split("</head>")[0]
        assert f'<script nonce={nonce}>window.__marker = "organizer-code";</script>' in head, name
        assert '<img src="https://px.example.com/p.gif">' in head, name
        # the shop's own scripts keep theirs
        assert f'shop.js" nonce="{nonce}" defer' in head, name


def test_shop_pages_allow_exactly_the_extra_sources(client, tracked):
    for name, response in shop_pages(client, tracked).items():
        assert policy(response) == {
            **DEFAULT_POLICY,
            "script-src": (
                "'self' 'nonce-*' https://connect.example.net https://*.tags.example.com"
            ),
            "img-src": "'self' data: https://px.example.com",
            "connect-src": "'self' https://collect.example.com/g",
        }, name
        header = response["Content-Security-Policy"]
        assert "unsafe-inline" not in header and "unsafe-eval" not in header, name
        assert "Content-Security-Policy-Report-Only" not in response


def test_a_shop_without_tracking_keeps_the_policy_and_sends_no_events(client, sale, manager):
    for name, response in shop_pages(client, sale).items():
        assert policy(response) == DEFAULT_POLICY, name
        assert tracking_data(response) is None, name
    # sources without head code: the policy grows, still no events
    tracking_update(shop=sale["shop"], actor=manager, extra_img_src=["https://i.example.com"])
    home = client.get(url("home", sale["shop"]))
    assert policy(home)["img-src"] == "'self' data: https://i.example.com"
    assert policy(home)["script-src"] == "'self' 'nonce-*'"
    assert tracking_data(home) is None


def test_a_source_slipped_into_the_row_never_reaches_the_header(client, tracked):
    ShopTracking.objects.update(
        extra_script_src=["'unsafe-inline'", "https://ok.example.com", "*; report-uri x"]
    )
    home = client.get(url("home", tracked["shop"]))
    assert policy(home)["script-src"] == "'self' 'nonce-*' https://ok.example.com"
    assert "unsafe-inline" not in home["Content-Security-Policy"]
    assert "report-uri" not in home["Content-Security-Policy"]


def test_card_pages_never_carry_the_organizers_code(client, tracked):
    shop = tracked["shop"]
    order_page = shop_pages(client, tracked)["order"]
    assert "organizer-code" in order_page.text  # the order page itself may carry it
    started = client.post(order_page.request["PATH_INFO"], {"method": "testcard"})
    tx = Transaction.objects.get()
    card = client.get(started.url)
    assert card.status_code == 200 and "Card number" in card.text
    client.post(started.url, {"number": "4242 4242 4242 4242", "expiry": "12/39", "cvc": "123"})
    challenge = client.get(reverse("payments:testcard_3ds", args=[tx.secret]))
    assert challenge.status_code == 200 and "Approve" in challenge.text
    for page in (card, challenge):
        assert "organizer-code" not in page.text
        assert "px.example.com" not in page.text
        assert 'id="ike-tracking"' not in page.text and "shop.js" not in page.text
        assert policy(page) == DEFAULT_POLICY
    assert shop.tracking.head_code  # still configured


def test_the_head_code_is_kept_inside_the_page(client, tracked, manager):
    """JSON in the events block cannot close its script element."""
    event = tracked["event"]
    event.name = "</script><script>alert(1)</script>"
    event.save()
    response = client.get(url("event", tracked["shop"], event.pk))
    assert "</script><script>alert(1)" not in response.text
    assert detail_of(response, "ike_event_view") == {"name": event.name}


# --- the events of each page -----------------------------------------------------------------
def test_view_events_of_the_browsing_pages(client, tracked):
    shop, date = tracked["shop"], tracked["date"]
    home = client.get(url("home", shop))
    assert tracking_data(home)["events"] == [
        ["ike_page_changed", {"path": url("home", shop)}],
        ["ike_home_view", None],
    ]
    page = client.get(url("event", shop, tracked["event"].pk))
    assert names(page) == ["ike_page_changed", "ike_event_view"]
    assert detail_of(page, "ike_event_view") == {"name": "Gala"}
    page = client.get(date_url(tracked))
    assert names(page) == ["ike_page_changed", "ike_date_view"]
    detail = detail_of(page, "ike_date_view")
    assert detail == {
        "name": "Gala",
        "date": timezone.localtime(date.starts_at, shop.zone_info).isoformat(),
    }
    assert re.match(r"^\d{4}-\d\d-\d\dT20:00:00\+0[12]:00$", detail["date"])


def test_cart_events_carry_the_cart(client, tracked):
    shop, date = tracked["shop"], tracked["date"]
    client.post(date_url(tracked), {"price": tracked["full"].pk, "quantity": "2"})
    cart = client.get(url("cart", shop))
    assert names(cart) == ["ike_page_changed", "ike_cart_add", "ike_cart_view"]
    detail = detail_of(cart, "ike_cart_view")
    assert detail_of(cart, "ike_cart_add") == detail
    assert detail == {
        "order": None,
        "currency": {"name": "CHF"},
        "total": 90.0,
        "discount": 0.0,
        "quantity": 2,
        "items": [
            {
                "event": "Gala",
                "eventId": tracked["event"].pk,
                "date": timezone.localtime(date.starts_at, shop.zone_info).isoformat(),
                "dateId": date.pk,
                "zone": "Parterre",
                "price": "Plein tarif",
                "quantity": 2,
                "unitAmount": 45.0,
                "amount": 90.0,
            }
        ],
    }
    # one-shot: a reload tells only the view
    assert names(client.get(url("cart", shop))) == ["ike_page_changed", "ike_cart_view"]


def test_the_cart_events_report_what_the_buyer_pays_after_reductions(client, tracked):
    """An automatic reduction (SHOP-6) lowers the tracked total, on the cart, at checkout
    and on the order: an analytics tag must not count money that was never asked for."""
    shop = tracked["shop"]
    promotions.promotion_create(
        shop=shop,
        actor=None,
        name="Duo",
        kind="automatic",
        min_tickets=2,
        reduction="fixed",
        value=Decimal("10.00"),
    )
    client.post(date_url(tracked), {"price": tracked["full"].pk, "quantity": "2"})
    cart = client.get(url("cart", shop))
    for name in ("ike_cart_add", "ike_cart_view"):
        detail = detail_of(cart, name)
        assert (detail["total"], detail["discount"]) == (80.0, 10.0), name
        assert sum(item["amount"] for item in detail["items"]) == 90.0
    checkout = client.get(url("checkout", shop))
    assert detail_of(checkout, "ike_cart_form_view")["total"] == 80.0
    placed = client.post(url("checkout", shop), BUYER, follow=True)
    confirmed = detail_of(placed, "ike_cart_confirm")
    assert (confirmed["total"], confirmed["discount"]) == (80.0, 10.0)
    assert Order.objects.get().total == Decimal("80.00")


def test_update_delete_and_empty_events(client, tracked):
    shop = tracked["shop"]
    client.post(date_url(tracked), {"price": tracked["full"].pk, "quantity": "2"})
    client.post(date_url(tracked), {"price": tracked["reduced"].pk, "quantity": "1"})
    client.get(url("cart", shop))
    full, reduced = CartLine.objects.order_by("pk")

    client.post(url("cart_update", shop), {"line": full.pk, "quantity": "3"})
    page = client.get(url("cart", shop))
    assert names(page) == ["ike_page_changed", "ike_cart_update", "ike_cart_view"]
    updated = detail_of(page, "ike_cart_update")
    assert updated == detail_of(page, "ike_cart_view")
    assert (updated["quantity"], updated["total"]) == (4, 3 * 45.0 + 25.0)

    client.post(url("cart_remove", shop), {"line": reduced.pk})
    page = client.get(url("cart", shop))
    assert names(page) == ["ike_page_changed", "ike_cart_delete", "ike_cart_view"]
    deleted = detail_of(page, "ike_cart_delete")
    assert deleted == {"previousCart": updated, "newCart": detail_of(page, "ike_cart_view")}
    assert [i["price"] for i in deleted["newCart"]["items"]] == ["Plein tarif"]
    only_full = deleted["newCart"]

    # a quantity of 0 removes the line: a delete too
    client.post(date_url(tracked), {"price": tracked["reduced"].pk, "quantity": "1"})
    client.get(url("cart", shop))
    again = CartLine.objects.order_by("pk").last()
    client.post(url("cart_update", shop), {"line": again.pk, "quantity": "0"})
    page = client.get(url("cart", shop))
    assert names(page) == ["ike_page_changed", "ike_cart_delete", "ike_cart_view"]
    assert detail_of(page, "ike_cart_delete")["newCart"] == only_full
    assert len(detail_of(page, "ike_cart_delete")["previousCart"]["items"]) == 2

    client.post(url("cart_empty", shop))
    page = client.get(url("cart", shop))
    assert names(page) == ["ike_page_changed", "ike_cart_empty", "ike_cart_view"]
    assert detail_of(page, "ike_cart_empty") == only_full  # what the cart held
    assert detail_of(page, "ike_cart_view")["items"] == []
    assert detail_of(page, "ike_cart_view")["total"] == 0.0


def test_checkout_and_order_page_events(client, tracked, django_capture_on_commit_callbacks):
    shop = tracked["shop"]
    client.post(date_url(tracked), {"price": tracked["full"].pk, "quantity": "2"})
    cart = detail_of(client.get(url("cart", shop)), "ike_cart_view")
    checkout = client.get(url("checkout", shop))
    assert names(checkout) == [
        "ike_page_changed",
        "ike_cart_delivery_view",
        "ike_cart_form_view",
    ]
    assert detail_of(checkout, "ike_cart_form_view") == cart
    assert detail_of(checkout, "ike_cart_delivery_view") == cart

    placed = client.post(url("checkout", shop), BUYER)
    order = Order.objects.get()
    page = client.get(placed.url)
    assert names(page) == ["ike_page_changed", "ike_cart_confirm", "ike_cart_payment_view"]
    confirmed = detail_of(page, "ike_cart_confirm")
    assert confirmed == {**cart, "order": order.code}
    assert detail_of(page, "ike_cart_payment_view") == {
        **confirmed,
        "paymentMethodSelected": "testcard",
    }
    data = tracking_data(page)
    assert data["cart"] == confirmed and data["topaid"] == 90.0
    assert "data-ike-payment" in page.text
    assert re.search(r'value="testcard" checked', page.text)
    assert "Ana" not in json.dumps(data) and "ana@example.org" not in json.dumps(data)

    # the payment this buyer launches: its success is told once, on the way back
    started = client.post(placed.url, {"method": "testcard"})
    tx = Transaction.objects.get()
    client.post(started.url, {"number": "4242 4242 4242 4242", "expiry": "12/39", "cvc": "123"})
    with django_capture_on_commit_callbacks(execute=True):
        back = client.post(
            reverse("payments:testcard_3ds", args=[tx.secret]), {"answer": "approve"}, follow=True
        )
    order.refresh_from_db()
    assert order.state == Order.State.PAID
    assert names(back) == ["ike_page_changed", "ike_cart_payment_success"]
    assert detail_of(back, "ike_cart_payment_success") == confirmed
    assert tracking_data(back)["cart"] is None  # no payment form any more
    assert names(client.get(placed.url)) == ["ike_page_changed"]
    # someone else opening the paid order's link is told nothing of a payment
    from django.test import Client

    assert names(Client().get(placed.url)) == ["ike_page_changed"]


def test_tracking_never_eats_the_expired_cart_message(client, tracked):
    """Reading the cart for an event changes nothing: the buyer is still told which places
    went back on sale (cart_read does that, once)."""
    shop = tracked["shop"]
    client.post(date_url(tracked), {"price": tracked["full"].pk, "quantity": "2"})
    client.post(date_url(tracked), {"price": tracked["reduced"].pk, "quantity": "1"})
    full_line = Hold.objects.order_by("pk").first().cart_line
    Hold.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    client.post(url("cart_remove", shop), {"line": full_line.pk})
    page = client.get(url("cart", shop))
    assert "The time to complete your order ran out" in page.text
    assert "1 x Réduit" in page.text
    assert detail_of(page, "ike_cart_view")["items"] == []


def test_tracking_adds_no_query_to_the_shop_pages(client, tracked, django_assert_max_num_queries):
    client.post(date_url(tracked), {"price": tracked["full"].pk, "quantity": "1"})
    client.get(url("cart", tracked["shop"]))  # tells ike_cart_add: the session changes once
    with django_assert_max_num_queries(11):
        client.get(date_url(tracked))
    with django_assert_max_num_queries(6):
        client.get(url("home", tracked["shop"]))


# --- the back-office page --------------------------------------------------------------------
def tracking_url(shop):
    return reverse("backoffice:shop_tracking", args=[shop.organizer.slug, shop.slug])


def test_a_manager_edits_the_tracking_in_the_back_office(manager_client, shop):
    page = manager_client.get(tracking_url(shop))
    assert page.status_code == 200
    assert "Code in the head of the shop pages" in page.text
    assert f'href="{tracking_url(shop)}" aria-current="page"' in page.text  # the menu entry
    saved = manager_client.post(
        tracking_url(shop),
        {
            "head_code": "<script>x()</script>",
            "extra_script_src": "https://connect.facebook.net\r\nhttps://*.googletagmanager.com",
            "extra_img_src": "https://www.facebook.com",
            "extra_connect_src": "",
        },
        follow=True,
    )
    assert "Tracking settings saved." in saved.text
    tracking = ShopTracking.objects.get(shop=shop)
    assert tracking.extra_script_src == [
        "https://connect.facebook.net",
        "https://*.googletagmanager.com",
    ]
    assert "https://connect.facebook.net\nhttps://*.googletagmanager.com</textarea>" in saved.text
    assert "&#x27;self&#x27; &#x27;nonce-…&#x27; https://connect.facebook.net" in saved.text


def test_a_refused_source_is_shown_and_nothing_saved(manager_client, shop):
    response = manager_client.post(
        tracking_url(shop),
        {"head_code": "<script>x()</script>", "extra_script_src": "'unsafe-inline'"},
    )
    assert response.status_code == 200
    assert "Scripts: “&#x27;unsafe-inline&#x27;”: keywords in quotes" in response.text
    assert "&lt;script&gt;x()&lt;/script&gt;</textarea>" in response.text  # kept in the form
    assert not ShopTracking.objects.exists()


def test_the_page_needs_the_manage_level(organizer, shop, client_for):
    clerk = f.make_staff()
    f.grant(organizer, Level.BOX_OFFICE, user=clerk)
    client = client_for(clerk)
    assert client.get(tracking_url(shop)).status_code == 403
    assert client.post(tracking_url(shop), {"head_code": "<script></script>"}).status_code == 403
    assert not ShopTracking.objects.exists()
    events = client.get(reverse("backoffice:events", args=[organizer.slug, shop.slug]))
    assert tracking_url(shop) not in events.text
