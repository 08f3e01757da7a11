"""The rows of an export: one per ticket of the event (or of one date), with its order,
buyer and every answer (DATA-2). Values are typed for a spreadsheet: numbers, Decimals,
naive local datetimes in the shop's time zone, texts.

Reads in chunks with `iterator()`, so an export of 100,000 tickets holds a few thousand
rows in memory at a time; `progress(done, total)` is called as rows are produced.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date as date_type

from django.core.files.storage import storages
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from billetterie.orders import queries as sales
from billetterie.orders.form_models import STANDARD_FIELDS, FormField, Title
from billetterie.orders.models import Order, Ticket

CHUNK = 2000
PROGRESS_EVERY = 250


@dataclass
class StoredFile:
    """An uploaded file to put in an archive, and its name there."""

    path: str  # in storages["private"]
    arcname: str
    size: int = 0


@dataclass
class Column:
    key: str
    label: str
    width: int = 18


@dataclass
class Sheet:
    title: str
    columns: list[Column]
    rows: Iterator[list]
    total: int
    files: list[StoredFile] = field(default_factory=list)  # filled while rows are read


def tickets_of(export) -> QuerySet:
    """The tickets an export covers: every ticket of the event or date, except those of
    orders that expired unpaid (abandoned checkouts)."""
    tickets = Ticket.objects.filter(
        date__event_id=export.event_id, order__shop_id=export.shop_id
    ).exclude(order__state=Order.State.EXPIRED)
    if export.date_id:
        tickets = tickets.filter(date_id=export.date_id)
    return tickets


def _local(value, tz):
    """A naive datetime in the shop's zone (spreadsheets know no time zones)."""
    if value is None:
        return None
    return timezone.localtime(value, tz).replace(tzinfo=None)


def _answer_columns(tickets) -> tuple[list[Column], list[Column]]:
    """The extra fields (per order) and the questions (per ticket) that appear in the
    data, in the form's order, labelled as the buyers saw them."""
    order_fields: dict[int, str] = {}
    ticket_fields: dict[int, str] = {}
    order_ids = tickets.values("order_id")
    for answers in Order.objects.filter(pk__in=order_ids).values_list("answers", flat=True):
        for answer in answers or []:
            order_fields.setdefault(answer.get("field"), answer.get("label", ""))
    for answers in tickets.values_list("answers", flat=True).iterator(chunk_size=CHUNK):
        for answer in answers or []:
            ticket_fields.setdefault(answer.get("field"), answer.get("label", ""))
    positions = dict(
        FormField.objects.filter(pk__in=[*order_fields, *ticket_fields]).values_list(
            "pk", "position"
        )
    )

    def columns(fields: dict, prefix: str) -> list[Column]:
        ordered = sorted(fields, key=lambda pk: (positions.get(pk, 10_000), pk or 0))
        return [Column(f"{prefix}{pk}", fields[pk] or "?", 24) for pk in ordered]

    return columns(order_fields, "order-field-"), columns(ticket_fields, "ticket-field-")


class FileCollector:
    """The uploaded files an archive will hold, each once, with its name there."""

    def __init__(self):
        self.files: list[StoredFile] = []
        self._names: dict[str, str] = {}

    def add(self, value: dict, order: Order) -> str:
        name = value.get("name") or "file"
        path = value.get("path", "")
        if path in self._names:
            return self._names[path]
        if not path or not storages["private"].exists(path):
            return _("%(name)s (file missing)") % {"name": name}
        arcname = f"files/{order.code}/{value.get('token', '')[:8]}-{get_valid_filename(name)}"
        self.files.append(StoredFile(path, arcname, value.get("size") or 0))
        self._names[path] = arcname
        return arcname


def _answer_value(answer: dict, collector: FileCollector | None, order: Order):
    value, kind = answer.get("value"), answer.get("kind")
    if value is None:
        return None
    if kind == FormField.Kind.FILE and isinstance(value, dict):
        return collector.add(value, order) if collector else (value.get("name") or "file")
    if kind == FormField.Kind.MULTIPLE and isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if kind == FormField.Kind.DATE and isinstance(value, str):
        try:
            return date_type.fromisoformat(value)
        except ValueError:
            return value
    return value


def _answers_by_field(answers) -> dict:
    return {answer.get("field"): answer for answer in answers or []}


