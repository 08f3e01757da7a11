"""Export tasks: building large exports on their own queue, and deleting expired files."""

from datetime import timedelta

from django.tasks import task

from billetterie.core import periodic
from billetterie.orders.exports import services


@task(queue_name="exports")
def run_export(export_id: int) -> None:
    services.export_run(export_id)


@task()
def purge_expired_exports() -> int:
    return services.exports_purge_expired()


periodic.register(purge_expired_exports, every=timedelta(hours=1))
