from django.utils.translation import gettext_lazy as _

from billetterie.core.exceptions import DomainError


class PaymentRefused(DomainError):
    code = "payment_refused"
    default_message = _("The payment was refused.")
    http_status = 402


class MethodUnavailable(DomainError):
    code = "payment_method_unavailable"
    default_message = _("This payment method is not available for this order.")
