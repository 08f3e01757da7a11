"""What each level sees in the back office (ORG-2), through HTTP."""

import pytest
from django.urls import reverse

from billetterie.core.models import Level
from tests import factories as f

pytestmark = pytest.mark.django_db


def manage_only_pages(organizer, shop) -> list[str]:
    return [
        reverse("backoffice:team", args=[organizer.slug]),
        reverse("backoffice:audit", args=[organizer.slug]),
        reverse("backoffice:shop_create", args=[organizer.slug]),
        reverse("backoffice:shop_settings", args=[organizer.slug, shop.slug]),
    ]


def menu_labels(response) -> list[str]:
    return [str(item["label"]) for item in response.context["menu"]]


@pytest.mark.parametrize("level", [Level.VIEW, Level.SCAN, Level.BOX_OFFICE])
def test_staff_below_manage_get_403_on_manager_pages(level, tenant, client_for):
    organizer, shop, _manager = tenant
    staff = f.make_staff()
    f.grant(organizer, level, user=staff)
    client = client_for(staff)
    for url in manage_only_pages(organizer, shop):
        assert client.get(url).status_code == 403, url
    dashboard = client.get(reverse("backoffice:organizer", args=[organizer.slug]))
    assert dashboard.status_code == 200
    # organizer-wide grants read the customers (DATA-1); only managers see more
    assert menu_labels(dashboard) == ["Dashboard", "Shops", "Customers"]
    shop_page = client.get(reverse("backoffice:shop", args=[organizer.slug, shop.slug]))
    assert shop_page.status_code == 200
    assert reverse("backoffice:shop_settings", args=[organizer.slug, shop.slug]) not in (
        shop_page.text
    )


def test_view_level_through_a_team_is_refused_too(tenant, client_for):
    organizer, shop, _manager = tenant
    staff = f.make_staff()
    f.grant(organizer, Level.VIEW, team=f.make_team(organizer, members=[staff]))
    client = client_for(staff)
    for url in manage_only_pages(organizer, shop):
        assert client.get(url).status_code == 403, url


def test_managers_get_the_manager_pages(tenant, manager_client):
    organizer, shop, _manager = tenant
    for url in manage_only_pages(organizer, shop):
        assert manager_client.get(url).status_code == 200, url
    dashboard = manager_client.get(reverse("backoffice:organizer", args=[organizer.slug]))
    assert menu_labels(dashboard) == [
        "Dashboard",
        "Shops",
        "Customers",
        "Scanners",
        "Venues",
        "Team",
        "Audit log",
    ]


def test_manager_through_a_team_gets_the_manager_pages(tenant, client_for):
    organizer, shop, _manager = tenant
    staff = f.make_staff()
    f.grant(organizer, Level.MANAGE, team=f.make_team(organizer, members=[staff]))
    client = client_for(staff)
    for url in manage_only_pages(organizer, shop):
        assert client.get(url).status_code == 200, url


@pytest.fixture
def shop_manager(tenant):
    """A manager of one shop only, in an organizer that has a second shop."""
    organizer, shop, _manager = tenant
    other_shop = f.make_shop(organizer, "Other season")
    staff = f.make_staff()
    f.grant(organizer, Level.MANAGE, user=staff, shop=shop)
    return staff, shop, other_shop


def test_shop_manager_sees_only_their_shop(tenant, shop_manager, client_for):
    organizer = tenant[0]
    staff, shop, other_shop = shop_manager
    client = client_for(staff)

    shops = client.get(reverse("backoffice:shops", args=[organizer.slug]))
    assert shops.status_code == 200
    assert list(shops.context["shops"]) == [shop]
    assert list(shops.context["switch_shops"]) == [shop]
    assert shop.name in shops.text
    assert other_shop.name not in shops.text

    dashboard = client.get(reverse("backoffice:organizer", args=[organizer.slug]))
    assert list(dashboard.context["shops"]) == [shop]
    assert other_shop.name not in dashboard.text


def test_shop_manager_gets_404_on_another_shop_of_the_organizer(tenant, shop_manager, client_for):
    organizer = tenant[0]
    staff, shop, other_shop = shop_manager
    client = client_for(staff)
    for name in ("backoffice:shop", "backoffice:shop_settings"):
        assert client.get(reverse(name, args=[organizer.slug, other_shop.slug])).status_code == 404
        assert client.get(reverse(name, args=[organizer.slug, shop.slug])).status_code == 200


def test_shop_manager_is_not_offered_organizer_pages(tenant, shop_manager, client_for):
    """Neither the menu nor the shop list link to pages that would answer 403."""
    organizer = tenant[0]
    staff, shop, _other = shop_manager
    client = client_for(staff)
    shops = client.get(reverse("backoffice:shops", args=[organizer.slug]))
    assert menu_labels(shops) == ["Dashboard", "Shops"]
    assert reverse("backoffice:shop_create", args=[organizer.slug]) not in shops.text
    for url in manage_only_pages(organizer, shop)[:3]:
        assert client.get(url).status_code == 403, url


def test_shop_manager_can_change_their_shop(tenant, shop_manager, client_for):
    organizer = tenant[0]
    staff, shop, _other = shop_manager
    response = client_for(staff).post(
        reverse("backoffice:shop_settings", args=[organizer.slug, shop.slug]),
        {
            "name": "Renamed season",
            "currency": "EUR",
            "time_zone": "Europe/Paris",
            "languages": ["fr", "en"],
            "default_language": "en",
        },
    )
    assert response.status_code == 302
    shop.refresh_from_db()
    assert (shop.name, shop.currency, shop.time_zone, shop.default_language) == (
        "Renamed season",
        "EUR",
        "Europe/Paris",
        "en",
    )


def test_home_goes_straight_to_the_only_organizer(tenant, manager_client):
    organizer = tenant[0]
    response = manager_client.get(reverse("backoffice:home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("backoffice:organizer", args=[organizer.slug])


def test_home_lists_the_organizers_of_someone_in_two(tenant, other_tenant, client_for):
    staff = f.make_staff()
    f.grant(tenant[0], Level.VIEW, user=staff)
    f.grant(other_tenant[0], Level.SCAN, user=staff)
    third = f.make_organizer("Not mine")
    response = client_for(staff).get(reverse("backoffice:home"))
    assert response.status_code == 200
    assert tenant[0].name in response.text
    assert other_tenant[0].name in response.text
    assert third.name not in response.text


def test_staff_without_any_grant_is_told_to_ask_for_access(db, client_for):
    response = client_for(f.make_staff()).get(reverse("backoffice:home"))
    assert response.status_code == 200
    assert "no access to any organizer yet" in response.text
