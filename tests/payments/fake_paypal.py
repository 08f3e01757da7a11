"""A local stand-in for PayPal's REST API (Orders v2, Payments v2, webhooks), spoken over
real HTTP with PayPal's JSON shapes, on 127.0.0.1 and a free port.

It knows one app (client id/secret) and one webhook id, and it serves:
- POST /v1/oauth2/token (client credentials, HTTP basic auth)
- POST /v2/checkout/orders, GET /v2/checkout/orders/{id}, POST .../{id}/capture
- GET /checkoutnow?token={id}: the buyer's approval page ("Pay" or "Cancel and return"),
  which sends the browser back to the order's return_url with token and PayerID
- POST /v2/payments/captures/{id}/refund (full or partial)
- POST /v1/notifications/verify-webhook-signature: SUCCESS only for a notification this
  fake itself signed and sent, unchanged, to the webhook id it was sent for

`webhook()` builds a signed notification about a capture (optionally with another amount,
currency or payee — PayPal reporting money that does not match) and `deliver()` posts it
to our endpoint over HTTP, as PayPal's servers would.
"""

import base64
import binascii
import hashlib
import hmac
import html
import itertools
import json
import secrets
import threading
import urllib.error
import urllib.request
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

CLIENT_ID = "AbFakeClientId0123456789"
CLIENT_SECRET = "EFakeSecret-9876543210"
WEBHOOK_ID = "8PT597110X687430LKGECATA"
_ids = itertools.count(1)


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _id(prefix: str = "") -> str:
    return (prefix + secrets.token_hex(9).upper())[:17]


@dataclass
class Delivery:
    """A webhook as PayPal sends it: the exact body and the transmission headers."""

    event: dict
    body: bytes
    headers: dict = field(default_factory=dict)

    def django_headers(self) -> dict:
        """The headers as keyword arguments of Django's test client."""
        return {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in self.headers.items()}


