"""The back-office promotions page (SHOP-6) through HTTP: managers create, edit and delete
promotions; the service's refusals show on the form; view-level staff only read."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from billetterie.core.models import AuditLogEntry, Level
from billetterie.orders.promotion_models import Promotion
from billetterie.orders.services import promotions
from tests import factories as f
from tests.catalog_factories import make_event_with_date, make_price, make_venue

pytestmark = pytest.mark.django_db


def url(name, shop, *args):
    return reverse(f"backoffice:{name}", args=[shop.organizer.slug, shop.slug, *args])


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def price(organizer, shop):
    venue, standing, _numbered = make_venue(organizer, seat_rows=())
    event, _date = make_event_with_date(shop, venue, name="Gala")
    return make_price(event, standing, name="Plein tarif")


@pytest.fixture
def promotion(shop, price):
    return promotions.promotion_create(
        shop=shop,
        actor=None,
        name="Friends",
        kind="code",
        code="friends",
        reduction="percent",
        value="20",
        max_uses=50,
    )


@pytest.fixture
def viewer(organizer, client_for):
    staff = f.make_staff()
    f.grant(organizer, Level.VIEW, user=staff)
    return client_for(staff)


def form_data(**values) -> dict:
    return {
        "name": "Early birds",
        "kind": "code",
        "code": "early 2031",
        "reduction": "percent",
        "value": "15",
        "min_tickets": "1",
        "active": "on",
        **values,
    }


def test_the_page_is_in_the_shop_menu(shop, manager_client, promotion):
    page = manager_client.get(url("promotions", shop))
    assert page.status_code == 200
    assert f'href="{url("promotions", shop)}" aria-current="page"' in page.text
    row = text(page.text)
    assert "Friends" in row and "FRIENDS" in row and "20 %" in row and "0 / 50" in row
    assert url("promotion_edit", shop, promotion.pk) in page.text
    assert "data-confirm=" in page.text


def test_the_form_offers_only_the_shops_events_and_prices(
    shop, price, manager_client, other_tenant
):
    _organizer, other_shop, _manager = other_tenant
    venue, standing, _ = make_venue(other_shop.organizer, seat_rows=())
    other_event, _ = make_event_with_date(other_shop, venue, name="Elsewhere")
    other_price = make_price(other_event, standing, name="Foreign")
    page = manager_client.get(url("promotion_create", shop))
    assert f'value="{price.event.pk}"' in page.text and "Gala · Plein tarif" in page.text
    assert "Elsewhere" not in page.text and "Foreign" not in page.text
    response = manager_client.post(
        url("promotion_create", shop), form_data(prices=[other_price.pk])
    )
    assert response.status_code == 200
    assert not Promotion.objects.exists()


def test_a_manager_creates_edits_and_deletes_a_promotion(shop, price, manager_client):
    response = manager_client.post(
        url("promotion_create", shop),
        form_data(events=[price.event.pk], prices=[price.pk], max_uses="100"),
        follow=True,
    )
    assert messages_of(response) == ["Promotion “Early birds” created."]
    promotion = Promotion.objects.get()
    assert (promotion.shop, promotion.code, promotion.value, promotion.max_uses) == (
        shop,
        "EARLY2031",
        Decimal("15.00"),
        100,
    )
    assert list(promotion.events.all()) == [price.event]
    assert list(promotion.prices.all()) == [price]
    assert "EARLY2031" in response.text and "0 / 100" in text(response.text)

    edit = manager_client.get(url("promotion_edit", shop, promotion.pk))
    assert 'value="EARLY2031"' in edit.text
    response = manager_client.post(
        url("promotion_edit", shop, promotion.pk),
        form_data(
            name="Groups", kind="automatic", code="", reduction="fixed", value="30", min_tickets=4
        ),
        follow=True,
    )
    assert messages_of(response) == ["The promotion is saved."]
    promotion.refresh_from_db()
    assert (promotion.name, promotion.kind, promotion.code, promotion.value) == (
        "Groups",
        "automatic",
        "",
        Decimal("30.00"),
    )
    assert promotion.min_tickets == 4
    assert not promotion.events.exists() and not promotion.prices.exists()
    assert "Groups" in response.text and "from 4 tickets" in text(response.text)

    response = manager_client.post(url("promotion_delete", shop, promotion.pk), follow=True)
    assert messages_of(response) == ["Promotion “Groups” deleted."]
    assert not Promotion.objects.exists()
    assert "No promotion in this shop yet." in response.text
    actions = list(
        AuditLogEntry.objects.filter(action__startswith="promotion.")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["promotion.create", "promotion.update", "promotion.delete"]


@pytest.mark.parametrize(
    ("values", "error"),
    [
        (
            {"value": "150"},
            "A percent is more than 0 and at most 100; an amount is above 0.",
        ),
        ({"code": ""}, "A promo code needs a code."),
    ],
)
def test_invalid_input_shows_the_services_error(shop, manager_client, values, error):
    response = manager_client.post(url("promotion_create", shop), form_data(**values))
    assert response.status_code == 200
    assert error in response.text
    assert not Promotion.objects.exists()
    assert not AuditLogEntry.objects.filter(action__startswith="promotion.").exists()


def test_an_invalid_edit_changes_nothing(shop, manager_client, promotion):
    response = manager_client.post(
        url("promotion_edit", shop, promotion.pk), form_data(value="150")
    )
    assert "at most 100" in response.text
    promotion.refresh_from_db()
    assert (promotion.name, promotion.value) == ("Friends", Decimal("20.00"))
    assert not AuditLogEntry.objects.filter(action="promotion.update").exists()


def test_view_level_staff_read_but_do_not_change(shop, viewer, promotion):
    page = viewer.get(url("promotions", shop))
    assert page.status_code == 200
    assert "Friends" in page.text
    assert url("promotion_edit", shop, promotion.pk) not in page.text
    assert url("promotion_delete", shop, promotion.pk) not in page.text
    assert url("promotion_create", shop) not in page.text
    assert viewer.get(url("promotion_create", shop)).status_code == 403
    assert viewer.post(url("promotion_create", shop), form_data()).status_code == 403
    assert viewer.post(url("promotion_edit", shop, promotion.pk), form_data()).status_code == 403
    assert viewer.post(url("promotion_delete", shop, promotion.pk)).status_code == 403
    assert list(Promotion.objects.values_list("name", flat=True)) == ["Friends"]
    assert (
        not AuditLogEntry.objects.filter(action__startswith="promotion.")
        .exclude(action="promotion.create")
        .exists()
    )
