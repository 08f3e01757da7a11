"""Copying an event (CAT-7): everything but the shop-level settings and the dates."""

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from billetterie.catalog.models import (
    Event,
    EventImage,
    OptionGroup,
    Price,
    PriceAmount,
    TicketOption,
)
from billetterie.catalog.signals import price_copied
from billetterie.core import audit
from billetterie.core.exceptions import InvalidInput, PermissionRefused
from billetterie.core.models import Level, Shop, User
from billetterie.core.permissions import require_level

COPIED_FIELDS = [
    "description",
    "venue_id",
    "category",
    "visibility",
    "audience",
    "sale_status",
    "sale_status_label",
    "entertainment_tax",
]


@transaction.atomic
def event_copy(*, event: Event, actor: User | None, target_shop: Shop, name: str) -> Event:
    """A new event in `target_shop` with the same description, venue, prices, options and
    images, and no date (the caller adds the new dates in the same transaction)."""
    source_shop = event.shop
    if target_shop.organizer_id != source_shop.organizer_id:
        raise PermissionRefused()
    if target_shop.is_archived:
        raise InvalidInput(_("This shop is archived: nothing new can be added to it."))
    if actor is not None:
        require_level(actor, source_shop.organizer, Level.VIEW, shop=source_shop, event_id=event.pk)
        require_level(actor, target_shop.organizer, Level.MANAGE, shop=target_shop)
    if not name.strip():
        raise InvalidInput(_("Give the new event a name."))
    currencies = set(
        PriceAmount.objects.filter(price__event=event).values_list("currency", flat=True)
    )
    if currencies - {target_shop.currency}:
        raise InvalidInput(
            _("The prices are in %(source)s but the shop sells in %(target)s.")
            % {"source": ", ".join(sorted(currencies)), "target": target_shop.currency}
        )
    copy = Event.objects.create(
        shop=target_shop,
        name=name.strip(),
        **{field: getattr(event, field) for field in COPIED_FIELDS},
    )
    for price in event.prices.prefetch_related("amounts", "option_groups", "options"):
        new_price = Price.objects.create(
            event=copy,
            zone_id=price.zone_id,
            name=price.name,
            kind=price.kind,
            visibility=price.visibility,
            audience=price.audience,
            max_per_order=price.max_per_order,
            position=price.position,
        )
        PriceAmount.objects.bulk_create(
            [
                PriceAmount(price=new_price, currency=a.currency, amount=a.amount)
                for a in price.amounts.all()
            ]
        )
        groups = {}
        for group in price.option_groups.all():
            groups[group.pk] = OptionGroup.objects.create(
                price=new_price, name=group.name, neutral_label=group.neutral_label
            )
        TicketOption.objects.bulk_create(
            [
                TicketOption(
                    price=new_price, group=groups.get(o.group_id), name=o.name, amount=o.amount
                )
                for o in price.options.all()
            ]
        )
        price_copied.send(sender=Price, source=price, copy=new_price)
    for image in event.images.all():
        clone = EventImage(
            event=copy,
            kind=image.kind,
            position=image.position,
            width=image.width,
            height=image.height,
        )
        with image.file.open("rb") as handle:
            clone.file.save(
                image.file.name.rsplit("/", 1)[-1], ContentFile(handle.read()), save=False
            )
        clone.save()
    audit.record(
        organizer=target_shop.organizer,
        actor=actor,
        action="event.duplicated",
        target=copy,
        shop=target_shop,
        changes={"from": f"{event.name} ({source_shop.name})"},
    )
    return copy
