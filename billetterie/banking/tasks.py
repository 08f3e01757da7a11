from datetime import timedelta

from django.tasks import task

from billetterie.banking.models import Invoice
from billetterie.banking.services.invoices import invoice_deadlines_run, invoice_email_queue
from billetterie.core import periodic


@task(queue_name="email")
def send_invoice_email(invoice_id: int, kind: str) -> None:
    invoice_email_queue(Invoice.objects.get(pk=invoice_id), kind)


@task()
def invoice_deadlines() -> dict:
    return invoice_deadlines_run()


periodic.register(invoice_deadlines, every=timedelta(minutes=15))
