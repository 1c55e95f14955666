"""Bank and card CSV exports -> BankRecord values (plus running balances and notes).

Input: a delimited text export (any of the encodings, delimiters, preambles, footers and amount
styles in ../shared/corpus/README.md sections 3-5). Output: ``ImportResult(kind="csv")`` whose
records are in file order, each with ``Source(path=display, line=<1-based physical line>)``.

Two ways to read a file:

- a profile (recon/profiles/*.toml) names the layout: header, columns, explicit date format and
  sign rule. Chosen by content (identify.header / header_regex / columns / row_regex) or forced
  with ``CsvBankImporter(profile="chase-checking")``.
- otherwise the generic reader finds the header row (skipping titles, preambles, bare-comma and
  '#' lines), maps columns by name (English, Dutch, German, French, Portuguese, Czech, Hungarian,
  Afrikaans words) or, with no header, by content, and decides per file: day-first or month-first,
  the decimal mark, and the sign rule (signed; debit/credit split; unsigned + type column; a
  layout whose type column contradicts every sign is a card export written purchases-positive).

Nothing is dropped silently: every physical line not imported is named in ``notes``.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from recon.errors import InputError, ParseError
from recon.importers.check_register import looks_like_check_register
from recon.importers.columns import check_number
from recon.importers.csvtext import (
    DATE_SHAPE,
    EXCLUDED_TEXT,
    PAYEE_NAMES,
    CsvSyntaxError,
    Rows,
    clean_cell,
    compile_date_format,
    decode,
    has_digit,
    looks_like_amount,
    looks_like_ofx_or_pdf,
    norm_name,
    read_rows,
    role_of,
    sniff_delimiter,
    split_rows,
    token_date,
    tokenize_date,
    type_sign,
)
from recon.model import BankRecord, ImportResult, Source, StatementBalance, fast_constructor, gc_paused
from recon.money import AmountError, parse_amount
from recon.profiles import Profile, find_profile, load_profiles

# Records are built at up to a million rows a file; see recon.model.fast_constructor.
_new_record = fast_constructor(BankRecord)
_new_source = fast_constructor(Source)

HEADER_SEARCH_ROWS = 60
FAST_MIN_BYTES = 1 << 21  # smaller files: the per-row reader is quick and has no pyarrow import
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
PENDING_WORDS = frozenset({"pending", "in process", "processing", "in behandeling",
                           "vorgemerkt", "pendente", "memo", "hold"})
IBAN_LIKE = re.compile(r"^[A-Z]{2}\d{2}[A-Z0-9]{8,30}$")


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


class CsvBankImporter:
    """Bank/card CSV exports -> BankRecords (see module docstring)."""

    kind = "csv"

    def __init__(self, profile: str | None = None, profile_dirs: tuple[Path, ...] = (),
                 fast: bool | None = None) -> None:
        """``fast``: None tries the columnar reader (csv_fast) on files of FAST_MIN_BYTES or more,
        True tries it on every file, False never (the per-row reader, the reference)."""
        self.fast = fast
        self._dirs = tuple(Path(d) for d in profile_dirs)
        self._profiles: list[Profile] | None = None
        self._forced: Profile | None = None
        if profile is not None:
            self._forced = find_profile(profile, self.profiles)

    @property
    def profiles(self) -> list[Profile]:
        if self._profiles is None:
            self._profiles = load_profiles(self._dirs)
        return self._profiles

    # ------------------------------------------------------------------ identify
    def identify(self, path: Path, head: bytes) -> bool:
        """True for delimited text with a date column and an amount column (or a profile's
        identification). Never claims OFX, PDF or a check register. Never raises."""
        try:
            return self._identify(head)
        except Exception:  # identify must never raise
            return False

    def _identify(self, head: bytes) -> bool:
        if not head or looks_like_ofx_or_pdf(head):
            return False
        text, codec = decode(head)
        lines = text.split("\n")
        if len(head) >= 8192 and len(lines) > 1:
            lines = lines[:-1]  # the head may end mid-line
        lines = lines[:HEADER_SEARCH_ROWS]
        if not any(ln.strip() for ln in lines):
            return False
        delim = sniff_delimiter(lines)
        try:
            rows = split_rows("\n".join(lines), delim)
        except CsvSyntaxError:
            # quoting broken near the end of a truncated head: judge the lines before it
            rows = Rows([ln.split(delim) for ln in lines], list(range(1, len(lines) + 1)),
                        delim, "", len(lines))
        cleaned = [[clean_cell(c) for c in r] for r in rows.cells]
        for r in cleaned:
            if looks_like_check_register(r):
                return False
        if self._forced is not None:
            return max((len(r) for r in cleaned), default=0) >= 2
        if self._match_profile(rows, lines) is not None:
            return True
        hdr = _find_header(cleaned)
        if hdr is not None:
            return True
        if codec in ("cp1252", "latin-1"):
            alt = head.decode("cp1250", errors="replace").replace("\r", "\n").split("\n")
            alt_rows = [[clean_cell(c) for c in ln.split(delim)] for ln in alt[:HEADER_SEARCH_ROWS]]
            if _find_header(alt_rows) is not None:
                return True
        # header-less: a few rows with a date cell and an amount cell
        hits = 0
        for r in cleaned[:HEADER_SEARCH_ROWS]:
            if len(r) < 2:
                continue
            has_date = any(tokenize_date(c) is not None for c in r[:4])
            has_amt = any(has_digit(c) and looks_like_amount(c) and tokenize_date(c) is None
                          for c in r)
            if has_date and has_amt:
                hits += 1
        return hits >= min(2, len(cleaned))

    def _match_profile(self, rows: Rows, lines: list[str]) -> tuple[Profile, int | None] | None:
        """The best-matching profile and its header row index (None for header-less ones)."""
        best: tuple[int, Profile, int | None] | None = None
        for prof in self.profiles:
            hit = profile_matches(prof, rows)
            if hit is None:
                continue
            score, idx = hit
            if not _dates_fit(prof, rows, idx) or not _signs_fit(prof, rows, idx):
                continue
            if best is None or score > best[0]:
                best = (score, prof, idx)
        return None if best is None else (best[1], best[2])

    # ------------------------------------------------------------------ extract
    def extract(self, path: Path, display: str) -> ImportResult:
        # Reading allocates several objects per row and keeps them all: the cyclic GC would
        # rescan the growing heap again and again (half the run time on 1M rows) for no garbage.
        with gc_paused():
            return self._extract(path, display)

    def _extract(self, path: Path, display: str) -> ImportResult:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read file: {exc.strerror or exc}", path=display) from exc
        if looks_like_ofx_or_pdf(data[:8192]):
            raise ParseError("not a CSV export (OFX or PDF content)", path=display)
        result = None
        if self.fast or (self.fast is None and len(data) >= FAST_MIN_BYTES):
            result = self._read_fast(data, display)
        if result is None:
            rows, layout = self._layout(data, display)
            result = read_records(rows, layout, display)
        skipped = [n for n in result.notes if "not a transaction" in n]
        if self._forced is not None and not result.records and skipped:
            # A forced layout that fits no row would otherwise "succeed" with nothing read.
            raise ParseError(f"profile {self._forced.name!r} does not fit this file: "
                             f"none of its {len(skipped)} row(s) could be read",
                             path=display, value=skipped[0][:120],
                             hint="run `recon profiles`, or leave out --profile to detect the layout")
        return result

    def _read_fast(self, data: bytes, display: str) -> ImportResult | None:
        """The columnar reader on a clean file, else None (see recon.importers.csv_fast)."""
        from recon.importers import csv_fast

        if not csv_fast.available():
            return None
        head = csv_fast.head_of(data)
        if b"\n" not in head[:65536] and b"\r" in head[:65536]:
            return None  # CR-only line ends: the fast path does not read them
        try:
            rows, layout = self._layout(head, display)
        except ParseError:
            return None  # the per-row path raises it again, from the whole file
        if head is not data and len(rows.cells) < csv_fast.HEAD_MIN_ROWS:
            return None
        return csv_fast.read_columns(data, rows, layout, display)

    def _layout(self, data: bytes, display: str) -> tuple[Rows, Layout]:
        """Split ``data`` into rows and decide the layout (profile or inferred). Only the first
        HEADER_SEARCH_ROWS + 2 x SAMPLE_ROWS rows are looked at, so the file's head gives the
        same layout as the whole file."""
        prof = self._forced
        try:
            rows = read_rows(data, prof.delimiter if prof else None, prof.encoding if prof else None)
        except CsvSyntaxError as exc:
            raise ParseError(str(exc), path=display, line=exc.line, value=exc.text,
                             rule="fields are separated by the delimiter; quotes inside a quoted "
                                  "field must be doubled",
                             hint="re-export the file, or fix the quoting on that line") from exc
        if not rows.cells:
            raise ParseError("file has no rows", path=display)
        header_idx: int | None = None
        if prof is None:
            hit = self._match_profile(rows, [])
            if hit is not None:
                prof, header_idx = hit
                if prof.encoding or (prof.delimiter and prof.delimiter != rows.delimiter):
                    rows = read_rows(data, prof.delimiter, prof.encoding)
        else:
            m = profile_matches(prof, rows)
            header_idx = m[1] if m else None
        if prof is not None:
            layout = layout_from_profile(prof, rows, header_idx, display)
        else:
            if rows.codec in ("cp1252", "latin-1") and _find_header(
                    [_cells(r) for r in rows.cells[:HEADER_SEARCH_ROWS]]) is None:
                # a Central European code page: the header names only read in cp1250
                alt = read_rows(data, rows.delimiter, "cp1250")
                if _find_header([_cells(r) for r in alt.cells[:HEADER_SEARCH_ROWS]]) is not None:
                    rows = alt
            layout = infer_layout(rows, display)
        return rows, layout


# ---------------------------------------------------------------------------------------------
# Profiles -> Layout
# ---------------------------------------------------------------------------------------------

def _cells(row: list[str]) -> list[str]:
    cells = [clean_cell(c).replace("\x00", "") for c in row]
    while cells and not cells[-1]:
        cells.pop()
    return cells


def profile_matches(prof: Profile, rows: Rows) -> tuple[int, int | None] | None:
    """(specificity score, header row index) when ``prof`` identifies this file, else None."""
    n = min(len(rows.cells), HEADER_SEARCH_ROWS)
    if not prof.header:
        rx = prof._compiled.get("row") or prof._compiled.setdefault(
            "row", re.compile(prof.identify_row_regex or "$^"))
        d = rows.delimiter
        data = [r for r in rows.cells[:n] if any(c.strip() for c in r)]
        if not data:
            return None
        ok = sum(1 for r in data if rx.search(d.join(_quote(c, d) for c in r)) or
                 rx.search(d.join(r)))
        return (1, None) if ok >= max(1, int(len(data) * 0.8)) else None
    want = tuple(c.lower() for c in prof.identify_header) if prof.identify_header else None
    cols = {c.lower() for c in prof.identify_columns}
    hrx = None
    if prof.identify_header_regex:
        hrx = prof._compiled.get("hdr") or prof._compiled.setdefault(
            "hdr", re.compile(prof.identify_header_regex))
    for i in range(n):
        cells = _cells(rows.cells[i])
        if len(cells) < 2:
            continue
        low = tuple(c.lower() for c in cells)
        score = 0
        if want is not None:
            if low != want:
                continue
            score += 100 + len(want)
        if hrx is not None:
            if not hrx.search(rows.delimiter.join(cells)):
                continue
            score += 50
        if cols:
            if not cols.issubset(low):
                continue
            score += 10 + len(cols)
        if score:
            return score, i
    return None


# A sign written out in the amount cell: DR/CR before or after the number, a trailing minus,
# parentheses, a sign next to a currency symbol ("$-412.00", "-$412.00"), a leading plus. Such a
# cell states its own sign (DR/CR: the account holder's view), which a purchases-positive card
# export never needs (it writes bare numbers, with a leading minus on its credits).
EXPLICIT_SIGN = re.compile(r"^\s*(?:(?:CR|DR)\b|\(|\+|[$€£]\s*[-+]|-\s*[$€£])"
                           r"|(?:\b(?:CR|DR)\.?|-|\))\s*$", re.IGNORECASE)
STATED_SIGN = re.compile(r"\b(?:CR|DR)\.?\s*$", re.IGNORECASE)  # keeps its sign in every style
# Descriptions a card statement never has: payroll and direct deposits, ACH entries, checks,
# ATM and branch deposits or withdrawals, transfers between a bank's own accounts.
BANK_ONLY_ROW = re.compile(
    r"\bPAYROLL\b|\bDIRECT\s+DEP(?:OSIT)?\b|\bDIR\s+DEP\b|\bACH\s+(?:DEBIT|CREDIT|DR|CR|W/?D|"
    r"WITHDRAWAL|DEPOSIT|TRANSFER|PMT|PAYMENT)\b|\b(?:PPD|CCD)\s+ID\b|\bINDN:|"
    r"^(?:CHECK|CHK)\s*(?:#|NO\.?)?\s*\d|^ATM\s+(?:WITHDRAWAL|W/?D|DEPOSIT|CASH)\b|"
    r"^(?:MOBILE\s+|REMOTE\s+|BRANCH\s+|ATM\s+)?DEPOSIT\b|"
    r"^(?:ONLINE\s+)?TRANSFER\s+(?:FROM|TO)\s+(?:SAV|CHK|CHECKING|SAVINGS|SHARE)", re.IGNORECASE)
# The Connector's names as banks print them (the ACH cut "COMMONWEALTH HEA", "HEALTH CONNECTOR");
# the classifier proper lives in normalize, this only spots its premiums while identifying.
CONNECTOR_NAME = re.compile(r"COMMONWEALTH\s*HEA(?![A-Z])|COMMONWEALTH\s+HEALTH\s+INS|"
                            r"HEALTH\s*CONNECTOR", re.IGNORECASE)


def _header_is_generic(cells: list[str]) -> bool:
    """Every name in the header row is one plain bank exports use too (a date, a description, an
    amount, a balance, a status...): the header alone says nothing about who issued the file.
    Names such as "Card Member", "Account #" or "Extended Details" are an issuer's own."""
    for c in cells:
        role = role_of(c)
        if role is None:
            if norm_name(c) not in PAYEE_NAMES:
                return False
        elif role[0] == "account":
            return False
    return True


