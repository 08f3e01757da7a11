"""The confirmation email (SHOP-9): in the buyer's language, tickets as one PDF, and a link
to the order page where they can be downloaded again."""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone, translation

from billetterie.core.money import format_money
from billetterie.documents.services import render_order_tickets
from billetterie.documents.tickets import TicketData
from billetterie.notifications.services import Attachment, email_template_queue
from billetterie.orders import queries as sales
from billetterie.orders.models import Order, Ticket


def order_url(order: Order) -> str:
    return settings.BASE_URL + reverse("shop:order", args=[order.secret])


def ticket_documents(order: Order) -> list[TicketData]:
    """Plain data for the ticket renderer, formatted in the shop's time zone and the
    buyer's language."""
    shop = order.shop
    tickets = order.tickets.filter(state=Ticket.State.VALID).select_related(
        "date__event__venue", "zone", "seat"
    )
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
                )
            )
    return documents


def _answers(order: Order):
    """The registration answers, labelled in the buyer's language: the email repeats them
    so the buyer can check what they told the organizer."""
    with translation.override(order.language):
        return sales.answers_of(order)


@transaction.atomic
def confirmation_send(order: Order) -> None:
    pdf = render_order_tickets(order, ticket_documents(order))
    email_template_queue(
        to=order.email,
        template="order_confirmation",
        context={
            "order": order,
            "shop": order.shop,
            "link": order_url(order),
            "total": format_money(order.total, order.currency),
            "ticket_count": order.tickets.filter(state=Ticket.State.VALID).count(),
            "answers": _answers(order),
        },
        language=order.language,
        organizer_id=order.shop.organizer_id,
        attachments=[
            Attachment(name=f"tickets-{order.code}.pdf", mimetype="application/pdf", content=pdf)
        ],
    )
    order.events.create(kind="confirmation_sent", data={"to": order.email})
