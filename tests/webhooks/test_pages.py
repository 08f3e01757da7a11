"""The back-office webhook pages: MANAGE only, the secret shown once, clear errors."""

import pytest

from billetterie.core.models import Level
from billetterie.webhooks.models import WebhookEndpoint
from tests import factories as f

pytestmark = pytest.mark.django_db


def _url(organizer, shop, tail=""):
    return f"/backoffice/o/{organizer.slug}/s/{shop.slug}/webhooks/{tail}"


def test_the_secret_is_shown_once_and_never_stored_in_clear(
    manager_client, organizer, shop, settings
):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    response = manager_client.post(
        _url(organizer, shop),
        {"url": "http://127.0.0.1:9/hook", "events": ["order.paid", "checkin.created"]},
    )
    assert response.status_code == 200
    endpoint = WebhookEndpoint.objects.get(shop=shop)
    page = response.content.decode()
    secret = page.split("data-secret>")[1].split("<")[0]
    assert secret.startswith("whsec_") and secret not in endpoint.secret_sealed
    assert endpoint.events == ["order.paid", "checkin.created"]
    for tail in ("", f"{endpoint.pk}/"):
        assert secret not in manager_client.get(_url(organizer, shop, tail)).content.decode()


def test_a_bad_address_is_explained_and_creates_nothing(manager_client, organizer, shop, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False
    response = manager_client.post(
        _url(organizer, shop), {"url": "http://10.0.0.5/hook", "events": ["order.paid"]}
    )
    assert response.status_code == 200
    assert "Webhooks can only be sent to public addresses." in response.content.decode()
    response = manager_client.post(_url(organizer, shop), {"url": "https://1.1.1.1/h"})
    assert "This field is required." in response.content.decode()
    assert WebhookEndpoint.objects.count() == 0


def test_staff_below_manage_cannot_open_the_pages(client_for, organizer, shop):
    viewer = f.make_staff()
    f.grant(organizer, Level.BOX_OFFICE, user=viewer, shop=shop)
    assert client_for(viewer).get(_url(organizer, shop)).status_code == 403


def test_deleting_asks_for_confirmation_and_removes_the_endpoint(
    manager_client, organizer, shop, settings
):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    manager_client.post(
        _url(organizer, shop), {"url": "http://127.0.0.1:9/", "events": ["order.paid"]}
    )
    endpoint = WebhookEndpoint.objects.get()
    page = manager_client.get(_url(organizer, shop)).content.decode()
    assert "data-confirm=" in page and "Delete the webhook to" in page
    assert manager_client.get(_url(organizer, shop, f"{endpoint.pk}/delete/")).status_code == 405
    response = manager_client.post(_url(organizer, shop, f"{endpoint.pk}/delete/"))
    assert response.status_code == 302 and WebhookEndpoint.objects.count() == 0
