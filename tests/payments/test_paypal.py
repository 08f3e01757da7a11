"""PayPal (PAY-3, PAY-9, PAY-10) against a local fake PayPal speaking its REST API over
HTTP: the order page, the hand-over page, the return with the capture, the webhook
verified with PayPal, opposition on mismatching money, duplicates, forgeries, refunds and
the shop's settings."""

import html
import json
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from billetterie.core.models import AuditLogEntry, Level
from billetterie.orders.models import Order, OrderEvent
from billetterie.orders.services import order_admin
from billetterie.payments import registry
from billetterie.payments import services as payments
from billetterie.payments.exceptions import PaymentRefused
from billetterie.payments.models import ProviderNotification, ShopPaymentMethod, Transaction
from billetterie.payments.providers import paypal
from tests import factories
from tests.orders.sales import make_concert, place
from tests.payments.fake_paypal import FakePayPal

pytestmark = pytest.mark.django_db

RECEIVER = "billetterie@theatre.example"
OPERATOR = "operator@platform.example"


@pytest.fixture
def fake(settings):
    server = FakePayPal().start()
    settings.PAYPAL_API_BASE = server.url
    settings.PLATFORM_OPERATOR_EMAIL = OPERATOR
    yield server
    server.stop()


def configure(shop, fake, **values):
    payments.method_configure(
        shop=shop,
        provider_id="paypal",
        values={
            "client_id": fake.client_id,
            "client_secret": fake.client_secret,
            "receiver_email": RECEIVER,
            "webhook_id": fake.webhook_id,
            **values,
        },
    )


@pytest.fixture
def paypal_shop(shop, fake):
    payments.shop_methods_set(shop=shop, providers=["paypal", "testcard"])
    configure(shop, fake)
    return shop


@pytest.fixture
def order(organizer, paypal_shop):
    return place(paypal_shop, make_concert(organizer, paypal_shop), quantity=2)  # CHF 90.00


@pytest.fixture
def managers(organizer, shop, manager):
    """Who is told about an opposition: the organizer's manager (French), a manager of the
    shop through a team (English); a viewer is not."""
    manager.language = "fr"
    manager.save(update_fields=["language"])
    english = factories.make_staff("shop-manager@example.org", language="en")
    team = factories.make_team(organizer, members=[english])
    factories.grant(organizer, Level.MANAGE, team=team, shop=shop)
    viewer = factories.make_staff("viewer@example.org")
    factories.grant(organizer, Level.VIEW, user=viewer)
    return manager, english


def start(client, order) -> tuple[Transaction, str]:
    """The buyer picks PayPal on the order page; returns the transaction and the PayPal
    approval link the hand-over page leads to."""
    response = client.post(reverse("shop:order", args=[order.secret]), {"method": "paypal"})
    tx = Transaction.objects.get(order=order, provider="paypal", state="created")
    assert response.url == reverse("payments:paypal_go", args=[tx.secret])
    page = client.get(response.url)
    assert "Continue to PayPal" in page.text
    (link,) = re.findall(r'href="([^"]+)" data-payment-redirect', page.text)
    return tx, html.unescape(link)


def paypal_order_id(link: str) -> str:
    return link.split("token=")[1]


def return_from_paypal(client, fake, order_id, **kwargs):
    back = fake.approve(order_id)  # the buyer clicks "Pay" on PayPal
    path = back.split("127.0.0.1:8000", 1)[1]
    return client.get(path, follow=True, **kwargs)


def post_webhook(client, shop, delivery):
    return client.post(
        reverse("payments:paypal_webhook", args=[paypal.webhook_key(shop)]),
        data=delivery.body,
        content_type="application/json",
        **{k: v for k, v in delivery.django_headers().items() if k != "HTTP_CONTENT_TYPE"},
    )


def capture_behind_our_back(fake, tx) -> str:
    """PayPal captured the order (our return request died after the capture, say): the
    capture exists at PayPal, our transaction still waits for news."""
    order_id = tx.provider_data["order_id"]
    fake.approve(order_id)
    status, _answer = fake._capture(order_id)
    assert status == 201
    return fake.capture_of(order_id)["id"]


