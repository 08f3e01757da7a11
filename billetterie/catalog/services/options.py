"""Ticket options and option groups (CAT-8) and the immutability rules of CAT-8/CAT-9.

A ticket type (price) counts as "ordered" once any hold was taken with it (a cart, an
order, a pass): from then on its options, its kind and its audience cannot change, and it
cannot be deleted.
"""

from decimal import Decimal

from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from billetterie.catalog.exceptions import CatalogLocked
from billetterie.catalog.models import OptionGroup, Price, PriceAmount, TicketOption
from billetterie.catalog.services.prices import check_amounts, check_settings
from billetterie.core import audit
from billetterie.core.exceptions import InvalidInput
from billetterie.core.models import Level, User
from billetterie.core.money import clean_amount
from billetterie.core.permissions import require_level

_ordered_checks = []


def register_ordered_check(check) -> None:
    """Lower apps (inventory, orders) tell whether a price was ordered; catalog cannot
    import them."""
    _ordered_checks.append(check)


def price_is_ordered(price: Price) -> bool:
    return any(check(price) for check in _ordered_checks)


def _require_unordered(price: Price) -> None:
    """Refuse once the price was ordered. The price row is locked first: a hold being taken
    with it holds a shared lock on it, so the check and a concurrent sale cannot cross."""
    Price.objects.select_for_update().filter(pk=price.pk).first()
    if price_is_ordered(price):
        raise CatalogLocked()


def _require_manage(actor, price: Price) -> None:
    if actor is not None:
        event = price.event
        require_level(actor, event.shop.organizer, Level.MANAGE, shop=event.shop, event_id=event.pk)


@transaction.atomic
def option_group_create(
    *, price: Price, actor: User | None, name: str, neutral_label: str = ""
) -> OptionGroup:
    _require_manage(actor, price)
    _require_unordered(price)
    if not name.strip():
        raise InvalidInput(_("An option group needs a name."))
    group = OptionGroup.objects.create(
        price=price, name=name.strip(), neutral_label=neutral_label.strip() or _("None")
    )
    audit.record(
        organizer=price.event.shop.organizer,
        actor=actor,
        action="option_group.created",
        target=group,
        shop=price.event.shop,
    )
    return group


@transaction.atomic
def option_create(
    *,
    price: Price,
    actor: User | None,
    name: str,
    amount: Decimal,
    group: OptionGroup | None = None,
) -> TicketOption:
    _require_manage(actor, price)
    _require_unordered(price)
    if group is not None and group.price_id != price.pk:
        raise InvalidInput(_("The group belongs to another ticket type."))
    if not name.strip():
        raise InvalidInput(_("An option needs a name."))
    option = TicketOption.objects.create(
        price=price,
        group=group,
        name=name.strip(),
        amount=clean_amount(amount, allow_negative=True),
    )
    audit.record(
        organizer=price.event.shop.organizer,
        actor=actor,
        action="option.created",
        target=option,
        shop=price.event.shop,
        changes={"amount": str(option.amount)},
    )
    return option


@transaction.atomic
def option_update(
    *, option: TicketOption, actor: User | None, name: str, amount: Decimal
) -> TicketOption:
    _require_manage(actor, option.price)
    _require_unordered(option.price)
    changes = audit.diff(
        option,
        ["name", "amount"],
        {"name": name, "amount": clean_amount(amount, allow_negative=True)},
    )
    option.name, option.amount = name.strip(), clean_amount(amount, allow_negative=True)
    option.save(update_fields=["name", "amount"])
    audit.record(
        organizer=option.price.event.shop.organizer,
        actor=actor,
        action="option.changed",
        target=option,
        shop=option.price.event.shop,
        changes=changes,
    )
    return option


@transaction.atomic
def option_delete(*, option: TicketOption, actor: User | None) -> None:
    _require_manage(actor, option.price)
    _require_unordered(option.price)
    audit.record(
        organizer=option.price.event.shop.organizer,
        actor=actor,
        action="option.deleted",
        target=option,
        shop=option.price.event.shop,
    )
    option.delete()


@transaction.atomic
def price_update(
    *, price: Price, actor: User | None, amounts: dict | None = None, **values
) -> Price:
    """Change a price's settings and amounts. Its kind never changes (CAT-9); its audience
    only while nothing was ordered with it. New amounts apply to future sales only (tickets
    keep the amount they were sold at), with the same rules as at creation."""
    _require_manage(actor, price)
    if "kind" in values and values["kind"] != price.kind:
        raise CatalogLocked(_("The kind of a ticket type cannot change after creation."))
    allowed = {"name", "visibility", "audience", "sales_start", "sales_end", "max_per_order"}
    unknown = set(values) - allowed - {"kind"}
    if unknown:
        raise InvalidInput(f"unknown price fields: {', '.join(sorted(unknown))}")
    merged = {"sales_start": price.sales_start, "sales_end": price.sales_end, **values}
    check_settings(merged)
    if "audience" in values and values["audience"] != price.audience:
        _require_unordered(price)
    values.pop("kind", None)
    changes = audit.diff(price, sorted(values), values)
    for field, value in values.items():
        setattr(price, field, value)
    price.save()
    if amounts is not None:
        cleaned = check_amounts(event=price.event, kind=price.kind, amounts=amounts)
        for currency, amount in cleaned.items():
            old = price.amounts.filter(currency=currency).values_list("amount", flat=True).first()
            if old != amount:
                PriceAmount.objects.update_or_create(
                    price=price, currency=currency, defaults={"amount": amount}
                )
                changes[f"amount {currency}"] = [str(old), str(amount)]
    audit.record(
        organizer=price.event.shop.organizer,
        actor=actor,
        action="price.changed",
        target=price,
        shop=price.event.shop,
        changes=changes,
    )
    return price


@transaction.atomic
def price_delete(*, price: Price, actor: User | None) -> None:
    _require_manage(actor, price)
    _require_unordered(price)
    audit.record(
        organizer=price.event.shop.organizer,
        actor=actor,
        action="price.deleted",
        target=price,
        shop=price.event.shop,
    )
    try:
        with transaction.atomic():
            price.delete()
    except ProtectedError:  # places were taken with it (the database says so too)
        raise CatalogLocked() from None
