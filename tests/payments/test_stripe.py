"""Card payments with Stripe (PAY-2, PAY-10), against the local fake Stripe server.

The buyer goes through the order page and our pages with Django's test client, and through
the fake's hosted checkout page over real HTTP; the fake's webhooks are posted to our
endpoint with its signatures.
"""

import json
import re
import time
from decimal import Decimal

import pytest
import stripe
from django.core import mail
from django.urls import reverse

from billetterie.orders.models import Order
from billetterie.payments import registry
from billetterie.payments import services as payments
from billetterie.payments.exceptions import PaymentRefused
from billetterie.payments.models import ProviderNotification, Transaction
from billetterie.payments.providers import stripe as provider
from tests.orders.sales import make_concert, place
from tests.payments.fake_stripe import (
    PUBLISHABLE_KEY,
    SECRET_KEY,
    WEBHOOK_SECRET,
    FakeStripe,
    fake_stripe,  # noqa: F401 - the fixture
    http_get,
    sign,
)

pytestmark = pytest.mark.django_db

VISA = "4242 4242 4242 4242"
AMEX = "378282246310005"


def configure(shop, **values):
    keys = {
        "publishable_key": PUBLISHABLE_KEY,
        "secret_key": SECRET_KEY,
        "webhook_secret": WEBHOOK_SECRET,
    }
    form = provider.StripeSettingsForm(data={**keys, **values})
    assert form.is_valid(), form.errors
    return payments.method_configure(shop=shop, provider_id="stripe", values=form.cleaned_data)


@pytest.fixture
def order(organizer, shop, fake_stripe):  # noqa: F811
    payments.shop_methods_set(shop=shop, providers=["stripe", "onsite"])
    configure(shop)
    return place(shop, make_concert(organizer, shop), quantity=2)  # CHF 90.00


def start(client, order) -> str:
    """The buyer chooses the card on the order page; returns Stripe's page address."""
    response = client.post(reverse("shop:order", args=[order.secret]), {"method": "stripe"})
    tx = Transaction.objects.get(order=order, provider="stripe", state="created")
    assert response.status_code == 302
    assert response["Location"] == reverse("payments:stripe_go", args=[tx.secret])
    page = client.get(response["Location"]).content.decode()
    url = re.search(r'href="([^"]+)" data-stripe-checkout', page).group(1)
    assert url == tx.provider_data["url"]
    return url


def back(client, location: str):
    """The browser follows the fake's redirect to our success URL, then the order page."""
    path = location.removeprefix("http://127.0.0.1:8000")
    response = client.get(path, follow=True)
    assert response.status_code == 200
    return response


def post_webhook(client, shop, delivery_or_payload, signature=None):
    payload = getattr(delivery_or_payload, "payload", delivery_or_payload)
    signature = signature if signature is not None else delivery_or_payload.signature
    return client.post(
        reverse("payments:stripe_webhook", args=[shop.pk]),
        data=payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=signature,
    )


def deliver_all(client, shop, fake: FakeStripe) -> list[int]:
    statuses = [post_webhook(client, shop, d).status_code for d in fake.outbox]
    fake.outbox.clear()
    return statuses


def attempts(order):
    return list(order.transactions.filter(kind="payment").order_by("pk"))


# --- settings --------------------------------------------------------------------------------
def test_keys_are_sealed_and_never_rendered_back(shop):
    method = configure(shop)
    assert method.config == {"publishable_key": PUBLISHABLE_KEY}
    assert SECRET_KEY not in method.secrets and WEBHOOK_SECRET not in method.secrets
    assert payments.method_settings(shop=shop, provider_id="stripe") == {
        "publishable_key": PUBLISHABLE_KEY,
        "secret_key": SECRET_KEY,
        "webhook_secret": WEBHOOK_SECRET,
    }
    # the settings page: initial values from the plain config only, and even a bound form
    # (a page shown again after an error) does not echo the secrets
    unbound = str(provider.StripeSettingsForm(initial=method.config))
    bound = provider.StripeSettingsForm(
        data={"publishable_key": "nope", "secret_key": SECRET_KEY, "webhook_secret": "x"}
    )
    assert not bound.is_valid()
    for html in (unbound, str(bound)):
        assert SECRET_KEY not in html and WEBHOOK_SECRET not in html
    assert PUBLISHABLE_KEY in unbound
    assert bound.errors == {
        "publishable_key": ["This key starts with pk_."],
        "webhook_secret": ["This key starts with whsec_."],
    }

    # saved again with the secret fields left empty: the stored ones stay
    configure(shop, secret_key="", webhook_secret="", publishable_key="pk_test_other")
    assert payments.method_settings(shop=shop, provider_id="stripe") == {
        "publishable_key": "pk_test_other",
        "secret_key": SECRET_KEY,
        "webhook_secret": WEBHOOK_SECRET,
    }
    assert registry.get("stripe").secret_fields == ("secret_key", "webhook_secret")