def _signs_fit(prof: Profile, rows: Rows, header_idx: int | None) -> bool:
    """A card layout that writes purchases positive (style "negated") claims a file only when its
    content reads like such a card export. "Date,Description,Amount" is Amex's header but also a
    plain bank export's, where money out is already negative; negating those signs turns every
    debit into a credit. The content contradicts the card layout when

    - an amount states its sign explicitly (EXPLICIT_SIGN: "412.00 DR", "412.00-", "(412.00)",
      "$-412.00"): a bank's way of writing money out;
    - more amounts are negative than positive (a card's rows are mostly purchases);
    - a Connector premium is written negative (on a card, paying the premium is a purchase);
    - a row is something no card statement has (BANK_ONLY_ROW: payroll, ACH entries, checks...).

    When the header row holds nothing but generic names (_header_is_generic), the header is no
    evidence of a card, so the content must also show it: more positive amounts than negative, or
    a description matching the profile's identify.evidence_rows (the issuer's own wording).
    """
    if prof.amount_style != "negated" or header_idx is None:
        return True
    j = prof.columns.get("amount")
    names = [clean_cell(c).lower() for c in rows.cells[header_idx]]
    if not isinstance(j, str) or j.lower() not in names:
        return True
    j = names.index(j.lower())
    dcol = prof.columns.get("description")
    dname = dcol[0] if isinstance(dcol, tuple) else dcol
    dj = names.index(dname.lower()) if isinstance(dname, str) and dname.lower() in names else None
    evidence = prof._compiled.get("evidence")
    if evidence is None:
        evidence = prof._compiled.setdefault("evidence", [re.compile(x) for x in prof.identify_evidence_rows])
    neg = pos = 0
    seen = False
    for r in rows.cells[header_idx + 1:header_idx + 201]:
        v = clean_cell(_get(r, j))
        if not v or not has_digit(v):
            continue
        if EXPLICIT_SIGN.search(v):
            return False
        negative = v[:1] == "-"
        neg += negative
        pos += not negative
        if dj is not None:
            raw = clean_cell(_get(r, dj))
            desc = " ".join(raw.upper().split())
            if BANK_ONLY_ROW.search(desc):
                return False
            if negative and CONNECTOR_NAME.search(desc):
                return False
            seen = seen or any(rx.search(raw) for rx in evidence)
    if neg > pos:
        return False
    if neg == pos and not seen and _header_is_generic(_cells(rows.cells[header_idx])):
        return False  # no evidence either way: the header is any bank's, read by the generic reader
    return True