def full_sheet(export, *, with_files: bool) -> Sheet:
    """Every ticket with its order, buyer, answers; the file answers become archive paths
    (collected in `Sheet.files`) when `with_files`, else their names."""
    shop = export.shop
    tz = shop.zone_info
    tickets = tickets_of(export)
    form = sales.registration_form(shop)
    standard = [key for key, _mode in form.asked() if key not in ("email",)]
    order_columns, ticket_columns = _answer_columns(tickets)
    columns = [
        Column("order", _("Order"), 10),
        Column("order_state", _("Order state"), 16),
        Column("ordered_at", _("Ordered at"), 18),
        Column("paid_at", _("Paid at"), 18),
        Column("payment_method", _("Payment method"), 14),
        Column("order_total", _("Order total"), 12),
        Column("buyer", _("Buyer"), 24),
        Column("email", _("Email"), 28),
        *[Column(key, str(STANDARD_FIELDS[key][0]), 18) for key in standard],
        Column("ticket", _("Ticket"), 10),
        Column("ticket_state", _("Ticket state"), 12),
        Column("event", _("Event"), 24),
        Column("date", _("Date"), 18),
        Column("zone", _("Zone"), 14),
        Column("seat", _("Seat"), 12),
        Column("price", _("Price"), 18),
        Column("options", _("Options"), 18),
        Column("amount", _("Amount"), 10),
        Column("currency", _("Currency"), 8),
        Column("holder", _("Holder"), 24),
        *order_columns,
        *ticket_columns,
    ]
    collector = FileCollector() if with_files else None
    states = dict(Order.State.choices)
    ticket_states = dict(Ticket.State.choices)
    titles = dict(Title.choices)

    def rows() -> Iterator[list]:
        query = tickets.select_related("order", "date__event", "zone", "seat").order_by(
            "order__number", "id"
        )
        for ticket in query.iterator(chunk_size=CHUNK):
            order = ticket.order
            order_answers = _answers_by_field(order.answers)
            ticket_answers = _answers_by_field(ticket.answers)
            values = {
                "order": order.number,
                "order_state": str(states.get(order.state, order.state)),
                "ordered_at": _local(order.created_at, tz),
                "paid_at": _local(order.paid_at, tz),
                "payment_method": order.payment_method,
                "order_total": order.total,
                "buyer": order.buyer_name,
                "email": order.email,
                "ticket": ticket.pk,
                "ticket_state": str(ticket_states.get(ticket.state, ticket.state)),
                "event": ticket.date.event.name,
                "date": _local(ticket.date.starts_at, tz),
                "zone": ticket.zone.name,
                "seat": str(ticket.seat) if ticket.seat_id else "",
                "price": ticket.price_name,
                "options": ", ".join(o.get("name", "") for o in ticket.options or []),
                "amount": ticket.amount,
                "currency": order.currency,
                "holder": ticket.holder_name or order.buyer_name,
            }
            for key in standard:
                value = getattr(order, key)
                values[key] = str(titles.get(value, value)) if key == "title" else value
            for column in order_columns + ticket_columns:
                answers = order_answers if column.key.startswith("order-") else ticket_answers
                answer = answers.get(int(column.key.rsplit("-", 1)[1]))
                values[column.key] = _answer_value(answer, collector, order) if answer else None
            yield [values.get(c.key) for c in columns]

    title = export.event.name
    if export.date_id:
        title = f"{title} — {timezone.localtime(export.date.starts_at, tz):%d.%m.%Y %H:%M}"
    sheet = Sheet(title, columns, rows(), tickets.count())
    if collector is not None:
        sheet.files = collector.files  # the same list, filled as the rows are read
    return sheet


@dataclass
class ListDate:
    title: str
    rows: list[list[str]]  # order, name, price, zone/seat


def short_list(export, progress: Callable[[int, int], None] | None = None) -> list[ListDate]:
    """The attendee list per date (SCAN-8-like): the valid tickets of paid orders and
    reservations, sorted by name."""
    tz = export.shop.zone_info
    tickets = (
        tickets_of(export)
        .filter(state=Ticket.State.VALID)
        .filter(order__state__in=(Order.State.PAID, Order.State.PENDING))
        .exclude(order__state=Order.State.PENDING, order__expires_at__isnull=False)
        .select_related("order", "date", "zone", "seat")
        .order_by("date__starts_at", "date_id", "id")
    )
    total = tickets.count()
    by_date: dict[int, ListDate] = {}
    for done, ticket in enumerate(tickets.iterator(chunk_size=CHUNK), start=1):
        group = by_date.get(ticket.date_id)
        if group is None:
            local = timezone.localtime(ticket.date.starts_at, tz)
            group = by_date[ticket.date_id] = ListDate(
                f"{export.event.name} — {local:%d.%m.%Y %H:%M}", []
            )
        place = ticket.zone.name + (f" · {ticket.seat}" if ticket.seat_id else "")
        group.rows.append(
            [
                ticket.order.code,
                ticket.holder_name or ticket.order.buyer_name,
                ticket.price_name,
                place,
            ]
        )
        if progress and done % PROGRESS_EVERY == 0:
            progress(done, total)
    for group in by_date.values():
        group.rows.sort(key=lambda row: (row[1].casefold(), row[0]))
    return list(by_date.values())
