"""Bill text -> labelled field values, through the label vocabulary (vocabulary.toml).

Input: the lines of one bill (`Line`: text, the 1-based page it is on, and for OCR'd text the
character span and confidence of every word). Output: `Found`, holding for every field each place a
label was followed by a value that parses for the field's type (`Hit`, in reading order), the labels
whose value did not parse (`misses`, for diagnostics), the itemised payments, and which markers
(Connector name, statement header, coupon, AutoPay wording) occur.

How a value is found, in the order tried:
  * label and value on one line ("Billing Account Number: 712345678"), several pairs per line
    (two-column layouts: "Statement Date 09/01/2024 Billing Account # 712345678");
  * a line of labels only, the values on the next line in the same order, parsed by type
    ("Account No. Statement Date Please Pay By" / "712345678 Sep 1, 2022 Sep 23, 2022");
  * a label alone on its line, the value being the whole next line ("Primary Member" / "Jane Doe").
A label inside a line counts only when its value parses (or is empty); otherwise its words are
part of the previous value, so "Plan Name: ConnectorCare Plan Type 2B" keeps its plan name whole.

Pure functions of text: no PDF library here, so bill parsing is tested on text fixtures.
"""
from __future__ import annotations

import bisect
import itertools
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from recon.dates import month_str, parse_date_any
from recon.model import BillPayment, fast_constructor
from recon.money import AmountError, parse_amount

VOCABULARY_PATH = Path(__file__).with_name("vocabulary.toml")

BILLING_ACCOUNT_RE = re.compile(r"^7\d{8}$")
SUBSCRIBER_ID_RE = re.compile(r"^7\d{11}$")
ENROLLMENT_ID_RE = re.compile(r"^RefID_?\d+$")


@dataclass(frozen=True, slots=True)
class Line:
    """One line of page text. ``words``: (start, end, confidence 0-100) per OCR word; () for a text layer."""

    text: str
    page: int
    words: tuple[tuple[int, int, float], ...] = ()


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
    # (first word, pattern) per first word of the wordings, in canonical form (_CANON; no word a
    # prefix of another): a label (marker) can only match where one of these words starts, and
    # there only its pattern, the full pattern less the wordings with another first word, can
    # match. None: search every position with the full pattern.
    label_starts: Starts | None = None
    marker_starts: dict[str, Starts | None] = field(default_factory=dict)
    marker_wordings: dict[str, tuple[str, ...]] = field(default_factory=dict)   # longest first, as compiled


_OCR_LETTER = {"o": "[o0]", "l": "[l1i|]", "i": "[i1l|]"}


def _token_pattern(tok: str) -> str:
    if tok == "#":
        return "#"
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


def wording_pattern(wording: str) -> str:
    """A wording -> a tolerant regex: any case, any spacing/punctuation between words, OCR letters."""
    tokens = re.findall(r"[A-Za-z0-9'\u2019]+|#", wording)
    body = r"[^A-Za-z0-9\n]*".join(_token_pattern(t) for t in tokens)
    return body + r"(?![A-Za-z0-9_])[ \t]*[.:#)]*"


_WORD_START = r"(?<![A-Za-z0-9])"


def _first_chars(wording: str) -> str:
    """The characters a wording may start with on the page (case and OCR variants)."""
    c = wording.lstrip()[0].lower()
    variants = {c, c.upper()}
    if c in _OCR_LETTER:
        variants |= set(_OCR_LETTER[c].strip("[]")) | {ch.upper() for ch in _OCR_LETTER[c].strip("[]")}
    return "".join(sorted(re.escape(v) for v in variants))


# Characters outside ASCII that an IGNORECASE class of ASCII letters matches (dotted I, dotless i,
# long s, Kelvin sign); tests/bills/test_fields_regex.py checks the list against every code point.
_NON_ASCII_FOLDS = "\u0130\u0131\u017f\u212a"
_LEAD_CANDIDATES = "".join(map(chr, range(128))) + _NON_ASCII_FOLDS


