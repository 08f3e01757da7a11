"""Buyer accounts in the shop (SHOP-5): sign up, confirm the email, log in and out, reset
the password, and "My account" with the buyer's orders in all of the organizer's shops.

Each view reads the request and calls orders.services.accounts; a refusal (DomainError)
is shown next to the form. The pages where a password is typed are rendered without the
organizer's tracking code (SHOP-8): a third-party script on such a page could read it,
as it could read card data. ike_user_login and ike_user_logout are dispatched on the page
shown after logging in or out.

Links from emails carry a token: the page that receives it keeps it in the session and
redirects to the same page without it, so the token never stays in the address bar, the
browser history or a Referer header.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from billetterie.core.exceptions import DomainError
from billetterie.core.http import client_ip
from billetterie.orders.services import accounts
from billetterie.shop import account_forms as forms
from billetterie.shop import account_session
from billetterie.shop import tracking as ike
from billetterie.shop.cart_session import cart_of
from billetterie.shop.views import shop_context, shop_of

CONFIRM_TOKEN = "shop_account:confirm:{}"  # noqa: S105 - a session key, not a secret
RESET_TOKEN = "shop_account:reset:{}"  # noqa: S105


def _url(name: str, shop, *args) -> str:
    return reverse(f"shop:{name}", args=[shop.organizer.slug, shop.slug, *args])


def _plain(request, shop, template: str, context: dict, status: int = 200):
    """A shop page without the organizer's tracking code (a password is typed here)."""
    return render(request, template, {**shop_context(request, shop), **context}, status=status)


def _next(request, shop) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return _url("account", shop)


def _track(request, shop, name: str) -> None:
    if ike.is_on(shop):
        ike.remember(request, shop, name, ike.cart_data(cart_of(request, shop), shop))


def _logged_in(request, shop, customer, message=None) -> None:
    account_session.login(request, customer)
    messages.success(request, message or _("You are logged in."))
    _track(request, shop, ike.USER_LOGIN)


def _refused(request, shop, refusal: accounts.AccountLinkInvalid):
    return _plain(request, shop, "shop/account_link_invalid.html", {"refusal": refusal}, status=400)


# --- log in, log out ---------------------------------------------------------------------
@never_cache
@require_http_methods(["GET", "POST"])
def login_page(request, organizer, shop):
    shop = shop_of(organizer, shop)
    target = _next(request, shop)
    if account_session.customer_of(request, shop.organizer) is not None:
        return redirect(target)
    form = forms.LoginForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            customer = accounts.account_authenticate(
                shop=shop,
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
                client_ip=client_ip(request),
            )
        except DomainError as refusal:
            form.add_error(None, refusal.message)
        else:
            _logged_in(request, shop, customer)
            return redirect(target)
    next_url = target if target != _url("account", shop) else ""
    return _plain(request, shop, "shop/account_login.html", {"form": form, "next": next_url})


@require_POST
def logout_view(request, organizer, shop):
    shop = shop_of(organizer, shop)
    account_session.logout(request, shop.organizer)
    messages.success(request, _("You are logged out."))
    _track(request, shop, ike.USER_LOGOUT)
    return redirect("shop:home", shop.organizer.slug, shop.slug)


