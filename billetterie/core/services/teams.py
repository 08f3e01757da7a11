"""Teams and grants: who may do what (ORG-2). Only managers of the organizer change them."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from billetterie.core import audit
from billetterie.core.exceptions import InvalidInput, PermissionRefused
from billetterie.core.models import Grant, Level, Organizer, Shop, Team, User
from billetterie.core.permissions import require_level


def _require_organizer_manager(actor: User, organizer: Organizer) -> None:
    require_level(actor, organizer, Level.MANAGE)


@transaction.atomic
def team_create(*, organizer: Organizer, actor: User, name: str) -> Team:
    _require_organizer_manager(actor, organizer)
    name = name.strip()
    if not name:
        raise InvalidInput(_("A team needs a name."))
    try:
        with transaction.atomic():
            team = Team.objects.create(organizer=organizer, name=name)
    except IntegrityError:
        raise InvalidInput(_("A team with this name already exists.")) from None
    audit.record(organizer=organizer, actor=actor, action="team.created", target=team)
    return team


@transaction.atomic
def team_rename(*, team: Team, actor: User, name: str) -> Team:
    _require_organizer_manager(actor, team.organizer)
    name = name.strip()
    if not name:
        raise InvalidInput(_("A team needs a name."))
    if Team.objects.filter(organizer=team.organizer, name=name).exclude(pk=team.pk).exists():
        raise InvalidInput(_("A team with this name already exists."))
    changes = audit.diff(team, ["name"], {"name": name})
    team.name = name
    team.save(update_fields=["name"])
    audit.record(
        organizer=team.organizer, actor=actor, action="team.renamed", target=team, changes=changes
    )
    return team


def _would_leave_no_manager(organizer: Organizer, *, without_grant=None, without_member=None):
    """True when removing this grant or team membership leaves nobody managing the organizer."""
    managers = Grant.objects.filter(
        organizer=organizer, level=Level.MANAGE, shop__isnull=True, event_id__isnull=True
    )
    if without_grant is not None:
        managers = managers.exclude(pk=without_grant.pk)
    direct = set(managers.filter(user__isnull=False).values_list("user_id", flat=True))
    via_team = {}
    for grant in managers.filter(team__isnull=False).prefetch_related("team__members"):
        via_team[grant.team_id] = {m.pk for m in grant.team.members.all() if m.is_active}
    if without_member is not None:
        team, user = without_member
        if team.pk in via_team:
            via_team[team.pk].discard(user.pk)
    active_direct = set(
        User.objects.filter(pk__in=direct, is_active=True).values_list("pk", flat=True)
    )
    return not (active_direct or any(via_team.values()))


def _last_manager_refusal() -> InvalidInput:
    return InvalidInput(
        _("This is the last manager access of the organizer; give it to someone else first.")
    )


@transaction.atomic
def team_delete(*, team: Team, actor: User) -> None:
    organizer = team.organizer
    _require_organizer_manager(actor, organizer)
    for grant in team.grants.all():
        if _would_leave_no_manager(organizer, without_grant=grant):
            raise InvalidInput(_("This team holds the last manager access of the organizer."))
    audit.record(
        organizer=organizer,
        actor=actor,
        action="team.deleted",
        target=team,
        changes={"members": [m.email for m in team.members.all()]},
    )
    team.delete()


@transaction.atomic
def team_member_add(*, team: Team, actor: User | None, user: User) -> None:
    if actor is not None:
        _require_organizer_manager(actor, team.organizer)
    team.members.add(user)
    audit.record(
        organizer=team.organizer,
        actor=actor,
        action="team.member_added",
        target=team,
        changes={"member": user.email},
    )


@transaction.atomic
def team_member_remove(*, team: Team, actor: User, user: User) -> None:
    _require_organizer_manager(actor, team.organizer)
    if _would_leave_no_manager(team.organizer, without_member=(team, user)):
        raise InvalidInput(_("This would leave the organizer without any manager."))
    team.members.remove(user)
    audit.record(
        organizer=team.organizer,
        actor=actor,
        action="team.member_removed",
        target=team,
        changes={"member": user.email},
    )


@transaction.atomic
def grant_create(
    *,
    organizer: Organizer,
    actor: User | None,
    level: Level | int,
    user: User | None = None,
    team: Team | None = None,
    shop: Shop | None = None,
    event_id: int | None = None,
) -> Grant:
    """Give `level` on the organizer, a shop or an event to a user or a team.

    The actor must manage the scope being granted, and cannot give more than they hold, so
    an event manager can share their event (INP-6) but not reach beyond it.
    """
    level = Level(level)
    if (user is None) == (team is None):
        raise InvalidInput(_("Grant to a person or to a team."))
    if team is not None and team.organizer_id != organizer.pk:
        raise PermissionRefused()
    if shop is not None and shop.organizer_id != organizer.pk:
        raise PermissionRefused()
    if event_id is not None and shop is None:
        raise InvalidInput(_("An event grant needs the event's shop."))
    if actor is not None:
        require_level(actor, organizer, Level.MANAGE, shop=shop, event_id=event_id)
    existing = Grant.objects.filter(
        organizer=organizer, user=user, team=team, shop=shop, event_id=event_id
    ).first()
    if existing is not None:
        if existing.level == level:
            return existing
        if (
            existing.level == Level.MANAGE
            and shop is None
            and event_id is None
            and _would_leave_no_manager(organizer, without_grant=existing)
        ):
            raise _last_manager_refusal()
        changes = {"level": [existing.level, int(level)]}
        existing.level = level
        existing.save(update_fields=["level"])
        audit.record(
            organizer=organizer,
            actor=actor,
            action="grant.changed",
            target=existing,
            shop=shop,
            changes={**changes, "scope": str(existing.scope_label)},
        )
        return existing
    grant = Grant.objects.create(
        organizer=organizer,
        level=level,
        user=user,
        team=team,
        shop=shop,
        event_id=event_id,
        created_by=actor,
    )
    audit.record(
        organizer=organizer,
        actor=actor,
        action="grant.created",
        target=grant,
        shop=shop,
        changes={"level": int(level), "scope": str(grant.scope_label)},
    )
    return grant


@transaction.atomic
def grant_revoke(*, grant: Grant, actor: User) -> None:
    organizer = grant.organizer
    require_level(actor, organizer, Level.MANAGE, shop=grant.shop, event_id=grant.event_id)
    if _would_leave_no_manager(organizer, without_grant=grant):
        raise _last_manager_refusal()
    audit.record(
        organizer=organizer,
        actor=actor,
        action="grant.revoked",
        target=grant,
        shop=grant.shop,
        changes={"level": grant.level, "scope": str(grant.scope_label)},
    )
    grant.delete()
