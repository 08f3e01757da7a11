"""Counter sales (BOX-1..4, PAY-8): selling at the box office, paying reservations, splitting
them, receipts.

- The counter has a cart like the shop's (its holds keep the places while the cashier
  works), filled with `counter_add`, which sells through the box office channel: outside
  the online sale windows, with the box-office-only prices.
- `counter_sell` turns the cart into a paid order in one transaction: the order, the
  payment taken (cash with the change, or the card terminal) as a transaction of the
  ledger, and the order's log; `counter_reserve` keeps it as a reservation paid later
  (`order_pay`).
- `reservation_split` (BOX-4) moves some tickets of a reservation to a new paid order.
- `receipt_issue` numbers a receipt without gaps per shop (PAY-11).

Every service checks that the acting user holds the box office level on the shop or on
each event concerned, and writes the audit log (ORG-4) in the same transaction.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from billetterie.boxoffice.exceptions import (
    NameNeeded,
    NoCounterPayment,
    NotEnoughCash,
    NothingToPrint,
    SplitRefused,
)
from billetterie.boxoffice.models import CounterPayment, Receipt, ReceiptCounter
from billetterie.catalog.models import EventDate, Price, Zone
from billetterie.core import audit
from billetterie.core.exceptions import InvalidInput, PermissionRefused
from billetterie.core.models import Level, Shop, User
from billetterie.core.money import CENT, clean_amount
from billetterie.core.permissions import require_level
from billetterie.core.services.staff import normalize_email
from billetterie.inventory import services as inventory
from billetterie.inventory.exceptions import HoldExpired
from billetterie.inventory.models import DateSeat, Hold
from billetterie.orders.exceptions import (
    CartEmpty,
    CartExpired,
    NotOnSale,
    OrderNotPayable,
    TooManyTickets,
)
from billetterie.orders.form_models import DETAIL_FIELDS
from billetterie.orders.models import Cart, CartLine, Order, Ticket
from billetterie.orders.search import order_search_refresh
from billetterie.orders.services import cart as carts
from billetterie.orders.services import checkout, promotions
from billetterie.orders.services.sellable import Channel, check_sellable
from billetterie.payments import registry
from billetterie.payments.providers.counter import CASH, CounterProvider

ONSITE = "onsite"  # the pay-on-site provider: a reservation (PAY-8)
ZERO = Decimal("0.00")
NAME_MAX = 120


@dataclass(frozen=True)
class Buyer:
    """Who buys at the counter: nobody in particular (cash, no email), or a customer."""

    email: str = ""
    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    language: str = ""

    def cleaned(self) -> "Buyer":
        email = normalize_email(self.email) if self.email.strip() else ""
        return Buyer(
            email,
            _clean_text(self.first_name, NAME_MAX, _("First name")),
            _clean_text(self.last_name, NAME_MAX, _("Last name")),
            _clean_text(self.phone, 30, _("Phone")),
            self.language,
        )

    @property
    def has_name(self) -> bool:
        return bool(self.first_name or self.last_name)


@dataclass(frozen=True)
class CounterSale:
    order: Order
    payment: CounterPayment

    @property
    def change(self) -> Decimal:
        return self.payment.change


def _clean_text(value: str, limit: int, label: str) -> str:
    value = (value or "").replace("\x00", "").strip()
    if len(value) > limit:
        raise InvalidInput(
            _("%(label)s: at most %(max)s characters.") % {"label": label, "max": limit}
        )
    return value


def _label(actor: User) -> str:
    return actor.email


def require_counter(actor: User | None, shop: Shop, event_ids=()) -> None:
    """The box office level on the shop, or on every event concerned (ORG-2)."""
    if actor is None or not actor.is_authenticated:
        raise PermissionRefused()
    for event_id in sorted(set(event_ids)) or [None]:
        require_level(actor, shop.organizer, Level.BOX_OFFICE, shop=shop, event_id=event_id)


def _order_events(order: Order) -> set[int]:
    return set(order.tickets.values_list("date__event_id", flat=True))


def _locked(order: Order) -> Order:
    return Order.objects.select_for_update().select_related("shop__organizer").get(pk=order.pk)


# --- the counter's cart ------------------------------------------------------------------
@transaction.atomic
def counter_add(
    *,
    cart: Cart,
    actor: User,
    date: EventDate,
    zone: Zone,
    price: Price,
    quantity: int = 1,
    seat_ids: list[int] | None = None,
    amount: Decimal | None = None,
    option_ids=(),
) -> CartLine:
    """Hold places for the sale in progress, through the box office channel."""
    shop = cart.shop
    if date.event.shop_id != shop.pk or price.event_id != date.event_id:
        raise NotOnSale()
    require_counter(actor, shop, [date.event_id])
    check_sellable(date=date, price=price, channel=Channel.BOX_OFFICE)
    if seat_ids:
        quantity = len(seat_ids)
    if quantity < 1:
        raise InvalidInput(_("Choose at least one ticket."))
    in_cart = cart.lines.filter(price=price, date=date).aggregate(n=Sum("quantity"))["n"] or 0
    if price.max_per_order and in_cart + quantity > price.max_per_order:
        raise TooManyTickets(
            _("At most %(n)s tickets of “%(price)s” per order.")
            % {"n": price.max_per_order, "price": price.name}
        )
    # the price rules (amounts, pay-what-you-want minimum, options) are the shop's own
    unit = carts._unit_amount(price=price, currency=shop.currency, amount=amount)
    options = carts._chosen_options(price, option_ids)
    unit += sum((Decimal(o["amount"]) for o in options), ZERO)
    hold = inventory.hold(
        date=date,
        zone=zone,
        price=price,
        quantity=quantity,
        seat_ids=seat_ids,
        ttl=carts.hold_time(),
        reference=f"cart:{cart.pk}",
    )
    Hold.objects.filter(cart_line__cart=cart, state=Hold.State.ACTIVE).update(
        expires_at=hold.expires_at
    )
    return CartLine.objects.create(
        cart=cart,
        hold=hold,
        date=date,
        zone=zone,
        price=price,
        quantity=quantity,
        unit_amount=max(unit, ZERO),
        options=options,
    )


def _customer(shop: Shop, buyer: Buyer, language: str):
    if not buyer.email:
        return None
    return checkout.customer_for(
        organizer=shop.organizer,
        email=buyer.email,
        first_name=buyer.first_name,
        last_name=buyer.last_name,
        language=language,
        details={"phone": buyer.phone},
    )


def _place(*, cart: Cart, actor: User, buyer: Buyer) -> Order:
    """The cart as an order waiting for payment, like the shop's order_place, but the buyer
    may stay anonymous (no email: the tickets are printed at the counter)."""
    view = carts.cart_read(cart=cart)
    if view.dropped:
        raise CartExpired()
    if not view.lines:
        raise CartEmpty()
    shop = cart.shop
    require_counter(actor, shop, {line.date.event_id for line in view.lines})
    promotions.promotions_consume(view.discounts)
    language = buyer.language or shop.default_language
    order = Order.objects.create(
        shop=shop,
        number=checkout._next_number(shop),
        customer=_customer(shop, buyer, language),
        email=buyer.email,
        first_name=buyer.first_name,
        last_name=buyer.last_name,
        phone=buyer.phone,
        language=language,
        currency=shop.currency,
        total=view.to_pay,
        discounts=[d.as_dict() for d in view.discounts],
        expires_at=timezone.now() + checkout.DEFAULT_PAYMENT_WINDOW,
    )
    holder = order.buyer_name
    tickets = []
    for line in view.lines:
        try:
            inventory.confirm(line.hold)
        except HoldExpired:
            raise CartExpired() from None
        seats = list(
            DateSeat.objects.filter(hold=line.hold).order_by("pk").values_list("seat_id", flat=True)
        )
        tickets += [
            Ticket(
                order=order,
                hold=line.hold,
                date=line.date,
                zone=line.zone,
                seat_id=seats[index] if index < len(seats) else None,
                price=line.price,
                price_name=line.price.name,
                amount=line.unit_amount,
                options=line.options,
                holder_name=holder,
            )
            for index in range(line.quantity)
        ]
    Ticket.objects.bulk_create(tickets)
    cart.lines.all().delete()
    order_search_refresh(order, tickets)
    checkout.log(
        order,
        "placed",
        actor_label=_label(actor),
        total=str(order.total),
        tickets=len(tickets),
        discounts=order.discounts,
        channel=Channel.BOX_OFFICE.value,
    )
    return order


# --- payments ------------------------------------------------------------------------------
def _mark_paid(order: Order, *, provider: str, reference: str) -> Order:
    if order.email:
        return checkout.order_paid(order=order, provider=provider, reference=reference)
    # order_paid emails the tickets; a buyer without an address gets them printed instead
    updated = Order.objects.filter(pk=order.pk, state=Order.State.PENDING).update(
        state=Order.State.PAID, paid_at=timezone.now(), expires_at=None, payment_method=provider
    )
    if not updated:
        raise OrderNotPayable()
    order.refresh_from_db()
    checkout.log(order, "paid", provider=provider, reference=reference)
    return order


def _take_payment(
    order: Order,
    *,
    actor: User,
    method: str,
    amount_given: Decimal | None = None,
    terminal_reference: str = "",
) -> CounterPayment:
    """Record the money taken for a pending (locked) order, and mark it paid."""
    provider = registry.get(method)
    if not isinstance(provider, CounterProvider):
        raise InvalidInput(_("Choose cash or the card terminal."))
    if order.state != Order.State.PENDING:
        raise OrderNotPayable()
    due = order.total
    change, given = ZERO, None
    if method == CASH:
        given = due if amount_given is None else clean_amount(amount_given)
        if given < due:
            raise NotEnoughCash(
                _("The amount given (%(given)s) is less than the amount due (%(due)s).")
                % {"given": given, "due": due}
            )
        change = given - due
        reference = f"given {given} change {change}"
    else:
        terminal_reference = _clean_text(terminal_reference, 60, _("Terminal reference"))
        reference = terminal_reference
    tx = provider.record(order=order, amount=due, reference=reference)
    payment = CounterPayment.objects.create(
        shop=order.shop,
        order=order,
        transaction=tx,
        method=method,
        amount=due,
        currency=order.currency,
        amount_given=given,
        change=change,
        terminal_reference=terminal_reference if method != CASH else "",
        cashier=actor,
        cashier_label=_label(actor),
    )
    _mark_paid(order, provider=method, reference=reference or f"tx:{tx.pk}")
    order.refresh_from_db()
    details = {"method": method, "amount": str(due)}
    if given is not None:
        details.update(given=str(given), change=str(change))
    checkout.log(order, "counter_payment", actor_label=_label(actor), **details)
    audit.record(
        organizer=order.shop.organizer,
        actor=actor,
        action="boxoffice.payment",
        target=order,
        shop=order.shop,
        changes=details,
    )
    return payment


@transaction.atomic
def counter_sell(
    *,
    cart: Cart,
    actor: User,
    method: str,
    amount_given: Decimal | None = None,
    terminal_reference: str = "",
    buyer: Buyer | None = None,
) -> CounterSale:
    """Sell the counter's cart: the order and its payment, or nothing at all."""
    buyer = (buyer or Buyer()).cleaned()
    order = _locked(_place(cart=cart, actor=actor, buyer=buyer))
    payment = _take_payment(
        order,
        actor=actor,
        method=method,
        amount_given=amount_given,
        terminal_reference=terminal_reference,
    )
    return CounterSale(order=payment.order, payment=payment)


