"""Signed ticket codes per shop and their Ed25519 keys (see codes.py for the format).

Turning signed codes on gives the shop its first key. Rotating makes a new key the active
one (it signs codes from now on); the previous keys stay, inactive, and keep verifying the
codes they signed, so tickets already sent stay valid. Turning signed codes off makes new
QR codes hold the secret again; signed codes already printed keep working.
"""

from django.db import transaction
from django.utils import timezone

from billetterie.checkin import keystore
from billetterie.checkin.models import ShopCheckinSettings, SigningKey
from billetterie.core import audit
from billetterie.core.models import Level, Shop
from billetterie.core.permissions import require_level


def checkin_settings_of(shop: Shop) -> ShopCheckinSettings:
    """The shop's check-in settings (defaults when never saved; nothing is written)."""
    return ShopCheckinSettings.objects.filter(shop=shop).first() or ShopCheckinSettings(shop=shop)


def _locked_settings(shop: Shop) -> ShopCheckinSettings:
    ShopCheckinSettings.objects.get_or_create(shop=shop)
    return ShopCheckinSettings.objects.select_for_update().get(shop=shop)


def _key_create(shop: Shop) -> SigningKey:
    public, encrypted = keystore.new_key_pair()
    return SigningKey.objects.create(
        shop=shop, public_key=public, private_key_encrypted=encrypted, is_active=True
    )


@transaction.atomic
def signed_codes_set(*, shop: Shop, enabled: bool, actor) -> ShopCheckinSettings:
    if actor is not None:
        require_level(actor, shop.organizer, Level.MANAGE, shop=shop)
    settings = _locked_settings(shop)
    before = settings.signed_codes
    if enabled and not SigningKey.objects.filter(shop=shop, is_active=True).exists():
        _key_create(shop)
    settings.signed_codes = bool(enabled)
    settings.updated_at = timezone.now()
    settings.save(update_fields=["signed_codes", "updated_at"])
    if before != settings.signed_codes:
        audit.record(
            organizer=shop.organizer,
            actor=actor,
            action="checkin.signed_codes",
            target=shop,
            shop=shop,
            changes={"signed_codes": [before, settings.signed_codes]},
        )
    return settings


@transaction.atomic
def signing_key_rotate(*, shop: Shop, actor) -> SigningKey:
    """A new active key for the shop; the old ones keep verifying what they signed."""
    if actor is not None:
        require_level(actor, shop.organizer, Level.MANAGE, shop=shop)
    _locked_settings(shop)  # two managers rotating at once take turns here
    SigningKey.objects.filter(shop=shop, is_active=True).update(
        is_active=False, retired_at=timezone.now()
    )
    key = _key_create(shop)
    audit.record(
        organizer=shop.organizer,
        actor=actor,
        action="checkin.key_rotated",
        target=shop,
        shop=shop,
        changes={"key": key.pk},
    )
    return key


def public_keys_of(shop_ids) -> list[SigningKey]:
    """Every key (active or retired) of these shops, without the private part."""
    return list(
        SigningKey.objects.filter(shop_id__in=list(shop_ids))
        .defer("private_key_encrypted")
        .order_by("shop_id", "pk")
    )
