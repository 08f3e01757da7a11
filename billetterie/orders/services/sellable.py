"""Whether a price of a date can be sold now, per sales channel: the rules every channel
shares, and where the online shop and the box office differ.

The box office (BOX-1) sells at the counter outside the shop's online sale windows, and
prices kept for the box office (CAT-4 visibility "box office only") are sold there only.
It still never sells a cancelled event or date, a price of another date, or after the
performance is over.
"""

from datetime import timedelta

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from billetterie.catalog.models import Event, EventDate, Price
from billetterie.orders.exceptions import NotOnSale


class Channel(models.TextChoices):
    ONLINE = "online", gettext_lazy("Online shop")
    BOX_OFFICE = "box_office", gettext_lazy("Box office")


ONLINE_VISIBILITY = {Price.Visibility.PUBLIC}
VISIBILITY = {
    Channel.ONLINE: ONLINE_VISIBILITY,
    Channel.BOX_OFFICE: {Price.Visibility.PUBLIC, Price.Visibility.BOX_OFFICE},
}
# A date without an end is sold at the counter this long after it starts (late-comers).
COUNTER_GRACE = timedelta(hours=3)


def counter_sales_end(date: EventDate):
    """When the box office stops selling a date: its end, or a while after it starts."""
    return date.ends_at or date.starts_at + COUNTER_GRACE


def check_sellable(
    *, date: EventDate, price: Price, channel: str = Channel.ONLINE, now=None
) -> None:
    """Raise NotOnSale with a reason a buyer (or the cashier) understands, or return."""
    now = now or timezone.now()
    event = date.event
    if channel == Channel.BOX_OFFICE:
        _check_counter(event=event, date=date, now=now)
    else:
        _check_online(event=event, date=date, price=price, now=now)
    if price.visibility not in VISIBILITY[channel]:
        if channel == Channel.ONLINE:
            raise NotOnSale(_("This price is not sold online."))
        raise NotOnSale(_("This price is not sold at the box office."))
    if price.event_id != event.pk:
        raise NotOnSale()
    if price.dates.exists() and not price.dates.filter(pk=date.pk).exists():
        raise NotOnSale(_("This price is not sold for this date."))


def check_sellable_online(*, date: EventDate, price: Price, now=None) -> None:
    check_sellable(date=date, price=price, channel=Channel.ONLINE, now=now)


def _check_online(*, event, date, price, now) -> None:
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


def _check_counter(*, event, date, now) -> None:
    """The cashier sees the buyer: sale windows, audiences and the shop's sale label (sold
    out, coming soon) do not apply; capacity is still the inventory's to decide."""
    if event.sale_status == Event.SaleStatus.CANCELLED or date.is_cancelled:
        raise NotOnSale(_("This date is cancelled."))
    if counter_sales_end(date) <= now:
        raise NotOnSale(_("This date is over."))
