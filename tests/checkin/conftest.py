"""A hall with two dates and two zones, tickets sold through the real order services, and
scan devices logged in through the real check-in services."""

import itertools
from dataclasses import dataclass
from datetime import datetime, time, timedelta

import pytest

from billetterie.catalog.models import Event, EventDate, Price, Zone
from billetterie.checkin.models import ScanProfile
from billetterie.checkin.services import devices, profiles
from billetterie.inventory import schedule
from billetterie.orders.services import cart as carts
from billetterie.orders.services import checkout
from tests import factories
from tests.catalog_factories import ZURICH, make_event_with_date, make_price, make_venue

_buyers = itertools.count(1)


@dataclass
class Hall:
    organizer: object
    shop: object
    event: Event
    date: EventDate  # the date scanned by default
    other_date: EventDate  # a second date of the same event
    standing: Zone
    numbered: Zone
    standing_price: Price
    seated_price: Price


def make_hall(organizer, shop, *, name="Concert") -> Hall:
    venue, standing, numbered = make_venue(organizer, free=50)
    event, date = make_event_with_date(shop, venue, name=name)
    later = datetime.combine(
        datetime.now(ZURICH).date() + timedelta(days=31), time(20), tzinfo=ZURICH
    )
    (other,) = schedule.dates_add(event=event, actor=None, starts=[(later, None)])
    return Hall(
        organizer=organizer,
        shop=shop,
        event=event,
        date=date,
        other_date=other,
        standing=standing,
        numbered=numbered,
        standing_price=make_price(event, standing, amount="45.00"),
        seated_price=make_price(event, numbered, name="Balcon", amount="60.00"),
    )


@pytest.fixture
def hall(organizer, shop) -> Hall:
    return make_hall(organizer, shop)


@pytest.fixture
def other_hall(other_tenant) -> Hall:
    organizer, shop, _manager = other_tenant
    return make_hall(organizer, shop, name="Other concert")


def place(hall: Hall, *, quantity=1, zone=None, date=None, first_name="Ana", last_name="Muster"):
    """A pending order (online, with a payment deadline)."""
    zone = zone or hall.standing
    price = hall.seated_price if zone == hall.numbered else hall.standing_price
    cart = carts.cart_for(shop=hall.shop, key=None)
    carts.cart_add(cart=cart, date=date or hall.date, zone=zone, price=price, quantity=quantity)
    return checkout.order_place(
        cart=cart,
        email=f"buyer{next(_buyers)}@example.org",
        first_name=first_name,
        last_name=last_name,
        language="en",
    )


def sell(hall: Hall, **kwargs):
    """A paid order; returns (order, tickets)."""
    order = place(hall, **kwargs)
    checkout.order_paid(order=order, provider="testcard")
    order.refresh_from_db()
    return order, list(order.tickets.order_by("pk"))


def reserve(hall: Hall, **kwargs):
    """A pending order kept without deadline (box-office stock, a reservation to pay on
    site): what quick cancellation calls unsold pre-printed."""
    order = place(hall, **kwargs)
    checkout.order_reserve(order=order, provider="onsite")
    order.refresh_from_db()
    return order, list(order.tickets.order_by("pk"))


def open_device(
    organizer,
    *,
    mode=ScanProfile.Mode.NORMAL,
    dates=(),
    events=(),
    zones=(),
    quick_cancel=False,
    name="Door",
):
    """A device logged in with a profile code for a new profile; returns (device, token)."""
    profile = profiles.profile_create(
        organizer=organizer,
        actor=None,
        name=name,
        mode=mode,
        dates=dates,
        events=events,
        zones=zones,
        allow_quick_cancel=quick_cancel,
    )
    issued = devices.profile_code_create(profile=profile, actor=None)
    login = devices.device_login_code(code=issued.code, client_ip="10.0.0.1", device_name=name)
    device = devices.device_authenticate(login.token)
    return device, login.token


@pytest.fixture
def door(hall):
    """A device scanning the hall's first date, all zones, normal mode."""
    device, _token = open_device(hall.organizer, dates=[hall.date])
    return device


def scanner_for(hall, **kwargs):
    return open_device(hall.organizer, dates=kwargs.pop("dates", [hall.date]), **kwargs)[0]


@pytest.fixture
def staff_member(organizer):
    return factories.make_staff()
