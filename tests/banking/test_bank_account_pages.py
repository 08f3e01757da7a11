"""Back-office pages of bank accounts and invoice settings (PAY-5, PAY-6), through HTTP."""

import pytest
from django.urls import reverse

from billetterie.banking.models import BankAccount
from billetterie.banking.services import invoices
from billetterie.core.models import Level
from billetterie.payments.models import ShopPaymentMethod
from tests import factories as f
from tests.banking.helpers import (
    IBAN,
    account_values,
    far_concert,
    invoice_shop,
    pay_by_invoice,
)
from tests.orders.sales import place

pytestmark = pytest.mark.django_db


def url(shop, name, *args):
    return reverse(f"backoffice:{name}", args=[shop.organizer.slug, shop.slug, *args])


def test_add_accounts_choose_one_and_delete_the_other(manager_client, shop):
    response = manager_client.post(url(shop, "bank_account_create"), account_values())
    assert response.status_code == 302
    first = BankAccount.objects.get()
    assert first.iban == "CH4431999123000889012" and first.in_use  # the first is in use
    manager_client.post(url(shop, "bank_account_create"), account_values(label="Poste", iban=IBAN))
    second = BankAccount.objects.get(label="Poste")
    assert not second.in_use
    page = manager_client.get(url(shop, "bank_accounts")).content.decode()
    assert "CH44 3199 9123 0008 8901 2" in page and "QR-IBAN" in page

    manager_client.post(url(shop, "bank_account_use", second.pk))
    assert BankAccount.objects.get(in_use=True) == second

    confirm = manager_client.get(url(shop, "bank_account_delete", first.pk))
    assert "Delete the bank account" in confirm.content.decode()
    manager_client.post(url(shop, "bank_account_delete", first.pk))
    assert list(BankAccount.objects.all()) == [second]


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"iban": "CH44 3199 9123 0008 8901 3"}, "check digits do not match"),
        ({"iban": "1234"}, "An IBAN starts with two letters"),
        ({"currency": "EUR"}, "This shop sells in CHF"),
        ({"town": ""}, "This field is required"),
        ({"country": "ZZ"}, "This country code is not known"),
    ],
)
def test_bad_account_shows_an_error_and_changes_nothing(manager_client, shop, values, message):
    response = manager_client.post(url(shop, "bank_account_create"), account_values(**values))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not BankAccount.objects.exists()


def test_an_account_with_invoices_is_kept_and_its_iban_frozen(manager_client, organizer, shop):
    account = invoice_shop(shop)
    pay_by_invoice(place(shop, far_concert(organizer, shop)))
    confirm = manager_client.get(url(shop, "bank_account_delete", account.pk)).content.decode()
    assert "cannot be deleted" in confirm
    response = manager_client.post(url(shop, "bank_account_delete", account.pk), follow=True)
    assert "cannot be deleted" in response.content.decode()
    assert BankAccount.objects.filter(pk=account.pk).exists()
    response = manager_client.post(
        url(shop, "bank_account_edit", account.pk), account_values(iban=IBAN)
    )
    assert "it cannot change" in response.content.decode()
    assert BankAccount.objects.get(pk=account.pk).iban == "CH4431999123000889012"
    manager_client.post(url(shop, "bank_account_edit", account.pk), account_values(label="Main"))
    assert BankAccount.objects.get(pk=account.pk).label == "Main"


def test_invoice_settings_explain_the_days_and_enable_the_method(manager_client, shop):
    page = manager_client.get(url(shop, "invoice_settings")).content.decode()
    assert "Reminders on day 10 and day 20, cancellation on day 30 after the order." in page
    assert "No bank account is in use" in page
    response = manager_client.post(
        url(shop, "invoice_settings"),
        {"enabled": "on", "reminder_days": 5, "reminder_count": 2, "offer_days_before": 20},
        follow=True,
    )
    page = response.content.decode()
    assert "Reminders on day 5 and day 10, cancellation on day 15 after the order." in page
    assert invoices.invoice_method_enabled(shop)
    rule = invoices.invoice_rule(shop)
    assert (rule.reminder_days, rule.reminder_count, rule.offer_days_before) == (5, 2, 20)
    explained = manager_client.get(
        url(shop, "invoice_settings_explain"),
        {"reminder_days": 7, "reminder_count": 0, "offer_days_before": 3},
    ).content.decode()
    assert explained.startswith("No reminder; cancellation on day 7 after the order.")
    assert "3 days before" in explained
    bad = manager_client.post(
        url(shop, "invoice_settings"),
        {"enabled": "on", "reminder_days": 0, "reminder_count": 2, "offer_days_before": 20},
    )
    assert bad.status_code == 200 and invoices.invoice_rule(shop).reminder_days == 5
    manager_client.post(
        url(shop, "invoice_settings"),
        {"reminder_days": 5, "reminder_count": 2, "offer_days_before": 20},
    )
    assert not invoices.invoice_method_enabled(shop)
    assert ShopPaymentMethod.objects.get(shop=shop, provider="invoice").config["reminder_days"] == 5


def test_view_level_cannot_manage_accounts(client_for, organizer, shop):
    viewer = f.make_staff("viewer@example.org")
    f.grant(organizer, Level.VIEW, user=viewer)
    client = client_for(viewer)
    assert client.get(url(shop, "bank_accounts")).status_code == 403
    assert client.post(url(shop, "bank_account_create"), account_values()).status_code == 403
    assert not BankAccount.objects.exists()


def test_order_invoice_download_and_resend(
    manager_client, client, organizer, shop, django_capture_on_commit_callbacks
):
    from django.core import mail

    invoice_shop(shop)
    order = place(shop, far_concert(organizer, shop))
    pay_by_invoice(order)
    page = manager_client.get(url(shop, "order", order.pk)).content.decode()
    assert "Invoice 000001" in page and "Resend the invoice" in page
    pdf = manager_client.get(url(shop, "order_invoice_pdf", order.pk))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        manager_client.post(url(shop, "order_invoice_resend", order.pk))
    (email,) = mail.outbox
    assert email.attachments[0][0] == "invoice-000001.pdf"
    # the buyer's page, by its secret link
    buyer_page = client.get(reverse("shop:order", args=[order.secret])).content.decode()
    assert "Invoice 000001" in buyer_page and "Please pay CHF 90.00 by" in buyer_page
    assert 'name="method"' not in buyer_page  # no second way of paying next to the invoice
    again = client.post(
        reverse("shop:order", args=[order.secret]), {"method": "onsite"}, follow=True
    )
    assert "This order is paid by invoice" in again.content.decode()
    order.refresh_from_db()
    assert order.payment_method == "invoice"
    download = client.get(reverse("shop:order_invoice", args=[order.secret]))
    assert download.content.startswith(b"%PDF")
    assert client.get(reverse("shop:order_invoice", args=["nope"])).status_code == 404
