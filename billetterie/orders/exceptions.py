from django.utils.translation import gettext_lazy as _

from billetterie.core.exceptions import DomainError


class NotOnSale(DomainError):
    code = "not_on_sale"
    default_message = _("This is not on sale.")
    http_status = 409


class TooManyTickets(DomainError):
    code = "too_many_tickets"
    default_message = _("Too many tickets of this price in one order.")


class AmountBelowMinimum(DomainError):
    code = "amount_below_minimum"
    default_message = _("The amount is below the minimum of this price.")


class CartEmpty(DomainError):
    code = "cart_empty"
    default_message = _("Your cart is empty.")


class CartExpired(DomainError):
    code = "cart_expired"
    default_message = _(
        "The time to complete your order ran out: the places went back on sale. "
        "Please choose them again."
    )
    http_status = 409


class OrderNotPayable(DomainError):
    code = "order_not_payable"
    default_message = _("This order cannot be paid any more.")
    http_status = 409


class PromotionRefused(DomainError):
    """A promo code that does not apply: unknown, expired, used up or not for this cart."""

    code = "promotion_refused"
    default_message = _("This promo code is not valid.")


class PromotionUsedUp(DomainError):
    code = "promotion_used_up"
    default_message = _(
        "A reduction in your cart was used up meanwhile. Check your cart and order again."
    )
    http_status = 409
