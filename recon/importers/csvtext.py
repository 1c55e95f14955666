"""Shared CSV text helpers: bytes -> decoded text -> rows with physical line numbers, plus the
vocabularies and content tests that the bank and check-register importers both use.

Input: raw export bytes. Output: ``Rows`` (cells per record, 1-based physical start line per
record), a sniffed delimiter, column-name roles, and date-token parsers.

Physical lines are counted after splitting at CRLF, CR or LF (a CR CR LF file has an empty line
after every row), so line numbers match what an editor shows.
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from recon.importers.base import decode_bytes

SNIFF_LINES = 60
DELIMITERS = (",", ";", "\t", "|")


class CsvSyntaxError(ValueError):
    """The text cannot be split into fields unambiguously (e.g. a stray quote in a quoted field)."""

    def __init__(self, message: str, line: int, text: str) -> None:
        super().__init__(message)
        self.line = line
        self.text = text


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


def split_rows(text: str, delimiter: str) -> Rows:
    """Split LF-normalised text into records (quoted fields may span lines).

    Strict quoting first; a file that fails strict parsing is retried with backslash as an escape
    character (Fortis writes ``\\'`` and some writers ``\\"``). If both fail the file is malformed:
    CsvSyntaxError names the physical line.
    """
    try:
        return _split(text, delimiter, None)
    except CsvSyntaxError as first:
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
    return Rows(cells, starts, delimiter, "", text.count("\n") + (0 if text.endswith("\n") else 1))


def read_rows(data: bytes, delimiter: str | None = None, encoding: str | None = None) -> Rows:
    """Bytes -> Rows (decode, sniff the delimiter unless given, split)."""
    text, codec = decode(data, encoding)
    if encoding and codec in ("cp1252", "latin-1") and encoding.lower() not in (codec,):
        # The profile names a code page (cp1250 for Czech banks): the bytes are not UTF-8,
        # so trust the profile over the generic single-byte fallback.
        try:
            text = normalise_newlines(data.replace(b"\x00", b"").decode(encoding))
            codec = encoding
        except (UnicodeDecodeError, LookupError):
            pass
    delim = delimiter or sniff_delimiter(text.split("\n", SNIFF_LINES)[:SNIFF_LINES])
    rows = split_rows(text, delim)
    return Rows(rows.cells, rows.lines, delim, codec, rows.total_lines)


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


# ---------------------------------------------------------------------------------------------
# Column-name vocabulary
# ---------------------------------------------------------------------------------------------

def norm_name(name: str) -> str:
    """Column name -> lowercase ASCII words ("Trans. Date" -> "trans date", "Összeg" -> "osszeg")."""
    s = unicodedata.normalize("NFKD", clean_cell(name).replace("\x00", ""))
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).lower()
    s = re.sub(r"[^a-z0-9]+", " ", s)
    return s.strip()


# rank 1 = posting/booking date (what truth and OFX DTPOSTED use), 2 = a transaction date,
# 3 = value/settlement dates (used only when nothing else has dates).
DATE_NAMES: dict[str, int] = {
    "posting date": 1, "post date": 1, "posted date": 1, "date posted": 1, "booking date": 1,
    "buchungstag": 1, "buchungsdatum": 1, "boekdatum": 1, "boekingsdatum": 1,
    "datum zauctovani": 1, "konyveles datuma": 1, "data lancamento": 1, "data de lancamento": 1,
    "fecha contable": 1, "date operation": 1, "date de comptabilisation": 1,
    "date": 2, "datum": 2, "data": 2, "fecha": 2, "datum provedeni": 2, "run date": 2,
    "transaction date": 2, "transaction_date": 2, "trans date": 2, "txn date": 2, "tran date": 2,
    "date completed": 2, "created": 2, "datetime": 2, "date de l execution": 2,
    "transactiedatum": 2, "datum transactie": 2, "datum van transactie": 2, "date processed": 2,
    "completed date": 2, "date time": 2, "started date": 2, "timestamp": 2, "dia": 2,
    "value date": 3, "valutadatum": 3, "wertstellung": 3, "wert": 3, "valuta": 3,
    "date valeur": 3, "rentedatum": 3, "settlement date": 3, "data do balancete": 3,
    "data valor": 3, "fecha valor": 3, "journal date": 3,
}
AMOUNT_NAMES = {
    "amount", "transaction amount", "amount total", "bedrag", "betrag", "montant", "valor",
    "osszeg", "zauctovana castka", "importe", "amt", "value", "net amount", "castka", "kwota",
    "amount usd", "amount eur", "amount gbp", "bedrag eur", "betrag eur", "montant eur",
    "umsatz", "mutatie", "local amount", "amount in usd",
}
DEBIT_NAMES = {
    "debit", "debits", "debit amount", "withdrawal", "withdrawals", "withdrawal amount", "soll",
    "debet", "debito", "money out", "paid out", "outflow", "charges", "debit amt", "uitgaven",
    "af", "ausgang", "retrait", "withdrawals debits", "withdrawals and debits",
}
CREDIT_NAMES = {
    "credit", "credits", "credit amount", "deposit", "deposits", "deposit amount", "haben",
    "credito", "money in", "paid in", "inflow", "credit amt", "inkomsten", "bij", "eingang",
    "deposits credits", "deposits and credits", "payments credits",
}
BALANCE_NAMES = (
    "running bal", "running balance", "runningbalance", "balance", "saldo", "kontostand",
    "saldo na trn", "ending balance", "cash balance", "solde", "available balance",
    "ending daily balance", "saldo apos", "zustatek", "egyenleg",
)
TYPE_NAMES = {
    "type", "transaction type", "tran type", "trans type", "details", "creditdebet",
    "credit debet", "af bij", "debit credit", "credit debit", "dc", "d c", "cr dr", "dr cr",
    "credit debit indicator", "debit credit indicator", "soll haben", "s h", "indicator",
}
CHECK_NAMES = {
    "check or slip", "check", "check number", "checknumber", "check no", "check num",
    "chk", "chk no", "cheque", "cheque number", "check serial number", "check slip",
    "cheque no", "serial number", "check nr",
}
ACCOUNT_NAMES = {
    "account", "account number", "account no", "rekening", "rekeningnummer", "kontonummer",
    "iban bban", "iban", "cislo uctu", "szamlaszam", "card no", "card number", "account name",
    "card", "card member", "konto",
}
MEMO_NAMES = {
    "memo", "notes", "note", "mededelingen", "verwendungszweck", "remarque", "comments",
    "comment", "zprava", "poznamka", "kozlemeny", "extended details", "reference", "narrative",
}
PAYEE_NAMES = (
    "description", "transaction description", "payee", "name", "merchant", "naam omschrijving",
    "naam tegenpartij", "tegenrekeninghouder", "auftraggeber empfanger", "beguenstigter",
    "historico", "omschrijving", "omschrijving 1", "details", "detail", "libelle", "action",
    "nazev protiuctu", "partner nev", "beskrywing1", "item1", "to", "counterparty",
    "contrepartie de l operation", "original description", "buchungstext", "narration",
    "particulars", "felhasznalonev", "transaction details",
)
STATUS_NAMES = {"status", "state", "transaction status"}
# Metadata columns that never belong in a description.
EXCLUDED_TEXT = {
    "currency", "munt", "devise", "devise du compte", "waehrung", "wahrung", "mena", "devizanem",
    "valutacode", "category", "categorie", "kategorie", "kategorie transakce", "labels", "time",
    "time zone", "status", "symbol", "security type", "type group", "instructed currency",
    "bic", "bic tegenpartij", "local currency", "emoji", "receipt", "funding source", "code",
    "mutatiesoort", "betaalwijze", "type betaling", "branch code", "bank code", "currency code",
    "original currency", "short name", "information mode", "cislo uctu", "iban bban",
    "tegenrekening iban bban", "tegenrekening", "tegenrekeningnummer", "rekening",
    "partner iban szama", "partner szamlaszama", "partner bankkodja", "volgnr", "batch id",
    "machtigingsnummer", "incassant id", "referentie", "transactiereferentie", "id",
    "receipt id", "account key", "document number", "shared item", "own item", "sort code",
    "bank rtn", "card ending", "address", "city state", "zip code", "country", "reference number",
    "szamlaszam", "account number", "account", "card no", "kontonummer", "numero de compte",
    "annee reference", "numero do documento", "dependencia origem",
}


def role_of(name: str) -> tuple[str, int] | None:
    """Column name -> (role, rank) from the vocabulary, or None. Lower rank wins."""
    n = norm_name(name)
    if not n:
        return None
    if n in DATE_NAMES:
        return ("date", DATE_NAMES[n])
    if n in DEBIT_NAMES or n.startswith(("debit ", "withdrawal")):
        return ("debit", 1)
    if n in CREDIT_NAMES or n.startswith(("credit amount", "deposit")):
        return ("credit", 1)
    if n in AMOUNT_NAMES:
        return ("amount", 1 if n == "amount" else 2)
    if n.startswith(("amount ", "bedrag ", "betrag ")) or n.endswith(" amount"):
        return ("amount", 3)
    if n in TYPE_NAMES:
        return ("type", 1)
    if n in CHECK_NAMES:
        return ("check_number", 1)
    if n in STATUS_NAMES:
        return ("status", 1)
    for i, b in enumerate(BALANCE_NAMES):
        if n == b or n.startswith(b + " "):
            if any(w in n for w in ("initial", "final", "opening", "closing", "before")):
                return None
            return ("balance", i)
    if n in ACCOUNT_NAMES:
        return ("account", 1)
    if n in MEMO_NAMES:
        return ("memo", 1)
    if n.endswith(" date") or n.endswith(" datum") or n.startswith("date "):
        return ("date", 4 if "initial" not in n and "final" not in n else 9)
    return None


# ---------------------------------------------------------------------------------------------
# Type-column vocabulary (sign from a debit/credit marker)
# ---------------------------------------------------------------------------------------------

DEBIT_WORDS = frozenset({
    "debit", "d", "dr", "db", "af", "debet", "soll", "s", "withdrawal", "dbit", "-", "out", "debito",
})
CREDIT_WORDS = frozenset({
    "credit", "c", "cr", "bij", "haben", "h", "deposit", "+", "in", "credito",
})


def type_sign(value: str) -> int:
    """+1 for a credit marker, -1 for a debit marker, 0 for anything else."""
    v = value.strip().lower()
    if v in DEBIT_WORDS:
        return -1
    if v in CREDIT_WORDS:
        return 1
    return 0


# ---------------------------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------------------------

MONTHS_FULL = {
    # English, Dutch, German, French, Portuguese, Spanish, Afrikaans, Czech month names
    "january": 1, "januari": 1, "januar": 1, "janvier": 1, "janeiro": 1, "enero": 1, "januarie": 1,
    "february": 2, "februari": 2, "februar": 2, "fevrier": 2, "fevereiro": 2, "febrero": 2,
    "februarie": 2, "march": 3, "maart": 3, "marz": 3, "mars": 3, "marco": 3, "marzo": 3,
    "april": 4, "avril": 4, "abril": 4, "may": 5, "mei": 5, "mai": 5, "maio": 5, "mayo": 5,
    "june": 6, "juni": 6, "juin": 6, "junho": 6, "junio": 6, "junie": 6, "july": 7, "juli": 7,
    "juillet": 7, "juil": 7, "julho": 7, "julio": 7, "julie": 7, "august": 8, "augustus": 8,
    "aout": 8, "agosto": 8, "september": 9, "septembre": 9, "setembro": 9, "septiembre": 9,
    "october": 10, "oktober": 10, "octobre": 10, "outubro": 10, "octubre": 10, "november": 11,
    "novembre": 11, "novembro": 11, "noviembre": 11, "december": 12, "dezember": 12,
    "decembre": 12, "dezembro": 12, "diciembre": 12, "desember": 12,
}
MONTHS_ABBR = {
    "jan": 1, "feb": 2, "fev": 2, "mar": 3, "mrt": 3, "maa": 3, "mrz": 3, "apr": 4, "abr": 4,
    "avr": 4, "may": 5, "mei": 5, "mai": 5, "mao": 5, "jun": 6, "jul": 7, "aug": 8, "ago": 8,
    "aou": 8, "sep": 9, "set": 9, "oct": 10, "okt": 10, "out": 10, "nov": 11, "dec": 12,
    "des": 12, "dez": 12, "dic": 12, "ene": 1,
}


def month_number(word: str) -> int | None:
    """A month name or abbreviation in one of the supported languages -> 1..12."""
    w = unicodedata.normalize("NFKD", word.lower().rstrip("."))
    w = "".join(ch for ch in w if not unicodedata.combining(ch))
    if w in MONTHS_FULL:
        return MONTHS_FULL[w]
    if w[:4] in ("juin", "juil"):
        return 6 if w[:4] == "juin" else 7
    return MONTHS_ABBR.get(w[:3]) if len(w) >= 3 else None


def expand_year(y: int, digits: int) -> int:
    """Two- (or one-) digit years: 00-68 -> 2000s, 69-99 -> 1900s (strptime's %y pivot)."""
    if digits >= 3:
        return y
    return 2000 + y if y < 69 else 1900 + y


_RE_YMD = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?!\d)")
_RE_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})(?:\d{6}(?:\.\d+)?)?(?:\[[^\]]*\])?$")
_RE_NUM3 = re.compile(r"(\d{1,2})([-/.])(\d{1,2})\2(\d{4}|\d{1,2})(?!\d)")
_RE_DMON = re.compile(r"(\d{1,2})[-. ]([^\W\d_]{3,12})\.?(?:[-. ,]+(\d{4}|\d{1,2}))?(?![\d:])")
_RE_MOND = re.compile(r"([^\W\d_]{3,12})\.? (\d{1,2}),? (\d{4})(?!\d)")
DATE_SHAPE = re.compile(r"^\s*\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}")


