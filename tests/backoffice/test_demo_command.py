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


def test_demo_has_a_catalog_to_try(data_dir):
    from datetime import timedelta

    from billetterie.catalog.models import Event, Price
    from billetterie.inventory.models import DateSeat, Quota
    from billetterie.inventory.services import recount
    from billetterie.orders.form_models import FormField

    run_demo()
    events = {e.name: e for e in Event.objects.select_related("shop")}
    play = events["Le Misanthrope"]
    starts = sorted(play.dates.values_list("starts_at", flat=True))
    local = [s.astimezone(play.shop.zone_info) for s in starts]
    assert len(starts) == 6 and {s.weekday() for s in local} == {5}  # Saturdays
    assert {s.hour for s in local} == {15, 20}  # two performances each
    assert starts[-1] - starts[0] < timedelta(weeks=3)
    concert = events["Orchestre de chambre — Mozart"]
    assert concert.venue.zones.filter(kind="numbered").count() == 3
    assert DateSeat.objects.filter(date__event=concert).count() == (6 + 3 + 2) * 12
    festival = events["Festival d'été"]
    assert Quota.objects.filter(date__event=festival, zone__isnull=True).count() == 3
    # a sample registration form: a drop-down per order, a question per day pass
    fields = FormField.objects.filter(shop=festival.shop).order_by("id")
    assert [(f.kind, f.price_id is not None, f.required) for f in fields] == [
        ("choice", False, False),
        ("text", True, True),
    ]
    assert Price.objects.filter(kind=Price.Kind.PAY_WHAT_YOU_WANT).count() == 1
    assert recount() == []