def _canon_table() -> dict[int, str]:
    """Case folded and OCR look-alikes merged, for ASCII and the non-ASCII case folds."""
    table: dict[int, str] = {}
    for c in map(chr, range(128)):
        low = c.lower()
        if low in _OCR_LETTER or c in "01|":
            low = "o" if low in "o0" else "l"
        table[ord(c)] = low
    for c in _NON_ASCII_FOLDS:
        (letter,) = {table[ord(a)] for a in "abcdefghijklmnopqrstuvwxyz" if re.fullmatch(a, c, re.IGNORECASE)}
        table[ord(c)] = letter
    return table


# Text -> canonical text: a character the pattern of a wording's letter (or digit) matches maps to
# what that letter maps to, so a wording's first word is a plain substring wherever the wording
# matches (tests/bills/test_fields_regex.py checks this for every character of the vocabulary).
_CANON = _canon_table()


Starts = tuple[tuple[str, re.Pattern[str]], ...]


def _first_word(wording: str) -> str | None:
    """A wording's first word up to any apostrophe, canonical; None when it does not start the wording."""
    tokens = re.findall(r"[A-Za-z0-9'\u2019]+|#", wording)
    if not tokens or not (tokens[0] == "#" or tokens[0][0].isalnum()) or wording.lstrip()[0] != tokens[0][0]:
        return None
    return re.split("['\u2019]", tokens[0])[0].translate(_CANON)


class _LazyPattern:
    """A regex compiled on first use. A vocabulary keeps several compiled forms of its wordings
    (the per-line, per-first-word and fallback searches); a page usually needs one or two, and
    compiling them all cost 0.3 s of every process's first bill."""

    __slots__ = ("_source", "_flags", "_rx")

    def __init__(self, source: str, flags: int = 0) -> None:
        self._source, self._flags, self._rx = source, flags, None

    def __getattr__(self, name: str):  # noqa: ANN204 - the compiled pattern's attribute
        rx = self._rx
        if rx is None:
            rx = self._rx = re.compile(self._source, self._flags)
        return getattr(rx, name)


def _starts(wordings: list[tuple[str, str | None]], grouped: bool) -> Starts | None:
    """(first word, pattern) pairs for Vocabulary.label_starts / marker_starts; see there."""
    firsts = [_first_word(w) for w, _ in wordings]
    if any(f is None for f in firsts):
        return None
    words = set(firsts)
    words = {w for w in words if not any(o != w and w.startswith(o) for o in words)}  # type: ignore[union-attr]
    out = []
    for word in sorted(words):  # type: ignore[type-var]
        keep = {w for (w, _), f in zip(wordings, firsts, strict=True) if f.startswith(word)}  # type: ignore[union-attr]
        out.append((word, _LazyPattern(_plain_pattern(wordings, grouped, keep), re.IGNORECASE)))
    return tuple(out)


def _candidates(canon: str, starts: Starts) -> list[tuple[int, re.Pattern[str]]]:
    """(position, pattern) wherever one of the first words starts in ``canon``, by position."""
    at: dict[int, re.Pattern[str]] = {}
    find = canon.find
    for word, rx in starts:
        k = find(word)
        while k >= 0:
            at[k] = rx      # one word at most starts at k: none is a prefix of another
            k = find(word, k + 1)
    return [(k, at[k]) for k in sorted(at)]


