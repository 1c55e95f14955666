"""The generic reader's layout: a file no profile claims -> an inferred Layout.

Input: a file's ``Rows``. Output: ``infer_layout`` -> Layout. With a header row (``find_header``:
a date-role name and an amount-role name, no date values) columns are mapped by name
(recon.importers.csv.names); without one, by content. Decided per file: day-first or month-first
dates (a date without a year takes the statement period's), the decimal mark, and the sign rule
(signed; debit/credit split; unsigned + type column; a type column that contradicts every sign is
a card export written purchases-positive).
"""
from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from recon.errors import ParseError
from recon.importers.csv.names import (
    EXCLUDED_TEXT,
    PAYEE_NAMES,
    has_digit,
    looks_like_amount,
    norm_name,
    role_of,
    type_sign,
)
from recon.importers.csv.rules import BALANCE_ROW, HEADER_SEARCH_ROWS, SAMPLE_ROWS, TOTAL_ROW, Layout
from recon.importers.date_cells import token_date, tokenize_date
from recon.importers.delimited import Rows, cell_at, clean_cell, trimmed_cells

IBAN_LIKE = re.compile(r"^[A-Z]{2}\d{2}[A-Z0-9]{8,30}$")


def find_header(cleaned: list[list[str]]) -> int | None:
    """Index of the column-name row: a date-role name and an amount-role name, no date values."""
    for i, cells in enumerate(cleaned[:HEADER_SEARCH_ROWS]):
        if len(cells) < 2:
            continue
        roles = [role_of(c) for c in cells]
        kinds = {r[0] for r in roles if r}
        if "date" in kinds and kinds & {"amount", "debit", "credit"}:
            if not any(tokenize_date(c) is not None for c in cells):
                return i
    return None


def infer_layout(rows: Rows, display: str) -> Layout:
    cleaned = [trimmed_cells(r) for r in rows.cells[: HEADER_SEARCH_ROWS + SAMPLE_ROWS]]
    hidx = find_header(cleaned)
    if hidx is not None:
        lay = _layout_with_header(rows, cleaned, hidx, display)
    else:
        lay = _layout_by_content(rows, cleaned, display)
    lay.decimal_mark = decide_mark(rows, lay)
    _decide_sign(rows, lay)
    return lay


def _sample(rows: Rows, start: int, n: int = SAMPLE_ROWS) -> list[list[str]]:
    out = []
    for r in rows.cells[start:start + n * 2]:
        c = [clean_cell(x) for x in r]
        if any(c):
            out.append(c)
        if len(out) >= n:
            break
    return out


def _date_parser(tokens: list, display: str, rows: Rows, start: int,
                 prefer_dmy: bool) -> tuple[Callable[[str], date], str]:
    """Decide one reading for the file's date column (day-first or month-first, year source)."""
    kinds = {t.kind for t in tokens}
    dmy_possible = all(token_date(t, "dmy", 2000) is not None for t in tokens if t.kind == "num")
    mdy_possible = all(token_date(t, "mdy", 2000) is not None for t in tokens if t.kind == "num")
    if "num" in kinds:
        if dmy_possible and not mdy_possible:
            order = "dmy"
        elif mdy_possible and not dmy_possible or not dmy_possible and not mdy_possible:
            order = "mdy"
        else:
            order = "dmy" if prefer_dmy else "mdy"
    else:
        order = "mdy"
    fmt_shape = next((t.fmt for t in tokens), "")
    if fmt_shape and fmt_shape[0] in "-/.":
        sep, yfmt = fmt_shape[0], fmt_shape[1:]
        rule = (f"%d{sep}%m{sep}{yfmt}" if order == "dmy" else f"%m{sep}%d{sep}{yfmt}")
    else:
        rule = fmt_shape
    year: int | None = None
    period: tuple[date, date] | None = None
    if "noyear" in kinds:
        period = _statement_period(rows, start)
        if period is None:
            raise ParseError("dates have no year and the file states no statement period",
                             path=display, rule="a date without a year takes the year from the "
                             "statement period in the same file")
        year = period[0].year

    def parse(s: str) -> date:
        tok = tokenize_date(s)
        if tok is None:
            raise ValueError(s)
        if tok.kind == "noyear" and period is not None:
            lo, hi = period
            for y in range(lo.year, hi.year + 1):
                d = token_date(tok, order, y)
                if d is not None and lo <= d <= hi:
                    return d
        d = token_date(tok, order, year)
        if d is None:
            raise ValueError(s)
        return d

    return parse, f"date format {rule or 'as written'} (decided for this file)"


