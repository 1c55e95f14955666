"""Bill text -> labelled field values, through the label vocabulary (vocabulary.toml).

Input: the lines of one bill page (`Line`: text, the 1-based page, for OCR'd text the character
span and confidence of every word, and for a text layer the cells of the row with their horizontal
extent on the page). Output: `Found`, holding for every field each place a label was paired with a
value that parses for the field's type (`Hit`, in reading order), the labels whose value did not
parse (`misses`, for diagnostics), the itemised payments, and which markers (Connector name,
statement header, coupon, AutoPay wording) occur.

A line is a row of the page; a cell is a run of words without a wide gap (a table cell, a label,
a value). Without positions (text fixtures, OCR) the cells are the runs separated by two or more
spaces, placed by character offset. Labels are matched by words: any case, any punctuation or
spacing between words (none: "AmountDue"), OCR letter confusions, and a word prefix of a wording
of two or more words when every wording it starts names one field ("Payment Due" of "Payment Due
Date"). How a label is paired with its value, in the order tried:
  * the value right after the label ("Billing Account Number: 712345678"), several pairs per line
    ("Statement Date 09/01/2024 Billing Account # 712345678");
  * for an amount or a date, the last value of the label's part of the row when only words stand
    between ("Payments Received Since Last Bill      (143.00)", "New Charges for March 2026  143.00"):
    the rightmost amount of a table row whose first cell is the label;
  * a label with no value on its row: the value below it, in the cell of the next row under the
    label (column header over value row), or, for a row of labels without positions, the values of
    the next line in the same order ("Account No. Statement Date" / "712345678 Sep 1, 2022").
  * the value first, the label after it at the end of the row ("$437.00   Amount Due").
A label inside a run of text counts only when its value parses (or is empty); otherwise its words
are part of the previous value, so "Plan Name: ConnectorCare Plan Type 2B" keeps its plan name whole.
Words between a label and its amount make a summary line only when few ("Payments Received Since
Last Bill  (143.00)"), not a sentence ("your new monthly premium starting in January will be $495").

Word rules for every wording: plurals ("Tax Credits", "Subsidies", "Payment(s)"), abbreviations
("Acct No." = "Account Number"). A current-bill label qualified by "previous", "prior" or "last"
("Previous Amount Due", "Amount Due from Prior Bill") is an earlier bill's figure: an amount due so
qualified is the previous balance, the others are not read. A payment-list heading ("Payments
Applied") stands alone on its row; beside an amount it is a summary line. Rows of a label that is no
wording and an amount ("Reinstatement Charge   30.00") are kept in ``Found.unread_money``, so that
the bill reader never lets them stand as $0.00.

Pure functions of text and positions: no PDF library here, so bill parsing is tested on text.
"""
from __future__ import annotations

import bisect
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from recon.dates import month_str, parse_date_any
from recon.model import BillPayment, fast_constructor
from recon.money import AmountError, parse_amount

VOCABULARY_PATH = Path(__file__).with_name("vocabulary.toml")

BILLING_ACCOUNT_RE = re.compile(r"^7\d{8}$")
SUBSCRIBER_ID_RE = re.compile(r"^7\d{11}$")
ENROLLMENT_ID_RE = re.compile(r"^RefID_?\d+$")

Cell = tuple[int, int, float, float]     # (start, end) in the line's text, (x0, x1) on the page


@dataclass(frozen=True, slots=True)
class Line:
    """One row of page text. ``words``: (start, end, confidence 0-100) per OCR word, () for a text
    layer. ``cells``: (start, end, x0, x1) per cell, left to right, when the page placed them; ()
    when not known (the cells are then the runs of text between wide gaps, by character offset)."""

    text: str
    page: int
    words: tuple[tuple[int, int, float], ...] = ()
    cells: tuple[Cell, ...] = ()


@dataclass(frozen=True, slots=True)
class Hit:
    """A field value read at one place: the parsed value, the text it came from, and where."""

    field: str
    value: Any
    raw: str
    line: int          # index into the lines given to find_fields
    start: int         # character span of the value text in that line
    end: int
    label: str         # the label text as printed


# Positional constructors (recon.model.fast_constructor): equal objects, built faster.
_new_line = fast_constructor(Line)
_new_hit = fast_constructor(Hit)


@dataclass
class Found:
    hits: dict[str, list[Hit]] = field(default_factory=dict)
    misses: list[Hit] = field(default_factory=list)
    payment_items: list[tuple[BillPayment, int]] = field(default_factory=list)
    markers: dict[str, list[int]] = field(default_factory=dict)   # marker name -> line indexes
    # Amount lines whose label is no wording of the vocabulary ("Late Charge   $25.00"):
    # (line index, the label as printed, the amount as printed, signed).
    unread_money: list[tuple[int, str, Decimal]] = field(default_factory=list)
    n_hits: int = 0

    def first(self, name: str) -> Hit | None:
        hs = self.hits.get(name)
        return hs[0] if hs else None

    def value(self, name: str) -> Any:
        h = self.first(name)
        return h.value if h else None


# ---------------------------------------------------------------- vocabulary

@dataclass(frozen=True)
class FieldSpec:
    name: str
    type: str
    sign: str
    labels: tuple[str, ...]


