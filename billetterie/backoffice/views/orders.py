"""Orders of a shop in the back office (issue 7): the list with filters and search, the
order page with its tabs, and the staff actions on an order.

Levels (ORG-2):
- VIEW reads the list, the order page and the buyer's uploaded files;
- BOX_OFFICE also resends the confirmation, emails the tickets, changes the customer and
  downloads the tickets;
- MANAGE also cancels and puts in opposition.
The services check the same levels again (orders/services/order_admin.py). Refunds and
the invoice come with the payments and banking issues: they add their entries to
`_actions()` and their tab to TABS.
"""

from django import forms
from django.contrib import messages
from django.core.files.storage import storages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from billetterie.backoffice.access import shop_view
from billetterie.backoffice.feedback import form_error, run
from billetterie.banking.queries import invoice_summary
from billetterie.catalog.models import Event, EventDate
from billetterie.core.exceptions import DomainError
from billetterie.core.models import Level
from billetterie.core.money import format_money
from billetterie.orders import queries as sales
from billetterie.orders import staff_queries
from billetterie.orders.models import Order
from billetterie.orders.services import order_admin
from billetterie.orders.ticket_documents import render_order_tickets, ticket_documents
from billetterie.payments import registry
from billetterie.payments.models import Transaction

PER_PAGE = 50
TABS = [
    ("tickets", gettext_lazy("Tickets")),
    ("customer", gettext_lazy("Customer")),
    ("answers", gettext_lazy("Answers")),
    ("transactions", gettext_lazy("Transactions")),
    ("emails", gettext_lazy("Emails sent")),
    ("history", gettext_lazy("History")),
]


def _level(request) -> Level:
    return request.shop_level


def _order_url(request, order, tab: str = "") -> str:
    url = reverse("backoffice:order", args=[request.organizer.slug, request.shop.slug, order.pk])
    return f"{url}?tab={tab}" if tab else url


def _method_names() -> dict[str, str]:
    return {p.identifier: str(p.name) for p in registry.all_providers()}


def language_name(code: str) -> str:
    """The language's own name ("Deutsch"), or its code when Django does not know it."""
    try:
        return translation.get_language_info(code)["name_local"]
    except KeyError:
        return code or "—"


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# --- the list ------------------------------------------------------------------------------
@shop_view(Level.VIEW)
def order_list(request):
    shop = request.shop
    events = list(Event.objects.filter(shop=shop).order_by("name", "pk").only("pk", "name"))
    event_id = _int(request.GET.get("event"))
    if event_id not in {e.pk for e in events}:
        event_id = None
    dates = (
        list(EventDate.objects.filter(event_id=event_id).order_by("starts_at", "pk"))
        if event_id
        else []
    )
    date_id = _int(request.GET.get("date"))
    if date_id not in {d.pk for d in dates}:
        date_id = None
    state = request.GET.get("state", "")
    state = state if state in Order.State.values else ""
    names = _method_names()
    method = request.GET.get("method", "")
    method = method if method in names else ""
    query = request.GET.get("q", "").strip()[:200]
    orders = staff_queries.orders_of_shop(
        shop,
        query=query,
        event_id=event_id,
        date_id=date_id,
        state=state,
        payment_method=method,
    ).select_related("shop")
    page = Paginator(orders, PER_PAGE).get_page(request.GET.get("page"))
    counts = staff_queries.ticket_counts(o.pk for o in page)
    for order in page:
        order.ticket_count = counts.get(order.pk, 0)
        order.total_text = format_money(order.total, order.currency)
        order.method_name = names.get(order.payment_method, order.payment_method)
    filters = request.GET.copy()
    filters.pop("page", None)
    return render(
        request,
        "backoffice/orders.html",
        {
            "shop": shop,
            "page": page,
            "query": query,
            "events": events,
            "event_id": event_id,
            "dates": dates,
            "date_id": date_id,
            "states": Order.State.choices,
            "state": state,
            "methods": sorted(names.items(), key=lambda item: item[1]),
            "method": method,
            "filters": filters.urlencode(),
            "filtered": bool(query or event_id or state or method),
        },
    )


# --- the order page ----------------------------------------------------------------------
class EmailTicketsForm(forms.Form):
    to = forms.EmailField(label=gettext_lazy("Send the tickets to"), max_length=254)


def _actions(order, level: Level) -> dict:
    """What this person may do with this order now (the page shows only these)."""
    return {
        "send": level >= Level.BOX_OFFICE and order_admin.can_send_tickets(order),
        "download": level >= Level.BOX_OFFICE and order_admin.tickets_issued(order),
        "change_customer": level >= Level.BOX_OFFICE and order_admin.can_change_customer(order),
        "cancel": level >= Level.MANAGE and order_admin.can_cancel(order),
        "oppose": level >= Level.MANAGE and order_admin.can_oppose(order),
    }


@shop_view(Level.VIEW)
def order_detail(request, order_id):
    order = staff_queries.order_of_shop(request.shop, order_id)
    tab = request.GET.get("tab", "tickets")
    tab = tab if tab in dict(TABS) else "tickets"
    tickets = staff_queries.order_tickets(order)
    context = {
        "shop": request.shop,
        "order": order,
        "tabs": TABS,
        "tab": tab,
        "tickets": tickets,
        "total_text": format_money(order.total, order.currency),
        "method_name": _method_names().get(order.payment_method, order.payment_method),
        "language_name": language_name(order.language),
        "actions": _actions(order, _level(request)),
        "email_form": EmailTicketsForm(initial={"to": order.email}),
        "transaction_count": Transaction.objects.filter(order=order).count(),
        "invoice": invoice_summary(order),
    }
    if tab == "answers":
        context["answers"] = sales.answers_of(order, tickets)
    elif tab == "transactions":
        context["transactions"] = list(
            Transaction.objects.filter(order=order).order_by("created_at", "pk")
        )
    elif tab == "emails":
        context["emails"] = staff_queries.order_emails(order)
    elif tab == "history":
        context["history"] = staff_queries.order_history(order)
    elif tab == "customer":
        context["customer"] = order.customer
    return render(request, "backoffice/order.html", context)


