"""The hall of the check-in tests (two dates, two zones, tickets sold through the real
order services), for the scanner app and the back-office check-in pages."""

import pytest

from tests.checkin.conftest import make_hall


@pytest.fixture
def hall(organizer, shop):
    return make_hall(organizer, shop)


@pytest.fixture
def other_hall(other_tenant):
    organizer, shop, _manager = other_tenant
    return make_hall(organizer, shop, name="Other concert")
