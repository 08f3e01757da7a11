"""Webhooks (API-3): signed, retried with backoff, logged; sent only for committed changes
and only to the events an endpoint asked for."""

import json
import time
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from billetterie.checkin.services.redeem import ticket_redeem
from billetterie.core.exceptions import InvalidInput, PermissionRefused
from billetterie.orders.services.order_admin import order_cancel
from billetterie.webhooks import services, signing
from billetterie.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from tests import factories
from tests.checkin.conftest import make_hall, open_device, sell
from tests.orders.sales import make_concert, place

ALL = ["order.created", "order.paid", "order.cancelled", "checkin.created"]


@pytest.fixture
def concert(organizer, shop):
    return make_concert(organizer, shop)


def _endpoint(shop, url, events=ALL):
    endpoint, secret = services.endpoint_create(shop=shop, url=url, events=events, actor=None)
    return endpoint, secret


def _place(shop, concert, capture, **kwargs):
    with capture(execute=True):
        return place(shop, concert, **kwargs)


def test_a_receiver_that_fails_twice_gets_the_event_on_the_third_try(
    shop, concert, receiver_factory, django_capture_on_commit_callbacks
):
    receiver = receiver_factory(statuses=[500, 503])
    endpoint, secret = _endpoint(shop, receiver.url, ["order.created"])

    order = _place(shop, concert, django_capture_on_commit_callbacks)

    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert len(receiver.requests) == 1  # the first attempt went out at once, and failed
    assert (delivery.state, delivery.attempts, delivery.last_status) == ("pending", 1, 500)
    first_retry = delivery.next_attempt_at
    assert first_retry - timezone.now() > timedelta(seconds=25)

    # not due yet: nothing is sent
    assert services.deliveries_retry_due(now=first_retry - timedelta(seconds=1)) == 0
    assert len(receiver.requests) == 1

    assert services.deliveries_retry_due(now=first_retry + timedelta(seconds=1)) == 1
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_status) == ("pending", 2, 503)
    # the second delay is longer than the first (backoff)
    assert delivery.next_attempt_at - first_retry > timedelta(minutes=1)

    assert services.deliveries_retry_due(now=delivery.next_attempt_at + timedelta(seconds=1)) == 1
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_status) == ("delivered", 3, 200)
    assert delivery.delivered_at is not None
    assert len(receiver.requests) == 3
    assert list(
        WebhookAttempt.objects.filter(delivery=delivery).values_list("number", "status")
    ) == [(1, 500), (2, 503), (3, 200)]

    # the same event each time: one delivery id, a valid signature, the order's data
    ids = {r.headers["Billetterie-Delivery"] for r in receiver.requests}
    assert ids == {str(delivery.event_id)}
    last = receiver.requests[-1]
    assert signing.verify(secret, last.headers[signing.HEADER], last.body)
    body = json.loads(last.body)
    assert body["event"] == "order.created" and body["id"] == str(delivery.event_id)
    assert body["data"]["order"]["number"] == order.number
    assert body["data"]["order"]["total"] == "90.00"
    assert len(body["data"]["order"]["tickets"]) == 2
    assert last.headers["Billetterie-Event"] == "order.created"

    # delivered: a later run sends nothing more
    assert services.deliveries_retry_due(now=timezone.now() + timedelta(days=2)) == 0
    assert len(receiver.requests) == 3


def test_signatures_reject_a_changed_body_an_old_request_and_another_secret():
    body = b'{"event":"order.paid"}'
    header = signing.sign("whsec_a", body)
    assert signing.verify("whsec_a", header, body)
    assert not signing.verify("whsec_a", header, body.replace(b"paid", b"created"))
    assert not signing.verify("whsec_b", header, body)
    old = signing.sign("whsec_a", body, timestamp=int(time.time()) - 3600)
    assert not signing.verify("whsec_a", old, body)
    assert not signing.verify("whsec_a", "garbage", body)


