"""`billetterie createorganizer` and `billetterie createstaff`."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from billetterie.core.models import AuditLogEntry, Grant, Level, Organizer, User
from billetterie.core.permissions import effective_level
from tests import factories as f

pytestmark = pytest.mark.django_db


def run(*args, **options) -> str:
    out = StringIO()
    call_command(*args, stdout=out, **options)
    return out.getvalue()


def test_createorganizer_creates_organizer_shop_and_a_manager_who_can_log_in(client):
    output = run("createorganizer", "Théâtre X", admin_email="Admin@Example.org")

    organizer = Organizer.objects.get()
    assert (organizer.name, organizer.slug) == ("Théâtre X", "theatre-x")
    shop = organizer.shops.get()
    assert (shop.name, shop.currency) == ("Théâtre X", "CHF")
    admin = User.objects.get()
    assert admin.email == "admin@example.org"
    assert effective_level(admin, organizer) == Level.MANAGE
    assert "Organizer Théâtre X (theatre-x) with shop Théâtre X created." in output
    assert set(
        AuditLogEntry.objects.filter(organizer=organizer).values_list("action", flat=True)
    ) == {"organizer.created", "shop.created"}

    password = re.search(r"Admin login: admin@example\.org / (\S+)", output).group(1)
    assert admin.password.startswith("argon2")
    response = client.post(
        reverse("backoffice:login"), {"email": "admin@example.org", "password": password}
    )
    assert response.status_code == 302
    dashboard = client.get(reverse("backoffice:home"), follow=True)
    assert "Théâtre X" in dashboard.text


def test_createorganizer_options_and_an_existing_admin():
    existing = f.make_staff("boss@example.org")
    output = run(
        "createorganizer",
        "Festival",
        admin_email="boss@example.org",
        slug="fest",
        shop="Summer 2027",
        currency="EUR",
    )
    organizer = Organizer.objects.get(slug="fest")
    assert organizer.shops.get().name == "Summer 2027"
    assert organizer.shops.get().currency == "EUR"
    assert "Admin: boss@example.org (existing account)" in output
    assert "Admin login" not in output  # no password printed, none changed
    existing_before = existing.password
    existing.refresh_from_db()
    assert existing.password == existing_before
    assert Grant.objects.get(organizer=organizer).user == existing


def test_createorganizer_refuses_a_taken_slug_and_creates_nothing():
    run("createorganizer", "One", admin_email="one@example.org", slug="same")
    with pytest.raises(CommandError, match="already taken"):
        run("createorganizer", "Two", admin_email="two@example.org", slug="same")
    assert Organizer.objects.count() == 1
    assert not User.objects.filter(email="two@example.org").exists()


def test_createorganizer_twice_with_the_same_name_gets_a_new_slug():
    run("createorganizer", "Opéra", admin_email="a@example.org")
    run("createorganizer", "Opéra", admin_email="a@example.org")
    assert sorted(Organizer.objects.values_list("slug", flat=True)) == ["opera", "opera-2"]


def test_createstaff_with_a_password(client):
    output = run("createstaff", "Jo@Example.org", password=f.PASSWORD, name="Jo", language="de")
    assert "Staff account jo@example.org created." in output
    user = User.objects.get()
    assert (user.email, user.full_name, user.language) == ("jo@example.org", "Jo", "de")
    assert user.password.startswith("argon2")
    assert not user.grants.exists()  # access comes from grants only
    response = client.post(
        reverse("backoffice:login"), {"email": "jo@example.org", "password": f.PASSWORD}
    )
    assert response.status_code == 302


def test_createstaff_refuses_weak_passwords_and_duplicates():
    with pytest.raises(CommandError, match="too short"):
        run("createstaff", "weak@example.org", password="abc")
    f.make_staff("dup@example.org")
    with pytest.raises(CommandError, match="already exists"):
        run("createstaff", "DUP@example.org", password=f.PASSWORD)
    with pytest.raises(CommandError, match="not a valid email"):
        run("createstaff", "not-an-email", password=f.PASSWORD)
