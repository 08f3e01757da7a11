"""Organizer ticket templates (PRN-2): the organizer's own design as the ticket's background.

The template
------------
A landscape image of exactly 2480 x 1169 pixels (PNG or JPEG), printed at 300 dpi: a page
of 210 x 99 mm, a third of an A4 sheet. The organizer designs anything they like, except in
four white areas where the ticket's data and QR code are printed (the areas below; pixels
from the image's top-left corner). The areas are painted white before printing, so what
the design puts there is covered, and the QR code always reads.

| area      | x, y (px)  | w x h (px)  | x, y, w x h (mm)          | holds                       |
| --------- | ---------- | ----------- | ------------------------- | --------------------------- |
| `qr`      | 1880, 60   | 540 x 540   | 159.2, 5.1, 45.7 x 45.7   | the QR code and quiet zone  |
| `holder`  | 1880, 640  | 540 x 469   | 159.2, 54.2, 45.7 x 39.7  | holder, order, reference    |
| `event`   | 60, 770    | 1780 x 170  | 5.1, 65.2, 150.7 x 14.4   | event, date, venue          |
| `details` | 60, 960    | 1780 x 149  | 5.1, 81.3, 150.7 x 12.6   | zone, seat, price, amount   |

The rest (1840 x 750 px at the top left, and the 60 px borders) is the organizer's.
`sample_template_png()` draws these areas in light grey with their names: the organizer
downloads it from the back office and lays it over their design before exporting.
"""

import functools
import io
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageDraw, ImageFont
from reportlab.lib.units import inch, mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from billetterie.documents.layouts.base import Layout, TicketData, TicketLabels
from billetterie.documents.pdf import (
    BOLD,
    FONT_DIR,
    GREY,
    MONO,
    REGULAR,
    clean,
    draw,
    draw_field,
    draw_qr_in_square,
    fit,
)

WIDTH_PX, HEIGHT_PX = 2480, 1169
DPI = 300
PAGE_W, PAGE_H = WIDTH_PX * inch / DPI, HEIGHT_PX * inch / DPI  # 210 x 99 mm


@dataclass(frozen=True)
class Area:
    """A white area of the template, in pixels from the image's top-left corner."""

    x: int
    y: int
    width: int
    height: int

    # in PDF points, from the page's bottom-left corner
    @property
    def left(self) -> float:
        return self.x * inch / DPI

    @property
    def top(self) -> float:
        return PAGE_H - self.y * inch / DPI

    @property
    def w(self) -> float:
        return self.width * inch / DPI

    @property
    def h(self) -> float:
        return self.height * inch / DPI

    @property
    def in_mm(self) -> tuple[float, float, float, float]:
        return tuple(round(v * 25.4 / DPI, 1) for v in (self.x, self.y, self.width, self.height))


AREAS = {
    "qr": Area(1880, 60, 540, 540),
    "holder": Area(1880, 640, 540, 469),
    "event": Area(60, 770, 1780, 170),
    "details": Area(60, 960, 1780, 149),
}
PAD = 2 * mm  # inside an area, around its text


def area_names() -> dict[str, str]:
    """What each area holds, in the active language (for the sample image and the page)."""
    return {
        "qr": _("QR code"),
        "holder": _("Ticket holder, order number, reference"),
        "event": _("Event, date, venue"),
        "details": _("Zone, seat, price, amount"),
    }


