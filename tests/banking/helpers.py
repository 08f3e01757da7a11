"""Shops that take invoices, and invoice orders, for the banking tests."""

from datetime import datetime, time, timedelta

from billetterie.banking.deadlines import DeadlineRule
from billetterie.banking.services import accounts
from billetterie.banking.services.invoice_settings import invoice_settings_save
from billetterie.payments import services as payments
from tests.catalog_factories import ZURICH, make_event_with_date, make_price, make_venue
from tests.orders.sales import Concert

QR_IBAN = "CH44 3199 9123 0008 8901 2"  # the test QR-IBAN of the Swiss implementation guide
IBAN = "CH93 0076 2011 6238 5295 7"  # a normal Swiss IBAN (published example)


def account_values(**values) -> dict:
    return {
        "label": "Compte QR",
        "iban": QR_IBAN,
        "currency": "CHF",
        "holder_name": "Théâtre des Arts",
        "street": "Rue du Midi",
        "house_number": "12",
        "postal_code": "1003",
        "town": "Lausanne",
        "country": "CH",
        **values,
    }


def invoice_shop(shop, *, iban=QR_IBAN, rule: DeadlineRule | None = None, currency="CHF"):
    """The shop with a bank account in use and payment by invoice enabled."""
    account = accounts.bank_account_create(
        shop=shop, actor=None, values=account_values(iban=iban, currency=currency)
    )
    invoice_settings_save(shop=shop, actor=None, enabled=True, rule=rule or DeadlineRule())
    return account


def far_concert(organizer, shop, *, days=120, name="Concert") -> Concert:
    """A concert far enough ahead that invoices are offered for it."""
    venue, standing, numbered = make_venue(organizer, free=50)
    when = datetime.combine(datetime.now(ZURICH).date() + timedelta(days=days), time(20), ZURICH)
    event, date = make_event_with_date(shop, venue, name=name, when=when)
    full = make_price(event, standing, amount="45.00")
    seated = make_price(event, numbered, name="Balcon", amount="60.00")
    return Concert(event, date, standing, numbered, full, seated)


def pay_by_invoice(order):
    payments.payment_start(order=order, provider_id="invoice")
    order.refresh_from_db()
    return order.invoice
