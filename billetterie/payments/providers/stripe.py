"""Card payments with Stripe Checkout (PAY-2) and refunds through Stripe (PAY-10).

The buyer pays on Stripe's hosted page, so card data never touches our pages. The session
asks for 3-D Secure on every card (`request_three_d_secure=any`) and blocks American
Express; the outcome is then checked again on our side from what Stripe's API reports
(never from the redirect, nor from a webhook's body alone): a charge that is not VISA or
Mastercard, or not authenticated with 3-D Secure, or for an order that can no longer be
paid, is refunded at once and the attempt recorded as failed with the reason.

Every attempt is a transaction on the order: the one created when the buyer leaves for
Stripe, and a fresh one after each card the bank refuses on Stripe's page (the
`payment_intent.payment_failed` webhook carries the bank's message, kept as its note).
All attempts of one Checkout Session carry its id in `provider_data["session"]`.
"""

import logging
from decimal import Decimal

import stripe
from django import forms
from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from billetterie.core.exceptions import DomainError
from billetterie.orders.models import Order
from billetterie.orders.services.checkout import order_paid
from billetterie.payments.exceptions import PaymentRefused
from billetterie.payments.models import ProviderNotification, Transaction
from billetterie.payments.provider_settings import provider_settings
from billetterie.payments.registry import Provider, StartResult, register

logger = logging.getLogger(__name__)

IDENTIFIER = "stripe"
ACCEPTED_BRANDS = {"visa", "mastercard"}
# 3-D Secure results that count as authenticated: the bank confirmed the buyer, or (for an
# issuer without 3-D Secure) acknowledged the attempt, which shifts liability just the same.
AUTHENTICATED = {"authenticated", "attempt_acknowledged"}
TIMEOUT_SECONDS = 20
LOCALES = {"fr", "en", "de", "it"}
OPEN_STATES = (Transaction.State.CREATED, Transaction.State.CHALLENGE)


class StripeUnreachable(DomainError):
    code = "stripe_unreachable"
    default_message = gettext_lazy(
        "The card payment service could not be reached. Please try again in a moment."
    )
    http_status = 503


class WebhookRejected(DomainError):
    code = "stripe_webhook_rejected"
    default_message = gettext_lazy("This notification is not signed by Stripe.")
    http_status = 400


def _prefixed(*prefixes: str):
    def check(value: str) -> None:
        if value and not value.startswith(prefixes):
            raise forms.ValidationError(
                _("This key starts with %(prefix)s.") % {"prefix": " / ".join(prefixes)}
            )

    return check


class StripeSettingsForm(forms.Form):
    """The shop's Stripe keys. The secret ones are never shown back (PasswordInput without
    its value); left empty, the stored one is kept."""

    publishable_key = forms.CharField(
        label=gettext_lazy("Publishable key"),
        max_length=255,
        required=False,
        validators=[_prefixed("pk_")],
        help_text=gettext_lazy("In Stripe's dashboard, under Developers → API keys."),
    )
    secret_key = forms.CharField(
        label=gettext_lazy("Secret key"),
        max_length=255,
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        validators=[_prefixed("sk_", "rk_")],
        help_text=gettext_lazy("Stored encrypted. Leave empty to keep the key already stored."),
    )
    webhook_secret = forms.CharField(
        label=gettext_lazy("Webhook signing secret"),
        max_length=255,
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        validators=[_prefixed("whsec_")],
        help_text=gettext_lazy(
            "Of the webhook endpoint that sends checkout.session.* and payment_intent.* "
            "events to this shop's Stripe address. Leave empty to keep the one stored."
        ),
    )


@register
class StripeProvider(Provider):
    identifier = IDENTIFIER
    name = gettext_lazy("Card (VISA, Mastercard)")
    description = gettext_lazy("On Stripe's secure payment page, confirmed with 3-D Secure.")
    settings_form = StripeSettingsForm
    secret_fields = ("secret_key", "webhook_secret")
    supports_refund = True

    def is_available(self, order) -> bool:
        return order.total > 0 and bool(shop_settings(order.shop).get("secret_key"))

    def start(self, order) -> StartResult:
        return session_start(order=order)

    def refund(self, *, payment, refund, settings: dict) -> None:
        refund_send(payment=payment, refund=refund, config=settings)


