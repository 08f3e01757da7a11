"""Translations: the French catalog is complete, compiled, and used by pages and emails."""

import ast
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.utils import translation

from billetterie.notifications.services import render_email

LOCALE = Path(__file__).resolve().parents[2] / "billetterie" / "locale"
FR_PO = LOCALE / "fr" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
LOGIN_FR = "Connexion à l\u2019espace organisateur"  # typographic apostrophe


def parse_po(path: Path) -> list[dict]:
    """Entries of a .po file: msgid, msgid_plural, msgstr / msgstr[n] and flags.

    Just enough of the format for our catalogs; obsolete (`#~`) entries are skipped.
    """
    entries, entry, key = [], None, None

    def close():
        if entry is not None and "msgid" in entry:
            entries.append(entry)

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            close()
            entry, key = None, None
            continue
        if line.startswith("#~"):
            continue
        if entry is None:
            entry = {"flags": set()}
        if line.startswith("#,"):
            entry["flags"].update(f.strip() for f in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            entry[key] += ast.literal_eval(line)
        else:
            key, _, value = line.partition(" ")
            if key == "msgid" and "msgid" in entry:  # no blank line between two entries
                close()
                entry = {"flags": set()}
            entry[key] = ast.literal_eval(value)
    close()
    return entries


def fr_entries() -> list[dict]:
    return [e for e in parse_po(FR_PO) if e["msgid"]]  # the empty msgid is the header


def test_the_french_catalog_is_parsed():
    entries = fr_entries()
    assert len(entries) > 100
    assert any(e["msgid"] == "Log in to the back office" for e in entries)


def test_every_french_string_is_translated():
    untranslated = [
        e["msgid"]
        for e in fr_entries()
        if not all(v for k, v in e.items() if k.startswith("msgstr"))
    ]
    assert untranslated == [], f"{len(untranslated)} msgid without French msgstr"


def test_no_french_string_is_fuzzy():
    header = parse_po(FR_PO)[0]
    assert header["msgid"] == "" and "fuzzy" not in header["flags"]
    assert [e["msgid"] for e in fr_entries() if "fuzzy" in e["flags"]] == []


def test_french_strings_keep_their_placeholders():
    for e in fr_entries():
        expected = set(PLACEHOLDER.findall(e["msgid"] + e.get("msgid_plural", "")))
        for key, value in e.items():
            if not key.startswith("msgstr"):
                continue
            found = set(PLACEHOLDER.findall(value))
            if "msgid_plural" in e:
                # a plural form may leave out the count ("Votre billet" for one ticket)
                assert expected - {"n", "count"} <= found <= expected, e["msgid"]
            else:
                assert found == expected, e["msgid"]


def test_the_compiled_catalog_matches_the_po():
    """A .po edited without running `compilemessages` leaves a stale .mo behind."""
    with translation.override("fr"):
        stale = [
            e["msgid"]
            for e in fr_entries()
            if "msgstr" in e and translation.gettext(e["msgid"]) != e["msgstr"]
        ]
    assert stale == [], "the .mo is out of date: run `django-admin compilemessages`"


@pytest.mark.django_db
def test_login_page_in_french(client):
    response = client.get("/backoffice/login/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200
    page = response.content.decode()
    assert LOGIN_FR in page
    assert "Mot de passe oublié?" in page
    assert "Log in to the back office" not in page


@pytest.mark.django_db
def test_login_page_in_english(client):
    response = client.get("/backoffice/login/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Log in to the back office" in page
    assert "Forgot your password?" in page
    assert LOGIN_FR not in page


def _reset_context():
    user = SimpleNamespace(full_name="Ada Muster", email="ada@example.ch")
    return {"user": user, "link": "https://example.ch/reset/abc/", "hours": 2}


def test_password_reset_email_in_french():
    subject, text, html = render_email("password_reset", _reset_context(), language="fr")
    assert subject == "Choisir un nouveau mot de passe"
    assert "Bonjour Ada Muster," in text
    assert "pendant 2 heures" in text
    assert "https://example.ch/reset/abc/" in text
    assert "Bonjour Ada Muster," in html


def test_password_reset_email_in_english():
    subject, text, _html = render_email("password_reset", _reset_context(), language="en")
    assert subject == "Choose a new password"
    assert "Hello Ada Muster," in text
