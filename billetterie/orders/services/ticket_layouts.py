"""A shop's ticket layout and template (PRN-1, PRN-2), and previews of its tickets.

Writes are one transaction each, checked against the actor's level (MANAGE on the shop) and
written to the audit log. A stored template file is removed only once the transaction that
drops its row commits, so a rollback never leaves a row pointing at a missing file, and a
file written by a transaction that then fails is removed at once.
"""

import secrets
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from billetterie.core import audit
from billetterie.core.exceptions import InvalidInput
from billetterie.core.models import Level, Shop, User
from billetterie.core.money import format_money
from billetterie.core.permissions import require_level
from billetterie.documents.images import MAX_UPLOAD_BYTES, template_image_clean, too_large
from billetterie.documents.layouts import LAYOUTS, TicketData
from billetterie.documents.layouts.template import HEIGHT_PX, WIDTH_PX
from billetterie.orders.ticket_documents import render_shop_tickets
from billetterie.orders.ticket_layout_models import (
    DEFAULT_LAYOUT,
    ShopTicketLayout,
    TicketTemplate,
)

MAX_NAME = 120


def _check(actor: User | None, shop: Shop) -> None:
    if actor is not None:
        require_level(actor, shop.organizer, Level.MANAGE, shop=shop)


@transaction.atomic
def ticket_template_upload(*, shop: Shop, actor: User | None, name: str, upload) -> TicketTemplate:
    """Store `upload` as the shop's ticket template, replacing the current one."""
    _check(actor, shop)
    name = " ".join((name or "").split())
    if not name:
        raise InvalidInput(_("Give the template a name."), code="template_name")
    if len(name) > MAX_NAME:
        raise InvalidInput(
            _("The name is too long (at most %(n)s characters).") % {"n": MAX_NAME},
            code="template_name",
        )
    content = template_image_clean(_read(upload))
    old = TicketTemplate.objects.select_for_update().filter(shop=shop).first()
    template = old or TicketTemplate(shop=shop)
    old_file = old.image.name if old else ""
    template.name = name
    template.width, template.height = WIDTH_PX, HEIGHT_PX
    template.uploaded_at = timezone.now()
    template.uploaded_by = actor if actor is not None and actor.pk else None
    template.image.save(f"{secrets.token_hex(12)}.jpg", ContentFile(content), save=False)
    stored = template.image.name
    try:
        template.save()
        audit.record(
            organizer=shop.organizer,
            actor=actor,
            action="ticket_template.replaced" if old else "ticket_template.uploaded",
            target=template,
            shop=shop,
            changes={"name": name},
        )
    except BaseException:
        template.image.storage.delete(stored)
        raise
    if old_file:
        _delete_after_commit(template.image.storage, old_file)
    return template


@transaction.atomic
def ticket_template_delete(*, shop: Shop, actor: User | None) -> bool:
    """Remove the shop's template; a shop whose tickets used it goes back to A4. Returns
    whether the layout changed because of it."""
    _check(actor, shop)
    template = TicketTemplate.objects.select_for_update().filter(shop=shop).first()
    if template is None:
        raise InvalidInput(_("This shop has no ticket template."), code="no_template")
    switched = ShopTicketLayout.objects.filter(shop=shop, layout="template").update(
        layout=DEFAULT_LAYOUT, updated_at=timezone.now()
    )
    audit.record(
        organizer=shop.organizer,
        actor=actor,
        action="ticket_template.deleted",
        target=template,
        shop=shop,
        changes={"layout": ["template", DEFAULT_LAYOUT]} if switched else {},
    )
    _delete_after_commit(template.image.storage, template.image.name)
    template.delete()
    return bool(switched)


@transaction.atomic
def ticket_layout_set(*, shop: Shop, actor: User | None, layout: str) -> ShopTicketLayout:
    """Choose the layout of the tickets the shop sends."""
    _check(actor, shop)
    allowed = {key for key, cls in LAYOUTS.items() if cls.for_e_tickets}
    if layout not in allowed:
        raise InvalidInput(_("Choose one of the ticket layouts offered."), code="layout")
    if layout == "template" and not TicketTemplate.objects.filter(shop=shop).exists():
        raise InvalidInput(
            _("Upload your ticket template first: this layout prints on it."), code="no_template"
        )
    choice, _created = ShopTicketLayout.objects.select_for_update().get_or_create(shop=shop)
    before = choice.layout if not _created else DEFAULT_LAYOUT
    choice.layout = layout
    choice.updated_at = timezone.now()
    choice.save()
    if before != layout:
        audit.record(
            organizer=shop.organizer,
            actor=actor,
            action="ticket_layout.changed",
            target=shop,
            shop=shop,
            changes={"layout": [before, layout]},
        )
    return choice


def _read(upload) -> bytes:
    """The upload's bytes, refused unread beyond 10 MB (never all of a huge file)."""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise too_large()
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise too_large()
    return data


def _delete_after_commit(storage, name: str) -> None:
    transaction.on_commit(lambda: storage.delete(name))


# --- previews -------------------------------------------------------------------------------


SAMPLE_SECRETS = ("SAMPLE-3Fq9LmZ2vB7nR4tW8yC1dHa0", "SAMPLE-Ue8sPq0ZxW2mN5bR7vK3jL9a")


def sample_tickets(language: str, currency: str = "CHF") -> list[TicketData]:
    """Two made-up tickets to preview a layout: a seated one and a standing one, with the
    accents and long words real ones have. Their QR codes admit nobody."""
    with override(language):
        return [
            TicketData(
                secret=SAMPLE_SECRETS[0],
                event_name=_("Sample concert: Fête de la musique, Chœur et Orchestre"),
                date_text=_("Saturday 14 March 2026, 20:00"),
                venue_text="Théâtre du Léman, Quai du Mont-Blanc 19, 1201 Genève",
                zone_name=_("Stalls"),
                seat_text=_("Row %(row)s, seat %(number)s") % {"row": "C", "number": "12"},
                price_name=_("Full price"),
                amount_text=format_money(Decimal("45.00"), currency),
                holder_name="Françoise Müller-Groß",
                order_number="000042",
                organizer_name="Association Œuvre & Cœur",
                options=[_("Printed programme")],
            ),
            TicketData(
                secret=SAMPLE_SECRETS[1],
                event_name=_("Sample concert: Fête de la musique, Chœur et Orchestre"),
                date_text=_("Saturday 14 March 2026, 20:00"),
                venue_text="Théâtre du Léman, Quai du Mont-Blanc 19, 1201 Genève",
                zone_name=_("Standing"),
                seat_text="",
                price_name=_("Reduced price"),
                amount_text=format_money(Decimal("25.00"), currency),
                holder_name="Zoé Garçon",
                order_number="000042",
                organizer_name="Association Œuvre & Cœur",
            ),
        ]


def sample_tickets_pdf(*, shop: Shop, language: str, layout: str | None = None) -> bytes:
    """A preview of the shop's tickets in `layout` (by default the shop's own)."""
    if layout is not None and layout not in LAYOUTS:
        raise InvalidInput(_("Choose one of the ticket layouts offered."), code="layout")
    return render_shop_tickets(
        shop=shop,
        tickets=sample_tickets(language, shop.currency),
        language=language,
        layout=layout,
    )
