"""Reads for the public shop: what a buyer can choose on a date, what their cart holds, the
shop's registration form and what a buyer answered on it.

Each helper runs a fixed number of queries, whatever the number of prices, seats or lines.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Sum
from django.shortcuts import get_object_or_404
from django.utils import formats, timezone

from billetterie.catalog.models import EventDate, Price, PriceAmount, TicketOption
from billetterie.core.models import Shop
from billetterie.inventory.models import DateSeat, Hold
from billetterie.orders.exceptions import NotOnSale
from billetterie.orders.form_models import STANDARD_FIELDS, FormField, Mode, RegistrationForm, Title
from billetterie.orders.models import CartLine, Order, Promotion, Ticket
from billetterie.orders.services.sellable import check_sellable_online

SEAT_CATEGORY_STYLES = 6  # .cat-0 .. .cat-5 in app.css


@dataclass
class OnSale:
    prices: list[Price]  # each with .unit, .free_options and .groups (see prices_on_sale)
    reason: str = ""  # why nothing is on sale, when `prices` is empty


def prices_on_sale(date: EventDate, *, currency: str, now=None) -> OnSale:
    """The prices of this date a buyer may choose online, in their zone order, each with
    `unit` (its amount, or the minimum of a pay-what-you-want price, in `currency`),
    `free_options` (add-ons shown as checkboxes) and `groups` (option groups, each with its
    `choices`). When none is on sale, `reason` says why (from check_sellable_online)."""
    event = date.event
    through = Price.dates.through
    limited = Exists(through.objects.filter(price_id=OuterRef("pk")))
    on_date = Exists(through.objects.filter(price_id=OuterRef("pk"), eventdate_id=date.pk))
    prices = (
        Price.objects.filter(event=event, zone__venue_id=event.venue_id)
        .filter(~limited | on_date)
        .select_related("zone")
        .prefetch_related(
            Prefetch("amounts", queryset=PriceAmount.objects.filter(currency=currency)),
            Prefetch("options", queryset=TicketOption.objects.select_related("group")),
            # The date condition of check_sellable_online is decided by the filter above, in
            # SQL for all prices at once; an empty `dates` cache keeps the check from asking
            # again, one query per price.
            Prefetch("dates", queryset=EventDate.objects.none()),
        )
        .order_by("zone__position", "zone_id", "position", "pk")
    )
    now = now or timezone.now()
    chosen, reasons = [], []
    for price in prices:
        try:
            check_sellable_online(date=date, price=price, now=now)
        except NotOnSale as refusal:
            reasons.append(refusal.message)
            continue
        amounts = list(price.amounts.all())
        if not amounts:
            continue
        price.unit = amounts[0].amount
        options = list(price.options.all())
        price.free_options = [o for o in options if o.group_id is None]
        groups: dict[int, object] = {}
        for option in options:
            if option.group_id is None:
                continue
            if option.group_id not in groups:
                groups[option.group_id] = option.group
                option.group.choices = []
            groups[option.group_id].choices.append(option)
        price.groups = list(groups.values())
        chosen.append(price)
    return OnSale(prices=chosen, reason="" if chosen else str(reasons[0]) if reasons else "")


@dataclass
class SeatCell:
    seat_id: int | None  # None: an empty place in the row (an aisle)
    number: str = ""
    label: str = ""
    category: str = ""
    style: str = ""
    free: bool = False


@dataclass
class SeatRow:
    name: str
    cells: list[SeatCell] = field(default_factory=list)


@dataclass
class SeatMap:
    rows: list[SeatRow] = field(default_factory=list)
    categories: list[dict] = field(default_factory=list)  # [{"name", "style"}]
    free: int = 0


def seat_maps(date: EventDate, zone_ids) -> dict[int, SeatMap]:
    """The seats of these numbered zones on this date, row by row in plan order, each free
    or not (held, sold or blocked): one query for all zones."""
    maps: dict[int, SeatMap] = {zone_id: SeatMap() for zone_id in zone_ids}
    if not maps:
        return maps
    date_seats = (
        DateSeat.objects.filter(date=date, seat__zone_id__in=list(maps))
        .select_related("seat")
        .order_by("seat__zone_id", "seat__line", "seat__column", "seat_id")
    )
    rows: dict[tuple[int, int], SeatRow] = {}
    last_column: dict[tuple[int, int], int] = {}
    categories: dict[int, list[str]] = {zone_id: [] for zone_id in maps}
    for date_seat in date_seats:
        seat = date_seat.seat
        zone_map = maps[seat.zone_id]
        key = (seat.zone_id, seat.line)
        row = rows.get(key)
        if row is None:
            row = rows[key] = SeatRow(name=seat.row)
            zone_map.rows.append(row)
        elif seat.column > last_column[key] + 1:  # keep the aisles of the plan
            row.cells.extend(
                SeatCell(None) for _ in range(min(seat.column - last_column[key] - 1, 4))
            )
        last_column[key] = seat.column
        style = ""
        if seat.category:
            names = categories[seat.zone_id]
            if seat.category not in names:
                names.append(seat.category)
            style = f"cat-{names.index(seat.category) % SEAT_CATEGORY_STYLES}"
        free = date_seat.hold_id is None and not date_seat.blocked
        zone_map.free += free
        row.cells.append(
            SeatCell(
                seat_id=seat.pk,
                number=seat.number,
                label=str(seat),
                category=seat.category,
                style=style,
                free=free,
            )
        )
    for zone_id, names in categories.items():
        maps[zone_id].categories = [
            {"name": name, "style": f"cat-{i % SEAT_CATEGORY_STYLES}"}
            for i, name in enumerate(names)
        ]
    return maps


def seats_of_lines(lines) -> dict[int, list[str]]:
    """The seats each cart line holds, by line id ("Row A, seat 3"), in one query."""
    by_hold: dict[int, list[str]] = {}
    holds = {line.hold_id: line.pk for line in lines}
    for date_seat in (
        DateSeat.objects.filter(hold_id__in=list(holds))
        .select_related("seat")
        .order_by("seat__line", "seat__column", "seat_id")
    ):
        by_hold.setdefault(date_seat.hold_id, []).append(str(date_seat.seat))
    return {line_id: by_hold.get(hold_id, []) for hold_id, line_id in holds.items()}


def cart_ticket_count(shop: Shop, key: str | None) -> int:
    """How many places the cart with this key still holds (for the shop's header): a read,
    it never drops expired lines (cart_read does, and tells the buyer)."""
    if not key:
        return 0
    live = Q(hold__expires_at__isnull=True) | Q(hold__expires_at__gt=timezone.now())
    total = (
        CartLine.objects.filter(cart__shop=shop, cart__key=key, hold__state=Hold.State.ACTIVE)
        .filter(live)
        .aggregate(n=Sum("quantity"))["n"]
    )
    return total or 0


# --- what the shop's tracking events say about a cart (SHOP-8) ------------------------------
# One JSON shape for a cart and for a placed order, so the organizer's tracking code reads
# both the same way:
#   {"order": null | "000042", "currency": {"name": "CHF"}, "total": 175.0, "quantity": 3,
#    "items": [{"event", "eventId", "date", "dateId", "zone", "price", "quantity",
#               "unitAmount", "amount"}]}
# Amounts are JSON numbers (what Google tag and Meta pixel expect as a value); dates are ISO
# 8601 in the shop's time zone. Nothing personal (no email, no name, no secret) is in it.


def tracking_amount(amount) -> float:
    return float(Decimal(amount).quantize(Decimal("0.01")))


def tracking_date(date: EventDate, shop: Shop) -> str:
    return timezone.localtime(date.starts_at, shop.zone_info).isoformat()


def _tracking_item(*, date, zone, price_name, quantity, unit, shop) -> dict:
    return {
        "event": date.event.name,
        "eventId": date.event_id,
        "date": tracking_date(date, shop),
        "dateId": date.pk,
        "zone": zone.name,
        "price": price_name,
        "quantity": quantity,
        "unitAmount": tracking_amount(unit),
        "amount": tracking_amount(unit * quantity),
    }


def _tracking_cart(items: list[dict], *, currency: str, order=None, discount=None) -> dict:
    """`total` is what the buyer pays: the items at their prices less the reductions
    (SHOP-6), reported apart as `discount`."""
    listed = sum((Decimal(str(i["amount"])) for i in items), Decimal("0"))
    discount = min(Decimal(discount or 0), listed)
    return {
        "order": order.code if order is not None else None,
        "currency": {"name": currency},
        "total": tracking_amount(listed - discount),
        "discount": tracking_amount(discount),
        "quantity": sum(i["quantity"] for i in items),
        "items": items,
    }


def tickets_downloadable(order: Order) -> bool:
    """Whether the buyer may download the order's tickets: paid, or a reservation kept
    until paid at the box office (an online order waiting for payment has a deadline and
    gets its tickets once paid)."""
    return order.state == Order.State.PAID or (
        order.state == Order.State.PENDING and order.expires_at is None
    )


def live_cart_lines(cart) -> list[CartLine]:
    """The cart's lines whose places are still held, with what the tracking shape needs: a
    read that changes nothing (cart_read drops expired lines and tells the buyer; a
    tracking event must not eat that message)."""
    if cart is None:
        return []
    live = Q(hold__expires_at__isnull=True) | Q(hold__expires_at__gt=timezone.now())
    return list(
        CartLine.objects.filter(cart=cart, hold__state=Hold.State.ACTIVE)
        .filter(live)
        .select_related("date__event", "zone", "price")
        .order_by("id")
    )


def cart_tracking_data(lines, *, shop: Shop, discount=None) -> dict:
    """The tracking shape of a cart's live lines (each with date__event, zone and price
    loaded, as cart_read returns them) and the reductions they get: no query."""
    items = [
        _tracking_item(
            date=line.date,
            zone=line.zone,
            price_name=line.price.name,
            quantity=line.quantity,
            unit=line.unit_amount,
            shop=shop,
        )
        for line in lines
    ]
    return _tracking_cart(items, currency=shop.currency, discount=discount)


def order_tracking_data(order, tickets=None) -> dict:
    """The tracking shape of an order: its valid tickets grouped like the cart lines they
    came from. One query, or none when `tickets` (with date__event and zone) is given."""
    shop = order.shop
    if tickets is None:
        tickets = order.tickets.select_related("date__event", "zone").order_by("id")
    groups: dict[tuple, dict] = {}
    for ticket in tickets:
        if ticket.state != Ticket.State.VALID:
            continue
        key = (ticket.date_id, ticket.zone_id, ticket.price_id, ticket.amount)
        group = groups.get(key)
        if group is None:
            groups[key] = {"ticket": ticket, "quantity": 1}
        else:
            group["quantity"] += 1
    items = [
        _tracking_item(
            date=g["ticket"].date,
            zone=g["ticket"].zone,
            price_name=g["ticket"].price_name,
            quantity=g["quantity"],
            unit=g["ticket"].amount,
            shop=shop,
        )
        for g in groups.values()
    ]
    discount = sum((Decimal(str(d["amount"])) for d in order.discounts), Decimal("0"))
    return _tracking_cart(items, currency=order.currency, order=order, discount=discount)


# --- the registration form and its answers (SHOP-4, DATA-1) ---------------------------------
@dataclass
class FormConfig:
    """What a shop's checkout asks: the mode of every standard field (in the order the form
    shows them), the extra fields, and the questions of each price, by price id."""

    modes: dict[str, str]
    extra: list[FormField]
    questions: dict[int, list[FormField]]

    def asked(self) -> list[tuple[str, str]]:
        """(key, mode) of the standard fields the form shows."""
        return [(key, mode) for key, mode in self.modes.items() if mode != Mode.HIDDEN]


def registration_form(shop: Shop, price_ids=()) -> FormConfig:
    """The shop's form, with the questions of these prices: two queries."""
    settings = RegistrationForm.objects.filter(shop=shop).first() or RegistrationForm(shop=shop)
    fields = FormField.objects.filter(shop=shop).filter(
        Q(price__isnull=True) | Q(price_id__in=list(price_ids))
    )
    extra, questions = [], {}
    for item in fields.order_by("position", "id"):
        if item.price_id is None:
            extra.append(item)
        else:
            questions.setdefault(item.price_id, []).append(item)
    return FormConfig(
        modes={key: settings.mode_of(key) for key in STANDARD_FIELDS},
        extra=extra,
        questions=questions,
    )