def snapshot(order):
    order.refresh_from_db()
    return (
        order.state,
        list(order.transactions.values_list("state", "amount", "reference").order_by("pk")),
        OrderEvent.objects.filter(order=order).count(),
        ProviderNotification.objects.count(),
        AuditLogEntry.objects.count(),
    )


# --- paying ---------------------------------------------------------------------------------------
def test_paypal_payment_captured_on_return(client, order, fake, django_capture_on_commit_callbacks):
    page = client.get(reverse("shop:order", args=[order.secret]))
    assert "PayPal" in page.text
    tx, link = start(client, order)
    assert link.startswith(f"{fake.url}/checkoutnow?token=")

    # what PayPal was asked: capture CHF 90.00 for our transaction, paid to the shop's account
    created = fake.orders[paypal_order_id(link)]
    unit = created["purchase_units"][0]
    assert created["intent"] == "CAPTURE"
    assert unit["amount"] == {"currency_code": "CHF", "value": "90.00"}
    assert unit["custom_id"] == tx.secret
    assert unit["payee"]["email_address"] == RECEIVER
    assert created["_return_url"].endswith(reverse("payments:paypal_return", args=[tx.secret]))

    with django_capture_on_commit_callbacks(execute=True):
        done = return_from_paypal(client, fake, paypal_order_id(link))
    assert "Thank you: PayPal confirmed your payment." in done.text
    assert "Download the tickets" in done.text
    order.refresh_from_db()
    tx.refresh_from_db()
    capture = fake.capture_of(paypal_order_id(link))
    assert order.state == Order.State.PAID
    assert order.payment_method == "paypal"
    assert (tx.state, tx.reference, tx.provider_data["capture_id"]) == (
        "succeeded",
        capture["id"],
        capture["id"],
    )
    (confirmation,) = mail.outbox
    assert confirmation.to == ["ana@example.org"]

    # PayPal's webhook for the same capture arrives afterwards: verified, changes nothing
    before = snapshot(order)
    response = post_webhook(client, order.shop, fake.webhook(capture["id"]))
    assert response.status_code == 200
    assert response.json() == {"outcome": "already_settled"}
    assert snapshot(order)[:3] == before[:3]
    assert len(mail.outbox) == 1
    (verification,) = fake.verifications
    assert verification["webhook_id"] == fake.webhook_id

    # the buyer reloads the return address: no second capture
    captures = fake.calls("/v2/checkout/orders/")
    client.get(reverse("payments:paypal_return", args=[tx.secret]) + f"?token={link[-17:]}")
    assert fake.calls("/v2/checkout/orders/") == captures


def test_a_verified_webhook_marks_the_order_paid(
    client, order, fake, django_capture_on_commit_callbacks
):
    tx, _link = start(client, order)
    capture_id = capture_behind_our_back(fake, tx)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_webhook(client, order.shop, fake.webhook(capture_id))
    assert response.json() == {"outcome": "paid"}
    order.refresh_from_db()
    assert order.state == Order.State.PAID
    note = ProviderNotification.objects.get()
    assert (note.provider, note.order, note.outcome) == ("paypal", order, "paid")
    assert [m.to for m in mail.outbox] == [["ana@example.org"]]

    # the buyer comes back from PayPal afterwards and finds the order paid
    page = client.get(reverse("payments:paypal_return", args=[tx.secret]) + "?token=x", follow=True)
    assert "Download the tickets" in page.text


def test_the_buyer_cancels_on_paypal(client, order, fake):
    tx, _link = start(client, order)
    page = client.get(reverse("payments:paypal_cancel", args=[tx.secret]), follow=True)
    assert "You left PayPal without paying" in page.text
    tx.refresh_from_db()
    order.refresh_from_db()
    assert (tx.state, order.state) == ("cancelled", Order.State.PENDING)
    # the order page offers the payment again, with a fresh attempt
    start(client, order)
    assert order.transactions.count() == 2


