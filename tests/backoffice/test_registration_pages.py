"""The back-office registration form page (SHOP-4) through HTTP: standard field modes, extra
fields, per-price questions; view-level staff read it, managers change it."""

import re

import pytest
from django.urls import reverse

from billetterie.core.models import AuditLogEntry, Level
from billetterie.orders import queries
from billetterie.orders.form_models import FormField
from billetterie.orders.services import registration
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
def viewer(organizer, client_for):
    staff = f.make_staff()
    f.grant(organizer, Level.VIEW, user=staff)
    return client_for(staff)


def test_the_page_is_in_the_shop_menu_and_shows_the_defaults(shop, manager_client):
    page = manager_client.get(url("registration", shop))
    assert page.status_code == 200
    assert f'href="{url("registration", shop)}" aria-current="page"' in page.text
    assert "Email: always required" in page.text
    assert 'name="email"' not in page.text  # email has no choice
    checked = dict(re.findall(r'name="(\w+)" value="(\w+)"[^>]*checked', page.text))
    assert checked["first_name"] == "required" and checked["phone"] == "hidden"
    assert "No extra field." in page.text


def test_a_manager_sets_the_modes(shop, manager_client):
    modes = {key: "hidden" for key in ("title", "company", "street", "zip_code", "city")}
    response = manager_client.post(
        url("registration_modes", shop),
        {
            **modes,
            "first_name": "optional",
            "last_name": "required",
            "country": "optional",
            "phone": "required",
            "birth_date": "hidden",
        },
        follow=True,
    )
    assert messages_of(response) == ["The standard fields are saved."]
    config = queries.registration_form(shop)
    assert (config.modes["phone"], config.modes["first_name"], config.modes["email"]) == (
        "required",
        "optional",
        "required",
    )
    assert AuditLogEntry.objects.filter(action="registration.modes_changed").count() == 1
    bad = manager_client.post(url("registration_modes", shop), {"phone": "sometimes"}, follow=True)
    assert "Select a valid choice" in " ".join(messages_of(bad))
    assert queries.registration_form(shop).modes["phone"] == "required"


def test_a_manager_adds_edits_moves_and_deletes_extra_fields(shop, manager_client):
    new = url("registration_field_create", shop)
    form = manager_client.get(new)
    assert form.status_code == 200
    assert "Label (French)" in form.text and "Label (English)" in form.text
    refused = manager_client.post(new, {"kind": "choice", "label_en": "Meal", "choices": " \n "})
    assert refused.status_code == 200 and "List at least one choice" in refused.text
    unlabelled = manager_client.post(new, {"kind": "text"})
    assert "Give the field a label in at least one language." in unlabelled.text
    assert FormField.objects.count() == 0

    created = manager_client.post(
        new,
        {
            "kind": "choice",
            "label_fr": "Repas",
            "label_en": "Meal",
            "choices": "Fish\nVeggie\n",
            "required": "on",
        },
    )
    assert created.url == url("registration", shop) + "#extra"
    meal = FormField.objects.get()
    assert (meal.labels, meal.choices, meal.required) == (
        {"fr": "Repas", "en": "Meal"},
        ["Fish", "Veggie"],
        True,
    )
    manager_client.post(new, {"kind": "text", "label_en": "Remarks"})
    page = manager_client.get(url("registration", shop)).text
    assert text(page).index("Meal") < text(page).index("Remarks")
    assert "Fish · Veggie" in page
    assert 'data-confirm="Remove the field Meal? Answers already given are kept."' in page

    edit = url("registration_field_edit", shop, meal.pk)
    assert 'value="Repas"' in manager_client.get(edit).text
    manager_client.post(edit, {"kind": "multiple", "label_en": "Meals", "choices": "Fish\nMeat"})
    meal.refresh_from_db()
    assert (meal.kind, meal.labels, meal.choices, meal.required) == (
        "multiple",
        {"en": "Meals"},
        ["Fish", "Meat"],
        False,
    )

    manager_client.post(url("registration_field_move", shop, meal.pk), {"direction": "down"})
    labels = [x.label_in("en") for x in queries.registration_form(shop).extra]
    assert labels == ["Remarks", "Meals"]

    deleted = manager_client.post(url("registration_field_delete", shop, meal.pk), follow=True)
    assert messages_of(deleted)[-1] == "“Meals” removed from the form."
    assert list(FormField.objects.values_list("labels", flat=True)) == [{"en": "Remarks"}]


def test_per_price_questions_from_the_price_selector_and_the_event_page(
    shop, price, manager_client
):
    event_page = manager_client.get(url("event", shop, price.event_id)).text
    link = f"{url('registration', shop)}?price={price.pk}#questions"
    assert f'href="{link}"' in event_page

    page = manager_client.get(url("registration", shop), {"price": price.pk}).text
    assert f'<option value="{price.pk}" selected>' in page
    assert "This price asks no question." in page
    add = url("registration_question_create", shop, price.pk)
    assert f'href="{add}"' in page
    form = manager_client.get(add)
    assert "Asked for each ticket of the price “Plein tarif” of Gala." in form.text
    created = manager_client.post(add, {"kind": "text", "label_en": "Attendee", "required": "on"})
    assert created.url == link
    question = FormField.objects.get()
    assert question.price == price and question.shop == shop
    page = manager_client.get(url("registration", shop), {"price": price.pk}).text
    assert "Attendee" in page
    assert "Attendee" not in manager_client.get(url("registration", shop)).text  # no price chosen
    assert "No extra field." in page  # a question is not an extra field


def test_view_level_staff_read_the_form_but_cannot_change_it(shop, price, viewer):
    question = registration.form_field_create(
        shop=shop, actor=None, kind="text", labels={"en": "Attendee"}, price=price
    )
    page = viewer.get(url("registration", shop), {"price": price.pk})
    assert page.status_code == 200
    assert "Attendee" in page.text and "Hidden" in page.text
    main = page.text.split('id="main"')[1].split("</main>")[0]
    assert 'method="post"' not in main and "Add a field" not in main
    assert viewer.post(url("registration_modes", shop), {"phone": "required"}).status_code == 403
    for name, args in (
        ("registration_field_create", ()),
        ("registration_question_create", (price.pk,)),
        ("registration_field_edit", (question.pk,)),
    ):
        assert viewer.get(url(name, shop, *args)).status_code == 403
    for name in ("registration_field_delete", "registration_field_move"):
        assert viewer.post(url(name, shop, question.pk)).status_code == 403
    assert FormField.objects.count() == 1
    assert queries.registration_form(shop).modes["phone"] == "hidden"


def test_another_shops_price_or_field_is_not_reachable(organizer, shop, price, manager_client):
    other_shop = f.make_shop(organizer, "Other season")
    theirs = registration.form_field_create(
        shop=shop, actor=None, kind="text", labels={"en": "Attendee"}, price=price
    )
    # the price and field belong to `shop`: through the other shop's URLs they do not exist
    assert (
        manager_client.get(url("registration_question_create", other_shop, price.pk)).status_code
        == 404
    )
    assert (
        manager_client.get(url("registration_field_edit", other_shop, theirs.pk)).status_code == 404
    )
    assert (
        manager_client.post(url("registration_field_delete", other_shop, theirs.pk)).status_code
        == 404
    )
    page = manager_client.get(url("registration", other_shop), {"price": price.pk}).text
    assert "Attendee" not in page and "Plein tarif" not in page
    assert FormField.objects.count() == 1
