"""The health check load balancers poll."""

import pytest

pytestmark = pytest.mark.django_db


def test_healthz_answers_json(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_is_get_only(client):
    assert client.post("/healthz").status_code == 405


def test_healthz_says_when_the_database_is_down(client, monkeypatch):
    from django.db import connection

    def broken():
        raise RuntimeError("database down")

    monkeypatch.setattr(connection, "cursor", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"
