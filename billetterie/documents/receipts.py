"""The box office receipt as a PDF (PRN-4, PAY-11): a narrow page for an 80 mm receipt
printer, which a normal printer prints just as well.

Plain data in, PDF bytes out: the box office builds the `ReceiptDocument` with every text
already formatted. The text is drawn with the embedded DejaVu Sans of `pdf` (any alphabet;
a character it lacks becomes a close stand-in, see `pdf.clean`).
"""

import io
from dataclasses import dataclass, field

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from billetterie.documents.pdf import BOLD, REGULAR, clean, register_fonts

__all__ = ["ReceiptDocument", "ReceiptLine", "render_receipt_pdf"]

WIDTH = 80 * mm
MARGIN = 5 * mm
TEXT_W = WIDTH - 2 * MARGIN
SIZE = 8.5
LEADING = SIZE * 1.35


@dataclass
class ReceiptLine:
    text: str  # "2 x Plein tarif"
    detail: str  # "Concert — 12.05.2027 20:00 · Parterre"
    amount: str  # "CHF 90.00"


@dataclass
class ReceiptDocument:
    """Every field is display-ready text."""

    title: str  # "Receipt"
    number: str  # "No. 000012"
    organizer: str
    shop: str
    issued: str  # "Date: 12.05.2027 19:42"
    order: str  # "Order 000042"
    lines: list[ReceiptLine] = field(default_factory=list)
    totals: list[tuple[str, str]] = field(default_factory=list)  # ("Total", "CHF 90.00")
    payment: list[tuple[str, str]] = field(default_factory=list)  # ("Cash given", ...)
    footer: list[str] = field(default_factory=list)


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    words, lines, current = text.split(), [], ""
    for word in words:
        candidate = f"{current} {word}".strip()
        if stringWidth(candidate, font, size) <= width or not current:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    # a single word longer than the line is cut, never drawn off the paper
    fitted = []
    for line in lines or [""]:
        while stringWidth(line, font, size) > width and len(line) > 1:
            line = line[:-2] + "…"
        fitted.append(line)
    return fitted


class _Writer:
    """Lays the receipt out top-down; first measuring (no canvas), then drawing."""

    def __init__(self, canvas: Canvas | None, height: float):
        self.canvas, self.y = canvas, height - MARGIN
        self.regular, self.bold = REGULAR, BOLD

    def text(self, text: str, *, bold=False, size=SIZE, center=False, muted=False) -> None:
        font = self.bold if bold else self.regular
        for line in _wrap(clean(text), font, size, TEXT_W):
            self.y -= size * 1.35
            if self.canvas is not None:
                self.canvas.setFont(font, size)
                self.canvas.setFillGray(0.35 if muted else 0)
                if center:
                    self.canvas.drawCentredString(WIDTH / 2, self.y, line)
                else:
                    self.canvas.drawString(MARGIN, self.y, line)

    def pair(self, left: str, right: str, *, bold=False) -> None:
        font = self.bold if bold else self.regular
        right = clean(right)
        room = TEXT_W - stringWidth(right, font, SIZE) - 3 * mm
        lines = _wrap(clean(left), font, SIZE, room)
        for index, line in enumerate(lines):
            self.y -= LEADING
            if self.canvas is not None:
                self.canvas.setFont(font, SIZE)
                self.canvas.setFillGray(0)
                self.canvas.drawString(MARGIN, self.y, line)
                if index == 0:
                    self.canvas.drawRightString(WIDTH - MARGIN, self.y, right)

    def rule(self) -> None:
        self.y -= LEADING / 2
        if self.canvas is not None:
            self.canvas.setStrokeGray(0.5)
            self.canvas.setDash(1, 2)
            self.canvas.line(MARGIN, self.y, WIDTH - MARGIN, self.y)
        self.y -= LEADING / 3


def _layout(writer: _Writer, doc: ReceiptDocument) -> None:
    writer.text(doc.organizer, bold=True, size=11, center=True)
    writer.text(doc.shop, center=True)
    writer.rule()
    writer.text(f"{doc.title} {doc.number}", bold=True, size=10)
    writer.text(doc.issued)
    writer.text(doc.order)
    writer.rule()
    for line in doc.lines:
        writer.pair(line.text, line.amount)
        writer.text(line.detail, size=7.5, muted=True)
    writer.rule()
    for index, (label, amount) in enumerate(doc.totals):
        writer.pair(label, amount, bold=index == len(doc.totals) - 1)
    if doc.payment:
        writer.rule()
        for label, value in doc.payment:
            writer.pair(label, value)
    if doc.footer:
        writer.rule()
        for text in doc.footer:
            writer.text(text, size=7.5, center=True, muted=True)


def render_receipt_pdf(doc: ReceiptDocument, *, language: str = "") -> bytes:
    """The receipt on a page 80 mm wide and as long as its content."""
    register_fonts()
    measure = _Writer(None, 0)
    _layout(measure, doc)
    height = -measure.y + MARGIN
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(WIDTH, height), pageCompression=1, lang=language or None)
    canvas.setCreator("billetterie")
    canvas.setTitle(clean(f"{doc.title} {doc.number}"))
    canvas.setAuthor(clean(doc.organizer))
    _layout(_Writer(canvas, height), doc)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
