"""What the box office prints (BOX-1, BOX-3, PAY-11): tickets whose QR codes scan back to
their secrets, and receipts numbered without gaps per shop, read back from the PDF."""

import io
from decimal import Decimal

import pypdf
import pypdfium2
import pytest
import zxingcpp

from billetterie.boxoffice import services as box
from billetterie.boxoffice.exceptions import NoCounterPayment, NothingToPrint
from billetterie.boxoffice.models import Receipt
from billetterie.boxoffice.printing import receipt_pdf, tickets_pdf
from billetterie.core.models import AuditLogEntry, Level
from tests import factories as f
from tests.boxoffice.conftest import reserve, sell
from tests.catalog_factories import make_event_with_date, make_price

pytestmark = pytest.mark.django_db


def qr_codes_of(pdf: bytes) -> list[str]:
    found = []
    for page in pypdfium2.PdfDocument(io.BytesIO(pdf)):
        image = page.render(scale=2).to_pil()
        found += [
            code.text
            for code in zxingcpp.read_barcodes(image)
            if code.format == zxingcpp.BarcodeFormat.QRCode
        ]
    return found


def text_of(pdf: bytes) -> str:
    """The PDF's text, spaces and line breaks collapsed to one space."""
    pages = pypdf.PdfReader(io.BytesIO(pdf)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def cashier_of(shop):
    user = f.make_staff()
    f.grant(shop.organizer, Level.BOX_OFFICE, user=user, shop=shop)
    return user


def test_all_or_some_tickets_print_with_their_qr_codes(shop, concert, cashier):
    order = sell(shop, cashier, concert.date, concert.standing, concert.full, 3).order
    every = box.printable_tickets(order)
    assert sorted(qr_codes_of(tickets_pdf(order, every))) == sorted(t.secret for t in every)

    chosen = box.printable_tickets(order, [every[1].pk])
    assert qr_codes_of(tickets_pdf(order, chosen)) == [every[1].secret]
    box.tickets_printed(order=order, actor=cashier, tickets=chosen)
    assert order.events.get(kind="tickets_printed").data == {"tickets": [every[1].pk]}
    assert AuditLogEntry.objects.filter(action="boxoffice.tickets_printed").count() == 1


def test_unpaid_tickets_are_not_printed(shop, concert, cashier):
    reservation = reserve(shop, cashier, concert, 2)
    with pytest.raises(NothingToPrint):
        box.printable_tickets(reservation)
    paid = sell(shop, cashier, concert.date, concert.standing, concert.full, 1).order
    with pytest.raises(NothingToPrint):
        box.printable_tickets(paid, [reservation.tickets.first().pk])


def test_receipts_are_numbered_per_shop_and_reprinted_identically(
    shop, organizer, concert, cashier
):
    first = sell(shop, cashier, concert.date, concert.standing, concert.full, 3, given="100")
    second = sell(
        shop, cashier, concert.date, concert.standing, concert.reduced, 1, method="card_terminal"
    )
    receipt_2 = box.receipt_issue(order=second.order, actor=cashier)
    receipt_1 = box.receipt_issue(order=first.order, actor=cashier)
    assert (receipt_2.number, receipt_1.number) == (1, 2)
    assert box.receipt_issue(order=first.order, actor=cashier).pk == receipt_1.pk
    assert Receipt.objects.count() == 2

    # another shop of the organizer counts from 1
    other_shop = f.make_shop(organizer)
    event, date = make_event_with_date(other_shop, concert.event.venue, name="Elsewhere")
    price = make_price(event, concert.standing, amount="12.00")
    elsewhere = sell(other_shop, cashier_of(other_shop), date, concert.standing, price)
    assert box.receipt_issue(order=elsewhere.order, actor=elsewhere.payment.cashier).number == 1

    text = text_of(receipt_pdf(receipt_1, language="en"))
    assert "Receipt No. 000002" in text
    assert f"Order {first.order.code}" in text
    assert "3 x Plein tarif" in text
    assert "CHF 90.00" in text
    assert "Total CHF 90.00" in text
    assert "Paid by Cash" in text
    assert "Cash given CHF 100.00" in text
    assert "Change CHF 10.00" in text
    assert "Served by cashier@example.org" in text
    french = text_of(receipt_pdf(receipt_1, language="fr"))
    assert french != text


def test_no_receipt_without_a_counter_payment(shop, concert, cashier):
    reservation = reserve(shop, cashier, concert, 1)
    with pytest.raises(NoCounterPayment):
        box.receipt_issue(order=reservation, actor=cashier)
    box.order_pay(order=reservation, actor=cashier, method="cash", amount_given=Decimal("50"))
    receipt = box.receipt_issue(order=reservation, actor=cashier)
    assert receipt.content["change"] == "20.00"
