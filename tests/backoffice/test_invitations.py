"""Inviting staff by email into a team, and accepting: as a new account or an existing one."""

import hashlib
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from billetterie.core.exceptions import InvalidInput, NotFound, PermissionRefused
from billetterie.core.models import Level, StaffInvitation, User
from billetterie.core.services import invitations
from billetterie.notifications.models import OutboxMessage
from tests import factories as f

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a long new passphrase 42"


@pytest.fixture
def team(organizer):
    team = f.make_team(organizer, "Door volunteers")
    f.grant(organizer, Level.SCAN, team=team)
    return team


def invitation_url(token: str) -> str:
    return reverse("backoffice:invitation", args=[token])


def send_invitation(client, organizer, team, email, capture) -> str:
    """Invite through the team page; return the token from the email actually sent."""
    with capture(execute=True):
        response = client.post(
            reverse("backoffice:invite", args=[organizer.slug]),
            {"email": email, "team": team.pk},
            follow=True,
        )
    assert [str(m) for m in response.context["messages"]] == [f"Invitation sent to {email}."]
    return f.invitation_token(mail.outbox[-1].body)


# --- inviting ------------------------------------------------------------------------------
def test_invitation_email_has_the_link_and_only_the_hash_is_stored(
    organizer, team, manager, manager_client, django_capture_on_commit_callbacks
):
    token = send_invitation(
        manager_client,
        organizer,
        team,
        "New.Person@Example.org",
        django_capture_on_commit_callbacks,
    )
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["new.person@example.org"]
    assert email.reply_to == [manager.email]
    link = f"http://127.0.0.1:8000{invitation_url(token)}"
    assert link in email.body
    assert organizer.name in email.subject

    invitation = StaffInvitation.objects.get()
    assert (invitation.email, invitation.team, invitation.invited_by) == (
        "new.person@example.org",
        team,
        manager,
    )
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    stored = [str(v) for v in StaffInvitation.objects.values().get().values()]
    assert token not in stored
    assert invitation.expires_at > timezone.now() + timedelta(days=6)

    team_page = manager_client.get(reverse("backoffice:team", args=[organizer.slug]))
    assert "new.person@example.org" in team_page.text  # waiting for an answer
    audit = manager_client.get(reverse("backoffice:audit", args=[organizer.slug]))
    assert "staff.invited" in audit.text


def test_invitation_is_in_the_invitees_language_when_the_account_exists(
    organizer, team, manager, manager_client, django_capture_on_commit_callbacks
):
    manager.language = "en"
    manager.save()
    f.make_staff("marie@example.org", language="fr")
    send_invitation(
        manager_client, organizer, team, "marie@example.org", django_capture_on_commit_callbacks
    )
    message = OutboxMessage.objects.get(to=["marie@example.org"])
    assert message.language == "fr"
    with translation.override("fr"):
        subject = gettext("You are invited to the back office of %(org)s") % {"org": organizer.name}
    assert mail.outbox[0].subject == subject


def test_invitation_of_a_new_person_is_in_the_inviters_page_language(
    organizer, team, manager_client, django_capture_on_commit_callbacks
):
    send_invitation(
        manager_client, organizer, team, "nobody@example.org", django_capture_on_commit_callbacks
    )
    assert OutboxMessage.objects.get().language == "en"  # the page's language