@dataclass(frozen=True, slots=True)
class DateToken:
    """A date cell split into parts. ``kind``: "ymd" (unambiguous), "num" (a/b/y: DMY or MDY to
    be decided per file), "dmon" (day, month name), "noyear" (day, month name, no year)."""

    kind: str
    a: int
    b: int
    y: int | None
    fmt: str


def tokenize_date(s: str) -> DateToken | None:
    """A cell -> DateToken, or None when it holds no date at its start."""
    s = s.strip()
    if not s or not (s[0].isdigit() or s[0].isalpha()):
        return None
    if s[0].isdigit():
        m = _RE_YMD.match(s)
        if m:
            sep = m.group(2)
            return DateToken("ymd", int(m.group(3)), int(m.group(4)), int(m.group(1)),
                             f"%Y{sep}%m{sep}%d")
        m = _RE_COMPACT.match(s)
        if m:
            return DateToken("ymd", int(m.group(2)), int(m.group(3)), int(m.group(1)), "%Y%m%d")
        m = _RE_NUM3.match(s)
        if m:
            ys = m.group(4)
            sep = m.group(2)
            return DateToken("num", int(m.group(1)), int(m.group(3)), expand_year(int(ys), len(ys)),
                             sep + ("%Y" if len(ys) == 4 else "%y"))
        m = _RE_DMON.match(s)
        if m:
            mon = month_number(m.group(2))
            if mon is None:
                return None
            if m.group(3) is None:
                return DateToken("noyear", int(m.group(1)), mon, None, "%d %b")
            ys = m.group(3)
            return DateToken("dmon", int(m.group(1)), mon, expand_year(int(ys), len(ys)),
                             "%d-%b-%Y" if len(ys) == 4 else "%d-%b-%y")
        return None
    m = _RE_MOND.match(s)
    if m:
        mon = month_number(m.group(1))
        if mon is not None:
            return DateToken("dmon", int(m.group(2)), mon, int(m.group(3)), "%b %d, %Y")
    return None