def test_paypal_unreachable_when_starting(client, order, settings):
    settings.PAYPAL_API_BASE = "http://127.0.0.1:9"  # nothing listens there
    page = client.post(
        reverse("shop:order", args=[order.secret]), {"method": "paypal"}, follow=True
    )
    assert "PayPal cannot take this payment right now." in page.text
    tx = Transaction.objects.get(order=order)
    assert tx.state == "failed"
    order.refresh_from_db()
    assert order.state == Order.State.PENDING


def test_a_declined_funding_source_sends_the_buyer_back_to_paypal(client, order, fake):
    tx, link = start(client, order)
    fake.fail_capture_with = "INSTRUMENT_DECLINED"
    fake.approve(paypal_order_id(link))
    response = client.get(
        reverse("payments:paypal_return", args=[tx.secret]) + f"?token={paypal_order_id(link)}"
    )
    assert response.url == link
    tx.refresh_from_db()
    assert tx.state == "created"  # the buyer may still pay with another funding source


# --- money that does not match: opposition and alerts --------------------------------------------
MISMATCHES = {
    "amount": ({"amount": "1.00"}, "PayPal reported CHF 1.00 instead of CHF 90.00."),
    "currency": ({"currency": "EUR"}, "PayPal reported the currency EUR instead of CHF."),
    "payee": (
        {"payee_email": "someone@else.example"},
        f"PayPal paid the money to someone@else.example instead of {RECEIVER}.",
    ),
}
IN_FRENCH = {
    "amount": "PayPal a indiqué CHF 1.00 au lieu de CHF 90.00.",
    "currency": "PayPal a indiqué la monnaie EUR au lieu de CHF.",
    "payee": f"PayPal a versé l\u2019argent à someone@else.example au lieu de {RECEIVER}.",
}


@pytest.mark.parametrize("what", list(MISMATCHES))
def test_a_mismatching_notification_puts_the_order_in_opposition(
    what, client, order, fake, managers, django_capture_on_commit_callbacks
):
    tampered, reason = MISMATCHES[what]
    tx, _link = start(client, order)
    capture_id = capture_behind_our_back(fake, tx)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_webhook(client, order.shop, fake.webhook(capture_id, **tampered))
    assert response.json() == {"outcome": "opposition"}

    order.refresh_from_db()
    tx.refresh_from_db()
    assert order.state == Order.State.OPPOSITION
    assert order.paid_at is None and order.expires_at is None  # places kept, in dispute
    event = OrderEvent.objects.get(order=order, kind="opposition")
    assert (event.data["reason"], event.data["provider"], event.actor_label) == (
        reason,
        "paypal",
        "system",
    )
    audit = AuditLogEntry.objects.get(action="order.opposition")
    assert audit.actor_label == "system" and audit.changes["reason"] == [None, reason]
    # the transaction says what PayPal reported; money paid elsewhere is not ours
    if what == "payee":
        assert tx.state == "failed"
    else:
        assert tx.state == "succeeded"
        assert (str(tx.amount), tx.currency) == (
            ("1.00", "CHF") if what == "amount" else ("90.00", "EUR")
        )
    assert tx.bank_note == reason
    assert tx.provider_data["expected"] == {"value": "90.00", "currency_code": "CHF"}

    # the organizer's managers and the platform operator, each in their language; the
    # buyer gets no tickets
    by_address = {message.to[0]: message for message in mail.outbox}
    assert sorted(by_address) == sorted([managers[0].email, "shop-manager@example.org", OPERATOR])
    english = by_address["shop-manager@example.org"]
    assert english.subject == f"Order {order.code} put in opposition — {order.shop.name}"
    assert f"Reason: {reason}" in english.body
    assert "Buyer: Ana Muster (ana@example.org)" in english.body
    assert f"/backoffice/o/{order.shop.organizer.slug}/s/{order.shop.slug}/orders/" in english.body
    french = by_address[managers[0].email]
    assert french.subject == f"Commande {order.code} mise en opposition — {order.shop.name}"
    assert f"Motif : {IN_FRENCH[what]}" in french.body
    assert by_address[OPERATOR].subject == french.subject  # the platform's language

    # the buyer coming back sees why
    page = client.get(reverse("shop:order", args=[order.secret]))
    assert "In opposition" in page.text


