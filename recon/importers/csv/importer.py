"""Bank and card CSV exports -> BankRecord values (plus running balances and notes).

Input: a delimited text export (any of the encodings, delimiters, preambles, footers and amount
styles in ../shared/corpus/README.md sections 3-5). Output: ``ImportResult(kind="csv")`` whose
records are in file order, each with ``Source(path=display, line=<1-based physical line>)``.

The layout comes from a profile (recon/profiles/*.toml: header, columns, explicit date format,
sign rule; chosen by content or forced with ``CsvBankImporter(profile="chase-checking")``) or,
when none claims the file, from the generic reader (recon.importers.csv.infer). ``extract`` is
the one entry point: the per-row reader (rows.py) reads every file, except that a file of
FAST_MIN_BYTES or more is first offered to the columnar kernel (fast.py), which applies the same
rules (rules.py) and declines any file it cannot read exactly alike.

Nothing is dropped silently: every physical line not imported is named in ``notes``.
"""
from __future__ import annotations

from pathlib import Path

from recon.errors import InputError, ParseError
from recon.importers.csv.infer import find_header
from recon.importers.csv.layout import match_profile, read_layout
from recon.importers.csv.names import has_digit, looks_like_amount
from recon.importers.csv.rows import read_records
from recon.importers.csv.rules import HEADER_SEARCH_ROWS
from recon.importers.date_cells import tokenize_date
from recon.importers.delimited import (
    CsvSyntaxError,
    Rows,
    clean_cell,
    decode,
    looks_like_ofx_or_pdf,
    refuse_long_lines,
    sniff_delimiter,
    split_rows,
)
from recon.importers.register import looks_like_check_register
from recon.model import ImportResult, gc_paused
from recon.profiles import Profile, find_profile, load_profiles

FAST_MIN_BYTES = 1 << 21  # smaller files: the per-row reader is quick and has no pyarrow import


class CsvBankImporter:
    """Bank/card CSV exports -> BankRecords (see module docstring)."""

    kind = "csv"

    def __init__(self, profile: str | None = None, profile_dirs: tuple[Path, ...] = ()) -> None:
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
        rows = _head_rows(lines, delim)
        cleaned = [[clean_cell(c) for c in r] for r in rows.cells]
        if any(looks_like_check_register(r) for r in cleaned):
            return False
        if self._forced is not None:
            return max((len(r) for r in cleaned), default=0) >= 2
        if match_profile(self.profiles, rows) is not None or find_header(cleaned) is not None:
            return True
        if codec in ("cp1252", "latin-1"):
            alt = head.decode("cp1250", errors="replace").replace("\r", "\n").split("\n")
            alt_rows = [[clean_cell(c) for c in ln.split(delim)] for ln in alt[:HEADER_SEARCH_ROWS]]
            if find_header(alt_rows) is not None:
                return True
        return _dated_amount_rows(cleaned)

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
        refuse_long_lines(data, display)
        result = self._read_columnar(data, display) if len(data) >= FAST_MIN_BYTES else None
        if result is None:
            rows, layout = read_layout(data, self.profiles, self._forced, display)
            result = read_records(rows, layout, display)
        skipped = [n for n in result.notes if "not a transaction" in n]
        if self._forced is not None and not result.records and skipped:
            # A forced layout that fits no row would otherwise "succeed" with nothing read.
            raise ParseError(f"profile {self._forced.name!r} does not fit this file: "
                             f"none of its {len(skipped)} row(s) could be read",
                             path=display, value=skipped[0][:120],
                             hint="run `recon profiles`, or leave out --profile to detect the layout")
        return result

    def _read_columnar(self, data: bytes, display: str) -> ImportResult | None:
        """The columnar kernel on a clean file, else None (see recon.importers.csv.fast)."""
        from recon.importers.csv.fast import HEAD_MIN_ROWS, available, head_of, read_columns

        if not available():
            return None
        head = head_of(data)
        if b"\n" not in head[:65536] and b"\r" in head[:65536]:
            return None  # CR-only line ends: the kernel does not read them
        try:
            rows, layout = read_layout(head, self.profiles, self._forced, display)
        except ParseError:
            return None  # the per-row reader raises it again, from the whole file
        if head is not data and len(rows.cells) < HEAD_MIN_ROWS:
            return None
        return read_columns(data, rows, layout, display)


def _head_rows(lines: list[str], delim: str) -> Rows:
    """The head's lines split into rows; with quoting broken near the end of a truncated head,
    the lines split plainly (identify judges the lines before it)."""
    try:
        return split_rows("\n".join(lines), delim)
    except CsvSyntaxError:
        return Rows([ln.split(delim) for ln in lines], list(range(1, len(lines) + 1)), delim, "",
                    len(lines))


def _dated_amount_rows(cleaned: list[list[str]]) -> bool:
    """Header-less: a few rows with a date cell (in the first four) and an amount cell."""
    hits = 0
    for r in cleaned[:HEADER_SEARCH_ROWS]:
        if len(r) < 2:
            continue
        has_date = any(tokenize_date(c) is not None for c in r[:4])
        has_amt = any(has_digit(c) and looks_like_amount(c) and tokenize_date(c) is None for c in r)
        if has_date and has_amt:
            hits += 1
    return hits >= min(2, len(cleaned))
