"""Scanning at the door through the services (SCAN-2, SCAN-3, SCAN-4): every reason code,
the three modes, dates and zones, the append-only records, nonces."""

import hashlib
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from billetterie.catalog.models import EventDate
from billetterie.checkin.exceptions import NoSession
from billetterie.checkin.models import Checkin, ScanProfile, TicketCheckinState
from billetterie.checkin.services.redeem import Reason, ticket_redeem
from billetterie.core.exceptions import InvalidInput
from billetterie.orders.models import Order, Ticket
from tests.checkin.conftest import open_device, place, reserve, scanner_for, sell

pytestmark = pytest.mark.django_db


def test_a_paid_ticket_enters_once_and_the_door_sees_the_holder(hall, door):
    order, (ticket,) = sell(hall, first_name="Ana", last_name="Muster")
    first = ticket_redeem(device=door, code=ticket.secret)
    assert first.ok and first.reason == "" and first.message == "Welcome!"
    info = first.ticket
    assert (info.holder_name, info.zone_name, info.price_name) == (
        "Ana Muster",
        "Parterre",
        "Plein tarif",
    )
    assert (str(info.amount), info.currency, info.order_code) == ("45.00", "CHF", order.code)
    assert info.date_id == hall.date.pk and info.event_name == "Concert"
    second = ticket_redeem(device=door, code=ticket.secret)
    assert not second.ok and second.reason == Reason.ALREADY_USED
    assert second.message == "Already used."
    assert second.ticket.holder_name == "Ana Muster"
    assert TicketCheckinState.objects.get(pk=ticket.pk).entries == 1
    assert list(Checkin.objects.order_by("id").values_list("result", "reason")) == [
        ("ok", ""),
        ("refused", "already_used"),
    ]


def test_a_numbered_ticket_shows_its_seat(hall, door):
    _order, (ticket,) = sell(hall, zone=hall.numbered)
    result = ticket_redeem(device=door, code=f"  {ticket.secret}\n")  # a wedge types a newline
    assert result.ok and result.ticket.seat == "Row A, seat 1"


def test_unknown_codes_are_recorded_without_the_code(hall, door):
    result = ticket_redeem(device=door, code="not-a-ticket")
    assert (result.ok, result.reason, result.ticket) == (False, Reason.UNKNOWN, None)
    record = Checkin.objects.get()
    assert record.ticket is None and record.result == "refused" and record.reason == "unknown"
    assert record.code_hash and "not-a-ticket" not in record.code_hash


def test_valid_codes_are_never_stored_in_clear(hall, door):
    _order, (ticket,) = sell(hall)
    ticket_redeem(device=door, code=ticket.secret)
    record = Checkin.objects.get()
    assert ticket.secret not in str(list(Checkin.objects.values_list()))
    assert record.code_hash == hashlib.sha256(ticket.secret.encode()).hexdigest()


def test_a_ticket_of_another_organizer_is_unknown(hall, other_hall, door):
    _order, (foreign,) = sell(other_hall)
    result = ticket_redeem(device=door, code=foreign.secret)
    assert result.reason == Reason.UNKNOWN and result.ticket is None
    assert ticket_redeem(device=door, ticket_id=foreign.pk).reason == Reason.UNKNOWN
    assert not TicketCheckinState.objects.exists()


def test_unpaid_orders_are_sent_to_the_box_office(hall, door):
    online = place(hall)
    _order, (reserved,) = reserve(hall)
    for ticket in (online.tickets.get(), reserved):
        result = ticket_redeem(device=door, code=ticket.secret)
        assert (result.ok, result.reason) == (False, Reason.UNPAID)
        assert "box office" in result.message
    assert not TicketCheckinState.objects.exists()


@pytest.mark.parametrize("order_state", [Order.State.CANCELLED, Order.State.EXPIRED])
def test_tickets_of_cancelled_or_expired_orders_are_cancelled(hall, door, order_state):
    order, (ticket,) = sell(hall)
    Order.objects.filter(pk=order.pk).update(state=order_state)
    assert ticket_redeem(device=door, code=ticket.secret).reason == Reason.CANCELLED


def test_a_cancelled_ticket_or_date_is_cancelled(hall, door):
    _order, (one, two) = sell(hall, quantity=2)
    Ticket.objects.filter(pk=one.pk).update(state=Ticket.State.CANCELLED)
    assert ticket_redeem(device=door, code=one.secret).reason == Reason.CANCELLED
    assert ticket_redeem(device=door, code=two.secret).ok
    _o, (three,) = sell(hall)
    EventDate.objects.filter(pk=hall.date.pk).update(is_cancelled=True)
    assert ticket_redeem(device=door, code=three.secret).reason == Reason.CANCELLED


def test_orders_in_opposition_are_refused_with_their_reason(hall, door):
    order, (ticket,) = sell(hall)
    Order.objects.filter(pk=order.pk).update(state=Order.State.OPPOSITION)
    result = ticket_redeem(device=door, code=ticket.secret)
    assert result.reason == Reason.OPPOSITION and "opposition" in result.message


def test_a_ticket_for_another_date_is_wrong_date(hall, door):
    _order, (ticket,) = sell(hall, date=hall.other_date)
    result = ticket_redeem(device=door, code=ticket.secret)
    assert result.reason == Reason.WRONG_DATE and result.ticket.date_id == hall.other_date.pk


def test_choosing_an_event_scans_all_its_dates(hall):
    device = scanner_for(hall, dates=[], events=[hall.event])
    _o, (first,) = sell(hall)
    _o, (later,) = sell(hall, date=hall.other_date)
    assert ticket_redeem(device=device, code=first.secret).ok
    assert ticket_redeem(device=device, code=later.secret).ok


