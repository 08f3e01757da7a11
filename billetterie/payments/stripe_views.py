"""Stripe's pages of ours: the step to Stripe's hosted page, the buyer's return from it
(checked with Stripe's API before anything is marked paid), and the webhook endpoint."""

from urllib.parse import urlsplit

from django.contrib import messages
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from billetterie.core.models import Shop
from billetterie.orders.models import Order
from billetterie.payments.models import Transaction
from billetterie.payments.providers import stripe as provider


def _attempt(secret) -> Transaction:
    tx = provider.attempt_for(secret)
    if tx is None:
        raise Http404
    return tx


def _order_page(tx) -> str:
    return reverse("shop:order", args=[tx.order.secret])


@require_GET
def go(request, secret):
    """Our own page first, then on to Stripe: a form on the order page may only lead to
    our site (CSP form-action 'self'), so the buyer leaves from a plain page instead."""
    tx = _attempt(secret)
    url = tx.provider_data.get("url") or ""
    if (
        tx.state not in provider.OPEN_STATES
        or tx.order.state != Order.State.PENDING
        or urlsplit(url).scheme not in {"https", "http"}
    ):
        return redirect(_order_page(tx))
    return render(request, "payments/stripe_redirect.html", {"tx": tx, "url": url})


@require_GET
def back(request, secret):
    """The buyer comes back from Stripe's page after paying: ask Stripe, then show the
    order (paid, or why not)."""
    tx = _attempt(secret)
    try:
        result, message = provider.session_sync(tx=tx)
    except provider.StripeUnreachable as error:
        messages.warning(request, error.message)
        return redirect(_order_page(tx))
    if result.state == Transaction.State.SUCCEEDED:
        messages.success(request, _("Thank you: your payment is confirmed."))
    elif message:
        messages.error(request, message)
    elif result.order.state == Order.State.PENDING:
        messages.info(
            request,
            _("Your payment is not confirmed by Stripe yet. This page shows it once it is."),
        )
    return redirect(_order_page(tx))


@require_GET
def cancel(request, secret):
    """The buyer left Stripe's page without paying."""
    tx = _attempt(secret)
    try:
        result = provider.session_cancel(tx=tx)
    except provider.StripeUnreachable as error:
        messages.warning(request, error.message)
        return redirect(_order_page(tx))
    if result.state != Transaction.State.SUCCEEDED:
        messages.info(request, _("The card payment was cancelled. You can choose again."))
    return redirect(_order_page(tx))


@csrf_exempt
@require_POST
def webhook(request, shop_id):
    """Stripe's server-to-server notifications for one shop, signed with its secret."""
    shop = get_object_or_404(Shop, pk=shop_id)
    try:
        outcome = provider.webhook_receive(
            shop=shop,
            payload=request.body,
            signature=request.headers.get("Stripe-Signature", ""),
        )
    except provider.WebhookRejected as error:
        return HttpResponse(str(error.message), status=400, content_type="text/plain")
    except provider.StripeUnreachable as error:
        # not recorded as handled: Stripe delivers the event again later
        return HttpResponse(str(error.message), status=503, content_type="text/plain")
    return JsonResponse({"received": True, "outcome": outcome})
