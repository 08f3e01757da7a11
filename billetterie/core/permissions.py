"""Effective permission levels (ORG-2): the highest grant a user holds for a scope.

A grant on the organizer covers every shop and event; a grant on a shop covers its events;
a grant on an event covers that event only. Grants come to a user directly or through
any team they are a member of. One query per question, whatever the number of grants.
"""

from django.db.models import Max, Q

from billetterie.core.exceptions import PermissionRefused
from billetterie.core.models import Grant, Level, Organizer, Shop, User


def _held_by(user: User) -> Q:
    return Q(user=user) | Q(team__members=user)


def effective_level(
    user: User, organizer: Organizer, *, shop: Shop | None = None, event_id: int | None = None
) -> Level | None:
    """The highest level `user` holds on this organizer / shop / event, or None."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if shop is not None and shop.organizer_id != organizer.pk:
        return None
    scope = Q(shop__isnull=True, event_id__isnull=True)
    if shop is not None:
        scope |= Q(shop=shop, event_id__isnull=True)
        if event_id is not None:
            scope |= Q(shop=shop, event_id=event_id)
    best = Grant.objects.filter(_held_by(user), scope, organizer=organizer).aggregate(
        best=Max("level")
    )["best"]
    return Level(best) if best is not None else None


def highest_level_anywhere(user: User, organizer: Organizer) -> Level | None:
    """The highest level held on any scope of the organizer: decides what the menu shows."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    best = Grant.objects.filter(_held_by(user), organizer=organizer).aggregate(best=Max("level"))[
        "best"
    ]
    return Level(best) if best is not None else None


def has_level(user, organizer, level: Level, *, shop=None, event_id=None) -> bool:
    held = effective_level(user, organizer, shop=shop, event_id=event_id)
    return held is not None and held >= level


def require_level(user, organizer, level: Level, *, shop=None, event_id=None) -> None:
    """Raise PermissionRefused unless the user holds at least `level` on the scope."""
    if not has_level(user, organizer, level, shop=shop, event_id=event_id):
        raise PermissionRefused()
