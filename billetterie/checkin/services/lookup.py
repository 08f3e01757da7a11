"""Finding the ticket behind a scan: the first statement of every redeem.

This is the hottest read of the check-in (SCAN-9 asks for hundreds of scans per second on
two cores), so it is one hand-written SELECT of the few columns the door needs, not an ORM
query: the equivalent `select_related` over order, shop, date, event, zone, seat and state
built and loaded whole rows (several kB each) and cost about 10x more, measured. The
statement joins only the rows the organizer check and the answer need, reads names through
scalar subqueries (cheap to plan), and tells in the same round trip whether the session
scans the ticket's date and zone. Every table and column name comes from the models.

On PostgreSQL the statement (and the device lookup of every API call) is sent with
server-side binding and `prepare=True`, so it is planned once per connection when the
project allows prepared statements: planning it costs about ten times its execution
(1.3 ms against 0.14 ms of database CPU, measured), and the benchmark's database CPU per
scan fell from 3.7 to 2.2 ms with them. Django turns them off by default (connection
poolers in transaction mode need PgBouncer >= 1.21 with `max_prepared_statements`);
`DATABASES["default"]["OPTIONS"]["prepare_threshold"] = 5` turns them on. Django's own
queries use client-side binding and are never prepared either way.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from functools import cache

import psycopg
from django.db import connection
from django.utils.dateparse import parse_datetime

from billetterie.catalog.models import Event, EventDate, Seat, Zone
from billetterie.checkin.models import ScanProfile, SigningKey, TicketCheckinState
from billetterie.core.models import Shop
from billetterie.core.money import quantize
from billetterie.orders.models import Order, Ticket


@dataclass(frozen=True)
class ScannedTicket:
    """A ticket as the door sees it, with the session's date and zone checks."""

    id: int
    state: str
    holder_name: str
    price_name: str
    amount: Decimal
    date_id: int
    zone_id: int
    seat_id: int | None
    order_state: str
    order_number: int
    buyer_first_name: str
    buyer_last_name: str
    buyer_email: str
    currency: str
    shop_id: int
    time_zone: str
    starts_at: datetime
    date_cancelled: bool
    event_id: int
    event_name: str
    zone_name: str
    seat_row: str | None
    seat_number: str | None
    entries: int | None  # None: never admitted (no state row)
    inside: bool
    in_dates: bool  # the session lists the ticket's date
    in_events: bool  # the session lists the ticket's event
    zone_listed: bool  # the session lists the ticket's zone
    zones_chosen: bool  # the session lists zones at all (none: every zone)
    signing_key: bytes | None = None  # the public key asked for, if it is the shop's

    @property
    def order_code(self) -> str:
        return f"{self.order_number:06d}"

    @property
    def buyer_name(self) -> str:
        return f"{self.buyer_first_name} {self.buyer_last_name}".strip() or self.buyer_email