def test_a_receiver_that_never_answers_is_given_up_after_the_last_attempt(
    shop, concert, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    # a port nobody listens on: connection refused at every attempt
    endpoint, _secret = _endpoint(shop, "http://127.0.0.1:9/nowhere", ["order.created"])
    _place(shop, concert, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    now = timezone.now()
    for _ in range(services.MAX_ATTEMPTS - 1):
        delivery.refresh_from_db()
        now = delivery.next_attempt_at + timedelta(seconds=1)
        services.deliveries_retry_due(now=now)
    delivery.refresh_from_db()
    assert delivery.state == "failed" and delivery.attempts == services.MAX_ATTEMPTS
    assert delivery.last_status is None and delivery.last_error
    assert services.deliveries_retry_due(now=now + timedelta(days=30)) == 0


def test_events_follow_the_order_and_reach_only_endpoints_that_want_them(
    shop, concert, receiver_factory, django_capture_on_commit_callbacks
):
    everything = receiver_factory()
    paid_only = receiver_factory()
    _endpoint(shop, everything.url)
    _endpoint(shop, paid_only.url, ["order.paid"])

    with django_capture_on_commit_callbacks(execute=True):
        order = place(shop, concert, paid=True)
    with django_capture_on_commit_callbacks(execute=True):
        order_cancel(order=order, actor=None)

    events = [json.loads(r.body)["event"] for r in everything.requests]
    assert events == ["order.created", "order.paid", "order.cancelled"]
    assert [json.loads(r.body)["event"] for r in paid_only.requests] == ["order.paid"]
    cancelled = json.loads(everything.requests[-1].body)["data"]["order"]
    assert cancelled["state"] == "cancelled"


def test_a_rolled_back_change_sends_nothing(
    shop, concert, receiver_factory, django_capture_on_commit_callbacks
):
    receiver = receiver_factory()
    _endpoint(shop, receiver.url)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        place(shop, concert)
        raise RuntimeError("payment crashed")
    assert receiver.requests == [] and WebhookDelivery.objects.count() == 0


def test_an_inactive_endpoint_gets_nothing_and_a_shop_without_endpoints_writes_nothing(
    shop, concert, receiver_factory, django_capture_on_commit_callbacks
):
    receiver = receiver_factory()
    endpoint, _ = _endpoint(shop, receiver.url)
    services.endpoint_update(
        endpoint=endpoint, url=receiver.url, events=ALL, is_active=False, actor=None
    )
    cache.clear()
    _place(shop, concert, django_capture_on_commit_callbacks)
    assert receiver.requests == [] and WebhookDelivery.objects.count() == 0


def test_a_check_in_is_announced(
    organizer, shop, receiver_factory, django_capture_on_commit_callbacks
):
    hall = make_hall(organizer, shop)
    _order, tickets = sell(hall)
    device, _token = open_device(organizer, dates=[hall.date])
    receiver = receiver_factory()
    _endpoint(shop, receiver.url, ["checkin.created"])

    with django_capture_on_commit_callbacks(execute=True):
        assert ticket_redeem(device=device, code=tickets[0].secret).ok
    with django_capture_on_commit_callbacks(execute=True):
        assert not ticket_redeem(device=device, code=tickets[0].secret).ok  # refused: silent

    assert len(receiver.requests) == 1
    checkin = json.loads(receiver.requests[0].body)["data"]["checkin"]
    assert checkin["ticket_id"] == tickets[0].pk and checkin["direction"] == "in"
    assert checkin["date_id"] == hall.date.pk and checkin["device_id"] == device.pk


def test_another_shops_events_never_reach_this_endpoint(
    shop, concert, other_tenant, receiver_factory, django_capture_on_commit_callbacks
):
    receiver = receiver_factory()
    _other_org, other_shop, _ = other_tenant
    _endpoint(other_shop, receiver.url)
    _place(shop, concert, django_capture_on_commit_callbacks)
    assert receiver.requests == []


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hook",
        "http://localhost/hook",
        "https://10.1.2.3/hook",
        "https://192.168.0.10/hook",
        "http://[::1]/hook",
        "http://169.254.169.254/latest/meta-data/",
        "ftp://example.org/hook",
        "https://user:pass@example.org/hook",
        "not a url",
    ],
)
def test_private_and_malformed_addresses_are_refused(shop, settings, url):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False
    with pytest.raises(InvalidInput):
        services.endpoint_create(shop=shop, url=url, events=ALL, actor=None)
    assert WebhookEndpoint.objects.count() == 0


def test_an_address_that_turned_private_is_not_called(
    shop, concert, receiver_factory, settings, django_capture_on_commit_callbacks
):
    receiver = receiver_factory()
    endpoint, _ = _endpoint(shop, receiver.url)
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False  # checked again before each attempt
    _place(shop, concert, django_capture_on_commit_callbacks)
    assert receiver.requests == []
    delivery = WebhookDelivery.objects.filter(endpoint=endpoint).first()
    assert delivery.state == "pending" and "public addresses" in delivery.last_error


def test_events_must_be_known_and_at_least_one(shop, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    for events in ([], ["order.deleted"], ["order.paid", "everything"]):
        with pytest.raises(InvalidInput):
            services.endpoint_create(shop=shop, url="https://1.1.1.1/h", events=events, actor=None)


def test_the_secret_is_sealed_and_rotation_changes_the_signature(
    shop, concert, receiver_factory, django_capture_on_commit_callbacks
):
    receiver = receiver_factory()
    endpoint, old = _endpoint(shop, receiver.url, ["order.created"])
    stored = WebhookEndpoint.objects.get(pk=endpoint.pk)
    assert old not in stored.secret_sealed and stored.secret_hint == old[-4:]
    new = services.endpoint_secret_rotate(endpoint=endpoint, actor=None)
    assert new != old
    _place(shop, concert, django_capture_on_commit_callbacks)
    request = receiver.requests[0]
    assert signing.verify(new, request.headers[signing.HEADER], request.body)
    assert not signing.verify(old, request.headers[signing.HEADER], request.body)


def test_only_managers_manage_webhooks(organizer, shop, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    from billetterie.core.models import Level

    viewer = factories.make_staff()
    factories.grant(organizer, Level.VIEW, user=viewer, shop=shop)
    with pytest.raises(PermissionRefused):
        services.endpoint_create(shop=shop, url="https://1.1.1.1/h", events=ALL, actor=viewer)
