"""Event images: one portrait, one landscape, up to 4 gallery images (CAT-6)."""

import secrets

from django.db import transaction
from django.utils.translation import gettext as _

from billetterie.catalog.images import reencode
from billetterie.catalog.models import Event, EventImage
from billetterie.core import audit
from billetterie.core.exceptions import InvalidInput
from billetterie.core.models import Level, User
from billetterie.core.permissions import require_level

GALLERY_LIMIT = 4


@transaction.atomic
def image_upload(*, event: Event, actor: User | None, kind: str, upload) -> EventImage:
    shop = event.shop
    if actor is not None:
        require_level(actor, shop.organizer, Level.MANAGE, shop=shop, event_id=event.pk)
    if kind not in EventImage.Kind.values:
        raise InvalidInput(_("Unknown image kind."))
    if kind == EventImage.Kind.GALLERY and event.images.filter(kind=kind).count() >= GALLERY_LIMIT:
        raise InvalidInput(_("The gallery holds at most 4 images. Remove one first."))
    content, extension, (width, height) = reencode(upload, kind=kind)
    if kind != EventImage.Kind.GALLERY:
        for old in event.images.filter(kind=kind):
            _delete_file_after_commit(old)
            old.delete()
    image = EventImage(
        event=event,
        kind=kind,
        position=event.images.filter(kind=kind).count(),
        width=width,
        height=height,
    )
    image.file.save(f"{kind}-{secrets.token_hex(8)}.{extension}", content, save=False)
    image.save()
    audit.record(
        organizer=shop.organizer,
        actor=actor,
        action="image.uploaded",
        target=event,
        shop=shop,
        changes={"kind": kind},
    )
    return image


@transaction.atomic
def image_delete(*, image: EventImage, actor: User | None) -> None:
    event = image.event
    if actor is not None:
        require_level(actor, event.shop.organizer, Level.MANAGE, shop=event.shop, event_id=event.pk)
    audit.record(
        organizer=event.shop.organizer,
        actor=actor,
        action="image.deleted",
        target=event,
        shop=event.shop,
        changes={"kind": image.kind},
    )
    _delete_file_after_commit(image)
    image.delete()


def _delete_file_after_commit(image: EventImage) -> None:
    """Remove the stored file only once the row's deletion is committed: a rollback must
    not leave an event pointing at a missing picture."""
    storage, name = image.file.storage, image.file.name
    transaction.on_commit(lambda: storage.delete(name))


def missing_portrait(event: Event) -> bool:
    """The portrait is mandatory before the event goes on sale in the shop."""
    return not event.images.filter(kind=EventImage.Kind.PORTRAIT).exists()
