"""QR references, creditor references and IBANs (PAY-6), against published examples."""

import pytest
from django.core.exceptions import ValidationError

from billetterie.banking import references as r


@pytest.mark.parametrize(
    ("reference", "digit"),
    [
        # the example of the Swiss QR-bill implementation guidelines (SIX)
        ("21 00000 00003 13947 14300 0901", "7"),
        # the classic ISR example "12 00000 00000 23447 89432 16899"
        ("12 00000 00000 23447 89432 1689", "9"),
        ("00 00000 00000 00000 00000 0000", "0"),
    ],
)
def test_qr_reference_check_digit_of_published_examples(reference, digit):
    assert r.qr_reference_check_digit(r.compact(reference)) == digit
    assert r.qr_reference_is_valid(r.compact(reference) + digit)


def test_a_wrong_digit_or_a_swap_is_caught():
    good = "210000000003139471430009017"
    assert r.qr_reference_is_valid(good)
    assert not r.qr_reference_is_valid(good[:-1] + "8")
    swapped = good[:11] + good[12] + good[11] + good[13:]  # "31" typed as "13"
    assert not r.qr_reference_is_valid(swapped)
    assert not r.qr_reference_is_valid(good[:-1])  # 26 digits
    with pytest.raises(ValidationError):
        r.validate_qr_reference("21000000000313947143000901A")
    assert r.validate_qr_reference("21 00000 00003 13947 14300 09017") == good


def test_our_qr_reference_names_the_shop_and_the_invoice():
    reference = r.qr_reference_for(shop_id=42, number=7)
    assert reference == "00000042" + "0" * 17 + "7" + r.qr_reference_check_digit(reference[:-1])
    assert len(reference) == 27 and r.qr_reference_is_valid(reference)
    assert (
        r.format_qr_reference("210000000003139471430009017") == "21 00000 00003 13947 14300 09017"
    )
    # every reference we make passes the independent implementation of python-stdnum
    from stdnum.ch import esr

    for shop_id, number in [(1, 1), (99, 123456), (12345678, 10**17)]:
        assert esr.is_valid(r.qr_reference_for(shop_id=shop_id, number=number))


def test_creditor_reference_iso_11649():
    assert r.creditor_reference("539007547034") == "RF18539007547034"  # the standard's example
    ours = r.creditor_reference_for(shop_id=42, number=7)
    assert ours.startswith("RF") and r.creditor_reference_is_valid(ours)
    assert r.format_creditor_reference("RF18539007547034") == "RF18 5390 0754 7034"


def test_iban_mod_97_and_qr_iban():
    assert r.validate_iban("ch44 3199 9123 0008 8901 2") == "CH4431999123000889012"
    assert r.is_qr_iban("CH44 3199 9123 0008 8901 2")  # institution id 31999
    assert not r.is_qr_iban("CH93 0076 2011 6238 5295 7")  # institution id 00762
    assert not r.is_qr_iban("DE89 3704 0044 0532 0130 00")  # not Swiss
    with pytest.raises(ValidationError) as error:
        r.validate_iban("CH44 3199 9123 0008 8901 3")
    assert error.value.code == "iban_checksum"
    with pytest.raises(ValidationError) as error:
        r.validate_iban("hello")
    assert error.value.code == "iban_format"
    assert r.reference_kind(iban="CH4431999123000889012", currency="CHF") == "QRR"
    assert r.reference_kind(iban="CH9300762011623852957", currency="CHF") == "SCOR"
    assert r.qr_bill_possible(iban="CH9300762011623852957", currency="CHF")
    assert not r.qr_bill_possible(iban="DE89370400440532013000", currency="EUR")