# --- talking to Stripe ---------------------------------------------------------------------
def shop_settings(shop) -> dict:
    return provider_settings(shop=shop, provider_id=IDENTIFIER)


def client_for(config: dict) -> stripe.StripeClient:
    """A client with the shop's secret key; STRIPE_API_BASE points it elsewhere (tests)."""
    base = getattr(settings, "STRIPE_API_BASE", "")
    return stripe.StripeClient(
        config.get("secret_key") or "",
        base_addresses={"api": base} if base else None,
        http_client=stripe.RequestsClient(timeout=TIMEOUT_SECONDS),
        max_network_retries=2,
    )


def minor_units(amount: Decimal) -> int:
    """CHF and EUR amounts in cents, as Stripe counts them."""
    return int((Decimal(amount) * 100).to_integral_value())


def webhook_path(shop) -> str:
    """Where the shop's Stripe webhook endpoint must point (shown next to its settings)."""
    return reverse("payments:stripe_webhook", args=[shop.pk])


def _absolute(path: str) -> str:
    return f"{settings.BASE_URL}{path}"


def _data(obj) -> dict:
    if obj is None:
        return {}
    return obj.to_dict() if hasattr(obj, "to_dict") else dict(obj)


# --- starting a payment --------------------------------------------------------------------
def session_start(*, order: Order) -> StartResult:
    """A new attempt: a Checkout Session for the order's total; the buyer goes to our
    short page that sends them on to Stripe's."""
    config = shop_settings(order.shop)
    tx = Transaction.objects.create(
        order=order, provider=IDENTIFIER, amount=order.total, currency=order.currency
    )
    metadata = {"transaction": tx.secret, "order": order.code}
    params = {
        "mode": "payment",
        "line_items": [
            {
                "quantity": 1,
                "price_data": {
                    "currency": order.currency.lower(),
                    "unit_amount": minor_units(order.total),
                    "product_data": {
                        "name": _("Order %(code)s — %(shop)s")
                        % {"code": order.code, "shop": order.shop.name}
                    },
                },
            }
        ],
        "payment_method_types": ["card"],
        "payment_method_options": {
            "card": {
                "request_three_d_secure": "any",
                "restrictions": {"brands_blocked": ["american_express"]},
            }
        },
        "payment_intent_data": {"metadata": metadata},
        "metadata": metadata,
        "client_reference_id": tx.secret,
        "customer_email": order.email,
        "locale": order.language if order.language in LOCALES else "auto",
        "success_url": _absolute(reverse("payments:stripe_return", args=[tx.secret])),
        "cancel_url": _absolute(reverse("payments:stripe_cancel", args=[tx.secret])),
    }
    try:
        session = client_for(config).v1.checkout.sessions.create(
            params, {"idempotency_key": f"session-{tx.secret}"}
        )
    except stripe.StripeError as error:
        logger.warning("Stripe session for order %s failed: %s", order.pk, error)
        Transaction.objects.filter(pk=tx.pk).update(
            state=Transaction.State.FAILED,
            bank_note=(error.user_message or str(error))[:300],
            provider_data={"error": getattr(error, "code", None) or type(error).__name__},
            updated_at=timezone.now(),
        )
        raise StripeUnreachable() from None
    Transaction.objects.filter(pk=tx.pk).update(
        reference=session.id,
        provider_data={"session": session.id, "url": session.url, "status": session.status},
        updated_at=timezone.now(),
    )
    return StartResult(redirect_url=reverse("payments:stripe_go", args=[tx.secret]))


def attempt_for(secret: str) -> Transaction | None:
    return (
        Transaction.objects.select_related("order__shop")
        .filter(secret=secret, provider=IDENTIFIER, kind=Transaction.Kind.PAYMENT)
        .first()
    )


def _attempts(order: Order, session_id: str) -> list[Transaction]:
    """Every attempt of one Checkout Session, locked, oldest first."""
    return list(
        Transaction.objects.select_for_update()
        .filter(
            order=order,
            provider=IDENTIFIER,
            kind=Transaction.Kind.PAYMENT,
            provider_data__session=session_id,
        )
        .order_by("pk")
    )


