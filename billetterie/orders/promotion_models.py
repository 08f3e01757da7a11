"""Promotions (SHOP-6): a promo code the buyer types, or an automatic reduction that applies
when the cart holds enough tickets. The pricing rules are in services/promotions.py."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from billetterie.catalog.models import Event, Price
from billetterie.core.models import Shop


def normalize_code(code: str) -> str:
    """Codes are compared case-insensitively: they are stored upper-case, without spaces."""
    return "".join((code or "").split()).upper()


class Promotion(models.Model):
    class Kind(models.TextChoices):
        CODE = "code", _("Promo code")
        AUTOMATIC = "automatic", _("Automatic")

    class Reduction(models.TextChoices):
        FIXED = "fixed", _("Fixed amount")
        PERCENT = "percent", _("Percent")

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="promotions")
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.CODE)
    code = models.CharField(_("code"), max_length=40, blank=True)
    reduction = models.CharField(
        _("reduction"), max_length=8, choices=Reduction.choices, default=Reduction.PERCENT
    )
    value = models.DecimalField(_("value"), max_digits=10, decimal_places=2)
    min_tickets = models.PositiveIntegerField(_("minimum tickets"), default=1)
    events = models.ManyToManyField(Event, blank=True, related_name="+")
    prices = models.ManyToManyField(Price, blank=True, related_name="+")
    valid_from = models.DateTimeField(_("valid from"), null=True, blank=True)
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)
    max_uses = models.PositiveIntegerField(_("maximum uses"), null=True, blank=True)
    uses = models.PositiveIntegerField(default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "code"], condition=Q(kind="code"), name="promo_code_per_shop"
            ),
            models.CheckConstraint(
                condition=Q(max_uses__isnull=True) | Q(uses__lte=models.F("max_uses")),
                name="promo_uses_within_max",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def is_valid_at(self, now) -> bool:
        if not self.active:
            return False
        if self.valid_from and now < self.valid_from:
            return False
        if self.valid_until and now > self.valid_until:
            return False
        return not self.used_up

    @property
    def used_up(self) -> bool:
        return self.max_uses is not None and self.uses >= self.max_uses

    @property
    def label(self) -> str:
        if self.reduction == self.Reduction.PERCENT:
            return f"{self.value.normalize():f} %"
        return f"{self.shop.currency} {self.value}"
