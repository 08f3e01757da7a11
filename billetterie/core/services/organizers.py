"""Creating and changing organizers and shops."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from billetterie.core import audit
from billetterie.core.exceptions import InvalidInput
from billetterie.core.models import (
    DisplayMode,
    Grant,
    Level,
    Organizer,
    Shop,
    User,
    default_display_modes,
)
from billetterie.core.permissions import require_level

# first path segments used by the app itself: an organizer's public address cannot be one
RESERVED_SLUGS = {
    "account",
    "api",
    "backoffice",
    "healthz",
    "i18n",
    "media",
    "order",
    "pay",
    "platform-admin",
    "static",
    "scanner",
    "boxoffice",
}

SHOP_FIELDS = [
    "name",
    "slug",
    "currency",
    "time_zone",
    "languages",
    "default_language",
    "show_remaining_places",
    "display_modes",
    "default_display_mode",
]


def _unique_slug(base: str, taken) -> str:
    root = slugify(base)[:50] or "x"
    slug, n = root, 2
    while taken(slug):
        slug = f"{root}-{n}"
        n += 1
    return slug


@transaction.atomic
def organizer_create(*, name: str, slug: str = "", owner: User | None = None) -> Organizer:
    """A new organizer; `owner` gets the manage level on all of it."""
    name = name.strip()
    if not name:
        raise InvalidInput(_("An organizer needs a name."))
    if slug in RESERVED_SLUGS:
        raise InvalidInput(_("The short name “%(slug)s” is reserved.") % {"slug": slug})
    if slug and Organizer.objects.filter(slug=slug).exists():
        raise InvalidInput(_("The short name “%(slug)s” is already taken.") % {"slug": slug})
    slug = slug or _unique_slug(
        name, lambda s: s in RESERVED_SLUGS or Organizer.objects.filter(slug=s).exists()
    )
    organizer = Organizer.objects.create(name=name, slug=slug)
    if owner is not None:
        Grant.objects.create(organizer=organizer, user=owner, level=Level.MANAGE, created_by=owner)
    audit.record(organizer=organizer, actor=owner, action="organizer.created", target=organizer)
    return organizer


def _validated_shop(shop: Shop) -> Shop:
    try:
        shop.full_clean(exclude=["organizer"])
    except ValidationError as error:
        raise InvalidInput("; ".join(error.messages)) from error
    return shop


@transaction.atomic
def shop_create(
    *,
    organizer: Organizer,
    actor: User | None,
    name: str,
    currency: str = "CHF",
    time_zone: str = "Europe/Zurich",
    languages: list[str] | None = None,
    default_language: str = "",
    slug: str = "",
    show_remaining_places: bool = False,
    display_modes: list[str] | None = None,
    default_display_mode: str = DisplayMode.LIST,
) -> Shop:
    if actor is not None:
        require_level(actor, organizer, Level.MANAGE)
    languages = languages or ["fr", "en"]
    slug = slug or _unique_slug(name, lambda s: organizer.shops.filter(slug=s).exists())
    shop = _validated_shop(
        Shop(
            organizer=organizer,
            name=name.strip(),
            slug=slug,
            currency=currency,
            time_zone=time_zone,
            languages=languages,
            default_language=default_language or languages[0],
            show_remaining_places=show_remaining_places,
            display_modes=default_display_modes() if display_modes is None else display_modes,
            default_display_mode=default_display_mode,
        )
    )
    shop.save()
    audit.record(organizer=organizer, actor=actor, action="shop.created", target=shop, shop=shop)
    return shop


@transaction.atomic
def shop_update(*, shop: Shop, actor: User, **values) -> Shop:
    require_level(actor, shop.organizer, Level.MANAGE, shop=shop)
    unknown = set(values) - set(SHOP_FIELDS)
    if unknown:
        raise InvalidInput(f"unknown shop fields: {', '.join(sorted(unknown))}")
    changes = audit.diff(shop, SHOP_FIELDS, values)
    for field, value in values.items():
        setattr(shop, field, value)
    _validated_shop(shop).save()
    if changes:
        audit.record(
            organizer=shop.organizer,
            actor=actor,
            action="shop.changed",
            target=shop,
            shop=shop,
            changes=changes,
        )
    return shop
