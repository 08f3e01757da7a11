"""What staff do to an order from the back office (and the box office): send its emails
again, change its customer, cancel it, put it in opposition (PAY-9, BOX-3, SHOP-9).

Levels: BOX_OFFICE sends emails and changes the customer; MANAGE cancels and puts in
opposition. The system itself puts an order in opposition when a payment provider reports
money that does not match it (`order_opposition_by_provider`, PAY-3). Each action is one
transaction that writes the order's log (OrderEvent) and the audit log (ORG-4). Refunds
(PAY-10) and the invoice (PAY-11) belong to the payments and banking apps; they add their
own actions next to these.
"""

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from billetterie.core import audit
from billetterie.core.exceptions import DomainError, InvalidInput
from billetterie.core.models import Grant, Level, User
from billetterie.core.money import format_money
from billetterie.core.permissions import require_level
from billetterie.core.services.staff import normalize_email
from billetterie.inventory import services as inventory
from billetterie.notifications.services import Attachment, email_template_queue
from billetterie.orders.confirmation import confirmation_send, order_url
from billetterie.orders.form_models import DETAIL_FIELDS
from billetterie.orders.models import Order, OrderEvent, Ticket
from billetterie.orders.search import order_search_refresh
from billetterie.orders.services.checkout import customer_for, log
from billetterie.orders.ticket_documents import render_order_tickets, ticket_documents

NAME_MAX = 120  # Order.first_name / last_name
REASON_MAX = 300


class OrderActionRefused(DomainError):
    code = "order_action_refused"
    default_message = gettext_lazy("This cannot be done with this order in its current state.")
    http_status = 409


class OrderNotCancellable(OrderActionRefused):
    code = "order_not_cancellable"
    default_message = gettext_lazy(
        "Only an order waiting for payment or a paid order can be cancelled."
    )


class OrderNotOpposable(OrderActionRefused):
    code = "order_not_opposable"
    default_message = gettext_lazy("Only a paid order can be put in opposition.")


class TicketsNotIssued(OrderActionRefused):
    code = "tickets_not_issued"
    default_message = gettext_lazy(
        "This order has no tickets to send: it is not paid (or reserved), or it was cancelled."
    )


class OrderAnonymised(OrderActionRefused):
    code = "order_anonymised"
    default_message = gettext_lazy("The buyer's data of this order was erased.")


# --- what is possible (the pages show only these actions) -----------------------------------
def tickets_issued(order: Order) -> bool:
    """The buyer holds usable tickets: paid, or a reservation kept until paid on site."""
    return order.state == Order.State.PAID or (
        order.state == Order.State.PENDING and order.expires_at is None
    )


def can_send_tickets(order: Order) -> bool:
    return tickets_issued(order) and order.anonymised_at is None and bool(order.email)


def can_change_customer(order: Order) -> bool:
    return order.anonymised_at is None


def can_cancel(order: Order) -> bool:
    return order.state in (Order.State.PENDING, Order.State.PAID)


def can_oppose(order: Order) -> bool:
    return order.state == Order.State.PAID


# --- helpers ------------------------------------------------------------------------------------
def _require(actor: User | None, order: Order, level: Level) -> None:
    if actor is not None:
        require_level(actor, order.shop.organizer, level, shop=order.shop)


def _label(actor: User | None) -> str:
    return actor.email if actor is not None and actor.pk else "system"


def _log(order: Order, kind: str, actor: User | None, **data) -> OrderEvent:
    return log(order, kind, _label(actor), **data)


def _record(order: Order, actor: User | None, action: str, changes: dict | None = None) -> None:
    audit.record(
        organizer=order.shop.organizer,
        actor=actor,
        action=action,
        target=order,
        shop=order.shop,
        changes=changes,
    )


def _locked(order: Order) -> Order:
    """The order's row, locked until the end of the transaction, fresh from the database."""
    return (
        Order.objects.select_for_update(of=("self",))
        .select_related("shop__organizer")
        .get(pk=order.pk)
    )


# --- emails ---------------------------------------------------------------------------------
@transaction.atomic
def order_confirmation_resend(*, order: Order, actor: User | None) -> None:
    """The confirmation email again, with the tickets attached, to the buyer (SHOP-9)."""
    _require(actor, order, Level.BOX_OFFICE)
    order = _locked(order)
    if not can_send_tickets(order):
        raise OrderAnonymised() if order.anonymised_at else TicketsNotIssued()
    confirmation_send(order)
    _log(order, "confirmation_resent", actor, to=order.email)
    _record(order, actor, "order.confirmation_resent")


