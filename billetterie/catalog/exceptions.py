from django.utils.translation import gettext_lazy as _

from billetterie.core.exceptions import DomainError


class PriceBelowMinimum(DomainError):
    code = "price_below_minimum"
    default_message = _("The minimum of a pay-what-you-want price must be more than 2.00.")


class PayWhatYouWantRefused(DomainError):
    code = "pwyw_refused"
    default_message = _(
        "Pay-what-you-want is not available for an event in Lausanne subject to the "
        "entertainment tax."
    )


class CatalogLocked(DomainError):
    code = "catalog_locked"
    default_message = _("This cannot change any more: tickets were already ordered with it.")
    http_status = 409
