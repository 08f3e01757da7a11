"""The paper list of attendees of one date (SCAN-8), for a door without a scanner.

A4 portrait: the event, its date and venue as the title; one row per ticket in the order
given (the caller sorts them by name), with an empty box to tick at the door, the name,
the order number, the price and amount and the place; the column headings repeat at the
top of every page, and each page says "page n of N".

Plain data in, PDF bytes out, like the tickets: texts arrive formatted.
"""

import functools
import io
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import override
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, TableStyle
from reportlab.platypus.tables import LongTable

from billetterie.documents.pdf import BOLD, GREY, INK, LIGHT, REGULAR, clean, register_fonts

__all__ = ["AttendeeList", "AttendeeRow", "render_attendee_list_pdf"]

PAGE_W, PAGE_H = A4
MARGIN = 15 * mm
CHECKBOX = 4.5 * mm


@dataclass
class AttendeeRow:
    name: str  # "Müller-Groß, Françoise": last name first, as the list is sorted
    order_number: str
    price_text: str  # "Plein tarif · CHF 45.00"
    place_text: str  # "Balcon, Row C, seat 12" or "Parterre"
    note: str = ""  # "to pay at the door", ...


@dataclass
class AttendeeList:
    organizer_name: str
    event_name: str
    date_text: str  # in the shop's time zone
    venue_text: str
    printed_text: str  # "Printed on 14 March 2026, 18:02"
    rows: list[AttendeeRow]


class _Checkbox(Flowable):
    """An empty square to tick with a pen."""

    def wrap(self, available_width, available_height):
        return CHECKBOX, CHECKBOX

    def draw(self):
        self.canv.setStrokeColorRGB(*INK)
        self.canv.setLineWidth(0.8)
        self.canv.rect(0, 0, CHECKBOX, CHECKBOX, stroke=1, fill=0)


class _NumberedCanvas(Canvas):
    """Writes "page n of N" once the number of pages is known."""

    def __init__(self, *args, footer: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.footer = footer
        self._pages: list[dict] = []

    def showPage(self):
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self.setFont(REGULAR, 8)
            self.setFillColorRGB(*GREY)
            self.drawString(MARGIN, 8 * mm, self.footer)
            label = _("Page %(n)s of %(total)s") % {"n": number, "total": total}
            self.drawRightString(PAGE_W - MARGIN, 8 * mm, label)
            super().showPage()
        super().save()


def render_attendee_list_pdf(attendees: AttendeeList, *, language: str = "fr") -> bytes:
    """The list as an A4 PDF, its fixed texts in `language`."""
    register_fonts()
    with override(language):
        return _render(attendees, language)


def _render(attendees: AttendeeList, language: str) -> bytes:
    styles = {
        "title": ParagraphStyle("title", fontName=BOLD, fontSize=16, leading=19, textColor=INK),
        "subtitle": ParagraphStyle("subtitle", fontName=BOLD, fontSize=11, leading=14),
        "meta": ParagraphStyle("meta", fontName=REGULAR, fontSize=9, leading=11, textColor=GREY),
        "cell": ParagraphStyle("cell", fontName=REGULAR, fontSize=9, leading=11),
        "name": ParagraphStyle("name", fontName=BOLD, fontSize=9.5, leading=11.5),
        "head": ParagraphStyle("head", fontName=BOLD, fontSize=8, leading=10, textColor=GREY),
        "note": ParagraphStyle("note", fontName=REGULAR, fontSize=8, leading=10, textColor=GREY),
    }

    def text(value, style):
        return Paragraph(_escape(clean(value)), styles[style])

    story = [
        text(attendees.event_name, "title"),
        text(attendees.date_text, "subtitle"),
        text(" · ".join(v for v in (attendees.venue_text, attendees.organizer_name) if v), "meta"),
        text(
            _("%(count)s tickets · %(printed)s")
            % {"count": len(attendees.rows), "printed": attendees.printed_text},
            "meta",
        ),
        Spacer(0, 5 * mm),
    ]
    head = [
        "",
        text(_("Name"), "head"),
        text(_("Order"), "head"),
        text(_("Price"), "head"),
        text(_("Place"), "head"),
    ]
    body = [
        [
            _Checkbox(),
            text(row.name, "name"),
            text(row.order_number, "cell"),
            [text(row.price_text, "cell"), *([text(row.note, "note")] if row.note else [])],
            text(row.place_text, "cell"),
        ]
        for row in attendees.rows
    ]
    if not body:
        story.append(text(_("No ticket for this date yet."), "cell"))
    else:
        width = PAGE_W - 2 * MARGIN
        widths = [9 * mm, 0.34 * (width - 9 * mm), 0.14 * (width - 9 * mm)]
        widths += [0.26 * (width - 9 * mm), 0.26 * (width - 9 * mm)]
        table = LongTable([head, *body], colWidths=widths, repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("LINEBELOW", (0, 0), (-1, 0), 0.8, INK),
                    ("LINEBELOW", (0, 1), (-1, -1), 0.3, LIGHT),
                    ("TOPPADDING", (0, 1), (-1, -1), 4),
                    ("BOTTOMPADDING", (0, 1), (-1, -1), 4),
                    ("LEFTPADDING", (0, 0), (0, -1), 1),
                ]
            )
        )
        story.append(table)

    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=16 * mm,
        title=clean(f"{attendees.event_name} — {attendees.date_text}"),
        author=clean(attendees.organizer_name),
        creator="billetterie",
        lang=language,
    )
    footer = clean(f"{attendees.event_name} — {attendees.date_text}")
    document.build(story, canvasmaker=functools.partial(_NumberedCanvas, footer=footer))
    return buffer.getvalue()


def _escape(value: str) -> str:
    """Paragraph text is a small markup language: names are not markup."""
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
