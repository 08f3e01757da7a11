"""Events, dates, venues, zones, seats and prices (CAT-1..9).

Capacity is not here: quotas and their counters live in `inventory`, the one place that
decides whether a place can be sold.
"""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from billetterie.core.models import Organizer, Shop
from billetterie.core.money import Currency


class Venue(models.Model):
    organizer = models.ForeignKey(Organizer, on_delete=models.CASCADE, related_name="venues")
    name = models.CharField(_("name"), max_length=200)
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    country = models.CharField(_("country"), max_length=2, default="CH")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name}, {self.city}" if self.city else self.name


class Zone(models.Model):
    """An area of a venue: standing/free placement with a capacity, or numbered seats."""

    class Kind(models.TextChoices):
        FREE = "free", _("Free placement")
        NUMBERED = "numbered", _("Numbered seats")

    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="zones")
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("placement"), max_length=10, choices=Kind.choices, default=Kind.FREE)
    capacity = models.PositiveIntegerField(
        _("capacity"), default=0, help_text=_("For free placement; numbered zones count seats.")
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["venue_id", "position", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_numbered(self) -> bool:
        return self.kind == self.Kind.NUMBERED


class Seat(models.Model):
    """A numbered seat of a zone; `column` and `line` place it on the grid editor."""

    zone = models.ForeignKey(Zone, on_delete=models.CASCADE, related_name="seats")
    row = models.CharField(_("row"), max_length=10)
    number = models.CharField(_("seat"), max_length=10)
    category = models.CharField(_("seat category"), max_length=60, blank=True)
    line = models.PositiveSmallIntegerField(default=0)
    column = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["zone_id", "line", "column", "id"]
        constraints = [
            models.UniqueConstraint(fields=["zone", "row", "number"], name="seat_unique_in_zone")
        ]

    def __str__(self) -> str:
        return _("Row %(row)s, seat %(number)s") % {"row": self.row, "number": self.number}


class Event(models.Model):
    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public")
        UNLISTED = "unlisted", _("Hidden (reachable by its link)")
        RESTRICTED = "restricted", _("Restricted to an audience")

    class SaleStatus(models.TextChoices):
        ON_SALE = "on_sale", _("On sale")
        SOLD_OUT = "sold_out", _("Sold out")
        COMING_SOON = "coming_soon", _("Coming soon")
        CANCELLED = "cancelled", _("Cancelled")
        CUSTOM = "custom", _("Custom label")

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="events")
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    venue = models.ForeignKey(
        Venue, on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    category = models.CharField(_("category"), max_length=80, blank=True)
    visibility = models.CharField(
        _("visibility"), max_length=12, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    audience = models.CharField(_("audience"), max_length=120, blank=True)
    sale_status = models.CharField(
        _("sale status"), max_length=12, choices=SaleStatus.choices, default=SaleStatus.ON_SALE
    )
    sale_status_label = models.CharField(_("custom status label"), max_length=80, blank=True)
    sales_start = models.DateTimeField(_("sales open"), null=True, blank=True)
    sales_end = models.DateTimeField(_("sales close"), null=True, blank=True)
    entertainment_tax = models.BooleanField(
        _("subject to the entertainment tax"),
        default=False,
        help_text=_("Lausanne's tax on entertainment; pay-what-you-want is not allowed then."),
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["shop_id", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def organizer_id(self) -> int:
        return self.shop.organizer_id

    @property
    def in_lausanne_with_tax(self) -> bool:
        city = (self.venue.city if self.venue else "").strip().casefold()
        return self.entertainment_tax and city == "lausanne"


class EventDate(models.Model):
    """One performance of an event."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="dates")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    is_cancelled = models.BooleanField(_("cancelled"), default=False)

    class Meta:
        ordering = ["event_id", "starts_at", "id"]

    def __str__(self) -> str:
        local = timezone.localtime(self.starts_at, self.event.shop.zone_info)
        return f"{self.event.name} — {local:%d.%m.%Y %H:%M}"


class Price(models.Model):
    """A tariff for one zone of an event, on all or some of its dates (CAT-4)."""

    class Kind(models.TextChoices):
        FIXED = "fixed", _("Fixed price")
        FREE = "free", _("Free")
        PAY_WHAT_YOU_WANT = "pwyw", _("Pay what you want")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public")
        BOX_OFFICE = "box_office", _("Box office only")
        PASS_HOLDERS = "pass_holders", _("Pass holders only")
        HIDDEN = "hidden", _("Hidden (resellers)")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="prices")
    zone = models.ForeignKey(Zone, on_delete=models.PROTECT, related_name="prices")
    dates = models.ManyToManyField(
        EventDate,
        blank=True,
        related_name="prices",
        help_text=_("None chosen: every date of the event."),
    )
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.FIXED)
    visibility = models.CharField(
        _("visibility"), max_length=14, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    audience = models.CharField(
        _("restricted to"),
        max_length=120,
        blank=True,
        help_text=_("Only buyers of this audience (a group, a membership, a class) may buy it."),
    )
    sales_start = models.DateTimeField(_("sales open"), null=True, blank=True)
    sales_end = models.DateTimeField(_("sales close"), null=True, blank=True)
    max_per_order = models.PositiveSmallIntegerField(_("maximum per order"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["event_id", "position", "id"]

    def __str__(self) -> str:
        return self.name


class PriceAmount(models.Model):
    """The amount of a price in one currency; for pay-what-you-want, the minimum."""

    price = models.ForeignKey(Price, on_delete=models.CASCADE, related_name="amounts")
    currency = models.CharField(max_length=3, choices=Currency.choices)
    amount = models.DecimalField(
        max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["price", "currency"], name="one_amount_per_currency")
        ]

    def __str__(self) -> str:
        return f"{self.currency} {self.amount}"


class OptionGroup(models.Model):
    """Mutually exclusive options shown as a drop-down with a free neutral choice (CAT-8)."""

    price = models.ForeignKey(Price, on_delete=models.CASCADE, related_name="option_groups")
    name = models.CharField(_("name"), max_length=120)
    neutral_label = models.CharField(_("neutral choice"), max_length=120, blank=True)

    class Meta:
        ordering = ["price_id", "id"]

    def __str__(self) -> str:
        return self.name


class TicketOption(models.Model):
    """An optional add-on of one ticket type (price), changing its amount (CAT-8)."""

    price = models.ForeignKey(Price, on_delete=models.CASCADE, related_name="options")
    group = models.ForeignKey(
        OptionGroup, on_delete=models.CASCADE, null=True, blank=True, related_name="options"
    )
    name = models.CharField(_("name"), max_length=120)
    amount = models.DecimalField(_("price change"), max_digits=10, decimal_places=2)

    class Meta:
        # stand-alone options first, then grouped ones — the same on SQLite and PostgreSQL
        ordering = ["price_id", models.F("group_id").asc(nulls_first=True), "id"]

    def __str__(self) -> str:
        return self.name


def event_image_path(instance, filename: str) -> str:
    return f"events/{instance.event.shop.organizer_id}/{instance.event_id}/{filename}"


class EventImage(models.Model):
    """Portrait (mandatory, 1000x1414), landscape (1200x630) and up to 4 gallery images."""

    class Kind(models.TextChoices):
        PORTRAIT = "portrait", _("Portrait (1000 x 1414 px)")
        LANDSCAPE = "landscape", _("Landscape (1200 x 630 px)")
        GALLERY = "gallery", _("Gallery")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="images")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    file = models.ImageField(upload_to=event_image_path)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["event_id", "kind", "position", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.width}x{self.height}"
