"""Columnar kernel for large, clean bank CSVs (pyarrow + numpy), for the bench goal.

Input: the file's bytes, and the Rows and Layout the importer computed from the file's first
lines exactly as the per-row reader would (the layout only ever looks at the first few hundred
rows). Output: the ImportResult ``rows.read_records`` would return, with records as a
RecordColumns (recon.importers.csv.columns), or None when this kernel cannot vouch for the
result; the importer then runs the per-row reader on the whole file, which also produces any
error or note. Every cell rule (dates, amounts, descriptions, balance and totals rows, running
balances) is recon.importers.csv.rules', applied once per distinct cell.

The kernel only claims a file it reads exactly like the stdlib csv module would:

- UTF-8 (or UTF-8 with BOM) text, no NUL bytes, line ends LF or CRLF (no lone CR);
- quoting the byte scan below proves unambiguous: every quote opens a field (after a delimiter
  or at a line start) or closes it (before a delimiter or a line end), no doubled quotes;
- every data line is one record (no field holds a line break), no blank lines, every row as wide
  as the first data row and wide enough for the layout (pyarrow raises on a ragged row);
- a signed or negated amount style and one text column (the usual export);
- every row is a plain transaction: each distinct date cell parses with the layout's explicit
  rule, each distinct amount cell is a non-empty amount, no description is a balance or totals row.

Anything else (a repeated header, a pending row (by its date, status or type cell), a balance
row, a blank line, a bad date or amount, a debit/credit or type-column layout) returns None.
"""
from __future__ import annotations

from decimal import InvalidOperation
from typing import Any

from recon.importers.csv.columns import RecordColumns
from recon.importers.csv.rules import (
    Layout,
    SpecialRows,
    apply_style,
    no_negative_zero,
    norm_text,
    opening_notes,
    parse_amount_cell,
    parse_date_cell,
    running_balances,
)
from recon.importers.delimited import Rows, clean_cell
from recon.model import ImportResult, Source
from recon.money import AmountError

HEAD_LINES = 2000        # lines the importer parses with the stdlib to decide the layout
HEAD_MIN_ROWS = 1000     # the layout looks at fewer rows than this (start + 2 x SAMPLE_ROWS)
PREFIX = 64              # description prefix (characters) tested for balance/totals rows
PREFIX_SURE = 25         # a normalised prefix this long decides the built-in row patterns
_SCAN_CHUNK = 1 << 24


def available() -> bool:
    try:
        import numpy  # noqa: F401
        import pyarrow  # noqa: F401
        import pyarrow.csv  # noqa: F401
    except ImportError:
        return False
    return True


def head_of(data: bytes, lines: int = HEAD_LINES) -> bytes:
    """The first ``lines`` physical lines of ``data`` (all of it when shorter)."""
    pos = 0
    for _ in range(lines):
        pos = data.find(b"\n", pos) + 1
        if pos == 0:
            return data
    return data[:pos]


def read_columns(data: bytes, rows: Rows, lay: Layout, display: str) -> ImportResult | None:
    """The kernel (see the module docstring); None when it does not apply."""
    if not _layout_fits(data, rows, lay):
        return None
    region = _scan_bytes(data, rows, lay)
    if region is None:
        return None
    off, want_rows = region
    table = _parse_table(data, off, want_rows, rows, lay)
    if table is None or _has_pending_rows(table, lay):
        return None
    dates = _distinct_dates(table, lay)
    amounts = None if dates is None else _distinct_amounts(table, lay)
    if dates is None or amounts is None or _has_special_rows(table, lay, data, off):
        return None
    first_line = rows.lines[lay.start]
    notes = opening_notes(lay)
    balances, balance_notes = _running_balance_ends(table, lay, display, first_line, dates)
    notes.extend(balance_notes)
    records = RecordColumns(display, first_line, table.num_rows, dates[0], dates[1], amounts[0],
                            amounts[1], table.column(lay.text_cols[0]),
                            check=_column(table, lay.check_col), trntype=_column(table, lay.trntype_col),
                            account=_column(table, lay.account_col), status=_column(table, lay.status_col),
                            pending_values=lay.pending_values)
    return ImportResult(kind="csv", records=records, balances=tuple(balances),  # type: ignore[arg-type]
                        notes=tuple(notes))


