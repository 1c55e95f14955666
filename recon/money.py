"""Text -> exact money. The one place where text becomes a Decimal amount.

parse_amount handles "$1,234.56", "(12.00)", "12.00-", "12.00 CR", "DR", "+ $1,150.00", "- $220.00",
"$.23", "1.234,56", "1,25" (when told or when unambiguous) and apostrophe thousands ("1'234.50"). It never rounds: more than two
decimals are kept exactly as written (OFX money-market files carry 5+ places) unless
``max_places`` is given, in which case extra places are an error.
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

ZERO = Decimal("0.00")
CENT = Decimal("0.01")

_CURRENCY = re.compile(r"[$€£¥]|\b(?:USD|EUR|GBP|CAD|AUD|BRL|R\$)\b", re.IGNORECASE)


class AmountError(ValueError):
    """Text that is not an amount."""


def parse_amount(text: str, *, decimal_mark: str | None = None,
                 max_places: int | None = None, markers: str = "bill") -> Decimal:
    """Parse money text into a Decimal, exactly.

    Args:
        text: the cell or element text.
        decimal_mark: "." or ","; None decides from the text (a lone comma followed by 1-2 digits,
            or "1.234,56", is a decimal comma).
        max_places: reject more decimal places than this (None: keep whatever is written).
        markers: how a trailing CR/DR reads. "bill" (default): "25.00 CR" is a credit balance,
            i.e. negative, and DR changes nothing. "bank": the account holder's view of a bank
            statement, "25.00 CR" is money in (positive) and "25.00 DR" money out (negative).
    """
    raw = text
    s = text.strip().replace("\u00a0", " ").replace("\u2212", "-")
    if not s:
        raise AmountError(f"empty amount {raw!r}")
    negative = False
    up = s.upper()
    # CR / DR markers (bank statements and bills: "25.00 CR" is a credit, i.e. negative on a bill).
    m = re.search(r"\s*\b(CR|DR)\.?$", up)
    if m:
        if markers == "bank":
            if m.group(1) == "DR":
                negative = not negative
        elif m.group(1) == "CR":
            negative = not negative
        s = s[: m.start()].strip()
    if s.startswith("(") and s.endswith(")"):
        negative = not negative
        s = s[1:-1].strip()
    s = _CURRENCY.sub("", s).strip()
    if s.startswith("(") and s.endswith(")"):
        negative = not negative
        s = s[1:-1].strip()
    sign_seen = False
    if s.endswith("-"):
        negative = not negative
        s = s[:-1].strip()
        sign_seen = True
    elif s.endswith("+"):
        s = s[:-1].strip()
        sign_seen = True
    if s[:1] in "+-" and s:
        if sign_seen:
            raise AmountError(f"two signs in amount {raw!r}")
        if s[0] == "-":
            negative = not negative
        s = s[1:].strip()
        s = _CURRENCY.sub("", s).strip()
    s = s.replace(" ", "").replace("'", "")
    if not s or not re.fullmatch(r"[0-9.,]+", s) or not re.search(r"\d", s):
        raise AmountError(f"not an amount: {raw!r}")
    mark = decimal_mark or _guess_mark(s)
    if mark == ",":
        s = s.replace(".", "").replace(",", ".")
    else:
        s = s.replace(",", "")
    if s.count(".") > 1:
        raise AmountError(f"not an amount: {raw!r}")
    if s.startswith("."):
        s = "0" + s
    if s.endswith("."):
        s = s[:-1] or "0"
    try:
        value = Decimal(s)
    except InvalidOperation as exc:  # pragma: no cover - regex above guards
        raise AmountError(f"not an amount: {raw!r}") from exc
    if max_places is not None and "." in s and len(s.split(".")[1]) > max_places:
        raise AmountError(f"more than {max_places} decimal places in {raw!r}")
    if negative:
        value = -value
    if value == 0:
        value = abs(value)  # negative zero is zero
    return value


def _guess_mark(s: str) -> str:
    if "," in s and "." in s:
        return "," if s.rfind(",") > s.rfind(".") else "."
    if "," in s:
        head, _, tail = s.rpartition(",")
        if s.count(",") == 1 and len(tail) in (1, 2):
            return ","
        if s.count(",") == 1 and len(tail) == 3 and head.isdigit() and len(head) <= 3:
            return "."  # "1,234" is thousands
        if len(tail) != 3:
            return ","
    return "."


def to_cents(d: Decimal) -> int:
    """Decimal dollars -> integer cents (exact; raises if sub-cent)."""
    q = d * 100
    if q != q.to_integral_value():
        raise AmountError(f"{d} has fractions of a cent")
    return int(q)


def from_cents(c: int) -> Decimal:
    return (Decimal(c) / 100).quantize(CENT)


def format_money(d: Decimal) -> str:
    """Decimal -> report string with exactly two decimals ("-412.00")."""
    q = d.quantize(CENT)
    if q == 0:
        q = abs(q)
    return f"{q:.2f}"


def dollars(d: Decimal) -> str:
    """Decimal -> human text "$412.00" / "-$25.00"."""
    q = d.quantize(CENT)
    if q < 0:
        return f"-${-q:,.2f}"
    return f"${q:,.2f}"
