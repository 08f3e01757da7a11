"""The buyer's cart key, kept in their session, one per shop."""

from billetterie.core.models import Shop
from billetterie.orders import queries as sales
from billetterie.orders.models import Cart
from billetterie.orders.services import cart as carts


def _session_key(shop: Shop) -> str:
    return f"cart:{shop.pk}"


def cart_of(request, shop: Shop, *, create: bool = False) -> Cart | None:
    """The buyer's cart in this shop; a new one only when `create` (adding tickets), so
    looking at pages never writes a cart row."""
    key = request.session.get(_session_key(shop))
    if not key and not create:
        return None
    cart = carts.cart_for(shop=shop, key=key, language=request.LANGUAGE_CODE)
    if cart.key != key:
        request.session[_session_key(shop)] = cart.key
    return cart


def cart_count(request, shop: Shop) -> int:
    return sales.cart_ticket_count(shop, request.session.get(_session_key(shop)))
