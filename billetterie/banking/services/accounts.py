"""A shop's bank accounts (PAY-6): several may be held, one is in use for new invoices.

An account with invoices issued to it is never deleted (the invoices name it); choosing
another one in use is how an organizer changes bank.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from billetterie.banking import references
from billetterie.banking.exceptions import BankAccountInUse, BankAccountInvalid
from billetterie.banking.models import BankAccount
from billetterie.core import audit
from billetterie.core.models import Level
from billetterie.core.permissions import require_level

FIELDS = (
    "label",
    "iban",
    "currency",
    "holder_name",
    "street",
    "house_number",
    "postal_code",
    "town",
    "country",
)
LIMITS = {
    "label": 120,
    "holder_name": 70,
    "street": 70,
    "house_number": 16,
    "postal_code": 16,
    "town": 35,
}


def _require(actor, shop) -> None:
    if actor is not None:
        require_level(actor, shop.organizer, Level.MANAGE, shop=shop)


def bank_account_clean(*, shop, values: dict) -> dict:
    """The account's fields, normalised; BankAccountInvalid (with `field`) when one is
    wrong: the IBAN's mod-97 check digits, a QR-IBAN outside Switzerland/Liechtenstein, a
    currency the shop does not sell in, an address the QR-bill cannot carry."""
    data = {key: str(values.get(key) or "").replace("\x00", "").strip() for key in FIELDS}
    data["country"] = data["country"].upper() or "CH"
    for key, limit in LIMITS.items():
        if len(data[key]) > limit:
            raise BankAccountInvalid(_("At most %(max)s characters.") % {"max": limit}, field=key)
    for key in ("label", "holder_name", "postal_code", "town"):
        if not data[key]:
            raise BankAccountInvalid(_("This field is required."), field=key)
    try:
        data["iban"] = references.validate_iban(data["iban"])
    except ValidationError as error:
        raise BankAccountInvalid(error.messages[0], field="iban") from None
    if data["currency"] != shop.currency:
        raise BankAccountInvalid(
            _("This shop sells in %(currency)s: the account must be in %(currency)s.")
            % {"currency": shop.currency},
            field="currency",
        )
    if len(data["country"]) != 2 or not data["country"].isalpha():
        raise BankAccountInvalid(
            _("Give the country as a two-letter code, e.g. CH."), field="country"
        )
    if references.qr_bill_possible(iban=data["iban"], currency=data["currency"]):
        _check_with_qrbill(data)
    return data


def _check_with_qrbill(data: dict) -> None:
    """qrbill checks the creditor address the way the payment part will print it."""
    from qrbill import QRBill

    kind = references.reference_kind(iban=data["iban"], currency=data["currency"])
    reference = (
        references.qr_reference_for(shop_id=1, number=1)
        if kind == "QRR"
        else references.creditor_reference_for(shop_id=1, number=1)
    )
    try:
        QRBill(
            account=data["iban"],
            currency=data["currency"],
            reference_number=reference,
            creditor={
                "name": data["holder_name"],
                "street": data["street"],
                "house_num": data["house_number"],
                "pcode": data["postal_code"],
                "city": data["town"],
                "country": data["country"],
            },
        )
    except ValueError as error:
        text = str(error)
        if "country" in text:
            raise BankAccountInvalid(
                _("This country code is not known."), field="country"
            ) from None
        raise BankAccountInvalid(
            _("The QR-bill cannot carry this account: %(reason)s") % {"reason": text}
        ) from None


@transaction.atomic
def bank_account_create(*, shop, actor, values: dict) -> BankAccount:
    _require(actor, shop)
    data = bank_account_clean(shop=shop, values=values)
    first = not BankAccount.objects.filter(shop=shop).exists()
    account = BankAccount.objects.create(shop=shop, in_use=first, **data)
    audit.record(
        organizer=shop.organizer,
        actor=actor,
        action="bank_account.created",
        target=account,
        shop=shop,
        changes={"iban": [None, references.format_iban(account.iban)]},
    )
    return account


@transaction.atomic
def bank_account_update(*, account: BankAccount, actor, values: dict) -> BankAccount:
    shop = account.shop
    _require(actor, shop)
    data = bank_account_clean(shop=shop, values=values)
    account = BankAccount.objects.select_for_update().get(pk=account.pk)
    if account.iban != data["iban"] and account.invoices.exists():
        raise BankAccountInvalid(
            _(
                "Invoices were issued to this IBAN: it cannot change. Add a new account "
                "and choose it for new invoices."
            ),
            field="iban",
        )
    changes = audit.diff(account, list(data), data)
    BankAccount.objects.filter(pk=account.pk).update(**data)
    account.refresh_from_db()
    if changes:
        audit.record(
            organizer=shop.organizer,
            actor=actor,
            action="bank_account.updated",
            target=account,
            shop=shop,
            changes=changes,
        )
    return account


@transaction.atomic
def bank_account_use(*, account: BankAccount, actor) -> BankAccount:
    """Make this account the one new invoices are paid to."""
    shop = account.shop
    _require(actor, shop)
    # the one in use first gives way, then this one takes it (one in use per shop)
    BankAccount.objects.filter(shop=shop, in_use=True).exclude(pk=account.pk).update(in_use=False)
    BankAccount.objects.filter(pk=account.pk).update(in_use=True)
    account.refresh_from_db()
    audit.record(
        organizer=shop.organizer,
        actor=actor,
        action="bank_account.chosen",
        target=account,
        shop=shop,
    )
    return account


@transaction.atomic
def bank_account_delete(*, account: BankAccount, actor) -> None:
    shop = account.shop
    _require(actor, shop)
    account = BankAccount.objects.select_for_update().get(pk=account.pk)
    if account.invoices.exists():
        raise BankAccountInUse()
    audit.record(
        organizer=shop.organizer,
        actor=actor,
        action="bank_account.deleted",
        target=account,
        shop=shop,
        changes={"iban": [references.format_iban(account.iban), None]},
    )
    account.delete()