def _layout_fits(data: bytes, rows: Rows, lay: Layout) -> bool:
    """UTF-8, a one-character delimiter, signed or negated amounts, one text column, no NULs, and
    a final line break."""
    return (rows.codec in ("utf-8", "utf-8-sig") and lay.style in ("signed", "negated")
            and lay.simple_text and lay.start < len(rows.cells) and len(rows.delimiter) == 1
            and lay.amount_col is not None and b"\x00" not in data
            and data.endswith(b"\n"))   # a file cut short is the per-row reader's (its last row is checked)


def _scan_bytes(data: bytes, rows: Rows, lay: Layout) -> tuple[int, int] | None:
    """One byte scan (line ends, carriage returns, quotes) -> (offset of the first data row,
    rows pyarrow must find), or None when a line end, blank line or quote is not plain."""
    import numpy as np

    delim = ord(rows.delimiter)
    n = len(data)
    arr = np.frombuffer(data, np.uint8)
    nls, quotes, crs = [], [], []
    for s in range(0, n, _SCAN_CHUNK):
        a = arr[s:s + _SCAN_CHUNK]
        if bool(((a < 32) & (a != 9) & (a != 10) & (a != 13)).any() | (a == 127).any()):
            return None  # a control character: the per-row reader names the damaged rows
        nls.append(np.flatnonzero(a == 10) + s)
        quotes.append(np.flatnonzero(a == 34) + s)
        if 13 in a:
            crs.append(np.flatnonzero(a == 13) + s)
    nl = np.concatenate(nls)
    if crs:
        cr = np.concatenate(crs)
        if cr[-1] == n - 1 or not bool((arr[cr + 1] == 10).all()):
            return None  # a lone CR is a line end to the stdlib reader
    first_line = rows.lines[lay.start]
    if first_line > 1:
        if first_line - 2 >= len(nl):
            return None
        off = int(nl[first_line - 2]) + 1
    else:
        off = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    if off >= n or data.startswith(b"\xef\xbb\xbf", off):
        return None
    nl = nl[np.searchsorted(nl, off):]
    # blank lines (LF or CRLF right after the previous line end, or at the region start)
    starts = np.concatenate(([off], nl[:-1] + 1))
    lens = nl - starts
    if len(lens) and bool((lens == 0).any() | ((lens == 1) & (arr[np.maximum(nl - 1, 0)] == 13)).any()):
        return None
    q = np.concatenate(quotes)
    q = q[np.searchsorted(q, off):]
    if len(q):
        if len(q) % 2:
            return None
        opens, closes = q[0::2], q[1::2]
        prev = arr[np.maximum(opens - 1, 0)]
        ok_open = (prev == delim) | (prev == 10) | (opens == off)
        nxt = arr[np.minimum(closes + 1, n - 1)]
        ok_close = (nxt == delim) | (nxt == 10) | (nxt == 13) | (closes == n - 1)
        if not (bool(ok_open.all()) and bool(ok_close.all())):
            return None
    return off, len(nl) + (data[-1:] != b"\n")


def _parse_table(data: bytes, off: int, want_rows: int, rows: Rows, lay: Layout) -> Any:
    """The data rows as a pyarrow Table of strings (multi-threaded), or None when pyarrow reads
    them differently (ragged rows, invalid UTF-8, another row count)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    region: bytes | memoryview = memoryview(data)[off:]
    if data[-1:] != b"\n":
        region = bytes(region) + b"\n"
    ncols = len(rows.cells[lay.start])
    used = (lay.date_col, lay.amount_col, lay.sign_col, lay.check_col, lay.trntype_col,
            lay.account_col, lay.balance_col, lay.status_col, lay.text_cols[0])
    if 1 + max(j for j in used if j is not None) > ncols:
        return None
    names = [f"c{j}" for j in range(ncols)]
    try:
        table = pacsv.read_csv(
            pa.py_buffer(region),
            read_options=pacsv.ReadOptions(column_names=names),
            parse_options=pacsv.ParseOptions(delimiter=rows.delimiter, quote_char='"',
                                             double_quote=True, escape_char=False,
                                             newlines_in_values=False, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(column_types={c: pa.string() for c in names},
                                                 strings_can_be_null=False,
                                                 quoted_strings_can_be_null=False, null_values=[]))
    except (pa.ArrowInvalid, pa.ArrowException):
        return None
    return table if table.num_rows == want_rows else None


def _column(table: Any, j: int | None) -> Any:
    return None if j is None else table.column(j)


def _encode(table: Any, j: int) -> tuple[list[str], Any]:
    """Column ``j`` as (distinct cells, per-row indices into them)."""
    import pyarrow.compute as pc

    enc = pc.dictionary_encode(table.column(j).combine_chunks())
    return enc.dictionary.to_pylist(), enc.indices.to_numpy(zero_copy_only=False)


def _has_pending_rows(table: Any, lay: Layout) -> bool:
    """A status or type cell marking a row pending (the per-row reader notes those)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    for j in lay.pending_cols:
        distinct = pc.utf8_lower(pc.utf8_trim_whitespace(pc.unique(table.column(j))))
        if pc.any(pc.is_in(distinct, value_set=pa.array(sorted(lay.pending_values)))).as_py():
            return True
    return False


