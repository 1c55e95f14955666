"""OFX leaf values (raw text between tags) -> text, calendar dates and Decimal amounts.

A leaf is ``<TAG>value``, the value running to the next ``<``. These helpers turn such raw values into
what the records hold: entities decoded once, blanks collapsed, the date in the first 8 digits, the
amount exactly as written. They judge nothing; callers decide what a bad value means.
"""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from recon.importers.base import squash
from recon.money import AmountError, parse_amount

# A leaf: the tag and the text up to the next "<" (closing tags, "/>" and "<!" never match).
LEAF = re.compile(r"<([A-Za-z][A-Za-z0-9_.]*)>([^<]*)")
_ENTITY = re.compile(r"&(?:(amp|lt|gt|quot|apos|nbsp)|#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6}));")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'", "nbsp": "\u00a0"}
_AMOUNT = re.compile(r"[+-]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)")
_ONLY_DOT = re.compile(r"[+-]?\s*[.,]?\s*")
_DIGITS_AND_MARKS = re.compile(r"[+-]?[0-9][0-9.,]*")


def unescape(s: str) -> str:
    """Decode the XML/SGML entities OFX uses, once ("&amp;lt;" -> "&lt;"); a raw "&" stays."""

    def one(m: re.Match[str]) -> str:
        if m.group(1):
            return _ENTITIES[m.group(1)]
        code = int(m.group(2)) if m.group(2) else int(m.group(3), 16)
        try:
            return chr(code)
        except (ValueError, OverflowError):
            return m.group(0)

    return _ENTITY.sub(one, s)


def leaf_text(v: str | None) -> str:
    """A leaf value -> its text: stripped, entities decoded (None -> "")."""
    if not v:
        return ""
    v = v.strip()
    if "&" in v:
        v = unescape(v).strip()
    return v


def leaf_text_fast(v: str) -> str:
    """leaf_text() for the hot path: the common "&amp;"-only case is a plain replace."""
    v = v.strip()
    if "&" in v:
        if v.count("&") == v.count("&amp;") and "&amp;#" not in v:
            return v.replace("&amp;", "&")
        return unescape(v).strip()
    return v


def squash_text(s: str) -> str:
    """squash() for a stripped value, skipping the regex when there is nothing to collapse."""
    if "  " in s or "\t" in s or "\n" in s or "\r" in s:
        return squash(s)
    return s


def leaves(span: str) -> dict[str, str]:
    """The leaf elements of one span, tag (upper case) -> raw value (last one wins)."""
    pairs = LEAF.findall(span)
    d = dict(pairs)
    if pairs and not pairs[0][0].isupper():
        d = {k.upper(): v for k, v in pairs}
    return d


def mask_account(account: str | None) -> str:
    """An account id as it may appear in notes and messages: last 4 characters only."""
    if not account:
        return "(no account id)"
    return "…" + account[-4:] if len(account) > 4 else "…" + account


def parse_date8(s: str) -> date | None:
    """The calendar date in the first 8 digits of an OFX datetime, or None if there is none."""
    d8 = s[:8]
    if len(d8) != 8 or not d8.isdigit():
        return None
    try:
        return date(int(d8[:4]), int(d8[4:6]), int(d8[6:8]))
    except ValueError:
        return None


def parse_plain_amount(a: str) -> Decimal | None:
    """A stripped TRNAMT in the plain OFX pattern (comma decimals read as "."), or None."""
    if not _AMOUNT.fullmatch(a):
        return None
    amount = Decimal(a.replace(",", "."))
    return abs(amount) if not amount else amount


def parse_odd_amount(amt_text: str, where: str, bad: list[str], notes: list[str]) -> Decimal | None:
    """A TRNAMT outside the plain pattern: thousands marks, blanks and a dot, or not a number."""
    if not amt_text:
        bad.append("empty TRNAMT")
        return None
    if _ONLY_DOT.fullmatch(amt_text):
        notes.append(f"{where}: TRNAMT {amt_text!r} has no digits: read as 0")
        return Decimal(0)
    compact = amt_text.replace(" ", "")
    if _DIGITS_AND_MARKS.fullmatch(compact):
        try:
            return abs(v) if not (v := parse_amount(compact)) else v
        except AmountError:
            pass
    bad.append(f"TRNAMT {amt_text!r} is not an OFX amount")
    return None


def parse_balance_amount(s: str) -> Decimal:
    """A BALAMT value -> Decimal ("-0" is 0); raises AmountError when it is not an amount."""
    s = s.replace(" ", "")
    if _AMOUNT.fullmatch(s):
        try:
            v = Decimal(s.replace(",", "."))
        except InvalidOperation as exc:  # pragma: no cover - the pattern guards
            raise AmountError(s) from exc
        return abs(v) if not v else v
    if _DIGITS_AND_MARKS.fullmatch(s):
        return parse_amount(s)
    raise AmountError(s)