def _compile_alternatives(wordings: list[tuple[str, str | None]], grouped: bool) -> re.Pattern[str]:
    """Wordings (longest first, each with a group name or None) -> one search pattern.

    Matches what ``_plain_pattern`` matches (the same alternatives tried in the same order: the
    same spans and ``lastgroup``), but starts with a plain character class, the characters any
    wording can start with, so the regex engine skips every other position in C instead of trying
    the alternatives there (3-5x faster on a page). That first character is consumed by the class;
    the word-start test, the first-character lookahead and the wording's first letter are checked
    behind it, case-insensitively like the rest. ``grouped``: alternatives grouped by their first
    characters (the label pattern); otherwise in the given order (markers).
    """
    branches: list[tuple[str, list[str]]] = []
    for wording, group in wordings:
        tokens = re.findall(r"[A-Za-z0-9'\u2019]+|#", wording)
        head = tokens[0] if tokens else ""
        if head == "#":
            first, rest_head = "#", ""
        elif head[:1].isascii() and head[:1].isalnum():
            first, rest_head = _token_pattern(head[0]), _token_pattern(head[1:])
        else:  # no word, or an optional first character (an apostrophe): no class to start with
            return _LazyPattern(_plain_pattern(wordings, grouped), re.IGNORECASE)  # type: ignore[return-value]
        body = r"[^A-Za-z0-9\n]*".join([rest_head, *(_token_pattern(t) for t in tokens[1:])])
        body += r"(?![A-Za-z0-9_])[ \t]*[.:#)]*"
        alt = f"(?<={first})" + (f"(?P<{group}>{body})" if group else body)
        fc = _first_chars(wording)
        same = [alts for key, alts in branches if key == fc] if grouped else \
            [branches[-1][1]] if branches and branches[-1][0] == fc else []
        if same:
            same[0].append(alt)
        else:
            branches.append((fc, [alt]))
    lead_rx = re.compile("[" + "".join(fc for fc, _ in branches) + "]", re.IGNORECASE)
    lead = "".join(re.escape(c) for c in _LEAD_CANDIDATES if lead_rx.fullmatch(c))
    alternation = "|".join(f"(?<=[{fc}])(?:{'|'.join(alts)})" for fc, alts in branches)
    return _LazyPattern(f"[{lead}](?i:(?<![A-Za-z0-9][\\s\\S])(?:{alternation}))")  # type: ignore[return-value]


def _plain_pattern(wordings: list[tuple[str, str | None]], grouped: bool, keep: set[str] | None = None) -> str:
    """The straightforward pattern _compile_alternatives is equivalent to (for re.IGNORECASE).

    ``keep``: only these wordings, where they would be in the pattern of them all (same order).
    """
    if not grouped:
        return _WORD_START + "(?:" + "|".join(wording_pattern(w) for w, _ in wordings
                                              if keep is None or w in keep) + ")"
    by_first: dict[str, list[str]] = {}
    for wording, group in wordings:
        alts = by_first.setdefault(_first_chars(wording), [])
        if keep is None or wording in keep:
            alts.append(f"(?P<{group}>{wording_pattern(wording)})")
    return _WORD_START + "(?:" + "|".join(f"(?=[{fc}])(?:{'|'.join(alts)})" for fc, alts in by_first.items()
                                          if alts) + ")"


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
    # Longest wording first, so "Total Amount Due" beats "Amount Due" where both match.
    entries.sort(key=lambda e: -len(e[1]))
    groups = {f"g{i}": e for i, e in enumerate(entries)}
    label_re = _compile_alternatives([(w, f"g{i}") for i, (_, w) in enumerate(entries)], grouped=True)
    markers = {}
    for name, wordings in raw.get("markers", {}).items():
        ws = sorted(wordings, key=len, reverse=True)
        markers[name] = _compile_alternatives([(w, None) for w in ws], grouped=False)
    marker_starts = {}
    marker_wordings = {}
    for name, wordings in raw.get("markers", {}).items():
        ws = sorted(wordings, key=len, reverse=True)
        marker_starts[name] = _starts([(w, None) for w in ws], grouped=False)
        marker_wordings[name] = tuple(ws)
    return Vocabulary(fields, tuple(raw["date_formats"]), tuple(raw["month_formats"]), label_re,
                      groups, markers, _starts([(w, f"g{i}") for i, (_, w) in enumerate(entries)], grouped=True),
                      marker_starts, marker_wordings)


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
    r"|\d{4}-\d{2}-\d{2}|\d{1,2}\s+[A-Za-z]{3,9}\.?\s+\d{4}")
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