def form_field_of_shop(shop: Shop, field_id) -> FormField:
    """One field or question of the shop's form, else 404."""
    return get_object_or_404(
        FormField.objects.select_related("price__event"), shop=shop, pk=field_id
    )


def prices_of_shop(shop: Shop) -> list[Price]:
    """Every price of the shop's events (for the per-price questions), each with
    `question_count`: one query."""
    return list(
        Price.objects.filter(event__shop=shop)
        .select_related("event", "zone")
        .annotate(question_count=Count("questions"))
        .order_by("event__name", "event_id", "zone__position", "position", "pk")
    )


@dataclass
class AnswerRow:
    label: str
    kind: str
    value: object  # as stored (JSON): text, number, ISO date, list of choices, file dict
    text: str  # for display
    file: dict | None = None  # {"name", "token", "size", "content_type"} for a file


@dataclass
class TicketAnswers:
    ticket: Ticket
    number: int  # 1-based among the order's tickets
    rows: list[AnswerRow]


@dataclass
class OrderAnswers:
    buyer: list[AnswerRow]  # the standard fields the order holds, in the form's order
    extra: list[AnswerRow]
    tickets: list[TicketAnswers]  # the tickets that have answers


def answers_of(order: Order, tickets=None) -> OrderAnswers:
    """Everything the buyer answered on the registration form, ready to show (the buyer's
    order page; later the back-office order and customer pages). One query, none when the
    order's `tickets` are given (with date__event)."""
    if tickets is None:
        tickets = list(order.tickets.select_related("date__event").order_by("id"))
    buyer = []
    for key, (label, _mode) in STANDARD_FIELDS.items():
        value = getattr(order, key)
        if value in ("", None):
            continue
        if key == "title":
            text = str(Title(value).label) if value in Title.values else value
        elif key == "birth_date":
            text = formats.date_format(value, "SHORT_DATE_FORMAT")
            value = value.isoformat()
        else:
            text = value
        buyer.append(AnswerRow(str(label), key, value, text))
    return OrderAnswers(
        buyer=buyer,
        extra=[_row(answer) for answer in order.answers or []],
        tickets=[
            TicketAnswers(ticket, number, [_row(answer) for answer in ticket.answers])
            for number, ticket in enumerate(tickets, start=1)
            if ticket.answers
        ],
    )


