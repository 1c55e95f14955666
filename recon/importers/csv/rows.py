"""The per-row reader: Rows + Layout -> ImportResult (BankRecords, running balances, notes).

Input: a file's ``Rows`` (recon.importers.delimited) and the ``Layout`` chosen for it. Output:
``ImportResult(kind="csv")`` with one BankRecord per transaction row, in file order, each with
``Source(display, physical line)``. Every row not imported is named in the notes: blank lines,
repeated headers, rows without a date, balance and totals rows, pending rows. A date or amount
that does not parse raises ParseError naming the line, the value and the rule.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from recon.errors import ParseError
from recon.importers.base import damaged_layout_error, damaged_layout_line, damaged_note, has_control
from recon.importers.csv.names import has_digit
from recon.importers.csv.rules import (
    PENDING_WORDS,
    Layout,
    SpecialRows,
    apply_style,
    check_number,
    no_negative_zero,
    norm_text,
    opening_notes,
    parse_amount_cell,
    parse_date_cell,
    pending_note,
    running_balances,
)
from recon.importers.date_cells import DATE_SHAPE
from recon.importers.delimited import Rows, clean_cell, last_row_cut, trimmed_cells
from recon.model import BankRecord, ImportResult, Source, StatementBalance, fast_constructor
from recon.money import AmountError, parse_amount

# Records are built at up to a million rows a file; see recon.model.fast_constructor.
_new_record = fast_constructor(BankRecord)
_new_source = fast_constructor(Source)


def read_records(rows: Rows, lay: Layout, display: str) -> ImportResult:
    """Apply a Layout to every row after the header (but a last row the file ends inside)."""
    # The header and the lines above it; with no header found, the first line (a damaged header
    # is not recognised as one, and its file would be read by another layout).
    upto = lay.start or 1
    damaged = damaged_layout_line(rows.cells[:upto], rows.lines[:upto])
    if damaged is not None:
        raise damaged_layout_error(*damaged, display)
    reader = _RowReader(lay, display)
    items = list(zip(rows.cells[lay.start:], rows.lines[lay.start:]))
    if rows.cut_line is not None:
        reader.notes.append(f"line {rows.cut_line}: the file ends inside this row (an unfinished quoted "
                            "field): not read, the file may be cut off")
    elif rows.cut and items and last_row_cut(items, rows.cells[lay.start - 1] if lay.start else None, rows.ends_quoted):
        row, line = items.pop()
        reader.notes.append(f"line {line}: the file ends inside this row (no line break after it, and "
                            f"nothing shows its last field is whole): not read, the file may be cut "
                            f"off: {delimited_text(row)[:60]!r}")
    for row, line in items:
        reader.read(row, line)
    return reader.result()


def delimited_text(row: list[str]) -> str:
    return ",".join(row)


class _RowReader:
    """Reads one row at a time (``read``), then gives the ImportResult (``result``)."""

    def __init__(self, lay: Layout, display: str) -> None:
        self.lay = lay
        self.display = display
        self.notes: list[str] = opening_notes(lay)
        self.records: list[BankRecord] = []
        self.balances: list[StatementBalance] = []
        self.blank_lines: list[int] = []
        self.pending_lines: list[int] = []
        self.date_cache: dict[str, date] = {}
        self.posted_cells: set[str] = set()      # status/type cells seen and not pending
        self.special = SpecialRows(lay)
        self.pending_cols = lay.pending_cols
        self.first_balance: tuple[Source, date, str] | None = None
        self.last_balance: tuple[Source, date, str] | None = None
        self.need = 1 + max(j for j in (lay.date_col, lay.amount_col, lay.debit_col, lay.credit_col,
                                        lay.sign_col, lay.check_col, lay.trntype_col, lay.account_col,
                                        lay.balance_col, lay.status_col, *lay.text_cols, 0)
                            if j is not None)

    # ------------------------------------------------------------------ one row
    def read(self, row: list[str], line: int) -> None:
        if len(row) < self.need:
            if not row or (len(row) == 1 and not row[0].strip()):
                self.blank_lines.append(line)
                return
            row = row + [""] * (self.need - len(row))
        if has_control(joined := " ".join(row)):      # a damaged row: never a transaction
            self.notes.append(damaged_note(line, joined))
            return
        d = self._date(row, line)
        if d is None:
            return
        if self._is_pending(row):
            self.pending_lines.append(line)
            return
        desc, payee, memo = self._text(row)
        amount = self._amount(row, line)
        kind = self.special.kind(desc)
        if kind == "balance":
            self._balance_row(row, line, d, desc)
            return
        if kind == "totals":
            self.notes.append(f"line {line}: totals row skipped ({desc[:40]})")
            return
        if amount is None:
            if not desc:
                self.notes.append(f"line {line}: row with a date but no amount and no text skipped")
                return
            amount = Decimal(0)
            self.notes.append(f"line {line}: no amount (row moves no cash), read as 0")
        self._record(row, line, d, no_negative_zero(amount), desc, payee, memo)

    def _date(self, row: list[str], line: int) -> date | None:
        """The row's date; None (with a note, or counted) for a row that is no transaction."""
        lay = self.lay
        ds = row[lay.date_col].strip()
        d = self.date_cache.get(ds)
        if d is not None:
            return d
        try:
            d = parse_date_cell(lay.parse_date, ds)
        except ValueError:
            self._not_dated(row, line, ds)
            return None
        self.date_cache[ds] = d
        return d

    def _not_dated(self, row: list[str], line: int, ds: str) -> None:
        """A row whose date cell does not parse: blank, a repeated header, pending, a bad date
        (ParseError) or a row of another kind (noted)."""
        lay = self.lay
        cells = [clean_cell(c) for c in row]
        if not any(cells):
            self.blank_lines.append(line)
            return
        trimmed = trimmed_cells(row)
        if lay.header is not None and [c.lower() for c in trimmed] == lay.header[:len(trimmed)] \
                and len(trimmed) >= 2:
            self.notes.append(f"line {line}: repeated header row skipped")
            return
        low = cells[lay.date_col].lower()
        if low in lay.pending_values or low in PENDING_WORDS:
            self.pending_lines.append(line)  # "Pending" where the posting date goes
            return
        if DATE_SHAPE.match(ds) and not any(ch.isalpha() for ch in ds[:10]):
            raise ParseError("could not parse date", path=self.display, line=line, value=ds,
                             rule=f"{lay.col_name(lay.date_col)}: {lay.date_rule}") from None
        what = " ".join(c for c in cells if c)
        self.notes.append(f"line {line}: not a transaction (no date in "
                          f"{lay.col_name(lay.date_col)}): {what[:60]!r} skipped")

    def _is_pending(self, row: list[str]) -> bool:
        """A status or type cell saying the row is pending (not a transaction yet)."""
        for j in self.pending_cols:
            v = row[j]
            if v not in self.posted_cells:  # a cell seen before and not pending: one set lookup
                if v.strip().lower() in self.lay.pending_values:
                    return True
                self.posted_cells.add(v)
        return False

    def _text(self, row: list[str]) -> tuple[str, str, str]:
        """(description, payee, memo), each single-spaced."""
        lay = self.lay
        if lay.simple_text:
            desc = norm_text(row[lay.text_cols[0]])
            return desc, desc, ""
        parts = [clean_cell(row[j]) for j in lay.text_cols]
        desc = " ".join(" ".join(p for p in parts if p).split())
        payee = " ".join(" ".join(clean_cell(row[j]) for j in lay.payee_cols).split())
        memo = " ".join(" ".join(clean_cell(row[j]) for j in lay.memo_cols).split())
        return desc, payee, memo

    def _money(self, cell: str, col: int | None, line: int) -> tuple[Decimal, bool]:
        try:
            return parse_amount_cell(cell, self.lay.decimal_mark)
        except (AmountError, InvalidOperation) as exc:
            raise ParseError("could not parse amount", path=self.display, line=line, value=cell,
                             rule=f"{self.lay.col_name(col)} (layout {self.lay.name})") from exc

    def _amount(self, row: list[str], line: int) -> Decimal | None:
        """The row's amount with the layout's sign rule applied; None when the cells are empty."""
        lay = self.lay
        if lay.style == "debit_credit":
            dv, cv = row[lay.debit_col].strip(), row[lay.credit_col].strip()  # type: ignore[index]
            if not dv and not cv:
                return None
            credit = abs(self._money(cv, lay.credit_col, line)[0]) if cv else Decimal(0)
            debit = abs(self._money(dv, lay.debit_col, line)[0]) if dv else Decimal(0)
            return credit - debit
        av = row[lay.amount_col].strip()  # type: ignore[index]
        if not av:
            return None
        if av[0] == "'":
            av = clean_cell(av)
        amount, stated = self._money(av, lay.amount_col, line)
        if lay.style == "type_column" and not stated:
            return self._type_sign(row, line, amount)
        return apply_style(amount, stated, lay.style)

    def _type_sign(self, row: list[str], line: int, amount: Decimal) -> Decimal:
        lay = self.lay
        tv = row[lay.sign_col].strip().lower()  # type: ignore[index]
        if tv in lay.debit_values:
            return -abs(amount)
        if tv in lay.credit_values:
            return abs(amount)
        raise ParseError("type is neither debit nor credit", path=self.display, line=line,
                         value=row[lay.sign_col].strip(),  # type: ignore[index]
                         rule=f"{lay.col_name(lay.sign_col)}: one of "
                         + ", ".join(sorted(lay.debit_values | lay.credit_values)))

    def _balance_row(self, row: list[str], line: int, d: date, desc: str) -> None:
        """A balance row: its balance (balance cell, else amount cell) kept, the row skipped."""
        lay = self.lay
        bal = None
        bv = row[lay.balance_col].strip() if lay.balance_col is not None else ""
        for v in (bv, row[lay.amount_col].strip() if lay.amount_col is not None else ""):
            if v and has_digit(v):
                try:
                    bal = parse_amount(v, decimal_mark=lay.decimal_mark, markers="bank")
                    break
                except AmountError:
                    pass
        if bal is not None:
            self.balances.append(StatementBalance(Source(self.display, line), None, d, bal, "ledger"))
        self.notes.append(f"line {line}: balance row skipped ({desc[:40]})")

    def _record(self, row: list[str], line: int, d: date, amount: Decimal, desc: str, payee: str,
                memo: str) -> None:
        lay = self.lay
        chk, ttc, acc, balc = lay.check_col, lay.trntype_col, lay.account_col, lay.balance_col
        src = _new_source(self.display, line)
        self.records.append(_new_record(
            src, d, amount, desc,
            clean_cell(row[acc]) or None if acc is not None else None,
            payee, memo, check_number(row[chk] if chk is not None else None, desc),
            row[ttc].strip() or None if ttc is not None else None,
            None, False,
        ))
        if balc is not None and row[balc]:
            self.last_balance = (src, d, row[balc])
            if self.first_balance is None:
                self.first_balance = self.last_balance

    # ------------------------------------------------------------------ the file
    def result(self) -> ImportResult:
        first, last = self.first_balance, self.last_balance
        ends = [] if first is None else [first] if last is first else [first, last]  # type: ignore[list-item]
        balances, notes = running_balances(ends, self.lay.decimal_mark)
        self.balances.extend(balances)
        self.notes.extend(notes)
        if self.pending_lines:
            self.notes.append(pending_note(self.pending_lines))
        if self.blank_lines:
            shown = ", ".join(str(n) for n in self.blank_lines[:10]) + (
                " ..." if len(self.blank_lines) > 10 else "")
            self.notes.append(f"{len(self.blank_lines)} blank line(s) skipped: {shown}")
        return ImportResult(kind="csv", records=tuple(self.records), balances=tuple(self.balances),
                            notes=tuple(self.notes))
