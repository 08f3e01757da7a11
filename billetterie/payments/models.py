"""Payment methods enabled per shop, and the ledger of transactions (PAY-1, PAY-2).

A transaction row is appended for every attempt and never deleted: an order with none
shows that the buyer never reached the payment step.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from billetterie.core.models import Shop
from billetterie.core.money import Currency
from billetterie.orders.models import Order, new_secret


class ShopPaymentMethod(models.Model):
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="payment_methods")
    provider = models.CharField(max_length=40)
    enabled = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)
    # The provider's settings (its settings_form): plain ones here, the ones it names in
    # secret_fields sealed in `secrets` (core.secretbox) and never shown back.
    config = models.JSONField(default=dict, blank=True)
    secrets = models.TextField(default="", blank=True)

    class Meta:
        ordering = ["shop_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["shop", "provider"], name="one_method_per_provider")
        ]

    def __str__(self) -> str:
        return self.provider


class Transaction(models.Model):
    class Kind(models.TextChoices):
        PAYMENT = "payment", _("Payment")
        REFUND = "refund", _("Refund")

    class State(models.TextChoices):
        CREATED = "created", _("Started")
        CHALLENGE = "challenge", _("Waiting for 3-D Secure")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="transactions")
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.PAYMENT)
    # a refund points at the payment it gives money back for (amount stays positive)
    refund_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="refunds"
    )
    provider = models.CharField(max_length=40)
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    currency = models.CharField(max_length=3, choices=Currency.choices)
    state = models.CharField(max_length=10, choices=State.choices, default=State.CREATED)
    secret = models.CharField(max_length=64, unique=True, default=new_secret)
    reference = models.CharField(max_length=120, blank=True)
    card_brand = models.CharField(max_length=20, blank=True)
    card_last4 = models.CharField(max_length=4, blank=True)
    bank_note = models.CharField(_("note from the bank"), max_length=300, blank=True)
    # what the provider told us (ids, statuses) that has no column of its own
    provider_data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.provider} {self.amount} {self.state}"


class ProviderNotification(models.Model):
    """A server-to-server notification (webhook, IPN) already handled: the same event id
    twice is recognised and changes nothing (PAY-3)."""

    provider = models.CharField(max_length=40)
    event_id = models.CharField(max_length=200)
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, null=True, blank=True)
    order = models.ForeignKey(Order, on_delete=models.SET_NULL, null=True, blank=True)
    outcome = models.CharField(max_length=40, blank=True)
    payload = models.JSONField(default=dict, blank=True)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "event_id"], name="one_notification_per_event"
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.event_id}"
