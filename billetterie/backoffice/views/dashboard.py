"""A shop's home in the back office: its settings in brief and its sales dashboard (sales
today and in total per event and date, revenue per payment method, sales per day as a
server-rendered SVG chart, check-ins)."""

from dataclasses import dataclass
from decimal import Decimal

from django.shortcuts import render
from django.utils import formats
from django.utils.translation import ngettext

from billetterie.backoffice.access import shop_view
from billetterie.checkin.queries import live_counts
from billetterie.core.models import Level
from billetterie.core.money import format_money
from billetterie.orders.queries_dashboard import DaySales, ShopDashboard, shop_dashboard
from billetterie.payments import registry

# the chart's drawing area, in SVG user units (the SVG scales to the page width)
CHART_W, CHART_H = 640, 220
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 64, 8, 12, 28


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str  # "12.05.2027: 3 tickets, CHF 90.00"


@dataclass(frozen=True)
class Tick:
    x: float
    y: float
    text: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    baseline: float
    left: float
    right: float
    empty: bool


def _nice_ceiling(value: Decimal) -> Decimal:
    """A round axis maximum above `value`: 1, 2, 2.5 or 5 times a power of ten."""
    if value <= 0:
        return Decimal(1)
    magnitude = Decimal(10) ** (len(str(int(value))) - 1)
    for step in (1, 2, Decimal("2.5"), 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def sales_chart(days: list[DaySales], currency: str) -> Chart:
    """Revenue per day as bar geometry; every label is ready to show."""
    plot_w = CHART_W - PAD_LEFT - PAD_RIGHT
    plot_h = CHART_H - PAD_TOP - PAD_BOTTOM
    baseline = PAD_TOP + plot_h
    top = _nice_ceiling(max((d.revenue for d in days), default=Decimal(0)))
    slot = plot_w / max(len(days), 1)
    bars, x_ticks = [], []
    for index, day in enumerate(days):
        height = float(day.revenue / top) * plot_h if top else 0.0
        when = formats.date_format(day.day, "SHORT_DATE_FORMAT")
        label = f"{when}: {_tickets_text(day.tickets)}, {format_money(day.revenue, currency)}"
        x = PAD_LEFT + index * slot
        bars.append(
            Bar(
                x=round(x + slot * 0.15, 2),
                y=round(baseline - height, 2),
                width=round(slot * 0.7, 2),
                height=round(height, 2),
                label=label,
            )
        )
        if index in (0, len(days) // 2, len(days) - 1):
            x_ticks.append(
                Tick(round(x + slot / 2, 2), baseline + 18, formats.date_format(day.day, "j.m"))
            )
    y_ticks = [
        Tick(PAD_LEFT - 6, round(baseline - plot_h * share, 2), format_money(top * share, ""))
        for share in (Decimal(0), Decimal("0.5"), Decimal(1))
    ]
    return Chart(
        width=CHART_W,
        height=CHART_H,
        bars=bars,
        x_ticks=x_ticks,
        y_ticks=[Tick(t.x, t.y, t.text.strip()) for t in y_ticks],
        baseline=baseline,
        left=PAD_LEFT,
        right=CHART_W - PAD_RIGHT,
        empty=not any(d.revenue or d.tickets for d in days),
    )


def _tickets_text(n: int) -> str:
    return ngettext("%(n)s ticket", "%(n)s tickets", n) % {"n": n}


def _add_checkins(board: ShopDashboard, organizer_id: int) -> None:
    """Tickets admitted at least once, per date (from the check-in app, SCAN-*)."""
    date_ids = [d.date.pk for e in board.events for d in e.dates]
    entered: dict[int, int] = {}
    for row in live_counts(organizer_id=organizer_id, date_ids=date_ids):
        entered[row.date_id] = entered.get(row.date_id, 0) + row.entered
    for event in board.events:
        for sales in event.dates:
            sales.checked_in = entered.get(sales.date.pk, 0)


@shop_view(Level.VIEW)
def shop_dashboard_view(request):
    shop = request.shop
    board = shop_dashboard(shop)
    _add_checkins(board, shop.organizer_id)
    methods = []
    for row in board.methods:
        provider = registry.get(row.method) if row.method else None
        methods.append(
            {
                "name": provider.name if provider else (row.method or "—"),
                "orders": row.orders,
                "amount": row.amount,
            }
        )
    return render(
        request,
        "backoffice/dashboard.html",
        {
            "shop": shop,
            "board": board,
            "methods": methods,
            "chart": sales_chart(board.days, shop.currency),
            "checked_in": sum(d.checked_in or 0 for e in board.events for d in e.dates),
        },
    )
