"""The test card provider's hosted pages: card entry, then the 3-D Secure challenge.

They stand for a real provider's pages, so they are reached by an unguessable transaction
secret and never carry the organizer's tracking code.
"""

from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from billetterie.payments.exceptions import PaymentRefused
from billetterie.payments.models import Transaction
from billetterie.payments.providers import testcard


def _order_page(tx) -> str:
    return reverse("shop:order", args=[tx.order.secret])


def card_page(request, secret):
    tx = get_object_or_404(Transaction.objects.select_related("order__shop"), secret=secret)
    if tx.state == Transaction.State.CHALLENGE:
        return redirect("payments:testcard_3ds", secret)
    if tx.state != Transaction.State.CREATED:
        return redirect(_order_page(tx))
    error = ""
    if request.method == "POST":
        try:
            testcard.card_submit(
                tx=tx,
                number=request.POST.get("number", ""),
                expiry=request.POST.get("expiry", ""),
                cvc=request.POST.get("cvc", "").strip(),
            )
        except PaymentRefused as refused:
            request.session["testcard_error"] = str(refused.message)
            return redirect("payments:testcard", refused.params["next_secret"])
        return redirect("payments:testcard_3ds", secret)
    error = request.session.pop("testcard_error", "")
    return render(request, "payments/testcard.html", {"tx": tx, "error": error})


def challenge_page(request, secret):
    tx = get_object_or_404(Transaction.objects.select_related("order__shop"), secret=secret)
    if tx.state != Transaction.State.CHALLENGE:
        return redirect(_order_page(tx))
    if request.method == "POST":
        try:
            testcard.challenge_answer(tx=tx, approved=request.POST.get("answer") == "approve")
        except PaymentRefused as refused:
            request.session["testcard_error"] = str(refused.message)
            return redirect("payments:testcard", refused.params["next_secret"])
        return redirect(_order_page(tx))
    return render(request, "payments/testcard_3ds.html", {"tx": tx})