@dataclass(frozen=True)
class Vocabulary:
    fields: dict[str, FieldSpec]
    date_formats: tuple[str, ...]
    month_formats: tuple[str, ...]
    label_re: re.Pattern[str]
    label_of_group: dict[str, tuple[str, str]]    # regex group -> (field, wording)
    markers: dict[str, re.Pattern[str]]
    prefix_groups: frozenset[str] = frozenset()   # groups of word prefixes, not whole wordings


_OCR_LETTER = {"o": "[o0]", "l": "[l1i|]", "i": "[i1l|]"}
_TOKEN = re.compile(r"[A-Za-z0-9'\u2019]+|#")


# Word rules applied to every wording: an abbreviation reads as its word ("Acct" = "Account",
# "No"/"Num"/"Nbr" = "Number"), and a word may be printed in the plural ("Tax Credits", "Subsidies",
# "Fees", "Payment(s)").
_SYNONYMS: dict[str, tuple[str, ...]] = {}
for _group in (("account", "acct"), ("number", "no", "num", "nbr")):
    for _w in _group:
        _SYNONYMS[_w] = _group


def _token_pattern(tok: str, singular: bool = False) -> str:
    if tok == "#":
        return "#"
    same = _SYNONYMS.get(tok.lower())
    if same:
        return "(?:" + "|".join(_plural(w) for w in same) + ")"
    return _plural(tok, singular)


def _plural(tok: str, singular: bool = False) -> str:
    """A word's pattern, its plural allowed: -s, -es, "(s)", -y -> -ies; with ``singular``, a plural
    word also matches its singular ("Payments Applied" = "Payment Applied")."""
    if len(tok) < 3 or not tok.isalpha():
        return _letters(tok)
    if tok[-1] in "sS":
        low = tok.lower()
        if not singular or len(tok) < 5 or low.endswith(("ss", "us", "is")):
            return _letters(tok)
        if low.endswith("ies"):
            return _letters(tok[:-3]) + "(?:y|ies)"
        return _letters(tok[:-1]) + r"(?:s|\(s\))?"
    if tok[-1] in "yY" and tok[-2].lower() not in "aeiou":
        return _letters(tok[:-1]) + "(?:y|ies)"
    return _letters(tok) + r"(?:e?s|\(s\))?"


def _letters(tok: str) -> str:
    out = []
    for ch in tok:
        low = ch.lower()
        if low in _OCR_LETTER:
            out.append(_OCR_LETTER[low])
        elif ch in "'\u2019":
            out.append("['\u2019`]?")
        else:
            out.append(re.escape(low))
    return "".join(out)


# A wording ends where a word ends: before a non-letter, or (words run together) before a capital
# after a small letter ("AmountDue"); digits may follow at once ("AmountDue412.00").
_WORDING_END = r"(?-i:(?:(?<=[a-z])(?![a-z_])|(?<![a-z])(?![A-Za-z_])))[ \t]*[.:#)]*"


_BETWEEN = r"[^A-Za-z0-9\n]*"     # between the words of a wording: any punctuation or spacing, or none


def wording_pattern(wording: str) -> str:
    """A wording -> a tolerant regex (compiled ignoring case): any spacing/punctuation between words,
    none at all (words run together), OCR letters."""
    tokens = _TOKEN.findall(wording)
    many = len(tokens) > 1       # a lone plural word ("Payments") is not read in the singular
    return _BETWEEN.join(_token_pattern(t, many) for t in tokens) + _WORDING_END


def _first_chars(wording: str) -> str:
    """The characters a wording may start with on the page (case and OCR variants)."""
    c = wording.lstrip()[0].lower()
    variants = {c, c.upper()}
    if c in _OCR_LETTER:
        variants |= set(_OCR_LETTER[c].strip("[]")) | {ch.upper() for ch in _OCR_LETTER[c].strip("[]")}
    return "".join(sorted(re.escape(v) for v in variants))


def _alternatives(wordings: list[tuple[str, str | None]]) -> str:
    """Wordings (in priority order, each with a group name or None) -> one search pattern, tried
    only at a word start and, there, only the wordings that can start with that character; the
    wordings that share a first word share its pattern (tried once), and each wording ends in its
    own empty named group, so that the match's ``lastgroup`` names it."""
    by_head: dict[str, list[str]] = {}
    first_chars: dict[str, str] = {}
    for wording, group in wordings:
        tokens = _TOKEN.findall(wording)
        many = len(tokens) > 1       # a lone plural word ("Payments") is not read in the singular
        pats = [_token_pattern(t, many) for t in tokens]
        rest = "".join(_BETWEEN + p for p in pats[1:]) + _WORDING_END + (f"(?P<{group}>)" if group else "")
        by_head.setdefault(pats[0], []).append(rest)
        first_chars.setdefault(pats[0], _first_chars(wording))
    by_first: dict[str, list[str]] = {}
    for head, rests in by_head.items():
        by_first.setdefault(first_chars[head], []).append(f"{head}(?:{'|'.join(rests)})")
    return r"(?<![A-Za-z0-9])(?:" + "|".join(
        f"(?=[{fc}])(?:{'|'.join(alts)})" for fc, alts in by_first.items()) + ")"


