"""The shop's tracking code and the extra sources its Content-Security-Policy allows
(SHOP-8)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.csp import CSP
from django.utils.translation import gettext as _

from billetterie.backoffice import forms
from billetterie.backoffice.access import shop_view
from billetterie.core.exceptions import DomainError
from billetterie.core.models import Level
from billetterie.shop import services as shop_services
from billetterie.shop.models import ShopTracking
from billetterie.shop.tracking import EXTENDABLE, policy


@shop_view(Level.MANAGE)
def shop_tracking(request):
    shop = request.shop
    tracking = ShopTracking.objects.filter(shop=shop).first() or ShopTracking(shop=shop)
    form = forms.TrackingForm(
        request.POST or None,
        initial={field: getattr(tracking, field) for field in shop_services.FIELDS},
    )
    if request.method == "POST" and form.is_valid():
        try:
            shop_services.tracking_update(shop=shop, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Tracking settings saved."))
            return redirect("backoffice:shop_tracking", request.organizer.slug, shop.slug)
    return render(
        request,
        "backoffice/shop_tracking.html",
        {"form": form, "shop": shop, "allowed": _allowed(shop, tracking)},
    )


def _allowed(shop, tracking) -> list[tuple[str, str]]:
    """The directives the shop extends, as its pages send them."""
    shop.tracking = tracking
    extended = policy(shop) or {}
    return [
        (directive, " ".join("'nonce-…'" if s == CSP.NONCE else s for s in extended[directive]))
        for directive in EXTENDABLE
        if directive in extended
    ]
