"""Starting payments and recording their outcome (PAY-1, PAY-2)."""

from django.db import transaction

from billetterie.orders.models import Order
from billetterie.payments import registry
from billetterie.payments.exceptions import MethodUnavailable
from billetterie.payments.models import ShopPaymentMethod

# the built-in providers register on import
from billetterie.payments.providers import counter, free, onsite, testcard  # noqa: F401


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