def _dates_fit(prof: Profile, rows: Rows, header_idx: int | None) -> bool:
    """A profile only claims a file whose first data rows fit its explicit date format."""
    parse = prof._compiled.get("date") or prof._compiled.setdefault(
        "date", compile_date_format(prof.date_format))
    j = prof.columns.get("date")
    start = 0 if header_idx is None else header_idx + 1
    if not isinstance(j, int):
        names = [clean_cell(c).lower() for c in rows.cells[header_idx or 0]]
        if not isinstance(j, str) or j.lower() not in names:
            return False
        j = names.index(j.lower())
    tried = ok = 0
    for r in rows.cells[start:start + 60]:
        v = clean_cell(_get(r, j))
        if not v or not v[0].isdigit():
            continue
        tried += 1
        try:
            parse(v)
            ok += 1
        except ValueError:
            pass
        if tried >= 10:
            break
    return tried == 0 or ok >= 0.8 * tried


def _quote(c: str, d: str) -> str:
    return '"' + c.replace('"', '""') + '"'


def layout_from_profile(prof: Profile, rows: Rows, header_idx: int | None, display: str) -> Layout:
    """Resolve a profile's column names against the file's header row."""
    names: list[str] = []
    if prof.header:
        if header_idx is None:
            raise ParseError(f"header row of profile {prof.name} not found", path=display,
                             rule=f"profile {prof.name} ({prof.source})",
                             hint="run without --profile to let recon detect the layout")
        names = [clean_cell(c).replace("\x00", "") for c in rows.cells[header_idx]]
        index = {}
        for j, nm in enumerate(names):
            index.setdefault(nm.lower(), j)
        start = header_idx + 1
    else:
        index = {}
        start = 0

    required = {"date", {"debit_credit": "debit", "type_column": "type"}.get(prof.amount_style, "amount"),
                "credit" if prof.amount_style == "debit_credit" else "amount"}

    def col(role: str) -> int | None:
        v = prof.columns.get(role)
        if v is None:
            return None
        if isinstance(v, tuple):
            v = v[0]
        return _resolve(v, optional=role not in required)

    def cols(role: str) -> list[int]:
        v = prof.columns.get(role)
        if v is None:
            return []
        items = v if isinstance(v, tuple) else (v,)
        return [j for j in (_resolve(x, optional=True) for x in items) if j is not None]

    def _resolve(v: str | int, optional: bool = False) -> int | None:
        if isinstance(v, int):
            return v
        j = index.get(v.lower())
        if j is None and not optional:
            raise ParseError(f"column {v!r} of profile {prof.name} not in the header", path=display,
                             line=rows.lines[header_idx] if header_idx is not None else None,
                             rule=f"profile {prof.name} ({prof.source})")
        return j

    fmt = prof.date_format
    style = prof.amount_style
    lay = Layout(
        name=prof.name, start=start, width=len(names), date_col=col("date") or 0,
        parse_date=compile_date_format(fmt), date_rule=f"date format {fmt} (profile {prof.name})",
        style=style,
        amount_col=col("amount"), debit_col=col("debit"), credit_col=col("credit"),
        sign_col=col("type") if style == "type_column" else None,
        debit_values=frozenset(prof.debit_values), credit_values=frozenset(prof.credit_values),
        decimal_mark=prof.decimal_mark or ".",
        payee_cols=cols("payee") or cols("description")[:1],
        memo_cols=cols("memo"),
        check_col=col("check_number"), trntype_col=col("type"), account_col=col("account"),
        balance_col=col("balance"), status_col=col("status"),
        header=[n.lower() for n in names] if names else None,
        header_line=rows.lines[header_idx] if header_idx is not None else None,
        names=names,
        balance_rx=[re.compile(r, re.IGNORECASE) for r in prof.balance_rows] or [BALANCE_ROW],
        skip_rx=[re.compile(r, re.IGNORECASE) for r in prof.skip_rows] or [TOTAL_ROW],
        pending_values=frozenset(prof.pending_values),
    )
    text = cols("description") + cols("payee") + cols("memo")
    seen: set[int] = set()
    lay.text_cols = [j for j in text if not (j in seen or seen.add(j))]
    if prof.decimal_mark is None:
        lay.decimal_mark = _decide_mark(rows, lay)
    if lay.start < len(rows.cells) and prof.header is False and lay.width == 0:
        lay.width = max(len(r) for r in rows.cells[:50])
    return lay


