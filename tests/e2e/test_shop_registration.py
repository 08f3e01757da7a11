"""The registration form in a real browser (SHOP-4): a manager asks for the phone, adds a
drop-down and a question per ticket in the back office; a buyer answers them at checkout,
with a file, is told what is missing next to each field, and sees the answers on the order.

Runs Debian's Chromium through Playwright against `live_server`; see tests/conftest.py.
"""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from billetterie.orders.models import Order
from billetterie.orders.services import registration
from billetterie.payments import services as payments
from tests import factories as f
from tests.catalog_factories import make_event_with_date, make_price, make_venue
from tests.e2e.test_catalog import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def test_manager_builds_the_form_and_a_buyer_answers_it(page: Page, live_server, tmp_path):
    organizer, shop, manager = f.make_tenant()
    venue, standing, _numbered = make_venue(organizer, free=20, seat_rows=())
    event, date = make_event_with_date(shop, venue, name="Gala")
    make_price(event, standing, amount="45.00")
    payments.shop_methods_set(shop=shop, providers=["onsite"])
    registration.form_field_create(
        shop=shop, actor=None, kind="file", labels={"en": "Medical certificate"}
    )
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))

    # The back office: phone required, a drop-down, a question for each ticket.
    log_in(page, live_server.url, manager.email)
    page.goto(f"{live_server.url}{reverse('backoffice:shop', args=[organizer.slug, shop.slug])}")
    page.get_by_role("navigation", name="Main menu").get_by_role(
        "link", name="Registration form"
    ).click()
    page.get_by_role("group", name="Phone").get_by_label("Required").check()
    page.get_by_role("button", name="Save the standard fields").click()
    expect(page.get_by_role("status")).to_contain_text("The standard fields are saved.")

    page.get_by_role("link", name="Add a field").click()
    page.get_by_label("Label (English)").fill("Meal")
    page.get_by_label("Type").select_option(label="Drop-down list")
    page.get_by_label("Choices").fill("Fish\nVeggie")
    page.get_by_label("Required").check()
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_role("status")).to_contain_text("“Meal” added to the form.")

    page.get_by_label("Price").select_option(label="Plein tarif · Parterre")
    expect(page.get_by_role("heading", name=re.compile("Gala · Plein tarif"))).to_be_visible()
    page.get_by_role("link", name="Add a question").click()
    page.get_by_label("Label (English)").fill("Attendee name")
    page.get_by_label("Required").check()
    page.get_by_role("button", name="Add").click()
    expect(page.locator("#questions")).to_contain_text("Attendee name")

    # The buyer: two tickets, the form from the shop's configuration.
    shop_url = f"{live_server.url}/{organizer.slug}/{shop.slug}/"
    page.goto(f"{shop_url}event/{event.pk}/{date.pk}/")
    form = page.get_by_role("form", name="Plein tarif")
    form.get_by_label("Number of tickets").select_option("2")
    form.get_by_role("button", name="Add to cart").click()
    page.get_by_role("link", name="Checkout").click()
    expect(page.get_by_role("group", name="Ticket 1 — Plein tarif — Gala")).to_be_visible()
    expect(page.get_by_role("group", name="Ticket 2 — Plein tarif — Gala")).to_be_visible()
    expect(page.get_by_label("Medical certificate (optional)")).to_be_visible()

    page.get_by_label("Email", exact=True).fill("ana@example.org")
    page.get_by_label("Email (again)").fill("ana@example.org")
    page.get_by_label("First name").fill("Ana")
    page.get_by_label("Last name").fill("Muster")
    page.get_by_role("group", name="Ticket 1 — Plein tarif — Gala").get_by_label(
        "Attendee name"
    ).fill("Ana Muster")
    page.get_by_role("button", name="Place the order").click()

    # Nothing placed: each missing answer is told next to its field.
    phone = page.locator(".field", has=page.get_by_label("Phone"))
    expect(phone.locator(".error")).to_have_text("This field is required.")
    meal = page.locator(".field", has=page.get_by_label("Meal"))
    expect(meal.locator(".error")).to_have_text("This field is required.")
    second = page.get_by_role("group", name="Ticket 2 — Plein tarif — Gala")
    expect(second.locator(".error")).to_have_text("This field is required.")
    assert Order.objects.count() == 0

    page.get_by_label("Phone").fill("+41 79 123 45 67")
    page.get_by_label("Meal").select_option("Veggie")
    second.get_by_label("Attendee name").fill("Ben Muster")
    certificate = tmp_path / "certificat.pdf"
    certificate.write_bytes(PDF)
    page.get_by_label("Medical certificate (optional)").set_input_files(str(certificate))
    page.get_by_role("button", name="Place the order").click()

    expect(page.get_by_role("status").first).to_contain_text("Your order is placed.")
    answers = page.get_by_role("region", name="Your answers")
    expect(answers).to_contain_text("+41 79 123 45 67")
    expect(answers).to_contain_text("Veggie")
    expect(answers).to_contain_text("Ben Muster")
    expect(answers.get_by_role("link", name="certificat.pdf")).to_be_visible()
    order = Order.objects.get()
    assert order.phone == "+41 79 123 45 67"
    assert [t.answers[0]["value"] for t in order.tickets.order_by("id")] == [
        "Ana Muster",
        "Ben Muster",
    ]
    assert dialogs == []
