"""Delimited text: export bytes -> decoded text -> rows with physical line numbers.

Input: raw export bytes. Output: ``Rows`` (cells per record, 1-based physical start line per
record), the sniffed delimiter and codec; plus cell helpers (``clean_cell``, ``trimmed_cells``,
``cell_at``) and column-name normalisation (``norm_name``). Shared by the bank CSV importer
(recon.importers.csv) and the check register importer (recon.importers.register).

Physical lines are counted after splitting at CRLF, CR or LF (a CR CR LF file has an empty line
after every row), so line numbers match what an editor shows.
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass

from recon.importers.base import decode_bytes

SNIFF_LINES = 60
MAX_LINE_BYTES = 1 << 20    # a bank export's lines are under 1 KB; a line of 2 MiB or more is refused
DELIMITERS = (",", ";", "\t", "|")


class CsvSyntaxError(ValueError):
    """The text cannot be split into fields unambiguously (e.g. a stray quote in a quoted field)."""

    def __init__(self, message: str, line: int, text: str) -> None:
        super().__init__(message)
        self.line = line
        self.text = text


def refuse_long_lines(data: bytes, display: str) -> None:
    """ParseError when some line is 2 MiB or longer (one with no line break in a whole aligned
    1 MiB window), before the text is decoded and split: such a line is not a bank export's, and
    reading it would take gigabytes of memory. One bounded search per MiB of the file."""
    from recon.errors import ParseError

    for k in range(0, len(data) - MAX_LINE_BYTES + 1, MAX_LINE_BYTES):
        if data.find(b"\n", k, k + MAX_LINE_BYTES) < 0 and data.find(b"\r", k, k + MAX_LINE_BYTES) < 0:
            line = data.count(b"\n", 0, k) + 1
            raise ParseError(f"line {line} is longer than {MAX_LINE_BYTES >> 20} MiB: not a bank export's line; "
                             "the file was not read", path=display, line=line,
                             hint="check that this is the export you meant (a CSV has one transaction a line)")


def normalise_newlines(text: str) -> str:
    """CRLF and lone CR become LF, so that counting LF counts physical lines."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def decode(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Bytes -> (text with LF line ends, codec). BOM dropped; see base.decode_bytes for the order."""
    text, codec = decode_bytes(data, declared)
    text = text.removeprefix("\ufeff")
    return normalise_newlines(text), codec


def looks_like_ofx_or_pdf(head: bytes) -> bool:
    """True for content another importer owns: PDF, OFX/QFX (SGML or XML), binaries."""
    if head.startswith((b"%PDF", b"PK\x03\x04", b"\x89PNG", b"\xff\xd8\xff", b"GIF8")):
        return True
    probe = head[:4096].replace(b"\x00", b"").upper()
    return b"OFXHEADER" in probe or b"<OFX" in probe or b"<?OFX" in probe


def sniff_delimiter(lines: list[str]) -> str:
    """Pick the delimiter that splits the most sample lines into the same (>1) number of fields.

    Score = lines sharing the modal field count x that count (capped), so a tab file whose text
    holds decimal commas still reads as tab, and a ';' file whose header ends in ',' as ';'.
    """
    sample = [ln for ln in lines[:SNIFF_LINES] if ln.strip()]
    if not sample:
        return ","
    best, best_score = ",", -1.0
    for delim in DELIMITERS:
        if not any(delim in ln for ln in sample):
            continue
        counts: dict[int, int] = {}
        try:
            for row in csv.reader(sample, delimiter=delim):
                n = len(row)
                counts[n] = counts.get(n, 0) + 1
        except csv.Error:
            continue
        modal, freq = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
        if modal < 2:
            continue
        score = freq * min(modal, 12)
        if score > best_score:
            best, best_score = delim, score
    return best


@dataclass(frozen=True, slots=True)
class Rows:
    """A file split into records: ``cells[i]`` starts on physical line ``lines[i]``."""

    cells: list[list[str]]
    lines: list[int]
    delimiter: str
    codec: str
    total_lines: int
    cut: bool = False        # the text ends without a line break: its last row may be cut short
    cut_line: int | None = None   # a last line left out because the file ends inside a quoted field
    ends_quoted: bool = False     # the text ends with a closing quote (its last field is whole)


def split_rows(text: str, delimiter: str) -> Rows:
    """Split LF-normalised text into records (quoted fields may span lines).

    Strict quoting first; a file that fails strict parsing is retried with backslash as an escape
    character (Fortis writes ``\\'`` and some writers ``\\"``). If both fail the file is malformed:
    CsvSyntaxError names the physical line.
    """
    try:
        return _split(text, delimiter, None)
    except CsvSyntaxError as first:
        last = text.rfind("\n")
        if not text.endswith("\n") and last >= 0 and first.line > text.count("\n", 0, last):
            # The file ends inside a quoted field of its last line (a download cut short): the
            # lines before it are whole; that line is left out (its reader says so).
            try:
                rows = split_rows(text[:last + 1], delimiter)
            except CsvSyntaxError:
                raise first from None
            return Rows(rows.cells, rows.lines, delimiter, "", rows.total_lines + 1, True,
                        text.count("\n", 0, last) + 2)
        if "\\" not in text:
            raise
        try:
            return _split(text, delimiter, "\\")
        except CsvSyntaxError:
            raise first from None