# ---------------------------------------------------------------------------------------------
# Generic reader: infer a Layout
# ---------------------------------------------------------------------------------------------

def _find_header(cleaned: list[list[str]]) -> int | None:
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
    cleaned = [_cells(r) for r in rows.cells[: HEADER_SEARCH_ROWS + SAMPLE_ROWS]]
    hidx = _find_header(cleaned)
    if hidx is not None:
        lay = _layout_with_header(rows, cleaned, hidx, display)
    else:
        lay = _layout_by_content(rows, cleaned, display)
    lay.decimal_mark = _decide_mark(rows, lay)
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


def _get(r: list[str], j: int | None) -> str:
    return r[j] if j is not None and j < len(r) else ""


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
    names = cleaned[hidx]
    raw_names = [clean_cell(c).replace("\x00", "") for c in rows.cells[hidx]]
    roles = [role_of(c) for c in names]
    sample = _sample(rows, hidx + 1)
    # date: best-ranked date column whose values parse
    date_cands = sorted((r[1], j) for j, r in enumerate(roles) if r and r[0] == "date")
    date_col, tokens = None, []
    for _, j in date_cands:
        vals = [_get(r, j) for r in sample]
        toks = [tokenize_date(v) for v in vals if v and has_digit(v)]
        good = [t for t in toks if t is not None]
        if good and len(good) >= 0.5 * len(toks) and len(good) >= 0.3 * max(1, len(sample)):
            date_col, tokens = j, good
            break
    if date_col is None and not any(any(r) for r in sample) and date_cands:
        date_col = date_cands[0][1]  # header-only file: nothing to read
    if date_col is None:
        raise ParseError("no column holds dates", path=display, line=rows.lines[hidx],
                         rule="a bank CSV needs a date column",
                         value=",".join(names)[:200])

    def best(role: str) -> int | None:
        c = sorted((r[1], j) for j, r in enumerate(roles) if r and r[0] == role)
        for _, j in c:
            if any(_get(r, j) for r in sample) or len(c) == 1:
                return j
        return c[0][1] if c else None

    amount_col, debit_col, credit_col = best("amount"), best("debit"), best("credit")
    style = "signed"
    if debit_col is not None and credit_col is not None:
        style = "debit_credit"
        amount_col = None
    elif amount_col is None:
        amount_col = debit_col if debit_col is not None else credit_col
        if amount_col is None:
            raise ParseError("no amount column", path=display, line=rows.lines[hidx],
                             rule="a bank CSV needs an amount (or debit and credit) column")
    nonlatin = any(r and r[0] == "date" and norm_name(names[j]) not in
                   ("date", "posting date", "post date", "transaction date", "trans date",
                    "run date", "date completed", "created", "datetime", "posted date")
                   for j, r in enumerate(roles))
    prefer_dmy = rows.delimiter == ";" or nonlatin
    parse, rule = _date_parser(tokens, display, rows, hidx + 1, prefer_dmy)
    lay = Layout(name="generic", start=hidx + 1, width=len(names), date_col=date_col,
                 parse_date=parse, date_rule=rule, style=style, amount_col=amount_col,
                 debit_col=debit_col, credit_col=credit_col, header=[n.lower() for n in names],
                 header_line=rows.lines[hidx], names=raw_names,
                 balance_rx=[BALANCE_ROW], skip_rx=[TOTAL_ROW])
    lay.check_col = best("check_number")
    lay.balance_col = best("balance")
    lay.status_col = best("status")
    lay.account_col = best("account")
    # type column: used for the sign only when its values are debit/credit markers
    used = {date_col, amount_col, debit_col, credit_col, lay.check_col, lay.balance_col,
            lay.status_col, lay.account_col}
    for j, r in enumerate(roles):
        if r and r[0] == "type":
            vals = [_get(x, j) for x in sample if _get(x, j) and _get(x, j).lower() != names[j].lower()]
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
    other_dates = {j for j, r in enumerate(roles) if r and r[0] == "date"}
    text_cols = []
    for j, nm in enumerate(names):
        if j in used or j in other_dates:
            continue
        n = norm_name(nm)
        if n in EXCLUDED_TEXT or (roles[j] and roles[j][0] in ("amount", "debit", "credit", "balance")):
            continue
        vals = [_get(x, j) for x in sample if _get(x, j)]
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
    return lay


