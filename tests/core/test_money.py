"""Money helpers: exact decimals, amounts typed by people, Swiss-style display."""

from decimal import Decimal

import pytest

from billetterie.core.exceptions import InvalidInput
from billetterie.core.money import format_money, parse_amount, quantize


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("12", "12.00"),
        ("12.5", "12.50"),
        ("12,50", "12.50"),
        ("1'200.00", "1200.00"),
        ("1\u2019200.00", "1200.00"),
        (" 1 200,05 ", "1200.05"),
        ("0", "0.00"),
    ],
)
def test_parse_amount_reads_what_people_type(text, amount):
    assert parse_amount(text) == Decimal(amount)
    assert parse_amount(text).as_tuple().exponent == -2


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("abc", "is not an amount"),
        ("", "is not an amount"),
        ("-1", "is not an amount"),
        ("NaN", "is not an amount"),
        ("Infinity", "is not an amount"),
        ("1.234", "at most two decimals"),
        ("1,2,3", "is not an amount"),
    ],
)
def test_parse_amount_refuses(text, message):
    with pytest.raises(InvalidInput, match=message):
        parse_amount(text)


def test_quantize_refuses_floats():
    with pytest.raises(TypeError, match="never float"):
        quantize(12.5)


def test_quantize_rounds_half_up():
    assert quantize(Decimal("0.005")) == Decimal("0.01")
    assert quantize(Decimal("2.675")) == Decimal("2.68")
    assert quantize(Decimal("-2.675")) == Decimal("-2.68")


@pytest.mark.parametrize(
    ("amount", "currency", "text"),
    [
        ("0", "CHF", "CHF 0.00"),
        ("12.5", "CHF", "CHF 12.50"),
        ("1234.5", "CHF", "CHF 1\u2019234.50"),
        ("1234567.891", "EUR", "EUR 1\u2019234\u2019567.89"),
        ("-1234.5", "CHF", "CHF -1\u2019234.50"),
        ("999", "EUR", "EUR 999.00"),
    ],
)
def test_format_money(amount, currency, text):
    assert format_money(Decimal(amount), currency) == text


def test_format_money_refuses_floats():
    with pytest.raises(TypeError):
        format_money(12.5, "CHF")


@pytest.mark.parametrize("text", ["1e30", "9e99", "100000000", "123456789.00"])
def test_absurdly_large_amounts_are_refused_not_crashed(text):
    with pytest.raises(InvalidInput):
        parse_amount(text)


def test_clean_amount_checks_range_and_sign():
    from decimal import Decimal

    from billetterie.core.money import clean_amount

    assert clean_amount(Decimal("12.345")) == Decimal("12.35")
    assert clean_amount("-5", allow_negative=True) == Decimal("-5.00")
    with pytest.raises(InvalidInput):
        clean_amount("-5")
    with pytest.raises(InvalidInput):
        clean_amount(Decimal("1e12"))
    with pytest.raises(TypeError):
        clean_amount(1.5)
