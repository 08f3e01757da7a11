"""Starting payments and recording their outcome (PAY-1, PAY-2); the shops' provider
settings with their secrets sealed at rest."""

import json

from django.db import transaction

from billetterie.core.secretbox import seal, unseal
from billetterie.orders.models import Order
from billetterie.payments import registry
from billetterie.payments.exceptions import MethodUnavailable
from billetterie.payments.models import ShopPaymentMethod
from billetterie.payments.provider_settings import SECRETS_PURPOSE as _SECRETS_PURPOSE
from billetterie.payments.provider_settings import provider_settings

# the built-in providers register on import
from billetterie.payments.providers import counter, free, onsite, stripe, testcard  # noqa: F401


def methods_for(order: Order) -> list[registry.Provider]:
    """Providers the buyer may choose for this order, in the shop's order."""
    configured = list(ShopPaymentMethod.objects.filter(shop=order.shop, enabled=True))
    if configured:
        providers = [registry.get(m.provider) for m in configured]
    else:
        providers = [p for p in registry.all_providers() if p.enabled_by_default]
    return [p for p in providers if p is not None and p.is_available(order)]


def payment_start(*, order: Order, provider_id: str) -> registry.StartResult:
    if order.state != Order.State.PENDING:
        raise MethodUnavailable()
    provider = next((p for p in methods_for(order) if p.identifier == provider_id), None)
    if provider is None:
        raise MethodUnavailable()
    Order.objects.filter(pk=order.pk).update(payment_method=provider_id)
    return provider.start(order)


@transaction.atomic
def shop_methods_set(*, shop, providers: list[str]) -> None:
    """Enable exactly these providers for the shop, in this order."""
    known = {p.identifier for p in registry.all_providers()}
    ShopPaymentMethod.objects.filter(shop=shop).exclude(provider__in=providers).delete()
    for position, identifier in enumerate(p for p in providers if p in known):
        ShopPaymentMethod.objects.update_or_create(
            shop=shop, provider=identifier, defaults={"enabled": True, "position": position}
        )


def method_settings(*, shop, provider_id: str) -> dict:
    """The shop's settings for one provider, secrets opened (for the provider's own use,
    never for a page)."""
    return provider_settings(shop=shop, provider_id=provider_id)


@transaction.atomic
def method_configure(*, shop, provider_id: str, values: dict) -> ShopPaymentMethod:
    """Store cleaned settings for a provider: the secret ones sealed; an empty secret keeps
    the one already stored, so a settings page never has to show it back."""
    provider = registry.get(provider_id)
    if provider is None:
        raise MethodUnavailable()
    method, _created = ShopPaymentMethod.objects.select_for_update().get_or_create(
        shop=shop, provider=provider_id, defaults={"enabled": False}
    )
    stored = json.loads(unseal(method.secrets, purpose=_SECRETS_PURPOSE)) if method.secrets else {}
    config = {}
    for key, value in values.items():
        if key in provider.secret_fields:
            if value not in (None, ""):
                stored[key] = value
        else:
            config[key] = value
    method.config = config
    method.secrets = seal(json.dumps(stored).encode(), purpose=_SECRETS_PURPOSE) if stored else ""
    method.save(update_fields=["config", "secrets"])
    return method


def method_has_secret(*, shop, provider_id: str, field: str) -> bool:
    """Whether a secret is stored, so a page can say "set" without showing it."""
    return field in method_settings(shop=shop, provider_id=provider_id)
