"""Reading a shop's settings for one provider, secrets opened.

Below `services` so that a provider module (which `services` imports to register it) can
read its shop's keys without importing `services` back.
"""

import json

from billetterie.core.secretbox import unseal
from billetterie.payments.models import ShopPaymentMethod

SECRETS_PURPOSE = b"billetterie payment provider secrets v1"


def provider_settings(*, shop, provider_id: str) -> dict:
    """The shop's settings for one provider, secrets opened (for the provider's own use,
    never for a page)."""
    method = ShopPaymentMethod.objects.filter(shop=shop, provider=provider_id).first()
    if method is None:
        return {}
    values = dict(method.config)
    if method.secrets:
        values.update(json.loads(unseal(method.secrets, purpose=SECRETS_PURPOSE)))
    return values
