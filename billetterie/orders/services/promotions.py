"""Promotions (SHOP-6): managing them (MANAGE on the shop, audited), applying a promo code
to a cart (rate-limited), and the pricing rule.

The rule: the best single automatic reduction plus the reduction of the cart's code. A
percent applies to the amount of the lines it targets; a fixed amount applies once per
order, capped by the targeted amount. Reductions never make a line negative. Tickets keep
their list prices: the reductions are stored on the order.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from billetterie.core import audit, ratelimit
from billetterie.core.exceptions import InvalidInput
from billetterie.core.models import Level, Shop, User
from billetterie.core.permissions import require_level
from billetterie.orders.exceptions import PromotionRefused, PromotionUsedUp
from billetterie.orders.models import Cart
from billetterie.orders.promotion_models import Promotion, normalize_code

CODE_ATTEMPTS = 10
CODE_WINDOW = 15 * 60
CENT = Decimal("0.01")
ZERO = Decimal("0.00")


# --- pricing ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Discount:
    promotion: Promotion
    amount: Decimal

    def as_dict(self) -> dict:
        return {
            "promotion": self.promotion.pk,
            "name": self.promotion.name,
            "amount": str(self.amount),
        }


def _targets(promotion: Promotion) -> tuple[set[int], set[int]]:
    return (
        {e.pk for e in promotion.events.all()},
        {p.pk for p in promotion.prices.all()},
    )


def _targeted(promotion: Promotion, lines) -> list:
    events, prices = _targets(promotion)
    if not events and not prices:
        return list(lines)
    return [line for line in lines if line.date.event_id in events or line.price_id in prices]


def _amount(line) -> Decimal:
    return line.unit_amount * line.quantity


def _reduction(promotion: Promotion, lines, left: dict) -> Decimal:
    """What the promotion takes off these lines given what is `left` of each line (not
    applied): 0 when it does not apply."""
    targeted = _targeted(promotion, lines)
    if sum(line.quantity for line in targeted) < max(promotion.min_tickets, 1):
        return ZERO
    room = sum((left[line.pk] for line in targeted), ZERO)
    base = sum((_amount(line) for line in targeted), ZERO)
    if promotion.reduction == Promotion.Reduction.PERCENT:
        wanted = (base * promotion.value / 100).quantize(CENT, ROUND_HALF_UP)
    else:
        wanted = promotion.value
    return max(min(wanted, room), ZERO)


def _take(promotion: Promotion, lines, left: dict, amount: Decimal) -> None:
    for line in _targeted(promotion, lines):
        taken = min(left[line.pk], amount)
        left[line.pk] -= taken
        amount -= taken


def cart_discounts(cart_view, promotions, now) -> list[Discount]:
    """The reductions of a cart: the best valid automatic promotion, then the code's (any
    CODE promotion given is taken as the cart's code). Pure: reads nothing but its
    arguments (and the promotions' targets)."""
    lines = list(cart_view.lines)
    left = {line.pk: _amount(line) for line in lines}
    valid = [p for p in promotions if p.is_valid_at(now)]
    discounts = []
    automatic = [
        (amount, p)
        for p in valid
        if p.kind == Promotion.Kind.AUTOMATIC and (amount := _reduction(p, lines, left)) > ZERO
    ]
    if automatic:
        amount, best = max(automatic, key=lambda pair: (pair[0], -pair[1].pk))
        _take(best, lines, left, amount)
        discounts.append(Discount(best, amount))
    for promotion in valid:
        if promotion.kind == Promotion.Kind.CODE:
            amount = _reduction(promotion, lines, left)
            if amount > ZERO:
                _take(promotion, lines, left, amount)
                discounts.append(Discount(promotion, amount))
            break
    return discounts


def promotions_for_cart(cart: Cart) -> list[Promotion]:
    """The shop's automatic promotions and the cart's code, with their targets."""
    automatic = Promotion.objects.filter(
        shop_id=cart.shop_id, kind=Promotion.Kind.AUTOMATIC, active=True
    )
    found = list(automatic.prefetch_related("events", "prices"))
    if cart.promo_code:
        found += list(
            Promotion.objects.filter(
                shop_id=cart.shop_id, kind=Promotion.Kind.CODE, code=cart.promo_code
            ).prefetch_related("events", "prices")
        )
    return found


def cart_discounts_of(*, cart: Cart, lines, total, now) -> list[Discount]:
    """cart_discounts for a cart's live lines, with the shop's promotions."""
    from types import SimpleNamespace

    view = SimpleNamespace(lines=lines, total=total)
    return cart_discounts(view, promotions_for_cart(cart), now)


def promotions_consume(discounts: list[Discount]) -> None:
    """Count one use of each applied promotion, refusing if one was used up meanwhile.
    Call inside the transaction that places the order."""
    for discount in discounts:
        updated = (
            Promotion.objects.filter(pk=discount.promotion.pk)
            .exclude(max_uses__isnull=False, uses__gte=F("max_uses"))
            .update(uses=F("uses") + 1)
        )
        if not updated:
            raise PromotionUsedUp()


# --- the buyer's code ------------------------------------------------------------------------
def cart_apply_code(*, cart: Cart, code: str, client_ip: str) -> Promotion:
    """Put a promo code on the cart, or refuse with the reason. Wrong codes count against
    the buyer's address and the cart: past the limit even a right code is refused."""
    ratelimit.check("promo-ip", client_ip, limit=CODE_ATTEMPTS)
    ratelimit.check("promo-cart", cart.key, limit=CODE_ATTEMPTS)
    try:
        promotion = _usable_code(cart, normalize_code(code))
    except PromotionRefused:
        ratelimit.hit("promo-ip", client_ip, limit=CODE_ATTEMPTS, window=CODE_WINDOW)
        ratelimit.hit("promo-cart", cart.key, limit=CODE_ATTEMPTS, window=CODE_WINDOW)
        raise
    Cart.objects.filter(pk=cart.pk).update(promo_code=promotion.code)
    cart.promo_code = promotion.code
    return promotion


def _usable_code(cart: Cart, code: str) -> Promotion:
    from billetterie.orders.services.cart import cart_read

    promotion = None
    if code:
        promotion = (
            Promotion.objects.filter(shop_id=cart.shop_id, kind=Promotion.Kind.CODE, code=code)
            .prefetch_related("events", "prices")
            .first()
        )
    if promotion is None or not promotion.active:
        raise PromotionRefused(_("This promo code does not exist."))
    now = timezone.now()
    if (promotion.valid_from and now < promotion.valid_from) or (
        promotion.valid_until and now > promotion.valid_until
    ):
        raise PromotionRefused(_("This promo code is not valid at this time."))
    if promotion.used_up:
        raise PromotionRefused(_("This promo code was used up."))
    view = cart_read(cart=cart)
    lines = view.lines
    left = {line.pk: _amount(line) for line in lines}
    if _reduction(promotion, lines, left) <= ZERO:
        raise PromotionRefused(_("This promo code does not apply to the tickets in your cart."))
    return promotion


def cart_remove_code(*, cart: Cart) -> None:
    Cart.objects.filter(pk=cart.pk).update(promo_code="")
    cart.promo_code = ""


# --- management (back office) ----------------------------------------------------------------
FIELDS = [
    "name",
    "kind",
    "code",
    "reduction",
    "value",
    "min_tickets",
    "valid_from",
    "valid_until",
    "max_uses",
    "active",
]


def _may_manage(actor: User | None, shop: Shop) -> None:
    if actor is not None:
        require_level(actor, shop.organizer, Level.MANAGE, shop=shop)


def _clean(shop: Shop, values: dict, *, exclude_pk=None) -> dict:
    values = {key: values[key] for key in FIELDS if key in values}
    values["name"] = (values.get("name") or "").strip()
    if not values["name"]:
        raise InvalidInput(_("Give the promotion a name."))
    kind = values.get("kind", Promotion.Kind.CODE)
    if kind not in Promotion.Kind.values:
        raise InvalidInput()
    if values.get("reduction") not in Promotion.Reduction.values:
        raise InvalidInput(_("Choose a fixed or a percent reduction."))
    value = Decimal(str(values.get("value") or 0))
    if value <= 0 or (values["reduction"] == Promotion.Reduction.PERCENT and value > 100):
        raise InvalidInput(_("A percent is more than 0 and at most 100; an amount is above 0."))
    values["value"] = value.quantize(CENT)
    if kind == Promotion.Kind.CODE:
        values["code"] = normalize_code(values.get("code", ""))
        if not values["code"]:
            raise InvalidInput(_("A promo code needs a code."))
        taken = Promotion.objects.filter(shop=shop, kind=kind, code=values["code"])
        if taken.exclude(pk=exclude_pk).exists():
            raise InvalidInput(_("This shop already has this code."))
    else:
        values["code"] = ""
    values["min_tickets"] = max(int(values.get("min_tickets") or 1), 1)
    start, end = values.get("valid_from"), values.get("valid_until")
    if start and end and end < start:
        raise InvalidInput(_("The end of validity is before its start."))
    return values


def _set_targets(promotion: Promotion, shop: Shop, events, prices) -> None:
    events, prices = list(events or ()), list(prices or ())
    if any(e.shop_id != shop.pk for e in events) or any(p.event.shop_id != shop.pk for p in prices):
        raise InvalidInput(_("Target only events and prices of this shop."))
    promotion.events.set(events)
    promotion.prices.set(prices)


@transaction.atomic
def promotion_create(
    *, shop: Shop, actor: User | None, events=(), prices=(), **values
) -> Promotion:
    _may_manage(actor, shop)
    promotion = Promotion.objects.create(shop=shop, **_clean(shop, values))
    _set_targets(promotion, shop, events, prices)
    audit.record(
        organizer=shop.organizer,
        actor=actor,
        action="promotion.create",
        target=promotion,
        shop=shop,
        changes={"kind": promotion.kind, "value": str(promotion.value)},
    )
    return promotion


@transaction.atomic
def promotion_update(
    *, promotion: Promotion, actor: User | None, events=(), prices=(), **values
) -> Promotion:
    shop = promotion.shop
    _may_manage(actor, shop)
    values = _clean(shop, values, exclude_pk=promotion.pk)
    changes = audit.diff(promotion, list(values), values)
    for key, value in values.items():
        setattr(promotion, key, value)
    promotion.save()
    _set_targets(promotion, shop, events, prices)
    audit.record(
        organizer=shop.organizer,
        actor=actor,
        action="promotion.update",
        target=promotion,
        shop=shop,
        changes=changes,
    )
    return promotion


@transaction.atomic
def promotion_delete(*, promotion: Promotion, actor: User | None) -> None:
    shop = promotion.shop
    _may_manage(actor, shop)
    audit.record(
        organizer=shop.organizer,
        actor=actor,
        action="promotion.delete",
        target=promotion,
        shop=shop,
    )
    promotion.delete()
