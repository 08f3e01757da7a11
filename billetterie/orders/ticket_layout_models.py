"""A shop's choice of ticket layout and its ticket template (PRN-1, PRN-2).

The renderers of `documents` take plain data; these two small settings rows only say which
layout a shop's e-tickets use and which background its `template` layout prints. They are
orders' models (imported by orders/models.py) because orders renders an order's tickets.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from billetterie.core.models import Shop
from billetterie.documents.layouts import e_ticket_layouts

DEFAULT_LAYOUT = "a4"


def e_ticket_layout_choices() -> list[tuple[str, str]]:
    return [(layout.key, layout.label) for layout in e_ticket_layouts()]


class ShopTicketLayout(models.Model):
    """The layout of the tickets a shop sends (PDF attached to the confirmation email and
    downloaded from the order page). A shop without this row uses A4."""

    shop = models.OneToOneField(Shop, on_delete=models.CASCADE, related_name="ticket_layout")
    layout = models.CharField(
        _("ticket layout"), max_length=20, choices=e_ticket_layout_choices, default=DEFAULT_LAYOUT
    )
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.shop}: {self.layout}"


def ticket_template_path(instance, filename: str) -> str:
    return f"ticket-templates/{instance.shop.organizer_id}/{instance.shop_id}/{filename}"


class TicketTemplate(models.Model):
    """A shop's ticket template (PRN-2): its 2480 x 1169 px background, re-encoded as JPEG
    in the default storage. One per shop; uploading another replaces it."""

    shop = models.OneToOneField(Shop, on_delete=models.CASCADE, related_name="ticket_template")
    name = models.CharField(_("name"), max_length=120)
    image = models.FileField(upload_to=ticket_template_path, max_length=255)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    uploaded_at = models.DateTimeField(default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return self.name
