"""The box office screens (BOX-1..4): the counter (pick a date, tickets, take the payment),
the order search and an order's page (pay, split, customer, print, email).

Views read the request and call the boxoffice services and queries; refusals come back as
messages on the same screen. Printing answers with a PDF shown inline, opened in a new tab
by the page (a form with target=_blank), ready for the browser's print dialog.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST

from billetterie.boxoffice import queries, services
from billetterie.boxoffice.access import counter_view
from billetterie.boxoffice.models import CounterPayment
from billetterie.boxoffice.printing import counter_layouts, receipt_pdf, tickets_pdf
from billetterie.core.exceptions import DomainError, InvalidInput
from billetterie.core.money import parse_amount
from billetterie.orders import queries as sales
from billetterie.orders.models import Order, Ticket
from billetterie.orders.services import cart as carts
from billetterie.orders.services import order_admin
from billetterie.payments import registry
from billetterie.payments.providers.counter import CARD_TERMINAL, CASH
from billetterie.shop.forms import read_add_to_cart, to_int

BUYER_FIELDS = ("email", "first_name", "last_name", "phone")
# the order log (OrderEvent.kind) in words; other kinds are shown as they are
EVENT_LABELS = {
    "placed": gettext_lazy("Placed"),
    "paid": gettext_lazy("Paid"),
    "reserved": gettext_lazy("Reserved (pay on site)"),
    "expired": gettext_lazy("Expired"),
    "cancelled": gettext_lazy("Cancelled"),
    "opposition": gettext_lazy("Put in opposition"),
    "counter_payment": gettext_lazy("Payment taken at the box office"),
    "split": gettext_lazy("Tickets moved to a new paid order"),
    "split_from": gettext_lazy("Created from a reservation"),
    "receipt_issued": gettext_lazy("Receipt printed"),
    "tickets_printed": gettext_lazy("Tickets printed"),
    "confirmation_sent": gettext_lazy("Confirmation emailed"),
    "confirmation_resent": gettext_lazy("Confirmation emailed again"),
    "tickets_emailed": gettext_lazy("Tickets emailed"),
    "customer_changed": gettext_lazy("Customer changed"),
    "ticket_cancelled": gettext_lazy("Ticket cancelled"),
}
RESERVE = "reserve"
LAYOUT_KEY = "boxoffice:layout"
ORDERS_PER_PAGE = queries.MAX_RESULTS


def _cart_key(shop) -> str:
    return f"boxoffice:cart:{shop.pk}"


def _done_key(shop) -> str:
    return f"boxoffice:done:{shop.pk}"


def _counter_cart(request, *, create: bool = False):
    key = request.session.get(_cart_key(request.shop))
    if not key and not create:
        return None
    cart = carts.cart_for(shop=request.shop, key=key, language=request.LANGUAGE_CODE)
    if cart.key != key:
        request.session[_cart_key(request.shop)] = cart.key
    return cart


def _counter_url(request, date_id=None, anchor: str = "") -> str:
    url = reverse("boxoffice:counter", args=[request.organizer.slug, request.shop.slug])
    if date_id:
        url += f"?date={date_id}"
    return url + (f"#{anchor}" if anchor else "")


def _order_url(request, order) -> str:
    return reverse("boxoffice:order", args=[request.organizer.slug, request.shop.slug, order.pk])


def _cents(amount) -> int:
    return int(amount * 100)


def _amount_given(data):
    text = str(data.get("amount_given", "")).strip()
    return parse_amount(text) if text else None


def _remember_done(request, sale: services.CounterSale) -> None:
    """The last sale, shown once on the next screen: the change to give, the prints."""
    request.session[_done_key(request.shop)] = {
        "order": sale.order.pk,
        "change": str(sale.payment.change),
        "method": sale.payment.method,
    }


def _print_context(request) -> dict:
    return {"layouts": counter_layouts(), "layout": request.session.get(LAYOUT_KEY, "")}


def _done(request):
    done = request.session.pop(_done_key(request.shop), None)
    if not done:
        return None
    order = queries.counter_orders(request.shop, request.counter).filter(pk=done["order"]).first()
    if order is None:
        return None
    provider = registry.get(done["method"])
    return {
        **done,
        "order": order,
        "is_cash": done["method"] == CASH,
        "method_label": provider.name if provider else done["method"],
    }


# --- choosing a shop -----------------------------------------------------------------------
@login_required
@require_GET
def home(request):
    shops = queries.counter_shops(request.user)
    if len(shops) == 1:
        return redirect("boxoffice:counter", shops[0].organizer.slug, shops[0].slug)
    return render(request, "boxoffice/home.html", {"shops": shops})


# --- the counter ----------------------------------------------------------------------------
@counter_view
@require_GET
def counter(request):
    shop, scope = request.shop, request.counter
    dates = queries.counter_dates(shop, scope)
    date_id = to_int(request.GET.get("date"))
    date = queries.counter_date(shop, scope, date_id) if date_id else None
    offer = queries.counter_offer(date, currency=shop.currency) if date else None
    cart = _counter_cart(request)
    view = carts.cart_read(cart=cart) if cart is not None else None
    if view is not None and view.dropped:
        messages.warning(
            request,
            _("The time to hold these places ran out; they went back on sale: %(lines)s")
            % {"lines": "; ".join(view.dropped)},
        )
    hotkey = 0
    for zone in offer.zones if offer else []:
        for price in zone.prices:
            if not zone.zone.is_numbered:
                hotkey += 1
                price.hotkey = hotkey if hotkey <= 9 else None
        if zone.zone.is_numbered:
            hotkey += 1
            zone.hotkey = hotkey if hotkey <= 9 else None
    lines = view.lines if view else []
    seats = sales.seats_of_lines(lines) if lines else {}
    for line in lines:
        line.seat_labels = seats.get(line.pk, [])
        line.line_total = line.unit_amount * line.quantity
    return render(
        request,
        "boxoffice/counter.html",
        {
            "shop": shop,
            "bo_section": "sell",
            "dates": dates,
            "date": date,
            "offer": offer,
            "cart": view,
            "lines": lines,
            "due_cents": _cents(view.to_pay) if view else 0,
            "done": _done(request),
            "form": request.session.pop("boxoffice:form", {}),
            **_print_context(request),
        },
    )


@counter_view
@require_POST
def counter_add(request):
    shop, scope = request.shop, request.counter
    date_id = to_int(request.POST.get("date"))
    date = queries.counter_date(shop, scope, date_id)
    offer = queries.counter_offer(date, currency=shop.currency)
    prices = {p.pk: p for zone in offer.zones for p in zone.prices}
    price = prices.get(to_int(request.POST.get("price")))
    if price is None:
        messages.error(request, offer.reason or _("This price is not sold at the box office."))
        return redirect(_counter_url(request, date.pk))
    try:
        wanted = read_add_to_cart(request.POST, price)
        line = services.counter_add(
            cart=_counter_cart(request, create=True),
            actor=request.user,
            date=date,
            zone=price.zone,
            price=price,
            quantity=wanted.quantity,
            seat_ids=wanted.seat_ids or None,
            amount=wanted.amount,
            option_ids=wanted.option_ids,
        )
    except DomainError as refusal:
        messages.error(request, refusal.message)
        return redirect(_counter_url(request, date.pk, f"zone-{price.zone_id}"))
    added = ngettext(
        "%(n)s ticket “%(price)s” added.", "%(n)s tickets “%(price)s” added.", line.quantity
    )
    messages.success(request, added % {"n": line.quantity, "price": price.name})
    return redirect(_counter_url(request, date.pk))


@counter_view
@require_POST
def counter_remove(request):
    cart = _counter_cart(request)
    if cart is not None:
        carts.cart_remove(cart=cart, line_id=to_int(request.POST.get("line")) or 0)
    return redirect(_counter_url(request, to_int(request.POST.get("date"))))


@counter_view
@require_POST
def counter_clear(request):
    cart = _counter_cart(request)
    if cart is not None and carts.cart_empty(cart=cart):
        messages.success(request, _("The sale was cleared; its places went back on sale."))
    return redirect(_counter_url(request, to_int(request.POST.get("date"))))


def _buyer(data) -> services.Buyer:
    return services.Buyer(**{key: str(data.get(key, "")) for key in BUYER_FIELDS})


@counter_view
@require_POST
def counter_checkout(request):
    """Pay the sale in progress (cash, card terminal) or keep it as a reservation."""
    action = request.POST.get("method", "")
    date_id = to_int(request.POST.get("date"))
    cart = _counter_cart(request)
    try:
        if cart is None:
            raise InvalidInput(_("Add tickets to the sale first."))
        buyer = _buyer(request.POST)
        if action == RESERVE:
            order = services.counter_reserve(cart=cart, actor=request.user, buyer=buyer)
            messages.success(
                request,
                _("Reservation %(number)s kept for %(name)s: to be paid at the box office.")
                % {"number": order.code, "name": order.buyer_name},
            )
            return redirect(_order_url(request, order))
        if action not in (CASH, CARD_TERMINAL):
            raise InvalidInput(_("Choose how the buyer pays."))
        sale = services.counter_sell(
            cart=cart,
            actor=request.user,
            method=action,
            amount_given=_amount_given(request.POST) if action == CASH else None,
            terminal_reference=request.POST.get("terminal_reference", ""),
            buyer=buyer,
        )
    except DomainError as refusal:
        messages.error(request, refusal.message)
        request.session["boxoffice:form"] = {
            key: str(request.POST.get(key, ""))[:200]
            for key in (*BUYER_FIELDS, "amount_given", "terminal_reference")
        }
        return redirect(_counter_url(request, date_id, "sale"))
    _remember_done(request, sale)
    return redirect(_counter_url(request, date_id))


# --- orders --------------------------------------------------------------------------------
@counter_view
@require_GET
def order_list(request):
    shop, scope = request.shop, request.counter
    text = request.GET.get("q", "").strip()[:200]
    date_id = to_int(request.GET.get("date"))
    reservations = request.GET.get("reservations") == "1"
    searched = bool(text or date_id or reservations)
    orders = (
        queries.order_search(shop, scope, text=text, date_id=date_id, reservations=reservations)
        if searched
        else []
    )
    return render(
        request,
        "boxoffice/orders.html",
        {
            "shop": shop,
            "orders": orders,
            "q": text,
            "date_id": date_id,
            "reservations": reservations,
            "searched": searched,
            "dates": queries.search_dates(shop, scope),
            "limit": ORDERS_PER_PAGE,
        },
    )


@counter_view
@require_GET
def order_detail(request, order_id):
    order = queries.counter_order(request.shop, request.counter, order_id)
    tickets = queries.order_tickets(order)
    valid = [t for t in tickets if t.state == Ticket.State.VALID]
    pending = order.state == Order.State.PENDING
    payments = list(
        CounterPayment.objects.filter(order=order).select_related("receipt").order_by("pk")
    )
    for ticket in tickets:
        ticket.cents = _cents(ticket.amount)
    events = list(order.events.order_by("created_at", "pk"))
    for event in events:
        event.label = EVENT_LABELS.get(event.kind, event.kind)
        if event.kind in ("split", "split_from"):
            other = event.data.get("new_order") or event.data.get("from_order")
            event.label = f"{event.label} ({other})"
    transactions = list(order.transactions.order_by("created_at", "pk"))
    for tx in transactions:
        provider = registry.get(tx.provider)
        tx.provider_name = provider.name if provider else tx.provider
    return render(
        request,
        "boxoffice/order.html",
        {
            "shop": request.shop,
            "order": order,
            "tickets": tickets,
            "valid_tickets": valid,
            "is_reservation": pending and order.expires_at is None,
            "can_pay": pending and bool(valid),
            "can_split": pending and order.expires_at is None and len(valid) > 1,
            "can_print": order.state == Order.State.PAID and bool(valid),
            "can_receipt": bool(payments),
            "can_email": order_admin.can_send_tickets(order),
            "can_change_customer": order_admin.can_change_customer(order),
            "transactions": transactions,
            "events": events,
            "due_cents": _cents(order.total),
            **_print_context(request),
            "done": _done(request),
        },
    )


def _order_action(request, order_id, action, success: str = ""):
    """Run `action(order)`; after a payment, show the paid order (a split's new one)."""
    order = queries.counter_order(request.shop, request.counter, order_id)
    try:
        result = action(order)
    except DomainError as refusal:
        messages.error(request, refusal.message)
        return redirect(_order_url(request, order))
    if isinstance(result, services.CounterSale):
        _remember_done(request, result)
        order = result.order
    if success:
        messages.success(request, success)
    return redirect(_order_url(request, order))


@counter_view
@require_POST
def order_pay(request, order_id):
    method = request.POST.get("method", "")

    def pay(order):
        if method not in (CASH, CARD_TERMINAL):
            raise InvalidInput(_("Choose how the buyer pays."))
        return services.order_pay(
            order=order,
            actor=request.user,
            method=method,
            amount_given=_amount_given(request.POST) if method == CASH else None,
            terminal_reference=request.POST.get("terminal_reference", ""),
        )

    return _order_action(request, order_id, pay)


@counter_view
@require_POST
def order_split(request, order_id):
    method = request.POST.get("method", "")
    ticket_ids = [to_int(v) for v in request.POST.getlist("ticket")]

    def split(order):
        if None in ticket_ids:
            raise InvalidInput(_("Choose one or more tickets of this reservation."))
        if method not in (CASH, CARD_TERMINAL):
            raise InvalidInput(_("Choose how the buyer pays."))
        return services.reservation_split(
            order=order,
            ticket_ids=ticket_ids,
            actor=request.user,
            method=method,
            amount_given=_amount_given(request.POST) if method == CASH else None,
            terminal_reference=request.POST.get("terminal_reference", ""),
        )

    return _order_action(request, order_id, split)


@counter_view
@require_POST
def order_customer(request, order_id):
    def change(order):
        return order_admin.order_customer_change(
            order=order,
            actor=request.user,
            email=request.POST.get("email", ""),
            first_name=request.POST.get("first_name", ""),
            last_name=request.POST.get("last_name", ""),
        )

    return _order_action(request, order_id, change, _("The order's customer was saved."))


@counter_view
@require_POST
def order_email(request, order_id):
    def send(order):
        order_admin.order_confirmation_resend(order=order, actor=request.user)

    return _order_action(request, order_id, send, _("The confirmation with the tickets is sent."))


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@counter_view
@require_POST
def order_tickets_pdf(request, order_id):
    order = queries.counter_order(request.shop, request.counter, order_id)
    try:
        chosen = [] if request.POST.get("all") else request.POST.getlist("ticket")
        chosen = [to_int(v) for v in chosen]
        if None in chosen:
            raise InvalidInput(_("Choose one or more valid tickets of this order."))
        tickets = services.printable_tickets(order, chosen)
        services.tickets_printed(order=order, actor=request.user, tickets=tickets)
    except DomainError as refusal:
        messages.error(request, refusal.message)
        return redirect(_order_url(request, order))
    layout = request.POST.get("layout", "")
    if layout in dict(counter_layouts()) or layout == "":
        request.session[LAYOUT_KEY] = layout  # this counter's printer, for the next prints
    pdf = tickets_pdf(order, tickets, layout=layout)
    return _pdf(pdf, f"tickets-{order.code}.pdf")


@counter_view
@require_POST
def order_receipt_pdf(request, order_id):
    order = queries.counter_order(request.shop, request.counter, order_id)
    try:
        receipt = services.receipt_issue(order=order, actor=request.user)
    except DomainError as refusal:
        messages.error(request, refusal.message)
        return redirect(_order_url(request, order))
    pdf = receipt_pdf(receipt, language=order.language)
    return _pdf(pdf, f"receipt-{receipt.code}.pdf")
