"""Creating shops and changing their settings from the back office (ORG-1, ORG-6, CAT-3)."""

import pytest
from django.urls import reverse

from billetterie.core.models import AuditLogEntry, Shop

pytestmark = pytest.mark.django_db

VALID = {
    "name": "Saison 2027-2028",
    "currency": "EUR",
    "time_zone": "Europe/Paris",
    "languages": ["fr", "en"],
    "default_language": "en",
}


def test_manager_creates_a_shop(organizer, manager_client):
    response = manager_client.post(
        reverse("backoffice:shop_create", args=[organizer.slug]), VALID, follow=True
    )
    shop = Shop.objects.get(organizer=organizer, name="Saison 2027-2028")
    assert (shop.currency, shop.time_zone, shop.default_language) == ("EUR", "Europe/Paris", "en")
    assert shop.show_remaining_places is False
    assert "Saison 2027-2028" in response.content.decode()
    assert AuditLogEntry.objects.filter(organizer=organizer, action="shop.created").exists()


def test_bad_shop_settings_show_an_error_and_change_nothing(organizer, shop, manager_client):
    url = reverse("backoffice:shop_settings", args=[organizer.slug, shop.slug])
    response = manager_client.post(url, {**VALID, "time_zone": "Mars/Olympus", "name": "X"})
    assert response.status_code == 200
    assert "not a known time zone" in response.content.decode()
    response = manager_client.post(url, {**VALID, "languages": ["fr"], "default_language": "en"})
    assert "default language must be one of" in response.content.decode()
    shop.refresh_from_db()
    assert shop.name != "X" and shop.time_zone == "Europe/Zurich"


def test_remaining_places_setting_is_saved_and_audited(organizer, shop, manager_client):
    url = reverse("backoffice:shop_settings", args=[organizer.slug, shop.slug])
    manager_client.post(url, {**VALID, "name": shop.name, "show_remaining_places": "on"})
    shop.refresh_from_db()
    assert shop.show_remaining_places is True
    entry = AuditLogEntry.objects.get(organizer=organizer, action="shop.changed")
    assert entry.changes["show_remaining_places"] == [False, True]
    form = manager_client.get(url).content.decode()
    assert 'name="show_remaining_places"' in form and "checked" in form