@transaction.atomic
def counter_reserve(*, cart: Cart, actor: User, buyer: Buyer) -> Order:
    """Keep the counter's cart as a reservation paid on site later (PAY-8)."""
    buyer = buyer.cleaned()
    if not buyer.has_name:
        raise NameNeeded()
    order = _place(cart=cart, actor=actor, buyer=buyer)
    if order.email:
        order = checkout.order_reserve(order=order, provider=ONSITE)
    else:
        Order.objects.filter(pk=order.pk, state=Order.State.PENDING).update(
            expires_at=None, payment_method=ONSITE
        )
        order.refresh_from_db()
        checkout.log(order, "reserved", provider=ONSITE)
    audit.record(
        organizer=order.shop.organizer,
        actor=actor,
        action="boxoffice.reservation",
        target=order,
        shop=order.shop,
        changes={"total": str(order.total)},
    )
    return order


@transaction.atomic
def order_pay(
    *,
    order: Order,
    actor: User,
    method: str,
    amount_given: Decimal | None = None,
    terminal_reference: str = "",
) -> CounterSale:
    """Take the payment of an order waiting for it (a reservation, an unfinished online
    checkout) at the counter."""
    require_counter(actor, order.shop, _order_events(order))
    order = _locked(order)
    payment = _take_payment(
        order,
        actor=actor,
        method=method,
        amount_given=amount_given,
        terminal_reference=terminal_reference,
    )
    return CounterSale(order=payment.order, payment=payment)