class TemplateLayout(Layout):
    key = "template"
    label = gettext_lazy("Your ticket template (210 x 99 mm)")
    description = gettext_lazy(
        "Your own design (2480 x 1169 px) as the background; the ticket's data and QR code "
        "are printed in its white areas."
    )
    page_size = (PAGE_W, PAGE_H)

    def begin(self, c: Canvas, labels: TicketLabels, *, background: bytes | None) -> None:
        image = background if background is not None else sample_template_png()
        # The background is embedded once, as a form every page places: with drawImage on
        # each page, reportlab would hash the decoded image 1,000 times.
        c.beginForm("ticket-template")
        c.drawImage(ImageReader(io.BytesIO(image)), 0, 0, PAGE_W, PAGE_H)
        c.setFillColorRGB(1, 1, 1)
        for area in AREAS.values():
            c.rect(area.left, area.top - area.h, area.w, area.h, stroke=0, fill=1)
        c.endForm()

    def draw(self, c: Canvas, t: TicketData, labels: TicketLabels) -> None:
        c.doForm("ticket-template")
        qr = AREAS["qr"]
        draw_qr_in_square(c, t.qr_content, qr.left, qr.top, min(qr.w, qr.h))

        event = AREAS["event"]
        x, width = event.left + PAD, event.w - 2 * PAD
        y = event.top - PAD
        block = fit(clean(t.event_name), BOLD, width=width, height=7 * mm, max_size=16, min_size=9)
        y = draw(c, block, x, y) - 0.5 * mm
        when = " · ".join(p for p in (clean(t.date_text), clean(t.venue_text)) if p)
        block = fit(
            when,
            REGULAR,
            width=width,
            height=y - (event.top - event.h + PAD),
            max_size=10,
            min_size=7,
            max_lines=2,
        )
        draw(c, block, x, y)

        details = AREAS["details"]
        columns = [
            (labels.zone, t.zone_name),
            (labels.seat, t.seat_text),
            (labels.price, t.price_name),
            (labels.amount, t.amount_text),
        ]
        columns = [(label, clean(value)) for label, value in columns if clean(value)]
        gap = 3 * mm
        column_w = (details.w - 2 * PAD - gap * (len(columns) - 1)) / max(1, len(columns))
        x = details.left + PAD
        sized = {"max_size": 11, "min_size": 7, "max_lines": 2, "height": details.h - 2 * PAD - 10}
        for label, value in columns:
            draw_field(c, label, value, x, details.top - PAD, column_w, **sized)
            x += column_w + gap

        holder = AREAS["holder"]
        x, width = holder.left + PAD, holder.w - 2 * PAD
        y = holder.top - PAD
        sized = {"max_size": 11, "min_size": 7, "max_lines": 2, "height": 10 * mm}
        y = draw_field(c, labels.holder, clean(t.holder_name), x, y, width, **sized) - 1.5 * mm
        sized = {"max_size": 11, "min_size": 7, "max_lines": 1, "height": 5 * mm}
        y = draw_field(c, labels.order, clean(t.order_number), x, y, width, **sized) - 1.5 * mm
        reference = t.reference_text
        if reference:
            block = fit(
                reference,
                MONO,
                width=width,
                height=y - (holder.top - holder.h + PAD),
                max_size=7,
                min_size=5,
                max_lines=4,
            )
            draw(c, block, x, y, color=GREY)


@functools.lru_cache(maxsize=8)
def _sample_png(language_names: tuple[tuple[str, str], ...], note: str, artwork: str) -> bytes:
    image = Image.new("L", (WIDTH_PX, HEIGHT_PX), 255)
    pen = ImageDraw.Draw(image)
    regular = ImageFont.truetype(str(FONT_DIR / "DejaVuSans.ttf"), 34)
    bold = ImageFont.truetype(str(FONT_DIR / "DejaVuSans-Bold.ttf"), 40)
    names = dict(language_names)
    for key, area in AREAS.items():
        box = (area.x, area.y, area.x + area.width - 1, area.y + area.height - 1)
        pen.rectangle(box, fill=225, outline=150, width=3)
        pen.text((area.x + 20, area.y + 16), key, fill=60, font=bold)
        _write(pen, names[key], area.x + 20, area.y + 70, area.width - 40, regular)
    pen.rectangle((60, 60, 1839, 749), outline=200, width=3)
    _write(pen, artwork, 100, 100, 1700, bold)
    _write(pen, note, 100, 180, 1700, regular)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _write(pen: ImageDraw.ImageDraw, text: str, x: int, y: int, width: int, font) -> None:
    """Text wrapped on words into `width` pixels."""
    line = ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if line and pen.textlength(candidate, font=font) > width:
            pen.text((x, y), line, fill=60, font=font)
            y += int(font.size * 1.3)
            line = word
        else:
            line = candidate
    if line:
        pen.text((x, y), line, fill=60, font=font)


def sample_template_png() -> bytes:
    """The sample template (2480 x 1169 px PNG, grey), its texts in the active language."""
    return _sample_png(
        tuple(area_names().items()),
        _(
            "2480 x 1169 pixels, printed at 300 dpi (210 x 99 mm). Design anything here and "
            "around; keep the grey areas white: the ticket's data and QR code are printed "
            "there, over whatever they hold."
        ),
        _("Your design"),
    )
