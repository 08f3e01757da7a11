"""Choosing an organizer, its dashboard, its shops."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from billetterie.backoffice import forms
from billetterie.backoffice.access import organizer_view, shop_view
from billetterie.core.exceptions import DomainError
from billetterie.core.models import Level
from billetterie.core.queries import organizers_of, shops_visible_to
from billetterie.core.services import organizers as organizer_services


@login_required
def home(request):
    """The organizer switcher; straight to the dashboard when there is only one."""
    organizers = list(organizers_of(request.user))
    if len(organizers) == 1:
        return redirect("backoffice:organizer", organizers[0].slug)
    return render(request, "backoffice/home.html", {"organizers": organizers})


@organizer_view()
def organizer_dashboard(request):
    shops = shops_visible_to(request.user, request.organizer).filter(is_archived=False)
    return render(request, "backoffice/organizer.html", {"shops": shops})


@organizer_view()
def shop_list(request):
    shops = shops_visible_to(request.user, request.organizer)
    return render(
        request,
        "backoffice/shops.html",
        {
            "shops": shops,
            # creating a shop needs the manage level on the whole organizer
            "can_manage": request.organizer_level == Level.MANAGE,
        },
    )


def _shop_values(form) -> dict:
    data = form.cleaned_data
    return {
        "name": data["name"],
        "currency": data["currency"],
        "time_zone": data["time_zone"],
        "languages": list(data["languages"]),
        "default_language": data["default_language"],
        "show_remaining_places": data["show_remaining_places"],
        **form.display_values(),
    }


@organizer_view(min_level=Level.MANAGE)
def shop_create(request):
    form = forms.ShopForm(request.POST or None, initial={"default_language": "fr"})
    if request.method == "POST" and form.is_valid():
        try:
            shop = organizer_services.shop_create(
                organizer=request.organizer, actor=request.user, **_shop_values(form)
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Shop “%(name)s” created.") % {"name": shop.name})
            return redirect("backoffice:shop", request.organizer.slug, shop.slug)
    return render(request, "backoffice/shop_form.html", {"form": form, "creating": True})


@shop_view(Level.VIEW)
def shop_dashboard(request):
    return render(request, "backoffice/shop.html", {"shop": request.shop})


@shop_view(Level.MANAGE)
def shop_settings(request):
    shop = request.shop
    form = forms.ShopForm(
        request.POST or None,
        initial={
            "name": shop.name,
            "currency": shop.currency,
            "time_zone": shop.time_zone,
            "languages": shop.languages,
            "default_language": shop.default_language,
            "show_remaining_places": shop.show_remaining_places,
            **forms.ShopForm.display_initial(shop),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            organizer_services.shop_update(shop=shop, actor=request.user, **_shop_values(form))
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Settings saved."))
            return redirect("backoffice:shop", request.organizer.slug, shop.slug)
    return render(request, "backoffice/shop_form.html", {"form": form, "creating": False})
