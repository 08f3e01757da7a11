"""What a webhook says about an order or a check-in: the same fields as the REST API's
order, so an integration can treat both alike."""

from billetterie.orders.models import Order


def order_payload(order_id: int) -> dict:
    order = Order.objects.select_related("shop").get(pk=order_id)
    tickets = order.tickets.values(
        "id", "state", "date_id", "zone_id", "price_id", "seat_id", "amount"
    )
    return {
        "order": {
            "id": order.pk,
            "number": order.number,
            "state": order.state,
            "total": str(order.total),
            "currency": order.currency,
            "email": order.email,
            "first_name": order.first_name,
            "last_name": order.last_name,
            "language": order.language,
            "payment_method": order.payment_method,
            "created_at": order.created_at,
            "paid_at": order.paid_at,
            "shop": order.shop.slug,
            "tickets": [{**t, "amount": str(t["amount"])} for t in tickets],
        }
    }


def checkin_payload(**details) -> dict:
    return {
        "checkin": {
            "id": details["checkin_id"],
            "ticket_id": details["ticket_id"],
            "date_id": details["date_id"],
            "zone_id": details["zone_id"],
            "direction": details["direction"],
            "scanned_at": details["scanned_at"],
            "offline": details["offline"],
            "device_id": details["device_id"],
        }
    }