def _finish(spec: FieldSpec, value: Any) -> Any:
    if spec.type == "money" and spec.sign == "abs":
        return abs(value)
    return value


def _labels_in(line: str, vocab: Vocabulary) -> list[tuple[int, int, str, str]]:
    out = []
    for m in vocab.label_re.finditer(line):
        name, _ = vocab.label_of_group[m.lastgroup]  # type: ignore[index]
        out.append((m.start(), m.end(), name, m.group(0).strip()))
    return out


def _labels_by_line(texts: list[str], joined: str, canon: str, starts: list[int],
                    vocab: Vocabulary) -> list[list[tuple[int, int, str, str]]]:
    """_labels_in for every line, from one pass over the page: the label pattern is tried only
    where a wording's first word starts (finditer's matches, found the way finditer finds them:
    leftmost first, the next one from the end of the last)."""
    out: list[list[tuple[int, int, str, str]]] = [[] for _ in texts]
    of_group = vocab.label_of_group
    end = 0
    line = 0
    for k, rx in _candidates(canon, vocab.label_starts):  # type: ignore[arg-type]
        if k < end:
            continue
        m = rx.match(joined, k)
        if m is None:
            continue
        end = m.end()
        while starts[line + 1] <= k:
            line += 1
        base = starts[line]
        out[line].append((k - base, end - base, of_group[m.lastgroup][0], m.group(0).strip()))  # type: ignore[index]
    return out


def _marker_lines(rx: re.Pattern[str], words: Starts | None, joined: str, canon: str,
                  starts: list[int]) -> list[int]:
    """Indexes of the lines where ``rx`` matches (it never matches across lines)."""
    if words is None:
        return sorted({bisect.bisect_right(starts, m.start()) - 1 for m in rx.finditer(joined)})
    at: list[int] = []
    for k, sub in _candidates(canon, words):
        if sub.match(joined, k):
            line = bisect.bisect_right(starts, k) - 1
            if not at or at[-1] != line:
                at.append(line)
    return at


@dataclass(frozen=True)
class _Plan:
    """What find_fields needs of a vocabulary, compiled once (see _plan).

    ``fields``: field -> (parser, store the magnitude). ``scan``: one pattern over the canonical
    text for the first words of every label and of the markers in ``scan_markers`` (longest first
    per first letter, at a word start); ``entries``: the matched word -> (the label pattern to try
    there or None, ((marker, pattern), ...) to try there). None: no such pattern (a first word that
    is not letters and digits, or no label_starts); the per-set candidate search is used instead.
    """

    fields: dict[str, tuple[Parser, bool]]
    scan: re.Pattern[str] | None
    entries: dict[str, tuple[_Rest | None, tuple[tuple[str, _Rest], ...]]]
    scan_markers: frozenset[str]


_PLANS: dict[int, tuple[Vocabulary, _Plan]] = {}


def _plan(vocab: Vocabulary) -> _Plan:
    got = _PLANS.get(id(vocab))
    if got is not None and got[0] is vocab:
        return got[1]
    plan = _make_plan(vocab)
    if len(_PLANS) > 64:
        _PLANS.clear()
    _PLANS[id(vocab)] = (vocab, plan)      # holds the vocabulary: its id is not reused meanwhile
    return plan