def _layout_by_content(rows: Rows, cleaned: list[list[str]], display: str) -> Layout:
    sample = [r for r in _sample(rows, 0, 200) if len(r) >= 2]
    if not sample:
        raise ParseError("no header row and no rows with a date and an amount", path=display,
                         rule="a bank CSV needs a date column and an amount column")
    width = max(len(r) for r in sample)
    n = len(sample)
    stats = []
    for j in range(width):
        vals = [_get(r, j) for r in sample]
        ne = [v for v in vals if v]
        toks = [tokenize_date(v) for v in ne]
        dates = sum(1 for t in toks if t is not None)
        amts = [v for v, t in zip(ne, toks) if t is None and has_digit(v) and looks_like_amount(v)]
        dec = sum(1 for v in amts if re.search(r"[.,]\d{1,2}\)?\s*-?$", v))
        neg = any(v.startswith(("-", "(")) or v.endswith("-") for v in amts)
        alpha = sum(1 for v in ne if sum(ch.isalpha() for ch in v) >= 2)
        stats.append(dict(j=j, ne=len(ne), dates=dates, amts=len(amts), dec=dec, neg=neg,
                          alpha=alpha, vals=ne))
    date_col = next((s["j"] for s in stats if s["ne"] >= 0.8 * n and s["dates"] >= 0.9 * s["ne"]), None)
    if date_col is None:
        raise ParseError("no header row, and no column holds dates", path=display,
                         rule="a bank CSV needs a date column")
    amt_cands = [s for s in stats if s["j"] != date_col and s["ne"] and s["amts"] >= 0.9 * s["ne"]
                 and s["dates"] == 0]
    style, amount_col, debit_col, credit_col = "signed", None, None, None
    full = [s for s in amt_cands if s["ne"] >= 0.9 * n and s["dec"] >= 0.5 * s["ne"]]
    signed_full = [s for s in full if s["neg"]]
    pair = None
    decs = [s for s in amt_cands if s["dec"] >= 0.5 * s["ne"]]
    for a in decs:
        for b in decs:
            if a["j"] < b["j"]:
                both = sum(1 for r in sample if _get(r, a["j"]) and _get(r, b["j"]))
                union = sum(1 for r in sample if _get(r, a["j"]) or _get(r, b["j"]))
                if both == 0 and union >= 0.8 * n and a["ne"] < 0.9 * n and b["ne"] < 0.9 * n:
                    pair = (a, b)
                    break
        if pair:
            break
    if signed_full:
        amount_col = signed_full[0]["j"]
    elif pair:
        style = "debit_credit"
        a, b = pair
        # more rows spend than earn: the busier column is the debit column
        debit_col, credit_col = (a["j"], b["j"]) if a["ne"] >= b["ne"] else (b["j"], a["j"])
    elif full:
        amount_col = full[0]["j"]
    elif amt_cands:
        amount_col = max(amt_cands, key=lambda s: s["ne"])["j"]
    else:
        raise ParseError("no header row, and no column holds amounts", path=display,
                         rule="a bank CSV needs an amount column")
    tokens = [t for t in (tokenize_date(_get(r, date_col)) for r in sample) if t is not None]
    prefer_dmy = rows.delimiter in (";", "\t")
    parse, rule = _date_parser(tokens, display, rows, 0, prefer_dmy)
    lay = Layout(name="generic (no header)", start=0, width=width, date_col=date_col,
                 parse_date=parse, date_rule=rule, style=style, amount_col=amount_col,
                 debit_col=debit_col, credit_col=credit_col,
                 balance_rx=[BALANCE_ROW], skip_rx=[TOTAL_ROW])
    used = {date_col, amount_col, debit_col, credit_col}
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
    lay.notes.append(f"no header row: columns mapped by content (date: column {date_col + 1}, "
                     + (f"amount: column {amount_col + 1})" if amount_col is not None else
                        f"debit: column {debit_col + 1}, credit: column {credit_col + 1})"))
    return lay


