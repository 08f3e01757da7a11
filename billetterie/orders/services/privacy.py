"""The right to be forgotten (DATA-3) and buyers deleting their own account (DATA-4).

Erasing a customer removes what identifies them everywhere the orders app and the outbox
keep it, and keeps what the organizer must keep for accounting:
- each of their orders (linked to the record, or placed with its email) loses the buyer's
  email, names, address, phone, date of birth and form answers, and is marked anonymised
  (pages show "Anonymous"); its number, state, amounts, tickets (prices, places) and
  transactions stay;
- the tickets lose their holder names and answers; uploaded files are deleted from
  private storage once the transaction commits;
- emails to those addresses in the outbox lose their recipients, bodies and attachments
  (a queued one is never sent); names in their subjects are blanked;
- the order log and the audit log lose the emails and names they quoted;
- exports already made of their events are deleted (a running one is stopped);
- the customer record is deleted (with its buyer account, if any).

A customer with an order still waiting for payment (or a reservation to be paid on site)
is refused: settle or cancel it first, so no open sale is left without a buyer to reach.
"""

import re
from datetime import timedelta

from django.db import transaction
from django.db.models import ManyToManyField, Max, Q
from django.db.models.functions import Coalesce
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from billetterie.core import audit
from billetterie.core.exceptions import DomainError
from billetterie.core.models import AuditLogEntry, Level, User
from billetterie.core.permissions import require_level
from billetterie.notifications.models import OutboxMessage
from billetterie.orders import uploads
from billetterie.orders.exports.models import Export
from billetterie.orders.form_models import DETAIL_FIELDS, FormField
from billetterie.orders.models import Customer, Order, OrderEvent, Ticket
from billetterie.orders.search import order_search_text

SELF_DELETE_DELAY = timedelta(days=30)
ERASED = "—"  # what replaces a quoted email or name in logs and subjects


class CustomerHasOpenOrders(DomainError):
    code = "customer_has_open_orders"
    default_message = gettext_lazy(
        "This customer has an order waiting for payment (or a reservation to pay on site): "
        "cancel it or record its payment first."
    )
    http_status = 409


class SelfDeleteTooEarly(DomainError):
    code = "self_delete_too_early"
    default_message = gettext_lazy(
        "Your account can be deleted 30 days after the last event you hold a ticket for."
    )
    http_status = 409


class CustomerLinked(DomainError):
    code = "customer_linked"
    default_message = gettext_lazy("This customer is still linked to records that need them.")
    http_status = 409


# --- which orders, which texts -------------------------------------------------------------
def orders_of(customer: Customer):
    """The customer's orders: linked to the record, or placed with its email."""
    return Order.objects.filter(shop__organizer_id=customer.organizer_id).filter(
        Q(customer=customer) | Q(email__iexact=customer.email)
    )


# keys of the order log and audit changes that hold a person's data: blanked whole
PERSONAL_KEYS = frozenset({"to", "email", "first_name", "last_name", "before", "after", "merged"})


def _identifiers(customer: Customer, orders: list[Order], events: list[OrderEvent]) -> list[str]:
    """The strings to blank wherever they are quoted: emails and full names, the current
    ones and those the order log remembers (single first or last names are too short to
    replace safely inside other text)."""
    people = [customer, *orders]
    for event in events:
        people += [v for k, v in event.data.items() if k in ("before", "after") and v]
    found = set()
    for person in people:
        get = person.get if isinstance(person, dict) else lambda key, p=person: getattr(p, key)
        found.add(get("email") or "")
        found.add(f"{get('first_name') or ''} {get('last_name') or ''}".strip())
    return sorted((s for s in found if s and len(s) >= 3), key=len, reverse=True)


def _blank_personal(value):
    """A log's data with the values of personal keys blanked."""
    if isinstance(value, dict):
        return {
            k: (ERASED if k in PERSONAL_KEYS and v not in (None, "") else _blank_personal(v))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_blank_personal(v) for v in value]
    return value