def test_inviting_a_team_member_again_is_refused(organizer, team, manager, manager_client):
    member = f.make_staff()
    team.members.add(member)
    response = manager_client.post(
        reverse("backoffice:invite", args=[organizer.slug]),
        {"email": member.email, "team": team.pk},
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == [
        f"{member.email} is already a member of this team."
    ]
    assert not StaffInvitation.objects.exists()


def test_inviting_needs_a_valid_email(organizer, team, manager_client):
    response = manager_client.post(
        reverse("backoffice:invite", args=[organizer.slug]),
        {"email": "not an email", "team": team.pk},
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == [
        "Give a valid email address and a team."
    ]
    assert not StaffInvitation.objects.exists()


def test_only_managers_invite(organizer, team):
    staff = f.make_staff()
    f.grant(organizer, Level.BOX_OFFICE, user=staff)
    with pytest.raises(PermissionRefused):
        invitations.staff_invite(team=team, actor=staff, email="friend@example.org")


# --- accepting -----------------------------------------------------------------------------
def test_accepting_as_a_new_person_creates_the_account(organizer, team, manager, client_for):
    _invitation, token = f.invite(team, manager, "newbie@example.org")
    visitor = client_for()
    page = visitor.get(invitation_url(token))
    assert page.status_code == 200
    assert organizer.name in page.text
    assert team.name in page.text

    response = visitor.post(
        invitation_url(token), {"full_name": "New Bie", "password": NEW_PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1] == (
        reverse("backoffice:organizer", args=[organizer.slug]),
        302,
    )
    assert f"Welcome to {organizer.name}." in response.text

    user = User.objects.get(email="newbie@example.org")
    assert user.full_name == "New Bie"
    assert user.password.startswith("argon2")
    assert list(user.teams.all()) == [team]
    assert StaffInvitation.objects.get().accepted_by == user

    # a fresh browser: log in with the chosen password, land on the organizer
    fresh = client_for()
    login = fresh.post(
        reverse("backoffice:login"),
        {"email": "newbie@example.org", "password": NEW_PASSWORD},
        follow=True,
    )
    assert login.status_code == 200
    assert login.redirect_chain[-1][0] == reverse("backoffice:organizer", args=[organizer.slug])
    assert organizer.name in login.text

    audit = client_for(manager).get(reverse("backoffice:audit", args=[organizer.slug]))
    assert "staff.joined" in audit.text
    assert "team.member_added" in audit.text


def test_accepting_into_a_team_without_access_lands_on_the_home_page(
    organizer, manager, client_for
):
    bare = f.make_team(organizer, "Not yet")
    _invitation, token = f.invite(bare, manager, "early@example.org")
    response = client_for().post(
        invitation_url(token), {"full_name": "Early", "password": NEW_PASSWORD}, follow=True
    )
    assert response.status_code == 200
    assert "no access to any organizer yet" in response.text


def test_a_weak_password_is_refused_and_the_invitation_stays_open(
    organizer, team, manager, client_for
):
    _invitation, token = f.invite(team, manager, "weak@example.org")
    response = client_for().post(
        invitation_url(token), {"full_name": "Weak", "password": "12345678"}
    )
    assert response.status_code == 200
    assert "This password is too short" in response.text
    assert not User.objects.filter(email="weak@example.org").exists()
    assert StaffInvitation.objects.get().is_open


def test_accepting_as_an_existing_logged_in_user(organizer, team, manager, client_for):
    existing = f.make_staff("known@example.org")
    _invitation, token = f.invite(team, manager, "known@example.org")
    client = client_for(existing)
    page = client.get(invitation_url(token))
    assert "Accept the invitation" in page.text
    response = client.post(invitation_url(token), follow=True)
    assert response.redirect_chain[-1][0] == reverse("backoffice:organizer", args=[organizer.slug])
    assert list(existing.teams.all()) == [team]
    assert User.objects.filter(email="known@example.org").count() == 1


def test_an_existing_account_must_log_in_to_accept(organizer, team, manager, client_for):
    existing = f.make_staff("known@example.org")
    _invitation, token = f.invite(team, manager, "known@example.org")
    visitor = client_for()
    page = visitor.get(invitation_url(token))
    assert "log in with it to accept" in page.text
    response = visitor.post(
        invitation_url(token), {"full_name": "Intruder", "password": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("backoffice:login"))
    assert list(existing.teams.all()) == []
    assert StaffInvitation.objects.get().is_open


def test_another_logged_in_account_cannot_accept(organizer, team, manager, client_for):
    f.make_staff("known@example.org")
    _invitation, token = f.invite(team, manager, "known@example.org")
    someone_else = f.make_staff()
    client_for(someone_else).post(invitation_url(token))
    assert list(someone_else.teams.all()) == []
    assert StaffInvitation.objects.get().is_open


def expire(invitation):
    invitation.expires_at = timezone.now() - timedelta(minutes=1)
    invitation.save()


def revoke(invitation):
    invitations.invitation_revoke(invitation=invitation, actor=invitation.invited_by)


def use(invitation):
    StaffInvitation.objects.filter(pk=invitation.pk).update(accepted_at=timezone.now())


@pytest.mark.parametrize("spoil", [expire, revoke, use], ids=["expired", "revoked", "used"])
def test_closed_invitation_is_refused(spoil, organizer, team, manager, client_for):
    invitation, token = f.invite(team, manager, "late@example.org")
    spoil(invitation)
    visitor = client_for()
    page = visitor.get(invitation_url(token))
    assert page.status_code == 404
    assert "This invitation is no longer valid. Ask for a new one." in page.text
    response = visitor.post(invitation_url(token), {"full_name": "Late", "password": NEW_PASSWORD})
    assert response.status_code == 404
    assert not User.objects.filter(email="late@example.org").exists()
    with pytest.raises(NotFound, match="no longer valid"):
        invitations.invitation_accept(token=token, full_name="Late", password=NEW_PASSWORD)


def test_an_invitation_works_once(organizer, team, manager, client_for):
    _invitation, token = f.invite(team, manager, "once@example.org")
    client_for().post(invitation_url(token), {"full_name": "Once", "password": NEW_PASSWORD})
    assert User.objects.filter(email="once@example.org").exists()
    again = client_for().get(invitation_url(token))
    assert again.status_code == 404


def test_an_unknown_token_is_refused(db, client_for):
    assert client_for().get(invitation_url("made-up-token")).status_code == 404


def test_withdrawing_an_invitation_from_the_team_page(organizer, team, manager, manager_client):
    invitation, token = f.invite(team, manager, "maybe@example.org")
    response = manager_client.post(
        reverse("backoffice:invitation_revoke", args=[organizer.slug, invitation.pk]),
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == ["Invitation withdrawn."]
    assert "maybe@example.org" not in response.text
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert manager_client.get(invitation_url(token)).status_code == 404
    audit = manager_client.get(reverse("backoffice:audit", args=[organizer.slug]))
    assert "staff.invitation_revoked" in audit.text


def test_new_account_with_an_existing_email_is_refused_by_the_service(team, manager):
    f.make_staff("taken@example.org")
    _invitation, token = f.invite(team, manager, "taken@example.org")
    with pytest.raises(InvalidInput, match="log in to accept"):
        invitations.invitation_accept(token=token, full_name="X", password=NEW_PASSWORD)
