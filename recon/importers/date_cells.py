"""Date cells: text -> DateToken -> ``datetime.date``, and explicit formats -> fast parsers.

Input: a cell's text. Output: ``tokenize_date`` splits it into parts (year-month-day, an
ambiguous a/b/y to be decided per file, day plus month name with or without a year);
``token_date`` resolves a token in a given order; ``compile_date_format`` turns a profile's
strptime format into a parser. Month names in English, Dutch, German, French, Portuguese,
Spanish, Afrikaans and Czech. Shared by the bank CSV and check register importers.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

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