def _decide_mark(rows: Rows, lay: Layout) -> str:
    """'.' or ',' for the whole file, from the amount cells' shapes."""
    cols = [j for j in (lay.amount_col, lay.debit_col, lay.credit_col) if j is not None]
    comma = dot = 0
    for r in rows.cells[lay.start:lay.start + SAMPLE_ROWS]:
        for j in cols:
            v = _get(r, j).strip()
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
        v = _get(r, lay.amount_col).strip()
        t = type_sign(_get(r, lay.sign_col))
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


# ---------------------------------------------------------------------------------------------
# Rows -> records
# ---------------------------------------------------------------------------------------------

def pending_note(lines: list[int]) -> str:
    """The input's note for pending rows (read, not counted: a pending debit posts later, often
    in the next export, and counting both would be a false duplicate draw)."""
    shown = ", ".join(str(n) for n in lines[:10]) + (" ..." if len(lines) > 10 else "")
    many = len(lines) != 1
    return (f"{len(lines)} pending row{'s' if many else ''} not counted (line{'s' if many else ''} "
            f"{shown}): not posted yet; a later export shows {'them' if many else 'it'} once posted")


def combined_row_patterns(lay: Layout) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The layout's balance-row and totals-row patterns, each as one regex."""
    return (re.compile("|".join(f"(?:{r.pattern})" for r in lay.balance_rx), re.IGNORECASE),
            re.compile("|".join(f"(?:{r.pattern})" for r in lay.skip_rx), re.IGNORECASE))


