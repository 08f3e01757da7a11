"""Domain signals → webhook events."""

from django.dispatch import receiver

from billetterie.checkin.signals import checkin_created
from billetterie.orders.signals import order_changed
from billetterie.webhooks import payloads, services
from billetterie.webhooks.models import WebhookEvent

ORDER_EVENTS = {
    "placed": WebhookEvent.ORDER_CREATED,
    "paid": WebhookEvent.ORDER_PAID,
    "cancelled": WebhookEvent.ORDER_CANCELLED,
    "expired": WebhookEvent.ORDER_CANCELLED,
}


@receiver(order_changed, dispatch_uid="webhooks.order_changed")
def _order_changed(sender, order, kind, **kwargs):
    event = ORDER_EVENTS.get(kind)
    if event is None:
        return
    services.event_emit(
        shop_id=order.shop_id, event=event, build_payload=lambda: payloads.order_payload(order.pk)
    )


@receiver(checkin_created, dispatch_uid="webhooks.checkin_created")
def _checkin_created(sender, **details):
    services.event_emit(
        shop_id=details["shop_id"],
        event=WebhookEvent.CHECKIN_CREATED,
        build_payload=lambda: payloads.checkin_payload(**details),
    )