def _make_plan(vocab: Vocabulary) -> _Plan:
    info = {name: (_parser(spec.type), spec.type == "money" and spec.sign == "abs")
            for name, spec in vocab.fields.items()}
    if vocab.label_starts is None:
        return _Plan(info, None, {}, frozenset())
    sets: list[tuple[str | None, Starts]] = [(None, vocab.label_starts)]
    sets += [(name, s) for name, s in vocab.marker_starts.items() if s is not None and name in vocab.markers]
    words = {w for _, s in sets for w, _ in s}
    if not all(re.fullmatch("[a-z0-9]+", w) for w in words):
        return _Plan(info, None, {}, frozenset())
    label_wordings = [(wording, g) for g, (_, wording) in vocab.label_of_group.items()]
    rests: dict[tuple[str | None, str], _Rest] = {}
    for name, s in sets:
        if name is None:
            wordings: list[tuple[str, str | None]] = list(label_wordings)
        else:
            wordings = [(wording, None) for wording in vocab.marker_wordings.get(name, ())]
        for w, rx in s:
            rest = _canonical_rest(w, wordings) if wordings else None
            rests[(name, w)] = (rest, len(w), True) if rest is not None else (rx, 0, False)
    entries: dict[str, tuple[_Rest | None, tuple[tuple[str, _Rest], ...]]] = {}
    for word in words:
        label: _Rest | None = None
        marks: list[tuple[str, _Rest]] = []
        for name, s in sets:
            for w, _ in s:             # at most one word of a set is a prefix of ``word``
                if word.startswith(w):
                    if name is None:
                        label = rests[(None, w)]
                    else:
                        marks.append((name, rests[(name, w)]))
        entries[word] = (label, tuple(marks))
    # A word that only starts labels (no marker word, no other label word, is a prefix of it) is
    # a match only where its canonical rest follows, in a lookahead holding the rest's groups (the
    # match's lastgroup is the wording, the group's end the label's): elsewhere its label pattern
    # fails, and no other word of the scan can match there instead (none is a prefix of it).
    by_first: dict[str, list[str]] = {}
    for w in sorted(words, key=lambda w: (-len(w), w)):
        alt = re.escape(w[1:])
        label_only = entries[w][0] == rests.get((None, w)) and not entries[w][1]
        if label_only and rests[(None, w)][2]:
            alt += f"(?={rests[(None, w)][0].pattern})"
        by_first.setdefault(w[0], []).append(alt)
    scan = re.compile("(?<![a-z0-9])(?:" + "|".join(
        f"{re.escape(c)}(?:{'|'.join(alts)})" for c, alts in sorted(by_first.items())) + ")")
    return _Plan(info, scan, entries, frozenset(name for name, _ in sets if name is not None))


# What to match where a first word starts at k: (pattern, offset, on the canonical text): the
# pattern of the wordings with that first word (on the page text at k), or its canonical rest
# after the first word (on the canonical text at k + offset); see _canonical_rest.
_Rest = tuple[re.Pattern[str], int, bool]
_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789"


@cache   # a pure function of a one-character pattern; wordings repeat them
def _canon_class(pattern: str) -> str | None:
    """The canonical characters of a one-character pattern (compiled ignoring case), when the
    pattern matches exactly the characters that canonicalise to one of them; else None."""
    rx = re.compile(pattern, re.IGNORECASE)
    hit = {x for x in _LEAD_CANDIDATES if rx.fullmatch(x)}
    out = {x.translate(_CANON) for x in hit}
    if any((x.translate(_CANON) in out) != (x in hit) for x in _LEAD_CANDIDATES):
        return None
    return "".join(sorted(out))


@lru_cache(maxsize=1)
def _canon_classes_hold() -> bool:
    """[A-Za-z0-9] and [A-Za-z0-9_] ignoring case match exactly the characters (but "|") whose
    canonical form is in [a-z0-9] (plus "_"): the word-start test, the separators and the end of
    a wording test the same on the canonical text."""
    for c in _LEAD_CANDIDATES:
        if c == "|":
            continue
        alnum = c.translate(_CANON) in _ALNUM
        if bool(re.fullmatch("[A-Za-z0-9]", c, re.IGNORECASE)) != alnum:
            return False
        if bool(re.fullmatch("[A-Za-z0-9_]", c, re.IGNORECASE)) != (alnum or c == "_"):
            return False
    return True


