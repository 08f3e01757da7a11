"""The cart (SHOP-2) and the checkout: lines held for a limited time, then an order.

Every action is one service call; a refusal (DomainError) is shown to the buyer.
"""

import math
from decimal import Decimal

from django.contrib import messages
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from billetterie.core.exceptions import DomainError, InvalidInput
from billetterie.core.http import client_ip
from billetterie.orders import queries as sales
from billetterie.orders.exceptions import CartEmpty, CartExpired
from billetterie.orders.services import cart as carts
from billetterie.orders.services import checkout as checkouts
from billetterie.orders.services import promotions, registration
from billetterie.shop import account_forms, account_session
from billetterie.shop import tracking as ike
from billetterie.shop.cart_session import cart_of
from billetterie.shop.forms import CheckoutForm, to_int
from billetterie.shop.views import shop_context, shop_of


def _to_cart(shop):
    return redirect("shop:cart", shop.organizer.slug, shop.slug)


def _read(cart):
    """The cart's live lines (with their seats), or an empty view when there is no cart."""
    if cart is None:
        return carts.CartView(lines=[], dropped=[], total=Decimal("0.00"), expires_at=None)
    view = carts.cart_read(cart=cart)
    seats = sales.seats_of_lines(view.lines)
    for line in view.lines:
        line.seats = seats.get(line.pk, [])
        line.subtotal = line.unit_amount * line.quantity
    return view


def _countdown(view) -> dict:
    if view.expires_at is None:
        return {}
    left = max(math.ceil((view.expires_at - timezone.now()).total_seconds()), 0)
    return {"expires_at": view.expires_at, "seconds_left": left, "left_text": _clock(left)}


def _clock(seconds: int) -> str:
    return f"{seconds // 60}:{seconds % 60:02d}"


def cart_page(request, organizer, shop):
    shop = shop_of(organizer, shop)
    view = _read(cart_of(request, shop))
    context = {
        **shop_context(request, shop),
        "cart": view,
        "expired_message": CartExpired.default_message if view.dropped else "",
        **_countdown(view),
    }
    data = sales.cart_tracking_data(view.lines, shop=shop, discount=view.discount_total)
    return ike.render_page(request, shop, "shop/cart.html", context, events=[(ike.CART_VIEW, data)])


@require_POST
def cart_update(request, organizer, shop):
    shop = shop_of(organizer, shop)
    cart = cart_of(request, shop)
    quantity = to_int(request.POST.get("quantity"))
    if cart is None:
        return _to_cart(shop)
    if quantity is None or quantity < 0:
        messages.error(request, _("Choose how many tickets you want."))
        return _to_cart(shop)
    before = ike.cart_data(cart, shop) if ike.is_on(shop) else None
    try:
        line = carts.cart_update(
            cart=cart, line_id=to_int(request.POST.get("line")) or 0, quantity=quantity
        )
    except DomainError as refusal:
        messages.error(request, refusal.message)
    else:
        if line is None:
            messages.success(request, _("The tickets were removed from your cart."))
        else:
            messages.success(request, _("Your cart is updated."))
        if before is not None:
            _remember_change(request, shop, cart, before, removed=line is None)
    return _to_cart(shop)


def _remember_change(request, shop, cart, before: dict, *, removed: bool) -> None:
    after = ike.cart_data(cart, shop)
    if removed:
        ike.remember(request, shop, ike.CART_DELETE, {"previousCart": before, "newCart": after})
    else:
        ike.remember(request, shop, ike.CART_UPDATE, after)


@require_POST
def cart_remove(request, organizer, shop):
    shop = shop_of(organizer, shop)
    cart = cart_of(request, shop)
    before = ike.cart_data(cart, shop) if cart is not None and ike.is_on(shop) else None
    if cart is not None and carts.cart_remove(
        cart=cart, line_id=to_int(request.POST.get("line")) or 0
    ):
        messages.success(request, _("The tickets were removed from your cart."))
        if before is not None:
            _remember_change(request, shop, cart, before, removed=True)
    return _to_cart(shop)