def _update(tx: Transaction, **fields) -> None:
    for name, value in {**fields, "updated_at": timezone.now()}.items():
        setattr(tx, name, value)
    tx.save(update_fields=[*fields, "updated_at"])


# --- the outcome of a session --------------------------------------------------------------
def session_sync(*, tx: Transaction) -> tuple[Transaction, str]:
    """Ask Stripe how the attempt's Checkout Session stands and record it: (the attempt
    that tells the outcome, a message for the buyer or "")."""
    order = tx.order
    config = shop_settings(order.shop)
    session_id = tx.provider_data.get("session")
    if not session_id:
        return tx, ""
    try:
        session = client_for(config).v1.checkout.sessions.retrieve(
            session_id, {"expand": ["payment_intent.latest_charge"]}
        )
    except stripe.StripeError as error:
        logger.warning("Stripe session %s unreadable: %s", session_id, error)
        raise StripeUnreachable() from None
    return _session_apply(order=order, session=_data(session), config=config)


def _refusal(session: dict, tx: Transaction, order: Order, card: dict) -> tuple[str, bool]:
    """Why a paid session does not pay the order: (note, refund it?), or ("", False)."""
    if session.get("amount_total") != minor_units(tx.amount) or (
        (session.get("currency") or "").upper() != tx.currency
    ):
        paid = Decimal(session.get("amount_total") or 0) / 100
        return (
            _("The amount paid (%(paid)s) does not match the order's (%(due)s).")
            % {
                "paid": f"{(session.get('currency') or '').upper()} {paid:.2f}",
                "due": f"{tx.currency} {tx.amount}",
            },
            False,
        )
    if card.get("brand") == "amex":
        return (
            _("American Express cards are not accepted. Please pay with VISA or Mastercard."),
            True,
        )
    if card.get("brand") not in ACCEPTED_BRANDS:
        return _("Only VISA and Mastercard cards are accepted."), True
    if (card.get("three_d_secure") or {}).get("result") not in AUTHENTICATED:
        return _("The payment was not confirmed with your bank (3-D Secure)."), True
    if order.state != Order.State.PENDING:
        return _("The order could no longer be paid (%(state)s).") % {
            "state": order.get_state_display()
        }, True
    return "", False


def _session_apply(*, order: Order, session: dict, config: dict) -> tuple[Transaction, str]:
    intent = session.get("payment_intent") or {}
    intent = intent if isinstance(intent, dict) else {"id": intent}
    charge = intent.get("latest_charge") or {}
    charge = charge if isinstance(charge, dict) else {"id": charge}
    card = (charge.get("payment_method_details") or {}).get("card") or {}
    refund_needed = False
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        attempts = _attempts(order, session["id"])
        if not attempts:
            raise Transaction.DoesNotExist
        settled = next((a for a in attempts if "outcome" in a.provider_data), None)
        if settled is not None:  # already decided, by the webhook or the buyer's return
            return settled, _buyer_message(settled)
        current = attempts[-1]
        status = {"status": intent.get("status") or session.get("status")}
        if session.get("status") == "expired":
            if current.state in OPEN_STATES:
                _update(
                    current,
                    state=Transaction.State.CANCELLED,
                    provider_data={**current.provider_data, **status},
                )
            return current, ""
        if not (session.get("status") == "complete" and session.get("payment_status") == "paid"):
            return current, ""
        with translation.override(order.language):  # the buyer reads it too
            note, refund_needed = _refusal(session, current, order, card)
        data = {
            **current.provider_data,
            **status,
            "payment_intent": intent.get("id"),
            "charge": charge.get("id"),
            "three_d_secure": (card.get("three_d_secure") or {}).get("result"),
            "outcome": "refused" if note else "paid",
        }
        if refund_needed:
            data["refund"] = "pending"
        _update(
            current,
            state=Transaction.State.FAILED if note else Transaction.State.SUCCEEDED,
            reference=intent.get("id") or current.reference,
            card_brand=card.get("brand", "")[:20],
            card_last4=card.get("last4", "")[:4],
            bank_note=note[:300],
            provider_data=data,
        )
        if note:
            logger.warning("Stripe payment %s refused: %s", current.pk, note)
        else:
            order_paid(order=order, provider=IDENTIFIER, reference=intent.get("id", ""))
    if refund_needed:
        _refund_refused(current, config)
    return current, _buyer_message(current)


