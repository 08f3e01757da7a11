"""Managing a shop's webhook endpoints, and delivering events to them (API-3).

An event becomes one delivery row per subscribed endpoint, written after the change that
caused it has committed; the first attempt is queued at once, failed ones are retried with
growing delays by a periodic task until MAX_ATTEMPTS. Each attempt is claimed by a
conditional update, so two workers never send the same attempt twice.
"""

import json
import secrets
import time
import urllib.error
import urllib.request
from datetime import timedelta

from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from billetterie import __version__
from billetterie.core import audit
from billetterie.core.exceptions import InvalidInput
from billetterie.core.models import Level, Shop, User
from billetterie.core.permissions import require_level
from billetterie.core.secretbox import seal, unseal
from billetterie.webhooks import addresses, signing
from billetterie.webhooks.models import (
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)

MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(seconds=30)  # then times 4: 30 s, 2 min, 8 min, 32 min, 2 h 8 min, ...
CLAIM_LEASE = timedelta(minutes=2)  # an attempt in flight is not picked up again meanwhile
TIMEOUT_SECONDS = 10
MAX_ENDPOINTS_PER_SHOP = 20
_PURPOSE = b"billetterie webhook secrets v1"
_CACHE_SECONDS = 60


# --- endpoints ----------------------------------------------------------------------------
def _clean_events(events) -> list[str]:
    known = set(WebhookEvent.values)
    chosen = [e for e in WebhookEvent.values if e in set(events or ())]
    if not chosen or set(events or ()) - known:
        raise InvalidInput(_("Choose at least one event."), field="events")
    return chosen


def _cache_key(shop_id: int) -> str:
    return f"webhooks:endpoints:{shop_id}"


def _forget(shop_id: int) -> None:
    transaction.on_commit(lambda: cache.delete(_cache_key(shop_id)))


def _new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


@transaction.atomic
def endpoint_create(
    *, shop: Shop, url: str, events, actor: User | None
) -> tuple[WebhookEndpoint, str]:
    """A new endpoint and its signing secret, which the caller shows once."""
    if actor is not None:
        require_level(actor, shop.organizer, Level.MANAGE, shop=shop)
    url = addresses.check_url(url, resolve=True)
    events = _clean_events(events)
    if WebhookEndpoint.objects.filter(shop=shop).count() >= MAX_ENDPOINTS_PER_SHOP:
        raise InvalidInput(
            _("A shop can have at most %(max)s webhook endpoints.")
            % {"max": MAX_ENDPOINTS_PER_SHOP}
        )
    secret = _new_secret()
    endpoint = WebhookEndpoint.objects.create(
        shop=shop,
        url=url,
        events=events,
        secret_sealed=seal(secret.encode(), purpose=_PURPOSE),
        secret_hint=secret[-4:],
    )
    audit.record(
        organizer=shop.organizer,
        actor=actor,
        action="webhook.created",
        target=endpoint,
        shop=shop,
        changes={"url": [None, url], "events": [None, events]},
    )
    _forget(shop.pk)
    return endpoint, secret


@transaction.atomic
def endpoint_update(
    *, endpoint: WebhookEndpoint, url: str, events, is_active: bool, actor: User | None
) -> WebhookEndpoint:
    shop = endpoint.shop
    if actor is not None:
        require_level(actor, shop.organizer, Level.MANAGE, shop=shop)
    url = addresses.check_url(url, resolve=True)
    events = _clean_events(events)
    changes = audit.diff(
        endpoint,
        ["url", "events", "is_active"],
        {"url": url, "events": events, "is_active": is_active},
    )
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        url=url, events=events, is_active=is_active
    )
    endpoint.refresh_from_db()
    audit.record(
        organizer=shop.organizer,
        actor=actor,
        action="webhook.updated",
        target=endpoint,
        shop=shop,
        changes=changes,
    )
    _forget(shop.pk)
    return endpoint


@transaction.atomic
def endpoint_secret_rotate(*, endpoint: WebhookEndpoint, actor: User | None) -> str:
    """A new signing secret (shown once); the old one stops working at once."""
    shop = endpoint.shop
    if actor is not None:
        require_level(actor, shop.organizer, Level.MANAGE, shop=shop)
    secret = _new_secret()
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        secret_sealed=seal(secret.encode(), purpose=_PURPOSE), secret_hint=secret[-4:]
    )
    audit.record(
        organizer=shop.organizer,
        actor=actor,
        action="webhook.secret_rotated",
        target=endpoint,
        shop=shop,
    )
    return secret


@transaction.atomic
def endpoint_delete(*, endpoint: WebhookEndpoint, actor: User | None) -> None:
    shop = endpoint.shop
    if actor is not None:
        require_level(actor, shop.organizer, Level.MANAGE, shop=shop)
    audit.record(
        organizer=shop.organizer,
        actor=actor,
        action="webhook.deleted",
        target=endpoint,
        shop=shop,
        changes={"url": [endpoint.url, None]},
    )
    endpoint.delete()
    _forget(shop.pk)


# --- events -------------------------------------------------------------------------------
def subscribed(shop_id: int, event: str) -> list[int]:
    """Ids of the shop's active endpoints that want this event: cached, since it is asked
    on every order and every check-in and almost always answers "none"."""
    endpoints = cache.get(_cache_key(shop_id))
    if endpoints is None:
        endpoints = list(
            WebhookEndpoint.objects.filter(shop_id=shop_id, is_active=True).values_list(
                "pk", "events"
            )
        )
        cache.set(_cache_key(shop_id), endpoints, _CACHE_SECONDS)
    return [pk for pk, events in endpoints if event in events]