def fetch_one(sql: str, params: list):
    """The first row of a hot read: server-side bound (prepared when the project allows it,
    see above) on PostgreSQL, Django's cursor elsewhere. Errors come out as Django's
    database errors either way."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()
    connection.ensure_connection()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, params, prepare=True)  # server-side binding, planned once
        return cursor.fetchone()


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


@cache
def _sql(by: str, with_key: bool = False) -> str:
    dates = ScanProfile.dates.through
    events = ScanProfile.events.through
    zones = ScanProfile.zones.through
    where = "t.secret = %s" if by == "secret" else "t.id = %s"
    # a signed code names its key: read it in the same round trip, only if it is the shop's
    key = (
        f", (SELECT k.public_key FROM {_table(SigningKey)} k"  # noqa: S608 - model names
        " WHERE k.id = %s AND k.shop_id = o.shop_id)"
        if with_key
        else ""
    )
    # Amounts are read as text: SQLite would hand a float over, and money is never a float.
    return f"""
        SELECT t.id, t.state, t.holder_name, t.price_name, CAST(t.amount AS TEXT),
               t.date_id, t.zone_id, t.seat_id,
               o.state, o.number, o.first_name, o.last_name, o.email, o.currency, o.shop_id,
               s.time_zone, d.starts_at, d.is_cancelled, d.event_id,
               (SELECT e.name FROM {_table(Event)} e WHERE e.id = d.event_id),
               (SELECT z.name FROM {_table(Zone)} z WHERE z.id = t.zone_id),
               (SELECT st.row FROM {_table(Seat)} st WHERE st.id = t.seat_id),
               (SELECT st.number FROM {_table(Seat)} st WHERE st.id = t.seat_id),
               cs.entries, cs.inside,
               EXISTS (SELECT 1 FROM {_table(dates)} x
                       WHERE x.scanprofile_id = %s AND x.eventdate_id = t.date_id),
               EXISTS (SELECT 1 FROM {_table(events)} x
                       WHERE x.scanprofile_id = %s AND x.event_id = d.event_id),
               EXISTS (SELECT 1 FROM {_table(zones)} x
                       WHERE x.scanprofile_id = %s AND x.zone_id = t.zone_id),
               EXISTS (SELECT 1 FROM {_table(zones)} x WHERE x.scanprofile_id = %s)
               {key}
        FROM {_table(Ticket)} t
        JOIN {_table(Order)} o ON o.id = t.order_id
        JOIN {_table(Shop)} s ON s.id = o.shop_id
        JOIN {_table(EventDate)} d ON d.id = t.date_id
        LEFT JOIN {_table(TicketCheckinState)} cs ON cs.ticket_id = t.id
        WHERE {where} AND s.organizer_id = %s
    """  # noqa: S608 - table names from the models, values as parameters


def aware_datetime(value) -> datetime | None:
    """A datetime read by a raw query, aware (SQLite keeps UTC without its zone)."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value


def scanned_ticket(
    *,
    organizer_id: int,
    profile_id: int,
    secret: str = "",
    ticket_id: int | None = None,
    key_id: int | None = None,
) -> ScannedTicket | None:
    """The organizer's ticket with this secret (or id), or None: one query. With `key_id`
    (a signed code's), the public key of that id if it belongs to the ticket's shop."""
    by, value = ("secret", secret) if secret else ("id", ticket_id)
    params = [profile_id, profile_id, profile_id, profile_id]
    if key_id is not None:
        params.append(key_id)
    params += [value, organizer_id]
    row = fetch_one(_sql(by, key_id is not None), params)
    if row is None:
        return None
    (
        pk,
        state,
        holder_name,
        price_name,
        amount,
        date_id,
        zone_id,
        seat_id,
        order_state,
        order_number,
        first_name,
        last_name,
        email,
        currency,
        shop_id,
        time_zone,
        starts_at,
        date_cancelled,
        event_id,
        event_name,
        zone_name,
        seat_row,
        seat_number,
        entries,
        inside,
        in_dates,
        in_events,
        zone_listed,
        zones_chosen,
        *key,
    ) = row
    return ScannedTicket(
        id=pk,
        state=state,
        holder_name=holder_name,
        price_name=price_name,
        amount=quantize(Decimal(str(amount))),
        date_id=date_id,
        zone_id=zone_id,
        seat_id=seat_id,
        order_state=order_state,
        order_number=order_number,
        buyer_first_name=first_name,
        buyer_last_name=last_name,
        buyer_email=email,
        currency=currency,
        shop_id=shop_id,
        time_zone=time_zone,
        starts_at=aware_datetime(starts_at),
        date_cancelled=bool(date_cancelled),
        event_id=event_id,
        event_name=event_name,
        zone_name=zone_name,
        seat_row=seat_row,
        seat_number=seat_number,
        entries=entries,
        inside=bool(inside),
        in_dates=bool(in_dates),
        in_events=bool(in_events),
        zone_listed=bool(zone_listed),
        zones_chosen=bool(zones_chosen),
        signing_key=bytes(key[0]) if key and key[0] is not None else None,
    )
