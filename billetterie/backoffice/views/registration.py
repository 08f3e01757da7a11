"""The shop's customer registration form (SHOP-4): the mode of each standard field, the
extra fields asked once per order, and the questions each price asks for every ticket.

Anyone with VIEW on the shop reads the page; changing it needs MANAGE (checked here for the
pages and again by the services).
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from billetterie.backoffice import registration_forms as forms
from billetterie.backoffice.access import shop_view
from billetterie.backoffice.feedback import form_error, run
from billetterie.backoffice.views.catalog import can_manage
from billetterie.catalog import queries as catalog
from billetterie.core.exceptions import DomainError
from billetterie.core.models import Level
from billetterie.orders import queries
from billetterie.orders.form_models import ALWAYS_REQUIRED, STANDARD_FIELDS, Mode
from billetterie.orders.services import registration


def _page_url(request, price_id=None, anchor: str = "") -> str:
    url = reverse("backoffice:registration", args=[request.organizer.slug, request.shop.slug])
    if price_id:
        url += f"?price={price_id}"
        anchor = anchor or "questions"
    return f"{url}#{anchor}" if anchor else url


def _back(request, form_field=None, price_id=None):
    if form_field is not None:
        price_id = form_field.price_id
    return redirect(_page_url(request, price_id, "" if price_id else "extra"))


def _labelled(fields, language: str) -> list:
    for item in fields:
        item.display_label = item.label_in(language)
    return fields


@shop_view(Level.VIEW)
def registration_page(request):
    shop = request.shop
    prices = queries.prices_of_shop(shop)
    wanted = request.GET.get("price", "")
    selected = next((p for p in prices if str(p.pk) == wanted.strip()), None)
    config = queries.registration_form(shop, [selected.pk] if selected else [])
    manage = can_manage(request)
    language = request.LANGUAGE_CODE
    standard = [
        {
            "key": key,
            "label": label,
            "mode": Mode(config.modes[key]).label,
            "fixed": key in ALWAYS_REQUIRED,
        }
        for key, (label, _default) in STANDARD_FIELDS.items()
    ]
    return render(
        request,
        "backoffice/registration.html",
        {
            "shop": shop,
            "standard": standard,
            "modes_form": forms.ModesForm(modes=config.modes) if manage else None,
            "extra": _labelled(config.extra, language),
            "prices": prices,
            "selected": selected,
            "questions": _labelled(config.questions.get(selected.pk, []), language)
            if selected
            else [],
            "can_manage": manage,
        },
    )


@require_POST
@shop_view(Level.MANAGE)
def registration_modes(request):
    shop = request.shop
    form = forms.ModesForm(request.POST, modes=queries.registration_form(shop).modes)
    if not form.is_valid():
        form_error(request, form)
    else:
        run(
            request,
            lambda: registration.form_modes_set(shop=shop, actor=request.user, modes=form.modes()),
            _("The standard fields are saved."),
        )
    return redirect(_page_url(request, anchor="standard"))


def _field_form_page(request, form, *, form_field=None, price=None):
    return render(
        request,
        "backoffice/registration_field.html",
        {"shop": request.shop, "form": form, "form_field": form_field, "price": price},
    )


@shop_view(Level.MANAGE)
def field_new(request):
    return _create(request, price=None)


@shop_view(Level.MANAGE)
def question_new(request, price_id):
    return _create(request, price=catalog.price_of_shop(request.shop, price_id))


def _create(request, *, price):
    shop = request.shop
    form = forms.FieldForm(request.POST or None, shop=shop, initial={"kind": "text"})
    if request.method == "POST" and form.is_valid():
        try:
            created = registration.form_field_create(
                shop=shop, actor=request.user, price=price, **form.values()
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("“%(label)s” added to the form.")
                % {"label": created.label_in(request.LANGUAGE_CODE)},
            )
            return _back(request, created)
    return _field_form_page(request, form, price=price)


@shop_view(Level.MANAGE)
def field_edit(request, field_id):
    shop = request.shop
    form_field = queries.form_field_of_shop(shop, field_id)
    form = forms.FieldForm(request.POST or None, shop=shop, instance=form_field)
    if request.method == "POST" and form.is_valid():
        try:
            registration.form_field_update(field=form_field, actor=request.user, **form.values())
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The field is saved."))
            return _back(request, form_field)
    return _field_form_page(request, form, form_field=form_field, price=form_field.price)


@require_POST
@shop_view(Level.MANAGE)
def field_delete(request, field_id):
    form_field = queries.form_field_of_shop(request.shop, field_id)
    label = form_field.label_in(request.LANGUAGE_CODE)
    run(
        request,
        lambda: registration.form_field_delete(field=form_field, actor=request.user),
        _("“%(label)s” removed from the form.") % {"label": label},
    )
    return _back(request, form_field)


@require_POST
@shop_view(Level.MANAGE)
def field_move(request, field_id):
    form_field = queries.form_field_of_shop(request.shop, field_id)
    offset = -1 if request.POST.get("direction") == "up" else 1
    try:
        registration.form_field_move(field=form_field, actor=request.user, offset=offset)
    except DomainError as error:
        messages.error(request, error.message)
    return _back(request, form_field)