def _statement_period(rows: Rows, start: int) -> tuple[date, date] | None:
    found: list[date] = []
    for r in rows.cells[:start]:
        for c in r:
            c = clean_cell(c)
            for part in re.split(r"\s+-\s+|\s+to\s+|\s+tot\s+|\s+bis\s+", c):
                tok = tokenize_date(part)
                if tok is not None and tok.kind in ("ymd", "dmon", "num"):
                    d = token_date(tok, "dmy" if tok.kind == "num" else "mdy")
                    if d:
                        found.append(d)
    if not found:
        return None
    return min(found), max(found)


def _layout_with_header(rows: Rows, cleaned: list[list[str]], hidx: int, display: str) -> Layout:
    """Columns mapped by their names in header row ``hidx`` (values checked on a sample)."""
    names = cleaned[hidx]
    roles = [role_of(c) for c in names]
    sample = _sample(rows, hidx + 1)
    date_col, tokens = _header_date_column(rows, names, roles, sample, hidx, display)
    best = _BestColumn(roles, sample)
    style, amount_col, debit_col, credit_col = _header_amount_columns(rows, best, hidx, display)
    nonlatin = any(r and r[0] == "date" and norm_name(names[j]) not in
                   ("date", "posting date", "post date", "transaction date", "trans date",
                    "run date", "date completed", "created", "datetime", "posted date")
                   for j, r in enumerate(roles))
    prefer_dmy = rows.delimiter == ";" or nonlatin
    parse, rule = _date_parser(tokens, display, rows, hidx + 1, prefer_dmy)
    lay = Layout(name="generic", start=hidx + 1, width=len(names), date_col=date_col,
                 parse_date=parse, date_rule=rule, style=style, amount_col=amount_col,
                 debit_col=debit_col, credit_col=credit_col, header=[n.lower() for n in names],
                 header_line=rows.lines[hidx],
                 names=[clean_cell(c).replace("\x00", "") for c in rows.cells[hidx]],
                 balance_rx=[BALANCE_ROW], skip_rx=[TOTAL_ROW])
    lay.check_col = best("check_number")
    lay.balance_col = best("balance")
    lay.status_col = best("status")
    lay.account_col = best("account")
    used = {date_col, amount_col, debit_col, credit_col, lay.check_col, lay.balance_col,
            lay.status_col, lay.account_col}
    _header_type_column(lay, names, roles, sample, used)
    _header_text_columns(lay, names, roles, sample, used)
    return lay


def _header_date_column(rows: Rows, names: list[str], roles: list, sample: list[list[str]],
                        hidx: int, display: str) -> tuple[int, list]:
    """The best-ranked date-named column whose values parse, and its date tokens."""
    date_cands = sorted((r[1], j) for j, r in enumerate(roles) if r and r[0] == "date")
    for _, j in date_cands:
        vals = [cell_at(r, j) for r in sample]
        toks = [tokenize_date(v) for v in vals if v and has_digit(v)]
        good = [t for t in toks if t is not None]
        if good and len(good) >= 0.5 * len(toks) and len(good) >= 0.3 * max(1, len(sample)):
            return j, good
    if not any(any(r) for r in sample) and date_cands:
        return date_cands[0][1], []  # header-only file: nothing to read
    raise ParseError("no column holds dates", path=display, line=rows.lines[hidx],
                     rule="a bank CSV needs a date column", value=",".join(names)[:200])


