"""A local stand-in for Stripe that speaks its HTTP protocol, for tests (PAY-2, PAY-10).

A threaded HTTP server on 127.0.0.1 (random port) with:

- the API calls the provider makes, as Stripe answers them: form-encoded POST bodies
  (`a[b][0]=c`), `expand[]` on GET, Bearer authentication, idempotency keys, JSON objects
  shaped like Stripe's (`checkout.session`, `payment_intent`, `charge`, `refund`, `event`)
  and its errors (`invalid_request_error`, `card_error` with `card_declined`, ...);
- a hosted checkout page of its own, where a browser (or `pay()` over plain HTTP) enters a
  card and passes a 3-D Secure challenge, with Stripe's test cards;
- webhooks signed like Stripe's (`Stripe-Signature: t=...,v1=HMAC-SHA256(secret,
  "t.payload")`), posted to `webhook_url` when set, else kept in `outbox` for the test to
  deliver through Django's test client.

Only what the provider uses is implemented; anything else answers 404 like Stripe.
"""

import hashlib
import hmac
import html
import itertools
import json
import re
import secrets
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

SECRET_KEY = "sk_test_fake_51Billetterie"
PUBLISHABLE_KEY = "pk_test_fake_51Billetterie"
WEBHOOK_SECRET = "whsec_fake_billetterie"

# Stripe's test cards (the ones the tests use), with how the bank answers them.
CARDS = {
    "4242424242424242": ("visa", None),
    "5555555555554444": ("mastercard", None),
    "378282246310005": ("amex", None),
    "4000000000000002": ("visa", ("card_declined", "generic_decline", "Your card was declined.")),
    "4000000000009995": (
        "visa",
        ("card_declined", "insufficient_funds", "Your card has insufficient funds."),
    ),
    "4000000000000069": ("visa", ("expired_card", "expired_card", "Your card has expired.")),
}
BRAND_NAMES = {"american_express": "amex", "mastercard": "mastercard", "visa": "visa"}
AUTHENTICATION_FAILED = (
    "The provided PaymentMethod has failed authentication. You can provide "
    "payment_method_data or a new PaymentMethod to attempt to fulfill this PaymentIntent again."
)


class StripeError(Exception):
    def __init__(self, status: int, type_: str, message: str, **extra):
        super().__init__(message)
        self.status = status
        self.body = {"error": {"type": type_, "message": message, **extra}}


def decode_form(pairs) -> dict:
    """Stripe's form encoding back to nested data: `a[b][0][c]=d` -> {"a": {"b": [{"c": "d"}]}}."""
    root: dict = {}
    for key, value in pairs:
        name, _sep, rest = key.partition("[")
        parts = [name, *re.findall(r"\[([^\]]*)\]", "[" + rest)] if rest else [name]
        node = root
        for index, part in enumerate(parts):
            part = part or str(len(node))
            if index == len(parts) - 1:
                node[part] = value
            else:
                node = node.setdefault(part, {})
    return _listify(root)


def _listify(node):
    if not isinstance(node, dict):
        return node
    if node and all(key.isdigit() for key in node):
        return [_listify(node[key]) for key in sorted(node, key=int)]
    return {key: _listify(value) for key, value in node.items()}