def _row(answer: dict) -> AnswerRow:
    kind, value = answer.get("kind", ""), answer.get("value")
    file = None
    if kind == FormField.Kind.FILE and isinstance(value, dict):
        file, text = value, value.get("name", "")
    elif kind == FormField.Kind.MULTIPLE and isinstance(value, list):
        text = ", ".join(str(v) for v in value)
    elif kind == FormField.Kind.DATE and isinstance(value, str):
        try:
            text = formats.date_format(date.fromisoformat(value), "SHORT_DATE_FORMAT")
        except ValueError:
            text = value
    elif kind == FormField.Kind.NUMBER and value is not None:
        text = formats.number_format(value)
    else:
        text = "" if value is None else str(value)
    return AnswerRow(answer.get("label", ""), kind, value, text, file)


def answer_file(order: Order, token: str) -> dict | None:
    """The file an answer of this order (or of one of its tickets) holds under `token`."""
    if not token:
        return None
    lists = [order.answers or [], *order.tickets.values_list("answers", flat=True)]
    for answers in lists:
        for answer in answers or []:
            value = answer.get("value")
            is_file = answer.get("kind") == FormField.Kind.FILE and isinstance(value, dict)
            if is_file and value.get("token") == token:
                return value
    return None


# --- promotions (SHOP-6) ---------------------------------------------------------------------
def promotions_of_shop(shop):
    return Promotion.objects.filter(shop=shop).prefetch_related("events", "prices")


def promotion_of_shop(shop, promotion_id: int):
    """The shop's promotion with this id, or 404 (an id of another shop reaches nothing)."""
    return get_object_or_404(promotions_of_shop(shop), pk=promotion_id)
