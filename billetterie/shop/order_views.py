"""The buyer's order page, reached by its unguessable link (from the confirmation email)."""

from django.contrib import messages
from django.core.files.storage import storages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from billetterie.banking.queries import invoice_of_order, invoice_summary
from billetterie.banking.services.invoices import invoice_filename, invoice_pdf
from billetterie.core.exceptions import DomainError
from billetterie.orders import queries as sales
from billetterie.orders.models import Order, Ticket
from billetterie.orders.ticket_documents import render_order_tickets, ticket_documents
from billetterie.payments import services as payments
from billetterie.shop import tracking as ike


def _order(secret) -> Order:
    return get_object_or_404(
        Order.objects.select_related("shop__organizer", "shop__tracking"), secret=secret
    )


@require_http_methods(["GET", "POST"])
def order_page(request, secret):
    order = _order(secret)
    invoice = invoice_summary(order)
    if request.method == "POST" and invoice is not None:
        # the invoice stands, with its deadline: no second way of paying to mix with it
        messages.error(request, _("This order is paid by invoice: see its due date below."))
        return redirect("shop:order", secret)
    if request.method == "POST" and order.state == Order.State.PENDING:
        ike.payment_launched(request, order)
        try:
            result = payments.payment_start(order=order, provider_id=request.POST.get("method", ""))
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("shop:order", secret)
        if result.redirect_url:
            return redirect(result.redirect_url)
        if result.message:
            messages.success(request, result.message)
        return redirect("shop:order", secret)
    tickets = list(order.tickets.select_related("date__event", "zone", "seat").order_by("id"))
    answers = sales.answers_of(order, tickets)
    pending = order.state == Order.State.PENDING and invoice is None
    methods = payments.methods_for(order) if pending else []
    context = {
        "order": order,
        "shop": order.shop,
        "tickets": tickets,
        "answers": answers,
        "methods": methods,
        "selected_method": methods[0].identifier if methods else "",
        "transactions": order.transactions.order_by("created_at"),
        "can_download": sales.tickets_downloadable(order),
        "invoice": invoice,
    }
    return ike.render_order_page(request, order, context)


def order_tickets_pdf(request, secret):
    order = _order(secret)
    if (
        not sales.tickets_downloadable(order)
        or not order.tickets.filter(state=Ticket.State.VALID).exists()
    ):
        return redirect("shop:order", secret)
    pdf = render_order_tickets(order, ticket_documents(order))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="tickets-{order.code}.pdf"'
    return response


def order_invoice_pdf(request, secret):
    """The order's invoice (PAY-11), through the order's secret link only."""
    invoice = invoice_of_order(_order(secret))
    if invoice is None:
        raise Http404
    response = HttpResponse(invoice_pdf(invoice), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{invoice_filename(invoice)}"'
    return response


def order_file(request, secret, token):
    """A file the buyer uploaded with the registration form, only through the order's
    secret link; always as a download, never rendered by the browser."""
    order = _order(secret)
    file = sales.answer_file(order, token)
    if file is None:
        raise Http404
    try:
        handle = storages["private"].open(file["path"], "rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    return FileResponse(
        handle,
        as_attachment=True,
        filename=file.get("name") or "file",
        content_type=file.get("content_type") or "application/octet-stream",
    )
