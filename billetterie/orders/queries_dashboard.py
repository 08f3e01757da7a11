"""The figures of a shop's dashboard: sales today and in total per event and date, revenue
per payment method, and sales per day.

Every figure is an aggregate query (a fixed number of them whatever the number of orders,
tickets, events or dates): nothing loops over orders in Python. "Today" and the days of the
chart are the shop's calendar days, in its time zone.

What counts:
- sold: the valid tickets of paid orders; their revenue is the tickets' amounts;
- reserved: the valid tickets of reservations waiting for payment on site (PAY-8);
- revenue (totals, methods, days): the totals of paid orders, after their reductions.
"""

from dataclasses import dataclass, field
from datetime import date as date_type
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count, DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from billetterie.catalog.models import Event, EventDate
from billetterie.core.models import Shop
from billetterie.core.money import quantize
from billetterie.orders.models import Order, Ticket

ZERO = Decimal("0.00")
CHART_DAYS = 30


def _money(expression):
    return Coalesce(
        expression, Value(ZERO), output_field=DecimalField(max_digits=12, decimal_places=2)
    )


@dataclass
class DateSales:
    date: EventDate
    sold: int = 0
    sold_today: int = 0
    reserved: int = 0
    revenue: Decimal = ZERO
    revenue_today: Decimal = ZERO
    checked_in: int | None = None  # None: check-in figures not known


@dataclass
class EventSales:
    event: Event
    dates: list[DateSales] = field(default_factory=list)

    @property
    def sold(self) -> int:
        return sum(d.sold for d in self.dates)

    @property
    def sold_today(self) -> int:
        return sum(d.sold_today for d in self.dates)

    @property
    def reserved(self) -> int:
        return sum(d.reserved for d in self.dates)

    @property
    def revenue(self) -> Decimal:
        return sum((d.revenue for d in self.dates), ZERO)

    @property
    def revenue_today(self) -> Decimal:
        return sum((d.revenue_today for d in self.dates), ZERO)


@dataclass(frozen=True)
class MethodRevenue:
    method: str  # the payment provider's identifier ("" for none recorded)
    orders: int
    amount: Decimal


@dataclass(frozen=True)
class DaySales:
    day: date_type
    orders: int
    tickets: int
    revenue: Decimal


@dataclass
class ShopDashboard:
    currency: str
    today: date_type
    orders: int
    orders_today: int
    revenue: Decimal
    revenue_today: Decimal
    tickets: int
    tickets_today: int
    reserved: int
    events: list[EventSales]
    methods: list[MethodRevenue]
    days: list[DaySales]

    @property
    def ticket_revenue(self) -> Decimal:
        return sum((e.revenue for e in self.events), ZERO)

    @property
    def reductions(self) -> Decimal:
        """What the order reductions took off the tickets' prices (SHOP-6)."""
        return self.ticket_revenue - self.revenue


def _midnight(day: date_type, shop: Shop) -> datetime:
    return datetime.combine(day, time(0), tzinfo=shop.zone_info)


def shop_dashboard(shop: Shop, *, now=None, days: int = CHART_DAYS) -> ShopDashboard:
    """The dashboard of one shop: six aggregate queries."""
    now = now or timezone.now()
    tz = shop.zone_info
    today = timezone.localtime(now, tz).date()
    since_today = Q(paid_at__gte=_midnight(today, shop))
    paid = Order.objects.filter(shop=shop, state=Order.State.PAID)
    totals = paid.aggregate(
        orders=Count("pk"),
        orders_today=Count("pk", filter=since_today),
        revenue=_money(Sum("total")),
        revenue_today=_money(Sum("total", filter=since_today)),
    )

    tickets = Ticket.objects.filter(order__shop=shop, state=Ticket.State.VALID)
    is_paid = Q(order__state=Order.State.PAID)
    paid_today = is_paid & Q(order__paid_at__gte=_midnight(today, shop))
    reserved = Q(order__state=Order.State.PENDING, order__expires_at__isnull=True)
    per_date = {
        row["date_id"]: row
        for row in tickets.filter(is_paid | reserved)
        .values("date_id")
        .annotate(
            sold=Count("pk", filter=is_paid),
            sold_today=Count("pk", filter=paid_today),
            reserved=Count("pk", filter=reserved),
            revenue=_money(Sum("amount", filter=is_paid)),
            revenue_today=_money(Sum("amount", filter=paid_today)),
        )
        .order_by()
    }
    events: dict[int, EventSales] = {}
    for date in (
        EventDate.objects.filter(event__shop=shop)
        .select_related("event__shop")
        .order_by("event__name", "event_id", "starts_at", "pk")
    ):
        row = per_date.get(date.pk, {})
        sales = DateSales(
            date=date,
            sold=row.get("sold", 0),
            sold_today=row.get("sold_today", 0),
            reserved=row.get("reserved", 0),
            revenue=quantize(row.get("revenue", ZERO)),
            revenue_today=quantize(row.get("revenue_today", ZERO)),
        )
        events.setdefault(date.event_id, EventSales(date.event)).dates.append(sales)

    methods = [
        MethodRevenue(row["payment_method"], row["orders"], quantize(row["amount"]))
        for row in paid.values("payment_method")
        .annotate(orders=Count("pk"), amount=_money(Sum("total")))
        .order_by("-amount", "payment_method")
    ]

    first_day = today - timedelta(days=days - 1)
    in_chart = paid.filter(paid_at__gte=_midnight(first_day, shop))
    by_day = {
        row["day"]: row
        for row in in_chart.annotate(day=TruncDate("paid_at", tzinfo=tz))
        .values("day")
        .annotate(orders=Count("pk"), revenue=_money(Sum("total")))
        .order_by()
    }
    tickets_by_day = dict(
        tickets.filter(is_paid, order__paid_at__gte=_midnight(first_day, shop))
        .annotate(day=TruncDate("order__paid_at", tzinfo=tz))
        .values("day")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("day", "n")
    )
    chart = []
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        row = by_day.get(day, {})
        chart.append(
            DaySales(
                day=day,
                orders=row.get("orders", 0),
                tickets=tickets_by_day.get(day, 0),
                revenue=quantize(row.get("revenue", ZERO)),
            )
        )

    event_list = list(events.values())
    return ShopDashboard(
        currency=shop.currency,
        today=today,
        orders=totals["orders"],
        orders_today=totals["orders_today"],
        revenue=quantize(totals["revenue"]),
        revenue_today=quantize(totals["revenue_today"]),
        tickets=sum(e.sold for e in event_list),
        tickets_today=sum(e.sold_today for e in event_list),
        reserved=sum(e.reserved for e in event_list),
        events=event_list,
        methods=methods,
        days=chart,
    )
