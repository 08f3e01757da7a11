"""The organizer's customers (DATA-1, DATA-3): list and search, the customer page with
their orders and answers, merging a duplicate, erasing a customer.

Customers span every shop of the organizer, so these pages need a grant on the whole
organizer: VIEW reads, MANAGE merges and erases (the services check it again).
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from billetterie.backoffice.access import organizer_view
from billetterie.backoffice.views.orders import language_name
from billetterie.core.exceptions import DomainError
from billetterie.core.models import Level
from billetterie.core.money import format_money
from billetterie.orders import queries as sales
from billetterie.orders import staff_queries
from billetterie.orders.services import customers as customer_services
from billetterie.orders.services import privacy

PER_PAGE = 50


def _can_manage(request) -> bool:
    level = getattr(request, "organizer_level", None)
    return level is not None and level >= Level.MANAGE


def _customer_url(request, customer) -> str:
    return reverse("backoffice:customer", args=[request.organizer.slug, customer.pk])


@organizer_view(min_level=Level.VIEW)
def customer_list(request):
    query = request.GET.get("q", "").strip()[:200]
    customers = staff_queries.customers_of(request.organizer, query)
    page = Paginator(customers, PER_PAGE).get_page(request.GET.get("page"))
    counts = staff_queries.order_counts(c.pk for c in page)
    for customer in page:
        customer.order_count = counts.get(customer.pk, 0)
    return render(request, "backoffice/customers.html", {"page": page, "query": query})


@organizer_view(min_level=Level.VIEW)
def customer_detail(request, customer_id):
    customer = staff_queries.customer_of_organizer(request.organizer, customer_id)
    orders = staff_queries.customer_orders(customer)
    for order in orders:
        order.total_text = format_money(order.total, order.currency)
        tickets = list(order.tickets.all())
        order.events_text = ", ".join(sorted({t.date.event.name for t in tickets}))
        order.answers_shown = sales.answers_of(order, tickets)
    return render(
        request,
        "backoffice/customer.html",
        {
            "customer": customer,
            "orders": orders,
            "duplicates": staff_queries.possible_duplicates(customer),
            "can_manage": _can_manage(request),
            "self_delete_from": privacy.self_delete_allowed_from(customer),
            "language_name": language_name(customer.language),
        },
    )


@organizer_view(min_level=Level.MANAGE)
def customer_merge(request, customer_id):
    """Merge another customer into this one. GET without `other`: choose it; GET with it:
    the preview; POST: merge."""
    customer = staff_queries.customer_of_organizer(request.organizer, customer_id)
    other_id = request.POST.get("other") or request.GET.get("other")
    other = None
    if other_id:
        try:
            other = staff_queries.customer_of_organizer(request.organizer, int(other_id))
        except (ValueError, TypeError):
            other = None
        if other is not None and other.pk == customer.pk:
            other = None
    if request.method == "POST" and other is not None:
        try:
            customer_services.customers_merge(keep=customer, duplicate=other, actor=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("%(other)s was merged into this customer.") % {"other": other.email},
            )
            return redirect(_customer_url(request, customer))
    query = request.GET.get("q", "").strip()[:200]
    candidates = []
    if other is None:
        if query:
            candidates = list(
                staff_queries.customers_of(request.organizer, query).exclude(pk=customer.pk)[:20]
            )
        else:
            candidates = staff_queries.possible_duplicates(customer)
    return render(
        request,
        "backoffice/customer_merge.html",
        {
            "customer": customer,
            "other": other,
            "other_orders": other.orders.count() if other else 0,
            "candidates": candidates,
            "query": query,
        },
    )


@organizer_view(min_level=Level.MANAGE)
def customer_delete(request, customer_id):
    """GET: what erasing keeps and removes; POST: erase (DATA-3)."""
    customer = staff_queries.customer_of_organizer(request.organizer, customer_id)
    if request.method == "POST":
        label = str(customer)
        try:
            count = privacy.customer_erase(customer=customer, actor=request.user)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect(_customer_url(request, customer))
        messages.success(
            request,
            ngettext(
                "%(name)s was erased; %(count)s order is kept as “Anonymous”.",
                "%(name)s was erased; %(count)s orders are kept as “Anonymous”.",
                count,
            )
            % {"name": label, "count": count},
        )
        return redirect(reverse("backoffice:customers", args=[request.organizer.slug]))
    return render(
        request,
        "backoffice/customer_delete.html",
        {"customer": customer, "order_count": privacy.orders_of(customer).count()},
    )
