"""The invoice PDF (PRN-4, PAY-6): read back as text, and its Swiss QR-bill decoded from the
rendered page and parsed as an SPC 0200 payload."""

import pytest

from billetterie.banking.services import invoices
from billetterie.documents.invoices import InvoiceDocument, InvoiceLine, render_invoice_pdf
from tests.banking.helpers import IBAN, far_concert, invoice_shop, pay_by_invoice
from tests.documents.helpers import decoded_qr_codes, page_texts
from tests.orders.sales import place

pytestmark = pytest.mark.django_db


def spc(payload: str) -> dict:
    """The fields of a Swiss QR-bill payload (Swiss Payments Code, version 0200)."""
    lines = payload.replace("\r\n", "\n").split("\n")
    assert lines[:3] == ["SPC", "0200", "1"], lines[:3]
    return {
        "iban": lines[3],
        "creditor": lines[5],
        "amount": lines[18],
        "currency": lines[19],
        "debtor": lines[21],
        "reference_type": lines[27],
        "reference": lines[28],
        "message": lines[29],
        "trailer": lines[30],
    }


def test_invoice_pdf_carries_the_qr_bill_with_the_qr_reference(organizer, shop):
    concert = far_concert(organizer, shop, name="Le Misanthrope")
    invoice_shop(shop)
    order = place(shop, concert, quantity=2, seated=1, data={})
    invoice = pay_by_invoice(order)
    pdf = invoices.invoice_pdf(invoice)
    (text,) = page_texts(pdf)
    assert "Invoice 000001" in text
    assert "2 x Plein tarif" in text and "1 x Balcon" in text
    assert "Le Misanthrope" in text
    assert "Total due CHF 150.00" in text
    assert "Due date" in text
    assert "Receipt" in text and "Payment part" in text  # the QR-bill's two parts
    ((payload,),) = decoded_qr_codes(pdf, dpi=300)
    fields = spc(payload)
    assert fields["iban"] == "CH4431999123000889012"
    assert fields["creditor"] == "Théâtre des Arts"
    assert (fields["amount"], fields["currency"]) == ("150.00", "CHF")
    assert fields["reference_type"] == "QRR"
    assert fields["reference"] == invoice.qr_reference
    assert "000001" in fields["message"]
    assert fields["trailer"] == "EPD"


def test_a_normal_iban_gets_a_scor_reference_on_the_bill(organizer, shop):
    invoice_shop(shop, iban=IBAN)
    invoice = pay_by_invoice(place(shop, far_concert(organizer, shop)))
    ((payload,),) = decoded_qr_codes(invoices.invoice_pdf(invoice), dpi=300)
    fields = spc(payload)
    assert fields["iban"] == "CH9300762011623852957"
    assert (fields["reference_type"], fields["reference"]) == ("SCOR", invoice.qr_reference)


def test_invoice_in_french(organizer, shop):
    invoice_shop(shop)
    invoice = pay_by_invoice(place(shop, far_concert(organizer, shop), language="fr"))
    (text,) = page_texts(invoices.invoice_pdf(invoice))
    assert "Facture 000001" in text
    assert "Récépissé" in text and "Section paiement" in text


def test_many_lines_flow_onto_a_second_page_with_the_bill_last():
    doc = InvoiceDocument(
        title="Invoice 000009",
        seller=["Théâtre"],
        buyer=["Ana"],
        facts=[("Due date", "01.01.2030")],
        lines=[InvoiceLine(f"1 x Tarif {n}", "Concert", "CHF 10.00") for n in range(60)],
        totals=[("Total due", "CHF 600.00")],
    )
    pages = page_texts(render_invoice_pdf(doc))
    assert len(pages) >= 2 and "Tarif 59" in pages[-1]


def test_a_buyer_address_the_qr_bill_refuses_leaves_its_payer_box_empty(organizer, shop):
    invoice_shop(shop)
    order = place(shop, far_concert(organizer, shop))
    order.zip_code, order.city, order.country = "1000", "Lausanne", "XX"  # no such country
    order.save()
    invoice = pay_by_invoice(order)
    ((payload,),) = decoded_qr_codes(invoices.invoice_pdf(invoice), dpi=300)
    fields = spc(payload)
    assert fields["reference"] == invoice.qr_reference and fields["debtor"] == ""


def test_an_issued_invoice_keeps_its_buyer_and_seller(organizer, shop):
    account = invoice_shop(shop)
    order = place(shop, far_concert(organizer, shop), first_name="Ana", last_name="Muster")
    invoice = pay_by_invoice(order)
    order.first_name = "Someone"
    order.save()
    account.holder_name = "Another holder"
    account.save()
    (text,) = page_texts(invoices.invoice_pdf(invoice))
    assert "Ana Muster" in text and "Someone" not in text
    assert "Théâtre des Arts" in text and "Another holder" not in text


def test_a_foreign_iban_prints_bank_details_and_a_creditor_reference(organizer):
    from tests.factories import make_shop

    shop = make_shop(organizer, currency="EUR")
    invoice_shop(shop, iban="DE89 3704 0044 0532 0130 00", currency="EUR")
    invoice = pay_by_invoice(place(shop, far_concert(organizer, shop)))
    pdf = invoices.invoice_pdf(invoice)
    assert decoded_qr_codes(pdf) == [[]]  # no QR-bill outside Switzerland and Liechtenstein
    (text,) = page_texts(pdf)
    assert "DE89 3704 0044 0532 0130 00" in text
    assert invoice.qr_reference.startswith("RF")
    assert "Give the reference RF" in text and "Total due EUR 90.00" in text
