"""The confirmation email (SHOP-9): in the buyer's language, tickets as one PDF, and a link
to the order page where they can be downloaded again."""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import translation

from billetterie.core.money import format_money
from billetterie.notifications.services import Attachment, email_template_queue
from billetterie.orders import queries as sales
from billetterie.orders.models import Order, Ticket
from billetterie.orders.ticket_documents import render_order_tickets, ticket_documents


def order_url(order: Order) -> str:
    return settings.BASE_URL + reverse("shop:order", args=[order.secret])


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
