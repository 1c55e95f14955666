"""Amount rows that are no "label  value" pair: payment tables, ledgers and unlabelled amount lines.

Input: a page's lines with their cells (recon.importers.bills.lines). Output: added to a `Found`:
the itemised payments under a payment heading or in a dated table whose heading names a payment or
amount column (a ledger with a running balance reads the amount in the payment column), and the
amount lines whose label is no vocabulary wording (``Found.unread_money``), so that the bill reader
never lets them stand as $0.00.
"""
from __future__ import annotations

import re
from datetime import date

from recon.importers.bills.lines import Cell, Found, Line, overlap, trimmed, x_span
from recon.importers.bills.values import DATE_RE, MONEY_RE, cached_amount, cached_date
from recon.importers.bills.vocabulary import Vocabulary
from recon.model import BillPayment
from recon.money import AmountError

_HEADER_DATE = re.compile(r"^\s*date\b", re.IGNORECASE)
_PAY_HEADER = re.compile(r"^(?:payments?|paid|amount paid|credits?|payments?(?: and| &| /)? credits?)$", re.IGNORECASE)
_AMOUNT_HEADER = re.compile(r"^amount$", re.IGNORECASE)
_BALANCE_HEADER = re.compile(r"^(?:running )?balance$", re.IGNORECASE)
_PAYMENTISH = re.compile(r"pa(?:y|id)|thank you|check|autopay|remit", re.IGNORECASE)
_ROW_HEADER = re.compile(r"^\s*date\b.*\bamount\s*$", re.IGNORECASE)
_UNREAD_LABEL = re.compile(r"[A-Za-z][A-Za-z'’&/().,#-]*(?: [A-Za-z'’&/().,#-]+){0,7}")


def table_header(t: str, cells: tuple[Cell, ...]) -> tuple[tuple[float, float] | None,
                                                            tuple[float, float] | None] | None:
    """A table's heading row ("Date  Description  Payments  Balance"): (the payment column, the
    running-balance column), either None when absent; None when the line is no such heading."""
    if len(cells) < 3:
        return None
    names = [t[c[0]:c[1]].strip(" :") for c in cells]
    balance = next(((c[2], c[3]) for c, s in zip(cells, names, strict=True) if _BALANCE_HEADER.match(s)), None)
    if not _HEADER_DATE.match(names[0]):
        return (None, balance) if balance is not None else None
    pay = next(((c[2], c[3]) for c, s in zip(cells, names, strict=True) if _PAY_HEADER.match(s)), None)
    if pay is None:
        pay = next(((c[2], c[3]) for c, s in zip(cells, names, strict=True) if _AMOUNT_HEADER.match(s)), None)
    if pay is None and balance is None:
        return None
    return pay, balance


def payment_rows(lines: list[Line], cells_of: list[tuple[Cell, ...]], i: int, vocab: Vocabulary,
                  found: Found, listed: bool) -> set[int]:
    """Itemised payments: the "date  description  amount" rows under a payment heading (``listed``:
    every row is a payment), or the dated rows of a table whose heading names a payment or amount
    column (a ledger: the amount in that column; a plain list: rows that read as payments).
    Returns the lines read as the heading and the payments."""
    texts = [ln.text for ln in lines]
    taken: set[int] = set()
    pay_col: tuple[float, float] | None = None
    balance = False
    if i < len(texts):
        head = table_header(texts[i], cells_of[i])
        if head is not None and head[0] is not None:
            pay_col, balance = head[0], head[1] is not None
            taken.add(i)
            i += 1
        elif _ROW_HEADER.match(texts[i]):
            taken.add(i)
            i += 1
    while i < len(texts):
        raw = texts[i]
        t = raw.strip()
        lead = len(raw) - len(raw.lstrip())
        d: date | None = None
        rest_at = lead
        m = DATE_RE.match(t)
        if m:
            try:
                d = cached_date(m.group(0), vocab.date_formats)
                rest_at = lead + m.end()
            except ValueError:
                d = None
        monies = list(MONEY_RE.finditer(raw, rest_at))
        if not monies:
            break
        if pay_col is not None and (balance or not listed) and lines[i].cells:
            cells = cells_of[i]
            mm = next((x for x in monies if overlap(x_span(cells, *trimmed(x)), pay_col) > 0), None)
            if mm is None or d is None:
                i += 1
                continue
        else:
            mm = monies[-1]
            if raw[mm.end():].strip():
                break
        try:
            printed = cached_amount(mm.group(0).strip())
        except AmountError:
            break
        desc = raw[rest_at:trimmed(mm)[0]].strip()
        if not listed and not balance and printed >= 0 and not _PAYMENTISH.search(desc):
            i += 1
            continue
        found.payment_items.append((BillPayment(d, abs(printed), re.sub(r"\s{2,}", " ", desc)), i))
        taken.add(i)
        i += 1
    return taken


def unlabelled_amounts(i: int, t: str, cells: tuple[Cell, ...], upto: int, found: Found) -> None:
    """Amount lines among cells[:upto] whose label is no vocabulary wording: a cell of words (a
    label, at most eight words, no digits) followed by a cell holding just an amount, or one cell
    "Words: amount". A sentence that mentions an amount is neither."""
    k = 0
    while k < upto:
        c = cells[k]
        text = t[c[0]:c[1]]
        label = value = None
        step = 1
        head = text.strip().rstrip(":").rstrip()
        if k + 1 < upto and _UNREAD_LABEL.fullmatch(head):
            nxt = cells[k + 1]
            vtext = t[nxt[0]:nxt[1]].strip()
            if MONEY_RE.fullmatch(vtext):
                label, value, step = head, vtext, 2
        if label is None and ":" in text:
            head, _, tail = text.partition(":")
            if _UNREAD_LABEL.fullmatch(head.strip()) and MONEY_RE.fullmatch(tail.strip()):
                label, value = head.strip(), tail.strip()
        if label is not None and value is not None:
            try:
                found.unread_money.append((i, label, cached_amount(value)))
            except AmountError:
                pass
        k += step
