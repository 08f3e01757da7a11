"""Paying by invoice (PAY-5, PAY-6, PAY-11): issuing the invoice, its PDF and emails, and
its deadline — reminders, then cancellation — driven by a periodic task.

Issuing happens inside the transaction that chooses the payment method: the invoice
number is taken from the shop's counter under a row lock (no gaps, even on rollback) and
the order keeps its places with no hold expiry until it is paid or cancelled.

Every deadline step is a conditional update of the invoice row (`WHERE reminders_sent = k`,
`WHERE cancelled_at IS NULL`), so two workers running the same step at once send one
email and cancel once.
"""

import logging
from collections import OrderedDict
from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Min
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from billetterie.banking import references
from billetterie.banking.deadlines import DeadlineRule, after_reminder, schedule_for
from billetterie.banking.exceptions import InvoiceClosed, InvoiceNotIssuable
from billetterie.banking.models import BankAccount, Invoice
from billetterie.banking.services.numbering import INVOICE, document_number_next
from billetterie.core import audit
from billetterie.core.exceptions import DomainError
from billetterie.core.models import Level
from billetterie.core.money import format_money
from billetterie.core.permissions import require_level
from billetterie.documents.invoices import (
    InvoiceDocument,
    InvoiceLine,
    QRBillData,
    qr_bill,
    render_invoice_pdf,
)
from billetterie.notifications.services import Attachment, email_template_queue
from billetterie.orders.confirmation import order_url
from billetterie.orders.models import Order, Ticket
from billetterie.orders.services.checkout import log
from billetterie.orders.services.order_admin import order_cancel
from billetterie.payments.models import ShopPaymentMethod
from billetterie.payments.services import method_settings

logger = logging.getLogger(__name__)

PROVIDER = "invoice"


# --- the shop's settings ------------------------------------------------------------------
def invoice_rule(shop) -> DeadlineRule:
    return DeadlineRule.from_config(method_settings(shop=shop, provider_id=PROVIDER))


def invoice_method_enabled(shop) -> bool:
    return ShopPaymentMethod.objects.filter(shop=shop, provider=PROVIDER, enabled=True).exists()


def account_in_use(shop) -> BankAccount | None:
    return BankAccount.objects.filter(shop=shop, in_use=True).first()


def first_date_of(order: Order) -> datetime | None:
    return order.tickets.filter(state=Ticket.State.VALID).aggregate(first=Min("date__starts_at"))[
        "first"
    ]


def invoice_offered(order: Order, *, now: datetime | None = None) -> bool:
    """Whether the buyer may pay this order by invoice: something to pay, an account in
    use in the order's currency, no invoice yet, and still within the shop's window
    (until `offer_days_before` days before the first date of the order)."""
    if order.total <= 0 or order.state != Order.State.PENDING:
        return False
    account = account_in_use(order.shop)
    if account is None or account.currency != order.currency:
        return False
    if Invoice.objects.filter(order=order).exists():
        return False
    first = first_date_of(order)
    if first is None:
        return True
    rule = invoice_rule(order.shop)
    zone = order.shop.zone_info
    today = timezone.localdate(now or timezone.now(), zone)
    return today <= timezone.localtime(first, zone).date() - _days(rule.offer_days_before)


def _days(n: int) -> timedelta:
    return timedelta(days=n)


# --- issuing ------------------------------------------------------------------------------
@transaction.atomic
def invoice_issue(*, order: Order, now: datetime | None = None) -> Invoice:
    """The order's invoice, numbered without gaps; the order keeps its places until the
    invoice is paid or its deadline passes. The invoice email goes out after commit."""
    now = now or timezone.now()
    order = Order.objects.select_for_update(of=("self",)).select_related("shop").get(pk=order.pk)
    shop = order.shop
    if order.state != Order.State.PENDING or Invoice.objects.filter(order=order).exists():
        raise InvoiceNotIssuable()
    account = account_in_use(shop)
    if account is None or account.currency != order.currency or order.total <= 0:
        raise InvoiceNotIssuable()
    rule = invoice_rule(shop)
    number = document_number_next(shop=shop, kind=INVOICE)
    if references.reference_kind(iban=account.iban, currency=account.currency) == "QRR":
        reference = references.qr_reference_for(shop_id=shop.pk, number=number)
    else:
        reference = references.creditor_reference_for(shop_id=shop.pk, number=number)
    placed_at = order.created_at if order.created_at <= now else now
    schedule = schedule_for(
        placed_at=placed_at, reminder_days=rule.reminder_days, reminder_count=rule.reminder_count
    )
    invoice = Invoice.objects.create(
        shop=shop,
        order=order,
        account=account,
        number=number,
        qr_reference=reference,
        amount=order.total,
        currency=order.currency,
        issued_at=now,
        due_at=schedule.due_at,
        next_reminder_at=schedule.next_reminder_at,
        cancel_at=schedule.cancel_at,
        reminder_days=rule.reminder_days,
        reminder_count=rule.reminder_count,
        content=invoice_content(order, account),
    )
    Order.objects.filter(pk=order.pk).update(expires_at=None, payment_method=PROVIDER)
    log(order, "invoice_issued", number=invoice.code, due=schedule.due_at.isoformat())
    from billetterie.banking.tasks import send_invoice_email

    transaction.on_commit(lambda: send_invoice_email.enqueue(invoice.pk, "invoice"))
    return invoice


