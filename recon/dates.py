"""Dates: explicit-format parsing, coverage months and the Federal Reserve business calendar.

Rules (../shared/domain.md): a bill dated on the 1st of month M is for coverage month M+1 and is due
on the 23rd of M. Business days are Monday-Friday less Federal Reserve holidays; a holiday on a
Sunday closes the Monday, a holiday on a Saturday closes nothing.
"""
from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta
from functools import lru_cache


def parse_date(text: str, fmt: str) -> date:
    """Parse ``text`` with the explicit strptime format ``fmt`` (never guessed)."""
    return datetime.strptime(text.strip(), fmt).date()


def parse_date_any(text: str, fmts: tuple[str, ...]) -> date:
    """Try each explicit format in order; raise ValueError if none fits."""
    s = " ".join(text.strip().replace(",", ", ").split()).replace(" ,", ",")
    for fmt in fmts:
        try:
            return datetime.strptime(s, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"no date format fits {text!r}")


def month_str(d: date) -> str:
    """date -> 'YYYY-MM'."""
    return f"{d.year:04d}-{d.month:02d}"


def add_months(d: date, n: int) -> date:
    """Same day-of-month n months later (clamped to the month's length)."""
    y, m = divmod(d.month - 1 + n, 12)
    year, month = d.year + y, m + 1
    day = min(d.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


def parse_month(text: str) -> date:
    """'YYYY-MM' -> first day of that month."""
    return datetime.strptime(text, "%Y-%m").date()


def coverage_month_for_bill(bill_date: date) -> str:
    """The coverage month a bill dated ``bill_date`` is for: the next month."""
    return month_str(add_months(bill_date.replace(day=1), 1))


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    first = date(year, month, 1)
    offset = (weekday - first.weekday()) % 7
    return first + timedelta(days=offset + 7 * (n - 1))


def _last_weekday(year: int, month: int, weekday: int) -> date:
    last = date(year, month, calendar.monthrange(year, month)[1])
    return last - timedelta(days=(last.weekday() - weekday) % 7)


@lru_cache(maxsize=64)
def fed_holidays(year: int) -> frozenset[date]:
    """Days the Federal Reserve is closed in ``year`` (observed dates)."""
    fixed = [date(year, 1, 1), date(year, 7, 4), date(year, 11, 11), date(year, 12, 25)]
    if year >= 2022:
        fixed.append(date(year, 6, 19))
    days = set()
    for d in fixed:
        if d.weekday() == 6:  # Sunday -> Monday; Saturday -> not observed by the Fed
            days.add(d + timedelta(days=1))
        elif d.weekday() < 5:
            days.add(d)
    days.add(_nth_weekday(year, 1, 0, 3))   # Martin Luther King Jr. Day
    days.add(_nth_weekday(year, 2, 0, 3))   # Washington's Birthday
    days.add(_last_weekday(year, 5, 0))     # Memorial Day
    days.add(_nth_weekday(year, 9, 0, 1))   # Labor Day
    days.add(_nth_weekday(year, 10, 0, 2))  # Columbus Day
    days.add(_nth_weekday(year, 11, 3, 4))  # Thanksgiving
    return frozenset(days)


def is_business_day(d: date) -> bool:
    return d.weekday() < 5 and d not in fed_holidays(d.year)


@lru_cache(maxsize=65536)
def add_business_days(d: date, n: int) -> date:
    """The n-th business day after d (n >= 0; n == 0 rolls d forward to a business day)."""
    cur = d
    while not is_business_day(cur):
        cur += timedelta(days=1)
    count = 0
    while count < n:
        cur += timedelta(days=1)
        if is_business_day(cur):
            count += 1
    return cur


def business_days_between(a: date, b: date) -> int:
    """Business days in (a, b] (negative when b < a)."""
    if b < a:
        return -business_days_between(b, a)
    n = 0
    cur = a
    while cur < b:
        cur += timedelta(days=1)
        if is_business_day(cur):
            n += 1
    return n
