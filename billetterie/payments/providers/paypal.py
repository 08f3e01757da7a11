"""PayPal (PAY-3) on PayPal's REST Orders API v2, spoken over plain HTTP (no SDK).

The flow: `start` records our transaction and creates a PayPal order (intent CAPTURE, the
transaction's secret as custom_id, the shop's PayPal account as payee); the buyer approves
on PayPal and comes back to our return address, where we capture. PayPal also notifies us
by webhook (PAYMENT.CAPTURE.*); a webhook changes nothing before PayPal itself confirmed
its signature. Whichever of the return and the webhook arrives first settles the
transaction; the other finds it settled and changes nothing, and the same webhook event
twice is recognised by its id (ProviderNotification).

Money that arrives but not as expected — another amount, another currency, another
receiver — is never taken as payment: the order goes in opposition (PAY-9) and the
organizer's managers and the platform operator are emailed.

Every call to PayPal asks for a fresh OAuth2 token (client credentials) rather than
keeping one in a shared cache: one extra short request, and no bearer token at rest.
"""

import base64
import json
import logging
import urllib.error
import urllib.request
from decimal import Decimal, InvalidOperation
from urllib.parse import quote

from django import forms
from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from billetterie.core.exceptions import DomainError, InvalidInput
from billetterie.core.models import Shop
from billetterie.core.money import MAX_AMOUNT, format_money, quantize
from billetterie.orders.exceptions import OrderNotPayable
from billetterie.orders.models import Order
from billetterie.orders.services.checkout import order_paid
from billetterie.orders.services.order_admin import OrderActionRefused, order_opposition_by_provider
from billetterie.payments.exceptions import PaymentRefused
from billetterie.payments.models import ProviderNotification, Transaction
from billetterie.payments.registry import Provider, StartResult, register
from billetterie.payments.services import method_settings

logger = logging.getLogger(__name__)

IDENTIFIER = "paypal"
NAME = "PayPal"
TIMEOUT = 20  # seconds for any call to PayPal
_WEBHOOK_SALT = "billetterie.payments.paypal.webhook"
# the capture events we act on; other verified events are recorded and ignored
CAPTURE_EVENTS = {
    "PAYMENT.CAPTURE.COMPLETED",
    "PAYMENT.CAPTURE.PENDING",
    "PAYMENT.CAPTURE.DENIED",
    "PAYMENT.CAPTURE.DECLINED",
}
TRANSMISSION_HEADERS = {
    "auth_algo": "Paypal-Auth-Algo",
    "cert_url": "Paypal-Cert-Url",
    "transmission_id": "Paypal-Transmission-Id",
    "transmission_sig": "Paypal-Transmission-Sig",
    "transmission_time": "Paypal-Transmission-Time",
}


# --- errors ----------------------------------------------------------------------------------
class PayPalError(Exception):
    """PayPal answered with an error (`status` > 0) or could not be reached (`status` 0)."""

    def __init__(self, status: int, name: str = "", issue: str = "", detail: str = ""):
        self.status, self.name, self.issue, self.detail = status, name, issue, detail
        super().__init__(f"PayPal {status} {name} {issue} {detail}".strip())


class WebhookRefused(DomainError):
    code = "paypal_webhook_refused"
    default_message = gettext_lazy("This notification was not confirmed by PayPal.")


class PayPalUnreachable(DomainError):
    code = "paypal_unreachable"
    default_message = gettext_lazy("PayPal could not be reached. Try again in a few minutes.")
    http_status = 503


