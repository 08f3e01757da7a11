"""Gapless document numbers per shop (PAY-11).

The counter row is locked until the transaction that creates the document commits; a
rollback undoes the increment too, so no number is ever skipped and none is used twice.
"""

from django.db import IntegrityError, transaction

from billetterie.banking.models import DocumentCounter

INVOICE = "invoice"


def document_number_next(*, shop, kind: str) -> int:
    """The shop's next number for `kind`. Must run inside the creating transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("document numbers are taken inside the document's transaction")
    if not DocumentCounter.objects.filter(shop=shop, kind=kind).exists():
        try:
            with transaction.atomic():
                DocumentCounter.objects.create(shop=shop, kind=kind, last=0)
        except IntegrityError:
            pass  # created meanwhile by a concurrent first document
    counter = DocumentCounter.objects.select_for_update().get(shop=shop, kind=kind)
    counter.last += 1
    DocumentCounter.objects.filter(pk=counter.pk).update(last=counter.last)
    return counter.last
