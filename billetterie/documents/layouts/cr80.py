"""Pass card (PRN-3): CR80, the ISO/IEC 7810 ID-1 card of badge printers, portrait.

Format: 53.98 x 85.60 mm (printer drivers call it "CR80 (54 x 86 mm)"); set the driver to
portrait and "fit the whole image". The holder's photo (20 x 25 mm, cropped to fit) sits top
left beside their name, the pass or event and its validity; the place and price under
them; the QR code (28 mm) at the bottom. Without a photo, or with one that cannot be read,
a framed placeholder is printed where it would go.
"""

import io

from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from billetterie.documents.layouts.base import Layout, TicketData, TicketLabels
from billetterie.documents.pdf import (
    BOLD,
    GREY,
    LIGHT,
    MONO,
    REGULAR,
    clean,
    draw,
    draw_label,
    draw_qr,
    fit,
)
from billetterie.documents.qr import QUIET_MODULES

PAGE_W, PAGE_H = 53.98 * mm, 85.60 * mm
MARGIN = 3 * mm
WIDTH = PAGE_W - 2 * MARGIN
CENTRE = PAGE_W / 2
PHOTO_W, PHOTO_H = 20 * mm, 25 * mm
PHOTO_DPI = 300
QR_SIZE = 28 * mm
REFERENCE_H = 3 * mm
QR_TOP = MARGIN + REFERENCE_H + 5 * mm + QR_SIZE  # room for a quiet zone of up to 5 mm
MAX_PHOTO_PIXELS = 40_000_000


class CR80Layout(Layout):
    key = "cr80"
    label = _("Pass card CR80 (54 x 86 mm)")
    description = _("A PVC card for badge printers, with the holder's photo, for passes.")
    page_size = (PAGE_W, PAGE_H)
    for_e_tickets = False  # a card printer's format, for passes

    def draw(self, c: Canvas, t: TicketData, labels: TicketLabels) -> None:
        y = PAGE_H - MARGIN
        organizer = clean(t.organizer_name)
        if organizer:
            block = fit(organizer, REGULAR, width=WIDTH, height=8, max_size=6, min_size=5)
            y = draw(c, block, CENTRE, y, align="center", color=GREY)
        y -= 1 * mm

        photo_top = y
        _draw_photo(c, t.photo, labels, MARGIN, photo_top - PHOTO_H)
        x = MARGIN + PHOTO_W + 2.5 * mm
        width = PAGE_W - MARGIN - x
        holder = fit(
            clean(t.holder_name) or "-",
            BOLD,
            width=width,
            height=12 * mm,
            max_size=10,
            min_size=6.5,
            max_lines=3,
        )
        y = draw(c, holder, x, photo_top) - 1 * mm
        event = fit(
            clean(t.event_name),
            REGULAR,
            width=width,
            height=6.5 * mm,
            max_size=7.5,
            min_size=5.5,
            max_lines=2,
        )
        y = draw(c, event, x, y) - 0.5 * mm
        validity = fit(
            clean(t.date_text),
            REGULAR,
            width=width,
            height=5.5 * mm,
            max_size=6.5,
            min_size=5,
            max_lines=2,
        )
        draw(c, validity, x, y, color=GREY)

        y = photo_top - PHOTO_H - 2 * mm
        place = ", ".join(p for p in (clean(t.zone_name), clean(t.seat_text)) if p)
        price = " · ".join(p for p in (clean(t.price_name), clean(t.amount_text)) if p)
        for text, font in ((place, BOLD), (price, REGULAR)):
            if text:
                block = fit(text, font, width=WIDTH, height=3.4 * mm, max_size=7.5, min_size=5.5)
                y = draw(c, block, CENTRE, y, align="center")

        module = draw_qr(c, t.qr_content, CENTRE - QR_SIZE / 2, QR_TOP, QR_SIZE)
        top = QR_TOP - QR_SIZE - QUIET_MODULES * module
        reference = " · ".join(p for p in (clean(t.order_number), t.reference_text) if p)
        block = fit(
            reference,
            MONO,
            width=WIDTH,
            height=max(top - MARGIN * 0.7, 5),
            max_size=5.5,
            min_size=4.5,
            max_lines=1,
        )
        draw(c, block, CENTRE, top, align="center", color=GREY)


def _draw_photo(c: Canvas, photo: bytes | None, labels: TicketLabels, x: float, y: float) -> None:
    reader = _photo_reader(photo) if photo else None
    if reader is not None:
        c.drawImage(reader, x, y, PHOTO_W, PHOTO_H)
        return
    c.setStrokeColorRGB(*LIGHT)
    c.setLineWidth(0.6)
    c.rect(x, y, PHOTO_W, PHOTO_H, stroke=1, fill=0)
    draw_label(c, labels.photo, x + PHOTO_W / 2, y + PHOTO_H / 2 + 3, PHOTO_W, 6, align="center")


def _photo_reader(photo: bytes) -> ImageReader | None:
    """The photo cropped to the frame's shape at 300 dpi, or None if it cannot be read."""
    try:
        with Image.open(io.BytesIO(photo), formats=["JPEG", "PNG", "WEBP"]) as image:
            if image.width * image.height > MAX_PHOTO_PIXELS:
                return None
            image.load()
            image = ImageOps.exif_transpose(image).convert("RGB")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None
    size = (round(PHOTO_W / 72 * PHOTO_DPI), round(PHOTO_H / 72 * PHOTO_DPI))
    fitted = ImageOps.fit(image, size, Image.Resampling.LANCZOS)
    out = io.BytesIO()
    fitted.save(out, format="JPEG", quality=90)
    out.seek(0)
    return ImageReader(out)
