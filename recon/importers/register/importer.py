"""A member's check register CSV -> CheckEntry values.

Input: a delimited text file with a header row naming a check-number column (Number, Check #,
Check No, Num), a date column (Date, Date Written), a payee column (Payee, Pay To, Paid To) and an
amount column, optionally Memo (which often carries the Connector billing account number, 9 digits
starting with 7). Output: ``ImportResult(kind="check_register", checks=...)``, one CheckEntry per
data row with ``Source(display, physical line)``; the amount is positive (paid out).

The header vocabulary and ``looks_like_check_register`` live in recon.importers.register.header,
which the bank CSV importer also asks so that exactly one of the two claims a file.
"""
from __future__ import annotations

from pathlib import Path

from recon.errors import InputError, ParseError
from recon.importers.base import damaged_layout_error, damaged_layout_line, damaged_note, has_control
from recon.importers.date_cells import token_date, tokenize_date
from recon.importers.delimited import (
    CsvSyntaxError,
    Rows,
    clean_cell,
    decode,
    last_row_cut,
    looks_like_ofx_or_pdf,
    norm_name,
    read_rows,
    refuse_long_lines,
    sniff_delimiter,
    split_rows,
)
from recon.importers.register.header import looks_like_check_register, roles_of
from recon.model import CheckEntry, ImportResult, Source
from recon.money import AmountError, parse_amount


class CheckRegisterImporter:
    """Check register CSV -> CheckEntry tuple."""

    kind = "check_register"

    def identify(self, path: Path, head: bytes) -> bool:
        try:
            if not head or looks_like_ofx_or_pdf(head):
                return False
            text, _ = decode(head)
            lines = [ln for ln in text.split("\n")[:20]]
            delim = sniff_delimiter(lines)
            try:
                rows = split_rows("\n".join(lines[:-1] if len(head) >= 8192 else lines), delim)
            except CsvSyntaxError:
                # Bad quoting further down: the header alone says whether this is a register, and
                # extract then names the line that cannot be read.
                first = next((ln for ln in lines if ln.strip()), "")
                try:
                    rows = split_rows(first, delim)
                except CsvSyntaxError:
                    return False
            for r in rows.cells[:10]:
                cells = [clean_cell(c) for c in r]
                if any(cells):
                    return looks_like_check_register(cells)
            return False
        except Exception:
            return False

    def extract(self, path: Path, display: str) -> ImportResult:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read file: {exc.strerror or exc}", path=display) from exc
        refuse_long_lines(data, display)
        try:
            rows = read_rows(data)
        except CsvSyntaxError as exc:
            raise ParseError(str(exc), path=display, line=exc.line, value=exc.text,
                             rule="quotes inside a quoted field must be doubled") from exc
        hidx = None
        for i, r in enumerate(rows.cells[:10]):
            cells = [clean_cell(c) for c in r]
            if any(cells):
                hidx = i
                break
        if hidx is None:
            raise ParseError("empty check register", path=display)
        damaged = damaged_layout_line(rows.cells[:hidx + 1], rows.lines[:hidx + 1])
        if damaged is not None:
            raise damaged_layout_error(*damaged, display)
        header = [clean_cell(c) for c in rows.cells[hidx]]
        if not looks_like_check_register(header):
            raise ParseError("header row is not a check register's", path=display,
                             line=rows.lines[hidx], value=",".join(header)[:200],
                             rule="a register needs a check number, payee and amount column")
        roles = roles_of(header)
        if "date" not in roles:
            # any other date-ish column
            for j, c in enumerate(header):
                if "date" in norm_name(c):
                    roles["date"] = j
                    break
        if "date" not in roles:
            raise ParseError("check register has no date column", path=display,
                             line=rows.lines[hidx], rule="columns Date or Date Written")
        body = [(rows.lines[k], [clean_cell(c) for c in rows.cells[k]])
                for k in range(hidx + 1, len(rows.cells))]
        notes = [f"line {ln}: blank line skipped" for ln, r in body if not any(r)]
        body = [(ln, r) for ln, r in body if any(r)]
        damaged_rows = {rows.lines[k]: text for k in range(hidx + 1, len(rows.cells))
                        if has_control(text := " ".join(rows.cells[k]))}
        body, more = _whole_rows(rows, body, header, damaged_rows)
        notes += more
        dj = roles["date"]
        toks = [tokenize_date(r[dj]) for _, r in body if dj < len(r) and r[dj]]
        order = "mdy"
        if any(t is not None and t.kind == "num" and t.a > 12 for t in toks):
            order = "dmy"
        checks = []
        for line, r in body:
            r = r + [""] * (len(header) - len(r))
            num = r[roles["number"]]
            ds = r[dj]
            amt = r[roles["amount"]]
            if not num and not amt and not ds:
                notes.append(f"line {line}: no check number, date or amount; skipped")
                continue
            if num.lower().startswith("total") or r[roles["payee"]].lower().startswith("total"):
                notes.append(f"line {line}: totals row skipped")
                continue
            tok = tokenize_date(ds)
            d = token_date(tok, order) if tok is not None else None
            if d is None:
                raise ParseError("could not parse date written", path=display, line=line, value=ds,
                                 rule=f'column "{header[dj]}": a date such as 03/14/2026')
            try:
                amount = abs(parse_amount(amt, markers="bank"))
            except AmountError as exc:
                raise ParseError("could not parse amount", path=display, line=line, value=amt,
                                 rule=f'column "{header[roles["amount"]]}": an amount such as 412.00') from exc
            if not num:
                raise ParseError("check number missing", path=display, line=line, value=num,
                                 rule=f'column "{header[roles["number"]]}"')
            memo = r[roles["memo"]] if "memo" in roles else ""
            checks.append(CheckEntry(Source(display, line), num.lstrip("#").strip(), d,
                                     " ".join(r[roles["payee"]].split()), amount,
                                     " ".join(memo.split())))
        return ImportResult(kind="check_register", checks=tuple(checks), notes=tuple(notes))


def _whole_rows(rows: Rows, body: list[tuple[int, list[str]]], header: list[str], damaged: dict[int, str]
                ) -> tuple[list[tuple[int, list[str]]], list[str]]:
    """The rows that are whole and undamaged, and a note for each one left out: a row holding a
    control character (damaged bytes), and a last row the file ends inside (a download cut short)."""
    notes = []
    if rows.cut_line is not None:
        notes.append(f"line {rows.cut_line}: the file ends inside this row (an unfinished quoted field): "
                     "not read, the file may be cut off")
    elif rows.cut and body and last_row_cut([(r, ln) for ln, r in body], header, rows.ends_quoted):
        line, row = body.pop()
        notes.append(f"line {line}: the file ends inside this row (no line break after it, and nothing "
                     f"shows its last field is whole): not read, the file may be cut off: "
                     f"{','.join(row)[:60]!r}")
    whole = []
    for line, row in body:
        if line in damaged:
            notes.append(damaged_note(line, damaged[line]))
        else:
            whole.append((line, row))
    return whole, notes
