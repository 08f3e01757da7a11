"""Bank accounts, invoices with QR references (PAY-5, PAY-6, PAY-11).

An invoice order stays pending with no hold expiry until it is paid (by hand, or by a
matched bank credit) or cancelled on its deadline. Each invoice has a QR reference (27
digits, mod-10 recursive check digit) that the buyer's bank sends back in the camt file.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from billetterie.core.models import Shop
from billetterie.core.money import Currency
from billetterie.orders.models import Order


class BankAccount(models.Model):
    """Where a shop's invoices are paid to. A shop may hold several; one is in use."""

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="bank_accounts")
    label = models.CharField(_("name"), max_length=120)
    iban = models.CharField(_("IBAN or QR-IBAN"), max_length=34)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    holder_name = models.CharField(_("account holder"), max_length=70)
    street = models.CharField(_("street"), max_length=70, blank=True)
    house_number = models.CharField(_("house number"), max_length=16, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=16)
    town = models.CharField(_("town"), max_length=35)
    country = models.CharField(_("country"), max_length=2, default="CH")
    in_use = models.BooleanField(_("in use for new invoices"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["shop_id", "label", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["shop"], condition=Q(in_use=True), name="one_bank_account_in_use"
            )
        ]

    def __str__(self) -> str:
        return self.label


class DocumentCounter(models.Model):
    """Gapless numbers per shop and kind of document (PAY-11): taken inside the
    transaction that creates the document, with a row lock, so a rollback frees nothing
    and leaves no hole."""

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="document_counters")
    kind = models.CharField(max_length=20)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["shop", "kind"], name="one_counter_per_document_kind")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.last}"


class Invoice(models.Model):
    shop = models.ForeignKey(Shop, on_delete=models.PROTECT, related_name="invoices")
    order = models.OneToOneField(Order, on_delete=models.PROTECT, related_name="invoice")
    account = models.ForeignKey(
        BankAccount, on_delete=models.PROTECT, null=True, blank=True, related_name="invoices"
    )
    number = models.PositiveIntegerField()
    qr_reference = models.CharField(max_length=27)
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    currency = models.CharField(max_length=3, choices=Currency.choices)
    issued_at = models.DateTimeField(default=timezone.now)
    # the current deadline: moved by each reminder; the order is cancelled when it passes
    due_at = models.DateTimeField()
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    # the shop's deadline rule when the invoice was issued (PAY-5): D days before the first
    # reminder, N reminders; a later change of the settings moves no issued deadline
    reminder_days = models.PositiveSmallIntegerField(default=10)
    reminder_count = models.PositiveSmallIntegerField(default=2)
    # what the invoice shows, as issued (plain JSON-safe values): the seller, the buyer and
    # the lines never change afterwards; only the due date moves with the reminders
    content = models.JSONField(default=dict, blank=True)
    next_reminder_at = models.DateTimeField(null=True, blank=True)
    cancel_at = models.DateTimeField()
    cancelled_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["shop_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["shop", "number"], name="invoice_number_per_shop"),
            models.UniqueConstraint(fields=["shop", "qr_reference"], name="qr_reference_per_shop"),
        ]
        indexes = [
            models.Index(fields=["next_reminder_at"], name="invoice_reminder_due"),
            models.Index(fields=["cancel_at"], name="invoice_cancel_due"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def code(self) -> str:
        return f"{self.number:06d}"

    @property
    def is_open(self) -> bool:
        return self.paid_at is None and self.cancelled_at is None
