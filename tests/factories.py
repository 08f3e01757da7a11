"""Factories for the test suite: real rows through the real services."""

import itertools
import re

from billetterie.core.models import Grant, Level, Organizer, Shop, Team, User
from billetterie.core.services.organizers import organizer_create, shop_create

PASSWORD = "correct horse battery staple"
_counter = itertools.count(1)


def make_staff(email: str | None = None, *, password: str = PASSWORD, **extra) -> User:
    n = next(_counter)
    return User.objects.create_user(email or f"staff{n}@example.org", password, **extra)


def make_organizer(name: str | None = None, *, owner: User | None = None) -> Organizer:
    n = next(_counter)
    return organizer_create(name=name or f"Organizer {n}", owner=owner)


def make_shop(organizer: Organizer, name: str | None = None, **values) -> Shop:
    n = next(_counter)
    return shop_create(organizer=organizer, actor=None, name=name or f"Shop {n}", **values)


def make_team(organizer: Organizer, name: str | None = None, members=()) -> Team:
    team = Team.objects.create(organizer=organizer, name=name or f"Team {next(_counter)}")
    team.members.add(*members)
    return team


def grant(organizer, level: Level, *, user=None, team=None, shop=None, event_id=None) -> Grant:
    return Grant.objects.create(
        organizer=organizer, level=level, user=user, team=team, shop=shop, event_id=event_id
    )


def make_tenant(level: Level = Level.MANAGE, **staff_extra):
    """An organizer with one shop and a staff member holding `level` on all of it."""
    owner = make_staff(**staff_extra)
    organizer = make_organizer(owner=None)
    grant(organizer, level, user=owner)
    shop = make_shop(organizer)
    return organizer, shop, owner


def invite(team: Team, actor: User, email: str, *, language: str = "") -> tuple:
    """(invitation, token): an invitation through the real service. The token exists only in
    the emailed link, so it is read back from the queued message."""
    from billetterie.core.services.invitations import staff_invite
    from billetterie.notifications.models import OutboxMessage

    invitation = staff_invite(team=team, actor=actor, email=email, language=language)
    message = OutboxMessage.objects.order_by("-pk").first()
    return invitation, invitation_token(message.body_text)


def invitation_token(text: str) -> str:
    """The token of the invitation link in an email body."""
    match = re.search(r"/backoffice/invitation/([\w-]+)/", text)
    assert match, f"no invitation link in: {text!r}"
    return match.group(1)
