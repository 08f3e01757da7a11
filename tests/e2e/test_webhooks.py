"""A manager connects the shop to their own system in a real browser (API-3): creates a
webhook, copies the secret shown once, and sees in the delivery log that a new order
reached the receiver with a valid signature."""

import json

import pytest
from playwright.sync_api import Page, expect

from billetterie.webhooks import signing
from tests import factories as f
from tests.e2e.test_backoffice_orders import log_in
from tests.orders.sales import make_concert, place
from tests.webhooks.receiver import start_receiver

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def receiver(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    state, server = start_receiver()
    yield state
    server.shutdown()
    server.server_close()


def test_create_a_webhook_and_follow_its_deliveries(page: Page, live_server, receiver):
    organizer, shop, manager = f.make_tenant()
    concert = make_concert(organizer, shop, name="Gala")
    log_in(page, live_server.url, manager.email)
    page.goto(f"{live_server.url}/backoffice/o/{organizer.slug}/s/{shop.slug}/")
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Webhooks").click()
    expect(page.get_by_text("No webhook in this shop yet.")).to_be_visible()

    # a refused address keeps the form and says why
    page.get_by_label("Address that receives the events").fill("ftp://example.org/x")
    page.get_by_label("Order placed").check()
    page.get_by_role("button", name="Create").click()
    expect(page.locator(".field.has-error")).to_be_visible()

    page.get_by_label("Address that receives the events").fill(receiver.url)
    page.get_by_label("Order placed").check()
    page.get_by_label("Order paid").check()
    page.get_by_role("button", name="Create").click()
    secret = page.locator("[data-secret]").inner_text().strip()
    assert secret.startswith("whsec_")
    page.get_by_role("link", name="I have copied it").click()
    expect(page.get_by_text("Nothing sent to this address yet.")).to_be_visible()
    assert secret not in page.content()  # shown once only

    order = place(shop, concert, paid=True)

    page.reload()
    rows = page.locator("table.deliveries tbody tr")
    expect(rows).to_have_count(2)
    expect(page.locator("tr[data-state=delivered]")).to_have_count(2)
    assert len(receiver.requests) == 2
    for request in receiver.requests:
        assert signing.verify(secret, request.headers[signing.HEADER], request.body)
    events = [json.loads(r.body)["event"] for r in receiver.requests]
    assert events == ["order.created", "order.paid"]

    page.get_by_role("link", name="Order paid").click()
    expect(page.locator("table.attempts tbody tr")).to_have_count(1)
    expect(page.locator("table.attempts")).to_contain_text("HTTP 200")
    expect(page.locator("pre.payload")).to_contain_text(f'"number": {order.number}')
    page.get_by_role("button", name="Send again").click()
    # sent again at once, the first attempt stays in the log
    expect(page.locator("table.attempts tbody tr")).to_have_count(2)
    expect(page.locator("[data-state=delivered]")).to_be_visible()
    assert len(receiver.requests) == 3