@transaction.atomic
def order_tickets_email(*, order: Order, actor: User | None, to: str) -> None:
    """The tickets as a PDF to any address (a companion, a second address of the buyer)."""
    _require(actor, order, Level.BOX_OFFICE)
    to = normalize_email(to)
    order = _locked(order)
    if not tickets_issued(order):
        raise TicketsNotIssued()
    documents = ticket_documents(order)
    if not documents:
        raise TicketsNotIssued()
    pdf = render_order_tickets(order, documents)
    email_template_queue(
        to=to,
        template="order_tickets",
        context={
            "order": order,
            "shop": order.shop,
            "link": order_url(order),
            "ticket_count": len(documents),
        },
        language=order.language,
        organizer_id=order.shop.organizer_id,
        attachments=[
            Attachment(name=f"tickets-{order.code}.pdf", mimetype="application/pdf", content=pdf)
        ],
    )
    _log(order, "tickets_emailed", actor, to=to)
    _record(order, actor, "order.tickets_emailed", {"to": [None, to]})


# --- the customer ---------------------------------------------------------------------------
def _clean_name(value: str, label: str) -> str:
    value = (value or "").replace("\x00", "").strip()
    if len(value) > NAME_MAX:
        raise InvalidInput(
            _("%(label)s: at most %(max)s characters.") % {"label": label, "max": NAME_MAX}
        )
    return value


@transaction.atomic
def order_customer_change(
    *, order: Order, actor: User | None, email: str, first_name: str = "", last_name: str = ""
) -> Order:
    """Give the order to another customer, or correct its buyer's name (BOX-3).

    The customer record is the organizer's one with this email (created if needed). When
    the email changes the order goes to another person, so the previous buyer's address,
    phone and other details are removed from it; the tickets that carried the previous
    buyer's name carry the new one."""
    _require(actor, order, Level.BOX_OFFICE)
    email = normalize_email(email)
    first_name = _clean_name(first_name, _("First name"))
    last_name = _clean_name(last_name, _("Last name"))
    order = _locked(order)
    if order.anonymised_at is not None:
        raise OrderAnonymised()
    old_name = order.buyer_name
    before = {"email": order.email, "first_name": order.first_name, "last_name": order.last_name}
    new = {"email": email, "first_name": first_name, "last_name": last_name}
    changes = audit.diff(order, list(new), new)
    if not changes:
        return order
    other_person = email != order.email
    customer = customer_for(
        organizer=order.shop.organizer,
        email=email,
        first_name=first_name,
        last_name=last_name,
        language=order.language,
    )
    fields = {**new, "customer": customer}
    if other_person:
        for key in DETAIL_FIELDS:
            fields[key] = None if key == "birth_date" else ""
    Order.objects.filter(pk=order.pk).update(**fields)
    order.refresh_from_db()
    order.tickets.filter(holder_name=old_name).update(holder_name=order.buyer_name)
    order_search_refresh(order)
    _log(order, "customer_changed", actor, before=before, after=new)
    _record(order, actor, "order.customer_changed", changes)
    return order


# --- cancelling, opposition ----------------------------------------------------------------
def _holds_to_release(order: Order) -> list:
    """The holds of the order's valid tickets. A hold shared with valid tickets of another
    order (a split reservation) cannot be given back in part: refuse rather than free places
    someone else holds."""
    holds = {t.hold_id: t.hold for t in order.tickets.select_related("hold")}
    shared = (
        Ticket.objects.filter(hold_id__in=list(holds), state=Ticket.State.VALID)
        .exclude(order=order)
        .exists()
    )
    if shared:
        raise OrderNotCancellable(
            _(
                "Some places of this order are shared with another order (a split "
                "reservation): cancel its tickets from the box office instead."
            )
        )
    return [holds[pk] for pk in sorted(holds)]


@transaction.atomic
def order_cancel(*, order: Order, actor: User | None, notify: bool = False) -> Order:
    """Cancel an order waiting for payment or paid: its tickets become invalid and their
    places go back on sale (the same release as an expired order). A paid order keeps its
    transactions; refunding it is a separate step (PAY-10)."""
    _require(actor, order, Level.MANAGE)
    order = _locked(order)
    if not can_cancel(order):
        raise OrderNotCancellable()
    holds = _holds_to_release(order)
    previous = order.state
    updated = Order.objects.filter(
        pk=order.pk, state__in=(Order.State.PENDING, Order.State.PAID)
    ).update(state=Order.State.CANCELLED, expires_at=None)
    if not updated:
        raise OrderNotCancellable()
    for hold in holds:
        inventory.release(hold, sold_too=True)
    order.tickets.update(state=Ticket.State.CANCELLED)
    order.refresh_from_db()
    _log(order, "cancelled", actor, previous=previous, notified=bool(notify and order.email))
    _record(order, actor, "order.cancelled", {"state": [previous, Order.State.CANCELLED]})
    if notify and order.email and order.anonymised_at is None:
        email_template_queue(
            to=order.email,
            template="order_cancelled",
            context={
                "order": order,
                "shop": order.shop,
                "total": format_money(order.total, order.currency),
                "was_paid": previous == Order.State.PAID,
            },
            language=order.language,
            organizer_id=order.shop.organizer_id,
        )
    return order