class FakePayPal:
    def __init__(self, *, client_id=CLIENT_ID, client_secret=CLIENT_SECRET):
        self.client_id = client_id
        self.client_secret = client_secret
        self.webhook_id = WEBHOOK_ID
        self.tokens: set[str] = set()
        self.orders: dict[str, dict] = {}
        self.captures: dict[str, dict] = {}  # capture id -> {"capture", "order_id", ...}
        self.refunds: dict[str, dict] = {}
        self.sent: dict[str, dict] = {}  # transmission id -> what was signed
        self.requests: list[tuple[str, str]] = []  # (method, path) of every call
        self.verifications: list[dict] = []
        self.idempotent: dict[str, tuple[int, dict]] = {}
        self.capture_tamper: dict = {}  # fields to change in the next captures' answers
        self.fail_capture_with = ""  # an issue (e.g. "INSTRUMENT_DECLINED") to answer once
        self._key = secrets.token_bytes(32)
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # --- lifecycle -------------------------------------------------------------------------
    def start(self) -> "FakePayPal":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def calls(self, path_start: str) -> int:
        return sum(1 for _method, path in self.requests if path.startswith(path_start))

    # --- what a test asks ---------------------------------------------------------------------
    def approve(self, order_id: str, *, payer_email="buyer@example.com") -> str:
        """What the buyer's click on "Pay" does; returns the return_url PayPal redirects to."""
        with self._lock:
            order = self.orders[order_id]
            order["status"] = "APPROVED"
            order["payer"] = {
                "name": {"given_name": "Ana", "surname": "Buyer"},
                "email_address": payer_email,
                "payer_id": order.setdefault("_payer_id", _id("P")),
            }
        query = urlencode({"token": order_id, "PayerID": order["payer"]["payer_id"]})
        return f"{order['_return_url']}?{query}"

    def capture_of(self, order_id: str) -> dict:
        order = self.orders[order_id]
        return order["purchase_units"][0]["payments"]["captures"][0]

    def webhook(
        self,
        capture_id: str,
        *,
        event_type="PAYMENT.CAPTURE.COMPLETED",
        amount: str | None = None,
        currency: str | None = None,
        payee_email: str | None = None,
        status: str | None = None,
    ) -> Delivery:
        """A signed notification about a capture, as PayPal would send it; amount,
        currency, payee and status say what PayPal reports (to test a mismatch)."""
        record = self.captures[capture_id]
        resource = json.loads(json.dumps(record["capture"]))
        if amount is not None:
            resource["amount"]["value"] = amount
        if currency is not None:
            resource["amount"]["currency_code"] = currency
        if payee_email is not None:
            resource["payee"]["email_address"] = payee_email
        if status is not None:
            resource["status"] = status
        event = {
            "id": f"WH-{_id()}-{_id()}",
            "event_version": "1.0",
            "create_time": _now(),
            "resource_type": "capture",
            "resource_version": "2.0",
            "event_type": event_type,
            "summary": f"Payment {resource['status'].lower()} for "
            f"{resource['amount']['value']} {resource['amount']['currency_code']}",
            "resource": resource,
            "links": [
                {
                    "href": f"{self.url}/v1/notifications/webhooks-events/x",
                    "rel": "self",
                    "method": "GET",
                }
            ],
        }
        return self.sign(event)

    def sign(self, event: dict, *, body: bytes | None = None) -> Delivery:
        body = body if body is not None else json.dumps(event, separators=(",", ":")).encode()
        transmission_id = (
            f"{next(_ids):08x}-{secrets.token_hex(4)}-11ef-aaaa-{secrets.token_hex(6)}"
        )
        time = _now()
        crc = zlib.crc32(body)
        message = f"{transmission_id}|{time}|{self.webhook_id}|{crc}".encode()
        signature = base64.b64encode(hmac.new(self._key, message, hashlib.sha256).digest())
        headers = {
            "Content-Type": "application/json",
            "PAYPAL-AUTH-ALGO": "SHA256withRSA",
            "PAYPAL-CERT-URL": f"{self.url}/v1/notifications/certs/CERT-360caa42-fake",
            "PAYPAL-TRANSMISSION-ID": transmission_id,
            "PAYPAL-TRANSMISSION-SIG": signature.decode(),
            "PAYPAL-TRANSMISSION-TIME": time,
        }
        with self._lock:
            self.sent[transmission_id] = {"body": body, "signature": signature.decode()}
        return Delivery(event=event, body=body, headers=headers)

    def deliver(self, delivery: Delivery, url: str) -> tuple[int, dict]:
        """POST the notification to our endpoint, as PayPal's servers do."""
        request = urllib.request.Request(  # noqa: S310 (a test's own http URL)
            url, data=delivery.body, method="POST", headers=delivery.headers
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                return response.status, _json_or_empty(response.read())
        except urllib.error.HTTPError as error:
            return error.code, _json_or_empty(error.read())

    # --- verification, as PayPal does it ---------------------------------------------------------
    def _verify(self, payload: dict, raw: bytes) -> str:
        sent = self.sent.get(payload.get("transmission_id", ""))
        if sent is None or payload.get("webhook_id") != self.webhook_id:
            return "FAILURE"
        if not hmac.compare_digest(payload.get("transmission_sig", ""), sent["signature"]):
            return "FAILURE"
        # PayPal checks the event as it sent it: the same JSON, nothing changed
        if payload.get("webhook_event") != json.loads(sent["body"]):
            return "FAILURE"
        return "SUCCESS"

    # --- HTTP ---------------------------------------------------------------------------------
    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _body(self) -> bytes:
                length = int(self.headers.get("Content-Length") or 0)
                return self.rfile.read(length) if length else b""

            def _json(self, status: int, data: dict, headers=None) -> None:
                raw = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.send_header("Paypal-Debug-Id", secrets.token_hex(6))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(raw)

            def _html(self, status: int, text: str) -> None:
                raw = text.encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def _redirect(self, location: str) -> None:
                self.send_response(303)
                self.send_header("Location", location)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def _authorized(self) -> bool:
                auth = self.headers.get("Authorization", "")
                if auth.startswith("Bearer ") and auth[7:] in fake.tokens:
                    return True
                self._json(
                    401,
                    {
                        "error": "invalid_token",
                        "error_description": "Token signature verification failed",
                    },
                )
                return False

            def do_GET(self):
                path = urlsplit(self.path)
                fake.requests.append(("GET", path.path))
                if path.path == "/checkoutnow":
                    return self._approval_page(parse_qs(path.query).get("token", [""])[0])
                if path.path.startswith("/v2/checkout/orders/"):
                    if not self._authorized():
                        return None
                    order = fake.orders.get(path.path.rsplit("/", 1)[1])
                    if order is None:
                        return self._json(404, _error("RESOURCE_NOT_FOUND", "INVALID_RESOURCE_ID"))
                    return self._json(200, _public(order))
                return self._json(404, _error("RESOURCE_NOT_FOUND", "INVALID_RESOURCE_ID"))

            def do_POST(self):
                path = urlsplit(self.path).path
                fake.requests.append(("POST", path))
                raw = self._body()
                if path == "/v1/oauth2/token":
                    return self._token(raw)
                if path == "/checkoutnow/approve":
                    form = parse_qs(raw.decode())
                    order_id = form.get("token", [""])[0]
                    if order_id not in fake.orders:
                        return self._html(404, "<h1>Unknown order</h1>")
                    return self._redirect(fake.approve(order_id))
                if not self._authorized():
                    return None
                try:
                    body = json.loads(raw) if raw else {}
                except ValueError:
                    return self._json(400, _error("INVALID_REQUEST", "MALFORMED_REQUEST_JSON"))
                request_id = self.headers.get("PayPal-Request-Id")
                if request_id and (request_id, path) in fake.idempotent:
                    status, answer = fake.idempotent[(request_id, path)]
                    return self._json(status, answer)
                if path == "/v2/checkout/orders":
                    status, answer = fake._create_order(body)
                elif path.startswith("/v2/checkout/orders/") and path.endswith("/capture"):
                    status, answer = fake._capture(path.split("/")[4])
                elif path.startswith("/v2/payments/captures/") and path.endswith("/refund"):
                    status, answer = fake._refund(path.split("/")[4], body)
                elif path == "/v1/notifications/verify-webhook-signature":
                    fake.verifications.append(body)
                    status, answer = 200, {"verification_status": fake._verify(body, raw)}
                else:
                    status, answer = 404, _error("RESOURCE_NOT_FOUND", "INVALID_RESOURCE_ID")
                if request_id and status < 500:
                    fake.idempotent[(request_id, path)] = (status, answer)
                return self._json(status, answer)

            def _token(self, raw: bytes):
                auth = self.headers.get("Authorization", "")
                expected = base64.b64encode(
                    f"{fake.client_id}:{fake.client_secret}".encode()
                ).decode()
                try:
                    given = auth.removeprefix("Basic ")
                    base64.b64decode(given, validate=True)
                except (binascii.Error, ValueError):
                    given = ""
                if given != expected or parse_qs(raw.decode()).get("grant_type") != [
                    "client_credentials"
                ]:
                    return self._json(
                        401,
                        {
                            "error": "invalid_client",
                            "error_description": "Client Authentication failed",
                        },
                    )
                token = "A21AA" + secrets.token_urlsafe(40)
                fake.tokens.add(token)
                return self._json(
                    200,
                    {
                        "scope": "https://uri.paypal.com/services/payments/payment",
                        "access_token": token,
                        "token_type": "Bearer",
                        "app_id": "APP-80W284485P519543T",
                        "expires_in": 32400,
                        "nonce": f"{_now()}{secrets.token_hex(8)}",
                    },
                )

            def _approval_page(self, order_id: str):
                order = fake.orders.get(order_id)
                if order is None:
                    return self._html(404, "<h1>Unknown order</h1>")
                unit = order["purchase_units"][0]
                amount = f"{unit['amount']['currency_code']} {unit['amount']['value']}"
                return self._html(
                    200,
                    "<!doctype html><html lang=en><head><meta charset=utf-8>"
                    "<title>PayPal (fake) — Checkout</title></head><body>"
                    "<h1>PayPal (fake)</h1>"
                    f"<p>Pay {html.escape(amount)} to "
                    f"{html.escape(unit['payee']['email_address'])}</p>"
                    f"<p>{html.escape(unit.get('description', ''))}</p>"
                    '<form method="post" action="/checkoutnow/approve">'
                    f'<input type="hidden" name="token" value="{html.escape(order_id)}">'
                    '<button type="submit">Pay</button></form>'
                    f'<p><a href="{html.escape(order["_cancel_url"])}?token='
                    f'{html.escape(order_id)}">Cancel and return</a></p>'
                    "</body></html>",
                )

        return Handler

    # --- the API's answers ------------------------------------------------------------------------
    def _create_order(self, body: dict) -> tuple[int, dict]:
        units = body.get("purchase_units")
        if body.get("intent") not in ("CAPTURE", "AUTHORIZE") or not units:
            return 400, _error("INVALID_REQUEST", "MISSING_REQUIRED_PARAMETER")
        unit = units[0]
        amount = unit.get("amount") or {}
        try:
            value = Decimal(amount.get("value", ""))
        except ArithmeticError:
            return 422, _error("UNPROCESSABLE_ENTITY", "INVALID_PARAMETER_VALUE")
        if value <= 0 or amount.get("currency_code") not in ("CHF", "EUR", "USD"):
            return 422, _error("UNPROCESSABLE_ENTITY", "INVALID_PARAMETER_VALUE")
        source = (body.get("payment_source") or {}).get("paypal") or {}
        context = source.get("experience_context") or body.get("application_context") or {}
        if not context.get("return_url") or not context.get("cancel_url"):
            return 422, _error("UNPROCESSABLE_ENTITY", "MISSING_REQUIRED_PARAMETER")
        order_id = _id()
        payee = {
            "email_address": (unit.get("payee") or {}).get("email_address", "merchant@example.com"),
            "merchant_id": "FAKEMERCHANT"
            + hashlib.sha1(  # noqa: S324 (an id, not security)
                str((unit.get("payee") or {}).get("email_address")).encode()
            )
            .hexdigest()[:5]
            .upper(),
        }
        # with payment_source.paypal PayPal answers PAYER_ACTION_REQUIRED and a
        # "payer-action" link; with the older application_context, CREATED and "approve"
        with_source = bool(source)
        order = {
            "id": order_id,
            "intent": body["intent"],
            "status": "PAYER_ACTION_REQUIRED" if with_source else "CREATED",
            "purchase_units": [
                {
                    "reference_id": unit.get("reference_id", "default"),
                    "description": unit.get("description", ""),
                    "custom_id": unit.get("custom_id", ""),
                    "amount": {"currency_code": amount["currency_code"], "value": amount["value"]},
                    "payee": payee,
                }
            ],
            "create_time": _now(),
            "_return_url": context["return_url"],
            "_cancel_url": context["cancel_url"],
        }
        order["links"] = [
            {"href": f"{self.url}/v2/checkout/orders/{order_id}", "rel": "self", "method": "GET"},
            {
                "href": f"{self.url}/checkoutnow?token={order_id}",
                "rel": "payer-action" if with_source else "approve",
                "method": "GET",
            },
            {
                "href": f"{self.url}/v2/checkout/orders/{order_id}/capture",
                "rel": "capture",
                "method": "POST",
            },
        ]
        with self._lock:
            self.orders[order_id] = order
        return 200, _public(order)

    def _capture(self, order_id: str) -> tuple[int, dict]:
        with self._lock:
            order = self.orders.get(order_id)
            if order is None:
                return 404, _error("RESOURCE_NOT_FOUND", "INVALID_RESOURCE_ID")
            if self.fail_capture_with:
                issue, self.fail_capture_with = self.fail_capture_with, ""
                return 422, _error("UNPROCESSABLE_ENTITY", issue)
            if order["status"] == "COMPLETED":
                return 422, _error("UNPROCESSABLE_ENTITY", "ORDER_ALREADY_CAPTURED")
            if order["status"] != "APPROVED":
                return 422, _error("UNPROCESSABLE_ENTITY", "ORDER_NOT_APPROVED")
            unit = order["purchase_units"][0]
            capture_id = _id("3C")
            capture = {
                "id": capture_id,
                "status": "COMPLETED",
                "amount": dict(unit["amount"]),
                "final_capture": True,
                "seller_protection": {"status": "ELIGIBLE"},
                "custom_id": unit["custom_id"],
                "payee": dict(unit["payee"]),
                "supplementary_data": {"related_ids": {"order_id": order_id}},
                "create_time": _now(),
                "update_time": _now(),
                "links": [
                    {
                        "href": f"{self.url}/v2/payments/captures/{capture_id}",
                        "rel": "self",
                        "method": "GET",
                    },
                    {
                        "href": f"{self.url}/v2/payments/captures/{capture_id}/refund",
                        "rel": "refund",
                        "method": "POST",
                    },
                ],
            }
            self.captures[capture_id] = {"capture": capture, "order_id": order_id, "refunded": 0}
            order["status"] = "COMPLETED"
            unit["payments"] = {"captures": [json.loads(json.dumps(capture))]}
            answer = _public(order)
        shown = answer["purchase_units"][0]["payments"]["captures"][0]
        for key, value in self.capture_tamper.items():
            if key == "payee_email":
                answer["purchase_units"][0]["payee"]["email_address"] = value
                shown["payee"]["email_address"] = value
            elif key in ("value", "currency_code"):
                shown["amount"][key] = value
            else:
                shown[key] = value
        return 201, answer

    def _refund(self, capture_id: str, body: dict) -> tuple[int, dict]:
        with self._lock:
            record = self.captures.get(capture_id)
            if record is None:
                return 404, _error("RESOURCE_NOT_FOUND", "INVALID_RESOURCE_ID")
            captured = record["capture"]["amount"]
            requested = body.get("amount") or captured
            if requested.get("currency_code") != captured["currency_code"]:
                return 422, _error("UNPROCESSABLE_ENTITY", "REFUND_CURRENCY_MISMATCH")
            value = Decimal(requested["value"])
            left = Decimal(captured["value"]) - Decimal(record["refunded"])
            if value <= 0 or value > left:
                return 422, _error("UNPROCESSABLE_ENTITY", "REFUND_AMOUNT_EXCEEDED")
            record["refunded"] = str(Decimal(record["refunded"]) + value)
            refund_id = _id("1R")
            refund = {
                "id": refund_id,
                "status": "COMPLETED",
                "amount": {"value": f"{value:.2f}", "currency_code": captured["currency_code"]},
                "custom_id": body.get("custom_id", ""),
                "note_to_payer": body.get("note_to_payer", ""),
                "create_time": _now(),
                "links": [
                    {
                        "href": f"{self.url}/v2/payments/refunds/{refund_id}",
                        "rel": "self",
                        "method": "GET",
                    },
                    {
                        "href": f"{self.url}/v2/payments/captures/{capture_id}",
                        "rel": "up",
                        "method": "GET",
                    },
                ],
            }
            self.refunds[refund_id] = {"refund": refund, "capture_id": capture_id}
            if Decimal(record["refunded"]) == Decimal(captured["value"]):
                record["capture"]["status"] = "REFUNDED"
            else:
                record["capture"]["status"] = "PARTIALLY_REFUNDED"
        return 201, refund


def _json_or_empty(raw: bytes) -> dict:
    try:
        return json.loads(raw or b"{}")
    except ValueError:
        return {}


def _public(order: dict) -> dict:
    """The order as the API shows it (our bookkeeping keys start with an underscore)."""
    return json.loads(json.dumps({k: v for k, v in order.items() if not k.startswith("_")}))


def _error(name: str, issue: str) -> dict:
    return {
        "name": name,
        "message": "The requested action could not be performed, semantically incorrect, "
        "or failed business validation.",
        "debug_id": secrets.token_hex(6),
        "details": [{"issue": issue, "description": issue.replace("_", " ").capitalize()}],
        "links": [
            {
                "href": f"https://developer.paypal.com/docs/api/orders/v2/#error-{issue}",
                "rel": "information_link",
                "method": "GET",
            }
        ],
    }