# --- the document -------------------------------------------------------------------------
def _date(value: datetime, shop) -> str:
    return formats.date_format(timezone.localtime(value, shop.zone_info), "SHORT_DATE_FORMAT")


def _datetime(value: datetime, shop) -> str:
    return formats.date_format(timezone.localtime(value, shop.zone_info), "SHORT_DATETIME_FORMAT")


def _raw_lines(order: Order) -> list[dict]:
    """The order's tickets grouped by date, zone, price and options (JSON-safe)."""
    groups: OrderedDict = OrderedDict()
    tickets = order.tickets.select_related("date__event", "zone").order_by(
        "date__starts_at", "date_id", "zone_id", "price_name", "id"
    )
    for ticket in tickets:
        options = ", ".join(o.get("name", "") for o in ticket.options or [])
        key = (ticket.date_id, ticket.zone_id, ticket.price_name, ticket.amount, options)
        group = groups.setdefault(
            key,
            {
                "count": 0,
                "price": ticket.price_name,
                "event": ticket.date.event.name,
                "starts_at": ticket.date.starts_at.isoformat(),
                "zone": ticket.zone.name,
                "options": options,
                "unit": str(ticket.amount),
            },
        )
        group["count"] += 1
    return list(groups.values())


def _lines(raw: list[dict], *, shop, currency: str) -> list[InvoiceLine]:
    lines = []
    for line in raw:
        starts = datetime.fromisoformat(line["starts_at"])
        detail = f"{line['event']} — {_datetime(starts, shop)} · {line['zone']}"
        if line["options"]:
            detail += f" · {line['options']}"
        lines.append(
            InvoiceLine(
                text=f"{line['count']} x {line['price']}",
                detail=detail,
                amount=format_money(Decimal(line["unit"]) * line["count"], currency),
            )
        )
    return lines


def _seller(shop, account: BankAccount | None) -> list[str]:
    if account is None:
        return [shop.organizer.name, shop.name]
    seller = [account.holder_name]
    street = " ".join(p for p in (account.street, account.house_number) if p)
    if street:
        seller.append(street)
    seller.append(f"{account.postal_code} {account.town}")
    seller.append(account.country)
    return seller


def invoice_content(order: Order, account: BankAccount | None) -> dict:
    """What the invoice shows, fixed when it is issued (PAY-11: an issued invoice does not
    change when the buyer's address or the account's holder is edited later)."""
    return {
        "seller": _seller(order.shop, account),
        "buyer": _buyer(order),
        "debtor": _debtor(order),
        "creditor": _creditor(account) if account is not None else None,
        "lines": _raw_lines(order),
        "discounts": [
            {"name": d.get("name", ""), "amount": str(d["amount"])} for d in order.discounts or []
        ],
    }


def _buyer(order: Order) -> list[str]:
    lines = [order.buyer_name]
    if order.company:
        lines.append(order.company)
    if order.street:
        lines.append(order.street)
    town = " ".join(part for part in (order.zip_code, order.city) if part)
    if town:
        lines.append(town)
    if order.country:
        lines.append(order.country)
    return [line for line in lines if line]


def _debtor(order: Order) -> dict | None:
    """The buyer on the payment part, when the address is complete enough for it."""
    if not (order.buyer_name and order.zip_code and order.city):
        return None
    country = (order.country or "CH").strip().upper()
    if len(country) != 2:
        return None
    return {
        "name": order.buyer_name[:70],
        "street": (order.street or "")[:70],
        "pcode": order.zip_code[:16],
        "city": order.city[:35],
        "country": country,
    }


def _creditor(account: BankAccount) -> dict:
    return {
        "name": account.holder_name,
        "street": account.street,
        "house_num": account.house_number,
        "pcode": account.postal_code,
        "city": account.town,
        "country": account.country,
    }