# --- splitting a reservation (BOX-4) ----------------------------------------------------------
def _rehold(hold: Hold, groups: list[list[Ticket]]) -> None:
    """Give each group of a hold's tickets its own confirmed hold, with the same seats (the
    hold's other valid tickets, of another order, keep theirs together).

    The inventory releases a hold only as a whole: it is released, then each group takes
    its places again, inside this transaction. The counter rows stay locked by it from the
    release on, so nobody can take the places in between.
    """
    grouped = {t.pk for group in groups for t in group}
    others = list(
        Ticket.objects.filter(hold=hold, state=Ticket.State.VALID).exclude(pk__in=grouped)
    )
    inventory.release(hold, sold_too=True)
    for tickets in [*groups, *([others] if others else [])]:
        seat_ids = [t.seat_id for t in tickets if t.seat_id]
        new_hold = inventory.hold(
            date=hold.date,
            zone=hold.zone,
            price=hold.price,
            quantity=len(tickets),
            seat_ids=seat_ids if len(seat_ids) == len(tickets) else None,
            ttl=None,
            reference=hold.reference,
        )
        inventory.confirm(new_hold)
        Ticket.objects.filter(pk__in=[t.pk for t in tickets]).update(hold=new_hold)


def _split_discounts(discounts: list[dict], share: Decimal, whole: Decimal):
    """Each reduction of the order shared in proportion to the tickets' amounts: (the moved
    part, the part that stays). The parts add up to the reduction exactly."""
    moved, kept = [], []
    for discount in discounts:
        amount = Decimal(str(discount.get("amount", "0")))
        part = (amount * share / whole).quantize(CENT) if whole else ZERO
        moved.append({**discount, "amount": str(part)})
        kept.append({**discount, "amount": str(amount - part)})
    return moved, kept


