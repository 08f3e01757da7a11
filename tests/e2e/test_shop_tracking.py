"""The organizer's tracking code in a real browser (SHOP-8): code in the HEAD of the demo
shop listens to every ike_* event and keeps them in sessionStorage across page loads; a
guest browses, fills and changes the cart, checks out and pays with the test card; the
events come in the expected order with the expected payloads, a tag loaded from an allowed
source runs, and the browser reports no CSP violation. The card pages never run the code.
"""

import json
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from billetterie import demo as demo_data
from billetterie.core.models import Shop, User
from billetterie.orders.models import Order
from billetterie.shop.services import tracking_update

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOP = "/theatre-demo/saison-2026-2027/"
TAG_HOST = "https://tags.example.com"
EVENTS = [
    "ike_home_view",
    "ike_event_view",
    "ike_date_view",
    "ike_abo_view",
    "ike_abo_selection",
    "ike_user_login",
    "ike_user_logout",
    "ike_cart_add",
    "ike_cart_view",
    "ike_cart_update",
    "ike_cart_empty",
    "ike_cart_confirm",
    "ike_cart_delivery_view",
    "ike_cart_form_view",
    "ike_cart_payment_view",
    "ike_cart_payment_changed",
    "ike_cart_payment_launched",
    "ike_cart_payment_success",
    "ike_cart_delete",
    "ike_page_changed",
]
# What an organizer pastes: an inline listener, and a loader that inserts a tag script
# without a nonce (as the Meta pixel and Google tag snippets do), allowed by script-src.
HEAD_CODE = f"""<script>
  window.__ike = [];
  window.__codeRuns = (window.__codeRuns || 0) + 1;
  {json.dumps(EVENTS)}.forEach((name) =>
    document.addEventListener(name, (e) => {{
      window.__ike.push([name, e.detail]);
      const log = JSON.parse(sessionStorage.getItem("ike-log") || "[]");
      log.push([name, e.detail, location.pathname]);
      sessionStorage.setItem("ike-log", JSON.stringify(log));
    }})
  );
</script>
<script>
  (function (d) {{
    var t = d.createElement("script");
    t.async = true;
    t.src = "{TAG_HOST}/tag.js";
    d.head.appendChild(t);
  }})(document);
</script>"""


