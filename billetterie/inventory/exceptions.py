from django.utils.translation import gettext_lazy as _

from billetterie.core.exceptions import DomainError


class SoldOut(DomainError):
    code = "sold_out"
    default_message = _("Sorry, there are not enough places left.")
    http_status = 409


class SeatTaken(SoldOut):
    code = "seat_taken"
    default_message = _("This seat has just been taken. Please choose another one.")


class HoldExpired(DomainError):
    code = "hold_expired"
    default_message = _("Your reservation has expired: the places went back on sale.")
    http_status = 409


class NoCapacity(DomainError):
    code = "no_capacity"
    default_message = _("No capacity is set for this date and zone.")


class DateNotOnSale(DomainError):
    code = "date_not_on_sale"
    default_message = _("This date is not on sale.")
    http_status = 409