@transaction.atomic
def reservation_split(
    *,
    order: Order,
    ticket_ids,
    actor: User,
    method: str,
    amount_given: Decimal | None = None,
    terminal_reference: str = "",
) -> CounterSale:
    """Pay some tickets of a reservation now (BOX-4): they move to a new paid order with
    its own number, the reservation keeps the others and waits for their payment. Choosing
    every ticket simply pays the reservation."""
    wanted = {int(pk) for pk in ticket_ids}
    order = _locked(order)
    if order.state != Order.State.PENDING or order.expires_at is not None:
        raise SplitRefused(_("Only a reservation waiting for payment can be split."))
    tickets = list(
        order.tickets.filter(state=Ticket.State.VALID).select_related("hold", "date__event")
    )
    require_counter(actor, order.shop, {t.date.event_id for t in tickets})
    moving = [t for t in tickets if t.pk in wanted]
    if not moving or len(moving) != len(wanted):
        raise SplitRefused(_("Choose one or more tickets of this reservation."))
    if len(moving) == len(tickets):
        return order_pay(
            order=order,
            actor=actor,
            method=method,
            amount_given=amount_given,
            terminal_reference=terminal_reference,
        )
    listed = sum((t.amount for t in tickets), ZERO)
    moved_listed = sum((t.amount for t in moving), ZERO)
    moved_discounts, kept_discounts = _split_discounts(order.discounts, moved_listed, listed)
    moved_total = max(
        moved_listed - sum((Decimal(d["amount"]) for d in moved_discounts), ZERO), ZERO
    )
    new = Order.objects.create(
        shop=order.shop,
        number=checkout._next_number(order.shop),
        customer=order.customer,
        email=order.email,
        first_name=order.first_name,
        last_name=order.last_name,
        language=order.language,
        currency=order.currency,
        total=moved_total,
        discounts=moved_discounts,
        answers=order.answers,
        **{key: getattr(order, key) for key in DETAIL_FIELDS},
    )
    # the places: a hold shared by moving and staying tickets becomes one hold each
    by_hold: dict[int, list[Ticket]] = {}
    for ticket in tickets:
        by_hold.setdefault(ticket.hold_id, []).append(ticket)
    for hold_tickets in by_hold.values():
        hold = hold_tickets[0].hold
        going = [t for t in hold_tickets if t.pk in wanted]
        staying = [t for t in hold_tickets if t.pk not in wanted]
        if going and (staying or hold.quantity != len(going)):
            _rehold(hold, [g for g in (staying, going) if g])
    Ticket.objects.filter(pk__in=[t.pk for t in moving]).update(order=new)
    Order.objects.filter(pk=order.pk).update(
        total=order.total - moved_total, discounts=kept_discounts
    )
    order.refresh_from_db()
    order_search_refresh(order)
    order_search_refresh(new)
    moved_ids = sorted(t.pk for t in moving)
    label = _label(actor)
    checkout.log(
        order,
        "split",
        actor_label=label,
        tickets=moved_ids,
        new_order=new.code,
        moved_total=str(moved_total),
        total=str(order.total),
    )
    checkout.log(
        new,
        "split_from",
        actor_label=label,
        from_order=order.code,
        tickets=moved_ids,
        total=str(moved_total),
    )
    audit.record(
        organizer=order.shop.organizer,
        actor=actor,
        action="boxoffice.split",
        target=order,
        shop=order.shop,
        changes={
            "tickets": moved_ids,
            "new_order": new.code,
            "total": [str(order.total + moved_total), str(order.total)],
        },
    )
    payment = _take_payment(
        _locked(new),
        actor=actor,
        method=method,
        amount_given=amount_given,
        terminal_reference=terminal_reference,
    )
    return CounterSale(order=payment.order, payment=payment)