def _qr_bill_data(data: QRBillData) -> QRBillData | None:
    """The QR-bill's data as the standard accepts it: a buyer address it refuses (an
    unknown country, say) leaves the "payable by" box empty for the buyer to fill in; an
    account it refuses leaves the invoice with its printed bank details only."""
    try:
        qr_bill(data)
    except ValueError:
        if data.debtor is None:
            logger.warning("no QR-bill for account %s", data.account[:4])
            return None
        return _qr_bill_data(replace(data, debtor=None))
    return data


def invoice_document(invoice: Invoice, *, language: str | None = None) -> InvoiceDocument:
    """The invoice as display-ready text in the buyer's language."""
    order = invoice.order
    shop = order.shop
    account = invoice.account
    content = invoice.content or invoice_content(order, account)
    language = language or order.language
    with translation.override(language):
        title = _("Invoice %(number)s") % {"number": invoice.code}
        facts = [
            (_("Invoice date"), _date(invoice.issued_at, shop)),
            (_("Order"), order.code),
            (_("Due date"), _date(invoice.due_at, shop)),
        ]
        if invoice.qr_reference:
            facts.append((_("Reference"), references.format_reference(invoice.qr_reference)))
        if invoice.reminders_sent:
            facts.append(
                (
                    _("Reminder"),
                    ngettext("%(n)s reminder sent", "%(n)s reminders sent", invoice.reminders_sent)
                    % {"n": invoice.reminders_sent},
                )
            )
        totals = [
            (d.get("name") or _("Reduction"), format_money(-Decimal(d["amount"]), order.currency))
            for d in content["discounts"]
        ]
        totals.append((_("Total due"), format_money(invoice.amount, invoice.currency)))
        notes = [
            _("Please pay %(amount)s by %(due)s.")
            % {
                "amount": format_money(invoice.amount, invoice.currency),
                "due": _date(invoice.due_at, shop),
            },
            _("Unpaid, the order is cancelled on %(cancel)s and its places go back on sale.")
            % {"cancel": _date(invoice.cancel_at, shop)},
        ]
        qr_bill = None
        seller = content["seller"]
        if account is not None:
            notes.append(
                _("Bank account: %(iban)s (%(holder)s).")
                % {
                    "iban": references.format_iban(account.iban),
                    "holder": (content["creditor"] or {}).get("name", account.holder_name),
                }
            )
            if references.qr_bill_possible(iban=account.iban, currency=account.currency):
                notes.append(_("Pay with the QR-bill below: scan it with your banking app."))
                qr_bill = _qr_bill_data(
                    QRBillData(
                        account=account.iban,
                        creditor=content["creditor"] or _creditor(account),
                        amount=invoice.amount,
                        currency=invoice.currency,
                        reference=invoice.qr_reference,
                        debtor=content["debtor"],
                        additional_information=_("Invoice %(number)s, order %(order)s")
                        % {"number": invoice.code, "order": order.code},
                        language=language,
                    )
                )
            elif invoice.qr_reference:
                notes.append(
                    _("Give the reference %(reference)s with your transfer.")
                    % {"reference": references.format_reference(invoice.qr_reference)}
                )
        return InvoiceDocument(
            title=title,
            seller=seller,
            buyer=content["buyer"],
            facts=facts,
            lines=_lines(content["lines"], shop=shop, currency=invoice.currency),
            totals=totals,
            notes=notes,
            qr_bill=qr_bill,
            author=shop.organizer.name,
        )


def invoice_pdf(invoice: Invoice, *, language: str | None = None) -> bytes:
    language = language or invoice.order.language
    return render_invoice_pdf(invoice_document(invoice, language=language), language=language)


def invoice_filename(invoice: Invoice) -> str:
    return f"invoice-{invoice.code}.pdf"


# --- emails -------------------------------------------------------------------------------
EMAIL_TEMPLATES = {
    "invoice": "invoice_issued",
    "reminder": "invoice_reminder",
    "cancelled": "invoice_cancelled",
}