def _scrub(value, identifiers: list[str]):
    """`value` (JSON) with each identifier replaced, whatever the case."""
    if isinstance(value, str):
        for identifier in identifiers:
            value = re.sub(re.escape(identifier), ERASED, value, flags=re.IGNORECASE)
        return value
    if isinstance(value, list):
        return [_scrub(v, identifiers) for v in value]
    if isinstance(value, dict):
        return {k: _scrub(v, identifiers) for k, v in value.items()}
    return value


def _erase_answers(answers, files: list[str]) -> list[dict]:
    """The answers with their values removed (labels stay: they are the organizer's
    questions); the paths of their files are added to `files`."""
    erased = []
    for answer in answers or []:
        value = answer.get("value")
        is_file = answer.get("kind") == FormField.Kind.FILE and isinstance(value, dict)
        if is_file and value.get("path"):
            files.append(value["path"])
        erased.append({**answer, "value": None})
    return erased


# --- erasing ------------------------------------------------------------------------------
def _erase_orders(orders: list[Order], now, files: list[str]) -> None:
    blank = {key: None if key == "birth_date" else "" for key in DETAIL_FIELDS}
    for order in orders:
        tickets = list(order.tickets.all())
        for ticket in tickets:
            ticket.holder_name = ""
            ticket.answers = _erase_answers(ticket.answers, files)
        Ticket.objects.bulk_update(tickets, ["holder_name", "answers"])
        order.email, order.first_name, order.last_name = "", "", ""
        for key, value in blank.items():
            setattr(order, key, value)
        order.answers = _erase_answers(order.answers, files)
        order.customer = None
        order.anonymised_at = now
        order.search_text = order_search_text(order, tickets)
        order.save(
            update_fields=[
                "email",
                "first_name",
                "last_name",
                *DETAIL_FIELDS,
                "answers",
                "customer",
                "anonymised_at",
                "search_text",
            ]
        )


def _erase_logs(
    customer: Customer, orders: list[Order], events: list[OrderEvent], identifiers: list[str]
) -> None:
    for event in events:
        event.data = _scrub(_blank_personal(event.data), identifiers)
    OrderEvent.objects.bulk_update(events, ["data"])
    customer_key = Q(target_type="customer", target_id=str(customer.pk))
    order_keys = Q(target_type="order", target_id__in=[str(o.pk) for o in orders])
    quoting = Q()
    for identifier in identifiers:
        quoting |= Q(changes__icontains=identifier) | Q(target_label__icontains=identifier)
    entries = list(
        AuditLogEntry.objects.filter(organizer_id=customer.organizer_id).filter(
            customer_key | order_keys | quoting
        )
    )
    order_ids = {str(o.pk) for o in orders}
    for entry in entries:
        about_them = (entry.target_type == "order" and entry.target_id in order_ids) or (
            entry.target_type == "customer" and entry.target_id == str(customer.pk)
        )
        changes = _blank_personal(entry.changes) if about_them else entry.changes
        entry.changes = _scrub(changes, identifiers)
        if entry.target_type == "customer" and entry.target_id == str(customer.pk):
            entry.target_label = f"#{customer.pk}"
        else:
            entry.target_label = _scrub(entry.target_label, identifiers)
    AuditLogEntry.objects.bulk_update(entries, ["changes", "target_label"])


def _erase_outbox(customer: Customer, orders: list[Order], identifiers: list[str]) -> None:
    emails = {customer.email.lower()} | {o.email.lower() for o in orders if o.email}
    candidates = Q()
    for email in emails:
        candidates |= Q(to__icontains=email)
    messages = OutboxMessage.objects.filter(organizer_id=customer.organizer_id).filter(candidates)
    for message in messages:
        if not {str(to).lower() for to in message.to} & emails:
            continue
        fields = {
            "to": [],
            "reply_to": [],
            "subject": _scrub(message.subject, identifiers),
            "body_text": "",
            "body_html": "",
            "attachments": [],
        }
        if message.state == OutboxMessage.State.QUEUED:
            fields.update(state=OutboxMessage.State.FAILED, last_error="erased (DATA-3)")
        OutboxMessage.objects.filter(pk=message.pk).update(**fields)