def test_a_mismatching_capture_on_return_puts_the_order_in_opposition(
    client, order, fake, managers, django_capture_on_commit_callbacks
):
    _tx, link = start(client, order)
    fake.capture_tamper = {"value": "9.00"}
    with django_capture_on_commit_callbacks(execute=True):
        page = return_from_paypal(client, fake, paypal_order_id(link))
    assert "does not match this order" in page.text
    order.refresh_from_db()
    assert order.state == Order.State.OPPOSITION
    assert len(mail.outbox) == 3  # two managers and the operator, no tickets to the buyer


def test_a_mismatching_notification_for_a_paid_order(
    client, order, fake, managers, django_capture_on_commit_callbacks
):
    """Paid on return, then PayPal's webhook about the same capture disagrees."""
    tx, link = start(client, order)
    with django_capture_on_commit_callbacks(execute=True):
        return_from_paypal(client, fake, paypal_order_id(link))
    tx.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        response = post_webhook(
            client, order.shop, fake.webhook(tx.reference, payee_email="thief@example.net")
        )
    assert response.json() == {"outcome": "opposition"}
    order.refresh_from_db()
    tx.refresh_from_db()
    assert order.state == Order.State.OPPOSITION
    assert (tx.state, str(tx.amount)) == ("succeeded", "90.00")  # as captured
    assert tx.provider_data["disputed"]["received_payee"]["email_address"] == "thief@example.net"
    event = OrderEvent.objects.get(order=order, kind="opposition")
    assert event.data["previous"] == Order.State.PAID
    recipients = sorted(m.to[0] for m in mail.outbox[1:])  # after the buyer's confirmation
    assert recipients == sorted([managers[0].email, "shop-manager@example.org", OPERATOR])


def test_a_pending_capture_is_paid_when_paypal_completes_it(
    client, order, fake, django_capture_on_commit_callbacks
):
    tx, link = start(client, order)
    fake.capture_tamper = {"status": "PENDING"}  # e.g. PayPal reviews the payment
    page = return_from_paypal(client, fake, paypal_order_id(link))
    assert "PayPal is still processing your payment." in page.text
    tx.refresh_from_db()
    order.refresh_from_db()
    assert (tx.state, order.state) == ("created", Order.State.PENDING)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_webhook(client, order.shop, fake.webhook(tx.provider_data["capture_id"]))
    assert response.json() == {"outcome": "paid"}
    order.refresh_from_db()
    assert order.state == Order.State.PAID
    assert len(mail.outbox) == 1


def test_the_operator_falls_back_to_admins(
    client, order, fake, settings, managers, django_capture_on_commit_callbacks
):
    settings.PLATFORM_OPERATOR_EMAIL = ""
    settings.ADMINS = [("Ops", "admins@platform.example")]
    tx, _link = start(client, order)
    capture_id = capture_behind_our_back(fake, tx)
    with django_capture_on_commit_callbacks(execute=True):
        post_webhook(client, order.shop, fake.webhook(capture_id, amount="5.00"))
    assert "admins@platform.example" in [m.to[0] for m in mail.outbox]


# --- the same notification twice, forged notifications --------------------------------------------
def test_the_same_notification_twice_changes_nothing(
    client, order, fake, managers, django_capture_on_commit_callbacks
):
    tx, _link = start(client, order)
    capture_id = capture_behind_our_back(fake, tx)
    mismatch = fake.webhook(capture_id, amount="2.00")
    with django_capture_on_commit_callbacks(execute=True):
        assert post_webhook(client, order.shop, mismatch).json() == {"outcome": "opposition"}
    before, emails = snapshot(order), len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        again = post_webhook(client, order.shop, mismatch)
    assert (again.status_code, again.json()) == (200, {"outcome": "duplicate"})
    assert snapshot(order) == before
    assert len(mail.outbox) == emails == 3


