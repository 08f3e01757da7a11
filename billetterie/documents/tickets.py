"""Ticket PDFs (PRN-1..3): one page per ticket in the chosen layout, the QR code drawn as
vector paths.

Plain data in, PDF bytes out: the caller builds `TicketData` rows with every text already
formatted (dates in the shop's time zone, amounts with their currency), so this module knows
nothing of models, time zones or money. The layouts are in `layouts/`.
"""

import io
from collections.abc import Sequence

from django.utils.translation import override
from reportlab.pdfgen.canvas import Canvas

from billetterie.documents.layouts import LAYOUTS, TicketData, TicketLabels
from billetterie.documents.pdf import register_fonts

__all__ = ["LAYOUTS", "TicketData", "render_tickets_pdf"]


def render_tickets_pdf(
    tickets: Sequence[TicketData],
    *,
    language: str = "fr",
    layout: str = "a4",
    background: bytes | None = None,
) -> bytes:
    """One page per ticket, in the order given, in `layout`; the fixed texts in `language`.

    `background` is the organizer's template image (JPEG or PNG, 2480 x 1169 px) for the
    `template` layout; without it the sample template is drawn.
    """
    if not tickets:
        raise ValueError("render_tickets_pdf needs at least one ticket")
    if layout not in LAYOUTS:
        raise ValueError(f"unknown ticket layout {layout!r}")
    register_fonts()
    renderer = LAYOUTS[layout]()
    buffer = io.BytesIO()
    c = Canvas(buffer, pagesize=renderer.page_size, pageCompression=1, lang=language)
    c.setCreator("billetterie")
    if len({t.event_name for t in tickets}) == 1:
        c.setTitle(tickets[0].event_name)
    if len({t.organizer_name for t in tickets}) == 1:
        c.setAuthor(tickets[0].organizer_name)
    with override(language):
        labels = TicketLabels.current()
        renderer.begin(c, labels, background=background)
    for ticket in tickets:
        renderer.draw(c, ticket, labels)
        c.showPage()
    c.save()
    return buffer.getvalue()
