"""The shop's webhooks (API-3): endpoints, their signing secret (shown once) and the
delivery log. MANAGE only: an endpoint receives buyers' names and emails."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from billetterie.backoffice.access import shop_view
from billetterie.backoffice.feedback import run
from billetterie.backoffice.webhook_forms import WebhookEndpointForm
from billetterie.core.exceptions import DomainError
from billetterie.core.models import Level
from billetterie.webhooks import queries, services
from billetterie.webhooks.signing import HEADER


def _list_url(request) -> str:
    return reverse("backoffice:webhooks", args=[request.organizer.slug, request.shop.slug])


def _endpoint_url(request, endpoint) -> str:
    return reverse(
        "backoffice:webhook", args=[request.organizer.slug, request.shop.slug, endpoint.pk]
    )


def _apply(form, call):
    """Run the service; a refusal becomes an error on the form (on its field if named)."""
    try:
        return call()
    except DomainError as error:
        field = error.params.get("field")
        form.add_error(field if field in form.fields else None, error.message)
        return None


def _secret_page(request, endpoint, secret):
    return render(
        request,
        "backoffice/webhooks/secret.html",
        {"shop": request.shop, "endpoint": endpoint, "secret": secret, "header": HEADER},
    )


@shop_view(Level.MANAGE)
def endpoint_list(request):
    form = WebhookEndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        created = _apply(
            form,
            lambda: services.endpoint_create(
                shop=request.shop,
                url=form.cleaned_data["url"],
                events=form.cleaned_data["events"],
                actor=request.user,
            ),
        )
        if created:
            endpoint, secret = created
            return _secret_page(request, endpoint, secret)
    return render(
        request,
        "backoffice/webhooks/list.html",
        {
            "shop": request.shop,
            "endpoints": queries.endpoints_of_shop(request.shop),
            "form": form,
            "header": HEADER,
        },
    )


@shop_view(Level.MANAGE)
def endpoint_detail(request, endpoint_id):
    endpoint = queries.endpoint_of_shop(request.shop, endpoint_id)
    initial = {"url": endpoint.url, "events": endpoint.events, "is_active": endpoint.is_active}
    form = WebhookEndpointForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        updated = _apply(
            form,
            lambda: services.endpoint_update(
                endpoint=endpoint,
                url=form.cleaned_data["url"],
                events=form.cleaned_data["events"],
                is_active=form.cleaned_data["is_active"],
                actor=request.user,
            ),
        )
        if updated:
            messages.success(request, _("The webhook is saved."))
            return redirect(_endpoint_url(request, endpoint))
    return render(
        request,
        "backoffice/webhooks/endpoint.html",
        {
            "shop": request.shop,
            "endpoint": endpoint,
            "form": form,
            "deliveries": queries.recent_deliveries(endpoint),
        },
    )


@require_POST
@shop_view(Level.MANAGE)
def endpoint_rotate(request, endpoint_id):
    endpoint = queries.endpoint_of_shop(request.shop, endpoint_id)
    secret = services.endpoint_secret_rotate(endpoint=endpoint, actor=request.user)
    endpoint.refresh_from_db()
    return _secret_page(request, endpoint, secret)


@require_POST
@shop_view(Level.MANAGE)
def endpoint_delete(request, endpoint_id):
    endpoint = queries.endpoint_of_shop(request.shop, endpoint_id)
    url = endpoint.url
    run(
        request,
        lambda: services.endpoint_delete(endpoint=endpoint, actor=request.user),
        _("The webhook to %(url)s is deleted.") % {"url": url},
    )
    return redirect(_list_url(request))


@shop_view(Level.MANAGE)
def delivery_detail(request, endpoint_id, delivery_id):
    endpoint = queries.endpoint_of_shop(request.shop, endpoint_id)
    delivery = get_object_or_404(endpoint.deliveries.all(), pk=delivery_id)
    return render(
        request,
        "backoffice/webhooks/delivery.html",
        {
            "shop": request.shop,
            "endpoint": endpoint,
            "delivery": delivery,
            "attempts": delivery.attempt_log.all(),
            "payload": queries.pretty_payload(delivery),
        },
    )


@require_POST
@shop_view(Level.MANAGE)
def delivery_resend(request, endpoint_id, delivery_id):
    endpoint = queries.endpoint_of_shop(request.shop, endpoint_id)
    delivery = get_object_or_404(endpoint.deliveries.all(), pk=delivery_id)
    run(
        request,
        lambda: services.delivery_resend(delivery=delivery, actor=request.user),
        _("The event is sent again."),
    )
    return redirect(
        reverse(
            "backoffice:webhook_delivery",
            args=[request.organizer.slug, request.shop.slug, endpoint.pk, delivery.pk],
        )
    )