def _distinct_dates(table: Any, lay: Layout) -> tuple[list, Any] | None:
    """Each distinct date cell parsed once; None when one is no date."""
    cells, idx = _encode(table, lay.date_col)
    try:
        return [parse_date_cell(lay.parse_date, s) for s in cells], idx
    except ValueError:
        return None  # not a transaction row, or a bad date: the per-row reader says which


def _distinct_amounts(table: Any, lay: Layout) -> tuple[list, Any] | None:
    """Each distinct amount cell read once; None when one is empty or no amount."""
    cells, idx = _encode(table, lay.amount_col)  # type: ignore[arg-type]
    amounts = []
    for s in cells:
        av = s.strip()
        if not av:
            return None  # "no amount" rows are noted per line by the per-row reader
        if av[0] == "'":
            av = clean_cell(av)
        try:
            amount, stated = parse_amount_cell(av, lay.decimal_mark)
        except (AmountError, InvalidOperation):
            return None  # the per-row reader raises the ParseError naming the line
        amounts.append(no_negative_zero(apply_style(amount, stated, lay.style)))
    return amounts, idx


def _has_special_rows(table: Any, lay: Layout, data: bytes, off: int) -> bool:
    """A description that is a balance or totals row (the per-row reader skips and notes it)."""
    import numpy as np
    import pyarrow.compute as pc

    special = SpecialRows(lay)
    descs = table.column(lay.text_cols[0])
    if not special.builtin:
        return any(special.kind(norm_text(raw)) for raw in descs.to_pylist())
    # The built-in patterns decide within a description's first 20 characters (longest:
    # "letzter kontostand" and a word boundary), so test each distinct prefix once.
    enc = pc.dictionary_encode(pc.utf8_slice_codeunits(descs, 0, PREFIX).combine_chunks())
    unsure = []
    for k, p in enumerate(enc.dictionary.to_pylist()):
        if "'" in p:
            unsure.append(k)  # clean_cell looks at both ends of the cell
            continue
        norm_p = " ".join(p.split())
        if len(p) >= PREFIX and len(norm_p) < PREFIX_SURE:
            unsure.append(k)
        elif special.kind(norm_p):
            return True
    full: list[int] = []
    if unsure:
        full = np.flatnonzero(np.isin(enc.indices.to_numpy(zero_copy_only=False), unsure)).tolist()
    if data.find(b"'", off) != -1:
        full += np.flatnonzero(pc.match_substring(descs, "'").to_numpy(zero_copy_only=False)).tolist()
    return any(special.kind(norm_text(descs[i].as_py())) for i in full)


def _running_balance_ends(table: Any, lay: Layout, display: str, first_line: int,
                          dates: tuple[list, Any]) -> tuple[list, list[str]]:
    """The first and last non-empty running-balance cells, read by rules.running_balances."""
    import numpy as np
    import pyarrow.compute as pc

    if lay.balance_col is None:
        return [], []
    bcol = table.column(lay.balance_col)
    has = np.flatnonzero(pc.not_equal(bcol, "").to_numpy(zero_copy_only=False))
    if not len(has):
        return [], []
    # the statement's two ends; a single row with a balance is one end, kept once
    rows = (int(has[0]), int(has[-1])) if len(has) > 1 else (int(has[0]),)
    values, idx = dates
    ends = [(Source(display, first_line + i), values[idx[i]], bcol[i].as_py()) for i in rows]
    return running_balances(ends, lay.decimal_mark)
