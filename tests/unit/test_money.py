"""parse_amount: text -> exact Decimal, table-driven."""
from decimal import Decimal

import pytest

from recon.money import AmountError, format_money, parse_amount


@pytest.mark.parametrize("text, expected", [
    ("$1,234.56", "1234.56"),
    ("(12.00)", "-12.00"),
    ("($85.00)", "-85.00"),
    ("12.00-", "-12.00"),
    ("25.00 CR", "-25.00"),          # bill convention: a credit balance
    ("- $220.00", "-220.00"),
    ("+ $1,150.00", "1150.00"),
    ("$.23", "0.23"),
    ("1.234,56", "1234.56"),
    ("1,25", "1.25"),
    ("10,00-", "-10.00"),
    ("-337,49", "-337.49"),
    ("+50,00", "50.00"),
    ("1,000.00", "1000.00"),
    ("-10000", "-10000"),
    ("-54.8", "-54.8"),
    ("-3.77000", "-3.77000"),
    ("1'234.50", "1234.50"),
    ("-0.00", "0.00"),
    ("€20", "20"),
    ("  42.00  ", "42.00"),
])
def test_parse_amount(text, expected):
    assert parse_amount(text) == Decimal(expected)
    assert str(parse_amount(text)) == expected


@pytest.mark.parametrize("text, expected", [
    ("25.00 CR", "25.00"),
    ("25.00 DR", "-25.00"),
    ("25.00", "25.00"),
])
def test_bank_markers(text, expected):
    assert parse_amount(text, markers="bank") == Decimal(expected)


@pytest.mark.parametrize("text", ["56.77invalid", "12,0O", "", "abc", "1.2.3", "--5", "$"])
def test_rejects(text):
    with pytest.raises(AmountError):
        parse_amount(text)


def test_decimal_mark_forced():
    assert parse_amount("1,234", decimal_mark=",") == Decimal("1.234")
    assert parse_amount("1,234", decimal_mark=".") == Decimal(1234)


def test_max_places():
    with pytest.raises(AmountError):
        parse_amount("1.234", max_places=2)


def test_format_money():
    assert format_money(Decimal(-412)) == "-412.00"
