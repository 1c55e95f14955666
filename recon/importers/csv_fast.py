"""Columnar fast path for large, clean bank CSVs (pyarrow), with the per-row reader as the reference.

Input: the file's bytes, and the Rows and Layout that csv_bank computed from the file's first
lines exactly as the per-row path would (the layout only ever looks at the first few hundred rows).
Output: the ImportResult ``read_records`` would return, with records as a RecordColumns
(recon.importers.columns), or None when this path cannot vouch for the result; the caller then
runs the per-row path on the whole file, which also produces any error or note.

The fast path only claims a file it reads exactly like the stdlib csv module would:

- UTF-8 (or UTF-8 with BOM) text, no NUL bytes, line ends LF or CRLF (no lone CR);
- quoting the byte scan below proves unambiguous: every quote opens a field (after a delimiter
  or at a line start) or closes it (before a delimiter or a line end), no doubled quotes;
- every data line is one record (no field holds a line break), no blank lines, every row as wide
  as the first data row and wide enough for the layout (pyarrow raises on a ragged row);
- a signed or negated amount style and one text column (the usual export);
- every row is a plain transaction: each distinct date cell parses with the layout's explicit
  rule, each distinct amount cell is a non-empty amount, no description is a balance or totals row.

Anything else (a repeated header, a pending row (by its date, status or type cell), a balance
row, a blank line, a bad date or amount, a debit/credit or type-column layout) returns None and the whole file goes through read_records.
Dates and amounts are parsed once per distinct cell, by the same functions read_records uses.
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from recon.importers.columns import RecordColumns
from recon.importers.csvtext import Rows, clean_cell
from recon.model import ImportResult, Source, StatementBalance
from recon.money import AmountError, parse_amount

if TYPE_CHECKING:
    from recon.importers.csv_bank import Layout

HEAD_LINES = 2000        # lines csv_bank parses with the stdlib to decide the layout
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
    """The fast path (see the module docstring); None when it does not apply."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    from recon.importers.csv_bank import BALANCE_ROW, STATED_SIGN, TOTAL_ROW, combined_row_patterns

    if rows.codec not in ("utf-8", "utf-8-sig") or lay.style not in ("signed", "negated"):
        return None
    text_cols = lay.text_cols
    if not (len(text_cols) == 1 and lay.payee_cols == text_cols and not lay.memo_cols):
        return None
    if lay.start >= len(rows.cells) or len(rows.delimiter) != 1 or lay.amount_col is None:
        return None
    if b"\x00" in data:
        return None
    delim = ord(rows.delimiter)
    n = len(data)
    arr = np.frombuffer(data, np.uint8)

    # ---- one byte scan: line ends, carriage returns, quotes
    nls, quotes, crs = [], [], []
    for s in range(0, n, _SCAN_CHUNK):
        a = arr[s:s + _SCAN_CHUNK]
        nls.append(np.flatnonzero(a == 10) + s)
        quotes.append(np.flatnonzero(a == 34) + s)
        if 13 in a:
            crs.append(np.flatnonzero(a == 13) + s)
    nl = np.concatenate(nls)
    if crs:
        cr = np.concatenate(crs)
        if cr[-1] == n - 1 or not bool((arr[cr + 1] == 10).all()):
            return None  # a lone CR is a line end to the stdlib reader: leave it to read_records
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
    region: bytes | memoryview = memoryview(data)[off:]
    want_rows = len(nl)
    if data[-1:] != b"\n":
        region = bytes(region) + b"\n"
        want_rows += 1

    # ---- parse (multi-threaded); every column as strings
    ncols = len(rows.cells[lay.start])
    dc, ac, tc0 = lay.date_col, lay.amount_col, text_cols[0]
    used = (dc, ac, lay.sign_col, lay.check_col, lay.trntype_col, lay.account_col, lay.balance_col,
            lay.status_col, tc0)
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
        return None  # ragged rows, invalid UTF-8, ...
    if table.num_rows != want_rows:
        return None
    nrows = table.num_rows

    def col(j: int | None):  # noqa: ANN202 - a pyarrow ChunkedArray
        return None if j is None else table.column(j)

    def encode(j: int):  # noqa: ANN202
        enc = pc.dictionary_encode(table.column(j).combine_chunks())
        return enc.dictionary.to_pylist(), enc.indices.to_numpy(zero_copy_only=False)

    # ---- pending rows (status or type column): read_records leaves them out and notes them
    for j in {lay.status_col, lay.trntype_col} - {None, lay.sign_col}:
        distinct = pc.utf8_lower(pc.utf8_trim_whitespace(pc.unique(table.column(j))))
        if pc.any(pc.is_in(distinct, value_set=pa.array(sorted(lay.pending_values)))).as_py():
            return None
    # ---- dates: each distinct cell once, with the layout's rule
    date_u, date_idx = encode(dc)
    parse_date = lay.parse_date
    dates = []
    for s in date_u:
        try:
            dates.append(parse_date(clean_cell(s.strip()).replace("\x00", "")))
        except ValueError:
            return None  # not a transaction row, or a bad date: read_records says which
    # ---- amounts: each distinct cell once, as read_records reads it
    amt_u, amt_idx = encode(ac)
    amounts = []
    dot = lay.decimal_mark == "."
    negated = lay.style == "negated"
    for s in amt_u:
        av = s.strip()
        if not av:
            return None  # "no amount" rows are noted per line by read_records
        if av[0] == "'":
            av = clean_cell(av)
        t = av[1:] if av[0] == "-" else av
        flip = negated
        if dot and t.replace(".", "", 1).isdigit():
            amount = Decimal(av)
        elif lay.decimal_mark == "," and t.replace(",", "", 1).isdigit():
            amount = Decimal(av.replace(",", "."))
        else:
            try:
                amount = parse_amount(av, decimal_mark=lay.decimal_mark, markers="bank")
            except (AmountError, InvalidOperation):
                return None  # read_records raises the ParseError naming the line
            flip = negated and not STATED_SIGN.search(av)  # "412.00 DR" keeps its sign
        if flip:
            amount = -amount
        if not amount:
            amount = abs(amount)
        amounts.append(amount)

    # ---- descriptions: no balance or totals rows
    balance_rx, skip_rx = combined_row_patterns(lay)
    builtin = lay.balance_rx == [BALANCE_ROW] and lay.skip_rx == [TOTAL_ROW]
    starts_with = set("BbOoSsKkCcEePpTtNnLlGgAa") if lay.balance_rx == [BALANCE_ROW] else None

    def special(desc: str) -> bool:
        return bool(desc) and (starts_with is None or desc[0] in starts_with) and bool(
            balance_rx.match(desc) or skip_rx.match(desc))

    descs = table.column(tc0)

    def norm(raw: str) -> str:
        if "'" in raw:
            raw = clean_cell(raw)
        return " ".join(raw.split())

    if builtin:
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
            elif special(norm_p):
                return None
        full: list[int] = []
        if unsure:
            full = np.flatnonzero(np.isin(enc.indices.to_numpy(zero_copy_only=False), unsure)).tolist()
        if data.find(b"'", off) != -1:
            full += np.flatnonzero(pc.match_substring(descs, "'").to_numpy(zero_copy_only=False)).tolist()
        for i in full:
            if special(norm(descs[i].as_py())):
                return None
    else:
        for raw in descs.to_pylist():
            if special(norm(raw)):
                return None

    # ---- running balance: the first and last non-empty cells
    notes = list(lay.notes)
    if lay.header_line and lay.header_line > 1:
        notes.append(f"lines 1-{lay.header_line - 1}: preamble before the header skipped")
    balances: list[StatementBalance] = []
    if lay.balance_col is not None:
        has = np.flatnonzero(pc.not_equal(table.column(lay.balance_col), "").to_numpy(zero_copy_only=False))
        if len(has):
            # the statement's two ends; a single row with a balance is one end, kept once
            ends = (int(has[0]), int(has[-1])) if len(has) > 1 else (int(has[0]),)
            bcol = table.column(lay.balance_col)
            for i in ends:
                bv = bcol[i].as_py()
                line = first_line + i
                try:
                    b = parse_amount(bv.strip(), decimal_mark=lay.decimal_mark, markers="bank")
                except (AmountError, InvalidOperation):
                    notes.append(f"line {line}: running balance {bv.strip()!r} is not an amount; not kept")
                    continue
                balances.append(StatementBalance(Source(display, line), None, dates[date_idx[i]], b,
                                                 "running"))
    notes.insert(0, f"layout: {lay.name}")
    records = RecordColumns(display, first_line, nrows, dates, date_idx, amounts, amt_idx, descs,
                            check=col(lay.check_col), trntype=col(lay.trntype_col),
                            account=col(lay.account_col), status=col(lay.status_col),
                            pending_values=lay.pending_values)
    return ImportResult(kind="csv", records=records, balances=tuple(balances),  # type: ignore[arg-type]
                        notes=tuple(notes))