def invoice_email_queue(invoice: Invoice, kind: str) -> None:
    """Queue the invoice, a reminder (both with the PDF) or the cancellation notice, in
    the buyer's language."""
    invoice = Invoice.objects.select_related("order__shop__organizer", "account").get(pk=invoice.pk)
    order = invoice.order
    if not order.email or order.anonymised_at is not None:
        return
    shop = order.shop
    with translation.override(order.language):
        context = {
            "order": order,
            "shop": shop,
            "invoice": invoice,
            "link": order_url(order),
            "amount": format_money(invoice.amount, invoice.currency),
            "due": _date(invoice.due_at, shop),
            "cancel": _date(invoice.cancel_at, shop),
            "reminder": invoice.reminders_sent,
            "reference": references.format_reference(invoice.qr_reference),
        }
    attachments = []
    if kind != "cancelled":
        attachments = [
            Attachment(
                name=invoice_filename(invoice),
                mimetype="application/pdf",
                content=invoice_pdf(invoice),
            )
        ]
    email_template_queue(
        to=order.email,
        template=EMAIL_TEMPLATES[kind],
        context=context,
        language=order.language,
        organizer_id=shop.organizer_id,
        attachments=attachments,
    )
    order.events.create(kind=f"invoice_email_{kind}", data={"to": order.email})


@transaction.atomic
def invoice_resend(*, invoice: Invoice, actor) -> None:
    """The invoice (as it stands: its current due date) to the buyer again."""
    order = invoice.order
    if actor is not None:
        require_level(actor, order.shop.organizer, Level.BOX_OFFICE, shop=order.shop)
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if not invoice.is_open:
        raise InvoiceClosed()
    if not order.email or order.anonymised_at is not None:
        raise InvoiceClosed(_("The buyer's email address of this order is not known."))
    invoice_email_queue(invoice, "invoice")
    audit.record(
        organizer=order.shop.organizer,
        actor=actor,
        action="invoice.resent",
        target=order,
        shop=order.shop,
    )


# --- the deadline -------------------------------------------------------------------------
def _open_invoices():
    return Invoice.objects.filter(
        paid_at__isnull=True, cancelled_at__isnull=True, order__state=Order.State.PENDING
    )


def invoice_remind(*, invoice: Invoice, now: datetime) -> bool:
    """Send the next reminder when it is due; extends the deadline by D. False when
    another run sent it first, or the invoice closed meanwhile."""
    with transaction.atomic():
        sent = invoice.reminders_sent
        placed_at = invoice.cancel_at - _days(invoice.reminder_days * (1 + invoice.reminder_count))
        due_at, next_at = after_reminder(
            placed_at=placed_at,
            reminder_days=invoice.reminder_days,
            reminder_count=invoice.reminder_count,
            sent=sent + 1,
        )
        updated = (
            _open_invoices()
            .filter(
                pk=invoice.pk,
                reminders_sent=sent,
                reminders_sent__lt=F("reminder_count"),
                next_reminder_at__lte=now,
                cancel_at__gt=now,
            )
            .update(reminders_sent=sent + 1, due_at=due_at, next_reminder_at=next_at)
        )
        if not updated:
            return False
        invoice.refresh_from_db()
        log(invoice.order, "invoice_reminder", number=invoice.code, reminder=sent + 1)
        invoice_email_queue(invoice, "reminder")
    return True


def invoice_cancel_overdue(*, invoice: Invoice, now: datetime) -> bool:
    """Cancel the order of an invoice past its last deadline: its places go back on sale,
    the buyer is told. False when it was paid, or cancelled by another run, meanwhile."""
    try:
        with transaction.atomic():
            updated = (
                _open_invoices()
                .filter(pk=invoice.pk, cancel_at__lte=now)
                .update(cancelled_at=now, next_reminder_at=None)
            )
            if not updated:
                return False
            order_cancel(order=invoice.order, actor=None, notify=False)
            invoice.refresh_from_db()
            log(invoice.order, "invoice_cancelled", number=invoice.code)
            invoice_email_queue(invoice, "cancelled")
    except DomainError as error:  # e.g. places shared with another order: staff decide
        logger.warning("invoice %s: order not cancelled: %s", invoice.pk, error.message)
        return False
    return True


def invoice_deadlines_run(*, now: datetime | None = None, limit: int = 200) -> dict:
    """One pass of the deadline: cancellations first (an invoice past its last deadline
    gets no late reminder), then the reminders that are due."""
    now = now or timezone.now()
    cancelled = sum(
        invoice_cancel_overdue(invoice=invoice, now=now)
        for invoice in _open_invoices()
        .filter(cancel_at__lte=now)
        .select_related("order")
        .order_by("cancel_at", "pk")[:limit]
    )
    reminded = sum(
        invoice_remind(invoice=invoice, now=now)
        for invoice in _open_invoices()
        .filter(next_reminder_at__lte=now, cancel_at__gt=now)
        .select_related("order")
        .order_by("next_reminder_at", "pk")[:limit]
    )
    return {"reminded": reminded, "cancelled": cancelled}
