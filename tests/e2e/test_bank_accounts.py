"""Bank accounts and the invoice settings in a real browser (PAY-5, PAY-6): a wrong IBAN is
refused with a clear message, a QR-IBAN account is added and used, a second account is
chosen instead and the first deleted after confirmation; the invoice settings say the
deadline in words and follow the numbers as they are typed.

Runs Debian's Chromium through Playwright against `live_server`; see tests/conftest.py.
"""

import pytest
from playwright.sync_api import Page, expect

from billetterie.banking.models import BankAccount
from billetterie.banking.services import invoices
from tests import factories as f
from tests.e2e.test_backoffice_orders import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_account(page: Page, *, label: str, iban: str) -> None:
    page.get_by_label("Name").fill(label)
    page.get_by_label("IBAN or QR-IBAN").fill(iban)
    page.get_by_label("Account holder").fill("Théâtre des Arts")
    page.get_by_label("Street").fill("Rue du Midi")
    page.get_by_label("House number").fill("12")
    page.get_by_label("Postal code").fill("1003")
    page.get_by_label("Town").fill("Lausanne")


def test_bank_accounts_and_invoice_settings(page: Page, live_server):
    organizer, shop, manager = f.make_tenant()
    log_in(page, live_server.url, manager.email)
    page.goto(f"{live_server.url}/backoffice/o/{organizer.slug}/s/{shop.slug}/")
    page.get_by_role("navigation", name="Main menu").get_by_role(
        "link", name="Bank accounts"
    ).click()
    expect(page.get_by_text("No bank account yet")).to_be_visible()

    page.get_by_role("link", name="Add a bank account").click()
    fill_account(page, label="Compte QR", iban="CH44 3199 9123 0008 8901 3")  # a typo
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_role("alert")).to_contain_text("its check digits do not match")
    assert not BankAccount.objects.exists()
    page.get_by_label("IBAN or QR-IBAN").fill("CH44 3199 9123 0008 8901 2")
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_role("status")).to_contain_text("Bank account “Compte QR” added.")
    first = page.locator("tr", has_text="Compte QR")
    expect(first).to_contain_text("CH44 3199 9123 0008 8901 2")
    expect(first).to_contain_text("QR-IBAN")
    expect(first).to_contain_text("in use")

    page.get_by_role("link", name="Add a bank account").click()
    fill_account(page, label="Poste", iban="CH93 0076 2011 6238 5295 7")
    page.get_by_role("button", name="Add").click()
    page.locator("tr", has_text="Poste").get_by_role("button", name="Use for new invoices").click()
    expect(page.get_by_role("status")).to_contain_text("New invoices are paid to “Poste”.")
    expect(page.locator("tr", has_text="Poste")).to_contain_text("in use")

    page.locator("tr", has_text="Compte QR").get_by_role("link", name="Delete").click()
    expect(page.get_by_role("heading", name="Delete the bank account")).to_be_visible()
    page.get_by_role("button", name="Delete the bank account").click()
    expect(page.get_by_role("status")).to_contain_text("Bank account “Compte QR” deleted.")
    assert list(BankAccount.objects.values_list("label", flat=True)) == ["Poste"]

    page.get_by_role("link", name="Invoice settings").click()
    explanation = page.locator("[data-explanation]")
    expect(explanation).to_contain_text(
        "Reminders on day 10 and day 20, cancellation on day 30 after the order."
    )
    page.get_by_label("Days before the first reminder (D)").fill("5")
    expect(explanation).to_contain_text(
        "Reminders on day 5 and day 10, cancellation on day 15 after the order."
    )  # live, before saving
    page.get_by_label("Number of reminders (N)").fill("0")
    expect(explanation).to_contain_text("No reminder; cancellation on day 5 after the order.")
    page.get_by_label("Number of reminders (N)").fill("2")
    page.get_by_label("Offer payment by invoice").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").first).to_contain_text("The invoice settings are saved.")
    expect(explanation).to_contain_text("cancellation on day 15 after the order.")
    assert invoices.invoice_method_enabled(shop)
    assert invoices.invoice_rule(shop).cancel_day == 15

    # on a phone the table scrolls inside its box, the page itself does not
    page.set_viewport_size({"width": 375, "height": 740})
    page.get_by_role("link", name="Bank accounts").first.click()
    assert page.evaluate("document.documentElement.scrollWidth") <= 376
