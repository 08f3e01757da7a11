"""Browser-facing safety of the back office: CSP, CSRF, escaping, readable form errors."""

import re

import pytest
from django.urls import reverse

from billetterie.core.models import Shop, Team
from tests import factories as f

pytestmark = pytest.mark.django_db

XSS = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def pages(organizer, shop) -> list[str]:
    return [
        reverse("backoffice:organizer", args=[organizer.slug]),
        reverse("backoffice:team", args=[organizer.slug]),
        reverse("backoffice:audit", args=[organizer.slug]),
        reverse("backoffice:shop", args=[organizer.slug, shop.slug]),
        reverse("backoffice:shop_settings", args=[organizer.slug, shop.slug]),
        reverse("backoffice:account_security"),
    ]


def csp_directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


def assert_strict_csp(response) -> None:
    policy = csp_directives(response)
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert policy["default-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    nonces = [v for v in policy["script-src"] if v.startswith("'nonce-")]
    assert len(nonces) == 1, policy["script-src"]
    nonce = nonces[0][len("'nonce-") : -1]
    # the page's scripts carry the same nonce
    assert re.search(rf'<script [^>]*nonce="{re.escape(nonce)}"', response.text)


def test_back_office_pages_send_a_strict_csp_with_a_nonce(organizer, shop, manager_client):
    nonces = set()
    for url in pages(organizer, shop):
        response = manager_client.get(url)
        assert response.status_code == 200, url
        assert_strict_csp(response)
        nonces.add(response["Content-Security-Policy"])
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
    assert len(nonces) == len(pages(organizer, shop))  # a new nonce per response


def test_login_page_sends_the_csp_too(client):
    assert_strict_csp(client.get(reverse("backoffice:login")))


def test_post_without_csrf_token_is_refused(organizer, manager, client_for):
    browser = client_for(manager, enforce_csrf_checks=True)
    response = browser.post(reverse("backoffice:team_create", args=[organizer.slug]), {"name": "X"})
    assert response.status_code == 403
    assert not Team.objects.filter(organizer=organizer).exists()


def test_post_with_the_csrf_token_of_the_page_works(organizer, manager, client_for):
    browser = client_for(manager, enforce_csrf_checks=True)
    page = browser.get(reverse("backoffice:team", args=[organizer.slug]))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    response = browser.post(
        reverse("backoffice:team_create", args=[organizer.slug]),
        {"name": "X", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    assert Team.objects.filter(organizer=organizer, name="X").exists()


def test_login_needs_the_csrf_token_too(client_for):
    f.make_staff("csrf@example.org")
    browser = client_for(enforce_csrf_checks=True)
    response = browser.post(
        reverse("backoffice:login"), {"email": "csrf@example.org", "password": f.PASSWORD}
    )
    assert response.status_code == 403
    assert "_auth_user_id" not in browser.session


def test_team_name_is_escaped_everywhere(organizer, manager_client):
    response = manager_client.post(
        reverse("backoffice:team_create", args=[organizer.slug]), {"name": XSS}, follow=True
    )
    assert response.status_code == 200
    assert Team.objects.filter(organizer=organizer, name=XSS).exists()
    assert ESCAPED in response.text  # the page and the success message
    assert XSS not in response.text
    audit = manager_client.get(reverse("backoffice:audit", args=[organizer.slug]))
    assert ESCAPED in audit.text
    assert XSS not in audit.text


def test_organizer_and_shop_names_are_escaped(organizer, shop, manager_client):
    organizer.name = XSS
    organizer.save()
    shop.name = "<img src=x onerror=alert(1)>"
    shop.save()
    response = manager_client.get(reverse("backoffice:organizer", args=[organizer.slug]))
    assert XSS not in response.text
    assert "<img src=x" not in response.text
    assert ESCAPED in response.text


def shop_form(**overrides) -> dict:
    return {
        "name": "New season",
        "currency": "CHF",
        "time_zone": "Europe/Zurich",
        "languages": ["fr", "en"],
        "default_language": "fr",
        **overrides,
    }


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"time_zone": "Mars/Olympus"}, "“Mars/Olympus” is not a known time zone."),
        (
            {"languages": ["fr"], "default_language": "en"},
            "The default language must be one of the shop&#x27;s languages.",
        ),
        ({"name": ""}, "This field is required."),
        ({"currency": "USD"}, "Select a valid choice. USD is not one of the available choices."),
    ],
)
def test_shop_form_errors_are_shown_without_a_stack_trace(
    overrides, message, organizer, manager_client
):
    count = Shop.objects.count()
    response = manager_client.post(
        reverse("backoffice:shop_create", args=[organizer.slug]), shop_form(**overrides)
    )
    assert response.status_code == 200
    assert message in response.text
    assert 'role="alert"' in response.text
    assert "Traceback" not in response.text
    assert "Exception" not in response.text
    assert Shop.objects.count() == count


def test_shop_create_works_and_is_audited(organizer, manager_client):
    response = manager_client.post(
        reverse("backoffice:shop_create", args=[organizer.slug]), shop_form(), follow=True
    )
    shop = Shop.objects.get(organizer=organizer, name="New season")
    assert response.redirect_chain[-1][0] == reverse(
        "backoffice:shop", args=[organizer.slug, shop.slug]
    )
    assert "Shop “New season” created." in response.text
    audit = manager_client.get(reverse("backoffice:audit", args=[organizer.slug]))
    assert "shop.created" in audit.text


def test_login_form_errors_are_readable(client):
    response = client.post(reverse("backoffice:login"), {"email": "not-an-email", "password": ""})
    assert response.status_code == 200
    assert "Enter a valid email address." in response.text
    assert "This field is required." in response.text
    assert "Traceback" not in response.text
