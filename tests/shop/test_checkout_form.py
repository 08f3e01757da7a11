"""The checkout form built from the shop's registration form, through HTTP (SHOP-4)."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from billetterie.inventory.models import Hold
from billetterie.orders.models import Customer, Order
from billetterie.orders.services import registration
from billetterie.payments import services as payments
from tests.catalog_factories import make_event_with_date, make_price, make_venue

pytestmark = pytest.mark.django_db

BUYER = {
    "email": "ana@example.org",
    "email_again": "ana@example.org",
    "first_name": "Ana",
    "last_name": "Muster",
}
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << >> endobj\n%%EOF\n"


@pytest.fixture
def sale(organizer, shop):
    venue, standing, _numbered = make_venue(organizer, free=20, seat_rows=())
    event, date = make_event_with_date(shop, venue, name="Gala")
    full = make_price(event, standing, amount="45.00")
    reduced = make_price(event, standing, name="Réduit", amount="25.00")
    payments.shop_methods_set(shop=shop, providers=["testcard", "onsite"])
    return {"shop": shop, "event": event, "date": date, "full": full, "reduced": reduced}


def url(name, shop, *args):
    return reverse(f"shop:{name}", args=[shop.organizer.slug, shop.slug, *args])


def add_to_cart(client, sale, price, quantity):
    date_url = url("date", sale["shop"], sale["event"].pk, sale["date"].pk)
    client.post(date_url, {"price": price.pk, "quantity": str(quantity)})


def add(shop, label, kind="text", price=None, **values):
    return registration.form_field_create(
        shop=shop, actor=None, kind=kind, labels={"fr": label, "en": label}, price=price, **values
    )


def field_block(html: str, name: str) -> str:
    """The markup of the form field that holds the input `name`, with its label and errors."""
    for block in html.split('<div class="field')[1:]:
        if f'name="{name}"' in block:
            return block
    raise AssertionError(f"no field {name} on the page")


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_default_form_asks_what_it_always_asked(client, sale):
    add_to_cart(client, sale, sale["full"], 1)
    page = client.get(url("checkout", sale["shop"])).text
    names = re.findall(r'name="([\w-]+)"', page.split("</form>")[0].split("<form")[-1])
    assert names == ["csrfmiddlewaretoken", "first_name", "last_name", "email", "email_again"]
    assert "multipart/form-data" not in page and "(optional)" not in page


def test_modes_show_required_optional_and_hide_fields(client, sale):
    shop = sale["shop"]
    registration.form_modes_set(
        shop=shop,
        actor=None,
        modes={"phone": "required", "company": "optional", "last_name": "hidden"},
    )
    add_to_cart(client, sale, sale["full"], 1)
    page = client.get(url("checkout", shop)).text
    assert 'name="last_name"' not in page
    assert "(optional)" in field_block(page, "company")
    assert "(optional)" not in field_block(page, "phone")
    assert 'autocomplete="tel"' in field_block(page, "phone")

    response = client.post(url("checkout", shop), {**BUYER, "last_name": "ignored"})
    assert response.status_code == 200
    assert "This field is required." in field_block(response.text, "phone")
    assert Order.objects.count() == 0
    response = client.post(url("checkout", shop), {**BUYER, "phone": "+41 79 123 45 67"})
    order = Order.objects.get()
    assert response.url == reverse("shop:order", args=[order.secret])
    assert (order.phone, order.last_name, order.company) == ("+41 79 123 45 67", "", "")


def test_a_missing_required_extra_field_is_shown_next_to_it_and_nothing_is_placed(client, sale):
    shop = sale["shop"]
    diet = add(shop, "Diet", kind="choice", choices=["Vegan", "Any"], required=True)
    age = add(shop, "Age", kind="number")
    add_to_cart(client, sale, sale["full"], 2)
    name, age_name = f"field-{diet.pk}", f"field-{age.pk}"

    response = client.post(
        url("checkout", shop), {**BUYER, "email_again": "other@example.org", age_name: "old"}
    )
    assert response.status_code == 200
    page = response.text
    assert "This field is required." in field_block(page, name)
    assert "Enter a number." in field_block(page, age_name)
    assert "The two email addresses differ." in field_block(page, "email_again")
    assert 'value="old"' in field_block(page, age_name)  # what the buyer typed stays
    assert Order.objects.count() == 0
    assert Hold.objects.filter(state=Hold.State.ACTIVE).count() == 1  # the cart is kept

    response = client.post(url("checkout", shop), {**BUYER, name: "Vegan", age_name: "33"})
    assert response.status_code == 302
    answers = Order.objects.get().answers
    assert [(a["label"], a["value"]) for a in answers] == [("Diet", "Vegan"), ("Age", 33)]


def test_per_ticket_questions_are_asked_once_per_ticket_and_stored_on_each(client, sale):
    shop, full, reduced = sale["shop"], sale["full"], sale["reduced"]
    attendee = add(shop, "Attendee name", price=full, required=True)
    add(shop, "Student card number", price=reduced)  # not in the cart: not asked
    add_to_cart(client, sale, full, 2)
    page = client.get(url("checkout", shop)).text
    legends = re.findall(r"<legend>([^<]+)</legend>", page)
    assert legends == ["Ticket 1 — Plein tarif — Gala", "Ticket 2 — Plein tarif — Gala"]
    assert "Student card number" not in page
    names = re.findall(rf'name="(ticket-\d+-\d+-{attendee.pk})"', page)
    assert len(names) == 2

    response = client.post(url("checkout", shop), {**BUYER, names[0]: "Ana Muster"})
    assert "This field is required." in field_block(response.text, names[1])
    assert "This field is required." not in field_block(response.text, names[0])
    assert Order.objects.count() == 0

    client.post(url("checkout", shop), {**BUYER, names[0]: "Ana Muster", names[1]: "Ben Muster"})
    order = Order.objects.get()
    assert [t.answers for t in order.tickets.order_by("id")] == [
        [{"field": attendee.pk, "label": "Attendee name", "kind": "text", "value": "Ana Muster"}],
        [{"field": attendee.pk, "label": "Attendee name", "kind": "text", "value": "Ben Muster"}],
    ]
    page = text(client.get(reverse("shop:order", args=[order.secret])).text)
    assert "Ticket 2 — Plein tarif — Gala Attendee name Ben Muster" in page


def test_a_file_upload_is_stored_and_downloaded_through_the_order_link(client, sale):
    shop = sale["shop"]
    registration.form_modes_set(shop=shop, actor=None, modes={"city": "optional"})
    certificate = add(shop, "Certificate", kind="file", required=True)
    name = f"field-{certificate.pk}"
    add_to_cart(client, sale, sale["full"], 1)
    page = client.get(url("checkout", shop)).text
    assert 'enctype="multipart/form-data"' in page
    assert 'accept=".pdf,.jpg,.jpeg,.png"' in field_block(page, name)

    fake = SimpleUploadedFile("cert.pdf", b"<script>alert(1)</script>", "application/pdf")
    response = client.post(url("checkout", shop), {**BUYER, name: fake})
    assert "Upload a PDF, JPEG or PNG file." in field_block(response.text, name)
    assert Order.objects.count() == 0

    real = SimpleUploadedFile("certificat médical.pdf", PDF, "application/pdf")
    response = client.post(url("checkout", shop), {**BUYER, "city": "Sion", name: real})
    order = Order.objects.get()
    assert order.city == "Sion" and Customer.objects.get().city == "Sion"
    stored = order.answers[0]["value"]
    order_page = client.get(reverse("shop:order", args=[order.secret])).text
    link = reverse("shop:order_file", args=[order.secret, stored["token"]])
    assert f'href="{link}"' in order_page
    download = client.get(link)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    other = Order.objects.create(
        shop=shop, number=99, email="x@example.org", currency="CHF", total=0
    )
    assert (
        client.get(reverse("shop:order_file", args=[other.secret, stored["token"]])).status_code
        == 404
    )
    assert client.get(reverse("shop:order_file", args=[order.secret, "guessed"])).status_code == 404


def test_the_form_in_french(client_for, sale):
    shop = sale["shop"]
    registration.form_modes_set(shop=shop, actor=None, modes={"company": "optional"})
    registration.form_field_create(
        shop=shop,
        actor=None,
        kind="text",
        labels={"fr": "Régime", "en": "Diet"},
        price=sale["full"],
    )
    client = client_for()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "fr"
    with translation.override("fr"):
        add_to_cart(client, sale, sale["full"], 1)
        page = client.get(url("checkout", shop)).text
    assert "Régime" in page and "Diet" not in page
    assert "(facultatif)" in page and "Billet 1 — Plein tarif — Gala" in page
