"""`billetterie demo`: the demo organizer, created once."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from billetterie import demo
from billetterie.core.models import AuditLogEntry, Grant, Organizer, Shop, Team, User

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return tmp_path


def run_demo() -> str:
    out = StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


def counts() -> dict:
    return {
        model.__name__: model.objects.count()
        for model in (Organizer, Shop, Team, Grant, User, AuditLogEntry)
    }


def test_demo_creates_a_usable_organizer(data_dir, client):
    output = run_demo()
    assert "Demo data created." in output
    organizer = Organizer.objects.get(slug=demo.DEMO_ORGANIZER)
    assert organizer.shops.count() == 2
    assert set(organizer.teams.values_list("name", flat=True)) == {
        "Accueil et contrôle",
        "Guichet",
    }

    email, password = (data_dir / demo.CREDENTIALS_FILE).read_text().split()
    assert email == demo.DEMO_EMAIL
    assert f"Demo staff login: {email} / {password}" in output
    assert re.search(r"Demo shop: http://\S+/theatre-demo/", output)
    response = client.post(reverse("backoffice:login"), {"email": email, "password": password})
    assert response.status_code == 302
    assert client.get(reverse("backoffice:team", args=[organizer.slug])).status_code == 200


def test_demo_is_idempotent(data_dir):
    run_demo()
    before = counts()
    credentials = (data_dir / demo.CREDENTIALS_FILE).read_text()

    output = run_demo()

    assert "Demo data already there." in output
    assert counts() == before
    assert (data_dir / demo.CREDENTIALS_FILE).read_text() == credentials
    assert credentials.split()[1] in output  # the login is printed again