def sign(payload: str, secret: str, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def luhn_ok(number: str) -> bool:
    total = 0
    for index, digit in enumerate(reversed(number)):
        value = int(digit) * (2 if index % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


@dataclass
class Delivery:
    payload: str
    signature: str
    event: dict
    status: int | None = None


@dataclass
class FakeStripe:
    secret_key: str = SECRET_KEY
    webhook_secret: str = WEBHOOK_SECRET
    webhook_url: str = ""
    # Stripe honours payment_method_options.card.restrictions.brands_blocked on its page;
    # switched off, a blocked brand gets through, to test the provider's own brand check.
    enforce_brand_restrictions: bool = True
    requests: list = field(default_factory=list)  # (method, path, params) the API received
    outbox: list[Delivery] = field(default_factory=list)
    delivered: list[Delivery] = field(default_factory=list)
    objects: dict = field(default_factory=dict)
    url: str = ""

    def __post_init__(self):
        self._lock = threading.RLock()
        self._ids = itertools.count(1)
        self._idempotent: dict = {}
        self._errors: dict[str, str] = {}  # session id -> message shown on its page
        self._pending: list[Delivery] = []

    # --- server ------------------------------------------------------------------------------
    def start(self) -> "FakeStripe":
        fake = self

        class Handler(_Handler):
            stripe = fake

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def new_id(self, prefix: str) -> str:
        return f"{prefix}_test_{next(self._ids):04d}{secrets.token_hex(6)}"

    def calls(self, method: str, path_prefix: str) -> list[dict]:
        return [p for m, path, p in self.requests if m == method and path.startswith(path_prefix)]

    # --- API ---------------------------------------------------------------------------------
    def api(self, method: str, path: str, params: dict, headers) -> dict:
        auth = headers.get("Authorization", "")
        if auth != f"Bearer {self.secret_key}":
            given = auth.removeprefix("Bearer ")
            raise StripeError(
                401, "invalid_request_error", f"Invalid API Key provided: {given[:8]}****"
            )
        with self._lock:
            self.requests.append((method, path, params))
            key = headers.get("Idempotency-Key")
            if method == "POST" and key and (path, key) in self._idempotent:
                return self._idempotent[(path, key)]
            result = self._route(method, path, params)
            if method == "POST" and key:
                self._idempotent[(path, key)] = result
        self.flush()
        return result

    def _route(self, method: str, path: str, params: dict) -> dict:
        expand = params.get("expand") or []
        routes = [
            ("POST", r"/v1/checkout/sessions", self._session_create),
            ("GET", r"/v1/checkout/sessions/(cs_\w+)", self._get),
            ("POST", r"/v1/checkout/sessions/(cs_\w+)/expire", self._session_expire),
            ("GET", r"/v1/payment_intents/(pi_\w+)", self._get),
            ("GET", r"/v1/charges/(ch_\w+)", self._get),
            ("POST", r"/v1/refunds", self._refund_create),
            ("GET", r"/v1/refunds/(re_\w+)", self._get),
        ]
        for verb, pattern, handler in routes:
            match = re.fullmatch(pattern, path)
            if verb == method and match:
                result = handler(params, *match.groups())
                return self.expanded(result, expand)
        raise StripeError(404, "invalid_request_error", f"Unrecognized request URL ({path}).")

    def _get(self, params, object_id):
        if object_id not in self.objects:
            kind = {"cs": "checkout.session", "pi": "payment_intent", "ch": "charge"}.get(
                object_id[:2], "refund"
            )
            raise StripeError(
                404,
                "invalid_request_error",
                f"No such {kind}: '{object_id}'",
                code="resource_missing",
                param="id",
            )
        return self.objects[object_id]

    def expanded(self, obj: dict, paths) -> dict:
        obj = json.loads(json.dumps(obj))
        for path in paths:
            node = obj
            for name in path.split("."):
                value = node.get(name) if isinstance(node, dict) else None
                if isinstance(value, str) and value in self.objects:
                    node[name] = json.loads(json.dumps(self.objects[value]))
                    value = node[name]
                node = value
        return obj

    def _session_create(self, params, *_groups):
        for required in ("success_url", "line_items"):
            if required not in params:
                raise StripeError(
                    400,
                    "invalid_request_error",
                    f"Missing required param: {required}.",
                    code="parameter_missing",
                    param=required,
                )
        items = params["line_items"]
        amount = sum(
            int(item["price_data"]["unit_amount"]) * int(item.get("quantity", 1)) for item in items
        )
        currency = items[0]["price_data"]["currency"].lower()
        session_id = self.new_id("cs")
        session = {
            "id": session_id,
            "object": "checkout.session",
            "amount_total": amount,
            "currency": currency,
            "mode": params.get("mode", "payment"),
            "status": "open",
            "payment_status": "unpaid",
            "payment_intent": None,
            "client_reference_id": params.get("client_reference_id"),
            "customer_email": params.get("customer_email"),
            "locale": params.get("locale"),
            "metadata": params.get("metadata", {}),
            "payment_method_types": params.get("payment_method_types", ["card"]),
            "payment_method_options": params.get("payment_method_options", {}),
            "success_url": params["success_url"],
            "cancel_url": params.get("cancel_url"),
            "url": f"{self.url}/pay/{session_id}",
            "livemode": False,
            "created": int(time.time()),
            "_intent_data": params.get("payment_intent_data", {}),
        }
        self.objects[session_id] = session
        return session

    def _session_expire(self, params, session_id):
        session = self._get(params, session_id)
        if session["status"] != "open":
            raise StripeError(
                400,
                "invalid_request_error",
                f'Only Checkout Sessions with a status in ["open"] can be expired. '
                f'This Checkout Session has a status of "{session["status"]}".',
            )
        session["status"] = "expired"
        self.send_event("checkout.session.expired", session)
        return session

    def _refund_create(self, params, *_groups):
        intent = self._get(params, params.get("payment_intent", "pi_missing"))
        charge = self.objects.get(intent.get("latest_charge") or "")
        if intent["status"] != "succeeded" or charge is None:
            raise StripeError(
                400,
                "invalid_request_error",
                "This PaymentIntent does not have a successful charge to refund.",
                code="charge_not_refundable",
            )
        left = charge["amount"] - charge["amount_refunded"]
        amount = int(params.get("amount", left))
        if amount <= 0 or amount > left:
            raise StripeError(
                400,
                "invalid_request_error",
                f"Refund amount ({amount / 100:.2f}) is greater than unrefunded amount on "
                f"charge ({left / 100:.2f})",
                code="amount_too_large",
                param="amount",
            )
        refund = {
            "id": self.new_id("re"),
            "object": "refund",
            "amount": amount,
            "currency": charge["currency"],
            "charge": charge["id"],
            "payment_intent": intent["id"],
            "status": "succeeded",
            "reason": params.get("reason"),
            "metadata": params.get("metadata", {}),
            "created": int(time.time()),
        }
        self.objects[refund["id"]] = refund
        charge["amount_refunded"] += amount
        charge["refunded"] = charge["amount_refunded"] == charge["amount"]
        return refund

    # --- the hosted page -------------------------------------------------------------------
    def session(self, session_id: str) -> dict | None:
        return self.objects.get(session_id)

    def _intent(self, session: dict) -> dict:
        if session["payment_intent"] is None:
            intent_id = self.new_id("pi")
            data = session["_intent_data"]
            self.objects[intent_id] = {
                "id": intent_id,
                "object": "payment_intent",
                "amount": session["amount_total"],
                "currency": session["currency"],
                "status": "requires_payment_method",
                "metadata": data.get("metadata", {}),
                "description": data.get("description"),
                "latest_charge": None,
                "last_payment_error": None,
                "payment_method_options": session["payment_method_options"],
                "livemode": False,
                "created": int(time.time()),
            }
            session["payment_intent"] = intent_id
        return self.objects[session["payment_intent"]]

    def card_submit(self, session_id: str, number: str, expiry: str, cvc: str) -> str:
        """The buyer's card on the page; returns where the page goes next ("3ds" or "")."""
        with self._lock:
            session = self.objects[session_id]
            digits = "".join(ch for ch in number if ch.isdigit())
            if not (13 <= len(digits) <= 19 and luhn_ok(digits)):
                self._errors[session_id] = "Your card number is invalid."
                return ""
            if not re.fullmatch(r"\d\d ?/ ?\d\d", expiry.strip()) or not cvc.isdigit():
                self._errors[session_id] = "Your card's expiration date or CVC is incomplete."
                return ""
            brand, decline = CARDS.get(digits, ("visa" if digits[0] == "4" else "other", None))
            blocked = session["payment_method_options"].get("card", {}).get("restrictions", {})
            blocked = {BRAND_NAMES.get(b, b) for b in blocked.get("brands_blocked", [])}
            if self.enforce_brand_restrictions and brand in blocked:
                self._errors[session_id] = "Your card is not supported. Try a different card."
                return ""
            intent = self._intent(session)
            card = {
                "brand": brand,
                "last4": digits[-4:],
                "exp_month": int(expiry.split("/")[0]),
                "exp_year": 2000 + int(expiry.split("/")[1]),
                "country": "CH",
                "funding": "credit",
            }
            method = {
                "id": self.new_id("pm"),
                "object": "payment_method",
                "type": "card",
                "card": card,
            }
            intent["_payment_method"] = method
            if decline:
                code, decline_code, message = decline
                charge = self._charge(intent, card, failed=(code, decline_code, message))
                self._fail(
                    intent, session, "card_error", code, message, method, charge, decline_code
                )
                return ""
            intent["status"] = "requires_action"
            return "3ds"

    def challenge_answer(self, session_id: str, approve: bool) -> str:
        """The 3-D Secure step; returns the URL the page redirects to ("" = back to the card)."""
        with self._lock:
            session = self.objects[session_id]
            intent = self._intent(session)
            method = intent.pop("_payment_method")
            if not approve:
                self._fail(
                    intent,
                    session,
                    "invalid_request_error",
                    "payment_intent_authentication_failure",
                    AUTHENTICATION_FAILED,
                    method,
                    None,
                )
                return ""
            card = {
                **method["card"],
                "three_d_secure": {"result": "authenticated", "version": "2.2.0"},
            }
            charge = self._charge(intent, card)
            intent.update(
                status="succeeded",
                latest_charge=charge["id"],
                last_payment_error=None,
                payment_method=method["id"],
            )
            session.update(status="complete", payment_status="paid")
            self.send_event("payment_intent.succeeded", intent)
            self.send_event("checkout.session.completed", session)
            return session["success_url"].replace("{CHECKOUT_SESSION_ID}", session_id)

    def _charge(self, intent, card, failed=None) -> dict:
        charge = {
            "id": self.new_id("ch"),
            "object": "charge",
            "amount": intent["amount"],
            "amount_refunded": 0,
            "refunded": False,
            "currency": intent["currency"],
            "payment_intent": intent["id"],
            "status": "failed" if failed else "succeeded",
            "paid": not failed,
            "failure_code": failed[0] if failed else None,
            "failure_message": failed[2] if failed else None,
            "outcome": {
                "type": "issuer_declined" if failed else "authorized",
                "reason": failed[1] if failed else None,
                "seller_message": "The bank did not return any further details with this decline."
                if failed
                else "Payment complete.",
            },
            "payment_method_details": {"type": "card", "card": card},
            "created": int(time.time()),
        }
        self.objects[charge["id"]] = charge
        return charge

    def _fail(self, intent, session, type_, code, message, method, charge, decline_code=None):
        error = {
            "type": type_,
            "code": code,
            "message": message,
            "payment_method": method,
            "charge": charge["id"] if charge else None,
        }
        if decline_code:
            error["decline_code"] = decline_code
        intent.update(
            status="requires_payment_method",
            last_payment_error=error,
            latest_charge=charge["id"] if charge else intent["latest_charge"],
        )
        self._errors[session["id"]] = message
        self.send_event("payment_intent.payment_failed", intent)

    def page_error(self, session_id: str) -> str:
        return self._errors.pop(session_id, "")

    # --- webhooks --------------------------------------------------------------------------
    def send_event(self, kind: str, obj: dict) -> Delivery:
        public = {k: v for k, v in obj.items() if not k.startswith("_")}
        event = {
            "id": self.new_id("evt"),
            "object": "event",
            "api_version": "2026-10-28.endive",
            "created": int(time.time()),
            "type": kind,
            "livemode": False,
            "pending_webhooks": 1,
            "data": {"object": json.loads(json.dumps(public))},
        }
        payload = json.dumps(event)
        delivery = Delivery(payload, sign(payload, self.webhook_secret), event)
        # posted once the fake's lock is released (our endpoint calls the API back)
        (self._pending if self.webhook_url else self.outbox).append(delivery)
        return delivery

    def flush(self) -> None:
        """Post the webhooks waiting, as Stripe does right after the event."""
        while True:
            try:
                delivery = self._pending.pop(0)
            except IndexError:  # another thread posted the last one
                return
            self.deliver(delivery)

    def deliver(self, delivery: Delivery) -> int:
        request = urllib.request.Request(  # noqa: S310 - our own test server's address
            self.webhook_url,
            data=delivery.payload.encode(),
            method="POST",
            headers={"Content-Type": "application/json", "Stripe-Signature": delivery.signature},
        )
        try:
            with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310
                delivery.status = response.status
        except urllib.error.HTTPError as error:
            delivery.status = error.code
        self.delivered.append(delivery)
        return delivery.status

    # --- a buyer without a browser -------------------------------------------------------------
    def pay(self, session_url: str, number="4242424242424242", approve=True) -> str:
        """Fill the hosted page over HTTP like a browser would; returns the redirect target
        (our success URL), or the page's error message when the card was refused."""
        card = {"number": number, "expiry": "12/34", "cvc": "123"}
        _status, location, body = http_post(session_url, card)
        if not location.endswith("/3ds"):
            _status, _location, body = http_get(urllib.parse.urljoin(session_url, location))
            return _error_of(body)
        _status, location, body = http_post(
            urllib.parse.urljoin(session_url, location),
            {"answer": "complete" if approve else "fail"},
        )
        if location.startswith(self.url) or location.startswith("/"):
            _status, _location, body = http_get(urllib.parse.urljoin(session_url, location))
            return _error_of(body)
        return location


def _error_of(body: str) -> str:
    match = re.search(r'<p class="error" role="alert">(.*?)</p>', body)
    return html.unescape(match.group(1)) if match else ""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _open(request) -> tuple[int, str, str]:
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=20) as response:
            return response.status, response.headers.get("Location", ""), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Location", ""), error.read().decode()


def http_post(url: str, data: dict) -> tuple[int, str, str]:
    body = urllib.parse.urlencode(data).encode()
    return _open(urllib.request.Request(url, data=body))  # noqa: S310 - the fake's own pages


def http_get(url: str) -> tuple[int, str, str]:
    return _open(urllib.request.Request(url))  # noqa: S310 - the fake's own pages


PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Fake Stripe Checkout</title></head><body><main>{body}</main></body></html>"""


class _Handler(BaseHTTPRequestHandler):
    stripe: FakeStripe
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _send(self, status: int, body: str, content_type="text/html; charset=utf-8", **headers):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(data)

    def _redirect(self, location: str):
        self._send(303, "", Location=location)

    def _body_params(self) -> dict:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode() if length else ""
        return decode_form(urllib.parse.parse_qsl(raw, keep_blank_values=True))

    def do_GET(self):
        self._dispatch("GET")

    def do_POST(self):
        self._dispatch("POST")

    def _dispatch(self, method: str):
        url = urllib.parse.urlsplit(self.path)
        if url.path.startswith("/v1/"):
            params = (
                self._body_params()
                if method == "POST"
                else decode_form(urllib.parse.parse_qsl(url.query, keep_blank_values=True))
            )
            try:
                result = self.stripe.api(method, url.path, params, self.headers)
            except StripeError as error:
                self._send(error.status, json.dumps(error.body), "application/json")
                return
            except Exception as error:  # a bug of the fake: say so, like Stripe's api_error
                body = {"error": {"type": "api_error", "message": f"fake: {error!r}"}}
                self._send(500, json.dumps(body), "application/json")
                return
            public = {k: v for k, v in result.items() if not k.startswith("_")}
            self._send(200, json.dumps(public), "application/json", Request_Id="req_fake")
            return
        match = re.fullmatch(r"/pay/(cs_\w+)(/3ds|/cancel)?", url.path)
        session = self.stripe.session(match.group(1)) if match else None
        if session is None:
            self._send(404, PAGE.format(body="<h1>Not found</h1>"))
            return
        step = match.group(2) or ""
        form = self._body_params() if method == "POST" else {}
        if step == "/cancel":
            self._redirect(session["cancel_url"])
        elif session["status"] == "complete":
            self._redirect(session["success_url"])
        elif session["status"] != "open":
            self._send(200, PAGE.format(body="<h1>This payment page has expired.</h1>"))
        elif step == "/3ds" and method == "POST":
            target = self.stripe.challenge_answer(session["id"], form.get("answer") == "complete")
            self.stripe.flush()
            self._redirect(target or f"/pay/{session['id']}")
        elif step == "/3ds":
            self._send(200, PAGE.format(body=CHALLENGE))
        elif method == "POST":
            step = self.stripe.card_submit(
                session["id"], form.get("number", ""), form.get("expiry", ""), form.get("cvc", "")
            )
            self.stripe.flush()
            self._redirect(f"/pay/{session['id']}" + ("/3ds" if step else ""))
        else:
            error = self.stripe.page_error(session["id"])
            amount = f"{session['currency'].upper()} {session['amount_total'] / 100:.2f}"
            self._send(
                200,
                PAGE.format(
                    body=CARD_FORM.format(
                        amount=amount,
                        email=html.escape(session["customer_email"] or ""),
                        error=f'<p class="error" role="alert">{html.escape(error)}</p>'
                        if error
                        else "",
                        cancel=f"/pay/{session['id']}/cancel",
                    )
                ),
            )


CARD_FORM = """<h1>Pay {amount}</h1><p>{email}</p>{error}
<form method="post">
<label>Card number <input name="number" inputmode="numeric"></label>
<label>Expiry (MM/YY) <input name="expiry"></label>
<label>CVC <input name="cvc" inputmode="numeric"></label>
<button type="submit">Pay {amount}</button></form>
<p><a href="{cancel}">Back to the shop</a></p>"""

CHALLENGE = """<h1>3D Secure 2 Test Page</h1>
<p>This is a test authentication page: no bank is involved.</p>
<form method="post"><button name="answer" value="complete">Complete authentication</button>
<button name="answer" value="fail">Fail authentication</button></form>"""


@pytest.fixture
def fake_stripe(settings):
    """The fake server, with the stripe library pointed at it (settings.STRIPE_API_BASE)."""
    fake = FakeStripe().start()
    settings.STRIPE_API_BASE = fake.url
    yield fake
    fake.stop()
