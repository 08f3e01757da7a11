"""The data a ticket layout draws, its fixed texts, and what a layout is."""

from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from reportlab.pdfgen.canvas import Canvas

from billetterie.documents.pdf import clean


@dataclass
class TicketData:
    """One ticket, as the holder sees it. Every field is display-ready text.

    `secret` identifies the ticket. `qr` is what its QR code holds when that is not the
    secret itself (e.g. a payload signed for offline scanning). `reference` is the text
    printed under the code for a person to type in (None: the secret).
    """

    secret: str
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
    qr: str = ""  # "" : the secret
    reference: str | None = None
    photo: bytes | None = None  # the holder's photo, for cards (JPEG or PNG)

    @property
    def qr_content(self) -> str:
        return self.qr or self.secret

    @property
    def reference_text(self) -> str:
        return clean(self.secret if self.reference is None else self.reference)


@dataclass(frozen=True)
class TicketLabels:
    """The fixed texts of a ticket, looked up once per document in its language."""

    ticket: str
    zone: str
    seat: str
    price: str
    amount: str
    holder: str
    order: str
    options: str
    photo: str
    footer: str
    stub: str

    @classmethod
    def current(cls) -> "TicketLabels":
        """The labels in the active language."""
        return cls(
            ticket=clean(_("Ticket")).upper(),
            zone=clean(_("Zone")).upper(),
            seat=clean(_("Seat")).upper(),
            price=clean(_("Price")).upper(),
            amount=clean(_("Amount")).upper(),
            holder=clean(_("Ticket holder")).upper(),
            order=clean(_("Order number")).upper(),
            options=clean(_("Options")).upper(),
            photo=clean(_("Photo")),
            footer=clean(_("Present this ticket at the entrance. One ticket admits one person.")),
            stub=clean(_("Stub")).upper(),
        )


class Layout:
    """A ticket layout: a page size and how one ticket is drawn on its page.

    One instance renders one document: `begin` runs once, before the first ticket (define
    the drawings every page repeats as PDF forms there), `draw` once per ticket, on a fresh
    page.
    """

    key: str = ""
    label: Promise | str = ""
    description: Promise | str = ""
    page_size: tuple[float, float] = (0.0, 0.0)
    for_e_tickets = True  # a shop may choose it for the tickets it emails

    def begin(self, c: Canvas, labels: TicketLabels, *, background: bytes | None) -> None:
        """Once per document, before the first ticket."""

    def draw(self, c: Canvas, t: TicketData, labels: TicketLabels) -> None:
        raise NotImplementedError