@shop_view(Level.VIEW)
def order_file(request, order_id, file_token):
    """A file the buyer uploaded with the form, as a download (never shown inline)."""
    order = staff_queries.order_of_shop(request.shop, order_id)
    file = sales.answer_file(order, file_token)
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


@shop_view(Level.BOX_OFFICE)
def order_tickets_pdf(request, order_id):
    order = staff_queries.order_of_shop(request.shop, order_id)
    documents = ticket_documents(order) if order_admin.tickets_issued(order) else []
    if not documents:
        messages.error(request, order_admin.TicketsNotIssued.default_message)
        return redirect(_order_url(request, order))
    pdf = render_order_tickets(order, documents)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="tickets-{order.code}.pdf"'
    return response


@require_POST
@shop_view(Level.BOX_OFFICE)
def order_resend(request, order_id):
    order = staff_queries.order_of_shop(request.shop, order_id)
    run(
        request,
        lambda: order_admin.order_confirmation_resend(order=order, actor=request.user),
        _("The confirmation and the tickets were sent again to %(email)s.")
        % {"email": order.email},
    )
    return redirect(_order_url(request, order))


@require_POST
@shop_view(Level.BOX_OFFICE)
def order_email_tickets(request, order_id):
    order = staff_queries.order_of_shop(request.shop, order_id)
    form = EmailTicketsForm(request.POST)
    if not form.is_valid():
        form_error(request, form)
        return redirect(_order_url(request, order))
    to = form.cleaned_data["to"]
    run(
        request,
        lambda: order_admin.order_tickets_email(order=order, actor=request.user, to=to),
        _("The tickets were sent to %(email)s.") % {"email": to},
    )
    return redirect(_order_url(request, order))


class CustomerForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Email"), max_length=254)
    first_name = forms.CharField(label=gettext_lazy("First name"), max_length=120, required=False)
    last_name = forms.CharField(label=gettext_lazy("Last name"), max_length=120, required=False)


@shop_view(Level.BOX_OFFICE)
def order_customer(request, order_id):
    order = staff_queries.order_of_shop(request.shop, order_id)
    if not order_admin.can_change_customer(order):
        messages.error(request, order_admin.OrderAnonymised.default_message)
        return redirect(_order_url(request, order))
    initial = {"email": order.email, "first_name": order.first_name, "last_name": order.last_name}
    form = CustomerForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            order_admin.order_customer_change(order=order, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The order's customer is saved."))
            return redirect(_order_url(request, order, "customer"))
    return render(
        request,
        "backoffice/order_customer.html",
        {"shop": request.shop, "order": order, "form": form},
    )


class OppositionForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=order_admin.REASON_MAX,
        help_text=gettext_lazy("For example: chargeback from the card issuer, reference 1234."),
    )


class CancelForm(forms.Form):
    notify = forms.BooleanField(
        label=gettext_lazy("Email the buyer that the order is cancelled"),
        required=False,
        initial=True,
    )


def _confirm_page(request, order, *, action: str, form, title: str, warning: str):
    return render(
        request,
        "backoffice/order_confirm.html",
        {
            "shop": request.shop,
            "order": order,
            "form": form,
            "action": action,
            "title": title,
            "warning": warning,
            "total_text": format_money(order.total, order.currency),
        },
    )


@shop_view(Level.MANAGE)
def order_cancel(request, order_id):
    """GET: what cancelling will do; POST: cancel."""
    order = staff_queries.order_of_shop(request.shop, order_id)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        notify = form.cleaned_data["notify"]
        run(
            request,
            lambda: order_admin.order_cancel(order=order, actor=request.user, notify=notify),
            _("Order %(code)s is cancelled; its places are back on sale.") % {"code": order.code},
        )
        return redirect(_order_url(request, order))
    if not order_admin.can_cancel(order):
        messages.error(request, order_admin.OrderNotCancellable.default_message)
        return redirect(_order_url(request, order))
    warning = _("Its tickets stop being valid and their places go back on sale.")
    if order.state == Order.State.PAID:
        warning += " " + _(
            "The amount paid (%(total)s) is not refunded by cancelling: refund it separately."
        ) % {"total": format_money(order.total, order.currency)}
    return _confirm_page(
        request,
        order,
        action="cancel",
        form=form,
        title=_("Cancel order %(code)s?") % {"code": order.code},
        warning=warning,
    )


@shop_view(Level.MANAGE)
def order_opposition(request, order_id):
    """GET: what opposition means; POST: put the order in opposition (PAY-9)."""
    order = staff_queries.order_of_shop(request.shop, order_id)
    form = OppositionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"]
        run(
            request,
            lambda: order_admin.order_opposition(order=order, actor=request.user, reason=reason),
            _("Order %(code)s is in opposition: its tickets are no longer valid.")
            % {"code": order.code},
        )
        return redirect(_order_url(request, order))
    if not order_admin.can_oppose(order):
        messages.error(request, order_admin.OrderNotOpposable.default_message)
        return redirect(_order_url(request, order))
    return _confirm_page(
        request,
        order,
        action="opposition",
        form=form,
        title=_("Put order %(code)s in opposition?") % {"code": order.code},
        warning=_(
            "Its tickets stop being valid at the entrance. The order and its transactions "
            "are kept as proof, and its places stay taken."
        ),
    )
