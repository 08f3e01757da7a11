"""A shop's webhook endpoints and every delivery to them (API-3).

A delivery is written before anything is sent, so an event is never lost when the
receiver is down; each attempt is logged for the back office.
"""

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from billetterie.core.models import Shop


class WebhookEvent(models.TextChoices):
    ORDER_CREATED = "order.created", _("Order placed")
    ORDER_PAID = "order.paid", _("Order paid")
    ORDER_CANCELLED = "order.cancelled", _("Order cancelled or expired")
    CHECKIN_CREATED = "checkin.created", _("Ticket checked in")


class WebhookEndpoint(models.Model):
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="webhook_endpoints")
    url = models.URLField(_("address"), max_length=500)
    events = models.JSONField(_("events"), default=list)
    # the signing secret, sealed (core.secretbox): shown once, needed again to sign
    secret_sealed = models.TextField()
    secret_hint = models.CharField(max_length=8)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["shop_id", "created_at", "id"]

    def __str__(self) -> str:
        return self.url

    def event_labels(self) -> list[str]:
        labels = dict(WebhookEvent.choices)
        return [str(labels.get(e, e)) for e in self.events]


class WebhookDelivery(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Waiting")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Given up")

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(max_length=40, choices=WebhookEvent.choices)
    event_id = models.UUIDField(default=uuid.uuid4)
    payload = models.JSONField(default=dict)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="webhook_due")]

    def __str__(self) -> str:
        return f"{self.event} {self.event_id}"


class WebhookAttempt(models.Model):
    delivery = models.ForeignKey(
        WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log"
    )
    number = models.PositiveSmallIntegerField()
    at = models.DateTimeField(default=timezone.now)
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["delivery_id", "number"]

    def __str__(self) -> str:
        return f"{self.delivery_id} #{self.number}"
