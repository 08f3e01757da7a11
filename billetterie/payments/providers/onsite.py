from django.utils.translation import gettext_lazy as _

from billetterie.orders.services.checkout import order_reserve
from billetterie.payments.registry import Provider, StartResult, register


@register
class OnSiteProvider(Provider):
    """A reservation: the places are kept until paid at the box office (PAY-8)."""

    identifier = "onsite"
    name = _("Pay on site (reservation)")
    description = _("Your places are reserved; pay at the box office before the show.")

    def is_available(self, order) -> bool:
        return order.total > 0

    def start(self, order) -> StartResult:
        order_reserve(order=order, provider=self.identifier)
        return StartResult(message=str(self.description))