class _BestColumn:
    """``best(role)``: the best-ranked column named for ``role`` that holds values in the sample
    (the only one so named even when empty), else the best-ranked one, else None."""

    def __init__(self, roles: list, sample: list[list[str]]) -> None:
        self.roles, self.sample = roles, sample

    def __call__(self, role: str) -> int | None:
        c = sorted((r[1], j) for j, r in enumerate(self.roles) if r and r[0] == role)
        for _, j in c:
            if any(cell_at(r, j) for r in self.sample) or len(c) == 1:
                return j
        return c[0][1] if c else None


def _header_amount_columns(rows: Rows, best: _BestColumn, hidx: int, display: str
                           ) -> tuple[str, int | None, int | None, int | None]:
    """(style, amount, debit, credit columns): a debit and a credit column make a split layout;
    a lone debit or credit column is the amount column."""
    amount_col, debit_col, credit_col = best("amount"), best("debit"), best("credit")
    if debit_col is not None and credit_col is not None:
        return "debit_credit", None, debit_col, credit_col
    if amount_col is None:
        amount_col = debit_col if debit_col is not None else credit_col
        if amount_col is None:
            raise ParseError("no amount column", path=display, line=rows.lines[hidx],
                             rule="a bank CSV needs an amount (or debit and credit) column")
    return "signed", amount_col, debit_col, credit_col


def _header_type_column(lay: Layout, names: list[str], roles: list, sample: list[list[str]],
                        used: set) -> None:
    """Type-named columns: the sign column when its values are debit/credit markers, else the
    transaction type (unless it is free text named like a type column)."""
    for j, r in enumerate(roles):
        if r and r[0] == "type":
            vals = [cell_at(x, j) for x in sample if cell_at(x, j) and cell_at(x, j).lower() != names[j].lower()]
            if vals and sum(1 for v in vals if type_sign(v)) >= 0.8 * len(vals):
                lay.sign_col = j
                used.add(j)
            elif norm_name(names[j]) == "details" or (
                    vals and sum(len(v) for v in vals) / len(vals) > 16):
                continue  # free text named like a type column (Bank of Ireland "Details")
            elif lay.trntype_col is None:
                lay.trntype_col = j
                used.add(j)
    if lay.trntype_col is None and lay.sign_col is not None:
        lay.trntype_col = lay.sign_col


def _header_text_columns(lay: Layout, names: list[str], roles: list, sample: list[list[str]],
                         used: set) -> None:
    """Text columns (not used, not dates, amounts or metadata, holding letters), the payee
    column (by name, else the first text column) and a memo column."""
    other_dates = {j for j, r in enumerate(roles) if r and r[0] == "date"}
    text_cols = []
    for j, nm in enumerate(names):
        if j in used or j in other_dates:
            continue
        n = norm_name(nm)
        if n in EXCLUDED_TEXT or (roles[j] and roles[j][0] in ("amount", "debit", "credit", "balance")):
            continue
        vals = [cell_at(x, j) for x in sample if cell_at(x, j)]
        if not vals or not any(any(ch.isalpha() for ch in v) for v in vals):
            continue
        if all(IBAN_LIKE.match(v) for v in vals):
            continue
        text_cols.append(j)
    lay.text_cols = text_cols
    normed = [norm_name(n) for n in names]
    for want in PAYEE_NAMES:
        if want in normed and normed.index(want) in text_cols:
            lay.payee_cols = [normed.index(want)]
            break
    if not lay.payee_cols and text_cols:
        lay.payee_cols = [text_cols[0]]
    lay.memo_cols = [j for j in text_cols if roles[j] and roles[j][0] == "memo"
                     and j not in lay.payee_cols][:1]