def read_records(rows: Rows, lay: Layout, display: str) -> ImportResult:
    """Apply a Layout to every row after the header (the hot path)."""
    notes: list[str] = list(lay.notes)
    if lay.header_line and lay.header_line > 1:
        notes.append(f"lines 1-{lay.header_line - 1}: preamble before the header skipped")
    records: list[BankRecord] = []
    balances: list[StatementBalance] = []
    date_cache: dict[str, date] = {}
    parse_date = lay.parse_date
    mark = lay.decimal_mark
    dot = mark == "."
    style = lay.style
    dc, ac, dbc, crc = lay.date_col, lay.amount_col, lay.debit_col, lay.credit_col
    sc = lay.sign_col
    text_cols, payee_cols, memo_cols = lay.text_cols, lay.payee_cols, lay.memo_cols
    chk, ttc, acc, balc, stc = lay.check_col, lay.trntype_col, lay.account_col, lay.balance_col, lay.status_col
    need = 1 + max(j for j in (dc, ac, dbc, crc, sc, chk, ttc, acc, balc, stc, *text_cols, 0)
                   if j is not None)
    header = lay.header
    balance_rx, skip_rx = combined_row_patterns(lay)
    # first letters any balance/totals pattern can start with (cheap pre-filter before the regex)
    starts = set("BbOoSsKkCcEePpTtNnLlGgAa") if lay.balance_rx == [BALANCE_ROW] else None
    pending_values = lay.pending_values
    debit_values, credit_values = lay.debit_values, lay.credit_values
    blank_lines: list[int] = []
    pending_lines: list[int] = []
    pending_cols = [j for j in dict.fromkeys((stc, ttc)) if j is not None and j != sc]
    posted_cells: set[str] = set()
    first_balance = last_balance = None
    cells_all, lines_all = rows.cells, rows.lines
    simple_text = len(text_cols) == 1 and payee_cols == text_cols and not memo_cols
    tc0 = text_cols[0] if text_cols else None

    def money(s: str, col: int | None, line: int) -> Decimal:
        t = s[1:] if s[:1] == "-" else s
        if mark == "." and t.replace(".", "", 1).isdigit():
            return Decimal(s)
        if mark == "," and t.replace(",", "", 1).isdigit():
            return Decimal(s.replace(",", "."))
        try:
            return parse_amount(s, decimal_mark=mark, markers="bank")
        except (AmountError, InvalidOperation) as exc:
            raise ParseError("could not parse amount", path=display, line=line, value=s,
                             rule=f"{lay.col_name(col)} (layout {lay.name})") from exc

    for k in range(lay.start, len(cells_all)):
        row = cells_all[k]
        line = lines_all[k]
        if len(row) < need:
            if not row or (len(row) == 1 and not row[0].strip()):
                blank_lines.append(line)
                continue
            row = row + [""] * (need - len(row))
        ds = row[dc].strip()
        d = date_cache.get(ds)
        if d is None:
            try:
                d = parse_date(clean_cell(ds).replace("\x00", ""))
                date_cache[ds] = d
            except ValueError:
                cells = [clean_cell(c) for c in row]
                if not any(cells):
                    blank_lines.append(line)
                    continue
                if header is not None and [c.lower() for c in _cells(row)] == header[:len(_cells(row))] \
                        and len(_cells(row)) >= 2:
                    notes.append(f"line {line}: repeated header row skipped")
                    continue
                low = cells[dc].lower()
                if low in pending_values or low in PENDING_WORDS:
                    pending_lines.append(line)  # "Pending" where the posting date goes
                    continue
                if DATE_SHAPE.match(ds) and not any(ch.isalpha() for ch in ds[:10]):
                    raise ParseError("could not parse date", path=display, line=line, value=ds,
                                     rule=f"{lay.col_name(dc)}: {lay.date_rule}") from None
                else:
                    what = " ".join(c for c in cells if c)
                    notes.append(f"line {line}: not a transaction (no date in "
                                 f"{lay.col_name(dc)}): {what[:60]!r} skipped")
                    continue
        # pending rows (a status or type column saying so) are not transactions yet
        is_pending = False
        for j in pending_cols:
            v = row[j]
            if v not in posted_cells:  # a cell seen before and not pending: one set lookup
                if v.strip().lower() in pending_values:
                    is_pending = True
                    break
                posted_cells.add(v)
        if is_pending:
            pending_lines.append(line)
            continue
        # text
        if simple_text:
            desc = row[tc0]  # type: ignore[index]
            if "'" in desc:
                desc = clean_cell(desc)
            desc = " ".join(desc.split())
            payee = desc
            memo = ""
        else:
            parts = [clean_cell(row[j]) for j in text_cols]
            desc = " ".join(" ".join(p for p in parts if p).split())
            payee = " ".join(" ".join(clean_cell(row[j]) for j in payee_cols).split())
            memo = " ".join(" ".join(clean_cell(row[j]) for j in memo_cols).split())
        # amount
        if style == "debit_credit":
            dv, cv = row[dbc].strip(), row[crc].strip()  # type: ignore[index]
            if not dv and not cv:
                amount = None
            else:
                amount = ((abs(money(cv, crc, line)) if cv else Decimal(0))
                          - (abs(money(dv, dbc, line)) if dv else Decimal(0)))
        else:
            av = row[ac].strip()  # type: ignore[index]
            if not av:
                amount = None
            else:
                if av[0] == "'":
                    av = clean_cell(av)
                t = av[1:] if av[0] == "-" else av
                stated = False
                if dot and t.replace(".", "", 1).isdigit():
                    amount = Decimal(av)  # fast path: plain "-12.34"
                else:
                    amount = money(av, ac, line)
                    stated = STATED_SIGN.search(av) is not None  # "412.00 DR" keeps its sign
                if stated or style == "signed":
                    pass
                elif style == "negated":
                    amount = -amount
                elif style == "type_column":
                    tv = row[sc].strip().lower()  # type: ignore[index]
                    if tv in debit_values:
                        amount = -abs(amount)
                    elif tv in credit_values:
                        amount = abs(amount)
                    else:
                        raise ParseError("type is neither debit nor credit", path=display,
                                         line=line, value=row[sc].strip(),  # type: ignore[index]
                                         rule=f"{lay.col_name(sc)}: one of "
                                         + ", ".join(sorted(debit_values | credit_values)))
        # balance / totals rows
        if desc and (starts is None or desc[0] in starts):
            if balance_rx.match(desc):
                bal = None
                bv = row[balc].strip() if balc is not None else ""
                for v in (bv, row[ac].strip() if ac is not None else ""):
                    if v and has_digit(v):
                        try:
                            bal = parse_amount(v, decimal_mark=mark, markers="bank")
                            break
                        except AmountError:
                            pass
                if bal is not None:
                    balances.append(StatementBalance(Source(display, line), None,
                                                     d, bal, "ledger"))
                notes.append(f"line {line}: balance row skipped ({desc[:40]})")
                continue
            if skip_rx.match(desc):
                notes.append(f"line {line}: totals row skipped ({desc[:40]})")
                continue
        if amount is None:
            if not desc:
                notes.append(f"line {line}: row with a date but no amount and no text skipped")
                continue
            amount = Decimal(0)
            notes.append(f"line {line}: no amount (row moves no cash), read as 0")
        elif not amount:
            amount = abs(amount)
        src = _new_source(display, line)
        check = check_number(row[chk] if chk is not None else None, desc)
        records.append(_new_record(
            src, d, amount, desc,
            clean_cell(row[acc]) or None if acc is not None else None,
            payee, memo, check,
            row[ttc].strip() or None if ttc is not None else None,
            None, False,
        ))
        if balc is not None:
            bv = row[balc]
            if bv:
                # Only the first and last running balances are kept (a statement's two ends, for a
                # check against the summed rows); parsing them all cost a third of the import.
                last_balance = (src, d, bv)
                if first_balance is None:
                    first_balance = last_balance
    for end in ((first_balance, last_balance) if last_balance is not first_balance else (first_balance,)):
        if end is None:
            continue
        src, d, bv = end
        try:
            b = parse_amount(bv.strip(), decimal_mark=mark, markers="bank")
        except (AmountError, InvalidOperation):
            notes.append(f"line {src.line}: running balance {bv.strip()!r} is not an amount; not kept")
            continue
        balances.append(StatementBalance(src, None, d, b, "running"))
    if pending_lines:
        notes.append(pending_note(pending_lines))
    if blank_lines:
        shown = ", ".join(str(n) for n in blank_lines[:10]) + (" ..." if len(blank_lines) > 10 else "")
        notes.append(f"{len(blank_lines)} blank line(s) skipped: {shown}")
    notes.insert(0, f"layout: {lay.name}")
    return ImportResult(kind="csv", records=tuple(records), balances=tuple(balances),
                        notes=tuple(notes))