def test_scan_by_zone_refuses_other_zones(hall):
    balcony = scanner_for(hall, zones=[hall.numbered])
    _o, (standing,) = sell(hall)
    _o, (seated,) = sell(hall, zone=hall.numbered)
    refused = ticket_redeem(device=balcony, code=standing.secret)
    assert refused.reason == Reason.WRONG_ZONE and refused.ticket.zone_name == "Parterre"
    assert ticket_redeem(device=balcony, code=seated.secret).ok


def test_entry_exit_mode_alternates(hall):
    gate = scanner_for(hall, mode=ScanProfile.Mode.ENTRY_EXIT)
    _o, (ticket,) = sell(hall)
    out_first = ticket_redeem(device=gate, code=ticket.secret, direction="out")
    assert out_first.reason == Reason.NOT_INSIDE
    entry = ticket_redeem(device=gate, code=ticket.secret)
    assert entry.ok and entry.inside and entry.entries == 1
    assert ticket_redeem(device=gate, code=ticket.secret).reason == Reason.ALREADY_INSIDE
    leave = ticket_redeem(device=gate, code=ticket.secret, direction="out")
    assert leave.ok and not leave.inside and leave.message == "Exit recorded."
    assert (
        ticket_redeem(device=gate, code=ticket.secret, direction="out").reason == Reason.NOT_INSIDE
    )
    assert ticket_redeem(device=gate, code=ticket.secret).ok
    state = TicketCheckinState.objects.get(pk=ticket.pk)
    assert (state.entries, state.inside) == (2, True)
    accepted = list(
        Checkin.objects.filter(result="ok").order_by("id").values_list("direction", flat=True)
    )
    assert accepted == ["in", "out", "in"]


def test_multiple_entries_are_never_refused_except_on_a_wrong_date(hall):
    device = scanner_for(hall, mode=ScanProfile.Mode.MULTIPLE)
    _o, (ticket,) = sell(hall)
    results = [ticket_redeem(device=device, code=ticket.secret) for _ in range(3)]
    assert all(r.ok for r in results) and results[-1].entries == 3
    _o, (later,) = sell(hall, date=hall.other_date)
    assert ticket_redeem(device=device, code=later.secret).reason == Reason.WRONG_DATE


def test_a_ticket_used_in_normal_mode_cannot_enter_a_normal_session_again_after_an_exit(hall):
    gate = scanner_for(hall, mode=ScanProfile.Mode.ENTRY_EXIT)
    door = scanner_for(hall)
    _o, (ticket,) = sell(hall)
    ticket_redeem(device=gate, code=ticket.secret)
    ticket_redeem(device=gate, code=ticket.secret, direction="out")
    assert ticket_redeem(device=door, code=ticket.secret).reason == Reason.ALREADY_USED


def test_a_ticket_chosen_in_the_search_is_admitted_by_id(hall, door):
    _o, (ticket,) = sell(hall)
    result = ticket_redeem(device=door, ticket_id=ticket.pk)
    assert result.ok and Checkin.objects.get().code_hash == ""


def test_exits_only_in_entry_exit_mode_and_bad_input_is_refused(hall, door):
    _o, (ticket,) = sell(hall)
    with pytest.raises(InvalidInput):
        ticket_redeem(device=door, code=ticket.secret, direction="out")
    with pytest.raises(InvalidInput):
        ticket_redeem(device=door, code="")
    with pytest.raises(InvalidInput):
        ticket_redeem(device=door, code="x" * 600)
    with pytest.raises(InvalidInput):
        ticket_redeem(device=door, code=ticket.secret, scanned_at=datetime(2026, 1, 1, 20))
    assert not Checkin.objects.exists()


def test_a_device_without_session_cannot_scan(hall):
    device, _token = open_device(hall.organizer, dates=[hall.date])
    device.profile = None
    with pytest.raises(NoSession):
        ticket_redeem(device=device, code="anything")


def test_a_nonce_is_processed_once(hall, door):
    _o, (ticket,) = sell(hall)
    first = ticket_redeem(device=door, code=ticket.secret, nonce="scan-1")
    again = ticket_redeem(device=door, code=ticket.secret, nonce="scan-1")
    assert first.ok and again.ok and again.replayed and again.checkin_id == first.checkin_id
    assert Checkin.objects.count() == 1
    assert TicketCheckinState.objects.get(pk=ticket.pk).entries == 1
    # the same nonce from another device is another scan
    other = scanner_for(hall)
    assert ticket_redeem(device=other, code=ticket.secret, nonce="scan-1").reason == "already_used"


def test_records_keep_the_device_clock_and_the_server_clock(hall, door):
    _o, (ticket,) = sell(hall)
    earlier = timezone.now() - timedelta(minutes=5)
    ticket_redeem(device=door, code=ticket.secret, scanned_at=earlier)
    record = Checkin.objects.get()
    assert record.scanned_at == earlier and record.received_at > earlier
    assert (record.device_id, record.profile_id) == (door.pk, door.profile_id)
    assert (record.date_id, record.zone_id) == (hall.date.pk, hall.standing.pk)


def test_check_in_records_are_append_only(hall, door):
    _o, (ticket,) = sell(hall)
    ticket_redeem(device=door, code=ticket.secret)
    record = Checkin.objects.get()
    record.reason = "edited"
    with pytest.raises(ValueError, match="append-only"):
        record.save()


def test_the_redeem_path_runs_few_queries(hall, door, django_assert_max_num_queries):
    _o, tickets = sell(hall, quantity=3)
    # first admission: read the ticket, insert the state, insert the record (+ savepoint)
    with django_assert_max_num_queries(5):
        assert ticket_redeem(device=door, code=tickets[0].secret).ok
    with django_assert_max_num_queries(4):
        assert ticket_redeem(device=door, code=tickets[0].secret).reason == "already_used"
