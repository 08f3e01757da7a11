"""Payments taken at the box office (BOX-1): cash, and card on an external payment terminal.

The money changes hands at the counter, so there is nothing to start online: these
providers are never offered to buyers (`is_available` is always false) and only the box
office records them, as a succeeded transaction on the order (PAY-2: every payment is a
transaction in the ledger).
"""

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from billetterie.payments.exceptions import MethodUnavailable
from billetterie.payments.models import Transaction
from billetterie.payments.registry import Provider, StartResult, register

CASH = "cash"
CARD_TERMINAL = "card_terminal"


class CounterProvider(Provider):
    staff_only = True  # taken by a cashier, never chosen by a buyer

    def is_available(self, order) -> bool:
        return False

    def start(self, order) -> StartResult:
        raise MethodUnavailable()

    def record(self, *, order, amount: Decimal, reference: str = "") -> Transaction:
        """The payment the cashier took, as a succeeded transaction."""
        now = timezone.now()
        return Transaction.objects.create(
            order=order,
            provider=self.identifier,
            amount=amount,
            currency=order.currency,
            state=Transaction.State.SUCCEEDED,
            reference=reference[:120],
            created_at=now,
            updated_at=now,
        )


@register
class CashProvider(CounterProvider):
    identifier = CASH
    name = _("Cash")
    description = _("Paid in cash at the box office.")


@register
class CardTerminalProvider(CounterProvider):
    identifier = CARD_TERMINAL
    name = _("Card (payment terminal)")
    description = _("Paid by card on the box office's payment terminal.")