def test_a_paid_notification_twice_sends_the_tickets_once(
    client, order, fake, django_capture_on_commit_callbacks
):
    tx, _link = start(client, order)
    delivery = fake.webhook(capture_behind_our_back(fake, tx))
    with django_capture_on_commit_callbacks(execute=True):
        post_webhook(client, order.shop, delivery)
        post_webhook(client, order.shop, delivery)
    assert len(mail.outbox) == 1
    assert ProviderNotification.objects.count() == 1
    assert OrderEvent.objects.filter(order=order, kind="paid").count() == 1


def test_a_forged_notification_is_refused_and_changes_nothing(client, order, fake):
    tx, _link = start(client, order)
    capture_id = capture_behind_our_back(fake, tx)
    genuine = fake.webhook(capture_id, amount="1.00")
    other = factories.make_shop(order.shop.organizer)
    configure(other, fake, webhook_id="OTHERWEBHOOK0000")
    before = snapshot(order)

    # the signed notification with its amount changed on the way
    event = json.loads(genuine.body)
    event["resource"]["amount"]["value"] = "90.00"
    genuine.body = json.dumps(event).encode()
    forged = post_webhook(client, order.shop, genuine)
    assert forged.status_code == 400
    assert forged.json()["code"] == "paypal_webhook_refused"

    # a notification nobody signed
    unsigned = fake.webhook(capture_id)
    unsigned.headers["PAYPAL-TRANSMISSION-SIG"] = "c2lnbmF0dXJl"
    assert post_webhook(client, order.shop, unsigned).status_code == 400
    # without the transmission headers PayPal is not even asked
    asked = len(fake.verifications)
    bare = client.post(
        reverse("payments:paypal_webhook", args=[paypal.webhook_key(order.shop)]),
        data=fake.webhook(capture_id).body,
        content_type="application/json",
    )
    assert bare.status_code == 400 and len(fake.verifications) == asked
    # a genuine notification sent to another shop's address (its webhook id differs)
    assert post_webhook(client, other, fake.webhook(capture_id)).status_code == 400
    # not JSON, a guessed address, a GET
    key_url = reverse("payments:paypal_webhook", args=[paypal.webhook_key(order.shop)])
    assert client.post(key_url, data=b"{no", content_type="application/json").status_code == 400
    guessed = reverse("payments:paypal_webhook", args=[f"{order.shop.pk}:forged"])
    assert (
        client.post(guessed, data=genuine.body, content_type="application/json").status_code == 404
    )
    assert client.get(key_url).status_code == 405

    assert snapshot(order) == before
    assert mail.outbox == []


def test_other_verified_events_are_recorded_and_change_nothing(client, order, fake):
    tx, _link = start(client, order)
    capture_id = capture_behind_our_back(fake, tx)
    before = snapshot(order)[:3]
    refunded = fake.webhook(capture_id, event_type="PAYMENT.CAPTURE.REFUNDED")
    assert post_webhook(client, order.shop, refunded).json() == {"outcome": "ignored"}
    stranger = fake.webhook(capture_id)
    stranger.event["resource"]["custom_id"] = "not-one-of-ours"
    stranger = fake.sign(stranger.event)
    assert post_webhook(client, order.shop, stranger).json() == {"outcome": "unknown"}
    assert snapshot(order)[:3] == before
    assert list(ProviderNotification.objects.values_list("outcome", flat=True)) == [
        "unknown",
        "ignored",
    ]