def _buyer_message(tx: Transaction) -> str:
    """What the buyer is told back from Stripe (the note is in their language)."""
    if tx.state == Transaction.State.SUCCEEDED:
        return ""
    if tx.provider_data.get("refund"):
        return _("%(reason)s Your payment was refunded.") % {"reason": tx.bank_note}
    return _("Your payment could not be confirmed. Please contact the organizer.")


def _refund_refused(tx: Transaction, config: dict) -> None:
    """Give back at once a payment we do not accept (outside the database transaction:
    no lock is held while Stripe answers)."""
    try:
        refund = client_for(config).v1.refunds.create(
            {
                "payment_intent": tx.provider_data["payment_intent"],
                "reason": "requested_by_customer",
            },
            {"idempotency_key": f"refuse-{tx.secret}"},
        )
        outcome = refund.id
    except stripe.StripeError as error:
        logger.error("Stripe refund of refused payment %s failed: %s", tx.pk, error)
        outcome = "failed"
    Transaction.objects.filter(pk=tx.pk).update(
        provider_data={**tx.provider_data, "refund": outcome}, updated_at=timezone.now()
    )
    tx.provider_data["refund"] = outcome


def session_cancel(*, tx: Transaction) -> Transaction:
    """The buyer came back without paying: close the session at Stripe, so it can no
    longer be paid, and the attempt with it. A session paid meanwhile is recorded."""
    config = shop_settings(tx.order.shop)
    session_id = tx.provider_data.get("session")
    try:
        client_for(config).v1.checkout.sessions.expire(session_id)
    except stripe.InvalidRequestError:
        pass  # no longer open: paid or expired, the sync below records which
    except stripe.StripeError as error:
        logger.warning("Stripe session %s not expired: %s", session_id, error)
        raise StripeUnreachable() from None
    return session_sync(tx=tx)[0]


def attempt_failed(*, shop, intent: dict, event_id: str = "") -> Transaction | None:
    """A card refused on Stripe's page: this attempt failed with the bank's note, and a new
    one opens for the next card the buyer tries on the same page."""
    first = (
        Transaction.objects.filter(
            secret=(intent.get("metadata") or {}).get("transaction", ""),
            provider=IDENTIFIER,
            order__shop=shop,
        )
        .select_related("order")
        .first()
    )
    if first is None:
        return None
    error = intent.get("last_payment_error") or {}
    card = (error.get("payment_method") or {}).get("card") or {}
    note = error.get("message") or _("The payment was refused.")
    if error.get("decline_code"):
        note = f"{note} ({error['decline_code']})"
    session_id = first.provider_data.get("session")
    with transaction.atomic():
        attempts = _attempts(first.order, session_id)
        current = attempts[-1]
        if (
            current.state not in OPEN_STATES
            or any("outcome" in a.provider_data for a in attempts)
            # the same event delivered twice at once: the first one recorded it
            or any(event_id and a.provider_data.get("event") == event_id for a in attempts)
        ):
            return None
        _update(
            current,
            state=Transaction.State.FAILED,
            bank_note=note[:300],
            card_brand=card.get("brand", "")[:20],
            card_last4=card.get("last4", "")[:4],
            reference=intent.get("id") or current.reference,
            provider_data={
                **current.provider_data,
                "status": intent.get("status"),
                "payment_intent": intent.get("id"),
                "charge": error.get("charge"),
                "error": error.get("code"),
                "event": event_id,
            },
        )
        Transaction.objects.create(
            order=first.order,
            provider=IDENTIFIER,
            amount=current.amount,
            currency=current.currency,
            reference=session_id,
            provider_data={
                "session": session_id,
                "url": first.provider_data.get("url"),
                "status": intent.get("status"),
            },
        )
    return current


# --- webhooks ------------------------------------------------------------------------------
SESSION_EVENTS = {
    "checkout.session.completed",
    "checkout.session.async_payment_succeeded",
    "checkout.session.expired",
}


