"""Offline scanning (SCAN-7): uploads with nonces processed once, double entries flagged;
the revocation list and the scan list scanners download; order search (SCAN-6); live
counts per date and zone."""

from datetime import timedelta

import pytest
from django.utils import timezone

from billetterie.checkin import codes, queries
from billetterie.checkin.exceptions import NoSession
from billetterie.checkin.models import Checkin, Revocation, ScanProfile, TicketCheckinState
from billetterie.checkin.services.redeem import OfflineScan, Reason, checkins_sync, ticket_redeem
from billetterie.checkin.services.revocations import revocations_since, ticket_code_change
from billetterie.core.exceptions import InvalidInput
from billetterie.orders.models import Order, Ticket
from tests.checkin.conftest import place, reserve, scanner_for, sell

pytestmark = pytest.mark.django_db


def ago(minutes: int):
    return timezone.now() - timedelta(minutes=minutes)


def test_an_upload_is_processed_once_however_often_it_is_sent(hall, door):
    _o, (one, two) = sell(hall, quantity=2)
    scans = [
        OfflineScan(nonce="n-2", scanned_at=ago(5), code=two.secret),
        OfflineScan(nonce="n-1", scanned_at=ago(9), code=one.secret),
        OfflineScan(nonce="n-3", scanned_at=ago(2), code="garbage", admitted=False),
    ]
    first = checkins_sync(device=door, scans=scans)
    assert [(r.ok, r.reason, r.replayed) for r in first] == [
        (True, "", False),
        (True, "", False),
        (False, "unknown", False),
    ]
    again = checkins_sync(device=door, scans=scans)
    assert [r.replayed for r in again] == [True, True, True]
    assert [r.checkin_id for r in again] == [r.checkin_id for r in first]
    assert Checkin.objects.count() == 3
    assert all(Checkin.objects.values_list("offline", flat=True))
    # processed oldest first: the older scan has the smaller record id
    assert first[1].checkin_id < first[0].checkin_id
    record = Checkin.objects.get(pk=first[1].checkin_id)
    assert abs((record.scanned_at - ago(9)).total_seconds()) < 5
    assert TicketCheckinState.objects.filter(entries=1).count() == 2


def test_double_entries_found_at_sync_are_flagged(hall, door):
    other_door = scanner_for(hall)
    _o, (ticket,) = sell(hall)
    assert ticket_redeem(device=other_door, code=ticket.secret).ok  # online, meanwhile
    (result,) = checkins_sync(
        device=door, scans=[OfflineScan(nonce="x", scanned_at=ago(1), code=ticket.secret)]
    )
    assert (result.ok, result.reason, result.flagged) == (False, Reason.ALREADY_USED, True)
    record = Checkin.objects.get(pk=result.checkin_id)
    assert record.flagged and record.offline and record.device == door
    # an offline refusal refused again is not a double entry
    (refused,) = checkins_sync(
        device=door,
        scans=[OfflineScan(nonce="y", scanned_at=ago(1), code=ticket.secret, admitted=False)],
    )
    assert not refused.flagged


def test_a_bad_upload_is_refused_as_a_whole(hall, door):
    _o, (ticket,) = sell(hall)
    good = OfflineScan(nonce="a", scanned_at=ago(1), code=ticket.secret)
    for bad in (
        OfflineScan(nonce="", scanned_at=ago(1), code=ticket.secret),
        OfflineScan(nonce="b", scanned_at=ago(1).replace(tzinfo=None), code=ticket.secret),
        OfflineScan(nonce="b", scanned_at=ago(1), code=ticket.secret, direction="out"),
        OfflineScan(nonce="a", scanned_at=ago(1), code=ticket.secret),
    ):
        with pytest.raises(InvalidInput) as refusal:
            checkins_sync(device=door, scans=[good, bad])
        assert refusal.value.params["fields"]
    assert not Checkin.objects.exists()


def test_sync_needs_a_session(hall, door):
    door.profile = None
    with pytest.raises(NoSession):
        checkins_sync(device=door, scans=[])


def test_the_revocation_list_follows_cancellations_with_a_cursor(hall, door):
    _order, (kept, cancelled) = sell(hall, quantity=2)
    opposed_order, (opposed,) = sell(hall)
    expired = place(hall)
    Ticket.objects.filter(pk=cancelled.pk).update(state=Ticket.State.CANCELLED)
    Order.objects.filter(pk=opposed_order.pk).update(state=Order.State.OPPOSITION)
    Order.objects.filter(pk=expired.pk).update(state=Order.State.EXPIRED)
    entries, cursor = revocations_since(
        organizer_id=hall.organizer.pk, date_ids=[hall.date.pk], after=0
    )
    assert {(e.ticket_id, e.reason) for e in entries} == {
        (cancelled.pk, "cancelled"),
        (opposed.pk, "opposition"),
        (expired.tickets.get().pk, "cancelled"),
    }
    assert {e.secret_hash for e in entries} >= {codes.code_hash(cancelled.secret)}
    assert kept.pk not in {e.ticket_id for e in entries}
    # asking again gives nothing new; a later cancellation comes after the cursor
    assert (
        revocations_since(organizer_id=hall.organizer.pk, date_ids=[hall.date.pk], after=cursor)[0]
        == []
    )
    Ticket.objects.filter(pk=kept.pk).update(state=Ticket.State.CANCELLED)
    (entry,), _next = revocations_since(
        organizer_id=hall.organizer.pk, date_ids=[hall.date.pk], after=cursor
    )
    assert entry.ticket_id == kept.pk
    assert Revocation.objects.count() == 4


