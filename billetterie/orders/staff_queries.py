"""Reads for staff (back office, box office, API): orders, customers and exports, always
scoped to a shop or an organizer (ORG-3). A lookup by id that misses is a 404.

Lists run a fixed number of queries, whatever the number of orders: counts of a page's
tickets come in one query for the page's ids, never one per row.
"""

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404

from billetterie.core.models import AuditLogEntry, Organizer, Shop
from billetterie.notifications.models import OutboxMessage
from billetterie.orders.exports.models import Export
from billetterie.orders.models import Customer, Order, OrderEvent, Ticket
from billetterie.orders.search import normalize, orders_matching

MAX_EMAILS = 50


# --- orders ------------------------------------------------------------------------------------
def orders_of_shop(
    shop: Shop,
    *,
    query: str = "",
    event_id: int | None = None,
    date_id: int | None = None,
    state: str = "",
    payment_method: str = "",
) -> QuerySet:
    """The shop's orders, newest first, filtered; `query` searches number, email, names and
    answers (orders/search.py)."""
    orders = Order.objects.filter(shop=shop)
    if state:
        orders = orders.filter(state=state)
    if payment_method:
        orders = orders.filter(payment_method=payment_method)
    if date_id:
        orders = orders.filter(Exists(Ticket.objects.filter(order=OuterRef("pk"), date_id=date_id)))
    elif event_id:
        orders = orders.filter(
            Exists(Ticket.objects.filter(order=OuterRef("pk"), date__event_id=event_id))
        )
    if query:
        orders = orders_matching(orders, query)
    return orders.order_by("-created_at", "-pk")


def order_of_shop(shop: Shop, order_id) -> Order:
    return get_object_or_404(
        Order.objects.select_related("shop__organizer", "customer"), shop=shop, pk=order_id
    )


def ticket_counts(order_ids) -> dict[int, int]:
    """{order id: number of tickets} for these orders, in one query."""
    return dict(
        Ticket.objects.filter(order_id__in=list(order_ids))
        .values("order_id")
        .annotate(n=Count("id"))
        .values_list("order_id", "n")
    )


def order_tickets(order: Order) -> list[Ticket]:
    return list(order.tickets.select_related("date__event", "zone", "seat").order_by("id"))


def order_emails(order: Order) -> list[OutboxMessage]:
    """The emails the organizer sent to the order's address (confirmations, tickets,
    cancellations; the latest first)."""
    if not order.email:
        return []
    candidates = OutboxMessage.objects.filter(
        organizer_id=order.shop.organizer_id, to__icontains=order.email
    ).order_by("-created_at", "-pk")[: MAX_EMAILS * 2]
    email = order.email.lower()
    return [m for m in candidates if email in {str(to).lower() for to in m.to}][:MAX_EMAILS]


def order_history(order: Order) -> list[dict]:
    """The order's log and the audit entries about it, in time order."""
    rows = [
        {"at": e.created_at, "kind": e.kind, "who": e.actor_label, "data": e.data}
        for e in OrderEvent.objects.filter(order=order)
    ]
    rows += [
        {"at": a.created_at, "kind": a.action, "who": a.actor_label, "data": a.changes}
        for a in AuditLogEntry.objects.filter(
            organizer_id=order.shop.organizer_id, target_type="order", target_id=str(order.pk)
        )
    ]
    return sorted(rows, key=lambda row: row["at"])


# --- customers ---------------------------------------------------------------------------------
def customers_of(organizer: Organizer, query: str = "") -> QuerySet:
    customers = Customer.objects.filter(organizer=organizer)
    for word in query.split()[:6]:
        customers = customers.filter(
            Q(email__icontains=word)
            | Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(company__icontains=word)
            | Q(phone__icontains=word)
            | Q(city__icontains=word)
        )
    return customers.order_by("last_name", "first_name", "email")


def customer_of_organizer(organizer: Organizer, customer_id) -> Customer:
    return get_object_or_404(
        Customer.objects.select_related("organizer"), organizer=organizer, pk=customer_id
    )


def order_counts(customer_ids) -> dict[int, int]:
    return dict(
        Order.objects.filter(customer_id__in=list(customer_ids))
        .values("customer_id")
        .annotate(n=Count("id"))
        .values_list("customer_id", "n")
    )


def customer_orders(customer: Customer) -> list[Order]:
    """The customer's orders in every shop of the organizer, newest first."""
    return list(
        Order.objects.filter(customer=customer, shop__organizer_id=customer.organizer_id)
        .select_related("shop")
        .prefetch_related("tickets__date__event")
        .order_by("-created_at", "-pk")
    )


def possible_duplicates(customer: Customer, limit: int = 10) -> list[Customer]:
    """Other customers of the organizer with the same name (case and accents aside) or
    the same phone: candidates for a merge."""
    others = Customer.objects.filter(organizer_id=customer.organizer_id).exclude(pk=customer.pk)
    same = Q(pk__in=[])
    if customer.phone:
        same |= Q(phone=customer.phone)
    if customer.first_name and customer.last_name:
        same |= Q(last_name__iexact=customer.last_name)
    candidates = []
    name = normalize(f"{customer.first_name} {customer.last_name}")
    for other in others.filter(same).order_by("email")[: limit * 5]:
        same_name = name and normalize(f"{other.first_name} {other.last_name}") == name
        if same_name or (customer.phone and other.phone == customer.phone):
            candidates.append(other)
    return candidates[:limit]


# --- exports -----------------------------------------------------------------------------------
def exports_of_shop(shop: Shop, limit: int = 30) -> list[Export]:
    return list(
        Export.objects.filter(shop=shop)
        .select_related("event", "date", "requested_by")
        .order_by("-created_at", "-pk")[:limit]
    )


def export_of_shop(shop: Shop, export_id) -> Export:
    return get_object_or_404(
        Export.objects.select_related("event", "date", "shop__organizer"), shop=shop, pk=export_id
    )