# --- sign up and confirm -----------------------------------------------------------------
@never_cache
@require_http_methods(["GET", "POST"])
def signup_page(request, organizer, shop):
    shop = shop_of(organizer, shop)
    if account_session.customer_of(request, shop.organizer) is not None:
        return redirect("shop:account", shop.organizer.slug, shop.slug)
    form = forms.SignupForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            accounts.account_signup(
                shop=shop,
                email=data["email"],
                password=data["password"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                language=request.LANGUAGE_CODE,
                client_ip=client_ip(request),
            )
        except DomainError as refusal:
            form.add_error(None, refusal.message)
        else:
            return redirect("shop:account_sent", shop.organizer.slug, shop.slug)
    return _plain(request, shop, "shop/account_signup.html", {"form": form})


def sent_page(request, organizer, shop):
    shop = shop_of(organizer, shop)
    return _plain(request, shop, "shop/account_sent.html", {})


@never_cache
def confirm_link(request, organizer, shop, token):
    """The link of the confirmation email: checked, kept in the session, then the page
    asking for the password opens without the token in its address."""
    shop = shop_of(organizer, shop)
    try:
        accounts.confirmation_check(organizer=shop.organizer, token=token)
    except accounts.AccountLinkInvalid as refusal:
        return _refused(request, shop, refusal)
    request.session[CONFIRM_TOKEN.format(shop.organizer_id)] = token
    return redirect("shop:account_confirm", shop.organizer.slug, shop.slug)


@never_cache
@require_http_methods(["GET", "POST"])
def confirm_page(request, organizer, shop):
    shop = shop_of(organizer, shop)
    key = CONFIRM_TOKEN.format(shop.organizer_id)
    token = request.session.get(key, "")
    try:
        customer = accounts.confirmation_check(organizer=shop.organizer, token=token)
    except accounts.AccountLinkInvalid as refusal:
        request.session.pop(key, None)
        return _refused(request, shop, refusal)
    form = forms.ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            customer = accounts.account_confirm(
                organizer=shop.organizer,
                token=token,
                password=form.cleaned_data["password"],
                client_ip=client_ip(request),
            )
        except accounts.AccountLinkInvalid as refusal:
            request.session.pop(key, None)
            return _refused(request, shop, refusal)
        except DomainError as refusal:
            form.add_error("password", refusal.message)
        else:
            request.session.pop(key, None)
            _logged_in(request, shop, customer, _("Your email address is confirmed. Welcome!"))
            return redirect("shop:account", shop.organizer.slug, shop.slug)
    return _plain(
        request, shop, "shop/account_confirm.html", {"form": form, "email": customer.email}
    )


# --- password reset ----------------------------------------------------------------------
@never_cache
@require_http_methods(["GET", "POST"])
def reset_page(request, organizer, shop):
    shop = shop_of(organizer, shop)
    form = forms.ResetRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            accounts.password_reset_request(
                shop=shop,
                email=form.cleaned_data["email"],
                language=request.LANGUAGE_CODE,
                client_ip=client_ip(request),
            )
        except DomainError as refusal:
            form.add_error(None, refusal.message)
        else:
            return redirect("shop:account_sent", shop.organizer.slug, shop.slug)
    return _plain(request, shop, "shop/account_reset.html", {"form": form})


@never_cache
def reset_link(request, organizer, shop, token):
    shop = shop_of(organizer, shop)
    try:
        accounts.password_reset_check(organizer=shop.organizer, token=token)
    except accounts.AccountLinkInvalid as refusal:
        return _refused(request, shop, refusal)
    request.session[RESET_TOKEN.format(shop.organizer_id)] = token
    return redirect("shop:account_new_password", shop.organizer.slug, shop.slug)


@never_cache
@require_http_methods(["GET", "POST"])
def new_password_page(request, organizer, shop):
    shop = shop_of(organizer, shop)
    key = RESET_TOKEN.format(shop.organizer_id)
    token = request.session.get(key, "")
    try:
        customer = accounts.password_reset_check(organizer=shop.organizer, token=token)
    except accounts.AccountLinkInvalid as refusal:
        request.session.pop(key, None)
        return _refused(request, shop, refusal)
    form = forms.NewPasswordForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            customer = accounts.password_reset_confirm(
                organizer=shop.organizer, token=token, password=form.cleaned_data["password"]
            )
        except accounts.AccountLinkInvalid as refusal:
            request.session.pop(key, None)
            return _refused(request, shop, refusal)
        except DomainError as refusal:
            form.add_error("password", refusal.message)
        else:
            request.session.pop(key, None)
            _logged_in(request, shop, customer, _("Your new password is saved."))
            return redirect("shop:account", shop.organizer.slug, shop.slug)
    return _plain(
        request, shop, "shop/account_new_password.html", {"form": form, "email": customer.email}
    )


# --- my account --------------------------------------------------------------------------
@never_cache
@require_http_methods(["GET", "POST"])
def account_page(request, organizer, shop):
    shop = shop_of(organizer, shop)
    customer = account_session.customer_of(request, shop.organizer)
    if customer is None:
        login = _url("account_login", shop)
        return redirect(f"{login}?next={_url('account', shop)}")
    initial = {
        "first_name": customer.first_name,
        "last_name": customer.last_name,
        "language": customer.language,
    }
    form = forms.DetailsForm(
        request.POST if request.method == "POST" else None, initial=initial, shop=shop
    )
    if request.method == "POST" and form.is_valid():
        try:
            accounts.account_update(customer=customer, **form.cleaned_data)
        except DomainError as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("Your details are saved."))
            return redirect("shop:account", shop.organizer.slug, shop.slug)
    context = {
        **shop_context(request, shop),
        "customer": customer,
        "orders": accounts.account_orders(customer),
        "form": form,
    }
    return ike.render_page(request, shop, "shop/account_home.html", context)
