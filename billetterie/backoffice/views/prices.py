"""Prices of an event (CAT-4, CAT-9) and their options and option groups (CAT-8)."""

from django.contrib import messages
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from billetterie.backoffice import catalog_forms as forms
from billetterie.backoffice.access import shop_view
from billetterie.backoffice.feedback import form_error, run
from billetterie.backoffice.views.catalog import back_to_event
from billetterie.catalog import queries
from billetterie.catalog.exceptions import PayWhatYouWantRefused, PriceBelowMinimum
from billetterie.catalog.services import options as option_services
from billetterie.catalog.services.prices import price_create
from billetterie.core.exceptions import DomainError
from billetterie.core.models import Level


def _zones(event) -> list:
    return list(event.venue.zones.all()) if event.venue else []


@shop_view(Level.MANAGE)
def price_new(request, event_id):
    shop = request.shop
    event = queries.event_of_shop(shop, event_id)
    zones = _zones(event)
    dates = list(queries.dates_of_event(event))
    form = forms.PriceForm(
        request.POST or None,
        shop=shop,
        zones=zones,
        dates=dates,
        initial={"kind": "fixed", "visibility": "public"},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        zone = next(z for z in zones if str(z.pk) == data["zone"])
        chosen = [d for d in dates if str(d.pk) in set(data["dates"])]
        amounts = {shop.currency: data["amount"]} if data["amount"] is not None else {}
        try:
            price = price_create(
                event=event,
                actor=request.user,
                zone=zone,
                kind=data["kind"],
                amounts=amounts,
                dates=chosen,
                **form.settings(),
            )
        except PriceBelowMinimum as error:
            form.add_error("amount", error.message)
        except PayWhatYouWantRefused as error:
            form.add_error("kind", error.message)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Price “%(name)s” created.") % {"name": price.name})
            return back_to_event(request, event, "prices")
    return render(
        request,
        "backoffice/catalog/price_form.html",
        {"event": event, "form": form, "price": None, "no_zone": not zones},
    )


@shop_view(Level.MANAGE)
def price_edit(request, event_id, price_id):
    event = queries.event_of_shop(request.shop, event_id)
    price = queries.price_of_event(event, price_id)
    form = forms.PriceEditForm(
        request.POST or None,
        shop=request.shop,
        price=price,
        initial=forms.PriceSettingsForm.initial_of(price),
    )
    if request.method == "POST" and form.is_valid():
        try:
            option_services.price_update(
                price=price,
                actor=request.user,
                amounts=form.amounts(request.shop.currency),
                **form.settings(),
            )
        except PriceBelowMinimum as error:
            form.add_error("amount", error.message)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Price saved."))
            return back_to_event(request, event, "prices")
    return render(
        request,
        "backoffice/catalog/price_form.html",
        {"event": event, "form": form, "price": price, "no_zone": False},
    )


@require_POST
@shop_view(Level.MANAGE)
def price_delete(request, event_id, price_id):
    event = queries.event_of_shop(request.shop, event_id)
    price = queries.price_of_event(event, price_id)
    run(
        request,
        lambda: option_services.price_delete(price=price, actor=request.user),
        _("Price “%(name)s” deleted.") % {"name": price.name},
    )
    return back_to_event(request, event, "prices")


@require_POST
@shop_view(Level.MANAGE)
def option_new(request, event_id, price_id):
    event = queries.event_of_shop(request.shop, event_id)
    price = queries.price_of_event(event, price_id)
    groups = list(queries.option_groups_of_price(price))
    form = forms.OptionForm(request.POST, groups=groups)
    if not form.is_valid():
        form_error(request, form)
        return back_to_event(request, event, f"price-{price.pk}")
    data = form.cleaned_data
    group = next((g for g in groups if str(g.pk) == data["group"]), None)
    run(
        request,
        lambda: option_services.option_create(
            price=price, actor=request.user, name=data["name"], amount=data["amount"], group=group
        ),
        _("Option “%(name)s” added.") % {"name": data["name"]},
    )
    return back_to_event(request, event, f"price-{price.pk}")


@require_POST
@shop_view(Level.MANAGE)
def option_group_new(request, event_id, price_id):
    event = queries.event_of_shop(request.shop, event_id)
    price = queries.price_of_event(event, price_id)
    form = forms.OptionGroupForm(request.POST)
    if not form.is_valid():
        form_error(request, form)
        return back_to_event(request, event, f"price-{price.pk}")
    data = form.cleaned_data
    run(
        request,
        lambda: option_services.option_group_create(
            price=price, actor=request.user, name=data["name"], neutral_label=data["neutral_label"]
        ),
        _("Option group “%(name)s” added.") % {"name": data["name"]},
    )
    return back_to_event(request, event, f"price-{price.pk}")


@require_POST
@shop_view(Level.MANAGE)
def option_delete(request, event_id, option_id):
    event = queries.event_of_shop(request.shop, event_id)
    option = queries.option_of_event(event, option_id)
    run(
        request,
        lambda: option_services.option_delete(option=option, actor=request.user),
        _("Option “%(name)s” deleted.") % {"name": option.name},
    )
    return back_to_event(request, event, f"price-{option.price_id}")
