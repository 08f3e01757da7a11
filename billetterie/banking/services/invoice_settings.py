"""The shop's invoice settings (PAY-5): whether the method is offered, and its deadline
rule, kept as the provider's settings (ShopPaymentMethod.config)."""

from django.db import transaction
from django.db.models import Max

from billetterie.banking.deadlines import DeadlineRule
from billetterie.banking.services.invoices import PROVIDER
from billetterie.core import audit
from billetterie.core.models import Level
from billetterie.core.permissions import require_level
from billetterie.payments import registry
from billetterie.payments.models import ShopPaymentMethod
from billetterie.payments.services import method_configure, shop_methods_set


@transaction.atomic
def invoice_settings_save(*, shop, actor, enabled: bool, rule: DeadlineRule) -> None:
    if actor is not None:
        require_level(actor, shop.organizer, Level.MANAGE, shop=shop)
    before = ShopPaymentMethod.objects.filter(shop=shop, provider=PROVIDER).first()
    old = (before.config if before else {}, bool(before and before.enabled))
    if enabled and not ShopPaymentMethod.objects.filter(shop=shop, enabled=True).exists():
        # the shop used the default methods so far: keep offering them next to invoices
        defaults = [p.identifier for p in registry.all_providers() if p.enabled_by_default]
        shop_methods_set(shop=shop, providers=[*defaults, PROVIDER])
    method = method_configure(
        shop=shop,
        provider_id=PROVIDER,
        values={
            "reminder_days": rule.reminder_days,
            "reminder_count": rule.reminder_count,
            "offer_days_before": rule.offer_days_before,
        },
    )
    if enabled and not method.enabled:
        last = ShopPaymentMethod.objects.filter(shop=shop).aggregate(m=Max("position"))["m"]
        ShopPaymentMethod.objects.filter(pk=method.pk).update(
            enabled=True, position=(last or 0) + 1
        )
    elif not enabled and method.enabled:
        ShopPaymentMethod.objects.filter(pk=method.pk).update(enabled=False)
    method.refresh_from_db()
    new = (method.config, method.enabled)
    if new != old:
        audit.record(
            organizer=shop.organizer,
            actor=actor,
            action="payment_method.invoice_configured",
            target=method,
            shop=shop,
            changes={"config": [old[0], new[0]], "enabled": [old[1], new[1]]},
        )