# --- the HTTP client -------------------------------------------------------------------------
class PayPalApi:
    def __init__(self, *, client_id: str, client_secret: str, base: str = ""):
        self.client_id = client_id
        self.client_secret = client_secret
        self.base = (base or settings.PAYPAL_API_BASE).rstrip("/")

    def _send(self, method: str, path: str, *, data: bytes | None, headers: dict) -> dict:
        url = self.base + path
        if not url.startswith(("https://", "http://")):  # never file: or other schemes
            raise PayPalError(0, detail="PAYPAL_API_BASE is not an http(s) address")
        request = urllib.request.Request(  # noqa: S310 (scheme checked above)
            url, data=data, method=method, headers={"Accept": "application/json"}
        )
        for name, value in headers.items():
            request.add_header(name, value)
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
                raw = response.read()
        except urllib.error.HTTPError as error:
            raise _error_of(error) from None
        except (OSError, ValueError) as error:  # refused, timed out, DNS, bad address
            raise PayPalError(0, detail=str(error)) from None
        try:
            return json.loads(raw) if raw.strip() else {}
        except ValueError:
            raise PayPalError(0, detail="not JSON") from None

    def token(self) -> str:
        basic = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
        answer = self._send(
            "POST",
            "/v1/oauth2/token",
            data=b"grant_type=client_credentials",
            headers={
                "Authorization": f"Basic {basic}",
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        if not answer.get("access_token"):
            raise PayPalError(0, detail="no access token")
        return answer["access_token"]

    def call(self, method: str, path: str, body=None, *, raw: bytes | None = None, headers=None):
        """An authenticated call with a JSON body (`body`, or `raw` bytes already JSON)."""
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        all_headers = {"Authorization": f"Bearer {self.token()}", **(headers or {})}
        if data is not None:
            all_headers["Content-Type"] = "application/json"
        return self._send(method, path, data=data, headers=all_headers)


def _error_of(error: urllib.error.HTTPError) -> PayPalError:
    try:
        body = json.loads(error.read() or b"{}")
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    details = body.get("details") or [{}]
    first = details[0] if isinstance(details, list) and isinstance(details[0], dict) else {}
    return PayPalError(
        error.code,
        name=str(body.get("name") or body.get("error") or ""),
        issue=str(first.get("issue") or ""),
        detail=str(first.get("description") or body.get("message") or "")[:200],
    )


def _api(config: dict) -> PayPalApi:
    return PayPalApi(client_id=config["client_id"], client_secret=config["client_secret"])


def configured(config: dict) -> bool:
    return all(config.get(key) for key in ("client_id", "client_secret", "receiver_email"))


# --- money as PayPal writes it -----------------------------------------------------------------
def _value(amount: Decimal) -> str:
    return f"{quantize(amount):.2f}"


def _amount_of(money) -> tuple[Decimal | None, str]:
    if not isinstance(money, dict):
        return None, ""
    try:
        value = Decimal(str(money.get("value", "")))
    except InvalidOperation:
        value = None
    if value is not None and not value.is_finite():
        value = None
    return value, str(money.get("currency_code") or "").upper()


# --- the shop's settings ---------------------------------------------------------------------
class PayPalSettingsForm(forms.Form):
    client_id = forms.CharField(
        label=gettext_lazy("PayPal client ID"),
        max_length=200,
        help_text=gettext_lazy("From your app in the PayPal developer dashboard."),
    )
    client_secret = forms.CharField(
        label=gettext_lazy("PayPal secret"),
        max_length=200,
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=gettext_lazy("Stored encrypted and never shown again; leave empty to keep it."),
    )
    receiver_email = forms.EmailField(
        label=gettext_lazy("PayPal account receiving the payments"),
        help_text=gettext_lazy(
            "The email of the PayPal account the money goes to. A payment to any other "
            "account puts the order in opposition."
        ),
    )
    webhook_id = forms.CharField(
        label=gettext_lazy("Webhook ID"),
        max_length=64,
        required=False,
        help_text=gettext_lazy(
            "The ID PayPal gives the webhook you create for this shop's PayPal notification "
            "address (events PAYMENT.CAPTURE.*). Without it, notifications are refused."
        ),
    )


# --- the provider ------------------------------------------------------------------------------
@register
class PayPalProvider(Provider):
    identifier = IDENTIFIER
    name = NAME
    description = gettext_lazy("Pay with your PayPal account or a card through PayPal.")
    settings_form = PayPalSettingsForm
    secret_fields = ("client_secret",)
    supports_refund = True

    def is_available(self, order) -> bool:
        return order.total > 0 and configured(
            method_settings(shop=order.shop, provider_id=IDENTIFIER)
        )

    def start(self, order) -> StartResult:
        config = method_settings(shop=order.shop, provider_id=IDENTIFIER)
        if not configured(config):
            raise PaymentRefused(_("PayPal is not set up for this shop."))
        tx = Transaction.objects.create(
            order=order, provider=IDENTIFIER, amount=order.total, currency=order.currency
        )
        try:
            created = _api(config).call(
                "POST",
                "/v2/checkout/orders",
                _order_body(order, tx, config["receiver_email"]),
                headers={
                    "PayPal-Request-Id": f"create-{tx.secret}",
                    "Prefer": "return=representation",
                },
            )
        except PayPalError as error:
            logger.warning("PayPal order not created for transaction %s: %s", tx.pk, error)
            _close(tx, Transaction.State.FAILED, _("PayPal refused to create the payment."))
            raise PaymentRefused(
                _(
                    "PayPal cannot take this payment right now. Try again in a few minutes "
                    "or choose another payment method."
                )
            ) from None
        links = {link.get("rel"): link.get("href") for link in created.get("links") or []}
        approve = links.get("payer-action") or links.get("approve") or ""
        unit = (created.get("purchase_units") or [{}])[0]
        Transaction.objects.filter(pk=tx.pk).update(
            reference=str(created.get("id", ""))[:120],
            provider_data={
                "order_id": created.get("id", ""),
                "status": created.get("status", ""),
                "approve_url": approve,
                "payee": config["receiver_email"],
                "merchant_id": (unit.get("payee") or {}).get("merchant_id", ""),
            },
            updated_at=timezone.now(),
        )
        if not created.get("id") or not approve.startswith(("https://", "http://")):
            _close(tx, Transaction.State.FAILED, _("PayPal sent no approval link."))
            raise PaymentRefused(_("PayPal cannot take this payment right now."))
        return StartResult(redirect_url=reverse("payments:paypal_go", args=[tx.secret]))

    def refund(self, *, payment, refund, settings: dict) -> None:
        """Money back through PayPal, all of the capture or part of it (PAY-10)."""
        capture_id = payment.provider_data.get("capture_id") or ""
        if not capture_id or not configured(settings):
            raise PaymentRefused(_("This PayPal payment cannot be refunded through PayPal."))
        body = {
            "amount": {"value": _value(refund.amount), "currency_code": refund.currency},
            "custom_id": refund.secret,
        }
        with translation.override(payment.order.language):
            body["note_to_payer"] = _("Refund for order %(code)s") % {"code": payment.order.code}
        try:
            answer = _api(settings).call(
                "POST",
                f"/v2/payments/captures/{quote(capture_id, safe='')}/refund",
                body,
                headers={
                    "PayPal-Request-Id": f"refund-{refund.secret}",
                    "Prefer": "return=representation",
                },
            )
        except PayPalError as error:
            if error.status == 0 or error.status >= 500:
                # maybe done, maybe not: the same request again is safe (PayPal-Request-Id)
                raise PaymentRefused(
                    _("PayPal did not answer. Try again: PayPal never pays a refund twice.")
                ) from None
            refund.state = Transaction.State.FAILED
            refund.bank_note = f"PayPal: {error.issue or error.name or error.status}"[:300]
            refund.provider_data = {"error": error.issue or error.name, "status": error.status}
            if error.issue == "REFUND_AMOUNT_EXCEEDED":
                raise PaymentRefused(
                    _("PayPal refused: this is more than what is left to refund.")
                ) from None
            raise PaymentRefused(_("PayPal refused the refund.")) from None
        status = str(answer.get("status", ""))
        refund.reference = str(answer.get("id", ""))[:120]
        refund.provider_data = {"refund_id": answer.get("id", ""), "status": status}
        refund.state = {
            "COMPLETED": Transaction.State.SUCCEEDED,
            "PENDING": Transaction.State.CREATED,
        }.get(status, Transaction.State.FAILED)
        if refund.state == Transaction.State.FAILED:
            refund.bank_note = f"PayPal: {status}"[:300]


def _order_body(order: Order, tx: Transaction, receiver: str) -> dict:
    base = settings.BASE_URL
    return {
        "intent": "CAPTURE",
        "purchase_units": [
            {
                "reference_id": order.code[:256],
                "description": f"{order.shop.name} — {order.code}"[:127],
                "custom_id": tx.secret,
                "amount": {"currency_code": tx.currency, "value": _value(tx.amount)},
                "payee": {"email_address": receiver},
            }
        ],
        "payment_source": {
            "paypal": {
                "experience_context": {
                    "brand_name": order.shop.name[:127],
                    "shipping_preference": "NO_SHIPPING",
                    "user_action": "PAY_NOW",
                    "return_url": base + reverse("payments:paypal_return", args=[tx.secret]),
                    "cancel_url": base + reverse("payments:paypal_cancel", args=[tx.secret]),
                }
            }
        },
    }


def _close(tx: Transaction, state: str, note: str = "") -> None:
    Transaction.objects.filter(pk=tx.pk, state=Transaction.State.CREATED).update(
        state=state, bank_note=str(note)[:300], updated_at=timezone.now()
    )


# --- the buyer comes back -----------------------------------------------------------------------
def payment_cancel(*, tx: Transaction) -> None:
    """The buyer left PayPal without paying: this attempt is over, the order still waits."""
    _close(tx, Transaction.State.CANCELLED, _("The buyer cancelled on PayPal."))


def payment_return(*, tx: Transaction, paypal_order_id: str) -> str:
    """Capture the approved PayPal order, then settle our transaction. Returns the outcome
    (see `_settle`); a refusal the buyer should read is raised as PaymentRefused."""
    if tx.state != Transaction.State.CREATED:
        return "already_settled"
    if not paypal_order_id or paypal_order_id != tx.provider_data.get("order_id"):
        raise PaymentRefused(_("This PayPal payment does not belong to this order."))
    order = Order.objects.get(pk=tx.order_id)
    if order.state != Order.State.PENDING:
        # nothing is captured for an order that cannot be paid any more
        _close(tx, Transaction.State.CANCELLED, _("The order was closed before the capture."))
        raise PaymentRefused(
            _("This order is no longer waiting for payment: PayPal charged you nothing.")
        )
    config = method_settings(shop=order.shop, provider_id=IDENTIFIER)
    if not configured(config):
        raise PaymentRefused(_("PayPal is not set up for this shop."))
    api = _api(config)
    path = f"/v2/checkout/orders/{quote(paypal_order_id, safe='')}"
    try:
        answer = api.call(
            "POST",
            f"{path}/capture",
            {},
            headers={
                "PayPal-Request-Id": f"capture-{tx.secret}",
                "Prefer": "return=representation",
            },
        )
    except PayPalError as error:
        if error.issue == "ORDER_ALREADY_CAPTURED":
            try:
                answer = api.call("GET", path)
            except PayPalError:
                raise _no_answer() from None
        elif error.issue in ("INSTRUMENT_DECLINED", "PAYER_ACTION_REQUIRED"):
            raise PaymentRefused(
                _("PayPal declined this way of paying. Please try again with another one."),
                retry_url=tx.provider_data.get("approve_url", ""),
            ) from None
        elif error.status == 0 or error.status >= 500:
            raise _no_answer() from None
        else:
            logger.warning("PayPal capture refused for transaction %s: %s", tx.pk, error)
            _close(tx, Transaction.State.FAILED, f"PayPal: {error.issue or error.name}")
            raise PaymentRefused(_("PayPal refused the payment.")) from None
    capture, payee = _capture_in(answer)
    if capture is None:
        raise _no_answer()
    if str(capture.get("custom_id") or tx.secret) != tx.secret:
        raise PaymentRefused(_("This PayPal payment does not belong to this order."))
    return _settle(tx_pk=tx.pk, capture=capture, payee=payee)


def _no_answer() -> PaymentRefused:
    return PaymentRefused(
        _(
            "PayPal did not confirm the payment yet. If you were charged, the order is "
            "marked paid as soon as PayPal confirms it; otherwise try again."
        )
    )


def _capture_in(paypal_order: dict) -> tuple[dict | None, dict]:
    """The capture of a captured PayPal order, and the payee of its purchase unit."""
    units = paypal_order.get("purchase_units") or []
    unit = units[0] if units and isinstance(units[0], dict) else {}
    captures = (unit.get("payments") or {}).get("captures") or []
    if not captures or not isinstance(captures[0], dict):
        return None, {}
    return captures[0], unit.get("payee") or {}


# --- settling a transaction (return and webhook alike) ------------------------------------
def _mismatches(tx: Transaction, capture: dict, payee: dict) -> tuple[list, bool]:
    """What differs between the money PayPal reports and what the transaction expects, and
    whether the money reached the shop's own account."""
    amount, currency = _amount_of(capture.get("amount"))
    problems = []
    if currency != tx.currency:
        problems.append(
            format_lazy(
                gettext_lazy("PayPal reported the currency {received} instead of {expected}."),
                received=currency or "?",
                expected=tx.currency,
            )
        )
    elif amount is None or quantize(amount) != tx.amount:
        problems.append(
            format_lazy(
                gettext_lazy("PayPal reported {received} instead of {expected}."),
                received=format_money(amount, currency) if amount is not None else "?",
                expected=format_money(tx.amount, tx.currency),
            )
        )
    email = str(payee.get("email_address") or "").strip().lower()
    merchant = str(payee.get("merchant_id") or "")
    expected_email = str(tx.provider_data.get("payee", "")).strip().lower()
    expected_merchant = tx.provider_data.get("merchant_id", "")
    if email:
        payee_ok = email == expected_email
    else:  # PayPal sometimes names the receiver by its merchant id only
        payee_ok = bool(merchant) and merchant == expected_merchant
    if not payee_ok:
        problems.append(
            format_lazy(
                gettext_lazy("PayPal paid the money to {received} instead of {expected}."),
                received=email or merchant or "?",
                expected=expected_email,
            )
        )
    return problems, payee_ok


@transaction.atomic
def _settle(*, tx_pk: int, capture: dict, payee: dict | None = None) -> str:
    """Apply what PayPal says about the capture of this transaction. Outcomes: `paid`,
    `already_settled`, `pending`, `declined`, `opposition`, `paid_late` (money for an order
    that was closed meanwhile), `ignored`."""
    tx = (
        Transaction.objects.select_for_update(of=("self",))
        .select_related("order__shop__organizer")
        .get(pk=tx_pk)
    )
    status = str(capture.get("status") or "")
    capture_id = str(capture.get("id") or "")[:120]
    data = {**tx.provider_data, "capture_id": capture_id, "capture_status": status}
    payee = capture.get("payee") or payee or {}
    if not isinstance(payee, dict):
        payee = {}
    if tx.state == Transaction.State.SUCCEEDED:
        # paid already; PayPal's later word about the same capture must still agree
        if (
            status == "COMPLETED"
            and capture_id == tx.provider_data.get("capture_id")
            and tx.order.state != Order.State.OPPOSITION
        ):
            problems, _here = _mismatches(tx, capture, payee)
            if problems:
                return _dispute(tx, capture, payee, problems, settled=True)
        return "already_settled"
    if tx.state == Transaction.State.FAILED and tx.provider_data.get("capture_status"):
        return "already_settled"
    now = timezone.now()
    if status == "PENDING":
        Transaction.objects.filter(pk=tx.pk).update(provider_data=data, updated_at=now)
        return "pending"
    if status in ("DECLINED", "FAILED"):
        Transaction.objects.filter(pk=tx.pk).update(
            state=Transaction.State.FAILED,
            provider_data=data,
            bank_note=_("PayPal declined the payment."),
            updated_at=now,
        )
        return "declined"
    if status != "COMPLETED":
        return "ignored"
    problems, received_here = _mismatches(tx, capture, payee)
    if problems:
        return _dispute(tx, capture, payee, problems, received_here=received_here)
    Transaction.objects.filter(pk=tx.pk).update(
        state=Transaction.State.SUCCEEDED, reference=capture_id, provider_data=data, updated_at=now
    )
    try:
        order_paid(order=tx.order, provider=IDENTIFIER, reference=capture_id)
    except OrderNotPayable:
        Transaction.objects.filter(pk=tx.pk).update(
            bank_note=_("Paid after the order was closed: refund the buyer.")
        )
        return "paid_late"
    return "paid"


def _dispute(
    tx: Transaction,
    capture: dict,
    payee: dict,
    problems: list,
    *,
    received_here: bool = False,
    settled: bool = False,
) -> str:
    """Money arrived, not as expected: the order goes in opposition and the transaction
    records what PayPal reports. Money paid to another account never counts as received;
    a transaction already settled keeps its amount and gets PayPal's report next to it."""
    amount, currency = _amount_of(capture.get("amount"))
    reason = format_lazy("{} " * len(problems), *problems)
    capture_id = str(capture.get("id") or "")[:120]
    report = {
        "received": capture.get("amount") or {},
        "received_payee": payee,
        "capture_status": str(capture.get("status") or ""),
    }
    fields = {"bank_note": str(reason).strip()[:300], "updated_at": timezone.now()}
    if settled:
        fields["provider_data"] = {**tx.provider_data, "disputed": report}
    else:
        fields["provider_data"] = {
            **tx.provider_data,
            **report,
            "capture_id": capture_id,
            "expected": {"value": _value(tx.amount), "currency_code": tx.currency},
        }
        fits = amount is not None and 0 < amount <= MAX_AMOUNT and len(currency) == 3
        if received_here and fits:
            fields.update(
                state=Transaction.State.SUCCEEDED,
                amount=quantize(amount),
                currency=currency,
                reference=capture_id,
            )
        else:
            fields["state"] = Transaction.State.FAILED
    Transaction.objects.filter(pk=tx.pk).update(**fields)
    try:
        order_opposition_by_provider(
            order=tx.order, provider=IDENTIFIER, provider_name=NAME, reason=reason
        )
    except OrderActionRefused:
        logger.warning("PayPal mismatch on closed order %s: %s", tx.order_id, reason)
    return "opposition"


# --- webhooks -----------------------------------------------------------------------------------
def webhook_key(shop: Shop) -> str:
    """The part of the shop's webhook address that names it: signed, so nobody can make us
    ask PayPal about shops by guessing numbers."""
    return signing.Signer(salt=_WEBHOOK_SALT).sign(str(shop.pk))


def webhook_url(shop: Shop) -> str:
    """The address to give PayPal as this shop's webhook."""
    return settings.BASE_URL + reverse("payments:paypal_webhook", args=[webhook_key(shop)])


def webhook_shop(key: str) -> Shop | None:
    try:
        shop_id = signing.Signer(salt=_WEBHOOK_SALT).unsign(key)
    except signing.BadSignature:
        return None
    return Shop.objects.select_related("organizer").filter(pk=int(shop_id)).first()


def _event_of(body: bytes) -> dict:
    try:
        event = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise InvalidInput(_("This notification is not valid JSON.")) from None
    if (
        not isinstance(event, dict)
        or not isinstance(event.get("id"), str)
        or not isinstance(event.get("event_type"), str)
        or not isinstance(event.get("resource"), dict)
    ):
        raise InvalidInput(_("This is not a PayPal notification."))
    return event


def webhook_verify(*, config: dict, headers, body: bytes) -> None:
    """Ask PayPal whether it sent this notification to this shop's webhook; raise
    WebhookRefused unless it says SUCCESS. The event goes back byte for byte as received:
    PayPal checks its signature over the original text."""
    if not configured(config) or not config.get("webhook_id"):
        raise WebhookRefused(_("PayPal notifications are not set up for this shop."))
    fields = {key: headers.get(name, "") for key, name in TRANSMISSION_HEADERS.items()}
    if not all(fields.values()):
        raise WebhookRefused()
    fields["webhook_id"] = config["webhook_id"]
    head = ", ".join(f"{json.dumps(key)}: {json.dumps(value)}" for key, value in fields.items())
    raw = ("{" + head + ', "webhook_event": ').encode() + body + b"}"
    try:
        answer = _api(config).call("POST", "/v1/notifications/verify-webhook-signature", raw=raw)
    except PayPalError as error:
        if error.status == 0 or error.status >= 500:
            raise PayPalUnreachable() from None
        raise WebhookRefused() from None
    if answer.get("verification_status") != "SUCCESS":
        raise WebhookRefused()


def webhook_receive(*, shop: Shop, headers, body: bytes) -> str:
    """A PayPal webhook for this shop: verified with PayPal first (raises WebhookRefused,
    PayPalUnreachable or InvalidInput and changes nothing), then applied once per event id.
    Returns the outcome (`duplicate`, `unknown`, `ignored` or one of `_settle`'s)."""
    event = _event_of(body)
    config = method_settings(shop=shop, provider_id=IDENTIFIER)
    webhook_verify(config=config, headers=headers, body=body)
    event_id = event["id"][:200]
    try:
        with transaction.atomic():
            if ProviderNotification.objects.filter(provider=IDENTIFIER, event_id=event_id).exists():
                return "duplicate"
            note = ProviderNotification.objects.create(
                provider=IDENTIFIER, event_id=event_id, shop=shop, payload=event
            )
            note.outcome, note.order_id = _event_apply(shop, event)
            note.save(update_fields=["outcome", "order"])
    except IntegrityError:  # the same event, handled at the same moment by another worker
        return "duplicate"
    return note.outcome


def _event_apply(shop: Shop, event: dict) -> tuple[str, int | None]:
    if event["event_type"] not in CAPTURE_EVENTS:
        return "ignored", None
    capture = event["resource"]
    tx = (
        Transaction.objects.filter(
            provider=IDENTIFIER,
            kind=Transaction.Kind.PAYMENT,
            secret=str(capture.get("custom_id") or ""),
            order__shop=shop,
        )
        .only("pk", "order_id")
        .first()
    )
    if tx is None:
        return "unknown", None
    return _settle(tx_pk=tx.pk, capture=capture), tx.order_id
