"""Changing an event (CAT-1): audit, the Lausanne pay-what-you-want rule (CAT-4), venue
changes; and the back-office reads that go with it (bulk per-date counts, quotas)."""

from datetime import datetime, timedelta

import pytest

from billetterie.catalog.exceptions import PayWhatYouWantRefused
from billetterie.catalog.models import Venue
from billetterie.catalog.services.events import event_create, event_update
from billetterie.core.exceptions import InvalidInput, PermissionRefused
from billetterie.core.models import AuditLogEntry, Level
from billetterie.inventory import schedule
from billetterie.inventory import services as inventory
from billetterie.inventory.models import DateSeat, Quota
from tests import factories as f
from tests.catalog_factories import ZURICH, make_event_with_date, make_price, make_venue

pytestmark = pytest.mark.django_db


def test_update_records_only_what_changed(shop, organizer, manager):
    venue, _standing, _numbered = make_venue(organizer)
    event = event_create(shop=shop, actor=None, name="Hamlet", venue=venue)
    event_update(event=event, actor=manager, name=" Hamlet ", category="Theatre")
    entry = AuditLogEntry.objects.get(action="event.changed")
    assert entry.changes == {"category": ["", "Theatre"]}
    assert entry.actor == manager
    event_update(event=event, actor=manager, name="Hamlet", category="Theatre")
    assert AuditLogEntry.objects.filter(action="event.changed").count() == 1


def test_update_needs_the_manage_level(shop, organizer):
    event = event_create(shop=shop, actor=None, name="Hamlet")
    viewer = f.make_staff()
    f.grant(organizer, Level.VIEW, user=viewer)
    with pytest.raises(PermissionRefused):
        event_update(event=event, actor=viewer, name="Mine")
    with pytest.raises(InvalidInput):
        event_update(event=event, actor=None, colour="red")


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"name": "  "}, "An event needs a name."),
        (
            {"sales_start": datetime(2031, 2, 1, tzinfo=ZURICH), "sales_end": None},
            None,
        ),
        (
            {
                "sales_start": datetime(2031, 2, 1, tzinfo=ZURICH),
                "sales_end": datetime(2031, 1, 1, tzinfo=ZURICH),
            },
            "Sales must close after they open.",
        ),
        ({"visibility": "restricted"}, "Say which audience may see a restricted event."),
        ({"sale_status": "custom"}, "Give the custom sale status its label."),
    ],
)
def test_rules_between_fields(values, message, shop):
    event = event_create(shop=shop, actor=None, name="Hamlet")
    if message is None:
        event_update(event=event, actor=None, **values)
        return
    with pytest.raises(InvalidInput) as refused:
        event_update(event=event, actor=None, **values)
    assert str(refused.value.message) == message
    creating = {"name": "Other", **values}
    with pytest.raises(InvalidInput) as refused:
        event_create(shop=shop, actor=None, **creating)
    assert str(refused.value.message) == message


def test_the_tax_is_refused_in_lausanne_while_a_pay_what_you_want_price_exists(shop, organizer):
    venue, standing, _numbered = make_venue(organizer, city=" lausanne ")
    event, _date = make_event_with_date(shop, venue)
    price = make_price(event, standing, kind="pwyw", amount="5")
    with pytest.raises(PayWhatYouWantRefused):
        event_update(event=event, actor=None, entertainment_tax=True)
    event.refresh_from_db()
    assert event.entertainment_tax is False
    price.delete()
    event_update(event=event, actor=None, entertainment_tax=True)
    assert event.in_lausanne_with_tax


def test_the_tax_elsewhere_is_fine(shop, organizer):
    venue, standing, _numbered = make_venue(organizer, city="Genève")
    event, _date = make_event_with_date(shop, venue)
    make_price(event, standing, kind="pwyw", amount="5")
    event_update(event=event, actor=None, entertainment_tax=True)
    assert event.entertainment_tax