def test_a_changed_secret_revokes_the_old_one(hall, door):
    _o, (ticket,) = sell(hall)
    old = ticket.secret
    new = ticket_code_change(ticket=ticket)
    assert new != old
    (entry,), _cursor = revocations_since(organizer_id=hall.organizer.pk, date_ids=[hall.date.pk])
    assert (entry.reason, entry.secret_hash) == ("changed", codes.code_hash(old))
    assert ticket_redeem(device=door, code=old).reason == Reason.UNKNOWN
    assert ticket_redeem(device=door, code=new).ok


def test_the_revocation_list_is_per_organizer(hall, other_hall):
    _o, (theirs,) = sell(other_hall)
    Ticket.objects.filter(pk=theirs.pk).update(state=Ticket.State.CANCELLED)
    entries, _cursor = revocations_since(
        organizer_id=hall.organizer.pk, date_ids=[hall.date.pk, other_hall.date.pk]
    )
    assert entries == []


def test_the_scan_list_holds_hashes_never_secrets_page_by_page(hall, door, other_hall):
    _o, tickets = sell(hall, quantity=3, first_name="Zoé", last_name="Garçon")
    _o, (unpaid,) = reserve(hall)
    sell(hall, date=hall.other_date)  # another date: not in the session
    sell(other_hall)  # another organizer
    ticket_redeem(device=door, code=tickets[0].secret)
    page, cursor = queries.scan_list(device=door, limit=2)
    assert [e.id for e in page] == [t.pk for t in tickets[:2]] and cursor == tickets[1].pk
    rest, end = queries.scan_list(device=door, after=cursor, limit=2)
    assert [e.id for e in rest] == [tickets[2].pk, unpaid.pk] and end is None
    entries = {e.id: e for e in page + rest}
    assert entries[tickets[0].pk].entries == 1 and entries[tickets[0].pk].inside
    assert entries[tickets[0].pk].code_hash == codes.code_hash(tickets[0].secret)
    assert entries[tickets[1].pk].holder_name == "Zoé Garçon"
    assert entries[unpaid.pk].status == "unpaid" and entries[tickets[2].pk].status == "valid"
    flat = str(page + rest)
    assert not any(t.secret in flat for t in [*tickets, unpaid])


def test_order_search_by_name_or_number_stays_in_the_session(hall, door, other_hall):
    ana, _ = sell(hall, first_name="Ana", last_name="Muster")
    bob, _ = sell(hall, first_name="Bob", last_name="Muster")
    sell(hall, date=hall.other_date, first_name="Ana", last_name="Later")
    sell(other_hall, first_name="Ana", last_name="Muster")
    hits = queries.orders_search(device=door, text="muster")
    assert {h.order.pk for h in hits} == {ana.pk, bob.pk}
    hits = queries.orders_search(device=door, text="ana")
    assert [h.order.pk for h in hits] == [ana.pk]
    assert [t.date_id for t in hits[0].tickets] == [hall.date.pk]
    assert [h.order.pk for h in queries.orders_search(device=door, text=f"#{bob.number}")] == [
        bob.pk
    ]
    assert queries.orders_search(device=door, text="  ") == []


def test_order_search_runs_a_fixed_number_of_queries(hall, door, django_assert_max_num_queries):
    for n in range(5):
        sell(hall, quantity=2, first_name="Ana", last_name=f"Muster{n}")
    with django_assert_max_num_queries(3):
        hits = queries.orders_search(device=door, text="ana")
        assert sum(len(h.tickets) for h in hits) == 10


def test_live_counts_per_date_and_zone(hall, door, django_assert_num_queries):
    gate = scanner_for(hall, mode=ScanProfile.Mode.ENTRY_EXIT)
    _o, standing = sell(hall, quantity=3)
    _o, seated = sell(hall, quantity=2, zone=hall.numbered)
    _o, (unpaid,) = reserve(hall)
    cancelled_order, _t = sell(hall)
    Order.objects.filter(pk=cancelled_order.pk).update(state=Order.State.CANCELLED)
    ticket_redeem(device=gate, code=standing[0].secret)
    ticket_redeem(device=gate, code=standing[1].secret)
    ticket_redeem(device=gate, code=standing[1].secret, direction="out")
    ticket_redeem(device=door, code=seated[0].secret)
    with django_assert_num_queries(1):
        rows = queries.live_counts(
            organizer_id=hall.organizer.pk, date_ids=[hall.date.pk, hall.other_date.pk]
        )
    counts = {(r.date_id, r.zone_name): (r.expected, r.entered, r.inside) for r in rows}
    assert counts == {
        (hall.date.pk, "Parterre"): (4, 2, 1),  # 3 paid + 1 unpaid expected; the cancelled not
        (hall.date.pk, "Balcon"): (2, 1, 1),
    }
    assert unpaid.pk  # counted as expected above
