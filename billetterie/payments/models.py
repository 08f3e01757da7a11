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

    class Meta:
        ordering = ["shop_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["shop", "provider"], name="one_method_per_provider")
        ]

    def __str__(self) -> str:
        return self.provider


class Transaction(models.Model):
    class State(models.TextChoices):
        CREATED = "created", _("Started")
        CHALLENGE = "challenge", _("Waiting for 3-D Secure")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="transactions")
    provider = models.CharField(max_length=40)
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    currency = models.CharField(max_length=3, choices=Currency.choices)
    state = models.CharField(max_length=10, choices=State.choices, default=State.CREATED)
    secret = models.CharField(max_length=64, unique=True, default=new_secret)
    reference = models.CharField(max_length=120, blank=True)
    card_brand = models.CharField(max_length=20, blank=True)
    card_last4 = models.CharField(max_length=4, blank=True)
    bank_note = models.CharField(_("note from the bank"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.provider} {self.amount} {self.state}"