def _split(text: str, delimiter: str, escapechar: str | None) -> Rows:
    buf = io.StringIO(text, newline="\n")
    reader = csv.reader(buf, delimiter=delimiter, strict=True, escapechar=escapechar)
    cells: list[list[str]] = []
    starts: list[int] = []
    append_c, append_s = cells.append, starts.append
    prev = 0
    try:
        for row in reader:
            append_c(row)
            append_s(prev + 1)
            prev = reader.line_num
    except csv.Error as exc:
        line = reader.line_num or prev + 1
        physical = text.split("\n")
        shown = physical[line - 1] if 0 < line <= len(physical) else ""
        raise CsvSyntaxError(f"malformed CSV quoting ({exc})", line, shown) from None
    if text.endswith("\n") and cells and not cells[-1] and starts[-1] > text.count("\n"):
        cells.pop()
        starts.pop()
    return Rows(cells, starts, delimiter, "", text.count("\n") + (0 if text.endswith("\n") else 1),
                bool(text) and not text.endswith("\n"), ends_quoted=text.rstrip(" \t").endswith('"'))


def read_rows(data: bytes, delimiter: str | None = None, encoding: str | None = None) -> Rows:
    """Bytes -> Rows (decode, sniff the delimiter unless given, split)."""
    text, codec = decode(data, encoding)
    if encoding and codec in ("cp1252", "latin-1") and encoding.lower() not in (codec,):
        # The profile names a code page (cp1250 for Czech banks): the bytes are not UTF-8,
        # so trust the profile over the generic single-byte fallback.
        try:
            text = normalise_newlines(data.decode(encoding))
            codec = encoding
        except (UnicodeDecodeError, LookupError):
            pass
    delim = delimiter or sniff_delimiter(text.split("\n", SNIFF_LINES)[:SNIFF_LINES])
    rows = split_rows(text, delim)
    return Rows(rows.cells, rows.lines, delim, codec, rows.total_lines, rows.cut, rows.cut_line, rows.ends_quoted)


_WHOLE_AMOUNT = re.compile(r"\d[.,]\d{2}\)?\s*(?:CR|DR|-)?$", re.IGNORECASE)


def last_row_cut(items: list[tuple[list[str], int]], header: list[str] | None, ends_quoted: bool = False) -> bool:
    """Whether the last row of a file that ends without a line break was cut, so that it is not read:
    fewer cells than the header; a last cell left empty in a column the other rows fill; a last cell
    without the cents every other row's last cell shows; a last number shorter than every other
    number of its column (a check number). A quoted last field is bounded by its closing quote; an
    unquoted free-text one is read (nothing bounds it; the date and amount before it are whole)."""
    last = items[-1][0]
    if header is not None and len(last) < len(header):
        return True
    if header is not None and [c.strip() for c in last] == [c.strip() for c in header]:
        return False                   # the header repeated: its reader says so
    cell = last[-1].strip() if last else ""
    others = [r for r, _ in items[:-1] if r]
    if not cell:
        filled = [bool(r[len(last) - 1].strip()) for r in others if len(r) >= len(last)]
        return sum(filled) > 0.1 * len(filled) if filled else False
    if ends_quoted:
        return False
    ends = [r[-1].strip() for r in others if r[-1].strip()]
    whole = sum(bool(_WHOLE_AMOUNT.search(c)) for c in ends)
    if len(ends) >= 3 and whole >= 0.9 * len(ends):
        return not _WHOLE_AMOUNT.search(cell)
    if cell.isdigit():                 # a number shorter than every other number of its column
        col = [c for r in others if len(r) >= len(last) and (c := r[len(last) - 1].strip()).isdigit()]
        return len(col) >= 2 and len(cell) < min(map(len, col))
    return False                       # free text: nothing bounds it (the date and amount before it are whole)


def clean_cell(s: str) -> str:
    """Strip blanks, a pair of surrounding single quotes, a leading apostrophe, ``\\'`` escapes."""
    s = s.strip()
    if not s:
        return s
    if "\\'" in s:
        s = s.replace("\\'", "'")
    if s[0] == "'":
        s = s[1:-1].strip() if len(s) >= 2 and s[-1] == "'" else s[1:].strip()
    return s


def trimmed_cells(row: list[str]) -> list[str]:
    """A row's cells cleaned (``clean_cell``, NULs dropped), trailing empty cells removed."""
    cells = [clean_cell(c).replace("\x00", "") for c in row]
    while cells and not cells[-1]:
        cells.pop()
    return cells


def cell_at(row: list[str], j: int | None) -> str:
    """Cell ``j`` of ``row``; "" when the column is None or the row is too short."""
    return row[j] if j is not None and j < len(row) else ""


def norm_name(name: str) -> str:
    """Column name -> lowercase ASCII words ("Trans. Date" -> "trans date", "Összeg" -> "osszeg")."""
    s = unicodedata.normalize("NFKD", clean_cell(name).replace("\x00", ""))
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).lower()
    s = re.sub(r"[^a-z0-9]+", " ", s)
    return s.strip()

