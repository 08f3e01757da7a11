"""The scanner app's page (SCAN-7): served by Django, everything else in static JS under a
strict CSP; its configuration says where the API is and what each refusal means."""

import json
import re

import pytest
from django.urls import reverse

from billetterie.checkin.services.redeem import MESSAGES

pytestmark = pytest.mark.django_db


def config_of(response) -> dict:
    match = re.search(
        r'<script id="scanner-config" type="application/json">(.*?)</script>', response.text, re.S
    )
    assert match, "the page carries its configuration as a JSON block"
    return json.loads(match.group(1))


def test_the_page_hands_the_app_its_api_and_the_words_of_every_refusal(client):
    response = client.get(reverse("scanner:app"))

    assert response.status_code == 200
    config = config_of(response)
    assert config["api"] == "/api/v1/checkin"
    assert set(config["reasons"]) == set(MESSAGES)
    assert config["reasons"]["already_used"] == "Already used."
    assert config["reasons"]["wrong_zone"] == "This ticket is for another zone."
    assert "Scan or type a ticket code, then Enter" in response.text


def test_every_script_of_the_page_is_a_static_file_with_the_nonce_or_plain_data(client):
    response = client.get(reverse("scanner:app"))
    policy = response["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)

    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", response.text, re.S)
    assert scripts
    for attributes, body in scripts:
        if 'type="application/json"' in attributes:
            continue  # data, never executed
        assert f'nonce="{nonce}"' in attributes
        assert "src=" in attributes and not body.strip()
    assert "style=" not in response.text
    assert "scanner/scanner.js" in response.text


def test_the_page_speaks_french_when_asked(client):
    response = client.get(reverse("scanner:app"), HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200
    assert '<html lang="fr">' in response.text


def test_the_app_needs_no_session_cookie_and_holds_no_tenant_data(client, hall):
    response = client.get(reverse("scanner:app"))
    assert hall.organizer.name not in response.text
    assert hall.event.name not in response.text
    assert "sessionid" not in response.cookies
