"""Prices per zone and date, per currency (CAT-4)."""

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from billetterie.catalog.exceptions import PayWhatYouWantRefused, PriceBelowMinimum
from billetterie.catalog.models import Event, Price, PriceAmount, Zone
from billetterie.core import audit
from billetterie.core.exceptions import InvalidInput, PermissionRefused
from billetterie.core.models import Level, User
from billetterie.core.money import clean_amount
from billetterie.core.permissions import require_level

PWYW_MINIMUM_FLOOR = Decimal("2.00")  # bank fees: the minimum must be greater than this
PRICE_FIELDS = ["visibility", "audience", "sales_start", "sales_end", "max_per_order"]


def check_settings(values: dict) -> None:
    """Rules of a price's advanced settings, for creation and change alike."""
    if "name" in values and not str(values["name"]).strip():
        raise InvalidInput(_("A price needs a name."))
    start, end = values.get("sales_start"), values.get("sales_end")
    if start and end and end <= start:
        raise InvalidInput(_("Sales must close after they open."))
    if values.get("max_per_order") is not None and values["max_per_order"] < 1:
        raise InvalidInput(_("The maximum per order is at least 1."))


def check_amounts(*, event: Event, kind: str, amounts: dict[str, Decimal]) -> dict[str, Decimal]:
    """Validate the amounts of a price of `kind`; returns them rounded to cents."""
    currencies = {event.shop.currency}
    if kind == Price.Kind.FREE:
        return dict.fromkeys(currencies, Decimal("0.00"))
    missing = currencies - set(amounts)
    if missing:
        raise InvalidInput(
            _("Give an amount in %(currencies)s.") % {"currencies": ", ".join(sorted(missing))}
        )
    cleaned = {}
    for currency, amount in amounts.items():
        amount = clean_amount(amount)
        if kind == Price.Kind.PAY_WHAT_YOU_WANT and amount <= PWYW_MINIMUM_FLOOR:
            raise PriceBelowMinimum(
                _("The minimum in %(currency)s must be more than 2.00 (bank fees).")
                % {"currency": currency}
            )
        cleaned[currency] = amount
    return cleaned


@transaction.atomic
def price_create(
    *,
    event: Event,
    actor: User | None,
    zone: Zone,
    name: str,
    kind: str,
    amounts: dict[str, Decimal],
    dates=(),
    **values,
) -> Price:
    shop = event.shop
    if actor is not None:
        require_level(actor, shop.organizer, Level.MANAGE, shop=shop, event_id=event.pk)
    if event.venue_id is None or zone.venue_id != event.venue_id:
        raise PermissionRefused(_("This zone is not in the event's venue."))
    if kind == Price.Kind.PAY_WHAT_YOU_WANT and event.in_lausanne_with_tax:
        raise PayWhatYouWantRefused()
    if not name.strip():
        raise InvalidInput(_("A price needs a name."))
    unknown = set(values) - set(PRICE_FIELDS)
    if unknown:
        raise InvalidInput(f"unknown price fields: {', '.join(sorted(unknown))}")
    check_settings(values)
    cleaned = check_amounts(event=event, kind=kind, amounts=amounts)
    price = Price.objects.create(
        event=event,
        zone=zone,
        name=name.strip(),
        kind=kind,
        position=event.prices.count(),
        **values,
    )
    PriceAmount.objects.bulk_create(
        [PriceAmount(price=price, currency=c, amount=a) for c, a in cleaned.items()]
    )
    if dates:
        if any(d.event_id != event.pk for d in dates):
            raise PermissionRefused()
        price.dates.set(dates)
    audit.record(
        organizer=shop.organizer,
        actor=actor,
        action="price.created",
        target=price,
        shop=shop,
        changes={"kind": kind, "amounts": {c: str(a) for c, a in cleaned.items()}},
    )
    return price
