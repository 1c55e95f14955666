"""Value parsers: the text after a label -> a typed value (identifier, money, date, month, plan, text).

Input: text that may start with a value, the vocabulary (its date and month formats) and whether
the value may take the rest of the text. Output: (value, characters used), or None when the text
does not start with such a value. OCR confusions inside numbers ("4l2.O0") are read as digits.
Money goes through recon.money.parse_amount, dates through recon.dates.parse_date_any with the
vocabulary's explicit formats; both are memoised, since bills repeat their figures.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

from recon.dates import month_str, parse_date_any
from recon.importers.bills.vocabulary import Vocabulary
from recon.money import AmountError, parse_amount

BILLING_ACCOUNT_RE = re.compile(r"^7\d{8}$")
SUBSCRIBER_ID_RE = re.compile(r"^7\d{11}$")
ENROLLMENT_ID_RE = re.compile(r"^RefID_?\d+$")

# OCR confusions inside numbers: letters that stand for digits.
_DIGIT_FIX = str.maketrans({"O": "0", "o": "0", "D": "0", "Q": "0", "l": "1", "I": "1", "|": "1",
                            "i": "1", "S": "5", "s": "5", "B": "8", "Z": "2", "z": "2"})
_ID_TOKEN = re.compile(r"[0-9OoDQlIi|SsBZz]{6,}")
MONEY_RE = re.compile(
    r"\(?[-+]?\s?\$?\s?\(?[-+]?\d[\d,]*\.\d\d\)?(?:\s?-(?!\S))?(?:\s?(?:CR|DR)\b\.?)?", re.IGNORECASE)
_MONEY_OCR_RE = re.compile(
    r"\(?[-+]?\s?\$?\s?\(?[-+]?[\dOoIl|S][\dOoIl|S,]*[.,][\dOoIl|S]{2}\)?(?:\s?(?:CR|DR)\b\.?)?")
DATE_RE = re.compile(
    r"[A-Za-z]{3,9}\.?\s+\d{1,2},?\s+\d{4}|\d{1,2}/\d{1,2}/\d{4}|\d{1,2}/\d{1,2}/\d{2}(?!\d)"
    r"|\d{4}-\d{2}-\d{2}|\d{1,2}\s+[A-Za-z]{3,9}\.?\s+\d{4}|\d{1,2}-[A-Za-z]{3,9}-\d{4}")
_PERIOD_RE = re.compile(
    r"(?P<a>\d{1,2}/\d{1,2}/\d{4}|[A-Za-z]{3,9}\.?\s+\d{1,2},?\s+\d{4})\s*(?:-|–|to|through|thru)\s*"
    r"(?P<b>\d{1,2}/\d{1,2}/\d{4}|[A-Za-z]{3,9}\.?\s+\d{1,2},?\s+\d{4})", re.IGNORECASE)
_MONTH_RE = re.compile(r"[A-Za-z]{3,9}\.?\s+\d{4}|\d{1,2}/\d{4}(?!\d)")
_PLAN_RE = re.compile(r"(health|medical|dental)\b", re.IGNORECASE)
_ENROLL_RE = re.compile(r"(?:Ref\s?[I1l|]D[\s_:#-]*)?(\d{6,})", re.IGNORECASE)


@lru_cache(maxsize=4096)
def cached_date(text: str, formats: tuple[str, ...]) -> date:
    """parse_date_any, memoised: strptime costs ~15 us and bills repeat their dates."""
    return parse_date_any(_fix_date_text(text), formats)


@lru_cache(maxsize=4096)
def cached_amount(text: str) -> Decimal:
    """parse_amount with "." as the decimal mark, memoised (bills repeat their amounts)."""
    return parse_amount(text, decimal_mark=".")


def _fix_date_text(s: str) -> str:
    return re.sub(r"\bSept\b", "Sep", s.replace(".", "") if re.match(r"[A-Za-z]", s) else s)


# Value parsers by type: (text, vocabulary, last) -> (value, characters used), or None when the
# text does not start with such a value. ``last``: the value
# may take the rest of the text (free text); otherwise only a typed token.
Parser = Callable[[str, Vocabulary, bool], "tuple[Any, int] | None"]


def _p_identifier(text: str, pattern: re.Pattern[str]) -> tuple[str, int] | None:
    m = _ID_TOKEN.match(text)
    if m is None:
        return None
    token = m.group(0)
    digits = token if token.isdigit() else token.translate(_DIGIT_FIX)   # [0-9] only: no fix to make
    if not pattern.match(digits):
        return None
    return digits, m.end()


def _p_billing_account(text: str, vocab: Vocabulary, last: bool) -> tuple[Any, int] | None:
    return _p_identifier(text, BILLING_ACCOUNT_RE)


def _p_subscriber_id(text: str, vocab: Vocabulary, last: bool) -> tuple[Any, int] | None:
    return _p_identifier(text, SUBSCRIBER_ID_RE)


def _p_enrollment_id(text: str, vocab: Vocabulary, last: bool) -> tuple[Any, int] | None:
    m = _ENROLL_RE.match(text)
    if m is None:
        return None
    return f"RefID_{m.group(1)}", m.end()


def _p_money(text: str, vocab: Vocabulary, last: bool) -> tuple[Any, int] | None:
    m = MONEY_RE.match(text)
    if m is not None:
        raw = m.group(0)
    else:
        m = _MONEY_OCR_RE.match(text)
        if m is None:
            return None
        raw = m.group(0).translate(_DIGIT_FIX)
        raw = re.sub(r",(\d\d)\)?$", r".\1", raw) if "." not in raw else raw
    try:
        return cached_amount(raw.strip()), m.end()
    except AmountError:
        return None


def _p_date(text: str, vocab: Vocabulary, last: bool) -> tuple[Any, int] | None:
    m = DATE_RE.match(text)
    if m is None:
        return None
    try:
        return cached_date(m.group(0), vocab.date_formats), m.end()
    except ValueError:
        return None


def _p_month(text: str, vocab: Vocabulary, last: bool) -> tuple[Any, int] | None:
    m = _PERIOD_RE.match(text)
    if m is not None:
        try:
            a = cached_date(m.group("a"), vocab.date_formats)
            cached_date(m.group("b"), vocab.date_formats)
        except ValueError:
            return None
        return month_str(a), m.end()
    m = _MONTH_RE.match(text)
    if m is None:
        return None
    try:
        d = cached_date(m.group(0), vocab.month_formats)
    except ValueError:
        return None
    return month_str(d), m.end()


def _p_plan(text: str, vocab: Vocabulary, last: bool) -> tuple[Any, int] | None:
    m = _PLAN_RE.match(text)
    if m is None:
        return None
    return ("dental" if m.group(1).lower() == "dental" else "health"), m.end()


def _p_text(text: str, vocab: Vocabulary, last: bool) -> tuple[Any, int] | None:
    if not last:
        return None
    s = text.strip()
    if not s:
        return None
    return s, len(text)


def _p_names(text: str, vocab: Vocabulary, last: bool) -> tuple[Any, int] | None:
    if not last:
        return None
    s = text.strip()
    if not s:
        return None
    return tuple(n.strip() for n in re.split(r"[;,]", s) if n.strip()), len(text)


_PARSERS: dict[str, Parser] = {
    "billing_account": _p_billing_account, "subscriber_id": _p_subscriber_id,
    "enrollment_id": _p_enrollment_id, "money": _p_money, "date": _p_date, "month": _p_month,
    "plan": _p_plan, "text": _p_text, "names": _p_names,
}


def parser_for(vtype: str) -> Parser:
    """The parser of a vocabulary value type (one that raises ValueError for an unknown type)."""
    p = _PARSERS.get(vtype)
    if p is not None:
        return p

    def unknown(text: str, vocab: Vocabulary, last: bool) -> tuple[Any, int] | None:
        raise ValueError(f"unknown value type {vtype!r}")
    return unknown