@require_POST
def cart_empty(request, organizer, shop):
    shop = shop_of(organizer, shop)
    cart = cart_of(request, shop)
    # the event carries what was in the cart: after emptying there is nothing left to tell
    before = ike.cart_data(cart, shop) if cart is not None and ike.is_on(shop) else None
    if cart is not None and carts.cart_empty(cart=cart):
        messages.success(request, _("Your cart is empty: the places went back on sale."))
        if before is not None:
            ike.remember(request, shop, ike.CART_EMPTY, before)
    return _to_cart(shop)


@require_POST
def cart_promo(request, organizer, shop):
    """Apply a promo code to the cart (SHOP-6), or remove it (`remove` in the body)."""
    shop = shop_of(organizer, shop)
    cart = cart_of(request, shop)
    if cart is None:
        messages.error(request, CartEmpty.default_message)
        return _to_cart(shop)
    if request.POST.get("remove"):
        promotions.cart_remove_code(cart=cart)
        messages.success(request, _("The promo code is removed."))
        return _to_cart(shop)
    try:
        promotion = promotions.cart_apply_code(
            cart=cart, code=request.POST.get("code", ""), client_ip=client_ip(request)
        )
    except DomainError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(
            request, _("The promo code “%(name)s” is applied.") % {"name": promotion.name}
        )
    return _to_cart(shop)


def _checkout_form(request, shop, lines, *, bound: bool):
    """The checkout form for these cart lines, from the shop's registration form."""
    slots = registration.ticket_slots(lines)
    config = sales.registration_form(shop, {line.price_id for line in lines})
    # a logged-in buyer's form is filled in from their account, and keeps its email (SHOP-5)
    customer = account_session.customer_of(request, shop.organizer)
    form = CheckoutForm(
        account_forms.checkout_data(request.POST, customer) if bound else None,
        request.FILES if bound else None,
        initial=account_forms.checkout_initial(customer),
        config=config,
        slots=slots,
        language=request.LANGUAGE_CODE,
    )
    account_forms.lock_email(form, customer)
    return form, config, slots


@require_http_methods(["GET", "POST"])
def checkout(request, organizer, shop):
    shop = shop_of(organizer, shop)
    cart = cart_of(request, shop)
    if request.method == "POST":
        if cart is None:
            messages.error(request, CartEmpty.default_message)
            return _to_cart(shop)
        # a read that drops nothing: an expired line is reported by order_place, which
        # refuses the whole cart (and the cart page then lists what went back on sale)
        form, config, slots = _checkout_form(request, shop, sales.live_cart_lines(cart), bound=True)
        cleaned = None
        form_ok = form.is_valid()
        try:
            cleaned = registration.answers_clean(
                form=config,
                data=form.data,
                files=request.FILES,
                slots=slots,
                language=request.LANGUAGE_CODE,
            )
        except InvalidInput as refusal:
            form.add_refusal(refusal)
        if form_ok and cleaned is not None:
            buyer = cleaned.answers.buyer
            try:
                order = checkouts.order_place(
                    cart=cart,
                    email=buyer["email"],
                    first_name=buyer.get("first_name", ""),
                    last_name=buyer.get("last_name", ""),
                    language=request.LANGUAGE_CODE,
                    answers=cleaned.answers,
                    ticket_answers=cleaned.ticket_answers,
                )
            except DomainError as refusal:
                messages.error(request, refusal.message)
                return _to_cart(shop)
            messages.success(request, _("Your order is placed. Choose how to pay."))
            if ike.is_on(shop):
                ike.remember(request, shop, ike.CART_CONFIRM, sales.order_tracking_data(order))
            return redirect("shop:order", order.secret)
    view = _read(cart)
    if view.dropped:
        messages.error(request, CartExpired.default_message)
        return _to_cart(shop)
    if not view.lines:
        messages.error(request, CartEmpty.default_message)
        return _to_cart(shop)
    if request.method != "POST":
        form, _config, _slots = _checkout_form(request, shop, view.lines, bound=False)
    context = {**shop_context(request, shop), "cart": view, "form": form, **_countdown(view)}
    # e-tickets are the only delivery: the delivery step is part of the checkout page
    data = sales.cart_tracking_data(view.lines, shop=shop, discount=view.discount_total)
    events = [(ike.CART_DELIVERY_VIEW, data), (ike.CART_FORM_VIEW, data)]
    return ike.render_page(request, shop, "shop/checkout.html", context, events=events)
