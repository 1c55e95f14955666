"""The rules both bank CSV readers apply to a row: the Layout, cell parsers and row patterns.

Input: a ``Layout`` (from a profile or inferred, see recon.importers.csv.layout) and the cells of
one row. Output: a cell's amount, date or description as the record holds it, whether a
description is a balance or totals row, a row's check number, the notes every read opens with,
and the running balances kept from a statement's two ends. The per-row reader (rows.py) and the
columnar kernel (fast.py) both use these, so a rule is written once.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from recon.importers.delimited import clean_cell
from recon.model import Source, StatementBalance
from recon.money import AmountError, parse_amount

# How much of a file decides its layout (the layout never looks further, so a file's head gives
# the same layout as the whole file).
HEADER_SEARCH_ROWS = 60
SAMPLE_ROWS = 400

# Rows whose text says they are a balance, not a transaction ("Saldo Anterior", BofA's
# "Beginning balance as of 01/01/2026", Sparkasse "Kontostand (15.01.2009):").
BALANCE_ROW = re.compile(
    r"^(?:(?:beginning|opening|starting|ending|closing|previous|prior|new|ledger|current)"
    r"\s+balance\b|balance\s+(?:forward|brought|carried|as of)\b|saldo\s+(?:anterior|inicial|"
    r"final|atual|do dia|anterior)\b|saldo$|s a l d o\b|(?:letzter\s+|alter\s+|neuer\s+)?"
    r"kontostand\b|solde\b|beginsaldo\b|eindsaldo\b)", re.IGNORECASE)
TOTAL_ROW = re.compile(r"^(?:totals?\b|total (?:credits|debits)|summe\b|sum\b|gesamt\b)",
                       re.IGNORECASE)
# First letters any BALANCE_ROW or TOTAL_ROW match can start with (a cheap test before the regex).
BUILTIN_FIRST_LETTERS = frozenset("BbOoSsKkCcEePpTtNnLlGgAa")
PENDING_WORDS = frozenset({"pending", "in process", "processing", "in behandeling",
                           "vorgemerkt", "pendente", "memo", "hold"})
# DR/CR written in the amount cell: the cell states its sign, kept in every amount style.
STATED_SIGN = re.compile(r"\b(?:CR|DR)\.?\s*$", re.IGNORECASE)
# "CHECK 1043" at the start of a description.
CHECK_IN_TEXT = re.compile(r"^(?:CHECK|CHK|CHEQUE)\s*(?:#|NO\.?|NUMBER)?\s*(\d{1,10})\b", re.IGNORECASE)


@dataclass
class Layout:
    """How to read the rows of one file (from a profile or inferred)."""

    name: str                               # profile name, or "generic"
    start: int                              # index into rows.cells of the first data row
    width: int                              # header width (or modal width)
    date_col: int
    parse_date: Callable[[str], date]
    date_rule: str                          # for error messages
    style: str = "signed"                   # signed | negated | debit_credit | type_column
    amount_col: int | None = None
    debit_col: int | None = None
    credit_col: int | None = None
    sign_col: int | None = None             # type column that gives the sign
    debit_values: frozenset[str] = frozenset()
    credit_values: frozenset[str] = frozenset()
    decimal_mark: str = "."
    text_cols: list[int] = field(default_factory=list)
    payee_cols: list[int] = field(default_factory=list)
    memo_cols: list[int] = field(default_factory=list)
    check_col: int | None = None
    trntype_col: int | None = None
    account_col: int | None = None
    balance_col: int | None = None
    status_col: int | None = None
    header: list[str] | None = None         # cleaned header cells (repeated-header detection)
    header_line: int | None = None
    names: list[str] = field(default_factory=list)
    balance_rx: list[re.Pattern[str]] = field(default_factory=list)
    skip_rx: list[re.Pattern[str]] = field(default_factory=list)
    pending_values: frozenset[str] = PENDING_WORDS
    notes: list[str] = field(default_factory=list)

    def col_name(self, j: int | None) -> str:
        if j is None:
            return "?"
        if self.names and j < len(self.names) and self.names[j]:
            return f'column "{self.names[j]}"'
        return f"column {j + 1}"

    @property
    def simple_text(self) -> bool:
        """One text column, which is also the payee, and no memo (the usual export)."""
        return len(self.text_cols) == 1 and self.payee_cols == self.text_cols and not self.memo_cols

    @property
    def pending_cols(self) -> list[int]:
        """Status and type columns whose value can mark a row pending (not the sign column)."""
        return [j for j in dict.fromkeys((self.status_col, self.trntype_col))
                if j is not None and j != self.sign_col]


# ------------------------------------------------------------------------------------ cells

def parse_amount_cell(cell: str, mark: str) -> tuple[Decimal, bool]:
    """A stripped, non-empty amount cell -> (the amount as written, whether it states its sign).

    Plain "-12.34" (or "-12,34" with a decimal comma) is read directly; anything else goes to
    money.parse_amount. Raises AmountError or InvalidOperation when the cell is no amount.
    """
    t = cell[1:] if cell[:1] == "-" else cell
    if mark == "." and t.replace(".", "", 1).isdigit():
        return Decimal(cell), False
    if mark == "," and t.replace(",", "", 1).isdigit():
        return Decimal(cell.replace(",", ".")), False
    return parse_amount(cell, decimal_mark=mark, markers="bank"), STATED_SIGN.search(cell) is not None


def apply_style(amount: Decimal, stated: bool, style: str) -> Decimal:
    """Signed and negated styles: a negated (purchases-positive) amount flips unless it states its
    sign. Type-column signs are the per-row reader's (they need the row's type cell)."""
    return -amount if style == "negated" and not stated else amount


def no_negative_zero(amount: Decimal) -> Decimal:
    """-0.00 is written 0.00."""
    return amount if amount else abs(amount)


def parse_date_cell(parse_date: Callable[[str], date], cell: str) -> date:
    """A date cell read with the layout's rule (raises ValueError when it does not fit)."""
    return parse_date(clean_cell(cell.strip()).replace("\x00", ""))


