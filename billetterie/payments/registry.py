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

    def is_available(self, order) -> bool:
        return True

    def start(self, order) -> StartResult:  # pragma: no cover - interface
        raise NotImplementedError


_providers: dict[str, Provider] = {}


def register(provider_class: type[Provider]) -> type[Provider]:
    _providers[provider_class.identifier] = provider_class()
    return provider_class


def get(identifier: str) -> Provider | None:
    return _providers.get(identifier)


def all_providers() -> list[Provider]:
    return list(_providers.values())