def test_webhooks_are_refused_when_paypal_cannot_confirm_them(client, order, fake, settings):
    tx, _link = start(client, order)
    delivery = fake.webhook(capture_behind_our_back(fake, tx))
    settings.PAYPAL_API_BASE = "http://127.0.0.1:9"
    response = post_webhook(client, order.shop, delivery)
    assert response.status_code == 503  # PayPal sends it again later
    settings.PAYPAL_API_BASE = fake.url
    assert post_webhook(client, order.shop, delivery).json() == {"outcome": "paid"}


@pytest.mark.django_db(transaction=True)
def test_webhooks_through_real_http(live_server, client, order, fake):
    """The fake posts the notification to our endpoint itself, as PayPal's servers do."""
    tx, _link = start(client, order)
    capture_id = capture_behind_our_back(fake, tx)
    url = live_server.url + reverse(
        "payments:paypal_webhook", args=[paypal.webhook_key(order.shop)]
    )
    assert fake.deliver(fake.webhook(capture_id), url) == (200, {"outcome": "paid"})
    order.refresh_from_db()
    assert order.state == Order.State.PAID
    guessed = live_server.url + reverse(
        "payments:paypal_webhook", args=[f"{order.shop.pk}:guessed"]
    )
    assert fake.deliver(fake.webhook(capture_id), guessed)[0] == 404


# --- refunds --------------------------------------------------------------------------------------
def paid_by_paypal(client, order, fake, django_capture_on_commit_callbacks) -> Transaction:
    tx, link = start(client, order)
    with django_capture_on_commit_callbacks(execute=True):
        return_from_paypal(client, fake, paypal_order_id(link))
    tx.refresh_from_db()
    assert tx.state == "succeeded"
    return tx


def refund_row(payment, amount) -> Transaction:
    return Transaction.objects.create(
        order=payment.order,
        kind=Transaction.Kind.REFUND,
        refund_of=payment,
        provider="paypal",
        amount=Decimal(amount),
        currency=payment.currency,
    )


def test_partial_then_full_refund_through_paypal(
    client, order, fake, settings, django_capture_on_commit_callbacks
):
    payment = paid_by_paypal(client, order, fake, django_capture_on_commit_callbacks)
    provider = registry.get("paypal")
    assert provider.supports_refund
    config = payments.method_settings(shop=order.shop, provider_id="paypal")

    part = refund_row(payment, "30.00")
    provider.refund(payment=payment, refund=part, settings=config)
    assert part.state == "succeeded" and part.reference in fake.refunds
    sent = fake.refunds[part.reference]["refund"]
    assert sent["amount"] == {"value": "30.00", "currency_code": "CHF"}
    assert sent["custom_id"] == part.secret
    assert sent["note_to_payer"] == f"Refund for order {order.code}"  # the buyer's language
    assert fake.captures[payment.provider_data["capture_id"]]["capture"]["status"] == (
        "PARTIALLY_REFUNDED"
    )

    too_much = refund_row(payment, "60.01")
    with pytest.raises(PaymentRefused, match="more than what is left"):
        provider.refund(payment=payment, refund=too_much, settings=config)
    assert too_much.state == "failed"

    rest = refund_row(payment, "60.00")
    provider.refund(payment=payment, refund=rest, settings=config)
    assert rest.state == "succeeded"
    assert fake.captures[payment.provider_data["capture_id"]]["capture"]["status"] == "REFUNDED"

    # PayPal unreachable: the refund stays open, to be tried again
    late = refund_row(payment, "1.00")
    settings.PAYPAL_API_BASE = "http://127.0.0.1:9"
    with pytest.raises(PaymentRefused, match="did not answer"):
        provider.refund(payment=payment, refund=late, settings=config)
    assert late.state == "created"
    settings.PAYPAL_API_BASE = fake.url
    # the same refund sent again (a retry) is recognised by PayPal, not paid twice
    provider.refund(payment=payment, refund=rest, settings=config)
    assert len(fake.refunds) == 2


def test_a_payment_without_capture_cannot_be_refunded(order, fake, paypal_shop):
    payment = Transaction.objects.create(
        order=order, provider="paypal", amount=order.total, currency=order.currency
    )
    config = payments.method_settings(shop=paypal_shop, provider_id="paypal")
    with pytest.raises(PaymentRefused):
        registry.get("paypal").refund(
            payment=payment, refund=refund_row(payment, "10"), settings=config
        )


