"""The box office receipt renderer: plain data in, an 80 mm wide PDF out, read back."""

from billetterie.documents.receipts import ReceiptDocument, ReceiptLine, render_receipt_pdf
from tests.documents.helpers import embedded_fonts, page_sizes_mm, page_texts


def receipt(**changes) -> ReceiptDocument:
    fields = {
        "title": "Receipt",
        "number": "No. 000012",
        "organizer": "Association Œuvre & Cœur",
        "shop": "Théâtre du Léman",
        "issued": "Date: 12.05.2027 19:42",
        "order": "Order 000042 · Françoise Müller-Groß",
        "lines": [ReceiptLine("2 x Plein tarif", "Concert — 12.05.2027 20:00", "CHF 90.00")],
        "totals": [("Total", "CHF 90.00")],
        "payment": [("Paid by", "Cash"), ("Cash given", "CHF 100.00"), ("Change", "CHF 10.00")],
        "footer": ["2 tickets", "Thank you and enjoy the show!"],
    }
    return ReceiptDocument(**(fields | changes))


def test_a_receipt_prints_every_line_on_an_80_mm_page():
    pdf = render_receipt_pdf(receipt(), language="fr")
    (text,) = page_texts(pdf)
    for expected in (
        "Association Œuvre & Cœur",
        "Receipt No. 000012",
        "Order 000042 · Françoise Müller-Groß",
        "2 x Plein tarif CHF 90.00",
        "Total CHF 90.00",
        "Change CHF 10.00",
        "Thank you and enjoy the show!",
    ):
        assert expected in text
    ((width, _height),) = page_sizes_mm(pdf)
    assert round(width) == 80
    assert {"DejaVuSans", "DejaVuSans-Bold"} <= embedded_fonts(pdf)


def test_names_in_any_alphabet_print_and_a_long_receipt_grows_the_page():
    short = render_receipt_pdf(receipt())
    lines = [ReceiptLine(f"1 x Tarif {n}", "Концерт — Θέατρο", "EUR 10.00") for n in range(40)]
    long = render_receipt_pdf(receipt(organizer="Ελληνικό Θέατρο", lines=lines))
    (text,) = page_texts(long)
    assert "Ελληνικό Θέατρο" in text and "Концерт — Θέατρο" in text and "1 x Tarif 39" in text
    assert page_sizes_mm(long)[0][1] > 3 * page_sizes_mm(short)[0][1]
