"""Print-at-home (A4) ticket PDFs, read back the way a person and a scanner would: the text with
pypdf, each page rendered to pixels with pypdfium2 and its QR code decoded with zxing-cpp."""

import io

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
import segno
import zxingcpp
from django.utils import translation
from pypdf import PdfReader

from billetterie.documents.layouts import base as labels_module
from billetterie.documents.tickets import TicketData, render_tickets_pdf

A4_POINTS = (595.28, 841.89)
FOOTER_EN = "Present this ticket at the entrance. One ticket admits one person."
LONG_NAME = (
    "Fête de la musique à Genève : «Les Garçons d\u2019été» en concert exceptionnel avec "
    "l\u2019orchestre de chambre et le chœur — édition spéciale anniversaire des vingt-cinq "
    "ans, première partie : François et les Ça-Va"
)


def ticket(**overrides) -> TicketData:
    values = {
        "secret": "tk-3Fq9LmZ2vB7nR4tW8yC1dHa0",
        "event_name": "Concert du printemps",
        "date_text": "samedi 14 mars 2026, 20:00",
        "venue_text": "Salle Métropole, Lausanne",
        "zone_name": "Parterre",
        "seat_text": "",
        "price_name": "Plein tarif",
        "amount_text": "CHF 45.00",
        "holder_name": "Jean Dupont",
        "order_number": "A7K2-9QX1",
        "organizer_name": "Association Musique Vivante",
        "options": [],
    }
    return TicketData(**{**values, **overrides})


THREE = [
    ticket(),
    ticket(
        secret="tk-Ue8sPq0ZxW2mN5bR7vK3jL9a",
        event_name=LONG_NAME,
        venue_text="Théâtre du Léman, Quai du Mont-Blanc 19, 1201 Genève",
        holder_name="Françoise Müller-Lévêque",
        order_number="B8L3-0RY2",
    ),
    ticket(
        secret="tk-Hy4cD6fG8jK0lZ2xC4vB6nM8",
        event_name="Récital d\u2019orgue",
        zone_name="Balcon côté jardin",
        seat_text="Rang C, place 12",
        price_name="Étudiant·e / AVS / AI",
        amount_text="CHF 25.00",
        holder_name="Zoé Garçon",
        order_number="C9M4-1SZ3",
        options=["Programme imprimé", "Parking Mont-Blanc", "Verre de l\u2019amitié"],
    ),
]


def flat(text: str) -> str:
    return " ".join(text.split())


def page_texts(pdf: bytes) -> list[str]:
    return [flat(page.extract_text()) for page in PdfReader(io.BytesIO(pdf)).pages]


def decoded_qr_codes(pdf: bytes) -> list[list[str]]:
    """The QR codes zxing-cpp reads on each page rendered at 144 dpi."""
    document = pdfium.PdfDocument(pdf)
    try:
        return [
            [
                barcode.text
                for barcode in zxingcpp.read_barcodes(page.render(scale=2).to_pil())
                if barcode.format == zxingcpp.BarcodeFormat.QRCode
            ]
            for page in document
        ]
    finally:
        document.close()


def overlapping(boxes, tolerance=0.3):
    """Pairs of character boxes that overlap by more than tolerance points (a sweep)."""
    boxes = sorted(
        (b[0] + tolerance, b[1] + tolerance, b[2] - tolerance, b[3] - tolerance) for b in boxes
    )
    found, active = [], []
    for box in boxes:
        active = [a for a in active if a[2] > box[0]]
        found += [(a, box) for a in active if a[1] < box[3] and box[1] < a[3]]
        active.append(box)
    return found


@pytest.fixture(scope="module")
def three_pdf() -> bytes:
    return render_tickets_pdf(THREE)


def test_one_a4_page_per_ticket_with_its_texts(three_pdf):
    assert three_pdf.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(three_pdf))
    assert len(reader.pages) == 3
    for page in reader.pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(
            A4_POINTS, abs=0.01
        )
    for text, t in zip(page_texts(three_pdf), THREE, strict=True):
        for value in (
            t.event_name,
            t.date_text,
            t.venue_text,
            t.zone_name,
            t.price_name,
            t.amount_text,
            t.holder_name,
            t.order_number,
            t.organizer_name,
            t.secret,
            *t.options,
        ):
            assert flat(value) in text
    assert "Rang C, place 12" in page_texts(three_pdf)[2]
    assert "Rang C" not in page_texts(three_pdf)[0]


def test_french_accents_and_typographic_quotes_come_out_as_written(three_pdf):
    text = page_texts(three_pdf)[1]
    assert flat(LONG_NAME) in text
    for word in ("Fête", "à Genève", "«Les Garçons d\u2019été»", "chœur", "Françoise", "Lévêque"):
        assert word in text
    assert "\u25a0" not in text  # the black box of a glyph the font lacks


def test_each_page_qr_decodes_to_its_own_secret(three_pdf):
    assert decoded_qr_codes(three_pdf) == [[t.secret] for t in THREE]