# --- the shop's settings --------------------------------------------------------------------------
def test_settings_form_seals_the_secret_and_never_shows_it(shop, fake, order):
    provider = registry.get("paypal")
    form = provider.settings_form(
        data={
            "client_id": "AbcClient",
            "client_secret": "TopSecret-123",
            "receiver_email": "Money@Theatre.Example",
            "webhook_id": "WH123",
        }
    )
    assert form.is_valid(), form.errors
    payments.method_configure(shop=shop, provider_id="paypal", values=form.cleaned_data)
    method = ShopPaymentMethod.objects.get(shop=shop, provider="paypal")
    assert "TopSecret-123" not in json.dumps(method.config) + method.secrets
    assert payments.method_settings(shop=shop, provider_id="paypal")["client_secret"] == (
        "TopSecret-123"
    )
    shown = provider.settings_form(
        initial=payments.method_settings(shop=shop, provider_id="paypal")
    ).as_div()
    assert "TopSecret-123" not in shown and "AbcClient" in shown
    # saving again with the secret left empty keeps it
    again = provider.settings_form(
        data={"client_id": "AbcClient", "client_secret": "", "receiver_email": "m@t.example"}
    )
    assert again.is_valid(), again.errors
    payments.method_configure(shop=shop, provider_id="paypal", values=again.cleaned_data)
    assert payments.method_has_secret(shop=shop, provider_id="paypal", field="client_secret")

    bad = provider.settings_form(data={"client_id": "", "receiver_email": "not an email"})
    assert not bad.is_valid() and set(bad.errors) == {"client_id", "receiver_email"}


def test_paypal_is_offered_only_with_credentials(client, organizer, shop, fake):
    payments.shop_methods_set(shop=shop, providers=["paypal", "testcard"])
    order = place(shop, make_concert(organizer, shop), quantity=1)
    assert [p.identifier for p in payments.methods_for(order)] == ["testcard"]
    refused = client.post(
        reverse("shop:order", args=[order.secret]), {"method": "paypal"}, follow=True
    )
    assert "This payment method is not available" in refused.text
    configure(shop, fake)
    assert [p.identifier for p in payments.methods_for(order)] == ["paypal", "testcard"]


def test_webhook_address_names_the_shop(shop, settings):
    url = paypal.webhook_url(shop)
    assert url.startswith(settings.BASE_URL + "/pay/paypal/webhook/")
    key = url.rstrip("/").rsplit("/", 1)[1]
    assert paypal.webhook_shop(key) == shop
    assert paypal.webhook_shop(f"{shop.pk}:x") is None


# --- opposition by the system (orders.services.order_admin) -----------------------------------
def test_opposition_by_provider_on_a_pending_order(
    order, managers, django_capture_on_commit_callbacks
):
    assert order.expires_at is not None
    with pytest.raises(order_admin.OrderNotOpposable):  # staff still oppose paid orders only
        order_admin.order_opposition(order=order, actor=managers[0], reason="Dispute")
    with django_capture_on_commit_callbacks(execute=True):
        opposed = order_admin.order_opposition_by_provider(
            order=order, provider="paypal", reason="Wrong amount"
        )
        again = order_admin.order_opposition_by_provider(
            order=order, provider="paypal", reason="Wrong amount"
        )
    assert opposed.state == again.state == Order.State.OPPOSITION
    assert opposed.expires_at is None  # the expiry sweep never frees the disputed places
    assert OrderEvent.objects.filter(order=order, kind="opposition").count() == 1
    assert len(mail.outbox) == 3  # once: the two managers and the operator

    Order.objects.filter(pk=order.pk).update(state=Order.State.EXPIRED)
    with pytest.raises(order_admin.OrderNotOpposable):
        order_admin.order_opposition_by_provider(order=order, provider="paypal", reason="x")
