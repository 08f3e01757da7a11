"""The PDF short list of an event or date (DATA-2): one section per date, one line per
valid ticket (order, name, price, place) with a box to tick at the door.

Plain data in (ListDate rows, already formatted), PDF bytes out. Built with reportlab's
platypus so long lists break across pages with the header row repeated. The built-in
Helvetica draws Windows-1252 (French, German, Italian); other characters are
transliterated (Ł -> L) or shown as "?".
"""

import io
import unicodedata
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from billetterie.orders.exports.data import ListDate


def printable(text: str) -> str:
    """The text with every character Helvetica cannot draw replaced."""
    out = []
    for char in str(text):
        try:
            char.encode("cp1252")
        except UnicodeEncodeError:
            plain = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
            out.append(plain or "?")
        else:
            out.append(char)
    return "".join(out)


def _para(text: str, style) -> Paragraph:
    return Paragraph(escape(printable(text)), style)


def render_short_list(dates: list[ListDate], *, title: str, organizer: str) -> bytes:
    styles = getSampleStyleSheet()
    body = styles["BodyText"]
    body.fontSize, body.leading = 9, 11
    head = styles["Heading2"]
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=14 * mm,
        rightMargin=14 * mm,
        topMargin=14 * mm,
        bottomMargin=16 * mm,
        title=printable(title),
        author=printable(organizer),
    )

    def footer(canvas, doc):
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.setFillColor(colors.grey)
        canvas.drawString(14 * mm, 9 * mm, printable(f"{organizer} — {title}"))
        canvas.drawRightString(A4[0] - 14 * mm, 9 * mm, str(doc.page))
        canvas.restoreState()

    story = []
    if not dates:
        story.append(_para(title, head))
        story.append(_para(_("No ticket to list."), body))
    for index, group in enumerate(dates):
        if index:
            story.append(PageBreak())
        story.append(_para(group.title, head))
        count = len(group.rows)
        summary = ngettext("%(count)s ticket", "%(count)s tickets", count) % {"count": count}
        story.append(_para(summary, styles["Italic"]))
        story.append(Spacer(1, 3 * mm))
        header = ["", _("Order"), _("Name"), _("Price"), _("Place")]
        rows = [[_para(text, body) for text in header]]
        rows += [["", *[_para(text, body) for text in row]] for row in group.rows]
        table = Table(
            rows,
            colWidths=[9 * mm, 20 * mm, 70 * mm, 41 * mm, 42 * mm],
            repeatRows=1,
        )
        table.setStyle(
            TableStyle(
                [
                    ("FONT", (0, 0), (-1, 0), "Helvetica-Bold"),
                    ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
                    ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.lightgrey),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("BOX", (0, 1), (0, -1), 0.6, colors.black),
                    ("INNERGRID", (0, 1), (0, -1), 0.6, colors.black),
                ]
            )
        )
        story.append(table)
    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
