"""Cinema-style ticket for 80 mm roll printers (the receipt-type thermal printers of box
offices and kiosks).

Format: 80 x 130 mm portrait. An 80 mm roll prints about 72 mm wide, hence 4 mm margins;
the driver cuts after each page. The place is what a cinema-goer looks for, so the seat is
the largest text after the film; the QR code (32 mm) sits at the bottom, above the
reference and order number. Black on white only: thermal heads print no grey.
"""

from django.utils.translation import gettext_lazy as _
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from billetterie.documents.layouts.base import Layout, TicketData, TicketLabels
from billetterie.documents.pdf import (
    BOLD,
    INK,
    MONO,
    REGULAR,
    clean,
    draw,
    draw_label,
    draw_qr,
    fit,
)
from billetterie.documents.qr import QUIET_MODULES

PAGE_W, PAGE_H = 80 * mm, 130 * mm
MARGIN = 4 * mm
WIDTH = PAGE_W - 2 * MARGIN
CENTRE = PAGE_W / 2
QR_SIZE = 32 * mm
# The bottom part, from the page's bottom edge up: margin, order line (2 lines of 7 pt),
# reference (2 lines of 6.5 pt), then the QR code with its quiet zone.
BOTTOM_TEXT_H = 7 * mm
REFERENCE_H = 6 * mm
QR_TOP = MARGIN + BOTTOM_TEXT_H + REFERENCE_H + 6 * mm + QR_SIZE  # a quiet zone < 6 mm


class ThermalCinemaLayout(Layout):
    key = "thermal_cinema"
    label = _("Cinema ticket, 80 mm roll")
    description = _("A small ticket (80 x 130 mm) for 80 mm roll printers, the seat in large type.")
    page_size = (PAGE_W, PAGE_H)

    def draw(self, c: Canvas, t: TicketData, labels: TicketLabels) -> None:
        y = PAGE_H - MARGIN
        organizer = clean(t.organizer_name)
        if organizer:
            block = fit(organizer, REGULAR, width=WIDTH, height=9, max_size=7, min_size=6)
            y = draw(c, block, CENTRE, y, align="center") - 1 * mm
        event = fit(
            clean(t.event_name),
            BOLD,
            width=WIDTH,
            height=12 * mm,
            max_size=15,
            min_size=9,
            max_lines=2,
        )
        y = draw(c, event, CENTRE, y, align="center") - 1 * mm
        date = fit(
            clean(t.date_text),
            BOLD,
            width=WIDTH,
            height=11 * mm,
            max_size=13,
            min_size=9,
            max_lines=2,
        )
        y = draw(c, date, CENTRE, y, align="center") - 0.5 * mm
        venue = fit(
            clean(t.venue_text), REGULAR, width=WIDTH, height=4 * mm, max_size=8, min_size=6.5
        )
        y = draw(c, venue, CENTRE, y, align="center") - 1.5 * mm
        c.setStrokeColorRGB(*INK)
        c.setLineWidth(0.5)
        c.line(MARGIN, y, PAGE_W - MARGIN, y)
        y -= 2 * mm

        seat, zone = clean(t.seat_text), clean(t.zone_name)
        label = labels.seat if seat else labels.zone
        draw_label(c, label, CENTRE, y, WIDTH, 7, INK, align="center")
        y -= 7 * 1.4
        if seat:
            block = fit(zone, REGULAR, width=WIDTH, height=4 * mm, max_size=9, min_size=7)
            y = draw(c, block, CENTRE, y, align="center")
        block = fit(
            seat or zone, BOLD, width=WIDTH, height=13 * mm, max_size=16, min_size=9, max_lines=2
        )
        y = draw(c, block, CENTRE, y, align="center") - 1 * mm
        price = " · ".join(p for p in (clean(t.price_name), clean(t.amount_text)) if p)
        block = fit(price, REGULAR, width=WIDTH, height=8 * mm, max_size=9, min_size=7, max_lines=2)
        draw(c, block, CENTRE, y, align="center")

        module = draw_qr(c, t.qr_content, CENTRE - QR_SIZE / 2, QR_TOP, QR_SIZE)
        top = QR_TOP - QR_SIZE - QUIET_MODULES * module
        reference = t.reference_text
        if reference:
            block = fit(
                reference,
                MONO,
                width=WIDTH,
                height=min(REFERENCE_H, top - MARGIN - BOTTOM_TEXT_H),
                max_size=6.5,
                min_size=5,
                max_lines=2,
            )
            draw(c, block, CENTRE, top, align="center")
        order = " · ".join(
            p for p in (f"{labels.order} {clean(t.order_number)}", clean(t.holder_name)) if p
        )
        block = fit(
            order, REGULAR, width=WIDTH, height=BOTTOM_TEXT_H, max_size=7, min_size=5.5, max_lines=2
        )
        draw(c, block, CENTRE, MARGIN + block.height, align="center")
