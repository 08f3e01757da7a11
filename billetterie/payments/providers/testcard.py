"""A built-in card provider for demos and tests that behaves like a hosted card page.

VISA and Mastercard are accepted, American Express is refused (PAY-2); every card goes
through a 3-D Secure challenge; a few card numbers simulate bank refusals. Every attempt is
a transaction on the order, with the bank's note when it fails.
"""

from datetime import date

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from billetterie.orders.models import Order
from billetterie.orders.services.checkout import order_paid
from billetterie.payments.exceptions import PaymentRefused
from billetterie.payments.models import Transaction
from billetterie.payments.registry import Provider, StartResult, register

IDENTIFIER = "testcard"
# Numbers the bank refuses, with the note it sends back.
DECLINES = {
    "4000000000000002": gettext_lazy("Card declined: insufficient funds."),
    "4000000000000069": gettext_lazy("Card declined: the card has expired."),
    "5100000000000107": gettext_lazy("Card declined: do not honour."),
}


@register
class TestCardProvider(Provider):
    identifier = IDENTIFIER
    name = gettext_lazy("Card (VISA, Mastercard) — test mode")
    description = gettext_lazy("Test payments: no real money is charged.")
    handles_card_data = True

    def is_available(self, order) -> bool:
        return order.total > 0

    def start(self, order) -> StartResult:
        tx = Transaction.objects.create(
            order=order, provider=IDENTIFIER, amount=order.total, currency=order.currency
        )
        return StartResult(redirect_url=reverse("payments:testcard", args=[tx.secret]))


def luhn_ok(number: str) -> bool:
    total = 0
    for index, digit in enumerate(reversed(number)):
        value = int(digit)
        if index % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def card_brand(number: str) -> str:
    if number.startswith(("34", "37")):
        return "amex"
    if number.startswith("4"):
        return "visa"
    prefix = int(number[:4]) if len(number) >= 4 else 0
    if 5100 <= prefix <= 5599 or 2221 <= prefix <= 2720:
        return "mastercard"
    return "other"


def _fail(tx: Transaction, note: str, *, brand: str = "", last4: str = "") -> Transaction:
    """Record the refusal on this attempt and open a fresh attempt for a retry."""
    Transaction.objects.filter(pk=tx.pk).update(
        state=Transaction.State.FAILED,
        bank_note=str(note)[:300],
        card_brand=brand,
        card_last4=last4,
        updated_at=timezone.now(),
    )
    return Transaction.objects.create(
        order=tx.order, provider=IDENTIFIER, amount=tx.amount, currency=tx.currency
    )


def _open(tx: Transaction, state=Transaction.State.CREATED) -> None:
    if tx.state != state or tx.order.state != Order.State.PENDING:
        raise PaymentRefused(_("This payment is closed. Start again from your order."))


def _card_problem(number: str, expiry: str, cvc: str):
    """(message for the buyer, note from the bank) when the card is refused, else None."""
    digits = "".join(ch for ch in number if ch.isdigit())
    brand = card_brand(digits) if digits else ""
    if not 13 <= len(digits) <= 19 or not luhn_ok(digits):
        return _("This card number is not valid."), None
    if brand == "amex":
        return (
            _("American Express cards are not accepted. Please pay with VISA or Mastercard."),
            None,
        )
    if brand not in {"visa", "mastercard"}:
        return _("Only VISA and Mastercard cards are accepted."), None
    month, _sep, year = expiry.strip().partition("/")
    try:
        ends = date(2000 + int(year), int(month), 1)
    except ValueError:
        return _("Give the expiry date as MM/YY."), None
    today = timezone.localdate()
    if (ends.year, ends.month) < (today.year, today.month):
        return _("This card has expired."), None
    if not (cvc.isdigit() and len(cvc) == 3):
        return _("The security code is the 3 digits on the back of the card."), None
    if digits in DECLINES:
        return _("Your bank declined the payment."), str(DECLINES[digits])
    return None


def card_submit(*, tx: Transaction, number: str, expiry: str, cvc: str) -> Transaction:
    """Check the card; on success the buyer goes on to the 3-D Secure challenge.

    A refusal is recorded on this attempt (committed), then PaymentRefused is raised with
    `next_secret`, the fresh attempt the buyer can retry with.
    """
    digits = "".join(ch for ch in number if ch.isdigit())
    brand, last4 = (card_brand(digits) if digits else ""), digits[-4:]
    problem = _card_problem(number, expiry, cvc)
    with transaction.atomic():
        tx = Transaction.objects.select_for_update().select_related("order").get(pk=tx.pk)
        _open(tx)
        if problem is None:
            Transaction.objects.filter(pk=tx.pk).update(
                state=Transaction.State.CHALLENGE,
                card_brand=brand,
                card_last4=last4,
                updated_at=timezone.now(),
            )
            tx.refresh_from_db()
            return tx
        message, note = problem
        retry = _fail(tx, note or message, brand=brand, last4=last4)
    raise PaymentRefused(message, next_secret=retry.secret)


def challenge_answer(*, tx: Transaction, approved: bool) -> Transaction:
    """The 3-D Secure step: the buyer confirms with their bank, or it fails."""
    with transaction.atomic():
        tx = Transaction.objects.select_for_update().select_related("order").get(pk=tx.pk)
        _open(tx, Transaction.State.CHALLENGE)
        if approved:
            reference = f"TEST-{tx.pk:08d}"
            Transaction.objects.filter(pk=tx.pk).update(
                state=Transaction.State.SUCCEEDED,
                reference=reference,
                updated_at=timezone.now(),
            )
            order_paid(order=tx.order, provider=IDENTIFIER, reference=reference)
            tx.refresh_from_db()
            return tx
        retry = _fail(
            tx,
            _("3-D Secure authentication failed."),
            brand=tx.card_brand,
            last4=tx.card_last4,
        )
    raise PaymentRefused(
        _("The payment was not confirmed with your bank (3-D Secure)."),
        next_secret=retry.secret,
    )
