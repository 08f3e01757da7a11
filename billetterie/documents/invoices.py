"""The invoice as a PDF (PRN-4, PAY-6, PAY-11): an A4 page with the seller, the buyer,
the order's lines and totals, the due date, and at the foot of the last page the Swiss
QR-bill payment part (receipt and payment part, 210 x 105 mm) drawn by `qrbill`.

Plain data in, PDF bytes out: banking builds the `InvoiceDocument` with every text already
formatted in the buyer's language, and the QR-bill's raw data (`QRBillData`), which
`qrbill` validates again (IBAN, QR reference, addresses) and turns into the SVG that svglib
draws as vectors on the page. The text of the invoice itself uses the embedded DejaVu
fonts of `pdf`; the payment part keeps the fonts the QR-bill standard asks for.
"""

import io
from dataclasses import dataclass, field
from decimal import Decimal

from qrbill import QRBill
from reportlab.graphics import renderPDF
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from svglib.svglib import svg2rlg

from billetterie.documents.pdf import BOLD, GREY, INK, REGULAR, RULE, _wrap, clean, register_fonts

__all__ = ["InvoiceDocument", "InvoiceLine", "QRBillData", "qr_bill_svg", "render_invoice_pdf"]

WIDTH, HEIGHT = A4
MARGIN = 20 * mm
TEXT_W = WIDTH - 2 * MARGIN
AMOUNT_W = 32 * mm
SIZE = 9.5
LEADING = SIZE * 1.35
BILL_HEIGHT = 106 * mm  # qrbill draws the payment part 210 x 106 mm (with its top line)
LANGUAGES = ("en", "de", "fr", "it")


@dataclass
class InvoiceLine:
    text: str  # "2 x Plein tarif"
    detail: str  # "Le Misanthrope — 12.05.2027 20:00 · Parterre"
    amount: str  # "CHF 90.00"


@dataclass
class QRBillData:
    """What the QR-bill standard carries, as `qrbill.QRBill` takes it."""

    account: str  # IBAN or QR-IBAN
    creditor: dict  # name, street, house_num, pcode, city, country
    amount: Decimal
    currency: str
    reference: str = ""  # QRR (27 digits) or SCOR (RF...), or "" for none
    debtor: dict | None = None
    additional_information: str = ""  # "Invoice 000012 · Order 000042"
    language: str = "en"


@dataclass
class InvoiceDocument:
    """Every field is display-ready text."""

    title: str  # "Invoice 000012"
    seller: list[str]  # organizer, shop, address lines
    buyer: list[str]  # name, company, address lines
    facts: list[tuple[str, str]]  # ("Date", "12.05.2027"), ("Due date", ...), ("Order", ...)
    lines: list[InvoiceLine] = field(default_factory=list)
    totals: list[tuple[str, str]] = field(default_factory=list)  # the last one is the total
    notes: list[str] = field(default_factory=list)  # how to pay, the deadline, the reminders
    qr_bill: QRBillData | None = None
    author: str = ""


def qr_bill(data: QRBillData) -> QRBill:
    """The qrbill object; ValueError when the data breaks the standard."""
    return QRBill(
        account=data.account,
        creditor=data.creditor,
        amount=f"{data.amount:.2f}",
        currency=data.currency,
        reference_number=data.reference or None,
        debtor=data.debtor or None,
        additional_information=data.additional_information[:140],
        language=data.language if data.language in LANGUAGES else "en",
    )


def qr_bill_svg(data: QRBillData) -> str:
    out = io.StringIO()
    qr_bill(data).as_svg(out)
    return out.getvalue()