# --- printing -----------------------------------------------------------------------------
def printable_tickets(order: Order, ticket_ids=None) -> list[Ticket]:
    """The valid tickets of a paid order to print (all, or the chosen ones)."""
    if order.state != Order.State.PAID:
        raise NothingToPrint()
    tickets = order.tickets.filter(state=Ticket.State.VALID).order_by("pk")
    if ticket_ids:
        tickets = tickets.filter(pk__in=[int(pk) for pk in ticket_ids])
    tickets = list(tickets)
    if not tickets:
        raise NothingToPrint(_("Choose one or more valid tickets of this order."))
    return tickets


@transaction.atomic
def tickets_printed(*, order: Order, actor: User, tickets: list[Ticket]) -> None:
    """Remember who printed which tickets: a reprint is how a ticket gets copied."""
    require_counter(actor, order.shop, {t.date.event_id for t in tickets})
    ids = [t.pk for t in tickets]
    checkout.log(order, "tickets_printed", actor_label=_label(actor), tickets=ids)
    audit.record(
        organizer=order.shop.organizer,
        actor=actor,
        action="boxoffice.tickets_printed",
        target=order,
        shop=order.shop,
        changes={"tickets": ids},
    )


def _receipt_content(payment: CounterPayment) -> dict:
    """What the receipt shows, fixed at its first print."""
    order = payment.order
    lines: dict[tuple, dict] = {}
    tickets = order.tickets.filter(state=Ticket.State.VALID).select_related("date__event", "zone")
    for ticket in tickets.order_by("date__starts_at", "pk"):
        key = (ticket.date_id, ticket.zone_id, ticket.price_name, ticket.amount)
        line = lines.get(key)
        if line is None:
            lines[key] = {
                "event": ticket.date.event.name,
                "starts_at": ticket.date.starts_at.isoformat(),
                "zone": ticket.zone.name,
                "price": ticket.price_name,
                "unit": str(ticket.amount),
                "quantity": 1,
            }
        else:
            line["quantity"] += 1
    return {
        "organizer": order.shop.organizer.name,
        "shop": order.shop.name,
        "time_zone": order.shop.time_zone,
        "order": order.code,
        "buyer": order.buyer_name,
        "currency": payment.currency,
        "lines": list(lines.values()),
        "discounts": [{"name": d.get("name", ""), "amount": d["amount"]} for d in order.discounts],
        "total": str(payment.amount),
        "method": payment.method,
        "given": str(payment.amount_given) if payment.amount_given is not None else None,
        "change": str(payment.change),
        "terminal_reference": payment.terminal_reference,
        "cashier": payment.cashier_label,
        "paid_at": payment.created_at.isoformat(),
    }


@transaction.atomic
def receipt_issue(*, order: Order, actor: User) -> Receipt:
    """The receipt of the order's counter payment: numbered on its first print, without
    gaps per shop (the counter row is locked until commit); the same receipt afterwards."""
    require_counter(actor, order.shop, _order_events(order))
    payment = (
        CounterPayment.objects.filter(order=order)
        .select_related("order__shop__organizer")
        .order_by("-created_at", "-pk")
        .first()
    )
    if payment is None:
        raise NoCounterPayment()
    existing = Receipt.objects.filter(payment=payment).first()
    if existing is not None:
        return existing
    shop = order.shop
    counter, _created = ReceiptCounter.objects.get_or_create(shop=shop)
    counter = ReceiptCounter.objects.select_for_update().get(pk=counter.pk)
    existing = Receipt.objects.filter(payment=payment).first()  # printed meanwhile
    if existing is not None:
        return existing
    counter.last += 1
    counter.save(update_fields=["last"])
    receipt = Receipt.objects.create(
        shop=shop,
        number=counter.last,
        payment=payment,
        content=_receipt_content(payment),
        issued_by=actor,
    )
    checkout.log(order, "receipt_issued", actor_label=_label(actor), receipt=receipt.code)
    audit.record(
        organizer=shop.organizer,
        actor=actor,
        action="boxoffice.receipt",
        target=order,
        shop=shop,
        changes={"receipt": receipt.code},
    )
    return receipt
