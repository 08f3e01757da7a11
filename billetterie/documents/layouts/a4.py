"""Print-at-home: one A4 portrait page per ticket.

Organizer, event, date and venue at the top; under them the ticket box, its details on the
left and the QR code on a dashed stub on the right (50 mm wide, so any phone or hand
scanner reads it from paper or from a screen); a footer under the box.
"""

from django.utils.translation import gettext_lazy as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from billetterie.documents.layouts.base import Layout, TicketData, TicketLabels
from billetterie.documents.pdf import (
    BOLD,
    GREY,
    INK,
    MONO,
    REGULAR,
    RULE,
    clean,
    draw,
    draw_field,
    draw_label,
    draw_qr,
    fit,
)
from billetterie.documents.qr import QUIET_MODULES

PAGE_W, PAGE_H = A4
MARGIN = 15 * mm
CONTENT_W = PAGE_W - 2 * MARGIN

# The header's blocks have bounded heights (at most about 78 mm with the margin), so the
# ticket box, which follows it, always ends above 200 mm from the top, and the footer under
# it well inside the page.
BOX_GAP = 8 * mm
BOX_H = 110 * mm
BOX_PAD = 7 * mm
QR_COLUMN_W = 74 * mm  # right-hand stub of the box: QR code and reference
QR_SIZE = 50 * mm  # the symbol itself, without its quiet zone
QR_OFFSET = 14 * mm  # from the box top: more than the 4-module quiet zone of a version 1 code


class A4Layout(Layout):
    key = "a4"
    label = _("A4 print-at-home")
    description = _("One A4 page per ticket, for buyers who print at home or show a phone.")
    page_size = A4

    def draw(self, c: Canvas, t: TicketData, labels: TicketLabels) -> None:
        box_top = _draw_header(c, t) - BOX_GAP
        box_bottom = box_top - BOX_H
        left, right = MARGIN, PAGE_W - MARGIN

        # The ticket box, with a dashed stub on the right for the QR code.
        c.setStrokeColorRGB(*INK)
        c.setLineWidth(1.2)
        c.roundRect(left, box_bottom, CONTENT_W, BOX_H, 3 * mm, stroke=1, fill=0)
        stub_x = right - QR_COLUMN_W
        c.setStrokeColorRGB(*RULE)
        c.setLineWidth(0.6)
        c.setDash(3, 3)
        c.line(stub_x, box_bottom + 4 * mm, stub_x, box_top - 4 * mm)
        c.setDash()

        # Left part: the details, then the options in whatever height is left.
        x = left + BOX_PAD
        width = stub_x - BOX_PAD - x
        y = _draw_details(c, t, labels, x, box_top - BOX_PAD, width)
        options = [f"\u2022 {o}" for o in map(clean, t.options) if o]
        if options:
            draw_label(c, labels.options, x, y, width)
            top = y - 10.5
            block = fit(
                options,
                REGULAR,
                width=width,
                height=top - (box_bottom + BOX_PAD),
                max_size=10,
                min_size=7,
            )
            draw(c, block, x, top)

        # Right stub: the QR code with its quiet zone (nothing else is drawn within 4 modules
        # of it), then the reference in small monospace type.
        qr_top = box_top - QR_OFFSET
        qr_x = stub_x + (QR_COLUMN_W - QR_SIZE) / 2
        module = draw_qr(c, t.qr_content, qr_x, qr_top, QR_SIZE)
        top = qr_top - QR_SIZE - QUIET_MODULES * module - 1 * mm
        reference = t.reference_text
        if reference:
            block = fit(
                reference,
                MONO,
                width=QR_COLUMN_W - 2 * BOX_PAD,
                height=top - (box_bottom + 4 * mm),
                max_size=8,
                min_size=5.5,
                max_lines=5,
            )
            draw(c, block, stub_x + QR_COLUMN_W / 2, top, align="center", color=GREY)

        # Footer, under the box.
        block = fit(
            labels.footer,
            REGULAR,
            width=CONTENT_W,
            height=15 * mm,
            max_size=10,
            min_size=7,
            max_lines=3,
        )
        draw(c, block, PAGE_W / 2, box_bottom - 6 * mm, align="center", color=GREY)


def _draw_header(c: Canvas, t: TicketData) -> float:
    """Organizer, event, date, venue; returns the y just below them."""
    x = MARGIN
    y = PAGE_H - MARGIN
    organizer = clean(t.organizer_name)
    if organizer:
        block = fit(organizer, REGULAR, width=CONTENT_W, height=12, max_size=9, min_size=7)
        y = draw(c, block, x, y, color=GREY) - 2 * mm
    else:
        y -= 4 * mm
    event = fit(
        clean(t.event_name),
        BOLD,
        width=CONTENT_W,
        height=32 * mm,
        max_size=26,
        min_size=12,
        max_lines=3,
    )
    y = draw(c, event, x, y) - 2 * mm
    date = fit(
        clean(t.date_text),
        BOLD,
        width=CONTENT_W,
        height=12 * mm,
        max_size=14,
        min_size=9,
        max_lines=2,
    )
    y = draw(c, date, x, y) - 1 * mm
    venue = fit(
        clean(t.venue_text),
        REGULAR,
        width=CONTENT_W,
        height=10 * mm,
        max_size=11,
        min_size=8,
        max_lines=2,
    )
    return draw(c, venue, x, y, color=GREY)


def _draw_details(
    c: Canvas, t: TicketData, labels: TicketLabels, x: float, top: float, width: float
) -> float:
    """The left part of the ticket box, from `top` down; returns the y below it."""
    half = (width - 5 * mm) / 2
    sized = {"max_size": 15, "min_size": 8, "max_lines": 2, "height": 12 * mm}
    draw(c, fit(labels.ticket, BOLD, width=width, height=14, max_size=11, min_size=7), x, top)
    y = top - 11 - 4 * mm

    seat = clean(t.seat_text)
    zone = clean(t.zone_name)
    if seat:
        below = draw_field(c, labels.zone, zone, x, y, half, **sized)
        below = min(below, draw_field(c, labels.seat, seat, x + half + 5 * mm, y, half, **sized))
    else:
        below = draw_field(c, labels.zone, zone, x, y, width, **sized)
    y = below - 3 * mm

    below = draw_field(c, labels.price, clean(t.price_name), x, y, half, **sized)
    amount = clean(t.amount_text)
    below = min(below, draw_field(c, labels.amount, amount, x + half + 5 * mm, y, half, **sized))
    y = below - 3 * mm

    y = draw_field(c, labels.holder, clean(t.holder_name), x, y, width, **sized) - 3 * mm
    order = clean(t.order_number)
    sized_order = {"max_size": 12, "min_size": 8, "max_lines": 1, "height": 7 * mm}
    return draw_field(c, labels.order, order, x, y, width, **sized_order) - 3 * mm
