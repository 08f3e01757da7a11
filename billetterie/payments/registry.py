"""Payment providers register themselves here; shops enable some of them (PAY-1).

Lower apps (vouchers, banking) add their own provider the same way, so payments never
imports them.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class StartResult:
    """What the buyer sees next: a redirect (hosted page) or the order page."""

    redirect_url: str = ""
    message: str = ""


class Provider:
    identifier = ""
    name = _("Payment")
    description = ""
    enabled_by_default = False
    handles_card_data = False  # never run the organizer's tracking code on its pages
    # The shop's settings for this provider: a django.forms.Form class (or None). Values of
    # the fields named in secret_fields are sealed at rest and never rendered back; an
    # empty secret field on save keeps the stored value.
    settings_form = None
    secret_fields: tuple[str, ...] = ()
    # Money back to the buyer through the provider itself (PAY-10); otherwise refunds of
    # its payments are recorded as manual bank transfers.
    supports_refund = False

    def is_available(self, order) -> bool:
        return True

    def start(self, order) -> StartResult:  # pragma: no cover - interface
        raise NotImplementedError

    def refund(self, *, payment, refund, settings: dict) -> None:  # pragma: no cover
        """Send `refund.amount` back for the succeeded `payment` (both Transaction rows);
        set refund.state / reference / provider_data, or raise PaymentRefused."""
        raise NotImplementedError


_providers: dict[str, Provider] = {}


def register(provider_class: type[Provider]) -> type[Provider]:
    _providers[provider_class.identifier] = provider_class()
    return provider_class


def get(identifier: str) -> Provider | None:
    return _providers.get(identifier)


def all_providers() -> list[Provider]:
    return list(_providers.values())