def event_emit(*, shop_id: int, event: str, build_payload) -> list[WebhookDelivery]:
    """Write a delivery for every endpoint of the shop subscribed to `event` and queue
    their first attempt. `build_payload()` is only called when someone listens."""
    endpoint_ids = subscribed(shop_id, event)
    if not endpoint_ids:
        return []
    data = json.loads(json.dumps(build_payload(), cls=DjangoJSONEncoder))
    now = timezone.now()
    deliveries = []
    with transaction.atomic():
        for endpoint_id in endpoint_ids:
            delivery = WebhookDelivery(endpoint_id=endpoint_id, event=event, next_attempt_at=now)
            delivery.payload = {
                "id": str(delivery.event_id),
                "event": event,
                "created": now.isoformat(),
                "data": data,
            }
            deliveries.append(delivery)
        WebhookDelivery.objects.bulk_create(deliveries)
        ids = [d.pk for d in deliveries if d.pk] or list(
            WebhookDelivery.objects.filter(
                event_id__in=[d.event_id for d in deliveries]
            ).values_list("pk", flat=True)
        )
        from billetterie.webhooks.tasks import deliver_webhook

        transaction.on_commit(lambda: [deliver_webhook.enqueue(pk) for pk in ids])
    return deliveries


# --- delivering ---------------------------------------------------------------------------
def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failure."""
    return FIRST_RETRY * (4 ** (attempts - 1))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect could lead to an address the check never saw: treat it as a failure."""

    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def _post(url: str, body: bytes, headers: dict) -> tuple[int | None, str]:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    try:
        with _opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            response.read(1024)
            return response.status, ""
    except urllib.error.HTTPError as error:
        return error.code, f"HTTP {error.code}"
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        return None, str(reason)[:300] or error.__class__.__name__


def delivery_attempt(delivery_id: int, *, now=None) -> str | None:
    """Send one attempt of a delivery if it is due; return its new state (None when it
    was not due or another worker has it)."""
    now = now or timezone.now()
    claimed = WebhookDelivery.objects.filter(
        pk=delivery_id, state=WebhookDelivery.State.PENDING, next_attempt_at__lte=now
    ).update(next_attempt_at=now + CLAIM_LEASE, attempts=F("attempts") + 1)
    if not claimed:
        return None
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    endpoint = delivery.endpoint
    body = json.dumps(delivery.payload, separators=(",", ":")).encode()
    started = time.monotonic()
    try:
        url = addresses.check_url(endpoint.url, resolve=True)
        secret = unseal(endpoint.secret_sealed, purpose=_PURPOSE).decode()
    except Exception as error:  # an address gone private, a secret under an old key
        status, problem = None, str(getattr(error, "message", error))[:300]
    else:
        headers = {
            "Content-Type": "application/json",
            "User-Agent": f"billetterie-webhooks/{__version__}",
            "Billetterie-Event": delivery.event,
            "Billetterie-Delivery": str(delivery.event_id),
            signing.HEADER: signing.sign(secret, body),
        }
        status, problem = _post(url, body, headers)
    duration = int((time.monotonic() - started) * 1000)
    ok = status is not None and 200 <= status < 300
    WebhookAttempt.objects.create(
        delivery=delivery,
        number=delivery.attempt_log.count() + 1,  # the log goes on across a resend
        at=now,
        status=status,
        error="" if ok else problem,
        duration_ms=duration,
    )
    if ok:
        state, next_at = WebhookDelivery.State.DELIVERED, None
    elif delivery.attempts >= MAX_ATTEMPTS or not endpoint.is_active:
        state, next_at = WebhookDelivery.State.FAILED, None
    else:
        state, next_at = WebhookDelivery.State.PENDING, now + retry_delay(delivery.attempts)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        state=state,
        next_attempt_at=next_at,
        last_status=status,
        last_error="" if ok else problem,
        delivered_at=now if ok else None,
    )
    return state


def deliveries_retry_due(*, now=None, limit: int = 200) -> int:
    """Send the attempts whose time has come (the periodic task); return how many."""
    now = now or timezone.now()
    due = WebhookDelivery.objects.filter(
        state=WebhookDelivery.State.PENDING, next_attempt_at__lte=now
    ).order_by("next_attempt_at", "id")
    ids = list(due.values_list("pk", flat=True)[:limit])
    return sum(delivery_attempt(pk, now=now) is not None for pk in ids)


@transaction.atomic
def delivery_resend(*, delivery: WebhookDelivery, actor: User | None) -> WebhookDelivery:
    """Send a delivery again now (after the receiver is fixed), with fresh attempts."""
    shop = delivery.endpoint.shop
    if actor is not None:
        require_level(actor, shop.organizer, Level.MANAGE, shop=shop)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        state=WebhookDelivery.State.PENDING, next_attempt_at=timezone.now(), attempts=0
    )
    audit.record(
        organizer=shop.organizer,
        actor=actor,
        action="webhook.resent",
        target=delivery,
        shop=shop,
    )
    from billetterie.webhooks.tasks import deliver_webhook

    transaction.on_commit(lambda: deliver_webhook.enqueue(delivery.pk))
    delivery.refresh_from_db()
    return delivery
