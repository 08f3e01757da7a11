"""A buyer deleting their own account (DATA-4), from "My account".

Allowed 30 days after the last event they hold a ticket for (orders/services/privacy.py
decides); the page says from when when it is too early. The buyer types their password
again: someone borrowing an open session cannot erase an account with one click. Like
every page where a password is typed, it is rendered without the organizer's tracking
code (SHOP-8).
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.hashers import check_password
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from billetterie.core import ratelimit
from billetterie.core.exceptions import DomainError, RateLimited
from billetterie.orders.services import privacy
from billetterie.shop import account_session
from billetterie.shop.views import shop_context, shop_of

ATTEMPTS = (10, 15 * 60)  # wrong passwords per account and window (seconds)


class DeleteForm(forms.Form):
    password = forms.CharField(
        label=gettext_lazy("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


@never_cache
@require_http_methods(["GET", "POST"])
def account_delete(request, organizer, shop):
    shop = shop_of(organizer, shop)
    customer = account_session.customer_of(request, shop.organizer)
    account = reverse("shop:account", args=[shop.organizer.slug, shop.slug])
    if customer is None:
        login = reverse("shop:account_login", args=[shop.organizer.slug, shop.slug])
        return redirect(f"{login}?next={account}")
    allowed_from = privacy.self_delete_allowed_from(customer)
    too_early = allowed_from is not None and timezone.now() < allowed_from
    form = DeleteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and not too_early and form.is_valid():
        identity = f"{customer.organizer_id}:{customer.pk}"
        try:
            ratelimit.check("account_delete", identity, limit=ATTEMPTS[0])
            if not check_password(form.cleaned_data["password"], customer.password):
                ratelimit.hit("account_delete", identity, limit=ATTEMPTS[0], window=ATTEMPTS[1])
                form.add_error("password", _("This password is not correct."))
            else:
                privacy.customer_self_delete(customer=customer)
                account_session.logout(request, shop.organizer)
                messages.success(
                    request,
                    _("Your account and your personal data are deleted. Goodbye!"),
                )
                return redirect("shop:home", shop.organizer.slug, shop.slug)
        except RateLimited as refusal:
            form.add_error(None, refusal.message)
        except DomainError as refusal:
            form.add_error(None, refusal.message)
    return render(
        request,
        "shop/account_delete.html",
        {
            **shop_context(request, shop),
            "customer": customer,
            "form": form,
            "too_early": too_early,
            "allowed_from": allowed_from,
        },
    )