class _Page:
    def __init__(self, canvas: Canvas, doc: InvoiceDocument):
        self.c, self.doc = canvas, doc
        self.y = HEIGHT - MARGIN

    def new_page(self) -> None:
        self.c.showPage()
        self.y = HEIGHT - MARGIN
        self.text(self.doc.title, size=8, color=GREY)
        self.y -= LEADING / 2

    def room(self, height: float, bottom: float = MARGIN) -> None:
        if self.y - height < bottom:
            self.new_page()

    def text(self, text: str, *, x=MARGIN, width=TEXT_W, bold=False, size=SIZE, color=INK):
        font = BOLD if bold else REGULAR
        for line in _wrap(clean(text), font, size, width) or [""]:
            self.y -= size * 1.35
            self.c.setFont(font, size)
            self.c.setFillColorRGB(*color)
            self.c.drawString(x, self.y, line)

    def row(self, left: str, right: str, *, bold=False, detail: str = "") -> None:
        font = BOLD if bold else REGULAR
        left_lines = _wrap(clean(left), font, SIZE, TEXT_W - AMOUNT_W) or [""]
        detail_lines = _wrap(clean(detail), REGULAR, 8, TEXT_W - AMOUNT_W) if detail else []
        self.room(len(left_lines) * LEADING + len(detail_lines) * 8 * 1.35 + 4)
        self.c.setFillColorRGB(*INK)
        for index, line in enumerate(left_lines):
            self.y -= LEADING
            self.c.setFont(font, SIZE)
            self.c.drawString(MARGIN, self.y, line)
            if index == 0:
                self.c.drawRightString(WIDTH - MARGIN, self.y, clean(right))
        for line in detail_lines:
            self.y -= 8 * 1.35
            self.c.setFont(REGULAR, 8)
            self.c.setFillColorRGB(*GREY)
            self.c.drawString(MARGIN, self.y, line)
        self.y -= 3

    def rule(self) -> None:
        self.y -= 3
        self.c.setStrokeColorRGB(*RULE)
        self.c.setLineWidth(0.5)
        self.c.line(MARGIN, self.y, WIDTH - MARGIN, self.y)
        self.y -= 3


def _head(page: _Page, doc: InvoiceDocument) -> None:
    top = page.y
    for index, line in enumerate(doc.seller):
        page.text(line, width=85 * mm, bold=index == 0, size=10 if index == 0 else SIZE)
    seller_bottom = page.y
    # the buyer where a window envelope shows it (right, about 50 mm from the top)
    page.y = min(top, HEIGHT - 45 * mm)
    for line in doc.buyer:
        page.text(line, x=115 * mm, width=WIDTH - MARGIN - 115 * mm)
    page.y = min(page.y, seller_bottom) - 12 * mm
    page.text(doc.title, bold=True, size=15)
    page.y -= 4
    label_w = max((stringWidth(clean(k), REGULAR, SIZE) for k, _v in doc.facts), default=0)
    for label, value in doc.facts:
        page.y -= LEADING
        page.c.setFont(REGULAR, SIZE)
        page.c.setFillColorRGB(*GREY)
        page.c.drawString(MARGIN, page.y, clean(label))
        page.c.setFillColorRGB(*INK)
        page.c.setFont(BOLD, SIZE)
        page.c.drawString(MARGIN + label_w + 4 * mm, page.y, clean(value))
    page.y -= 8 * mm


def render_invoice_pdf(doc: InvoiceDocument, *, language: str = "") -> bytes:
    """The invoice; the QR-bill payment part at the foot of the last page."""
    register_fonts()
    drawing = svg2rlg(io.BytesIO(qr_bill_svg(doc.qr_bill).encode())) if doc.qr_bill else None
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1, lang=language or None)
    canvas.setCreator("billetterie")
    canvas.setTitle(clean(doc.title))
    canvas.setAuthor(clean(doc.author or (doc.seller[0] if doc.seller else "")))
    page = _Page(canvas, doc)
    _head(page, doc)
    page.rule()
    for line in doc.lines:
        page.row(line.text, line.amount, detail=line.detail)
    page.rule()
    for index, (label, amount) in enumerate(doc.totals):
        page.row(label, amount, bold=index == len(doc.totals) - 1)
    if doc.notes:
        page.y -= 6 * mm
        for note in doc.notes:
            page.room(LEADING * 2)
            page.text(note)
            page.y -= 2
    if drawing is not None:
        if page.y < BILL_HEIGHT + 6 * mm:
            page.new_page()
        renderPDF.draw(drawing, canvas, 0, 0)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
