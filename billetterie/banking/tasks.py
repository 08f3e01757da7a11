from datetime import timedelta

from django.tasks import task

from billetterie.banking.models import Invoice
from billetterie.banking.services.invoices import invoice_deadlines_run, invoice_email_queue
from billetterie.core import periodic


@task(queue_name="email")
def send_invoice_email(invoice_id: int, kind: str) -> None:
    """The invoice email after issue; a task run twice (a worker retry) sends it once."""
    invoice = Invoice.objects.select_related("order").get(pk=invoice_id)
    if invoice.order.events.filter(kind=f"invoice_email_{kind}").exists():
        return
    invoice_email_queue(invoice, kind)


@task()
def invoice_deadlines() -> dict:
    return invoice_deadlines_run()


periodic.register(invoice_deadlines, every=timedelta(minutes=15))
