"""Federal Reserve calendar, coverage months, explicit date parsing."""
from __future__ import annotations

from datetime import date

import pytest

from recon.dates import (
    add_business_days,
    business_days_between,
    coverage_month_for_bill,
    fed_holidays,
    is_business_day,
    parse_date,
)


def test_fed_holidays_2026_match_domain_list():
    expected = {date(2026, 1, 1), date(2026, 1, 19), date(2026, 2, 16), date(2026, 5, 25), date(2026, 6, 19),
                date(2026, 9, 7), date(2026, 10, 12), date(2026, 11, 11), date(2026, 11, 26), date(2026, 12, 25)}
    assert fed_holidays(2026) == expected   # July 4 2026 is a Saturday: nothing closes


@pytest.mark.parametrize("d, expected", [
    (date(2027, 7, 4), False),   # Sunday
    (date(2027, 7, 5), False),   # Monday after a Sunday holiday
    (date(2026, 7, 3), True),    # Friday before a Saturday holiday stays open (Fed rule)
    (date(2026, 5, 26), True),
])
def test_business_days(d, expected):
    assert is_business_day(d) is expected


@pytest.mark.parametrize("start, n, expected", [
    (date(2026, 5, 22), 1, date(2026, 5, 26)),   # Memorial Day Monday skipped
    (date(2026, 11, 25), 1, date(2026, 11, 27)),  # Thanksgiving skipped
    (date(2026, 3, 22), 0, date(2026, 3, 23)),   # Sunday rolls to Monday
])
def test_add_business_days(start, n, expected):
    assert add_business_days(start, n) == expected


def test_business_days_between_counts_only_open_days():
    assert business_days_between(date(2026, 5, 22), date(2026, 5, 28)) == 3


@pytest.mark.parametrize("bill_date, month", [
    (date(2026, 9, 1), "2026-10"), (date(2026, 12, 1), "2027-01"),
])
def test_bill_is_for_the_next_month(bill_date, month):
    assert coverage_month_for_bill(bill_date) == month


def test_parse_date_is_explicit():
    assert parse_date("03/04/2026", "%m/%d/%Y") == date(2026, 3, 4)
    with pytest.raises(ValueError):
        parse_date("2026-03-04", "%m/%d/%Y")
