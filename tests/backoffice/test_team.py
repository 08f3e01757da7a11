"""The team page (ORG-2) through HTTP: teams, members, accesses, and the audit page that
shows each change (ORG-4)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from billetterie.core.models import Grant, Level, Team
from billetterie.core.permissions import effective_level
from tests import factories as f

pytestmark = pytest.mark.django_db


def url(name, organizer, *args):
    return reverse(f"backoffice:{name}", args=[organizer.slug, *args])


def messages_of(response) -> list[tuple[str, str]]:
    return [(m.level_tag, str(m)) for m in response.context["messages"]]


def audit_page(client, organizer) -> str:
    response = client.get(url("audit", organizer))
    assert response.status_code == 200
    return response.text


def test_team_page_lists_teams_members_and_accesses(organizer, shop, manager_client):
    member = f.make_staff("ada@example.org", full_name="Ada Lovelace")
    team = f.make_team(organizer, "Door volunteers", members=[member])
    f.grant(organizer, Level.SCAN, team=team, shop=shop)
    response = manager_client.get(url("team", organizer))
    assert response.status_code == 200
    for text in ("Door volunteers", "Ada Lovelace", "ada@example.org", "Check-in (scan)"):
        assert text in response.text
    assert shop.name in response.text


def test_create_a_team(organizer, manager_client):
    response = manager_client.post(url("team_create", organizer), {"name": "Bar"}, follow=True)
    assert response.redirect_chain == [(url("team", organizer), 302)]
    assert messages_of(response) == [("success", "Team “Bar” created.")]
    assert Team.objects.filter(organizer=organizer, name="Bar").exists()
    assert "team.created" in audit_page(manager_client, organizer)


def test_duplicate_team_name_shows_a_clear_message(organizer, manager_client):
    f.make_team(organizer, "Bar")
    response = manager_client.post(url("team_create", organizer), {"name": "Bar"}, follow=True)
    assert messages_of(response) == [("error", "A team with this name already exists.")]
    assert "A team with this name already exists." in response.text
    assert Team.objects.filter(organizer=organizer).count() == 1


def test_empty_team_name_is_refused(organizer, manager_client):
    response = manager_client.post(url("team_create", organizer), {"name": ""}, follow=True)
    assert messages_of(response) == [("error", "A team needs a name.")]
    assert not Team.objects.filter(organizer=organizer).exists()


def test_rename_and_delete_a_team(organizer, manager_client):
    team = f.make_team(organizer, "Bar")
    response = manager_client.post(
        url("team_rename", organizer, team.pk), {"name": "Drinks"}, follow=True
    )
    assert messages_of(response) == [("success", "Team renamed.")]
    team.refresh_from_db()
    assert team.name == "Drinks"

    response = manager_client.post(url("team_delete", organizer, team.pk), follow=True)
    assert messages_of(response) == [("success", "Team “Drinks” deleted.")]
    assert not Team.objects.filter(pk=team.pk).exists()

    audit = audit_page(manager_client, organizer)
    assert "team.renamed" in audit
    assert "team.deleted" in audit
    assert "Bar → Drinks" in audit


def test_team_changes_are_post_only(organizer, manager_client):
    team = f.make_team(organizer, "Bar")
    assert manager_client.get(url("team_delete", organizer, team.pk)).status_code == 405
    assert manager_client.get(url("team_create", organizer)).status_code == 405
    assert Team.objects.filter(pk=team.pk).exists()


def test_give_change_and_remove_an_access(organizer, shop, manager_client):
    staff = f.make_staff()
    team = f.make_team(organizer, "Door", members=[staff])
    form = {"holder": f"team:{team.pk}", "level": int(Level.SCAN), "scope": f"shop:{shop.pk}"}

    response = manager_client.post(url("grant_create", organizer), form, follow=True)
    assert messages_of(response) == [("success", "Access given.")]
    assert effective_level(staff, organizer, shop=shop) == Level.SCAN

    form["level"] = int(Level.BOX_OFFICE)
    response = manager_client.post(url("grant_create", organizer), form, follow=True)
    assert messages_of(response) == [("success", "Access given.")]
    assert effective_level(staff, organizer, shop=shop) == Level.BOX_OFFICE
    grant = Grant.objects.get(team=team)

    response = manager_client.post(url("grant_revoke", organizer, grant.pk), follow=True)
    assert messages_of(response) == [("success", "Access removed.")]
    assert effective_level(staff, organizer, shop=shop) is None

    audit = audit_page(manager_client, organizer)
    for action in ("grant.created", "grant.changed", "grant.revoked"):
        assert action in audit


def test_give_an_access_to_a_person_on_the_whole_organizer(organizer, manager_client):
    staff = f.make_staff()
    f.make_team(organizer, members=[staff])  # in the team list, so a known person
    form = {"holder": f"user:{staff.pk}", "level": int(Level.VIEW), "scope": "organizer"}
    manager_client.post(url("grant_create", organizer), form)
    assert effective_level(staff, organizer) == Level.VIEW
    page = manager_client.get(url("team", organizer))
    assert staff.email in page.text


def test_removing_the_last_manager_access_shows_an_error_and_changes_nothing(
    organizer, manager, manager_client
):
    grant = Grant.objects.get(organizer=organizer, user=manager)
    response = manager_client.post(url("grant_revoke", organizer, grant.pk), follow=True)
    assert messages_of(response) == [
        (
            "error",
            "This is the last manager access of the organizer; give it to someone else first.",
        )
    ]
    assert Grant.objects.filter(pk=grant.pk).exists()
    assert "grant.revoked" not in audit_page(manager_client, organizer)


def test_removing_the_last_manager_from_a_team_shows_an_error(organizer, manager, manager_client):
    team = f.make_team(organizer, "Board", members=[manager])
    Grant.objects.filter(organizer=organizer, user=manager).update(team=team, user=None)
    response = manager_client.post(
        url("member_remove", organizer, team.pk, manager.pk), follow=True
    )
    assert messages_of(response) == [
        ("error", "This would leave the organizer without any manager.")
    ]
    assert list(team.members.all()) == [manager]


def test_remove_a_member(organizer, manager_client):
    staff = f.make_staff("bob@example.org")
    team = f.make_team(organizer, "Bar", members=[staff])
    response = manager_client.post(url("member_remove", organizer, team.pk, staff.pk), follow=True)
    assert messages_of(response) == [("success", "bob@example.org removed from Bar.")]
    assert list(team.members.all()) == []
    assert "team.member_removed" in audit_page(manager_client, organizer)


def test_removing_someone_not_in_the_team(organizer, manager_client):
    team = f.make_team(organizer, "Bar")
    stranger = f.make_staff()
    response = manager_client.post(
        url("member_remove", organizer, team.pk, stranger.pk), follow=True
    )
    assert messages_of(response) == [("error", "This person is not in the team.")]


def test_a_shop_manager_cannot_reach_the_team_actions(organizer, shop, client_for):
    shop_manager, staff = f.make_staff(), f.make_staff()
    f.grant(organizer, Level.MANAGE, user=shop_manager, shop=shop)
    f.make_team(organizer, members=[staff])
    client = client_for(shop_manager)
    response = client.post(
        url("grant_create", organizer),
        {"holder": f"user:{staff.pk}", "level": int(Level.MANAGE), "scope": "organizer"},
    )
    assert response.status_code == 403
    assert effective_level(staff, organizer) is None


def test_audit_page_shows_who_did_what(organizer, manager, manager_client):
    manager_client.post(url("team_create", organizer), {"name": "Bar"})
    text = audit_page(manager_client, organizer)
    assert manager.email in text
    assert "team.created" in text
    assert "Bar" in text


def test_audit_page_filters_by_action(organizer, manager_client):
    manager_client.post(url("team_create", organizer), {"name": "Bar"})
    response = manager_client.get(url("audit", organizer), {"action": "grant."})
    assert "team.created" not in response.text
    response = manager_client.get(url("audit", organizer), {"action": "team."})
    assert "team.created" in response.text


def test_audit_page_shows_only_this_organizers_entries(organizer, manager_client, other_tenant):
    other_org, _shop, other_manager = other_tenant
    f.make_team(other_org, "Secret team")
    from billetterie.core.services.teams import team_create

    team_create(organizer=other_org, actor=other_manager, name="Elsewhere")
    text = audit_page(manager_client, organizer)
    assert "Elsewhere" not in text
    assert other_manager.email not in text


def team_page_queries(client, organizer) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url("team", organizer)).status_code == 200
    return len(queries)


def fill(organizer, shop, manager, n: int) -> None:
    for _ in range(n):
        member = f.make_staff()
        team = f.make_team(organizer, members=[member, f.make_staff()])
        f.grant(organizer, Level.SCAN, team=team, shop=shop)
        f.grant(organizer, Level.VIEW, user=member)
        f.invite(team, manager, f"invitee{member.pk}@example.org")


def test_team_page_queries_do_not_grow_with_the_number_of_teams(
    organizer, shop, manager, manager_client, django_assert_max_num_queries
):
    fill(organizer, shop, manager, 1)
    few = team_page_queries(manager_client, organizer)
    fill(organizer, shop, manager, 6)
    assert team_page_queries(manager_client, organizer) == few
    with django_assert_max_num_queries(14):
        manager_client.get(url("team", organizer))


def test_audit_page_queries_do_not_grow_with_the_entries(organizer, shop, manager, manager_client):
    fill(organizer, shop, manager, 1)
    with CaptureQueriesContext(connection) as queries:
        manager_client.get(url("audit", organizer))
    few = len(queries)
    fill(organizer, shop, manager, 5)
    with CaptureQueriesContext(connection) as queries:
        manager_client.get(url("audit", organizer))
    assert len(queries) == few