def _canonical_rest(word: str, wordings: list[tuple[str, str | None]]) -> re.Pattern[str] | None:
    """The pattern _starts gives ``word`` (the wordings whose first word starts with it, in their
    order, each in a group when named), rewritten to run on the canonical text from the end of
    ``word``: there it matches where and as the original pattern matches on the page text at the
    word's start, when the text has no "|" (the caller checks) and ``word`` is at a word start
    there (plan.scan's test). None when that cannot be shown for these wordings.

    Every test the pattern makes on a character becomes the same test on its canonical form: each
    letter's pattern ([l1i|] for "l", ...) and the first-character class match exactly the
    characters that canonicalise like them (checked here), and so do the word-start test, the
    separators and the end of a wording (_canon_classes_hold). The first-character groups of
    _plain_pattern collapse to one (checked), so the order of the alternatives is theirs.
    """
    if not _canon_classes_hold():
        return None
    keep = [(w, g) for w, g in wordings if (_first_word(w) or "").startswith(word)]
    if not keep or len({_first_chars(w) for w, _ in keep}) != 1:
        return None
    first = _canon_class(f"[{_first_chars(keep[0][0])}]")
    if first is None or word[0] not in first:
        return None
    alts = []
    for wording, group in keep:
        tokens = re.findall(r"[A-Za-z0-9'\u2019]+|#", wording)
        parts: list[list[str]] = []
        for tok in tokens:
            pieces = []
            for ch in ("#",) if tok == "#" else tok:
                if ch in "'\u2019":
                    pieces.append("['\u2019`]?")
                    continue
                cls = _canon_class(_token_pattern(ch))
                if cls is None or len(cls) != 1:
                    return None
                pieces.append(re.escape(cls))
            parts.append(pieces)
        if parts[0][:len(word)] != [re.escape(c) for c in word]:
            return None
        parts[0] = parts[0][len(word):]
        body = r"[^a-z0-9\n]*".join("".join(p) for p in parts) + r"(?![a-z0-9_])[ \t]*[.:#)]*"
        alts.append(f"(?P<{group}>{body})" if group else body)
    return re.compile("(?:" + "|".join(alts) + ")")


def _scan_page(plan: _Plan, vocab: Vocabulary, joined: str, canon: str, starts: list[int],
               n: int) -> tuple[list[list[tuple[int, int, str, str]]], dict[str, list[int]]]:
    """_labels_by_line and _marker_lines (of the markers in plan.scan_markers) from one pass of
    plan.scan over the canonical text.

    Same results: every position where a first word of a set starts in ``canon`` at a word start
    is a match of plan.scan (the longest word there; the words of each set at that position are the
    entry's prefixes of it), and no other position can match, since every pattern tried there
    starts with the test that the character before is not [A-Za-z0-9] (ignoring case): the same
    test as canon's [a-z0-9] when the text has no "|" (canon maps it to "l"; the caller checks).
    Matches of plan.scan do not overlap anything missed: inside a word the test fails. A marker
    already found on the line is not tried again there (its lines are what is kept).
    """
    by_line: list[list[tuple[int, int, str, str]]] = [[] for _ in range(n)]
    marks: dict[str, list[int]] = {name: [] for name in plan.scan_markers}
    if not n:
        return by_line, marks
    of_group = vocab.label_of_group
    entries = plan.entries
    end = 0
    line = 0
    nxt = starts[1]
    for m in plan.scan.finditer(canon):  # type: ignore[union-attr]
        k = m.start()
        while nxt <= k:
            line += 1
            nxt = starts[line + 1]
        group = m.lastgroup
        if group is not None:         # a word that only starts labels, its label found (see _make_plan)
            if k >= end:
                end = m.end(group)
                base = starts[line]
                by_line[line].append((k - base, end - base, of_group[group][0], joined[k:end].strip()))
            continue
        label, markers = entries[m.group()]
        for name, (rx, off, on_canon) in markers:
            at = marks[name]
            if at and at[-1] == line:
                continue
            if rx.match(canon if on_canon else joined, k + off) is not None:
                at.append(line)
        if label is not None and k >= end:
            rx, off, on_canon = label
            lm = rx.match(canon if on_canon else joined, k + off)
            if lm is not None:
                end = lm.end()
                base = starts[line]
                by_line[line].append((k - base, end - base, of_group[lm.lastgroup][0],  # type: ignore[index]
                                      joined[k:end].strip()))
    return by_line, marks


