"""Reads of the capacity counters for the back office, scoped by the dates given."""

from billetterie.inventory.models import Quota


def quotas_by_date(dates) -> dict[int, list[Quota]]:
    """The quotas of each date (date-wide first, then per zone, then per price)."""
    result: dict[int, list[Quota]] = {d.pk: [] for d in dates}
    quotas = (
        Quota.objects.filter(date_id__in=list(result))
        .select_related("zone", "price")
        .order_by("date_id", "zone_id", "price_id", "pk")
    )
    for quota in quotas:
        result[quota.date_id].append(quota)
    for date_quotas in result.values():
        date_quotas.sort(key=lambda q: (q.zone_id is not None, q.price_id is not None, q.pk))
    return result
