"""An order's tickets as plain data for the renderers of `documents`, and rendering them in
the shop's chosen layout (PRN-1, PRN-2): the one path of the confirmation email, the order
page, the back office and the box office."""

from django.utils import formats, timezone, translation

from billetterie.core.models import Shop
from billetterie.core.money import format_money
from billetterie.documents.layouts import TicketData
from billetterie.documents.tickets import render_tickets_pdf
from billetterie.orders import ticket_codes
from billetterie.orders import ticket_layout_queries as layouts
from billetterie.orders.models import Order, Ticket
from billetterie.orders.ticket_layout_models import DEFAULT_LAYOUT


def ticket_documents(order: Order) -> list[TicketData]:
    """Plain data for the ticket renderer, formatted in the shop's time zone and the
    buyer's language; each QR code holds what `ticket_codes` says (the secret, or a signed
    payload when the shop signs its codes)."""
    shop = order.shop
    tickets = list(
        order.tickets.filter(state=Ticket.State.VALID).select_related(
            "date__event__venue", "zone", "seat"
        )
    )
    codes = ticket_codes.qr_contents(tickets)
    documents = []
    with translation.override(order.language):
        for ticket in tickets:
            event = ticket.date.event
            starts = timezone.localtime(ticket.date.starts_at, shop.zone_info)
            seat = (
                translation.gettext("Row %(row)s, seat %(number)s")
                % {"row": ticket.seat.row, "number": ticket.seat.number}
                if ticket.seat
                else ""
            )
            qr = codes.get(ticket.pk, ticket.secret)
            documents.append(
                TicketData(
                    secret=ticket.secret,
                    event_name=event.name,
                    date_text=formats.date_format(starts, "DATETIME_FORMAT"),
                    venue_text=str(event.venue) if event.venue else "",
                    zone_name=ticket.zone.name,
                    seat_text=seat,
                    price_name=ticket.price_name,
                    amount_text=format_money(ticket.amount, order.currency),
                    holder_name=ticket.holder_name,
                    order_number=order.code,
                    organizer_name=shop.organizer.name,
                    options=[o["name"] for o in ticket.options],
                    qr="" if qr == ticket.secret else qr,
                )
            )
    return documents


def render_shop_tickets(
    *, shop: Shop, tickets: list[TicketData], language: str, layout: str | None = None
) -> bytes:
    """The tickets as one PDF in `layout`, by default the shop's: its template as the
    background of the `template` layout. A shop whose template is gone prints A4."""
    chosen = layout is None
    layout = layout or layouts.ticket_layout_of(shop)
    background = None
    if layout == "template":
        background = layouts.template_background(shop)
        if background is None and chosen:
            layout = DEFAULT_LAYOUT  # chosen, but its file is missing: never fail a sale
    # (a preview of `template` without a template prints on the sample template)
    return render_tickets_pdf(tickets, language=language, layout=layout, background=background)


def render_order_tickets(order: Order, tickets: list[TicketData]) -> bytes:
    """An order's tickets (`ticket_documents`, or some of them) in its shop's layout and
    its buyer's language: the one call of the confirmation email and the order page."""
    return render_shop_tickets(shop=order.shop, tickets=tickets, language=order.language)