@transaction.atomic
def order_opposition(*, order: Order, actor: User | None, reason: str) -> Order:
    """Put a paid order in opposition (PAY-9): its tickets stop being valid (the scanner
    answers "in opposition"), the order and its transactions stay as proof. Its places stay
    taken: the tickets are in dispute, not for sale again."""
    _require(actor, order, Level.MANAGE)
    reason = (reason or "").replace("\x00", "").strip()
    if not reason:
        raise InvalidInput(_("Say why the order is put in opposition."))
    if len(reason) > REASON_MAX:
        raise InvalidInput(
            _("The reason is too long (at most %(max)s characters).") % {"max": REASON_MAX}
        )
    order = _locked(order)
    updated = Order.objects.filter(pk=order.pk, state=Order.State.PAID).update(
        state=Order.State.OPPOSITION
    )
    if not updated:
        raise OrderNotOpposable()
    order.refresh_from_db()
    _log(order, "opposition", actor, reason=reason)
    _record(
        order,
        actor,
        "order.opposition",
        {"state": [Order.State.PAID, Order.State.OPPOSITION], "reason": [None, reason]},
    )
    return order


# --- opposition by a payment provider (PAY-3, PAY-9) ----------------------------------------
def _managers(order: Order) -> list[User]:
    """Active people holding MANAGE on the whole organizer or on this shop, directly or
    through a team."""
    scope = Q(shop__isnull=True) | Q(shop=order.shop, event_id__isnull=True)
    grants = Grant.objects.filter(
        scope, organizer_id=order.shop.organizer_id, level__gte=Level.MANAGE
    )
    return list(
        User.objects.filter(is_active=True)
        .filter(
            Q(pk__in=grants.filter(user__isnull=False).values("user_id"))
            | Q(teams__in=grants.filter(team__isnull=False).values("team_id"))
        )
        .distinct()
        .order_by("email")
    )


def _operator_emails() -> list[str]:
    """The platform operator: PLATFORM_OPERATOR_EMAIL, else Django's ADMINS."""
    configured = getattr(settings, "PLATFORM_OPERATOR_EMAIL", "")
    if configured:
        return [configured] if isinstance(configured, str) else list(configured)
    return [entry[1] if isinstance(entry, list | tuple) else entry for entry in settings.ADMINS]


def _opposition_alert(order: Order, *, provider, reason, previous: str) -> None:
    """One email per recipient (nobody sees the others' addresses), each in their language."""
    context = {
        "order": order,
        "shop": order.shop,
        "organizer": order.shop.organizer,
        "provider": provider,
        "reason": reason,
        "total": format_money(order.total, order.currency),
        "was_paid": previous == Order.State.PAID,
        "link": settings.BASE_URL
        + reverse(
            "backoffice:order",
            args=[order.shop.organizer.slug, order.shop.slug, order.pk],
        ),
    }
    recipients = [
        (user.email, user.language or settings.LANGUAGE_CODE) for user in _managers(order)
    ]
    recipients += [(email, settings.LANGUAGE_CODE) for email in _operator_emails()]
    seen = set()
    for email, language in recipients:
        if email.lower() in seen:
            continue
        seen.add(email.lower())
        email_template_queue(
            to=email,
            template="payment_opposition_alert",
            context=context,
            language=language,
            organizer_id=order.shop.organizer_id,
        )


@transaction.atomic
def order_opposition_by_provider(
    *, order: Order, provider: str, reason=None, provider_name=None
) -> Order:
    """A payment provider's notification contradicts the order (wrong amount, currency or
    receiver; a reversed payment): the system puts it in opposition (PAY-3, PAY-9) and tells
    the organizer's managers and the platform operator by email.

    Works on a paid order and on one still waiting for payment (the money arrived, but not
    as expected); its places stay taken (no expiry any more): they are in dispute. An order
    already in opposition stays so and nobody is emailed twice."""
    # `reason` may be lazy (format_lazy): the log keeps it in the current language, each
    # email renders it again in its recipient's language.
    reason = reason or gettext_lazy("The payment was disputed.")
    text = str(reason).replace("\x00", "").strip()[:REASON_MAX]
    order = _locked(order)
    if order.state == Order.State.OPPOSITION:
        return order
    previous = order.state
    updated = Order.objects.filter(
        pk=order.pk, state__in=(Order.State.PENDING, Order.State.PAID)
    ).update(state=Order.State.OPPOSITION, expires_at=None)
    if not updated:
        raise OrderNotOpposable(
            _("Only a paid order or an order waiting for payment can be put in opposition.")
        )
    order.refresh_from_db()
    _log(order, "opposition", None, reason=text, provider=provider, previous=previous)
    _record(
        order,
        None,
        "order.opposition",
        {
            "state": [previous, Order.State.OPPOSITION],
            "reason": [None, text],
            "provider": [None, provider],
        },
    )
    _opposition_alert(order, provider=provider_name or provider, reason=reason, previous=previous)
    return order
