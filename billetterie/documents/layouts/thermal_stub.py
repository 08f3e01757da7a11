"""Show/concert ticket stock for thermal ticket printers, with a tear-off stub.

Format: 8 x 3.25 inches (203.2 x 82.55 mm), landscape, the stub the last 2 inches
(50.8 mm) on the right behind a perforation. It is the common fan-fold "concert" / ATB
ticket stock of thermal ticket printers (Boca, Practical Automation, Stimare...), so the
printer driver prints the page 1:1, without scaling. Set the driver's paper to 8 x 3.25 in
(or 203 x 83 mm), landscape.

The body keeps everything the holder needs and the QR code (scanned at the door, before the
usher tears the stub off); the stub repeats the event, date, place, price and order
number for the venue's count. Black on white only: thermal heads print no grey, so the
small labels are black too. Margins are 4 mm: most heads cannot print the last 2-3 mm.
"""

from django.utils.translation import gettext_lazy as _
from reportlab.lib.units import inch, mm
from reportlab.pdfgen.canvas import Canvas

from billetterie.documents.layouts.base import Layout, TicketData, TicketLabels
from billetterie.documents.pdf import (
    BOLD,
    INK,
    MONO,
    REGULAR,
    clean,
    draw,
    draw_field,
    draw_qr,
    fit,
)
from billetterie.documents.qr import QUIET_MODULES

PAGE_W, PAGE_H = 8 * inch, 3.25 * inch
STUB_W = 2 * inch
MARGIN = 4 * mm
STUB_X = PAGE_W - STUB_W  # the perforation
QR_SIZE = 30 * mm
QR_COLUMN_W = 40 * mm  # the right-hand part of the body
TEXT_W = STUB_X - 2 * MARGIN - QR_COLUMN_W - 2 * mm
GAP = 1.5 * mm


class ThermalStubLayout(Layout):
    key = "thermal_stub"
    label = _("Thermal ticket with stub (8 x 3.25 in)")
    description = _(
        "Show and concert ticket stock for thermal ticket printers (203 x 83 mm), with a "
        "tear-off stub."
    )
    page_size = (PAGE_W, PAGE_H)

    def begin(self, c: Canvas, labels: TicketLabels, *, background: bytes | None) -> None:
        # the perforation mark, the same on every page: drawn once, placed on each
        c.beginForm("stub-perforation")
        c.setStrokeColorRGB(*INK)
        c.setLineWidth(0.5)
        c.setDash(2, 2)
        c.line(STUB_X, 2 * mm, STUB_X, PAGE_H - 2 * mm)
        c.setDash()
        c.endForm()

    def draw(self, c: Canvas, t: TicketData, labels: TicketLabels) -> None:
        c.doForm("stub-perforation")
        self._body(c, t, labels)
        self._stub(c, t, labels)

    def _body(self, c: Canvas, t: TicketData, labels: TicketLabels) -> None:
        x = MARGIN
        y = PAGE_H - MARGIN
        organizer = clean(t.organizer_name)
        if organizer:
            block = fit(organizer, REGULAR, width=TEXT_W, height=9, max_size=7, min_size=6)
            y = draw(c, block, x, y) - 1 * mm
        event = fit(
            clean(t.event_name),
            BOLD,
            width=TEXT_W,
            height=14 * mm,
            max_size=16,
            min_size=9,
            max_lines=2,
        )
        y = draw(c, event, x, y) - 1 * mm
        date = fit(
            clean(t.date_text),
            BOLD,
            width=TEXT_W,
            height=9 * mm,
            max_size=11,
            min_size=8,
            max_lines=2,
        )
        y = draw(c, date, x, y) - 0.5 * mm
        venue = fit(
            clean(t.venue_text), REGULAR, width=TEXT_W, height=4 * mm, max_size=8, min_size=6.5
        )
        y = draw(c, venue, x, y) - 2 * mm

        half = (TEXT_W - 4 * mm) / 2
        right = x + half + 4 * mm
        sized = {
            "max_size": 11,
            "min_size": 7,
            "max_lines": 2,
            "height": 8 * mm,
            "label_size": 6.5,
            "label_color": INK,
        }
        rows = [
            ((labels.zone, t.zone_name), (labels.seat, t.seat_text)),
            ((labels.price, t.price_name), (labels.amount, t.amount_text)),
            ((labels.holder, t.holder_name), (labels.order, t.order_number)),
        ]
        for (left_label, left_value), (right_label, right_value) in rows:
            below = draw_field(c, left_label, clean(left_value), x, y, half, **sized)
            if clean(right_value):
                below = min(
                    below, draw_field(c, right_label, clean(right_value), right, y, half, **sized)
                )
            y = below - GAP

        # The QR code, centred in the right-hand column of the body, its quiet zone clear.
        column_x = STUB_X - MARGIN - QR_COLUMN_W
        qr_top = PAGE_H - 8 * mm
        module = draw_qr(c, t.qr_content, column_x + (QR_COLUMN_W - QR_SIZE) / 2, qr_top, QR_SIZE)
        top = qr_top - QR_SIZE - QUIET_MODULES * module
        reference = t.reference_text
        if reference:
            block = fit(
                reference,
                MONO,
                width=QR_COLUMN_W,
                height=top - MARGIN,
                max_size=7,
                min_size=5,
                max_lines=4,
            )
            draw(c, block, column_x + QR_COLUMN_W / 2, top, align="center")

    def _stub(self, c: Canvas, t: TicketData, labels: TicketLabels) -> None:
        x = STUB_X + MARGIN
        width = STUB_W - 2 * MARGIN
        y = PAGE_H - MARGIN
        event = fit(
            clean(t.event_name),
            BOLD,
            width=width,
            height=13 * mm,
            max_size=10,
            min_size=7,
            max_lines=3,
        )
        y = draw(c, event, x, y) - 1 * mm
        date = fit(
            clean(t.date_text),
            BOLD,
            width=width,
            height=7 * mm,
            max_size=8,
            min_size=6.5,
            max_lines=2,
        )
        y = draw(c, date, x, y) - 2 * mm
        place = ", ".join(p for p in (clean(t.zone_name), clean(t.seat_text)) if p)
        sized = {
            "max_size": 9,
            "min_size": 6.5,
            "max_lines": 2,
            "height": 7 * mm,
            "label_size": 6,
            "label_color": INK,
        }
        y = draw_field(c, labels.zone, place, x, y, width, **sized) - GAP
        price = " · ".join(p for p in (clean(t.price_name), clean(t.amount_text)) if p)
        y = draw_field(c, labels.price, price, x, y, width, **sized) - GAP
        sized_order = {**sized, "max_lines": 1, "height": 4 * mm}
        draw_field(c, labels.order, clean(t.order_number), x, y, width, **sized_order)
