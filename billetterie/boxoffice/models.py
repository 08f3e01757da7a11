"""What the box office adds to the ledger: the details of a counter payment (cash given,
change, who took it) and the numbered receipts (PAY-11).

The payment itself is a payments Transaction like any other (PAY-2); a CounterPayment sits
beside it with what only a cashier knows. A receipt is numbered without gaps per shop from
a counter row taken under a row lock, and keeps a copy of what it printed, so a reprint is
always the same document.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from billetterie.core.models import Shop
from billetterie.core.money import Currency
from billetterie.orders.models import Order
from billetterie.payments.models import Transaction


class CounterPayment(models.Model):
    class Method(models.TextChoices):
        CASH = "cash", _("Cash")
        CARD_TERMINAL = "card_terminal", _("Card (payment terminal)")

    shop = models.ForeignKey(Shop, on_delete=models.PROTECT, related_name="counter_payments")
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="counter_payments")
    transaction = models.OneToOneField(
        Transaction, on_delete=models.PROTECT, related_name="counter_payment"
    )
    method = models.CharField(max_length=20, choices=Method.choices)
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    currency = models.CharField(max_length=3, choices=Currency.choices)
    # cash only: what the buyer handed over, and what went back to them
    amount_given = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    change = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    terminal_reference = models.CharField(max_length=60, blank=True)
    cashier = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    cashier_label = models.CharField(max_length=254, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["shop", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.method} {self.amount}"


class ReceiptCounter(models.Model):
    """The last receipt number of a shop; taken under a row lock so numbers have no gaps."""

    shop = models.OneToOneField(Shop, on_delete=models.CASCADE, related_name="receipt_counter")
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return str(self.last)


class Receipt(models.Model):
    """A receipt printed for a counter payment: one per payment, numbered on first print."""

    shop = models.ForeignKey(Shop, on_delete=models.PROTECT, related_name="receipts")
    number = models.PositiveIntegerField()
    payment = models.OneToOneField(CounterPayment, on_delete=models.PROTECT, related_name="receipt")
    # what the receipt shows, as printed the first time (plain JSON-safe values)
    content = models.JSONField(default=dict)
    issued_at = models.DateTimeField(default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["shop_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["shop", "number"], name="receipt_number_per_shop")
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def code(self) -> str:
        return f"{self.number:06d}"