def _layout_by_content(rows: Rows, cleaned: list[list[str]], display: str) -> Layout:
    """No header row: columns mapped by what their values look like."""
    sample = [r for r in _sample(rows, 0, 200) if len(r) >= 2]
    if not sample:
        raise ParseError("no header row and no rows with a date and an amount", path=display,
                         rule="a bank CSV needs a date column and an amount column")
    width = max(len(r) for r in sample)
    n = len(sample)
    stats = [_column_stats(sample, j) for j in range(width)]
    date_col = next((s["j"] for s in stats if s["ne"] >= 0.8 * n and s["dates"] >= 0.9 * s["ne"]), None)
    if date_col is None:
        raise ParseError("no header row, and no column holds dates", path=display,
                         rule="a bank CSV needs a date column")
    style, amount_col, debit_col, credit_col = _content_amount_columns(stats, sample, date_col, display)
    tokens = [t for t in (tokenize_date(cell_at(r, date_col)) for r in sample) if t is not None]
    prefer_dmy = rows.delimiter in (";", "\t")
    parse, rule = _date_parser(tokens, display, rows, 0, prefer_dmy)
    lay = Layout(name="generic (no header)", start=0, width=width, date_col=date_col,
                 parse_date=parse, date_rule=rule, style=style, amount_col=amount_col,
                 debit_col=debit_col, credit_col=credit_col,
                 balance_rx=[BALANCE_ROW], skip_rx=[TOTAL_ROW])
    _content_text_columns(lay, stats, {date_col, amount_col, debit_col, credit_col})
    lay.notes.append(f"no header row: columns mapped by content (date: column {date_col + 1}, "
                     + (f"amount: column {amount_col + 1})" if amount_col is not None else
                        f"debit: column {debit_col + 1}, credit: column {credit_col + 1})"))  # type: ignore[operator]
    return lay


def _column_stats(sample: list[list[str]], j: int) -> dict:
    """What column ``j``'s sample values look like: non-empty, dates, amounts, decimals, signs,
    words."""
    ne = [v for v in (cell_at(r, j) for r in sample) if v]
    toks = [tokenize_date(v) for v in ne]
    dates = sum(1 for t in toks if t is not None)
    amts = [v for v, t in zip(ne, toks) if t is None and has_digit(v) and looks_like_amount(v)]
    dec = sum(1 for v in amts if re.search(r"[.,]\d{1,2}\)?\s*-?$", v))
    neg = any(v.startswith(("-", "(")) or v.endswith("-") for v in amts)
    alpha = sum(1 for v in ne if sum(ch.isalpha() for ch in v) >= 2)
    return dict(j=j, ne=len(ne), dates=dates, amts=len(amts), dec=dec, neg=neg, alpha=alpha, vals=ne)


def _content_amount_columns(stats: list[dict], sample: list[list[str]], date_col: int, display: str
                            ) -> tuple[str, int | None, int | None, int | None]:
    """(style, amount, debit, credit columns) from the columns' values: a full column with signs;
    else two never-both-filled columns (debit and credit); else a full column; else the fullest."""
    n = len(sample)
    amt_cands = [s for s in stats if s["j"] != date_col and s["ne"] and s["amts"] >= 0.9 * s["ne"]
                 and s["dates"] == 0]
    full = [s for s in amt_cands if s["ne"] >= 0.9 * n and s["dec"] >= 0.5 * s["ne"]]
    signed_full = [s for s in full if s["neg"]]
    pair = None
    decs = [s for s in amt_cands if s["dec"] >= 0.5 * s["ne"]]
    for a in decs:
        for b in decs:
            if a["j"] < b["j"]:
                both = sum(1 for r in sample if cell_at(r, a["j"]) and cell_at(r, b["j"]))
                union = sum(1 for r in sample if cell_at(r, a["j"]) or cell_at(r, b["j"]))
                if both == 0 and union >= 0.8 * n and a["ne"] < 0.9 * n and b["ne"] < 0.9 * n:
                    pair = (a, b)
                    break
        if pair:
            break
    if signed_full:
        return "signed", signed_full[0]["j"], None, None
    if pair:
        a, b = pair
        # more rows spend than earn: the busier column is the debit column
        debit_col, credit_col = (a["j"], b["j"]) if a["ne"] >= b["ne"] else (b["j"], a["j"])
        return "debit_credit", None, debit_col, credit_col
    if full:
        return "signed", full[0]["j"], None, None
    if amt_cands:
        return "signed", max(amt_cands, key=lambda s: s["ne"])["j"], None, None
    raise ParseError("no header row, and no column holds amounts", path=display,
                     rule="a bank CSV needs an amount column")


