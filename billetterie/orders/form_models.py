"""The customer registration form of a shop (SHOP-4): which standard buyer fields it asks,
its extra fields, and the questions asked once per ticket of a price.

The answers live on the order (the standard fields as typed columns of `BuyerDetails`, the
extra fields as JSON in `Order.answers`) and on each ticket (`Ticket.answers`); each JSON
answer keeps the label it was asked with, so editing or deleting a field later never
changes what a buyer answered.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from billetterie.catalog.models import Price
from billetterie.core.models import Shop


class Mode(models.TextChoices):
    REQUIRED = "required", _("Required")
    OPTIONAL = "optional", _("Optional")
    HIDDEN = "hidden", _("Hidden")


class Title(models.TextChoices):
    MS = "ms", _("Ms")
    MR = "mr", _("Mr")
    MX = "mx", _("Mx")


# The standard fields, in the order the checkout asks them: key → (label, default mode).
# The key is the name of the typed column on Order and Customer (see BuyerDetails).
STANDARD_FIELDS: dict[str, tuple] = {
    "title": (_("Title"), Mode.HIDDEN),
    "first_name": (_("First name"), Mode.REQUIRED),
    "last_name": (_("Last name"), Mode.REQUIRED),
    "company": (_("Company"), Mode.HIDDEN),
    "email": (_("Email"), Mode.REQUIRED),
    "street": (_("Address"), Mode.HIDDEN),
    "zip_code": (_("Postcode"), Mode.HIDDEN),
    "city": (_("City"), Mode.HIDDEN),
    "country": (_("Country"), Mode.HIDDEN),
    "phone": (_("Phone"), Mode.HIDDEN),
    "birth_date": (_("Date of birth"), Mode.HIDDEN),
}
ALWAYS_REQUIRED = {"email"}  # the tickets are sent there


def default_modes() -> dict[str, str]:
    return {key: str(mode) for key, (_label, mode) in STANDARD_FIELDS.items()}


class BuyerDetails(models.Model):
    """The standard fields beyond email and name, shared by an order and its customer."""

    title = models.CharField(_("title"), max_length=4, choices=Title.choices, blank=True)
    company = models.CharField(_("company"), max_length=200, blank=True)
    street = models.CharField(_("address"), max_length=200, blank=True)
    zip_code = models.CharField(_("postcode"), max_length=12, blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    country = models.CharField(_("country"), max_length=80, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)

    class Meta:
        abstract = True


DETAIL_FIELDS = ("title", "company", "street", "zip_code", "city", "country", "phone", "birth_date")


class RegistrationForm(models.Model):
    """A shop's choice of mode for each standard field; missing keys take their default."""

    shop = models.OneToOneField(Shop, on_delete=models.CASCADE, related_name="registration_form")
    modes = models.JSONField(default=default_modes)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"registration form of {self.shop}"

    def mode_of(self, key: str) -> str:
        if key in ALWAYS_REQUIRED:
            return Mode.REQUIRED
        return (self.modes or {}).get(key) or STANDARD_FIELDS[key][1]


class FormField(models.Model):
    """An extra field of the shop's form (asked once per order, `price` empty) or a
    question of a price (asked once for each ticket of that price)."""

    class Kind(models.TextChoices):
        TEXT = "text", _("Text")
        LONG_TEXT = "long_text", _("Long text")
        NUMBER = "number", _("Number")
        DATE = "date", _("Date")
        CHOICE = "choice", _("Drop-down list")
        MULTIPLE = "multiple", _("Checkboxes")
        FILE = "file", _("File (PDF, JPEG or PNG)")

    WITH_CHOICES = (Kind.CHOICE, Kind.MULTIPLE)

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="form_fields")
    price = models.ForeignKey(
        Price, on_delete=models.CASCADE, null=True, blank=True, related_name="questions"
    )
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices, default=Kind.TEXT)
    labels = models.JSONField(_("label"), default=dict)  # {"fr": "...", "en": "..."}
    required = models.BooleanField(_("required"), default=False)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["shop_id", "price_id", "position", "id"]
        indexes = [models.Index(fields=["shop", "price", "position"])]

    def __str__(self) -> str:
        return self.label_in("")

    def label_in(self, language: str) -> str:
        """The label in `language`, else in the first language it has (the shop's default
        language comes first when the field is saved)."""
        labels = self.labels or {}
        if labels.get(language):
            return labels[language]
        return next((text for text in labels.values() if text), "")
