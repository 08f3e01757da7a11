"""Print-at-home ticket PDFs: one A4 page per ticket, the QR code drawn as vector paths.

Plain data in, PDF bytes out: the caller (the orders app) builds `TicketData` rows with every
text already formatted (dates in the shop's time zone, amounts with their currency), so this
module knows nothing of models, time zones or money.

Only reportlab's built-in fonts are used (Helvetica, and Courier for the secret). They draw
the Windows-1252 character set, which covers French, German and Italian (é, è, à, ç, « »,
typographic quotes, €, Œ); any other character is transliterated (Ł -> L, ř -> r) or shown
as "?", never as a black box. Every text is fitted to its area: shrunk down to a minimum
size, wrapped, and as a last resort cut with an ellipsis, so nothing is ever drawn off the
page or over the QR code.

The QR code is `segno.make_qr(secret, error="m")` drawn as one path of rectangles (one per
horizontal run of dark modules): about 4x faster than reportlab's QR widget, and sharp at any
print resolution.
"""

import functools
import io
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

import segno
from django.utils.translation import gettext as _
from django.utils.translation import override
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import FILL_NON_ZERO, Canvas

__all__ = ["TicketData", "render_tickets_pdf"]


@dataclass
class TicketData:
    """One ticket, as the holder sees it. Every field is display-ready text."""

    secret: str  # the QR content, printed under the code too
    event_name: str
    date_text: str  # already formatted in the shop's time zone
    venue_text: str
    zone_name: str
    seat_text: str  # "Row C, seat 12", or "" for free placement
    price_name: str
    amount_text: str  # "CHF 45.00"
    holder_name: str
    order_number: str
    organizer_name: str
    options: list[str] = field(default_factory=list)


# --- page geometry (points; reportlab's origin is the bottom-left corner) -----------------

PAGE_W, PAGE_H = A4
MARGIN = 15 * mm
CONTENT_W = PAGE_W - 2 * MARGIN

# The header's blocks have bounded heights (at most about 78 mm with the margin), so the
# ticket box, which follows it, always ends above 200 mm from the top, and the footer under
# it well inside the page.
BOX_GAP = 8 * mm
BOX_H = 110 * mm
BOX_PAD = 7 * mm
QR_COLUMN_W = 74 * mm  # right-hand stub of the box: QR code and secret
QR_SIZE = 50 * mm  # the symbol itself, without its quiet zone
QR_OFFSET = 14 * mm  # from the box top: more than the 4-module quiet zone of a version 1 code
QUIET_MODULES = 4

INK = (0.07, 0.07, 0.07)
GREY = (0.38, 0.38, 0.38)
RULE = (0.55, 0.55, 0.55)

REGULAR, BOLD, MONO = "Helvetica", "Helvetica-Bold", "Courier"
LEADING = 1.2  # line height as a multiple of the font size
ELLIPSIS = "\u2026"

_QR_RUN = re.compile(rb"\x01+")
_SPACES = re.compile(" {2,}")

# Characters outside Windows-1252 that have an obvious stand-in. Control and format
# characters (newlines, zero-width spaces, soft hyphens...) become a space or disappear.
_STAND_INS = {
    "\u202f": "\u00a0",  # narrow no-break space (French "45 000") -> no-break space
    "\u2007": "\u00a0",
    "\u2060": "",
    "\u00ad": "",
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": "-",
    "\u2212": "-",
    "\u2032": "'",
    "\u2033": '"',
    "\u0141": "L",
    "\u0142": "l",
    "\u0110": "D",
    "\u0111": "d",
    "\u0131": "i",
    "\u0126": "H",
    "\u0127": "h",
}


@functools.lru_cache(maxsize=4096)
def _latin_char(char: str) -> str:
    """The char itself when Helvetica can draw it, else a stand-in ("" or "?" at worst)."""
    if char in _STAND_INS:
        return _STAND_INS[char]
    category = unicodedata.category(char)
    if category == "Cc" or category == "Zl" or category == "Zp":
        return " "
    if category == "Cf":
        return ""
    if category == "Zs" and char != "\u00a0":
        return " "
    try:
        char.encode("cp1252")
    except UnicodeEncodeError:
        pass
    else:
        return char
    base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
    try:
        base.encode("cp1252")
    except UnicodeEncodeError:
        return "?"
    return base or "?"


def _clean(text: object) -> str:
    """One line of text that the standard PDF fonts can draw."""
    text = unicodedata.normalize("NFC", str(text or ""))
    if not text.isascii():
        text = "".join(_latin_char(c) for c in text)
    elif not text.isprintable():
        text = "".join(c if c.isprintable() else " " for c in text)
    return _SPACES.sub(" ", text).strip()


# --- fitting text into boxes ----------------------------------------------------------------


