"""Teams and grants services (ORG-2): who may change them, and the organizer never ends up
without a manager. Every change leaves an audit entry (ORG-4)."""

import pytest

from billetterie.core.exceptions import InvalidInput, PermissionRefused
from billetterie.core.models import AuditLogEntry, Grant, Level, Team
from billetterie.core.permissions import effective_level
from billetterie.core.services import teams
from tests import factories as f

pytestmark = pytest.mark.django_db


def actions(organizer) -> list[str]:
    return list(
        AuditLogEntry.objects.filter(organizer=organizer)
        .order_by("id")
        .values_list("action", flat=True)
    )


def last_entry(organizer) -> AuditLogEntry:
    return AuditLogEntry.objects.filter(organizer=organizer).latest("id")


def manager_grant(organizer, user) -> Grant:
    return Grant.objects.get(organizer=organizer, user=user, level=Level.MANAGE, shop=None)


# --- teams ---------------------------------------------------------------------------------
def test_create_rename_and_delete_a_team(organizer, manager):
    team = teams.team_create(organizer=organizer, actor=manager, name="  Door volunteers ")
    assert team.name == "Door volunteers"
    entry = last_entry(organizer)
    assert (entry.action, entry.actor, entry.target_label) == (
        "team.created",
        manager,
        "Door volunteers",
    )

    teams.team_rename(team=team, actor=manager, name="Door crew")
    team.refresh_from_db()
    assert team.name == "Door crew"
    assert last_entry(organizer).changes == {"name": ["Door volunteers", "Door crew"]}

    teams.team_delete(team=team, actor=manager)
    assert not Team.objects.filter(pk=team.pk).exists()
    assert actions(organizer)[-3:] == ["team.created", "team.renamed", "team.deleted"]


def test_duplicate_team_name_is_refused_with_a_clear_message(organizer, manager):
    teams.team_create(organizer=organizer, actor=manager, name="Box office")
    with pytest.raises(InvalidInput, match="A team with this name already exists"):
        teams.team_create(organizer=organizer, actor=manager, name="Box office")
    other = teams.team_create(organizer=organizer, actor=manager, name="Bar")
    with pytest.raises(InvalidInput, match="A team with this name already exists"):
        teams.team_rename(team=other, actor=manager, name="Box office")
    assert sorted(Team.objects.filter(organizer=organizer).values_list("name", flat=True)) == [
        "Bar",
        "Box office",
    ]


def test_same_team_name_in_two_organizers_is_fine(organizer, manager, other_tenant):
    teams.team_create(organizer=organizer, actor=manager, name="Door")
    other_org, _shop, other_manager = other_tenant
    teams.team_create(organizer=other_org, actor=other_manager, name="Door")
    assert Team.objects.filter(name="Door").count() == 2


def test_a_team_needs_a_name(organizer, manager):
    with pytest.raises(InvalidInput, match="A team needs a name"):
        teams.team_create(organizer=organizer, actor=manager, name="   ")


@pytest.mark.parametrize("level", [Level.VIEW, Level.BOX_OFFICE])
def test_only_managers_change_teams(organizer, level):
    staff = f.make_staff()
    f.grant(organizer, level, user=staff)
    team = f.make_team(organizer, "Existing")
    with pytest.raises(PermissionRefused):
        teams.team_create(organizer=organizer, actor=staff, name="Mine")
    with pytest.raises(PermissionRefused):
        teams.team_rename(team=team, actor=staff, name="Mine")
    with pytest.raises(PermissionRefused):
        teams.team_delete(team=team, actor=staff)
    with pytest.raises(PermissionRefused):
        teams.grant_create(organizer=organizer, actor=staff, level=Level.MANAGE, user=staff)