# Text -> canonical text for an ASCII text: the same as str.translate(_CANON), as a byte table.
_CANON_BYTES = bytes(ord(_CANON[b]) if b < 128 else b for b in range(256))


def _canonical(text: str) -> str:
    if text.isascii():
        return text.encode("ascii").translate(_CANON_BYTES).decode("ascii")
    return text.translate(_CANON)


def find_fields(lines: list[Line], vocab: Vocabulary | None = None) -> Found:
    """Every labelled value, marker and itemised payment in ``lines`` (one bill's text)."""
    vocab = vocab or load_vocabulary()
    plan = _plan(vocab)
    found = Found()
    texts = [ln.text for ln in lines]
    n = len(texts)
    # Markers and labels: searched over the whole text (not line by line), mapped back to lines;
    # tried only where a wording's first word starts (in the canonical text) when that is known.
    joined = "\n".join(texts)
    starts = list(itertools.accumulate([len(t) + 1 for t in texts], initial=0))
    one_line_each = joined.count("\n") == n - 1 if texts else True
    by_line: list[list[tuple[int, int, str, str]]] | None = None
    scanned: dict[str, list[int]] = {}
    if one_line_each and plan.scan is not None and "|" not in joined:
        canon = _canonical(joined)
        by_line, scanned = _scan_page(plan, vocab, joined, canon, starts, n)
    elif one_line_each:
        canon = _canonical(joined)
    else:
        canon = ""
    for mname, rx in vocab.markers.items():
        if mname in scanned:
            at = scanned[mname]
        else:
            at = _marker_lines(rx, vocab.marker_starts.get(mname) if one_line_each else None, joined, canon,
                               starts)
        if at:
            found.markers[mname] = at
    if by_line is None:
        by_line = _labels_by_line(texts, joined, canon, starts, vocab) \
            if one_line_each and vocab.label_starts is not None else [_labels_in(t, vocab) for t in texts]
    items_at = found.markers.get("payment_items_header", ())
    info = plan.fields
    hits = found.hits
    misses = found.misses
    n_hits = 0
    pending: list[tuple[str, str]] | None = None    # labels with empty values on the previous line
    i = 0
    while i < n:
        if items_at and i in items_at:
            i = _payment_rows(texts, i + 1, vocab, found)
            pending = None
            continue
        labels = by_line[i]
        t = texts[i]
        if not labels:                  # no label on the line
            if pending:
                n_hits += _value_row(i, t, pending, vocab, info, hits)
                pending = None
            i += 1
            continue
        if len(labels) == 1:            # the usual line, "Label: value": the loop below for one label
            start, lend, name, label = labels[0]
            seg = t[lend:]
            rest = seg.lstrip(_SEP)
            body = rest.rstrip(_SEP)
            hit = None
            if body:
                parse, magnitude = info[name]
                got = parse(body, vocab, True)
                vstart = lend + len(seg) - len(rest)
                if got is None:
                    misses.append(_new_hit(name, None, body, i, vstart, len(t), label))
                else:
                    value, used = got
                    hit = _new_hit(name, abs(value) if magnitude else value, body[:used].strip(), i, vstart,
                                   vstart + used, label)
                    at = hits.get(name)
                    if at is None:
                        hits[name] = [hit]
                    else:
                        at.append(hit)
                    n_hits += 1
            accepted_one = hit is not None or not body
            if pending and not (accepted_one and not t[:start].strip()):
                n_hits += _value_row(i, t, pending, vocab, info, hits)
                pending = None
            elif accepted_one and hit is None:
                pending = [(name, label)]
            else:
                pending = None
            i += 1
            continue
        # The line's labels, right to left: a label counts when the text up to the next counted
        # label parses for its type, or is empty; otherwise its words belong to the value before it.
        accepted: list[tuple[int, str, str]] = []     # (label start, field, label text), right to left
        new: list[Hit] = []
        end = len(t)
        for k in range(len(labels) - 1, -1, -1):
            start, lend, name, label = labels[k]
            seg = t[lend:end]
            rest = seg.lstrip(_SEP)
            body = rest.rstrip(_SEP)
            if not body:
                accepted.append((start, name, label))
                end = start
                continue
            parse, magnitude = info[name]
            got = parse(body, vocab, True)
            vstart = lend + len(seg) - len(rest)
            if got is None:
                if k == 0:
                    misses.append(_new_hit(name, None, body, i, vstart, end, label))
                continue
            value, used = got
            new.append(_new_hit(name, abs(value) if magnitude else value, body[:used].strip(), i, vstart,
                                vstart + used, label))
            accepted.append((start, name, label))
            end = start
        for h in reversed(new):
            at = hits.get(h.field)
            if at is None:
                hits[h.field] = [h]
            else:
                at.append(h)
        n_hits += len(new)
        if pending and not (accepted and not t[:accepted[-1][0]].strip()):
            n_hits += _value_row(i, t, pending, vocab, info, hits)
            pending = None
        elif accepted and not new:
            pending = [(a[1], a[2]) for a in reversed(accepted)]
        else:
            pending = None
        i += 1
    found.n_hits = n_hits
    return found


