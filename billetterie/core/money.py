"""Money: exact decimals with a currency. Never floats."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import models
from django.utils.translation import gettext_lazy as _

from billetterie.core.exceptions import InvalidInput

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("99999999.99")  # what a 10-digit, 2-decimal column holds


class Currency(models.TextChoices):
    CHF = "CHF", _("Swiss franc (CHF)")
    EUR = "EUR", _("Euro (EUR)")


def quantize(amount: Decimal) -> Decimal:
    """Round to cents, half up, as a cashier would."""
    if isinstance(amount, float):
        raise TypeError("money must be Decimal, never float")
    return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


def clean_amount(value, *, allow_negative: bool = False) -> Decimal:
    """An amount given by code or a form, checked to fit our columns, rounded to cents."""
    if isinstance(value, float):
        raise TypeError("money must be Decimal, never float")
    try:
        value = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise InvalidInput(_("“%(text)s” is not an amount.") % {"text": value}) from None
    if not value.is_finite() or abs(value) > MAX_AMOUNT:
        raise InvalidInput(_("This amount is too large."))
    if value < 0 and not allow_negative:
        raise InvalidInput(_("An amount cannot be negative."))
    return quantize(value)


def parse_amount(text: str) -> Decimal:
    """Read an amount typed by a person: '12', '12.5', '12,50', "1'200.00"."""
    cleaned = str(text).strip().replace("'", "").replace("\u2019", "").replace(" ", "")
    cleaned = cleaned.replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise InvalidInput(_("“%(text)s” is not an amount.") % {"text": text}) from None
    if not value.is_finite() or value < 0:
        raise InvalidInput(_("“%(text)s” is not an amount.") % {"text": text})
    if value > MAX_AMOUNT:
        raise InvalidInput(_("This amount is too large."))
    if value != value.quantize(CENT):
        raise InvalidInput(_("An amount has at most two decimals."))
    return quantize(value)


def format_money(amount: Decimal, currency: str) -> str:
    """'CHF 1'234.50' — Swiss style grouping, which reads well in French and English."""
    value = quantize(amount)
    sign = "-" if value < 0 else ""
    whole, _sep, cents = f"{abs(value):.2f}".partition(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return f"{currency} {sign}{'\u2019'.join(groups)}.{cents}"