def _content_text_columns(lay: Layout, stats: list[dict], used: set) -> None:
    """A debit/credit marker column gives the sign; columns of words (not codes, not IBANs) are
    the text, the first of them the payee."""
    for s in stats:
        if s["j"] in used or not s["vals"]:
            continue
        if sum(1 for v in s["vals"] if type_sign(v)) >= 0.8 * len(s["vals"]) and lay.sign_col is None:
            lay.sign_col = s["j"]
            lay.trntype_col = s["j"]
            used.add(s["j"])
    text_cols = []
    for s in stats:
        j = s["j"]
        if j in used or not s["vals"] or s["dates"] >= 0.5 * s["ne"]:
            continue
        if s["alpha"] < 0.5 * s["ne"]:
            continue
        if all(len(v) <= 3 and v.isupper() for v in s["vals"]):
            continue  # currency / transaction codes
        if all(IBAN_LIKE.match(v) for v in s["vals"]):
            continue
        text_cols.append(j)
    lay.text_cols = text_cols
    lay.payee_cols = text_cols[:1]


def decide_mark(rows: Rows, lay: Layout) -> str:
    """'.' or ',' for the whole file, from the amount cells' shapes."""
    cols = [j for j in (lay.amount_col, lay.debit_col, lay.credit_col) if j is not None]
    comma = dot = 0
    for r in rows.cells[lay.start:lay.start + SAMPLE_ROWS]:
        for j in cols:
            v = cell_at(r, j).strip()
            if not v:
                continue
            if re.search(r",\d{1,2}(?:\D*)$", v) and "." not in v.split(",")[-1] or re.search(r"\.\d{3},", v):
                comma += 1
            elif re.search(r"\.\d{1,2}(?:\D*)$", v) or re.search(r",\d{3}\.", v):
                dot += 1
    if comma > dot:
        return ","
    if dot:
        return "."
    return "," if rows.delimiter == ";" else "."


def _decide_sign(rows: Rows, lay: Layout) -> None:
    """Generic files: with a debit/credit type column, unsigned amounts take the type's sign;
    signed amounts that contradict the type on most rows are a purchases-positive card layout."""
    if lay.style != "signed" or lay.sign_col is None or lay.amount_col is None:
        return
    agree = disagree = negatives = 0
    for r in rows.cells[lay.start:lay.start + SAMPLE_ROWS]:
        v = cell_at(r, lay.amount_col).strip()
        t = type_sign(cell_at(r, lay.sign_col))
        if not v or not has_digit(v):
            continue
        neg = v.startswith(("-", "(")) or v.endswith("-") or v.replace(" ", "")[:2] in ("-$", "$(")
        negatives += neg
        if t:
            if (t < 0) == neg:
                agree += 1
            else:
                disagree += 1
    if negatives == 0:
        lay.style = "type_column"
        lay.debit_values = frozenset(v for v in ("debit", "d", "dr", "db", "af", "debet", "soll",
                                                 "s", "withdrawal", "dbit", "-", "out", "debito"))
        lay.credit_values = frozenset(("credit", "c", "cr", "bij", "haben", "h", "deposit", "+",
                                       "in", "credito"))
        lay.notes.append(f"amounts are unsigned: sign from {lay.col_name(lay.sign_col)} "
                         "(debit = money out)")
    elif disagree > agree:
        lay.style = "negated"
        lay.notes.append(f"{lay.col_name(lay.sign_col)} contradicts the amount's sign on most rows: "
                         "card export with purchases positive, amounts negated")

