"""The shop's promotions (SHOP-6): promo codes and automatic reductions.

Anyone with VIEW on the shop reads the list; creating, editing and deleting need MANAGE
(checked here for the pages and again by the services).
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from billetterie.backoffice.access import shop_view
from billetterie.backoffice.feedback import run
from billetterie.backoffice.promotion_forms import PromotionForm
from billetterie.backoffice.views.catalog import can_manage
from billetterie.core.exceptions import DomainError
from billetterie.core.models import Level
from billetterie.orders import queries
from billetterie.orders.services import promotions


def _list_url(request) -> str:
    return reverse("backoffice:promotions", args=[request.organizer.slug, request.shop.slug])


@shop_view(Level.VIEW)
def promotion_list(request):
    return render(
        request,
        "backoffice/promotions.html",
        {
            "shop": request.shop,
            "promotions": queries.promotions_of_shop(request.shop),
            "can_manage": can_manage(request),
        },
    )


def _form_page(request, form, promotion=None):
    return render(
        request,
        "backoffice/promotion_form.html",
        {"shop": request.shop, "form": form, "promotion": promotion},
    )


@shop_view(Level.MANAGE)
def promotion_new(request):
    shop = request.shop
    form = PromotionForm(request.POST or None, shop=shop)
    if request.method == "POST" and form.is_valid():
        try:
            created = promotions.promotion_create(shop=shop, actor=request.user, **form.values())
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Promotion “%(name)s” created.") % {"name": created.name})
            return redirect(_list_url(request))
    return _form_page(request, form)


@shop_view(Level.MANAGE)
def promotion_edit(request, promotion_id):
    shop = request.shop
    promotion = queries.promotion_of_shop(shop, promotion_id)
    form = PromotionForm(request.POST or None, shop=shop, instance=promotion)
    if request.method == "POST" and form.is_valid():
        try:
            promotions.promotion_update(promotion=promotion, actor=request.user, **form.values())
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The promotion is saved."))
            return redirect(_list_url(request))
    return _form_page(request, form, promotion)


@require_POST
@shop_view(Level.MANAGE)
def promotion_delete(request, promotion_id):
    promotion = queries.promotion_of_shop(request.shop, promotion_id)
    name = promotion.name
    run(
        request,
        lambda: promotions.promotion_delete(promotion=promotion, actor=request.user),
        _("Promotion “%(name)s” deleted.") % {"name": name},
    )
    return redirect(_list_url(request))
