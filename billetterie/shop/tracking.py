"""The organizer's tracking code on the shop pages (SHOP-8): what a shop page carries.

- The head code goes into the <head> of the shop's own pages only (shop/base.html). The
  card provider's pages (payments/) extend the plain base template and never get it: a
  third-party script on a page where card data is typed is how cards get stolen.
- The page's Content-Security-Policy is the project's, plus the shop's extra sources for
  script-src, img-src and connect-src. Nothing else is loosened; the organizer's inline
  <script> tags run because they get the page's nonce (shop/templatetags/shop_tracking.py).
- The ike_* events of the page go to the browser as a JSON block (never executed) that
  shop.js dispatches on `document`. Each page starts with ike_page_changed, then the events
  of the action that led to it (one-shot, kept in the session by the POST that did it:
  ike_cart_add, ike_cart_update, ...), then the page's own events.

Shops without head code send no events and keep the project's policy unchanged.
"""

from decimal import Decimal

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone
from django.utils.csp import CSP

from billetterie.core.models import Shop
from billetterie.orders import queries as sales
from billetterie.orders.services import promotions
from billetterie.orders.services.checkout import order_total_due
from billetterie.shop.models import ShopTracking
from billetterie.shop.services import is_valid_source

# the directives a shop may extend, and the field holding its extra sources
EXTENDABLE = {
    "script-src": "extra_script_src",
    "img-src": "extra_img_src",
    "connect-src": "extra_connect_src",
}
HOME_VIEW = "ike_home_view"
EVENT_VIEW = "ike_event_view"
DATE_VIEW = "ike_date_view"
USER_LOGIN = "ike_user_login"  # cart, on the page after logging in (SHOP-5)
USER_LOGOUT = "ike_user_logout"  # cart, on the page after logging out
CART_ADD = "ike_cart_add"
CART_VIEW = "ike_cart_view"
CART_UPDATE = "ike_cart_update"
CART_EMPTY = "ike_cart_empty"
CART_CONFIRM = "ike_cart_confirm"
CART_DELIVERY_VIEW = "ike_cart_delivery_view"
CART_FORM_VIEW = "ike_cart_form_view"
CART_PAYMENT_VIEW = "ike_cart_payment_view"
CART_PAYMENT_SUCCESS = "ike_cart_payment_success"
CART_DELETE = "ike_cart_delete"
PAGE_CHANGED = "ike_page_changed"
LAUNCHED = "ike:launched"  # the orders whose payment this buyer launched
# dispatched by shop.js itself, on the order page's payment form:
# ike_cart_payment_changed {path} and ike_cart_payment_launched (cart + topaid)


def settings_of(shop: Shop) -> ShopTracking | None:
    """The shop's tracking settings; free when the shop was read with
    select_related("tracking") (shop_of and the order page do)."""
    return getattr(shop, "tracking", None)


def is_on(shop: Shop) -> bool:
    tracking = settings_of(shop)
    return tracking is not None and tracking.is_on


def _pending_key(shop: Shop) -> str:
    return f"ike:{shop.pk}"


def remember(request, shop: Shop, name: str, detail=None) -> None:
    """An event for the next shop page this buyer sees (after the redirect of a POST)."""
    if not is_on(shop):
        return
    key = _pending_key(shop)
    request.session[key] = [*request.session.get(key, []), [name, detail]]


def payment_launched(request, order) -> None:
    """The buyer sent the payment form: the order page they come back to says whether it
    succeeded (ike_cart_payment_success), once, and only to them."""
    if is_on(order.shop):
        launched = request.session.get(LAUNCHED, [])
        if order.pk not in launched:
            request.session[LAUNCHED] = [*launched[-9:], order.pk]


def payment_succeeded(request, order) -> bool:
    """True once, on the first paid order page after this buyer launched its payment."""
    launched = request.session.get(LAUNCHED, [])
    if order.pk not in launched:
        return False
    request.session[LAUNCHED] = [pk for pk in launched if pk != order.pk]
    return True


def cart_data(cart, shop: Shop) -> dict:
    """The tracking shape of a cart's live lines and their reductions, read without
    changing anything."""
    lines = sales.live_cart_lines(cart)
    listed = sum((line.unit_amount * line.quantity for line in lines), Decimal("0.00"))
    discounts = (
        promotions.cart_discounts_of(cart=cart, lines=lines, total=listed, now=timezone.now())
        if lines
        else []
    )
    discount = sum((d.amount for d in discounts), Decimal("0.00"))
    return sales.cart_tracking_data(lines, shop=shop, discount=discount)


def policy(shop: Shop) -> dict | None:
    """The shop pages' CSP: the project's, with the shop's extra sources added to the three
    directives a tracking tag needs; None when the shop adds nothing."""
    tracking = settings_of(shop)
    if tracking is None:
        return None
    base = settings.SECURE_CSP
    extended = dict(base)
    for directive, field in EXTENDABLE.items():
        # checked when saved; checked again so a row changed by other means can never
        # smuggle a keyword or a ";" into the header
        extra = [s for s in getattr(tracking, field) or () if is_valid_source(s)]
        if extra:
            own = list(base.get(directive, base.get("default-src", [CSP.SELF])))
            extended[directive] = own + [s for s in extra if s not in own]
    return extended if extended != dict(base) else None


def render_page(
    request, shop: Shop, template: str, context: dict, *, events=(), cart=None, topaid=None
):
    """Render a shop page with the shop's tracking code, events and policy.

    `events`: the page's own events, [(name, detail)]; `cart` and `topaid`: what shop.js
    needs to send the payment events itself (the order page).
    """
    tracking = settings_of(shop)
    if tracking is not None and tracking.is_on:
        pending = request.session.pop(_pending_key(shop), [])
        context["tracking"] = {
            "head_code": tracking.head_code,
            "data": {
                "events": [[PAGE_CHANGED, {"path": request.path}], *pending, *events],
                "cart": cart,
                "topaid": topaid,
            },
        }
    response = render(request, template, context)
    extended = policy(shop)
    if extended is not None:
        response._csp_config = extended  # read by django.middleware.csp
    return response


def render_order_page(request, order, context: dict):
    """The order page: after checkout, ike_cart_confirm (kept by the checkout POST); with
    the payment form, ike_cart_payment_view; after the payment this buyer launched,
    ike_cart_payment_success once. `context` holds the page's tickets, methods and
    selected_method."""
    shop = order.shop
    if not is_on(shop):
        return render_page(request, shop, "shop/order.html", context)
    cart = sales.order_tracking_data(order, context["tickets"])
    events = []
    if order.state == order.State.PAID and payment_succeeded(request, order):
        events.append((CART_PAYMENT_SUCCESS, cart))
    paying = bool(context["methods"])
    if paying:
        selected = {**cart, "paymentMethodSelected": context["selected_method"]}
        events.append((CART_PAYMENT_VIEW, selected))
    return render_page(
        request,
        shop,
        "shop/order.html",
        context,
        events=events,
        cart=cart if paying else None,
        topaid=sales.tracking_amount(order_total_due(order)) if paying else None,
    )