def test_members_of_a_deleted_team_lose_its_access(organizer, manager):
    member = f.make_staff()
    team = f.make_team(organizer, members=[member])
    f.grant(organizer, Level.BOX_OFFICE, team=team)
    assert effective_level(member, organizer) == Level.BOX_OFFICE
    teams.team_delete(team=team, actor=manager)
    assert effective_level(member, organizer) is None
    assert last_entry(organizer).changes == {"members": [member.email]}


def test_deleting_the_team_holding_the_last_manager_access_is_refused(organizer, manager):
    member = f.make_staff()
    team = f.make_team(organizer, members=[member, manager])
    teams.grant_create(organizer=organizer, actor=manager, level=Level.MANAGE, team=team)
    teams.grant_revoke(grant=manager_grant(organizer, manager), actor=manager)
    count = len(actions(organizer))

    with pytest.raises(InvalidInput, match="last manager access"):
        teams.team_delete(team=team, actor=manager)

    assert Team.objects.filter(pk=team.pk).exists()
    assert len(actions(organizer)) == count


def test_removing_a_member(organizer, manager):
    member = f.make_staff()
    team = f.make_team(organizer, members=[member])
    teams.team_member_remove(team=team, actor=manager, user=member)
    assert list(team.members.all()) == []
    entry = last_entry(organizer)
    assert (entry.action, entry.changes) == ("team.member_removed", {"member": member.email})


def test_removing_the_last_manager_from_a_team_is_refused(organizer, manager):
    team = f.make_team(organizer, members=[manager])
    teams.grant_create(organizer=organizer, actor=manager, level=Level.MANAGE, team=team)
    teams.grant_revoke(grant=manager_grant(organizer, manager), actor=manager)
    count = len(actions(organizer))

    with pytest.raises(InvalidInput, match="without any manager"):
        teams.team_member_remove(team=team, actor=manager, user=manager)

    assert list(team.members.all()) == [manager]
    assert len(actions(organizer)) == count


def test_removing_a_manager_from_a_team_is_fine_when_another_remains(organizer, manager):
    team = f.make_team(organizer, members=[manager])
    teams.grant_create(organizer=organizer, actor=manager, level=Level.MANAGE, team=team)
    teams.team_member_remove(team=team, actor=manager, user=manager)  # direct grant remains
    assert list(team.members.all()) == []


# --- grants --------------------------------------------------------------------------------
def test_grant_create_change_and_revoke(organizer, shop, manager):
    staff = f.make_staff()
    grant = teams.grant_create(
        organizer=organizer, actor=manager, level=Level.SCAN, user=staff, shop=shop
    )
    assert effective_level(staff, organizer, shop=shop) == Level.SCAN
    entry = last_entry(organizer)
    assert (entry.action, entry.shop, entry.changes) == (
        "grant.created",
        shop,
        {"level": int(Level.SCAN), "scope": shop.name},
    )

    same = teams.grant_create(
        organizer=organizer, actor=manager, level=Level.BOX_OFFICE, user=staff, shop=shop
    )
    assert same.pk == grant.pk
    assert effective_level(staff, organizer, shop=shop) == Level.BOX_OFFICE
    assert last_entry(organizer).action == "grant.changed"
    assert last_entry(organizer).changes["level"] == [int(Level.SCAN), int(Level.BOX_OFFICE)]

    count = len(actions(organizer))
    teams.grant_create(
        organizer=organizer, actor=manager, level=Level.BOX_OFFICE, user=staff, shop=shop
    )
    assert len(actions(organizer)) == count  # nothing changed, nothing logged

    teams.grant_revoke(grant=same, actor=manager)
    assert effective_level(staff, organizer, shop=shop) is None
    assert actions(organizer)[-3:] == ["grant.created", "grant.changed", "grant.revoked"]


def test_revoking_the_last_organizer_manager_grant_is_refused(organizer, manager):
    grant = manager_grant(organizer, manager)
    count = len(actions(organizer))
    with pytest.raises(InvalidInput, match="last manager access of the organizer"):
        teams.grant_revoke(grant=grant, actor=manager)
    assert Grant.objects.filter(pk=grant.pk).exists()
    assert len(actions(organizer)) == count


