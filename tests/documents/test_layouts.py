"""Every ticket layout (PRN-1..3), rendered and read back: page size, texts with their
accents through pypdf, each page's QR code decoded with zxing-cpp from a pypdfium2
rendering, the embedded fonts, and long texts kept inside the page and off the QR code."""

import io

import pypdfium2 as pdfium
import pytest
from PIL import Image
from pypdf import PdfReader

from billetterie.documents.layouts import LAYOUTS
from billetterie.documents.layouts.template import AREAS
from billetterie.documents.layouts.template import PAGE_H as TEMPLATE_H
from billetterie.documents.tickets import TicketData, render_tickets_pdf
from tests.documents.helpers import (
    MM,
    char_boxes,
    decoded_qr_codes,
    embedded_fonts,
    flat,
    image_count,
    overlapping,
    page_sizes_mm,
    page_texts,
    path_bounds,
)

SIZES_MM = {
    "a4": (210, 297),
    "thermal_stub": (203.2, 82.55),
    "thermal_cinema": (80, 130),
    "cr80": (53.98, 85.6),
    "template": (210, 99),
}
# The smallest QR code each layout draws, in mm (phones and door scanners need ~20 mm+).
QR_MIN_MM = {"a4": 45, "thermal_stub": 28, "thermal_cinema": 30, "cr80": 26, "template": 30}


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
        "order_number": "000117",
        "organizer_name": "Association Musique Vivante",
    }
    return TicketData(**{**values, **overrides})


TICKETS = [
    ticket(),
    ticket(
        secret="tk-Ue8sPq0ZxW2mN5bR7vK3jL9a",
        event_name="Fête de l\u2019été : chœur & orchestre",
        holder_name="Françoise Müller-Groß",
        zone_name="Balcon côté jardin",
        seat_text="Rang C, place 12",
        price_name="Étudiant·e",
        amount_text="25.00 €",
        order_number="000118",
    ),
    # the QR code carries a signed payload: it is not the secret printed under it
    ticket(
        secret="tk-Hy4cD6fG8jK0lZ2xC4vB6nM8",
        qr="v1.eyJ0IjoxMjM0NSwiZCI6Nzc3LCJ6IjozfQ.S1gn4tur3-ofTheShopKey-Ed25519xyzABC",
        holder_name="Zoé Garçon",
    ),
]
ALL_LAYOUTS = sorted(LAYOUTS)


@pytest.fixture(scope="module", params=ALL_LAYOUTS)
def rendered(request):
    return request.param, render_tickets_pdf(TICKETS, layout=request.param)


def test_every_layout_is_registered_with_a_documented_size():
    assert set(LAYOUTS) == set(SIZES_MM)
    for key, layout in LAYOUTS.items():
        assert layout.key == key and str(layout.label) and str(layout.description)


def test_one_page_per_ticket_at_the_layouts_size(rendered):
    layout, pdf = rendered
    sizes = page_sizes_mm(pdf)
    assert len(sizes) == len(TICKETS)
    for size in sizes:
        assert size == pytest.approx(SIZES_MM[layout], abs=0.1)


def test_each_page_qr_decodes_to_its_tickets_content(rendered):
    layout, pdf = rendered
    dpi = 300 if layout in ("cr80", "thermal_cinema") else 200
    assert decoded_qr_codes(pdf, dpi=dpi) == [[t.qr_content] for t in TICKETS]
    assert TICKETS[2].qr_content != TICKETS[2].secret


def test_the_texts_come_out_as_written_with_their_accents(rendered):
    layout, pdf = rendered
    texts = page_texts(pdf)
    for text, t in zip(texts, TICKETS, strict=True):
        for value in (
            t.event_name,
            t.date_text,
            t.zone_name,
            t.price_name,
            t.amount_text,
            t.holder_name,
            t.order_number,
            t.seat_text,
        ):
            assert flat(value) in text, (layout, value)
        assert t.secret in text.replace(" ", "")  # the reference under the code
    for word in ("Fête", "l\u2019été", "chœur", "Françoise", "Müller-Groß", "Étudiant·e", "€"):
        assert word in texts[1], (layout, word)
    assert "\u25a0" not in "".join(texts)  # the black box of a missing glyph