def test_venue_changes(shop, organizer, other_tenant):
    first, _s, _n = make_venue(organizer)
    second = Venue.objects.create(organizer=organizer, name="Second")
    foreign = Venue.objects.create(organizer=other_tenant[0], name="Not mine")
    event = event_create(shop=shop, actor=None, name="Hamlet")
    with pytest.raises(PermissionRefused):
        event_update(event=event, actor=None, venue=foreign)
    schedule.dates_add(
        event=event, actor=None, starts=[(datetime(2031, 5, 3, 20, tzinfo=ZURICH), None)]
    )
    schedule.event_change(event=event, actor=None, venue=first)  # from none: counters follow
    assert Quota.objects.filter(date__event=event).count() == 1
    assert DateSeat.objects.filter(date__event=event).count() == 30
    with pytest.raises(InvalidInput, match="once the event has dates"):
        event_update(event=event, actor=None, venue=second)
    undated = event_create(shop=shop, actor=None, name="Undated", venue=first)
    make_price(undated, first.zones.first())
    with pytest.raises(InvalidInput, match="while the event has prices"):
        event_update(event=undated, actor=None, venue=second)


def test_bulk_counts_match_the_one_date_counts(shop, organizer):
    venue, standing, numbered = make_venue(organizer)
    event, first = make_event_with_date(shop, venue)
    (second,) = schedule.dates_add(
        event=event, actor=None, starts=[(first.starts_at + timedelta(days=1), None)]
    )
    inventory.quota_set(date=second, size=20)
    inventory.confirm(inventory.hold(date=first, zone=standing, quantity=3))
    inventory.hold(date=first, zone=numbered, quantity=2)
    inventory.hold(date=second, zone=standing, quantity=5)
    bulk = inventory.dates_counts([first, second], venue.zones.all())
    assert bulk == {d.pk: inventory.date_counts(d) for d in (first, second)}
    assert bulk[first.pk] == inventory.DateCounts(sold=3, held=2, free=75)
    # the date-wide quota of 20 caps the zones: 20 - 5 held = 15, not 15 + 15
    assert bulk[second.pk] == inventory.DateCounts(sold=0, held=5, free=15)


def test_quota_set_by_a_person_is_checked_and_audited(shop, organizer, manager, other_tenant):
    venue, standing, _numbered = make_venue(organizer)
    _event, date = make_event_with_date(shop, venue)
    inventory.quota_set(date=date, zone=standing, size=40, actor=manager)
    entry = AuditLogEntry.objects.get(action="quota.set")
    assert entry.changes["size"] == [50, 40]
    viewer = f.make_staff()
    f.grant(organizer, Level.VIEW, user=viewer)
    with pytest.raises(PermissionRefused):
        inventory.quota_set(date=date, size=10, actor=viewer)
    _venue, foreign_zone, _n = make_venue(other_tenant[0])
    with pytest.raises(PermissionRefused):
        inventory.quota_set(date=date, zone=foreign_zone, size=10)
    assert Quota.objects.filter(date=date).count() == 1


def test_zones_and_seats_added_later_reach_future_dates_only(shop, organizer):
    venue, _standing, numbered = make_venue(organizer)
    event, coming = make_event_with_date(shop, venue)
    (past,) = schedule.dates_add(
        event=event, actor=None, starts=[(datetime(2020, 1, 1, 20, tzinfo=ZURICH), None)]
    )
    zone = schedule.zone_add(venue=venue, actor=None, name="Loge", capacity=6)
    assert Quota.objects.filter(zone=zone, date=coming).get().size == 6
    assert not Quota.objects.filter(zone=zone, date=past).exists()
    schedule.seats_add(zone=numbered, actor=None, rows=["Z"], seats_per_row=2)
    assert DateSeat.objects.filter(date=coming).count() == 32
    assert DateSeat.objects.filter(date=past).count() == 30
