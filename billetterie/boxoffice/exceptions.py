from django.utils.translation import gettext_lazy as _

from billetterie.core.exceptions import DomainError


class NotEnoughCash(DomainError):
    code = "not_enough_cash"
    default_message = _("The amount given is less than the amount due.")


class SplitRefused(DomainError):
    code = "split_refused"
    default_message = _("This order cannot be split.")
    http_status = 409


class NameNeeded(DomainError):
    code = "name_needed"
    default_message = _("Give the buyer's name: the reservation is found by it later.")


class NothingToPrint(DomainError):
    code = "nothing_to_print"
    default_message = _("Tickets are printed once the order is paid.")
    http_status = 409


class NoCounterPayment(DomainError):
    code = "no_counter_payment"
    default_message = _("This order was not paid at the box office: there is no receipt.")
    http_status = 409
