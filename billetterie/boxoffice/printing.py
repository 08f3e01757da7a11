"""What the box office prints: the tickets of an order (all or some), and receipts."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from billetterie.boxoffice.models import CounterPayment, Receipt
from billetterie.core.money import format_money
from billetterie.documents.layouts import LAYOUTS
from billetterie.documents.receipts import ReceiptDocument, ReceiptLine, render_receipt_pdf
from billetterie.orders.models import Order, Ticket
from billetterie.orders.ticket_documents import (
    render_order_tickets,
    render_shop_tickets,
    ticket_documents,
)

# the formats a counter prints on besides the shop's own (empty key)
COUNTER_LAYOUTS = ("a4", "thermal_stub", "thermal_cinema")


def counter_layouts() -> list[tuple[str, str]]:
    """(key, label) of the ticket formats the print button offers."""
    return [(key, str(LAYOUTS[key].label)) for key in COUNTER_LAYOUTS if key in LAYOUTS]


def tickets_pdf(order: Order, tickets: list[Ticket], layout: str = "") -> bytes:
    """The chosen tickets of the order, in the buyer's language, in the shop's layout or
    in `layout` (a ticket printer's format)."""
    secrets = {t.secret for t in tickets}
    documents = [d for d in ticket_documents(order) if d.secret in secrets]
    if layout in COUNTER_LAYOUTS and layout in LAYOUTS:
        return render_shop_tickets(
            shop=order.shop, tickets=documents, language=order.language, layout=layout
        )
    return render_order_tickets(order, documents)


def _method_label(method: str) -> str:
    return str(CounterPayment.Method(method).label) if method in CounterPayment.Method else method


def receipt_document(receipt: Receipt, *, language: str) -> ReceiptDocument:
    """The receipt's stored content as display-ready text in `language`."""
    content = receipt.content
    currency = content["currency"]
    zone = ZoneInfo(content.get("time_zone") or "UTC")

    def money(value) -> str:
        return format_money(Decimal(value), currency)

    def when(value: str) -> str:
        local = datetime.fromisoformat(value).astimezone(zone)
        return formats.date_format(local, "SHORT_DATETIME_FORMAT")

    with translation.override(language):
        lines = [
            ReceiptLine(
                text=f"{line['quantity']} x {line['price']}",
                detail=f"{line['event']} — {when(line['starts_at'])} · {line['zone']}",
                amount=money(Decimal(line["unit"]) * line["quantity"]),
            )
            for line in content["lines"]
        ]
        totals = [
            (d["name"] or _("Reduction"), money(-Decimal(d["amount"])))
            for d in content["discounts"]
        ]
        totals.append((_("Total"), money(content["total"])))
        payment = [(_("Paid by"), _method_label(content["method"]))]
        if content.get("given") is not None:
            payment += [
                (_("Cash given"), money(content["given"])),
                (_("Change"), money(content["change"])),
            ]
        if content.get("terminal_reference"):
            payment.append((_("Terminal reference"), content["terminal_reference"]))
        count = sum(line["quantity"] for line in content["lines"])
        footer = [
            ngettext("%(n)s ticket", "%(n)s tickets", count) % {"n": count},
            _("Served by %(cashier)s") % {"cashier": content["cashier"]},
            _("Thank you and enjoy the show!"),
        ]
        return ReceiptDocument(
            title=_("Receipt"),
            number=_("No. %(number)s") % {"number": receipt.code},
            organizer=content["organizer"],
            shop=content["shop"],
            issued=_("Date: %(when)s") % {"when": when(content["paid_at"])},
            order=_("Order %(number)s") % {"number": content["order"]}
            + (f" · {content['buyer']}" if content.get("buyer") else ""),
            lines=lines,
            totals=totals,
            payment=payment,
            footer=footer,
        )


def receipt_pdf(receipt: Receipt, *, language: str) -> bytes:
    return render_receipt_pdf(receipt_document(receipt, language=language), language=language)
