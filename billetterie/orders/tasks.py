from datetime import timedelta

from django.tasks import task

from billetterie.core import periodic
from billetterie.orders.confirmation import confirmation_send
from billetterie.orders.exports import tasks as export_tasks  # noqa: F401 (registers them)
from billetterie.orders.models import Order
from billetterie.orders.services.checkout import orders_expire_due


@task(queue_name="email")
def send_order_confirmation(order_id: int) -> None:
    confirmation_send(Order.objects.select_related("shop__organizer").get(pk=order_id))


@task()
def expire_unpaid_orders() -> int:
    return orders_expire_due()


periodic.register(expire_unpaid_orders, every=timedelta(minutes=1))