def test_downgrading_the_last_organizer_manager_grant_is_refused(organizer, manager):
    grant = manager_grant(organizer, manager)
    with pytest.raises(InvalidInput, match="last manager access of the organizer"):
        teams.grant_create(organizer=organizer, actor=manager, level=Level.VIEW, user=manager)
    grant.refresh_from_db()
    assert grant.level == Level.MANAGE


def test_a_shop_manager_grant_does_not_count_as_an_organizer_manager(organizer, shop, manager):
    shop_manager = f.make_staff()
    f.grant(organizer, Level.MANAGE, user=shop_manager, shop=shop)
    with pytest.raises(InvalidInput):
        teams.grant_revoke(grant=manager_grant(organizer, manager), actor=manager)


def test_an_inactive_account_does_not_count_as_a_manager(organizer, manager):
    gone = f.make_staff(is_active=False)
    f.grant(organizer, Level.MANAGE, user=gone)
    with pytest.raises(InvalidInput):
        teams.grant_revoke(grant=manager_grant(organizer, manager), actor=manager)


def test_the_last_manager_grant_can_go_once_a_team_manages(organizer, manager):
    other = f.make_staff()
    team = f.make_team(organizer, members=[other])
    teams.grant_create(organizer=organizer, actor=manager, level=Level.MANAGE, team=team)
    teams.grant_revoke(grant=manager_grant(organizer, manager), actor=manager)
    assert effective_level(manager, organizer) is None
    assert effective_level(other, organizer) == Level.MANAGE


def test_a_shop_manager_cannot_grant_organizer_wide_access(organizer, shop):
    shop_manager, staff = f.make_staff(), f.make_staff()
    f.grant(organizer, Level.MANAGE, user=shop_manager, shop=shop)
    other_shop = f.make_shop(organizer)

    with pytest.raises(PermissionRefused):
        teams.grant_create(organizer=organizer, actor=shop_manager, level=Level.VIEW, user=staff)
    with pytest.raises(PermissionRefused):
        teams.grant_create(
            organizer=organizer,
            actor=shop_manager,
            level=Level.VIEW,
            user=staff,
            shop=other_shop,
        )
    assert effective_level(staff, organizer) is None

    # within their shop they may share access (INP-6)
    teams.grant_create(
        organizer=organizer, actor=shop_manager, level=Level.SCAN, user=staff, shop=shop
    )
    assert effective_level(staff, organizer, shop=shop) == Level.SCAN


def test_a_shop_manager_cannot_revoke_an_organizer_grant(organizer, shop, manager):
    shop_manager, staff = f.make_staff(), f.make_staff()
    f.grant(organizer, Level.MANAGE, user=shop_manager, shop=shop)
    grant = f.grant(organizer, Level.VIEW, user=staff)
    with pytest.raises(PermissionRefused):
        teams.grant_revoke(grant=grant, actor=shop_manager)
    assert Grant.objects.filter(pk=grant.pk).exists()


def test_grants_cannot_point_into_another_organizer(organizer, manager, other_tenant):
    other_org, other_shop, _other_manager = other_tenant
    foreign_team = f.make_team(other_org)
    with pytest.raises(PermissionRefused):
        teams.grant_create(organizer=organizer, actor=manager, level=Level.VIEW, team=foreign_team)
    with pytest.raises(PermissionRefused):
        teams.grant_create(
            organizer=organizer, actor=manager, level=Level.VIEW, user=manager, shop=other_shop
        )


def test_a_grant_goes_to_a_person_or_a_team(organizer, manager):
    team = f.make_team(organizer)
    with pytest.raises(InvalidInput):
        teams.grant_create(organizer=organizer, actor=manager, level=Level.VIEW)
    with pytest.raises(InvalidInput):
        teams.grant_create(
            organizer=organizer, actor=manager, level=Level.VIEW, user=manager, team=team
        )
