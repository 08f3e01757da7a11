"""A buyer pays by invoice in the demo shop with a real browser (PAY-5, PAY-6, PAY-11): the
order is reserved with its due date, the invoice PDF downloads from the order page and its
Swiss QR-bill decodes to the demo account's QR-IBAN, amount and QR reference; the invoice
email carries the same PDF.

Runs Debian's Chromium through Playwright against `live_server`; see tests/conftest.py.
"""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from billetterie.banking.models import Invoice
from billetterie.banking.references import qr_reference_is_valid
from billetterie.inventory.services import recount
from billetterie.orders.models import Order
from tests.banking.test_invoice_pdf import spc
from tests.e2e import test_shop_purchase as purchase
from tests.e2e.test_shop_purchase import SHOP, emails_in, qr_codes_of

# the demo shop, the mail folder and the console watch of the purchase test
demo = purchase.demo
mail_dir = purchase.mail_dir
console_errors = purchase.console_errors

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_buyer_pays_by_invoice_and_downloads_it(
    page: Page, live_server, demo, mail_dir: Path, console_errors
):
    page.goto(f"{live_server.url}{SHOP}")
    page.get_by_role("link", name="Le Misanthrope").click()
    page.get_by_role("link", name=re.compile("^Tickets for")).first.click()
    full = page.get_by_role("region", name="Parterre").get_by_role("form", name="Plein tarif")
    full.get_by_label("Number of tickets").select_option("2")
    full.get_by_role("button", name="Add to cart").click()
    expect(page.get_by_role("status")).to_contain_text("added to your cart")

    page.get_by_role("link", name="Checkout").click()
    page.get_by_label("Email", exact=True).fill("ana@example.org")
    page.get_by_label("Email (again)").fill("ana@example.org")
    page.get_by_label("First name").fill("Ana")
    page.get_by_label("Last name").fill("Muster")
    page.get_by_role("button", name="Place the order").click()
    expect(page.get_by_role("status").first).to_contain_text("Your order is placed.")

    page.get_by_role("radio", name="Invoice (bank transfer)").check()
    page.get_by_role("button", name=re.compile("^Pay")).click()
    expect(page.get_by_role("status").first).to_contain_text(
        "Your places are reserved. The invoice 000001 was sent to you by email"
    )
    invoice = Invoice.objects.get()
    order = Order.objects.get()
    assert (order.state, order.payment_method, order.expires_at) == ("pending", "invoice", None)
    section = page.get_by_role("region", name="Invoice 000001")
    expect(section).to_contain_text("Please pay CHF 90.00 by")
    expect(section.locator("code")).to_have_text(re.compile(r"^\d\d( \d{5}){5}$"))
    expect(page.get_by_role("radio", name="Invoice (bank transfer)")).to_have_count(0)

    with page.expect_download() as download_info:
        section.get_by_role("link", name="Download the invoice (PDF)").click()
    download = download_info.value
    assert download.suggested_filename == "invoice-000001.pdf"
    pdf = Path(download.path()).read_bytes()
    (payload,) = qr_codes_of(pdf)
    fields = spc(payload)
    assert fields["iban"] == "CH4431999123000889012"
    assert (fields["amount"], fields["currency"]) == ("90.00", "CHF")
    assert fields["reference_type"] == "QRR" and qr_reference_is_valid(fields["reference"])
    assert fields["reference"] == invoice.qr_reference
    assert recount() == []
    assert console_errors == []

    (message,) = emails_in(mail_dir)
    assert message["To"] == "ana@example.org"
    assert "Invoice 000001" in message["Subject"]
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_filename() == "invoice-000001.pdf"
    assert spc(qr_codes_of(attachment.get_content())[0])["reference"] == invoice.qr_reference