def _longest_prefix(text: str, font: str, size: float, width: float) -> int:
    """How many leading characters of text fit in width (at least 1, so wrapping ends)."""
    lo, hi = 1, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if stringWidth(text[:mid], font, size) <= width:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Greedy word wrap on spaces; a word wider than the line is broken between characters."""
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        if not word:
            continue
        candidate = f"{current} {word}" if current else word
        if stringWidth(candidate, font, size) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        while stringWidth(word, font, size) > width:
            cut = _longest_prefix(word, font, size, width)
            lines.append(word[:cut])
            word = word[cut:]
        current = word
    if current:
        lines.append(current)
    return lines


def _with_ellipsis(line: str, font: str, size: float, width: float) -> str:
    line = line.rstrip()
    while line and stringWidth(line + ELLIPSIS, font, size) > width:
        line = line[:-1].rstrip()
    return line + ELLIPSIS


@dataclass
class _Block:
    lines: list[str]
    font: str
    size: float

    @property
    def leading(self) -> float:
        return self.size * LEADING

    @property
    def height(self) -> float:
        return len(self.lines) * self.leading


def _fit(
    paragraphs: str | Sequence[str],
    font: str,
    *,
    width: float,
    height: float,
    max_size: float,
    min_size: float,
    max_lines: int = 99,
) -> _Block:
    """The largest size (down to min_size) at which the wrapped text fits width x height.

    When even min_size is too big, the lines that fit are kept and the last one ends with
    an ellipsis.
    """
    if isinstance(paragraphs, str):
        paragraphs = [paragraphs]
    paragraphs = [p for p in paragraphs if p]
    size = max_size
    while True:
        lines = [line for p in paragraphs for line in _wrap(p, font, size, width)]
        limit = min(max_lines, int(height // (size * LEADING)))
        if len(lines) <= limit or size <= min_size:
            break
        size = max(min_size, size - 0.5)
    limit = max(1, limit)
    if len(lines) > limit:
        lines = lines[:limit]
        lines[-1] = _with_ellipsis(lines[-1], font, size, width)
    return _Block(lines, font, size)


def _draw(c: Canvas, block: _Block, x: float, top: float, *, align: str = "left", color=INK):
    """Draw block with its top edge at `top`; returns the y just below it."""
    c.setFillColorRGB(*color)
    c.setFont(block.font, block.size)
    baseline = top - block.size
    for line in block.lines:
        if align == "center":
            c.drawCentredString(x, baseline, line)
        else:
            c.drawString(x, baseline, line)
        baseline -= block.leading
    return top - block.height


# --- the QR code ------------------------------------------------------------------------------


def _draw_qr(c: Canvas, secret: str, x: float, top: float, size: float) -> float:
    """Draw the QR code of secret as one vector path; returns the module size."""
    matrix = segno.make_qr(secret, error="m").matrix
    module = size / len(matrix)
    path = c.beginPath()
    for r, row in enumerate(matrix):
        y = top - (r + 1) * module
        for run in _QR_RUN.finditer(row):
            start, end = run.span()
            path.rect(x + start * module, y, (end - start) * module, module)
    c.setFillColorRGB(0, 0, 0)
    c.drawPath(path, stroke=0, fill=1, fillMode=FILL_NON_ZERO)
    return module


# --- the page -----------------------------------------------------------------------------------


def _labels() -> dict[str, str]:
    """The fixed strings, looked up once per document in the active language."""
    return {
        "ticket": _clean(_("Ticket")).upper(),
        "zone": _clean(_("Zone")).upper(),
        "seat": _clean(_("Seat")).upper(),
        "price": _clean(_("Price")).upper(),
        "amount": _clean(_("Amount")).upper(),
        "holder": _clean(_("Ticket holder")).upper(),
        "order": _clean(_("Order number")).upper(),
        "options": _clean(_("Options")).upper(),
        "footer": _clean(_("Present this ticket at the entrance. One ticket admits one person.")),
    }


def _label(c: Canvas, label: str, x: float, top: float, width: float) -> None:
    if stringWidth(label, REGULAR, 7.5) > width:
        label = _with_ellipsis(label, REGULAR, 7.5, width)
    c.setFillColorRGB(*GREY)
    c.setFont(REGULAR, 7.5)
    c.drawString(x, top - 7.5, label)


def _field(
    c: Canvas,
    label: str,
    value: str,
    x: float,
    top: float,
    width: float,
    *,
    max_size: float,
    min_size: float,
    max_lines: int,
    height: float,
) -> float:
    """A small grey label over a bold value; returns the y just below the value."""
    _label(c, label, x, top, width)
    block = _fit(
        value or "-",
        BOLD,
        width=width,
        height=height,
        max_size=max_size,
        min_size=min_size,
        max_lines=max_lines,
    )
    return _draw(c, block, x, top - 10.5)


def _draw_header(c: Canvas, t: TicketData) -> float:
    """Organizer, event, date, venue; returns the y just below them."""
    x = MARGIN
    y = PAGE_H - MARGIN
    organizer = _clean(t.organizer_name)
    if organizer:
        block = _fit(organizer, REGULAR, width=CONTENT_W, height=12, max_size=9, min_size=7)
        y = _draw(c, block, x, y, color=GREY) - 2 * mm
    else:
        y -= 4 * mm
    event = _fit(
        _clean(t.event_name),
        BOLD,
        width=CONTENT_W,
        height=32 * mm,
        max_size=26,
        min_size=12,
        max_lines=3,
    )
    y = _draw(c, event, x, y) - 2 * mm
    date = _fit(
        _clean(t.date_text),
        BOLD,
        width=CONTENT_W,
        height=12 * mm,
        max_size=14,
        min_size=9,
        max_lines=2,
    )
    y = _draw(c, date, x, y) - 1 * mm
    venue = _fit(
        _clean(t.venue_text),
        REGULAR,
        width=CONTENT_W,
        height=10 * mm,
        max_size=11,
        min_size=8,
        max_lines=2,
    )
    return _draw(c, venue, x, y, color=GREY)


def _draw_details(
    c: Canvas, t: TicketData, labels: dict[str, str], x: float, top: float, width: float
) -> float:
    """The left part of the ticket box, from `top` down; returns the y below it."""
    half = (width - 5 * mm) / 2
    sized = {"max_size": 15, "min_size": 8, "max_lines": 2, "height": 12 * mm}
    c.setFillColorRGB(*INK)
    c.setFont(BOLD, 11)
    c.drawString(x, top - 11, labels["ticket"])
    y = top - 11 - 4 * mm

    seat = _clean(t.seat_text)
    zone = _clean(t.zone_name)
    if seat:
        below = _field(c, labels["zone"], zone, x, y, half, **sized)
        below = min(below, _field(c, labels["seat"], seat, x + half + 5 * mm, y, half, **sized))
    else:
        below = _field(c, labels["zone"], zone, x, y, width, **sized)
    y = below - 3 * mm

    below = _field(c, labels["price"], _clean(t.price_name), x, y, half, **sized)
    amount = _clean(t.amount_text)
    below = min(below, _field(c, labels["amount"], amount, x + half + 5 * mm, y, half, **sized))
    y = below - 3 * mm

    y = _field(c, labels["holder"], _clean(t.holder_name), x, y, width, **sized) - 3 * mm
    order = _clean(t.order_number)
    sized_order = {"max_size": 12, "min_size": 8, "max_lines": 1, "height": 7 * mm}
    return _field(c, labels["order"], order, x, y, width, **sized_order) - 3 * mm


def _draw_ticket(c: Canvas, t: TicketData, labels: dict[str, str]) -> None:
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
    options = [f"\u2022 {o}" for o in map(_clean, t.options) if o]
    if options:
        _label(c, labels["options"], x, y, width)
        top = y - 10.5
        block = _fit(
            options,
            REGULAR,
            width=width,
            height=top - (box_bottom + BOX_PAD),
            max_size=10,
            min_size=7,
        )
        _draw(c, block, x, top)

    # Right stub: the QR code with its quiet zone (nothing else is drawn within 4 modules of
    # it), then the secret in small monospace type.
    qr_top = box_top - QR_OFFSET
    qr_x = stub_x + (QR_COLUMN_W - QR_SIZE) / 2
    module = _draw_qr(c, t.secret, qr_x, qr_top, QR_SIZE)
    top = qr_top - QR_SIZE - QUIET_MODULES * module - 1 * mm
    block = _fit(
        _clean(t.secret),
        MONO,
        width=QR_COLUMN_W - 2 * BOX_PAD,
        height=top - (box_bottom + 4 * mm),
        max_size=8,
        min_size=5.5,
        max_lines=5,
    )
    _draw(c, block, stub_x + QR_COLUMN_W / 2, top, align="center", color=GREY)

    # Footer, under the box.
    block = _fit(
        labels["footer"],
        REGULAR,
        width=CONTENT_W,
        height=15 * mm,
        max_size=10,
        min_size=7,
        max_lines=3,
    )
    _draw(c, block, PAGE_W / 2, box_bottom - 6 * mm, align="center", color=GREY)


def render_tickets_pdf(tickets: Sequence[TicketData], *, language: str = "fr") -> bytes:
    """One A4 page per ticket, in the order given; the fixed texts in `language`."""
    if not tickets:
        raise ValueError("render_tickets_pdf needs at least one ticket")
    buffer = io.BytesIO()
    c = Canvas(buffer, pagesize=A4, pageCompression=1, lang=language)
    c.setCreator("billetterie")
    if len({t.event_name for t in tickets}) == 1:
        c.setTitle(tickets[0].event_name)
    if len({t.organizer_name for t in tickets}) == 1:
        c.setAuthor(tickets[0].organizer_name)
    with override(language):
        labels = _labels()
    for ticket in tickets:
        _draw_ticket(c, ticket, labels)
        c.showPage()
    c.save()
    return buffer.getvalue()