def _value_row(i: int, line: str, specs: list[tuple[str, str]], vocab: Vocabulary,
               info: dict[str, tuple[Parser, bool]], hits: dict[str, list[Hit]]) -> int:
    """Values for labels printed on the previous line, in the same order, parsed by type; returns
    how many were read (they stop at the first that does not parse)."""
    pos = 0
    last = len(specs) - 1
    for k, (name, label) in enumerate(specs):
        rest = line[pos:]
        body = rest.lstrip()
        parse, magnitude = info[name]
        got = parse(body, vocab, k == last)
        if got is None:
            return k
        value, used = got
        start = pos + len(rest) - len(body)
        hits.setdefault(name, []).append(
            _new_hit(name, abs(value) if magnitude else value, line[start:start + used].strip(), i, start,
                     start + used, label))
        pos = start + used
    return len(specs)


_ROW_HEADER = re.compile(r"^\s*date\b.*\bamount\s*$", re.IGNORECASE)


def _payment_rows(texts: list[str], i: int, vocab: Vocabulary, found: Found) -> int:
    """Itemised payments after their heading: "date  description  amount" rows until a non-row."""
    if i < len(texts) and _ROW_HEADER.match(texts[i]):
        i += 1
    while i < len(texts):
        t = texts[i].strip()
        d: date | None = None
        rest = t
        m = _DATE_RE.match(t)
        if m:
            try:
                d = _cached_date(m.group(0), vocab.date_formats)
                rest = t[m.end():].strip()
            except ValueError:
                d = None
        mm = None
        for mm in _MONEY_RE.finditer(rest):  # noqa: B007 - the last amount on the line
            pass
        if mm is None or rest[mm.end():].strip():
            break
        try:
            amount = abs(_cached_amount(mm.group(0).strip()))
        except AmountError:
            break
        desc = rest[: mm.start()].strip()
        found.payment_items.append((BillPayment(d, amount, desc), i))
        i += 1
    return i


def marker_lines(lines: list[Line], name: str, vocab: Vocabulary | None = None) -> list[int]:
    """Indexes of the lines where marker ``name`` (vocabulary [markers]) occurs."""
    vocab = vocab or load_vocabulary()
    rx = vocab.markers[name]
    return [i for i, ln in enumerate(lines) if rx.search(ln.text)]


def money_value(x: Any) -> Decimal | None:
    return x if isinstance(x, Decimal) else None
