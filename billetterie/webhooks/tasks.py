from datetime import timedelta

from django.tasks import task

from billetterie.core import periodic
from billetterie.webhooks import services


@task(queue_name="webhooks")
def deliver_webhook(delivery_id: int) -> str | None:
    return services.delivery_attempt(delivery_id)


@task(queue_name="webhooks")
def retry_webhooks() -> int:
    return services.deliveries_retry_due()


periodic.register(retry_webhooks, every=timedelta(seconds=30))
