"""PayPal's pages on our side: the hand-over to PayPal, the buyer's return (capture) or
cancellation, and the webhook PayPal calls (PAY-3).

The buyer's pages are reached by the transaction's unguessable secret; the webhook by the
shop's signed key, and nothing in it is believed before PayPal confirmed it.
"""

from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from billetterie.core import ratelimit
from billetterie.core.exceptions import DomainError
from billetterie.orders.models import Order
from billetterie.payments.exceptions import PaymentRefused
from billetterie.payments.models import Transaction
from billetterie.payments.providers import paypal

WEBHOOK_RATE = (300, 60)  # verifications asked of PayPal per shop and minute


def _tx(secret) -> Transaction:
    return get_object_or_404(
        Transaction.objects.select_related("order__shop"),
        secret=secret,
        provider=paypal.IDENTIFIER,
        kind=Transaction.Kind.PAYMENT,
    )


def _order_page(tx) -> str:
    return reverse("shop:order", args=[tx.order.secret])


@require_GET
def go(request, secret):
    """A page of ours between the order page and PayPal: the CSP's form-action stops a
    form's redirect to another site, so the buyer reaches PayPal by a plain navigation
    (followed at once by a small script, or by the link)."""
    tx = _tx(secret)
    approve = tx.provider_data.get("approve_url", "")
    if (
        tx.state != Transaction.State.CREATED
        or not approve
        or tx.order.state != Order.State.PENDING
    ):
        return redirect(_order_page(tx))
    return render(request, "payments/paypal_go.html", {"tx": tx, "approve_url": approve})


@require_GET
def payment_return(request, secret):
    tx = _tx(secret)
    try:
        outcome = paypal.payment_return(tx=tx, paypal_order_id=request.GET.get("token", ""))
    except PaymentRefused as refused:
        retry = refused.params.get("retry_url")
        if retry:  # PayPal asks the buyer to choose another funding source on its page
            return redirect(retry)
        messages.error(request, refused.message)
        return redirect(_order_page(tx))
    notes = {
        "paid": (messages.success, _("Thank you: PayPal confirmed your payment.")),
        "pending": (
            messages.info,
            _(
                "PayPal is still processing your payment. Your tickets are emailed as soon "
                "as it is confirmed."
            ),
        ),
        "declined": (messages.error, _("PayPal declined the payment.")),
        "opposition": (
            messages.error,
            _(
                "The payment PayPal reported does not match this order. The organizer was "
                "told and will contact you."
            ),
        ),
        "paid_late": (
            messages.error,
            _("The order was closed before your payment arrived: the organizer will refund you."),
        ),
    }
    if outcome in notes:
        show, text = notes[outcome]
        show(request, text)
    return redirect(_order_page(tx))


@require_GET
def payment_cancel(request, secret):
    tx = _tx(secret)
    if tx.state == Transaction.State.CREATED:
        paypal.payment_cancel(tx=tx)
        messages.info(request, _("You left PayPal without paying. You can choose again."))
    return redirect(_order_page(tx))


@csrf_exempt  # PayPal's servers post here; the notification is checked with PayPal instead
@require_POST
def webhook(request, key):
    shop = paypal.webhook_shop(key)
    if shop is None:
        raise Http404
    try:
        ratelimit.hit("paypal-webhook", str(shop.pk), limit=WEBHOOK_RATE[0], window=WEBHOOK_RATE[1])
        outcome = paypal.webhook_receive(shop=shop, headers=request.headers, body=request.body)
    except DomainError as error:
        return JsonResponse(error.as_dict(), status=error.http_status)
    return JsonResponse({"outcome": outcome})