def webhook_receive(*, shop, payload: bytes, signature: str) -> str:
    """A webhook for the shop's Stripe account: checked against its signing secret, each
    event handled once. Returns what was done; raises WebhookRejected (nothing changes) or
    StripeUnreachable (Stripe sends the event again later)."""
    secret = shop_settings(shop).get("webhook_secret")
    if not secret:
        raise WebhookRejected()
    try:
        event = stripe.Webhook.construct_event(payload, signature, secret)
    except (ValueError, stripe.SignatureVerificationError):
        raise WebhookRejected() from None
    event = _data(event)
    kind, obj = event.get("type", ""), (event.get("data") or {}).get("object") or {}
    if ProviderNotification.objects.filter(provider=IDENTIFIER, event_id=event["id"]).exists():
        return "duplicate"
    tx, outcome = None, "ignored"
    if kind in SESSION_EVENTS:
        tx = (
            Transaction.objects.select_related("order__shop")
            .filter(
                provider=IDENTIFIER,
                order__shop=shop,
                kind=Transaction.Kind.PAYMENT,
                provider_data__session=obj.get("id", ""),
            )
            .first()
        )
        if tx is not None:
            tx = session_sync(tx=tx)[0]  # Stripe's API, not the event's body, decides
            outcome = tx.state
    elif kind == "payment_intent.payment_failed":
        tx = attempt_failed(shop=shop, intent=obj, event_id=event["id"])
        outcome = "attempt_failed" if tx else "ignored"
    elif kind in {"refund.updated", "refund.failed"}:
        tx = refund_update(shop=shop, refund=obj)
        outcome = tx.state if tx else "ignored"
    try:
        ProviderNotification.objects.create(
            provider=IDENTIFIER,
            event_id=event["id"],
            shop=shop,
            order=tx.order if tx else None,
            outcome=outcome,
            payload={"type": kind, "object": obj.get("id")},
        )
    except IntegrityError:  # the same event, delivered twice at once
        return "duplicate"
    return outcome


# --- refunds -------------------------------------------------------------------------------
REFUND_STATES = {
    "succeeded": Transaction.State.SUCCEEDED,
    "pending": Transaction.State.CREATED,
    "requires_action": Transaction.State.CREATED,
    "failed": Transaction.State.FAILED,
    "canceled": Transaction.State.CANCELLED,
}


def refund_send(*, payment: Transaction, refund: Transaction, config: dict) -> None:
    """Send `refund.amount` back on the card of `payment` (all of it or part); the refund
    row gets Stripe's refund id and state (the caller saves it)."""
    intent = payment.provider_data.get("payment_intent") or payment.reference or ""
    if payment.state != Transaction.State.SUCCEEDED or not intent.startswith("pi_"):
        raise PaymentRefused(_("This payment cannot be refunded through Stripe."))
    try:
        result = client_for(config).v1.refunds.create(
            {
                "payment_intent": intent,
                "amount": minor_units(refund.amount),
                "metadata": {"refund": refund.secret, "order": payment.order.code},
            },
            {"idempotency_key": f"refund-{refund.secret}"},
        )
    except stripe.StripeError as error:
        message = error.user_message or str(error)
        refund.state = Transaction.State.FAILED
        refund.bank_note = message[:300]
        refund.updated_at = timezone.now()
        raise PaymentRefused(
            _("Stripe refused the refund: %(reason)s") % {"reason": message}
        ) from None
    refund.state = REFUND_STATES.get(result.status, Transaction.State.CREATED)
    refund.reference = result.id
    refund.provider_data = {"refund": result.id, "status": result.status, "payment_intent": intent}
    refund.updated_at = timezone.now()


def refund_update(*, shop, refund: dict) -> Transaction | None:
    """A refund Stripe finished later (pending → succeeded or failed)."""
    row = Transaction.objects.filter(
        provider=IDENTIFIER,
        kind=Transaction.Kind.REFUND,
        order__shop=shop,
        reference=refund.get("id", "-"),
    ).first()
    if row is None:
        return None
    _update(
        row,
        state=REFUND_STATES.get(refund.get("status"), row.state),
        provider_data={**row.provider_data, "status": refund.get("status")},
    )
    return row