def test_qr_is_a_vector_path_of_at_least_45_mm_with_a_clear_quiet_zone(three_pdf):
    """No image: the QR code is drawn as a path, and no text comes near it or overlaps."""
    document = pdfium.PdfDocument(three_pdf)
    try:
        for page, t in zip(document, THREE, strict=True):
            paths = [
                obj.get_bounds() for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH])
            ]
            assert not list(page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]))
            # the QR code is the one square path at least 45 mm wide
            squares = [
                (left, bottom, right, top)
                for left, bottom, right, top in paths
                if right - left >= 45 / 25.4 * 72 and abs((right - left) - (top - bottom)) < 1
            ]
            assert len(squares) == 1
            left, bottom, right, top = squares[0]
            quiet = 4 * (right - left) / len(segno.make_qr(t.secret, error="m").matrix)
            text = page.get_textpage()
            boxes = []
            for i in range(text.count_chars()):
                c_left, c_bottom, c_right, c_top = text.get_charbox(i)
                if c_right <= c_left:  # spaces and line breaks
                    continue
                boxes.append((c_left, c_bottom, c_right, c_top))
                assert (
                    c_right <= left - quiet
                    or c_left >= right + quiet
                    or c_top <= bottom - quiet
                    or c_bottom >= top + quiet
                ), "text inside the QR code's quiet zone"
            assert not overlapping(boxes), "texts drawn over each other"
    finally:
        document.close()


def test_texts_too_long_are_fitted_inside_the_page_and_the_qr_still_reads():
    monster = ticket(
        secret="S" * 140,
        event_name=LONG_NAME * 4,
        date_text="dimanche 15 mars 2026, 17:00 " * 10,
        venue_text="Quai du Mont-Blanc " * 30,
        zone_name="z" * 300,
        seat_text="s" * 200,
        price_name="Tarif réduit " * 20,
        amount_text="CHF 1'000'000'000.00",
        holder_name="H" * 500,
        order_number="O" * 120,
        organizer_name="Organisateur " * 40,
        options=[f"Option numéro {i} avec un libellé assez long" for i in range(80)],
    )
    pdf = render_tickets_pdf([monster])
    document = pdfium.PdfDocument(pdf)
    try:
        page = document[0]
        width, height = page.get_size()
        text = page.get_textpage()
        assert text.count_chars() > 500
        margin = 10 / 25.4 * 72  # everything stays 10 mm inside the paper edge
        boxes = []
        for i in range(text.count_chars()):
            left, bottom, right, top = text.get_charbox(i)
            if right <= left:
                continue
            assert margin <= left and right <= width - margin
            assert margin <= bottom and top <= height - margin
            boxes.append((left, bottom, right, top))
        assert not overlapping(boxes), "texts drawn over each other"
    finally:
        document.close()
    assert decoded_qr_codes(pdf) == [[monster.secret]]
    assert "\u2026" in page_texts(pdf)[0]  # what could not fit ends with an ellipsis


def test_names_in_any_latin_script_print_as_written_with_the_embedded_fonts():
    pdf = render_tickets_pdf(
        [
            ticket(
                holder_name="Łukasz Dvořák-Øster",
                amount_text="EUR\u202f45.00",
                zone_name="Zone\tA",
                price_name="Tarif réduit AVS/ÉTUDIANT·E",
            )
        ]
    )
    text = page_texts(pdf)[0]
    assert "Łukasz Dvořák-Øster" in text
    assert "EUR 45.00" in text  # the narrow no-break space prints as a space
    assert "Zone A" in text  # control characters never reach the page
    assert "Tarif réduit AVS/ÉTUDIANT·E" in text


def test_a_character_no_font_has_is_a_question_mark_not_an_empty_box():
    text = page_texts(render_tickets_pdf([ticket(holder_name="Wang 王")]))[0]
    assert "Wang ?" in text


def test_no_tickets_is_an_error():
    with pytest.raises(ValueError):
        render_tickets_pdf([])


def test_footer_in_english():
    text = page_texts(render_tickets_pdf([ticket()], language="en"))[0]
    assert FOOTER_EN in text


def test_footer_in_french_comes_from_the_french_catalogue():
    with translation.override("fr"):
        footer_fr = translation.gettext(FOOTER_EN)
    text = page_texts(render_tickets_pdf([ticket()], language="fr"))[0]
    assert flat(footer_fr) in text
    if footer_fr != FOOTER_EN:
        assert FOOTER_EN not in text


@pytest.mark.parametrize("language", ["fr", "en"])
def test_fixed_texts_are_looked_up_in_the_requested_language(monkeypatch, language):
    monkeypatch.setattr(labels_module, "_", lambda s: f"[{translation.get_language()}] {s}")
    with translation.override("de"):
        text = page_texts(render_tickets_pdf([ticket()], language=language))[0]
        assert translation.get_language() == "de"  # the caller's language is left alone
    assert f"[{language}] {FOOTER_EN}" in text
    other = "en" if language == "fr" else "fr"
    assert f"[{other}]" not in text
