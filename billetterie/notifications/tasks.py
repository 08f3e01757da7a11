from datetime import timedelta

from django.tasks import task

from billetterie.core import periodic
from billetterie.notifications import services


@task(queue_name="email")
def send_outbox_message(message_id: int) -> bool:
    return services.outbox_send(message_id)


@task(queue_name="email")
def retry_outbox() -> int:
    return services.outbox_retry()


periodic.register(retry_outbox, every=timedelta(minutes=2))