def _stem(word: str) -> str:
    """A word as the label patterns match it: any case, singular or plural, abbreviated or not."""
    w = word.lower()
    w = _SYNONYMS.get(w, (w,))[0]
    if len(w) > 3 and w.endswith("ies"):
        return w[:-3] + "y"
    return w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w


def _word_prefixes(entries: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """(field, prefix) for every word prefix (two words or more) of a wording that every wording it
    starts gives to one field and that is not itself a wording: "Payment Due" of "Payment Due Date"."""
    def words(w: str) -> tuple[str, ...]:
        return tuple(_stem(t) for t in _TOKEN.findall(w))
    full = {words(w) for _, w in entries}
    owners: dict[tuple[str, ...], set[str]] = {}
    text: dict[tuple[str, ...], str] = {}
    for name, w in entries:
        ws = _TOKEN.findall(w)
        for n in range(2, len(ws)):
            key = tuple(_stem(t) for t in ws[:n])
            owners.setdefault(key, set()).add(name)
            text.setdefault(key, " ".join(ws[:n]))
    return [(next(iter(o)), text[k]) for k, o in owners.items() if len(o) == 1 and k not in full]


def load_vocabulary(path: Path | None = None) -> Vocabulary:
    """Read and compile a vocabulary file (default: the packaged vocabulary.toml)."""
    return _load_vocabulary(str(path or VOCABULARY_PATH))


@lru_cache(maxsize=8)
def _load_vocabulary(path: str) -> Vocabulary:
    with open(path, "rb") as fh:
        raw = tomllib.load(fh)
    fields: dict[str, FieldSpec] = {}
    entries: list[tuple[str, str]] = []
    for name, spec in raw["fields"].items():
        fs = FieldSpec(name, spec["type"], spec.get("sign", "signed"), tuple(spec["labels"]))
        fields[name] = fs
        entries.extend((name, w) for w in fs.labels)
    # Longest wording first, so "Total Amount Due" beats "Amount Due" where both match; a wording
    # before a prefix of another of the same length.
    ranked = [(len(w), 0, name, w) for name, w in entries]
    ranked += [(len(w), 1, name, w) for name, w in _word_prefixes(entries)]
    ranked.sort(key=lambda e: (-e[0], e[1]))
    groups = {f"g{i}": (name, w) for i, (_, _, name, w) in enumerate(ranked)}
    prefixes = frozenset(f"g{i}" for i, e in enumerate(ranked) if e[1])
    label_re = re.compile(_alternatives([(w, g) for g, (_, w) in groups.items()]), re.IGNORECASE)
    markers = {}
    for name, wordings in raw.get("markers", {}).items():
        ws = sorted(wordings, key=len, reverse=True)
        markers[name] = re.compile(_alternatives([(w, None) for w in ws]), re.IGNORECASE)
    return Vocabulary(fields, tuple(raw["date_formats"]), tuple(raw["month_formats"]), label_re,
                      groups, markers, prefixes)


# ---------------------------------------------------------------- value parsers

# OCR confusions inside numbers: letters that stand for digits.
_DIGIT_FIX = str.maketrans({"O": "0", "o": "0", "D": "0", "Q": "0", "l": "1", "I": "1", "|": "1",
                            "i": "1", "S": "5", "s": "5", "B": "8", "Z": "2", "z": "2"})
_ID_TOKEN = re.compile(r"[0-9OoDQlIi|SsBZz]{6,}")
_MONEY_RE = re.compile(
    r"\(?[-+]?\s?\$?\s?\(?[-+]?\d[\d,]*\.\d\d\)?(?:\s?-(?!\S))?(?:\s?(?:CR|DR)\b\.?)?", re.IGNORECASE)
_MONEY_OCR_RE = re.compile(
    r"\(?[-+]?\s?\$?\s?\(?[-+]?[\dOoIl|S][\dOoIl|S,]*[.,][\dOoIl|S]{2}\)?(?:\s?(?:CR|DR)\b\.?)?")
_DATE_RE = re.compile(
    r"[A-Za-z]{3,9}\.?\s+\d{1,2},?\s+\d{4}|\d{1,2}/\d{1,2}/\d{4}|\d{1,2}/\d{1,2}/\d{2}(?!\d)"
    r"|\d{4}-\d{2}-\d{2}|\d{1,2}\s+[A-Za-z]{3,9}\.?\s+\d{4}|\d{1,2}-[A-Za-z]{3,9}-\d{4}")
_PERIOD_RE = re.compile(
    r"(?P<a>\d{1,2}/\d{1,2}/\d{4}|[A-Za-z]{3,9}\.?\s+\d{1,2},?\s+\d{4})\s*(?:-|–|to|through|thru)\s*"
    r"(?P<b>\d{1,2}/\d{1,2}/\d{4}|[A-Za-z]{3,9}\.?\s+\d{1,2},?\s+\d{4})", re.IGNORECASE)
_MONTH_RE = re.compile(r"[A-Za-z]{3,9}\.?\s+\d{4}|\d{1,2}/\d{4}(?!\d)")
_PLAN_RE = re.compile(r"(health|medical|dental)\b", re.IGNORECASE)
_ENROLL_RE = re.compile(r"(?:Ref\s?[I1l|]D[\s_:#-]*)?(\d{6,})", re.IGNORECASE)


class _NoValue(Exception):
    pass


@lru_cache(maxsize=4096)
def _cached_date(text: str, formats: tuple[str, ...]) -> date:
    """parse_date_any, memoised: strptime costs ~15 us and bills repeat their dates."""
    return parse_date_any(_fix_date_text(text), formats)


@lru_cache(maxsize=4096)
def _cached_amount(text: str) -> Decimal:
    return parse_amount(text, decimal_mark=".")


def _fix_date_text(s: str) -> str:
    return re.sub(r"\bSept\b", "Sep", s.replace(".", "") if re.match(r"[A-Za-z]", s) else s)


def _identifier(text: str, pattern: re.Pattern[str], ndigits: int) -> tuple[str, int]:
    r = _p_identifier(text, pattern)
    if r is None:
        raise _NoValue(f"{text!r} does not start with {ndigits} digits starting with 7")
    return r


# Value parsers by type: (text, vocabulary, last) -> (value, characters used), or None when the
# text does not start with such a value (parse_value raises _NoValue instead). ``last``: the value
# may take the rest of the text (free text); otherwise only a typed token.
Parser = Callable[[str, "Vocabulary", bool], "tuple[Any, int] | None"]


def _p_identifier(text: str, pattern: re.Pattern[str]) -> tuple[str, int] | None:
    m = _ID_TOKEN.match(text)
    if m is None:
        return None
    token = m.group(0)
    digits = token if token.isdigit() else token.translate(_DIGIT_FIX)   # [0-9] only: no fix to make
    if not pattern.match(digits):
        return None
    return digits, m.end()


def _p_billing_account(text: str, vocab: Vocabulary, last: bool) -> tuple[Any, int] | None:
    return _p_identifier(text, BILLING_ACCOUNT_RE)


def _p_subscriber_id(text: str, vocab: Vocabulary, last: bool) -> tuple[Any, int] | None:
    return _p_identifier(text, SUBSCRIBER_ID_RE)


def _p_enrollment_id(text: str, vocab: Vocabulary, last: bool) -> tuple[Any, int] | None:
    m = _ENROLL_RE.match(text)
    if m is None:
        return None
    return f"RefID_{m.group(1)}", m.end()


def _p_money(text: str, vocab: Vocabulary, last: bool) -> tuple[Any, int] | None:
    m = _MONEY_RE.match(text)
    if m is not None:
        raw = m.group(0)
    else:
        m = _MONEY_OCR_RE.match(text)
        if m is None:
            return None
        raw = m.group(0).translate(_DIGIT_FIX)
        raw = re.sub(r",(\d\d)\)?$", r".\1", raw) if "." not in raw else raw
    try:
        return _cached_amount(raw.strip()), m.end()
    except AmountError:
        return None


def _p_date(text: str, vocab: Vocabulary, last: bool) -> tuple[Any, int] | None:
    m = _DATE_RE.match(text)
    if m is None:
        return None
    try:
        return _cached_date(m.group(0), vocab.date_formats), m.end()
    except ValueError:
        return None


def _p_month(text: str, vocab: Vocabulary, last: bool) -> tuple[Any, int] | None:
    m = _PERIOD_RE.match(text)
    if m is not None:
        try:
            a = _cached_date(m.group("a"), vocab.date_formats)
            _cached_date(m.group("b"), vocab.date_formats)
        except ValueError:
            return None
        return month_str(a), m.end()
    m = _MONTH_RE.match(text)
    if m is None:
        return None
    try:
        d = _cached_date(m.group(0), vocab.month_formats)
    except ValueError:
        return None
    return month_str(d), m.end()


def _p_plan(text: str, vocab: Vocabulary, last: bool) -> tuple[Any, int] | None:
    m = _PLAN_RE.match(text)
    if m is None:
        return None
    return ("dental" if m.group(1).lower() == "dental" else "health"), m.end()


def _p_text(text: str, vocab: Vocabulary, last: bool) -> tuple[Any, int] | None:
    if not last:
        return None
    s = text.strip()
    if not s:
        return None
    return s, len(text)


def _p_names(text: str, vocab: Vocabulary, last: bool) -> tuple[Any, int] | None:
    if not last:
        return None
    s = text.strip()
    if not s:
        return None
    return tuple(n.strip() for n in re.split(r"[;,]", s) if n.strip()), len(text)


_PARSERS: dict[str, Parser] = {
    "billing_account": _p_billing_account, "subscriber_id": _p_subscriber_id,
    "enrollment_id": _p_enrollment_id, "money": _p_money, "date": _p_date, "month": _p_month,
    "plan": _p_plan, "text": _p_text, "names": _p_names,
}


def _parser(vtype: str) -> Parser:
    p = _PARSERS.get(vtype)
    if p is not None:
        return p

    def unknown(text: str, vocab: Vocabulary, last: bool) -> tuple[Any, int] | None:
        raise ValueError(f"unknown value type {vtype!r}")
    return unknown


def parse_value(vtype: str, text: str, vocab: Vocabulary, *, last: bool = True) -> tuple[Any, int]:
    """Parse a value of ``vtype`` at the start of ``text``; returns (value, characters used).

    ``last``: the value may take the rest of the text (free text); otherwise only a typed token.
    Raises _NoValue when the text does not start with such a value.
    """
    r = _parser(vtype)(text, vocab, last)
    if r is None:
        raise _NoValue(f"no {vtype} value at the start of {text!r}")
    return r


# ---------------------------------------------------------------- the finder

_SEP = " \t:"
_RUN = re.compile(r"[^ \t]+(?: [^ \t]+)*")         # a cell of text without positions
_WORDS_ONLY = re.compile(r"[^\d$()]*(?:\b\d{1,4}\b[^\d$()]*)*")   # words (and a year) between label and value
_TYPED_END = {"money", "date"}                      # types read as the last value of a row part
_HEADER_DATE = re.compile(r"^\s*date\b", re.IGNORECASE)
_PAY_HEADER = re.compile(r"^(?:payments?|paid|amount paid|credits?|payments?(?: and| &| /)? credits?)$", re.IGNORECASE)
_AMOUNT_HEADER = re.compile(r"^amount$", re.IGNORECASE)
_BALANCE_HEADER = re.compile(r"^(?:running )?balance$", re.IGNORECASE)
_PAYMENTISH = re.compile(r"pa(?:y|id)|thank you|check|autopay|remit", re.IGNORECASE)


def _trimmed(m: re.Match[str]) -> tuple[int, int]:
    """A match's span without the spaces it may begin or end with."""
    g = m.group(0)
    return m.start() + len(g) - len(g.lstrip()), m.end() - len(g) + len(g.rstrip())


def line_cells(line: Line) -> tuple[Cell, ...]:
    """The cells of a line: as placed on the page, or the runs of text between wide gaps."""
    if line.cells:
        return line.cells
    return tuple((m.start(), m.end(), float(m.start()), float(m.end())) for m in _RUN.finditer(line.text))


def _cell_at(cells: tuple[Cell, ...], pos: int) -> int:
    """Index of the cell holding character ``pos`` (or the last cell starting before it)."""
    k = bisect.bisect_right([c[0] for c in cells], pos) - 1
    return max(k, 0)


def _x_span(cells: tuple[Cell, ...], start: int, end: int) -> tuple[float, float]:
    """Where characters start..end lie on the page (interpolated inside their cell)."""
    if not cells:
        return float(start), float(end)
    c0, c1, x0, x1 = cells[_cell_at(cells, start)]
    per = (x1 - x0) / max(c1 - c0, 1)
    return x0 + (start - c0) * per, x0 + (min(end, c1) - c0) * per


def _overlap(a: tuple[float, float], b: tuple[float, float]) -> float:
    return min(a[1], b[1]) - max(a[0], b[0])


@dataclass
class _Pending:
    field: str
    label: str
    cell: int                     # cell index of the label on its line
    x: tuple[float, float]


def find_fields(lines: list[Line], vocab: Vocabulary | None = None) -> Found:
    """Every labelled value, marker and itemised payment in ``lines`` (one page, or one bill's text)."""
    vocab = vocab or load_vocabulary()
    info = _field_info(vocab)
    found = Found()
    texts = [ln.text for ln in lines]
    n = len(texts)
    joined = "\n".join(texts)
    starts = [0]
    for t in texts:
        starts.append(starts[-1] + len(t) + 1)

    def line_of(pos: int) -> int:
        return bisect.bisect_right(starts, pos) - 1

    for mname, rx in vocab.markers.items():
        at: list[int] = []
        for m in rx.finditer(joined):
            i = line_of(m.start())
            if not at or at[-1] != i:
                at.append(i)
        if at:
            found.markers[mname] = at
    by_line: list[list[tuple[int, int, str, str]]] = [[] for _ in range(n)]
    of_group = vocab.label_of_group
    cells_of = [line_cells(ln) for ln in lines]
    for m in vocab.label_re.finditer(joined):
        i = line_of(m.start())
        base = starts[i]
        if m.lastgroup in vocab.prefix_groups and not m.group(0).rstrip().endswith(":"):
            # a shortened wording is a label only where it starts a cell or ends in a colon
            cells = cells_of[i]
            if not cells or cells[_cell_at(cells, m.start() - base)][0] != m.start() - base:
                continue
        name = of_group[m.lastgroup][0]  # type: ignore[index]
        at = m.start() - base
        label = m.group(0).strip()
        if name in _CURRENT_ONLY:
            cells = cells_of[i]
            cell0 = cells[_cell_at(cells, at)][0] if cells else 0
            q = _QUALIFIED_BEFORE.search(texts[i], min(cell0, at), at)
            if q:           # "Previous Amount Due": the label as printed starts at its qualifier
                name = _qualified(name)
                if name is None:
                    continue
                at = q.start()
                label = texts[i][at:m.end() - base].strip()
        by_line[i].append((at, m.end() - base, name, label))

    items_at = set(found.markers.get("payment_items_header", ()))
    skip: set[int] = set()
    balance_col: tuple[float, float] | None = None
    pending: list[_Pending] = []
    pending_line = -1
    for i in range(n):
        t = texts[i]
        cells = cells_of[i]
        labels = by_line[i]
        below = found.n_hits
        if pending and pending_line == i - 1 and not (labels and not t[:labels[0][0]].strip()):
            _below(i, t, cells, pending, cells_of[i - 1], vocab, info, found)
        below = found.n_hits - below       # values read on this line for the labels above it
        pending = []
        if i in skip:
            continue
        if i in items_at and len(cells) == 1 and not _HAS_CENTS.search(t):
            # a heading stands alone on its row: "Payments Applied   (412.00)" is a summary line
            skip |= _payment_rows(lines, cells_of, i + 1, vocab, found, listed=True)
            continue
        header = _table_header(t, cells)
        if header is not None:
            balance_col = header[1]
            if header[0] is not None:        # a heading's words ("Payments") are column names, not labels
                skip |= _payment_rows(lines, cells_of, i, vocab, found, listed=False)
                continue
        if not labels:
            if not below and _HAS_CENTS.search(t):
                _unlabelled_amounts(i, t, cells, len(cells), found)
            continue
        pending = _read_line(i, t, cells, labels, vocab, info, found, balance_col)
        pending_line = i
        if labels[0][0] and not below and _HAS_CENTS.search(t, 0, labels[0][0]):
            _unlabelled_amounts(i, t, cells, _cell_at(cells, labels[0][0]), found)
    return found


# Fields of the current bill only: a label for one of them qualified by "previous", "prior", "last"
# or "past" names a figure of an earlier bill.
_CURRENT_ONLY = frozenset({"amount_due", "due_date", "bill_date", "coverage_month", "premium", "tax_credit",
                           "state_subsidy", "subsidy_total", "current_charges"})
_QUALIFIER = r"(?:previous|prior|last|past)"
_QUALIFIED_BEFORE = re.compile(r"\b" + _QUALIFIER + r"\b(?:\W+[A-Za-z'’]+){0,2}\W*$", re.IGNORECASE)
_QUALIFIED_AFTER = re.compile(r"\b(?:previous|prior|last)\b", re.IGNORECASE)
_HAS_CENTS = re.compile(r"\d[.,]\d\d")
_UNREAD_LABEL = re.compile(r"[A-Za-z][A-Za-z'’&/().,#-]*(?: [A-Za-z'’&/().,#-]+){0,7}")


def _qualified(name: str) -> str | None:
    """What a current-bill label qualified by "previous/prior/last" stands for: the previous amount
    due is the previous balance; other figures of an earlier bill are not read."""
    return "previous_balance" if name == "amount_due" else None


def _unlabelled_amounts(i: int, t: str, cells: tuple[Cell, ...], upto: int, found: Found) -> None:
    """Amount lines among cells[:upto] whose label is no vocabulary wording: a cell of words (a
    label, at most eight words, no digits) followed by a cell holding just an amount, or one cell
    "Words: amount". A sentence that mentions an amount is neither."""
    k = 0
    while k < upto:
        c = cells[k]
        text = t[c[0]:c[1]]
        label = value = None
        step = 1
        head = text.strip().rstrip(":").rstrip()
        if k + 1 < upto and _UNREAD_LABEL.fullmatch(head):
            nxt = cells[k + 1]
            vtext = t[nxt[0]:nxt[1]].strip()
            if _MONEY_RE.fullmatch(vtext):
                label, value, step = head, vtext, 2
        if label is None and ":" in text:
            head, _, tail = text.partition(":")
            if _UNREAD_LABEL.fullmatch(head.strip()) and _MONEY_RE.fullmatch(tail.strip()):
                label, value = head.strip(), tail.strip()
        if label is not None and value is not None:
            try:
                found.unread_money.append((i, label, _cached_amount(value)))
            except AmountError:
                pass
        k += step


def _field_info(vocab: Vocabulary) -> dict[str, tuple[Parser, bool, str]]:
    return {name: (_parser(spec.type), spec.type == "money" and spec.sign == "abs", spec.type)
            for name, spec in vocab.fields.items()}


def _add(found: Found, h: Hit) -> None:
    found.hits.setdefault(h.field, []).append(h)
    found.n_hits += 1


def _read_line(i: int, t: str, cells: tuple[Cell, ...], labels: list[tuple[int, int, str, str]],
               vocab: Vocabulary, info: dict[str, tuple[Parser, bool, str]], found: Found,
               balance_col: tuple[float, float] | None) -> list[_Pending]:
    """The values of one line's labels; returns the labels left without a value (for the line below)."""
    # A label that begins its cell starts a part of the row; the other labels of a part count only
    # when the text up to the next counted label parses for their type (right to left).
    groups: list[list[tuple[int, int, str, str]]] = []
    for lab in labels:
        c = cells[_cell_at(cells, lab[0])] if cells else None
        if not groups or (c is not None and c[0] == lab[0]):
            groups.append([lab])
        else:
            groups[-1].append(lab)
    pending: list[_Pending] = []
    new: list[Hit] = []
    for g, group in enumerate(groups):
        end = groups[g + 1][0][0] if g + 1 < len(groups) else len(t)
        for k in range(len(group) - 1, -1, -1):
            start, lend, name, label = group[k]
            seg = t[lend:end]
            rest = seg.lstrip(_SEP)
            vstart = lend + len(seg) - len(rest)
            body = rest.rstrip(_SEP)
            ci = _cell_at(cells, start) if cells else 0
            parse, magnitude, vtype = info[name]
            if not body and g == 0 and k == 0 and start and vtype not in ("text", "names"):
                # value first, label after it at the end of the row: "$437.00   Amount Due"
                lead = t[:start].rstrip()
                vs = len(lead) - len(lead.lstrip())
                got = parse(lead[vs:], vocab, False)
                if got is not None and vs + got[1] == len(lead):
                    value = got[0]
                    new.append(_new_hit(name, abs(value) if magnitude else value, lead[vs:], i, vs, len(lead),
                                        label))
                    continue
            if not body:
                pending.append(_Pending(name, label, ci, _x_span(cells, start, lend)))
                end = start
                continue
            if vtype in ("text", "names") and cells:     # free text: the value's own cell
                vc = cells[_cell_at(cells, vstart)]
                if vc[0] <= vstart < vc[1]:
                    body = body[:vc[1] - vstart].rstrip(_SEP)
            got = parse(body, vocab, True)
            if got is not None:
                value, used = got
                vs, ve = vstart, vstart + used
            else:
                got2 = _last_value(body, vstart, parse, vtype, vocab, cells, balance_col) \
                    if vtype in _TYPED_END else None
                if got2 is None:
                    if k == 0:
                        fills = bool(cells) and cells[ci][0] == start and cells[ci][1] <= lend + 1
                        if fills:       # a column header: its value is below it
                            pending.append(_Pending(name, label, ci, _x_span(cells, start, lend)))
                        elif (not cells or cells[ci][0] == start) and _unreadable_value(label, body):
                            found.misses.append(_new_hit(name, None, body, i, vstart, end, label))
                    continue
                value, vs, ve = got2
                if cells and not _near(t, cells[ci][0], start, lend, vs):
                    end = start
                    continue        # a sentence that mentions a label's words and an amount
                if name in _CURRENT_ONLY and _QUALIFIED_AFTER.search(t, lend, vs):
                    # "Amount Due from Previous Bill  412.00": a figure of an earlier bill
                    q = _qualified(name)
                    if q is None:
                        end = start
                        continue
                    name = q
                    parse, magnitude, vtype = info[name]
            new.append(_new_hit(name, abs(value) if magnitude else value, t[vs:ve].strip(), i, vs, ve, label))
            end = start
    for h in sorted(new, key=lambda h: h.start):
        _add(found, h)
    if new and pending and len({p.cell for p in pending}) < len(pending):
        return []           # values on the line and several labels in one cell: no row below to pair
    return sorted(pending, key=lambda p: p.x[0])


def _unreadable_value(label: str, body: str) -> bool:
    """Whether the text after a label is its value, unreadable ("Payments Received: ******", an OCR
    "$4l2.O0"), rather than a sentence that starts with the label's words ("Fees may apply ...")."""
    return label.endswith(":") or len(body.split()) <= 2 or any(ch.isdigit() for ch in body)


def _near(t: str, cell_start: int, start: int, lend: int, vstart: int) -> bool:
    """Whether a label and the amount ending its row part, with words between, make a summary line
    ("Payments Received Since Last Bill  (143.00)", "Late Fee for March  25.00"), not a sentence
    ("Your new monthly premium starting in January will be $495.00"): at most two words before the
    label in its cell, at most five around it in all."""
    before = len(t[cell_start:start].split())
    return before <= 2 and before + len(t[lend:vstart].split()) <= 5


def _last_value(body: str, vstart: int, parse: Parser, vtype: str, vocab: Vocabulary,
                cells: tuple[Cell, ...], balance_col: tuple[float, float] | None
                ) -> tuple[Any, int, int] | None:
    """The amount (date) that ends a row part when only words stand between it and the label:
    "Since Last Bill  (143.00)", "for March 2026  143.00". Under a running-balance column, the
    row's own amount, not the balance, when it has one."""
    rx = _MONEY_RE if vtype == "money" else _DATE_RE
    ms = list(rx.finditer(body))
    if not ms or body[ms[-1].end():].strip():
        return None
    if balance_col is not None and cells and len(ms) > 1:
        inside = [m for m in ms
                  if _overlap(_x_span(cells, *(vstart + x for x in _trimmed(m))), balance_col) > 0]
        if inside and len(inside) < len(ms):
            ms = [m for m in ms if m not in inside]
    at = _trimmed(ms[-1])[0]
    between = body[:at]
    if rx.search(between) or len(between.split()) > 8:
        return None
    if vtype == "money" and not _WORDS_ONLY.fullmatch(between):
        return None
    got = parse(body[at:], vocab, False)
    if got is None:
        return None
    return got[0], vstart + at, vstart + at + got[1]


def _below(i: int, t: str, cells: tuple[Cell, ...], pending: list[_Pending], above: tuple[Cell, ...],
           vocab: Vocabulary, info: dict[str, tuple[Parser, bool, str]], found: Found) -> None:
    """Values on line ``i`` for the labels of the line above: the cell under each label, or, for
    several labels in one cell (no positions), the values in the same order."""
    if len({p.cell for p in pending}) < len(pending):
        _value_row(i, t, [(p.field, p.label) for p in pending], vocab, info, found)
        return
    used: set[int] = set()
    for p in pending:
        best, score = None, 0.0
        for k, c in enumerate(cells):
            ov = _overlap(p.x, (c[2], c[3]))
            if k not in used and ov > score:
                best, score = k, ov
        if best is None:
            continue
        c0, c1 = cells[best][0], cells[best][1]
        parse, magnitude, _ = info[p.field]
        got = parse(t[c0:c1], vocab, True)
        if got is None:
            continue
        used.add(best)
        value, n_used = got
        _add(found, _new_hit(p.field, abs(value) if magnitude else value, t[c0:c0 + n_used].strip(), i, c0,
                             c0 + n_used, p.label))


def _value_row(i: int, line: str, specs: list[tuple[str, str]], vocab: Vocabulary,
               info: dict[str, tuple[Parser, bool, str]], found: Found) -> int:
    """Values for labels printed on the previous line, in the same order, parsed by type; returns
    how many were read (they stop at the first that does not parse)."""
    pos = 0
    last = len(specs) - 1
    for k, (name, label) in enumerate(specs):
        rest = line[pos:]
        body = rest.lstrip()
        parse, magnitude, _ = info[name]
        got = parse(body, vocab, k == last)
        if got is None:
            return k
        value, used = got
        start = pos + len(rest) - len(body)
        _add(found, _new_hit(name, abs(value) if magnitude else value, line[start:start + used].strip(), i, start,
                             start + used, label))
        pos = start + used
    return len(specs)


def _table_header(t: str, cells: tuple[Cell, ...]) -> tuple[tuple[float, float] | None,
                                                            tuple[float, float] | None] | None:
    """A table's heading row ("Date  Description  Payments  Balance"): (the payment column, the
    running-balance column), either None when absent; None when the line is no such heading."""
    if len(cells) < 3:
        return None
    names = [t[c[0]:c[1]].strip(" :") for c in cells]
    balance = next(((c[2], c[3]) for c, s in zip(cells, names, strict=True) if _BALANCE_HEADER.match(s)), None)
    if not _HEADER_DATE.match(names[0]):
        return (None, balance) if balance is not None else None
    pay = next(((c[2], c[3]) for c, s in zip(cells, names, strict=True) if _PAY_HEADER.match(s)), None)
    if pay is None:
        pay = next(((c[2], c[3]) for c, s in zip(cells, names, strict=True) if _AMOUNT_HEADER.match(s)), None)
    if pay is None and balance is None:
        return None
    return pay, balance


_ROW_HEADER = re.compile(r"^\s*date\b.*\bamount\s*$", re.IGNORECASE)


def _payment_rows(lines: list[Line], cells_of: list[tuple[Cell, ...]], i: int, vocab: Vocabulary,
                  found: Found, listed: bool) -> set[int]:
    """Itemised payments: the "date  description  amount" rows under a payment heading (``listed``:
    every row is a payment), or the dated rows of a table whose heading names a payment or amount
    column (a ledger: the amount in that column; a plain list: rows that read as payments).
    Returns the lines read as the heading and the payments."""
    texts = [ln.text for ln in lines]
    taken: set[int] = set()
    pay_col: tuple[float, float] | None = None
    balance = False
    if i < len(texts):
        head = _table_header(texts[i], cells_of[i])
        if head is not None and head[0] is not None:
            pay_col, balance = head[0], head[1] is not None
            taken.add(i)
            i += 1
        elif _ROW_HEADER.match(texts[i]):
            taken.add(i)
            i += 1
    while i < len(texts):
        raw = texts[i]
        t = raw.strip()
        lead = len(raw) - len(raw.lstrip())
        d: date | None = None
        rest_at = lead
        m = _DATE_RE.match(t)
        if m:
            try:
                d = _cached_date(m.group(0), vocab.date_formats)
                rest_at = lead + m.end()
            except ValueError:
                d = None
        monies = list(_MONEY_RE.finditer(raw, rest_at))
        if not monies:
            break
        if pay_col is not None and (balance or not listed) and lines[i].cells:
            cells = cells_of[i]
            mm = next((x for x in monies if _overlap(_x_span(cells, *_trimmed(x)), pay_col) > 0), None)
            if mm is None or d is None:
                i += 1
                continue
        else:
            mm = monies[-1]
            if raw[mm.end():].strip():
                break
        try:
            printed = _cached_amount(mm.group(0).strip())
        except AmountError:
            break
        desc = raw[rest_at:_trimmed(mm)[0]].strip()
        if not listed and not balance and printed >= 0 and not _PAYMENTISH.search(desc):
            i += 1
            continue
        found.payment_items.append((BillPayment(d, abs(printed), re.sub(r"\s{2,}", " ", desc)), i))
        taken.add(i)
        i += 1
    return taken


def marker_lines(lines: list[Line], name: str, vocab: Vocabulary | None = None) -> list[int]:
    """Indexes of the lines where marker ``name`` (vocabulary [markers]) occurs."""
    vocab = vocab or load_vocabulary()
    rx = vocab.markers[name]
    return [i for i, ln in enumerate(lines) if rx.search(ln.text)]


def money_value(x: Any) -> Decimal | None:
    return x if isinstance(x, Decimal) else None