def token_date(tok: DateToken, order: str, year: int | None = None) -> date | None:
    """Resolve a token: ``order`` "dmy" or "mdy" decides "num" tokens; ``year`` fills "noyear"."""
    try:
        if tok.kind == "ymd":
            return date(tok.y or 0, tok.a, tok.b)
        if tok.kind == "num":
            if order == "dmy":
                return date(tok.y or 0, tok.b, tok.a)
            return date(tok.y or 0, tok.a, tok.b)
        if tok.kind == "dmon":
            return date(tok.y or 0, tok.b, tok.a)
        if tok.kind == "noyear" and year is not None:
            return date(year, tok.b, tok.a)
    except ValueError:
        return None
    return None


def compile_date_format(fmt: str) -> Callable[[str], date]:
    """An explicit strptime format -> a fast parser (raises ValueError on a mismatch).

    Formats made of %d, %m, %Y/%y and one separator (and %Y%m%d) are parsed by splitting, which is
    several times faster than strptime; anything else goes to strptime unchanged. Like strptime,
    %d and %m accept one or two digits.
    """
    m = re.fullmatch(r"%([dmYy])([-/. ])%([dmYy])\2%([dmYy])", fmt)
    if m:
        sep = m.group(2)
        order = (m.group(1), m.group(3), m.group(4))
        if sorted(o.lower() for o in order) == ["d", "m", "y"]:
            iy = [i for i, o in enumerate(order) if o in "Yy"][0]
            im, idd = order.index("m"), order.index("d")
            four = order[iy] == "Y"

            def parse_split(s: str) -> date:
                parts = s.strip().split(sep)
                if len(parts) != 3:
                    raise ValueError(f"{s!r} does not match {fmt}")
                ys = parts[iy]
                if four:
                    if len(ys) != 4:
                        raise ValueError(f"{s!r} does not match {fmt}")
                    y = int(ys)
                else:
                    if len(ys) != 2:
                        raise ValueError(f"{s!r} does not match {fmt}")
                    y = expand_year(int(ys), 2)
                ms, ds = parts[im], parts[idd]
                if not (0 < len(ms) <= 2 and 0 < len(ds) <= 2 and ms.isdigit() and ds.isdigit()):
                    raise ValueError(f"{s!r} does not match {fmt}")
                return date(y, int(ms), int(ds))

            return parse_split
    if fmt == "%Y%m%d":
        def parse_compact(s: str) -> date:
            s = s.strip()
            if len(s) != 8 or not s.isdigit():
                raise ValueError(f"{s!r} does not match {fmt}")
            return date(int(s[:4]), int(s[4:6]), int(s[6:]))
        return parse_compact

    def parse_strptime(s: str) -> date:
        return datetime.strptime(s.strip(), fmt).date()

    return parse_strptime


def looks_like_amount(s: str) -> bool:
    """Cheap content test: an amount-shaped cell ("-1,234.56", "$5", "(12.00)", "10,00-", "5 CR")."""
    return bool(_RE_AMOUNTISH.match(s.strip()))


_RE_AMOUNTISH = re.compile(
    r"^[+\-(]?\s*[$€£]?\s*[+\-]?\s*(?:\d{1,3}(?:[,.' ]\d{3})+|\d+)?(?:[.,]\d+)?\)?\s*-?"
    r"(?:\s*(?:CR|DR))?$", re.IGNORECASE)


def has_digit(s: str) -> bool:
    return any(ch.isdigit() for ch in s)
