"""Payment references and account numbers of invoices (PAY-6).

- QR reference (QRR): 27 digits, the last one a mod-10 recursive check digit (the Swiss
  ISR/ESR algorithm). Ours is the shop id (8 digits) and the invoice number (18 digits)
  followed by the check digit, so a reference names one invoice of one shop and the bank
  file's credits can be matched back without a lookup table. Used only with a QR-IBAN.
- Creditor reference (SCOR, ISO 11649): "RF", two mod-97 check digits, then the same shop
  id and invoice number (8 + 10 digits). Used with a normal IBAN.
- IBAN: mod-97 (ISO 13616); a QR-IBAN is a CH/LI IBAN whose institution id (characters
  5-9) is 30000-31999.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum import iban as stdnum_iban
from stdnum import iso11649

QR_IID_RANGE = range(30000, 32000)
QR_BILL_COUNTRIES = ("CH", "LI")
QR_BILL_CURRENCIES = ("CHF", "EUR")
_MOD10_TABLE = (0, 9, 4, 6, 8, 2, 7, 1, 3, 5)


def qr_reference_check_digit(digits: str) -> str:
    """The mod-10 recursive check digit of a string of digits (Swiss QR reference)."""
    if not digits.isdigit():
        raise ValueError("digits only")
    carry = 0
    for digit in digits:
        carry = _MOD10_TABLE[(carry + int(digit)) % 10]
    return str((10 - carry) % 10)


def compact(value: str) -> str:
    return re.sub(r"\s+", "", value or "").upper()


def qr_reference_is_valid(value: str) -> bool:
    value = compact(value)
    return (
        len(value) == 27 and value.isdigit() and qr_reference_check_digit(value[:-1]) == value[-1]
    )


def validate_qr_reference(value: str) -> str:
    """The reference without spaces, or ValidationError."""
    value = compact(value)
    if not qr_reference_is_valid(value):
        raise ValidationError(
            _("A QR reference is 27 digits whose last one is the check digit."),
            code="qr_reference",
        )
    return value


def qr_reference_for(*, shop_id: int, number: int) -> str:
    """The QR reference (QRR) of a shop's invoice number."""
    if shop_id >= 10**8 or number >= 10**18:
        raise ValueError("shop id or invoice number too large for a QR reference")
    body = f"{shop_id:08d}{number:018d}"
    return body + qr_reference_check_digit(body)


def creditor_reference_for(*, shop_id: int, number: int) -> str:
    """The ISO 11649 creditor reference (RF..) of a shop's invoice number."""
    if shop_id >= 10**8 or number >= 10**10:
        raise ValueError("shop id or invoice number too large for a creditor reference")
    return creditor_reference(f"{shop_id:08d}{number:010d}")


def creditor_reference(body: str) -> str:
    """ "RF" + the two ISO 11649 check digits + body (1-21 letters or digits)."""
    body = compact(body)
    if not (1 <= len(body) <= 21 and body.isalnum() and body.isascii()):
        raise ValueError("a creditor reference body is 1 to 21 letters or digits")
    # check digits: 98 - (body + "RF00" as digits, A=10 ... Z=35) mod 97
    numeric = "".join(str(int(ch, 36)) for ch in body + "RF00")
    return f"RF{98 - int(numeric) % 97:02d}{body}"


def creditor_reference_is_valid(value: str) -> bool:
    return iso11649.is_valid(compact(value))


def format_qr_reference(value: str) -> str:
    """ "21 00000 00003 13947 14300 09017": groups of five from the right, as printed."""
    value = compact(value)
    head = len(value) % 5
    groups = [value[:head]] if head else []
    groups += [value[i : i + 5] for i in range(head, len(value), 5)]
    return " ".join(groups)


def format_creditor_reference(value: str) -> str:
    value = compact(value)
    return " ".join(value[i : i + 4] for i in range(0, len(value), 4))


def format_reference(value: str) -> str:
    if value.upper().startswith("RF"):
        return format_creditor_reference(value)
    return format_qr_reference(value)


def format_iban(value: str) -> str:
    value = compact(value)
    return " ".join(value[i : i + 4] for i in range(0, len(value), 4))


def iban_institution_id(value: str) -> int | None:
    value = compact(value)
    if value[:2] not in QR_BILL_COUNTRIES or not value[4:9].isdigit():
        return None
    return int(value[4:9])


def is_qr_iban(value: str) -> bool:
    """A CH/LI IBAN reserved for QR references (institution id 30000-31999)."""
    iid = iban_institution_id(value)
    return iid is not None and iid in QR_IID_RANGE


def validate_iban(value: str) -> str:
    """The IBAN without spaces, upper case; ValidationError when its country, length or
    mod-97 check digits are wrong."""
    value = compact(value)
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}", value):
        raise ValidationError(
            _("An IBAN starts with two letters and two digits, e.g. CH44 3199 9123 0008 8901 2."),
            code="iban_format",
        )
    if not stdnum_iban.is_valid(value):
        raise ValidationError(
            _(
                "This IBAN is not valid: check it for a typing error (its check digits do "
                "not match)."
            ),
            code="iban_checksum",
        )
    return value


def reference_kind(*, iban: str, currency: str) -> str:
    """Which reference an invoice to this account carries: "QRR" for a QR-IBAN, "SCOR"
    (creditor reference) for any other IBAN."""
    return "QRR" if is_qr_iban(iban) else "SCOR"


def qr_bill_possible(*, iban: str, currency: str) -> bool:
    """Whether a Swiss QR-bill payment part can be printed for this account."""
    return compact(iban)[:2] in QR_BILL_COUNTRIES and currency in QR_BILL_CURRENCIES
