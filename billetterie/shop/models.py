"""Settings of the public shop that only the storefront uses."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from billetterie.core.models import Shop


class ShopTracking(models.Model):
    """The organizer's tracking code (SHOP-8): HTML put in the <head> of the shop's pages,
    and the extra sources the shop's Content-Security-Policy allows for it.

    Each list holds CSP source expressions already checked by `tracking_update`
    (https:// addresses, or https://*.host wildcards); nothing else is ever loosened.
    """

    shop = models.OneToOneField(Shop, on_delete=models.CASCADE, related_name="tracking")
    head_code = models.TextField(_("code in the head of the shop pages"), blank=True)
    extra_script_src = models.JSONField(_("extra script sources"), default=list, blank=True)
    extra_img_src = models.JSONField(_("extra image sources"), default=list, blank=True)
    extra_connect_src = models.JSONField(_("extra connection sources"), default=list, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.shop} tracking"

    @property
    def is_on(self) -> bool:
        """Events are only worth sending when some code listens to them."""
        return bool(self.head_code.strip())