def norm_text(raw: str) -> str:
    """One description cell as the record holds it (single-spaced, apostrophe quoting removed)."""
    if "'" in raw:
        raw = clean_cell(raw)
    return " ".join(raw.split())


def check_number(cell: str | None, desc: str) -> str | None:
    """A row's check number: its check-number cell, else "CHECK 1043" at the start of the text."""
    check = None
    if cell is not None:
        check = cell.strip() or None
        if check is not None:
            check = clean_cell(check) or None
    if check is None and desc[:1] in "Cc" and desc[:3].upper() in ("CHE", "CHK"):
        m = CHECK_IN_TEXT.match(desc)
        if m:
            check = m.group(1)
    return check


# ------------------------------------------------------------------------------------ rows

class SpecialRows:
    """A layout's balance-row and totals-row patterns (on the description), each as one regex."""

    def __init__(self, lay: Layout) -> None:
        self.balance = re.compile("|".join(f"(?:{r.pattern})" for r in lay.balance_rx), re.IGNORECASE)
        self.totals = re.compile("|".join(f"(?:{r.pattern})" for r in lay.skip_rx), re.IGNORECASE)
        self.builtin = lay.balance_rx == [BALANCE_ROW] and lay.skip_rx == [TOTAL_ROW]
        self.first_letters = BUILTIN_FIRST_LETTERS if lay.balance_rx == [BALANCE_ROW] else None

    def kind(self, desc: str) -> str | None:
        """"balance", "totals" or None for a (normalised) description."""
        if not desc or (self.first_letters is not None and desc[0] not in self.first_letters):
            return None
        if self.balance.match(desc):
            return "balance"
        if self.totals.match(desc):
            return "totals"
        return None


def opening_notes(lay: Layout) -> list[str]:
    """The notes every read of the file starts with: the layout, its own notes, the preamble."""
    notes = [f"layout: {lay.name}", *lay.notes]
    if lay.header_line and lay.header_line > 1:
        notes.append(f"lines 1-{lay.header_line - 1}: preamble before the header skipped")
    return notes


def pending_note(lines: list[int]) -> str:
    """The input's note for pending rows (read, not counted: a pending debit posts later, often
    in the next export, and counting both would be a false duplicate draw)."""
    shown = ", ".join(str(n) for n in lines[:10]) + (" ..." if len(lines) > 10 else "")
    many = len(lines) != 1
    return (f"{len(lines)} pending row{'s' if many else ''} not counted (line{'s' if many else ''} "
            f"{shown}): not posted yet; a later export shows {'them' if many else 'it'} once posted")


def running_balances(ends: list[tuple[Source, date, str]], mark: str
                     ) -> tuple[list[StatementBalance], list[str]]:
    """The running-balance cells of a statement's first and last rows -> balances, plus a note for
    a cell that is no amount. Only the two ends are kept (for a check against the summed rows);
    parsing every row's balance cost a third of the import."""
    balances: list[StatementBalance] = []
    notes: list[str] = []
    for src, d, cell in ends:
        try:
            b = parse_amount(cell.strip(), decimal_mark=mark, markers="bank")
        except (AmountError, InvalidOperation):
            notes.append(f"line {src.line}: running balance {cell.strip()!r} is not an amount; not kept")
            continue
        balances.append(StatementBalance(src, None, d, b, "running"))
    return balances, notes