def _erase_exports(customer: Customer, orders: list[Order], files: list[str]) -> int:
    """Exports already made of the events these orders hold tickets for quote the buyer:
    their files go (the rows stay, expired), so they can be made again without them."""
    event_ids = set(
        Ticket.objects.filter(order__in=orders).values_list("date__event_id", flat=True)
    )
    exports = Export.objects.filter(
        organizer_id=customer.organizer_id,
        event_id__in=event_ids,
        state__in=(Export.State.DONE, Export.State.RUNNING, Export.State.QUEUED),
    )
    for export in exports.select_for_update():
        if export.path:
            files.append(export.path)
    return exports.update(state=Export.State.EXPIRED, path="")


def _unlink(customer: Customer) -> None:
    """Other records pointing at the customer (passes, ...): nullable links and
    many-to-many links are cleared; a required link refuses the erasure rather than delete
    what it holds."""
    for relation in Customer._meta.related_objects:
        model, field = relation.related_model, relation.field
        if model is Order:
            continue
        if isinstance(field, ManyToManyField):
            getattr(customer, relation.get_accessor_name()).clear()
            continue
        rows = model.objects.filter(**{field.name: customer})
        if not rows.exists():
            continue
        if field.null:
            rows.update(**{field.name: None})
        else:
            raise CustomerLinked()


def _erase(customer: Customer, *, actor: User | None, action: str) -> int:
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    orders = list(orders_of(customer).select_for_update(of=("self",)).order_by("pk"))
    if any(o.state == Order.State.PENDING for o in orders):
        raise CustomerHasOpenOrders()
    events = list(OrderEvent.objects.filter(order__in=orders))
    identifiers = _identifiers(customer, orders, events)
    files: list[str] = []
    now = timezone.now()
    _erase_orders(orders, now, files)
    _erase_logs(customer, orders, events, identifiers)
    _erase_outbox(customer, orders, identifiers)
    _erase_exports(customer, orders, files)
    _unlink(customer)
    audit.record(
        organizer=customer.organizer,
        actor=actor,
        action=action,
        target=None,
        changes={"customer": [f"#{customer.pk}", None], "orders_anonymised": [None, len(orders)]},
    )
    customer.delete()
    transaction.on_commit(lambda: uploads.delete_stored(files))
    return len(orders)


@transaction.atomic
def customer_erase(*, customer: Customer, actor: User | None) -> int:
    """Erase a customer at their request (DATA-3), by organizer staff with MANAGE on the
    whole organizer. Returns the number of orders anonymised."""
    if actor is not None:
        require_level(actor, customer.organizer, Level.MANAGE)
    return _erase(customer, actor=actor, action="customer.erased")


# --- the buyer deleting their own account (DATA-4) -------------------------------------------
def self_delete_allowed_from(customer: Customer):
    """When the buyer may delete their account: 30 days after the end (else the start) of
    the last date they hold a valid ticket for; None when they hold none."""
    last = (
        Ticket.objects.filter(
            order__in=orders_of(customer).exclude(
                state__in=(Order.State.CANCELLED, Order.State.EXPIRED)
            ),
            state=Ticket.State.VALID,
        )
        .annotate(end=Coalesce("date__ends_at", "date__starts_at"))
        .aggregate(last=Max("end"))["last"]
    )
    return last + SELF_DELETE_DELAY if last is not None else None


@transaction.atomic
def customer_self_delete(*, customer: Customer, now=None) -> int:
    """The buyer deletes their own account and data (DATA-4): refused before 30 days after
    the last event they hold a ticket for; afterwards they appear as "Anonymous"."""
    now = now or timezone.now()
    allowed_from = self_delete_allowed_from(customer)
    if allowed_from is not None and now < allowed_from:
        raise SelfDeleteTooEarly(
            _("You can delete your account from %(date)s, 30 days after your last event.")
            % {"date": formats.date_format(timezone.localtime(allowed_from), "DATE_FORMAT")},
            allowed_from=allowed_from.isoformat(),
        )
    if orders_of(customer).filter(state=Order.State.PENDING).exists():
        raise CustomerHasOpenOrders(
            _(
                "You have an order waiting for payment (or a reservation to pay on site): "
                "your account can be deleted once it is paid or cancelled."
            )
        )
    return _erase(customer, actor=None, action="customer.self_deleted")