def test_not_offered_without_a_secret_key(organizer, shop, fake_stripe):  # noqa: F811
    payments.shop_methods_set(shop=shop, providers=["stripe", "onsite"])
    order = place(shop, make_concert(organizer, shop))
    assert [m.identifier for m in payments.methods_for(order)] == ["onsite"]
    configure(shop)
    assert [m.identifier for m in payments.methods_for(order)] == ["stripe", "onsite"]


# --- paying --------------------------------------------------------------------------------
def test_visa_with_3ds_pays_the_order_once_stripe_confirms(
    client,
    order,
    fake_stripe,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    url = start(client, order)
    (created,) = fake_stripe.calls("POST", "/v1/checkout/sessions")
    assert created["payment_method_options"]["card"] == {
        "request_three_d_secure": "any",
        "restrictions": {"brands_blocked": ["american_express"]},
    }
    assert created["line_items"][0]["price_data"]["unit_amount"] == "9000"
    assert created["line_items"][0]["price_data"]["currency"] == "chf"
    assert created["customer_email"] == "ana@example.org"

    # Coming back to the success address without having paid marks nothing paid.
    (tx,) = attempts(order)
    page = back(client, reverse("payments:stripe_return", args=[tx.secret])).content.decode()
    assert "Your payment is not confirmed by Stripe yet." in page
    order.refresh_from_db()
    assert order.state == Order.State.PENDING

    location = fake_stripe.pay(url, number=VISA)
    assert location == f"http://127.0.0.1:8000/pay/stripe/{tx.secret}/return/"
    with django_capture_on_commit_callbacks(execute=True):
        page = back(client, location).content.decode()
    assert "Thank you: your payment is confirmed." in page
    assert 'data-state="paid"' in page
    order.refresh_from_db()
    assert order.state == Order.State.PAID and order.payment_method == "stripe"
    (tx,) = attempts(order)
    assert (tx.state, tx.card_brand, tx.card_last4) == ("succeeded", "visa", "4242")
    assert tx.reference.startswith("pi_") and tx.provider_data["three_d_secure"] == "authenticated"
    assert [m.to for m in mail.outbox] == [["ana@example.org"]]

    # The webhooks that follow change nothing more (the order is paid once, one email).
    with django_capture_on_commit_callbacks(execute=True):
        assert deliver_all(client, order.shop, fake_stripe) == [200, 200]
    assert ProviderNotification.objects.filter(provider="stripe").count() == 2
    assert len(mail.outbox) == 1 and len(attempts(order)) == 1


def test_the_webhook_alone_pays_the_order(client, order, fake_stripe):  # noqa: F811
    url = start(client, order)
    fake_stripe.pay(url, number="5555555555554444")  # the buyer closes the tab
    kinds = [d.event["type"] for d in fake_stripe.outbox]
    assert kinds == ["payment_intent.succeeded", "checkout.session.completed"]
    assert deliver_all(client, order.shop, fake_stripe) == [200, 200]
    order.refresh_from_db()
    assert order.state == Order.State.PAID
    (tx,) = attempts(order)
    assert (tx.state, tx.card_brand) == ("succeeded", "mastercard")
    notification = ProviderNotification.objects.get(payload__type="checkout.session.completed")
    assert (notification.order, notification.outcome) == (order, "succeeded")
    # the session was read back from Stripe's API, not taken from the event
    assert fake_stripe.calls("GET", "/v1/checkout/sessions/")[-1]["expand"] == [
        "payment_intent.latest_charge"
    ]


def test_a_declined_card_is_an_attempt_with_the_banks_note(client, order, fake_stripe):  # noqa: F811
    url = start(client, order)
    assert fake_stripe.pay(url, number="4000000000009995") == "Your card has insufficient funds."
    assert deliver_all(client, order.shop, fake_stripe) == [200]
    failed, retry = attempts(order)
    assert failed.state == "failed"
    assert failed.bank_note == "Your card has insufficient funds. (insufficient_funds)"
    assert (failed.card_brand, failed.card_last4) == ("visa", "9995")
    assert failed.provider_data["status"] == "requires_payment_method"
    assert (
        retry.state == "created"
        and retry.provider_data["session"] == failed.provider_data["session"]
    )

    # 3-D Secure failed on the next card: another attempt, with Stripe's message
    assert fake_stripe.pay(url, number=VISA, approve=False).startswith(
        "The provided PaymentMethod has failed authentication."
    )
    deliver_all(client, order.shop, fake_stripe)

    # then a good card on the same page pays the order
    location = fake_stripe.pay(url, number=VISA)
    back(client, location)
    deliver_all(client, order.shop, fake_stripe)
    states = [(a.state, a.bank_note[:28]) for a in attempts(order)]
    assert states == [
        ("failed", "Your card has insufficient f"),
        ("failed", "The provided PaymentMethod h"),
        ("succeeded", ""),
    ]
    order.refresh_from_db()
    assert order.state == Order.State.PAID


def test_american_express_is_refused_on_stripes_page(client, order, fake_stripe):  # noqa: F811
    url = start(client, order)
    assert fake_stripe.pay(url, number=AMEX) == "Your card is not supported. Try a different card."
    assert fake_stripe.outbox == []
    (tx,) = attempts(order)
    assert tx.state == "created"


def test_an_american_express_charge_is_refunded_and_refused(client, order, fake_stripe):  # noqa: F811
    """Should Stripe let an Amex card through (the restriction is Stripe's to apply), our
    check of the charge refuses it: refunded at once, the order stays unpaid."""
    fake_stripe.enforce_brand_restrictions = False
    url = start(client, order)
    page = back(client, fake_stripe.pay(url, number=AMEX)).content.decode()
    assert (
        "American Express cards are not accepted. Please pay with VISA or Mastercard. "
        "Your payment was refunded."
    ) in page
    order.refresh_from_db()
    assert order.state == Order.State.PENDING
    (tx,) = attempts(order)
    assert (tx.state, tx.card_brand) == ("failed", "amex")
    assert tx.bank_note.startswith("American Express cards are not accepted.")
    (refund,) = fake_stripe.calls("POST", "/v1/refunds")
    assert refund["payment_intent"] == tx.reference
    assert tx.provider_data["refund"].startswith("re_")
    charge = fake_stripe.objects[tx.provider_data["charge"]]
    assert charge["refunded"] is True
    # the webhooks then change nothing, and refund nothing twice
    deliver_all(client, order.shop, fake_stripe)
    order.refresh_from_db()
    assert order.state == Order.State.PENDING and len(fake_stripe.calls("POST", "/v1/refunds")) == 1
    assert mail.outbox == []
    # the buyer can choose again
    assert [m.identifier for m in payments.methods_for(order)] == ["stripe", "onsite"]


def test_a_session_paid_for_another_amount_never_pays_the_order(client, order, fake_stripe):  # noqa: F811
    url = start(client, order)
    session_id = attempts(order)[0].provider_data["session"]
    fake_stripe.objects[session_id]["amount_total"] = 100  # CHF 1.00 instead of 90.00
    back(client, fake_stripe.pay(url, number=VISA))
    deliver_all(client, order.shop, fake_stripe)
    order.refresh_from_db()
    assert order.state == Order.State.PENDING
    (tx,) = attempts(order)
    assert tx.state == "failed"
    assert tx.bank_note == "The amount paid (CHF 1.00) does not match the order's (CHF 90.00)."
    assert mail.outbox == []


def test_leaving_stripes_page_cancels_the_attempt(client, order, fake_stripe):  # noqa: F811
    url = start(client, order)
    _status, location, _body = http_get(url.rstrip("/") + "/cancel")
    page = back(client, location).content.decode()
    assert "The card payment was cancelled. You can choose again." in page
    (tx,) = attempts(order)
    assert tx.state == "cancelled"
    assert fake_stripe.objects[tx.provider_data["session"]]["status"] == "expired"
    assert deliver_all(client, order.shop, fake_stripe) == [200]  # checkout.session.expired


def test_stripe_unreachable_is_a_clear_message(client, order, fake_stripe, settings):  # noqa: F811
    configure(order.shop, secret_key="sk_test_wrong")
    response = client.post(
        reverse("shop:order", args=[order.secret]), {"method": "stripe"}, follow=True
    )
    assert "The card payment service could not be reached." in response.content.decode()
    (tx,) = attempts(order)
    assert tx.state == "failed" and tx.bank_note.startswith("Invalid API Key provided")


# --- webhooks --------------------------------------------------------------------------------
def test_a_webhook_with_a_bad_signature_changes_nothing(client, order, fake_stripe):  # noqa: F811
    url = start(client, order)
    fake_stripe.pay(url, number=VISA)
    completed = fake_stripe.outbox[-1]
    payload = completed.payload
    forged = payload.replace('"livemode": false', '"livemode": true')
    now = int(time.time())
    bad = [
        (payload, ""),  # no signature
        (payload, sign(payload, "whsec_someone_else")),
        (forged, completed.signature),  # body changed after signing
        (payload, sign(payload, WEBHOOK_SECRET, timestamp=now - 600)),  # replayed later
        ("not json", sign("not json", WEBHOOK_SECRET)),
    ]
    for body, signature in bad:
        response = post_webhook(client, order.shop, body, signature)
        assert response.status_code == 400
        assert response.content.decode() == "This notification is not signed by Stripe."
    order.refresh_from_db()
    assert order.state == Order.State.PENDING
    assert not ProviderNotification.objects.exists()
    assert attempts(order)[0].state == "created"
    # GET is not a webhook; an unknown shop is not found
    assert client.get(reverse("payments:stripe_webhook", args=[order.shop.pk])).status_code == 405
    missing = reverse("payments:stripe_webhook", args=[order.shop.pk + 999])
    assert client.post(missing, data=payload, content_type="application/json").status_code == 404

    assert post_webhook(client, order.shop, completed).status_code == 200
    order.refresh_from_db()
    assert order.state == Order.State.PAID


def test_the_same_event_twice_changes_nothing(client, order, fake_stripe):  # noqa: F811
    url = start(client, order)
    fake_stripe.pay(url, number="4000000000000002")
    (failed,) = fake_stripe.outbox
    first = post_webhook(client, order.shop, failed)
    again = post_webhook(client, order.shop, failed)
    assert first.json() == {"received": True, "outcome": "attempt_failed"}
    assert again.json() == {"received": True, "outcome": "duplicate"}
    assert [a.state for a in attempts(order)] == ["failed", "created"]
    assert ProviderNotification.objects.get().event_id == failed.event["id"]
    # two deliveries racing past the notification check: the attempts know the event too
    ProviderNotification.objects.all().delete()
    assert post_webhook(client, order.shop, failed).json()["outcome"] == "ignored"
    assert [a.state for a in attempts(order)] == ["failed", "created"]


def test_a_shops_webhook_never_touches_another_shops_orders(
    client,
    order,
    fake_stripe,  # noqa: F811
    other_tenant,
):
    _organizer, other_shop, _manager = other_tenant
    configure(other_shop, webhook_secret="whsec_other_shop")
    url = start(client, order)
    fake_stripe.pay(url, number=VISA)
    completed = fake_stripe.outbox[-1]
    # signed with our secret, sent to the other shop's address: refused
    assert post_webhook(client, other_shop, completed).status_code == 400
    # signed with the other shop's secret: accepted there, but about no order of theirs
    resigned = sign(completed.payload, "whsec_other_shop")
    response = post_webhook(client, other_shop, completed.payload, resigned)
    assert response.json()["outcome"] == "ignored"
    order.refresh_from_db()
    assert order.state == Order.State.PENDING


# --- refunds ---------------------------------------------------------------------------------
def paid_order(client, order, fake):
    back(client, fake.pay(start(client, order), number=VISA))
    order.refresh_from_db()
    assert order.state == Order.State.PAID
    return attempts(order)[0]


def refund_of(payment, amount: str) -> Transaction:
    """What the refund service does around provider.refund: a refund row, then saved."""
    refund = Transaction.objects.create(
        order=payment.order,
        kind=Transaction.Kind.REFUND,
        refund_of=payment,
        provider="stripe",
        amount=Decimal(amount),
        currency=payment.currency,
    )
    settings = payments.method_settings(shop=payment.order.shop, provider_id="stripe")
    try:
        registry.get("stripe").refund(payment=payment, refund=refund, settings=settings)
    finally:
        refund.save()
    return refund


def test_refunds_in_part_then_in_full(client, order, fake_stripe):  # noqa: F811
    payment = paid_order(client, order, fake_stripe)
    assert registry.get("stripe").supports_refund
    charge = fake_stripe.objects[payment.provider_data["charge"]]

    part = refund_of(payment, "20.00")
    assert part.state == "succeeded" and part.reference.startswith("re_")
    assert part.provider_data["status"] == "succeeded"
    assert charge["amount_refunded"] == 2000 and charge["refunded"] is False
    last = fake_stripe.calls("POST", "/v1/refunds")[-1]
    assert (last["payment_intent"], last["amount"]) == (payment.reference, "2000")

    with pytest.raises(PaymentRefused) as refused:
        refund_of(payment, "70.01")
    assert "Refund amount (70.01) is greater than unrefunded amount on charge (70.00)" in str(
        refused.value.message
    )
    too_much = Transaction.objects.filter(kind="refund", amount=Decimal("70.01")).get()
    assert too_much.state == "failed" and too_much.bank_note.startswith("Refund amount")

    rest = refund_of(payment, "70.00")
    assert rest.state == "succeeded"
    assert charge["amount_refunded"] == 9000 and charge["refunded"] is True
    assert [r.state for r in payment.refunds.order_by("pk")] == ["succeeded", "failed", "succeeded"]


def test_a_pending_refund_completes_by_webhook(client, order, fake_stripe):  # noqa: F811
    payment = paid_order(client, order, fake_stripe)
    fake_stripe.outbox.clear()
    refund = refund_of(payment, "90.00")
    stripe_refund = fake_stripe.objects[refund.reference]
    stripe_refund["status"] = "pending"
    refund.state = "created"
    refund.save()
    stripe_refund["status"] = "succeeded"
    delivery = fake_stripe.send_event("refund.updated", stripe_refund)
    assert post_webhook(client, order.shop, delivery).json()["outcome"] == "succeeded"
    refund.refresh_from_db()
    assert refund.state == "succeeded"


def test_webhook_payloads_are_stripes_events(fake_stripe):  # noqa: F811
    """The fake signs like Stripe: the library's own verification accepts it."""
    delivery = fake_stripe.send_event("checkout.session.expired", {"id": "cs_x", "object": "x"})
    event = stripe.Webhook.construct_event(delivery.payload, delivery.signature, WEBHOOK_SECRET)
    assert event.type == "checkout.session.expired"
    assert json.loads(delivery.payload)["data"]["object"]["id"] == "cs_x"


def test_a_refusal_is_noted_in_the_buyers_language(client, organizer, shop, fake_stripe):  # noqa: F811
    """The webhook has no buyer behind it: the note is still in the order's language."""
    payments.shop_methods_set(shop=shop, providers=["stripe"])
    configure(shop)
    order = place(shop, make_concert(organizer, shop), quantity=2, language="fr")
    fake_stripe.enforce_brand_restrictions = False
    fake_stripe.pay(start(client, order), number=AMEX)
    deliver_all(client, shop, fake_stripe)
    (tx,) = attempts(order)
    assert tx.state == "failed"
    assert tx.bank_note == (
        "Les cartes American Express ne sont pas acceptées. Veuillez payer avec VISA ou Mastercard."
    )
