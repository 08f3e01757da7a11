"""Capacity counters and holds (SHOP-3: never oversell, no global lock).

- A Quota is a capacity pool on a date, optionally narrowed to a zone and/or a price; its
  `taken` counter is changed only by conditional UPDATEs (see services.py).
- A DateSeat is one numbered seat on one date; `hold` is set by a conditional UPDATE.
- A Hold is places taken for a cart, an order or a pass: it counts in `taken` while it is
  active or confirmed. HoldQuota remembers which counters it took from, so releasing gives
  back exactly what was taken even if quotas were added in between.
"""

from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from billetterie.catalog.models import EventDate, Price, Seat, Zone


class Quota(models.Model):
    date = models.ForeignKey(EventDate, on_delete=models.CASCADE, related_name="quotas")
    zone = models.ForeignKey(
        Zone, on_delete=models.CASCADE, null=True, blank=True, related_name="quotas"
    )
    price = models.ForeignKey(
        Price, on_delete=models.CASCADE, null=True, blank=True, related_name="quotas"
    )
    name = models.CharField(_("name"), max_length=120, blank=True)
    size = models.PositiveIntegerField(_("places"))
    taken = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["date_id", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(taken__lte=F("size")), name="quota_never_over"),
            # one quota per (date, zone or none, price or none), on SQLite and PostgreSQL alike
            models.UniqueConstraint(
                "date", Coalesce("zone", 0), Coalesce("price", 0), name="one_quota_per_scope"
            ),
        ]

    def __str__(self) -> str:
        return self.name or f"{self.size}"

    @property
    def free(self) -> int:
        return max(self.size - self.taken, 0)


class Hold(models.Model):
    class State(models.TextChoices):
        ACTIVE = "active", _("held")
        CONFIRMED = "confirmed", _("sold")
        RELEASED = "released", _("released")
        EXPIRED = "expired", _("expired")

    COUNTING = (State.ACTIVE, State.CONFIRMED)

    # PROTECT: a date, zone or price with places taken can never vanish with its sales
    date = models.ForeignKey(EventDate, on_delete=models.PROTECT, related_name="holds")
    zone = models.ForeignKey(Zone, on_delete=models.PROTECT, related_name="holds")
    price = models.ForeignKey(
        Price, on_delete=models.PROTECT, null=True, blank=True, related_name="holds"
    )
    quantity = models.PositiveIntegerField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.ACTIVE)
    expires_at = models.DateTimeField(null=True, blank=True)
    reference = models.CharField(max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["state", "expires_at"]),
            models.Index(fields=["date", "state"]),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.zone} ({self.state})"


class HoldQuota(models.Model):
    hold = models.ForeignKey(Hold, on_delete=models.CASCADE, related_name="quota_parts")
    quota = models.ForeignKey(Quota, on_delete=models.PROTECT, related_name="hold_parts")
    quantity = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["hold", "quota"], name="hold_quota_once")]

    def __str__(self) -> str:
        return f"{self.quantity}"


class DateSeat(models.Model):
    date = models.ForeignKey(EventDate, on_delete=models.CASCADE, related_name="seats")
    seat = models.ForeignKey(Seat, on_delete=models.CASCADE, related_name="date_seats")
    hold = models.ForeignKey(
        Hold, on_delete=models.SET_NULL, null=True, blank=True, related_name="seats"
    )
    blocked = models.BooleanField(default=False)  # kept off sale by the organizer

    class Meta:
        ordering = ["date_id", "seat_id"]
        constraints = [models.UniqueConstraint(fields=["date", "seat"], name="date_seat_once")]

    def __str__(self) -> str:
        return str(self.seat)
