"""Reads of a shop's ticket layout and template (PRN-1, PRN-2). Every helper starts from the
shop of the request, so nothing of another organizer is ever reached."""

import logging

from billetterie.core.models import Shop
from billetterie.orders.ticket_layout_models import (
    DEFAULT_LAYOUT,
    ShopTicketLayout,
    TicketTemplate,
)

logger = logging.getLogger(__name__)


def ticket_layout_of(shop: Shop) -> str:
    choice = ShopTicketLayout.objects.filter(shop=shop).values_list("layout", flat=True).first()
    return choice or DEFAULT_LAYOUT


def ticket_template_of(shop: Shop) -> TicketTemplate | None:
    return TicketTemplate.objects.filter(shop=shop).select_related("uploaded_by").first()


def template_background(shop: Shop) -> bytes | None:
    """The shop's template image, or None (no template, or its file is gone)."""
    template = TicketTemplate.objects.filter(shop=shop).first()
    if template is None:
        return None
    try:
        with template.image.open("rb") as handle:
            return handle.read()
    except (FileNotFoundError, OSError):
        logger.warning("ticket template file missing: %s", template.image.name)
        return None
