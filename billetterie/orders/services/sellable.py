"""Whether a price of a date can be sold online now: the rules every sales channel shares."""

from django.utils import timezone
from django.utils.translation import gettext as _

from billetterie.catalog.models import Event, EventDate, Price
from billetterie.orders.exceptions import NotOnSale

ONLINE_VISIBILITY = {Price.Visibility.PUBLIC}


def check_sellable_online(*, date: EventDate, price: Price, now=None) -> None:
    """Raise NotOnSale with a reason a buyer understands, or return."""
    now = now or timezone.now()
    event = date.event
    if event.sale_status != Event.SaleStatus.ON_SALE:
        raise NotOnSale(_("“%(event)s” is not on sale.") % {"event": event.name})
    if event.visibility == Event.Visibility.RESTRICTED or price.audience:
        raise NotOnSale(_("This ticket is reserved for a specific audience."))
    if date.is_cancelled or date.starts_at <= now:
        raise NotOnSale(_("This date is not on sale any more."))
    for start, end in ((event.sales_start, event.sales_end), (price.sales_start, price.sales_end)):
        if start and now < start:
            raise NotOnSale(_("Sales have not opened yet."))
        if end and now >= end:
            raise NotOnSale(_("Sales are closed."))
    if price.visibility not in ONLINE_VISIBILITY:
        raise NotOnSale(_("This price is not sold online."))
    if price.event_id != event.pk:
        raise NotOnSale()
    if price.dates.exists() and not price.dates.filter(pk=date.pk).exists():
        raise NotOnSale(_("This price is not sold for this date."))