@pytest.fixture
def demo(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    call_command("demo")
    shop = Shop.objects.get(slug="saison-2026-2027")
    tracking_update(
        shop=shop,
        actor=User.objects.get(email=demo_data.DEMO_EMAIL),
        head_code=HEAD_CODE,
        extra_script_src=[TAG_HOST],
    )
    return shop


@pytest.fixture
def tag_server(page: Page):
    """The tag's host, answered by the browser itself (no network here)."""
    page.route(
        f"{TAG_HOST}/**",
        lambda route: route.fulfill(
            status=200,
            content_type="text/javascript",
            body="window.__tagLoaded = (window.__tagLoaded || 0) + 1;",
        ),
    )


@pytest.fixture
def console_errors(page: Page):
    """Errors in the browser console (a CSP violation shows up here) and CSP violation
    events, and failed loads but the favicon's (there is none)."""
    errors: list[str] = []

    def failed(response):
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            errors.append(f"{response.status} {response.url}")

    page.on("response", failed)
    page.on(
        "console",
        lambda message: (
            message.type == "error"
            and not message.text.startswith("Failed to load resource")
            and errors.append(message.text)
        ),
    )
    page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
    return errors


def told(page: Page) -> None:
    """Wait until the page has sent its events: a buyer clicking on faster than the
    deferred shop.js would leave a page before it tells anything."""
    page.wait_for_function("() => window.__ike !== undefined && window.__ike.length > 0")


def logged(page: Page) -> list:
    return page.evaluate("JSON.parse(sessionStorage.getItem('ike-log') || '[]')")


def cart_shape(cart: dict, *, order=None) -> None:
    assert set(cart) == {"order", "currency", "total", "discount", "quantity", "items"}
    assert cart["order"] == order
    assert cart["currency"] == {"name": "CHF"}
    # no reduction in this shop: what the buyer pays is the sum of the items
    assert cart["discount"] == 0
    assert cart["total"] == sum(item["amount"] for item in cart["items"])
    assert cart["quantity"] == sum(item["quantity"] for item in cart["items"])
    for item in cart["items"]:
        assert set(item) == {
            "event",
            "eventId",
            "date",
            "dateId",
            "zone",
            "price",
            "quantity",
            "unitAmount",
            "amount",
        }
        assert item["amount"] == item["unitAmount"] * item["quantity"]
        assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:00\+0[12]:00$", item["date"])


def test_tracking_events_through_a_card_purchase(
    page: Page, live_server, demo, tag_server, console_errors
):
    page.goto(f"{live_server.url}{SHOP}")
    expect(page.get_by_role("heading", name="Saison 2026-2027", level=1)).to_be_visible()
    page.wait_for_function("() => window.__tagLoaded === 1")  # the allowed tag ran
    assert page.evaluate("window.__codeRuns") == 1
    assert page.evaluate("window.__ike.map(([name]) => name)") == [
        "ike_page_changed",
        "ike_home_view",
    ]

    # Browse to a date of the play and take two seats in the stalls, then make it three.
    page.get_by_role("link", name="Le Misanthrope").click()
    told(page)
    page.get_by_role("link", name=re.compile("^Tickets for")).first.click()
    told(page)
    stalls = page.get_by_role("region", name="Parterre")
    full = stalls.get_by_role("form", name="Plein tarif")
    full.get_by_label("Number of tickets").select_option("2")
    full.get_by_role("button", name="Add to cart").click()
    expect(page.get_by_role("heading", name="Your cart")).to_be_visible()
    told(page)
    page.get_by_label("Quantity").fill("3")
    page.get_by_role("button", name="Update").click()
    expect(page.locator(".cart-total")).to_contain_text("CHF 135.00")
    told(page)

    # A reduced ticket added, then removed again.
    page.locator(".shop-bar .shop-name").click()
    told(page)
    page.get_by_role("link", name="Le Misanthrope").click()
    told(page)
    page.get_by_role("link", name=re.compile("^Tickets for")).first.click()
    told(page)
    page.get_by_role("region", name="Parterre").get_by_role(
        "form", name="AVS / étudiant"
    ).get_by_role("button", name="Add to cart").click()
    expect(page.locator(".cart-line")).to_have_count(2)
    told(page)
    page.get_by_role("button", name=re.compile("^Remove AVS")).click()
    expect(page.locator(".cart-line")).to_have_count(1)
    told(page)

    # Checkout, the order page, a change of mind on the method, the card, 3-D Secure.
    page.get_by_role("link", name="Checkout").click()
    told(page)
    page.get_by_label("Email", exact=True).fill("ana@example.org")
    page.get_by_label("Email (again)").fill("ana@example.org")
    page.get_by_label("First name").fill("Ana")
    page.get_by_label("Last name").fill("Muster")
    page.get_by_role("button", name="Place the order").click()
    expect(page.locator(".status")).to_have_text("Waiting for payment")
    told(page)
    page.get_by_role("radio", name=re.compile("on site", re.IGNORECASE)).check()
    page.get_by_role("radio", name=re.compile("Card")).check()
    page.get_by_role("button", name=re.compile("^Pay")).click()
    expect(page.get_by_label("Card number")).to_be_visible()
    # the card page: no organizer code, no events, no tag
    assert page.evaluate("typeof window.__ike") == "undefined"
    assert page.evaluate("typeof window.__tagLoaded") == "undefined"
    page.get_by_label("Card number").fill("4242 4242 4242 4242")
    page.get_by_label("Expiry (MM/YY)").fill("12/39")
    page.get_by_label("Security code").fill("123")
    page.get_by_role("button", name=re.compile("^Pay")).click()
    expect(page.get_by_role("button", name="Approve")).to_be_visible()
    assert page.evaluate("typeof window.__ike") == "undefined"
    page.get_by_role("button", name="Approve").click()
    expect(page.locator(".status")).to_have_text("Paid")
    order = Order.objects.get()
    assert order.state == Order.State.PAID

    told(page)
    log = logged(page)
    assert [name for name, _detail, _path in log] == [
        "ike_page_changed",
        "ike_home_view",
        "ike_page_changed",
        "ike_event_view",
        "ike_page_changed",
        "ike_date_view",
        "ike_page_changed",
        "ike_cart_add",
        "ike_cart_view",
        "ike_page_changed",
        "ike_cart_update",
        "ike_cart_view",
        "ike_page_changed",
        "ike_home_view",
        "ike_page_changed",
        "ike_event_view",
        "ike_page_changed",
        "ike_date_view",
        "ike_page_changed",
        "ike_cart_add",
        "ike_cart_view",
        "ike_page_changed",
        "ike_cart_delete",
        "ike_cart_view",
        "ike_page_changed",
        "ike_cart_delivery_view",
        "ike_cart_form_view",
        "ike_page_changed",
        "ike_cart_confirm",
        "ike_cart_payment_view",
        "ike_cart_payment_changed",
        "ike_cart_payment_changed",
        "ike_cart_payment_launched",
        "ike_page_changed",
        "ike_cart_payment_success",
    ]
    # no event was sent from the card provider's pages
    assert not any("/pay/" in path or "test-card" in path for _n, _d, path in log)

    by_name: dict[str, list] = {}
    for name, detail, _path in log:
        by_name.setdefault(name, []).append(detail)
    order_path = f"/order/{order.secret}/"
    assert by_name["ike_home_view"] == [None, None]
    assert [d["path"] for d in by_name["ike_page_changed"]][:2] == [
        SHOP,
        f"{SHOP}event/{order.tickets.first().date.event_id}/",
    ]
    assert by_name["ike_page_changed"][-1] == {"path": order_path}
    assert by_name["ike_event_view"] == [{"name": "Le Misanthrope"}] * 2
    (date_view, _again) = by_name["ike_date_view"]
    assert set(date_view) == {"name", "date"} and date_view["name"] == "Le Misanthrope"
    assert re.match(r"^\d{4}-\d\d-\d\dT15:00:00\+0[12]:00$", date_view["date"])

    first_add, second_add = by_name["ike_cart_add"]
    cart_shape(first_add)
    assert [(i["price"], i["quantity"], i["amount"]) for i in first_add["items"]] == [
        ("Plein tarif", 2, 90.0)
    ]
    assert first_add["items"][0]["date"] == date_view["date"]
    (updated,) = by_name["ike_cart_update"]
    cart_shape(updated)
    assert (updated["quantity"], updated["total"]) == (3, 135.0)
    cart_shape(second_add)
    assert second_add["total"] == 135.0 + 25.0
    (deleted,) = by_name["ike_cart_delete"]
    assert set(deleted) == {"previousCart", "newCart"}
    assert deleted["previousCart"] == second_add
    cart_shape(deleted["newCart"])
    assert deleted["newCart"]["items"] == updated["items"]
    for view in by_name["ike_cart_view"]:
        cart_shape(view)
    assert by_name["ike_cart_delivery_view"] == by_name["ike_cart_form_view"]
    assert by_name["ike_cart_form_view"][0]["items"] == updated["items"]

    (confirmed,) = by_name["ike_cart_confirm"]
    cart_shape(confirmed, order=order.code)
    assert confirmed["items"] == updated["items"] and confirmed["total"] == 135.0
    (payment_view,) = by_name["ike_cart_payment_view"]
    assert payment_view == {**confirmed, "paymentMethodSelected": "testcard"}
    assert by_name["ike_cart_payment_changed"] == [{"path": "onsite"}, {"path": "testcard"}]
    (launched,) = by_name["ike_cart_payment_launched"]
    assert launched == {**confirmed, "paymentMethodSelected": "testcard", "topaid": 135.0}
    assert launched["currency"]["name"] == "CHF"
    assert by_name["ike_cart_payment_success"] == [confirmed]
    assert by_name.keys() <= set(EVENTS)

    assert page.evaluate("window.__tagLoaded") == 1  # on the paid order page too
    assert console_errors == []

    # Nothing else is loosened: an inline script without the nonce and a tag from a host
    # the organizer did not list are both blocked.
    blocked = page.evaluate(
        """() => new Promise((resolve) => {
          const seen = [];
          document.addEventListener("securitypolicyviolation", (e) => {
            seen.push(e.blockedURI);
            if (seen.length === 2) resolve(seen.sort());
          });
          const inline = document.createElement("script");
          inline.textContent = "window.__inlineRan = true";
          document.head.appendChild(inline);
          const other = document.createElement("script");
          other.src = "https://elsewhere.example.org/x.js";
          document.head.appendChild(other);
        })"""
    )
    assert blocked == ["https://elsewhere.example.org/x.js", "inline"]
    assert page.evaluate("window.__inlineRan") is None
