"""The shop header's account links (SHOP-5)."""

from django import template

from billetterie.shop import account_session

register = template.Library()


@register.simple_tag(takes_context=True)
def shop_logged_in(context, shop) -> bool:
    """Whether the buyer is logged in to the shop's organizer (no query)."""
    return account_session.is_logged_in(context.get("request"), shop.organizer_id)
