"""The label vocabulary (vocabulary.toml) -> compiled label and marker patterns.

Input: vocabulary.toml (each field's known wordings and value type, the date and month formats, the
markers: Connector name, statement header, coupon, AutoPay wording). Output: a `Vocabulary` whose
``label_re`` finds every wording in a page's text at once, the match's ``lastgroup`` naming the
field and wording.

Labels are matched by words: any case, any punctuation or spacing between words (none:
"AmountDue"), OCR letter confusions, and a word prefix of a wording of two or more words when every
wording it starts names one field ("Payment Due" of "Payment Due Date"). Word rules for every
wording: plurals ("Tax Credits", "Subsidies", "Payment(s)"), abbreviations ("Acct No." = "Account
Number"). The longest wording wins where several match at one place.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

VOCABULARY_PATH = Path(__file__).with_name("vocabulary.toml")


@dataclass(frozen=True)
class FieldSpec:
    """One field of the vocabulary: its value type, sign rule ("abs" | "signed") and wordings."""

    name: str
    type: str
    sign: str
    labels: tuple[str, ...]


@dataclass(frozen=True)
class Vocabulary:
    """The compiled vocabulary: the fields, the date formats, one pattern for every label wording and
    one per marker."""

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


def _first_chars(wording: str) -> str:
    """The characters a wording may start with on the page (case and OCR variants)."""
    c = wording.lstrip()[0].lower()
    variants = {c, c.upper()}
    if c in _OCR_LETTER:
        variants |= set(_OCR_LETTER[c].strip("[]")) | {ch.upper() for ch in _OCR_LETTER[c].strip("[]")}
    return "".join(sorted(re.escape(v) for v in variants))


_FLAGS = re.IGNORECASE | re.ASCII


def _alternatives(wordings: list[tuple[str, str | None]]) -> str:
    """Wordings (in priority order, each with a group name or None) -> one search pattern, tried
    only at a word start and, there, only the wordings that can start with that character; the
    wordings that share a first word share its pattern (tried once), and each wording ends in its
    own empty named group, so that the match's ``lastgroup`` names it; the end-of-wording test
    follows the whole alternation once (the compiled pattern is a third the size)."""
    by_head: dict[str, list[str]] = {}
    first_chars: dict[str, str] = {}
    for wording, group in wordings:
        tokens = _TOKEN.findall(wording)
        many = len(tokens) > 1       # a lone plural word ("Payments") is not read in the singular
        pats = [_token_pattern(t, many) for t in tokens]
        rest = "".join(_BETWEEN + p for p in pats[1:]) + (f"(?P<{group}>)" if group else "")
        by_head.setdefault(pats[0], []).append(rest)
        first_chars.setdefault(pats[0], _first_chars(wording))
    by_first: dict[str, list[str]] = {}
    for head, rests in by_head.items():
        by_first.setdefault(first_chars[head], []).append(f"{head}(?:{'|'.join(rests)})")
    # The end of a wording is the same test for all of them, so it is written once, after the
    # alternation: a wording whose end fails there backtracks into the next one, as before.
    return r"(?<![A-Za-z0-9])(?:" + "|".join(
        f"(?=[{fc}])(?:{'|'.join(alts)})" for fc, alts in by_first.items()) + ")" + _WORDING_END


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
    # ASCII case folding: the wordings and the classes around them are ASCII, and Unicode folding
    # makes this one pattern take 3x as long to compile (45 ms against 14 ms, every run).
    label_re = re.compile(_alternatives([(w, g) for g, (_, w) in groups.items()]), _FLAGS)
    markers = {}
    for name, wordings in raw.get("markers", {}).items():
        ws = sorted(wordings, key=len, reverse=True)
        markers[name] = re.compile(_alternatives([(w, None) for w in ws]), _FLAGS)
    return Vocabulary(fields, tuple(raw["date_formats"]), tuple(raw["month_formats"]), label_re,
                      groups, markers, prefixes)