def test_fonts_are_embedded_and_draw_every_text(rendered):
    _layout, pdf = rendered
    assert embedded_fonts(pdf) == {"DejaVuSans", "DejaVuSans-Bold", "DejaVuSansMono"}
    used = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:

        def visit(text, _cm, _tm, font, _size):
            if text.strip() and font is not None:
                used.add(str(font["/BaseFont"]).split("+")[-1])

        page.extract_text(visitor_text=visit)
    assert used <= {"DejaVuSans", "DejaVuSans-Bold", "DejaVuSansMono"}


def qr_square(page, minimum_mm: float):
    """The QR code's bounds: the smallest square path at least `minimum_mm` wide (the
    template's white areas are larger squares)."""
    squares = [
        (left, bottom, right, top)
        for left, bottom, right, top in path_bounds(page)
        if right - left >= minimum_mm * MM and abs((right - left) - (top - bottom)) < 1
    ]
    assert squares, "no QR code found"
    return min(squares, key=lambda box: box[2] - box[0])


MONSTER = ticket(
    secret="S" * 60,
    event_name="Fête de la musique à Genève : «Les Garçons d\u2019été» en concert exceptionnel "
    * 4,
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


@pytest.mark.parametrize("layout", ALL_LAYOUTS)
def test_texts_too_long_stay_inside_the_page_off_each_other_and_off_the_qr_code(layout):
    pdf = render_tickets_pdf([MONSTER], layout=layout)
    document = pdfium.PdfDocument(pdf)
    try:
        page = document[0]
        width, height = page.get_size()
        boxes = char_boxes(page)
        assert len(boxes) > 100
        margin = 2 * MM  # thermal heads and card printers lose the edges
        left, bottom, right, top = qr_square(page, QR_MIN_MM[layout])
        quiet = 4 * (right - left) / 29  # 60 characters: a version 3 code, 29 modules
        for c_left, c_bottom, c_right, c_top in boxes:
            assert margin <= c_left and c_right <= width - margin
            assert margin <= c_bottom and c_top <= height - margin
            assert (
                c_right <= left - quiet
                or c_left >= right + quiet
                or c_top <= bottom - quiet
                or c_bottom >= top + quiet
            ), f"{layout}: text inside the QR code's quiet zone"
        assert not overlapping(boxes), f"{layout}: texts drawn over each other"
    finally:
        document.close()
    assert decoded_qr_codes(pdf, dpi=300) == [[MONSTER.secret]]
    assert "\u2026" in page_texts(pdf)[0]  # what could not fit ends with an ellipsis


def test_template_texts_stay_in_the_white_areas():
    pdf = render_tickets_pdf([MONSTER, *TICKETS], layout="template")
    document = pdfium.PdfDocument(pdf)
    areas = [
        (a.left, a.top - a.h, a.left + a.w, a.top) for a in AREAS.values()
    ]  # left, bottom, right, top in points
    try:
        for page in document:
            for c_left, c_bottom, c_right, c_top in char_boxes(page):
                assert any(
                    al - 0.5 <= c_left
                    and c_right <= ar + 0.5
                    and ab - 0.5 <= c_bottom
                    and c_top <= at + 0.5
                    for al, ab, ar, at in areas
                ), "a text outside the template's white areas"
    finally:
        document.close()
    assert pytest.approx(99 * MM, abs=0.1) == TEMPLATE_H


def design(color=(200, 30, 60)) -> bytes:
    """An organizer's design: a full-bleed colour, as a JPEG."""
    out = io.BytesIO()
    Image.new("RGB", (2480, 1169), color).save(out, format="JPEG", quality=90)
    return out.getvalue()


def test_template_background_is_embedded_once_and_its_areas_are_white():
    pdf = render_tickets_pdf(TICKETS, layout="template", background=design())
    # (reportlab writes object dictionaries uncompressed, so the bytes can be counted)
    assert pdf.count(b"/Subtype /Image") == 1, "the background is stored once, not per page"
    document = pdfium.PdfDocument(pdf)
    try:
        for page in document:
            assert image_count(page) == 1
            bitmap = page.render(scale=100 / 72).to_pil().convert("RGB")
            scale = 100 / 300  # rendered at 100 dpi, areas given at 300 dpi
            assert bitmap.getpixel((400, 100)) == pytest.approx((200, 30, 60), abs=12)
            for area in AREAS.values():
                corner = (int((area.x + 8) * scale), int((area.y + 8) * scale))
                assert bitmap.getpixel(corner) == (255, 255, 255)
    finally:
        document.close()
    assert decoded_qr_codes(pdf) == [[t.qr_content] for t in TICKETS]


def test_template_without_background_prints_on_the_sample_template():
    pdf = render_tickets_pdf(TICKETS[:1], layout="template")
    text = page_texts(pdf)[0]
    assert "Concert du printemps" in text
    document = pdfium.PdfDocument(pdf)
    try:
        bitmap = document[0].render(scale=100 / 72).to_pil().convert("L")
        # the sample's light grey frame around "your design", on white
        assert bitmap.getpixel((10, 10)) == 255
        assert bitmap.getpixel((20, 20)) == pytest.approx(200, abs=10)
        assert image_count(document[0]) == 1
    finally:
        document.close()


def photo(size=(400, 500), color=(30, 120, 200), fmt="JPEG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format=fmt)
    return out.getvalue()


def test_card_prints_the_holders_photo_in_its_frame():
    pdf = render_tickets_pdf([ticket(photo=photo())], layout="cr80")
    document = pdfium.PdfDocument(pdf)
    try:
        page = document[0]
        assert image_count(page) == 1
        bitmap = page.render(scale=300 / 72).to_pil().convert("RGB")
        # the frame: 20 x 25 mm at 3 mm from the left, under the organizer line
        assert bitmap.getpixel((int(13 * 300 / 25.4), int(20 * 300 / 25.4))) == pytest.approx(
            (30, 120, 200), abs=12
        )
    finally:
        document.close()
    assert "Photo" not in page_texts(pdf)[0]
    assert decoded_qr_codes(pdf, dpi=300) == [[ticket().secret]]


@pytest.mark.parametrize("given", [None, b"not an image", photo(fmt="PNG")[:60]])
def test_card_without_a_readable_photo_prints_a_placeholder(given):
    pdf = render_tickets_pdf([ticket(photo=given)], layout="cr80", language="en")
    assert "Photo" in page_texts(pdf)[0]
    document = pdfium.PdfDocument(pdf)
    try:
        assert image_count(document[0]) == 0
    finally:
        document.close()


def test_a_wide_or_tall_photo_is_cropped_to_the_frame_not_stretched():
    pdf = render_tickets_pdf([ticket(photo=photo(size=(1600, 300)))], layout="cr80")
    document = pdfium.PdfDocument(pdf)
    try:
        (image,) = [
            obj for obj in document[0].get_objects() if obj.type == pdfium.raw.FPDF_PAGEOBJ_IMAGE
        ]
        width, height = image.get_px_size()
        assert width / height == pytest.approx(20 / 25, abs=0.01)
    finally:
        document.close()


def test_unknown_layout_and_no_tickets_are_errors():
    with pytest.raises(ValueError, match="unknown ticket layout"):
        render_tickets_pdf(TICKETS, layout="poster")
    with pytest.raises(ValueError):
        render_tickets_pdf([], layout="cr80")
