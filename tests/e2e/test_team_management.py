"""Team management in a real browser (ORG-2): teams, accesses, invitations, deletion.

Runs Debian's Chromium through Playwright against `live_server`; see tests/conftest.py.
"""

import os

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from billetterie.core.models import Grant, Level, StaffInvitation, Team
from tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOT = os.environ.get("TEAM_SCREENSHOT", "/tmp/team.png")  # noqa: S108


def log_in(page: Page, base_url: str, email: str) -> None:
    page.goto(f"{base_url}/backoffice/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(f.PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("navigation", name="Main menu")).to_be_visible()


def test_manager_creates_a_team_gives_it_access_invites_and_deletes_another(
    page: Page, live_server
):
    organizer, _shop, manager = f.make_tenant()
    f.make_team(organizer, "Old crew")
    dialogs: list[str] = []

    def accept(dialog):
        dialogs.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)

    log_in(page, live_server.url, manager.email)
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Team").click()
    expect(page.get_by_role("heading", name="Team and permissions")).to_be_visible()

    # Create the team.
    page.get_by_label("New team").fill("Door volunteers")
    page.get_by_role("button", name="Create the team").click()
    expect(page.get_by_role("status")).to_contain_text("Team “Door volunteers” created.")
    door = page.locator('article.team[data-team="Door volunteers"]')
    expect(door.get_by_role("heading", name="Door volunteers")).to_be_visible()

    # Give it check-in on the whole organizer.
    grant_form = page.locator("#grant-form")
    grant_form.get_by_label("Given to").select_option(label="Door volunteers")
    grant_form.get_by_label("Level").select_option(label="Check-in (scan)")
    grant_form.get_by_label("On").select_option(label="The whole organizer")
    grant_form.get_by_role("button", name="Give the access").click()
    expect(page.get_by_role("status")).to_contain_text("Access given.")
    door = page.locator('article.team[data-team="Door volunteers"]')
    expect(door.locator("ul.grants")).to_contain_text("Check-in (scan)")
    expect(door.locator("ul.grants")).to_contain_text("whole organizer")

    # Invite someone into it.
    invite_form = page.locator("#invite-form")
    invite_form.get_by_label("Email").fill("new.volunteer@example.org")
    invite_form.get_by_label("Team").select_option(label="Door volunteers")
    invite_form.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Invitation sent to new.volunteer@example.org."
    )
    pending = page.locator("ul.invitations li")
    expect(pending).to_have_count(1)
    expect(pending).to_contain_text("new.volunteer@example.org → Door volunteers")

    # Delete the other team, accepting the confirmation.
    old = page.locator('article.team[data-team="Old crew"]')
    expect(old).to_have_count(1)
    old.get_by_role("button", name="Delete").click()
    expect(page.get_by_role("status")).to_contain_text("Team “Old crew” deleted.")
    expect(old).to_have_count(0)
    expect(page.locator("article.team")).to_have_count(1)
    assert dialogs and "Old crew" in dialogs[-1]

    page.screenshot(path=SCREENSHOT, full_page=True)

    # What the browser did is what the database holds.
    team = Team.objects.get(organizer=organizer, name="Door volunteers")
    assert not Team.objects.filter(organizer=organizer, name="Old crew").exists()
    assert Grant.objects.filter(
        organizer=organizer, team=team, level=Level.SCAN, shop=None, event_id=None
    ).exists()
    invitation = StaffInvitation.objects.get(organizer=organizer, team=team)
    assert invitation.email == "new.volunteer@example.org"
    assert invitation.is_open
    assert [m.to for m in mail.outbox] == [["new.volunteer@example.org"]]


def test_login_form_is_usable_at_phone_width(page: Page, live_server):
    _organizer, _shop, manager = f.make_tenant()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/backoffice/login/")

    email, password = page.get_by_label("Email"), page.get_by_label("Password")
    button = page.get_by_role("button", name="Log in")
    for element in (email, password, button):
        expect(element).to_be_visible()
        box = element.bounding_box()
        assert box is not None
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box
        assert box["height"] >= 24, f"too small a touch target: {box}"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    email.fill(manager.email)
    password.fill(f.PASSWORD)
    button.click()
    expect(page.get_by_role("navigation", name="Main menu")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
