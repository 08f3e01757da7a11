"""The cart (SHOP-2): choosing tickets takes the places for a limited time.

Every line owns an inventory hold; removing the line gives the places back. A line whose
hold expired is dropped the next time the cart is read, and the buyer is told.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from billetterie.catalog.models import EventDate, Price, TicketOption, Zone
from billetterie.core.models import Shop
from billetterie.core.money import clean_amount
from billetterie.inventory import services as inventory
from billetterie.inventory.models import Hold
from billetterie.orders.exceptions import AmountBelowMinimum, NotOnSale, TooManyTickets
from billetterie.orders.models import Cart, CartLine
from billetterie.orders.services import promotions
from billetterie.orders.services.sellable import check_sellable_online


def hold_time() -> timedelta:
    return timedelta(seconds=getattr(settings, "BILLETTERIE_CART_HOLD_SECONDS", 15 * 60))


def cart_for(*, shop: Shop, key: str | None, language: str = "fr") -> Cart:
    """The cart with this key in this shop, or a new one (a key from another shop is
    never reused)."""
    if key:
        cart = Cart.objects.filter(shop=shop, key=key).first()
        if cart is not None:
            return cart
    return Cart.objects.create(shop=shop, language=language)


def _unit_amount(*, price: Price, currency: str, amount: Decimal | None) -> Decimal:
    base = price.amounts.filter(currency=currency).values_list("amount", flat=True).first()
    if base is None:
        raise NotOnSale(_("This price has no amount in %(currency)s.") % {"currency": currency})
    if price.kind == Price.Kind.PAY_WHAT_YOU_WANT:
        if amount is None:
            raise AmountBelowMinimum(_("Enter the amount you want to pay."))
        amount = clean_amount(amount)
        if amount < base:
            raise AmountBelowMinimum(
                _("The minimum for this price is %(currency)s %(minimum)s.")
                % {"currency": currency, "minimum": base}
            )
        return amount
    return base


def _chosen_options(price: Price, option_ids) -> list[dict]:
    wanted = {int(i) for i in option_ids or ()}
    options = list(TicketOption.objects.filter(price=price, pk__in=wanted))
    if len(options) != len(wanted):
        raise NotOnSale(_("An option you chose is not available."))
    groups = [o.group_id for o in options if o.group_id]
    if len(groups) != len(set(groups)):
        raise NotOnSale(_("Choose only one option of each group."))
    return [{"id": o.pk, "name": o.name, "amount": str(o.amount)} for o in options]


@transaction.atomic
def cart_add(
    *,
    cart: Cart,
    date: EventDate,
    zone: Zone,
    price: Price,
    quantity: int = 1,
    seat_ids: list[int] | None = None,
    amount: Decimal | None = None,
    option_ids=(),
) -> CartLine:
    """Hold the places and add them to the cart, or refuse with a reason."""
    shop = cart.shop
    if date.event.shop_id != shop.pk:
        raise NotOnSale()
    check_sellable_online(date=date, price=price)
    if seat_ids:
        quantity = len(seat_ids)
    in_cart = sum(
        line.quantity for line in cart.lines.filter(price=price, date=date) if line.hold_id
    )
    if price.max_per_order and in_cart + quantity > price.max_per_order:
        raise TooManyTickets(
            _("At most %(n)s tickets of “%(price)s” per order.")
            % {"n": price.max_per_order, "price": price.name}
        )
    unit = _unit_amount(price=price, currency=shop.currency, amount=amount)
    options = _chosen_options(price, option_ids)
    unit += sum((Decimal(o["amount"]) for o in options), Decimal("0"))
    hold = inventory.hold(
        date=date,
        zone=zone,
        price=price,
        quantity=quantity,
        seat_ids=seat_ids,
        ttl=hold_time(),
        reference=f"cart:{cart.pk}",
    )
    # every line of a cart expires together: adding tickets gives the whole cart more time
    Hold.objects.filter(cart_line__cart=cart, state=Hold.State.ACTIVE).update(
        expires_at=hold.expires_at
    )
    return CartLine.objects.create(
        cart=cart,
        hold=hold,
        date=date,
        zone=zone,
        price=price,
        quantity=quantity,
        unit_amount=max(unit, Decimal("0.00")),
        options=options,
    )


def cart_remove(*, cart: Cart, line_id: int) -> bool:
    line = CartLine.objects.filter(cart=cart, pk=line_id).select_related("hold").first()
    if line is None:
        return False
    with transaction.atomic():
        inventory.release(line.hold)
        line.delete()
    return True


def cart_empty(*, cart: Cart) -> int:
    removed = 0
    for line_id in cart.lines.values_list("pk", flat=True):
        removed += cart_remove(cart=cart, line_id=line_id)
    return removed


def cart_update(*, cart: Cart, line_id: int, quantity: int) -> CartLine | None:
    """Change a free-placement line's quantity: the old places are given back only once the
    new ones are held, so the buyer never loses what they had."""
    line = (
        CartLine.objects.filter(cart=cart, pk=line_id)
        .select_related("hold", "date__event", "zone", "price")
        .first()
    )
    if line is None:
        return None
    if quantity <= 0:
        cart_remove(cart=cart, line_id=line_id)
        return None
    if line.zone.is_numbered:
        raise NotOnSale(_("Numbered seats are changed on the seat map."))
    price = line.price
    others = sum(
        other.quantity
        for other in cart.lines.filter(price=price, date=line.date).exclude(pk=line.pk)
    )
    if price.max_per_order and others + quantity > price.max_per_order:
        raise TooManyTickets(
            _("At most %(n)s tickets of “%(price)s” per order.")
            % {"n": price.max_per_order, "price": price.name}
        )
    with transaction.atomic():
        new_hold = inventory.hold(
            date=line.date,
            zone=line.zone,
            price=line.price,
            quantity=quantity,
            ttl=hold_time(),
            reference=f"cart:{cart.pk}",
        )
        old = line.hold
        line.hold, line.quantity = new_hold, quantity
        line.save(update_fields=["hold", "quantity"])
        inventory.release(old)
    return line


@dataclass
class CartView:
    lines: list[CartLine]
    dropped: list[str]  # descriptions of lines whose hold expired
    total: Decimal  # the lines at their list prices
    expires_at: object | None
    discounts: list = field(default_factory=list)  # promotions.Discount (SHOP-6)
    promo_code: str = ""

    @property
    def discount_total(self) -> Decimal:
        return sum((d.amount for d in self.discounts), Decimal("0.00"))

    @property
    def to_pay(self) -> Decimal:
        """The total after the reductions."""
        return max(self.total - self.discount_total, Decimal("0.00"))


def cart_read(*, cart: Cart) -> CartView:
    """The live lines of the cart; lines whose places went back on sale are removed and
    reported so the buyer can be told."""
    lines = list(cart.lines.select_related("hold", "date__event", "zone", "price").order_by("id"))
    now = timezone.now()
    live, dropped = [], []
    for line in lines:
        hold = line.hold
        gone = hold.state != Hold.State.ACTIVE or (hold.expires_at and hold.expires_at <= now)
        if gone:
            if hold.state == Hold.State.ACTIVE:
                inventory.expire(hold)
            dropped.append(f"{line.quantity} x {line.price.name} — {line.date}")
            line.delete()
        else:
            live.append(line)
    total = sum((line.unit_amount * line.quantity for line in live), Decimal("0.00"))
    expires = min((line.hold.expires_at for line in live if line.hold.expires_at), default=None)
    discounts = (
        promotions.cart_discounts_of(cart=cart, lines=live, total=total, now=now) if live else []
    )
    return CartView(
        lines=live,
        dropped=dropped,
        total=total,
        expires_at=expires,
        discounts=discounts,
        promo_code=cart.promo_code,
    )
