"""The field finder as it was before the one-scan rewrite (perf-bill2), kept as the reference the
new recon.bills.fields.find_fields is compared with (tests/bills/test_fields_equivalence.py).

A verbatim copy of the old finder functions (parse_value, _segment, _value_row, _labels_by_line,
_marker_lines, _candidates, find_fields, _payment_rows); the vocabulary, the value patterns and the
Line/Hit/Found classes are the library's own, so results compare with ==.
"""
from __future__ import annotations

import bisect
import itertools
import re
from datetime import date
from typing import Any

from recon.bills.fields import (
    _CANON,
    _DATE_RE,
    _DIGIT_FIX,
    _ENROLL_RE,
    _ID_TOKEN,
    _MONEY_OCR_RE,
    _MONEY_RE,
    _MONTH_RE,
    _PERIOD_RE,
    _PLAN_RE,
    _ROW_HEADER,
    BILLING_ACCOUNT_RE,
    SUBSCRIBER_ID_RE,
    FieldSpec,
    Found,
    Hit,
    Line,
    Starts,
    Vocabulary,
    _cached_amount,
    _cached_date,
    _labels_in,
    _new_hit,
    load_vocabulary,
)
from recon.dates import month_str
from recon.model import BillPayment
from recon.money import AmountError


class _NoValue(Exception):
    pass


def _identifier(text: str, pattern: re.Pattern[str], ndigits: int) -> tuple[str, int]:
    m = _ID_TOKEN.match(text)
    if not m:
        raise _NoValue
    digits = m.group(0).translate(_DIGIT_FIX)
    if not pattern.match(digits):
        raise _NoValue(f"{m.group(0)!r} is not {ndigits} digits starting with 7")
    return digits, m.end()


def parse_value(vtype: str, text: str, vocab: Vocabulary, *, last: bool = True) -> tuple[Any, int]:
    """Parse a value of ``vtype`` at the start of ``text``; returns (value, characters used).

    ``last``: the value may take the rest of the text (free text); otherwise only a typed token.
    Raises _NoValue when the text does not start with such a value.
    """
    if vtype == "billing_account":
        return _identifier(text, BILLING_ACCOUNT_RE, 9)
    if vtype == "subscriber_id":
        return _identifier(text, SUBSCRIBER_ID_RE, 12)
    if vtype == "enrollment_id":
        m = _ENROLL_RE.match(text)
        if not m:
            raise _NoValue
        return f"RefID_{m.group(1)}", m.end()
    if vtype == "money":
        m = _MONEY_RE.match(text)
        raw = m.group(0) if m else None
        if m is None:
            m = _MONEY_OCR_RE.match(text)
            if not m:
                raise _NoValue
            raw = m.group(0).translate(_DIGIT_FIX)
            raw = re.sub(r",(\d\d)\)?$", r".\1", raw) if "." not in raw else raw
        try:
            return _cached_amount(raw.strip()), m.end()  # type: ignore[union-attr]
        except AmountError as exc:
            raise _NoValue(str(exc)) from exc
    if vtype == "date":
        m = _DATE_RE.match(text)
        if not m:
            raise _NoValue
        try:
            return _cached_date(m.group(0), vocab.date_formats), m.end()
        except ValueError as exc:
            raise _NoValue(str(exc)) from exc
    if vtype == "month":
        m = _PERIOD_RE.match(text)
        if m:
            try:
                a = _cached_date(m.group("a"), vocab.date_formats)
                _cached_date(m.group("b"), vocab.date_formats)
            except ValueError as exc:
                raise _NoValue(str(exc)) from exc
            return month_str(a), m.end()
        m = _MONTH_RE.match(text)
        if not m:
            raise _NoValue
        try:
            d = _cached_date(m.group(0), vocab.month_formats)
        except ValueError as exc:
            raise _NoValue(str(exc)) from exc
        return month_str(d), m.end()
    if vtype == "plan":
        m = _PLAN_RE.match(text)
        if not m:
            raise _NoValue
        word = m.group(1).lower()
        return ("dental" if word == "dental" else "health"), m.end()
    if vtype in ("text", "names"):
        if not last:
            raise _NoValue
        s = text.strip()
        if not s:
            raise _NoValue
        if vtype == "names":
            return tuple(n.strip() for n in re.split(r"[;,]", s) if n.strip()), len(text)
        return s, len(text)
    raise ValueError(f"unknown value type {vtype!r}")


# ---------------------------------------------------------------- the finder

_SEP = " \t:"


def _finish(spec: FieldSpec, value: Any) -> Any:
    if spec.type == "money" and spec.sign == "abs":
        return abs(value)
    return value




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


def _segment(i: int, line: str, vocab: Vocabulary, found: Found,
             labels: list[tuple[int, int, str, str]] | None = None) -> list[tuple[str, str, int, int]]:
    """Accepted labels of one line, as (field, label text, value start); hits recorded on the way.

    Right to left: a label counts when the text up to the next counted label parses for its type,
    or is empty; otherwise its words belong to the value before it. ``labels``: the line's
    _labels_in when already known.
    """
    if labels is None:
        labels = _labels_in(line, vocab)
    accepted: list[tuple[int, int, str, str]] = []
    hits: list[Hit] = []
    end = len(line)
    for k in range(len(labels) - 1, -1, -1):
        start, lend, name, label = labels[k]
        spec = vocab.fields[name]
        seg = line[lend:end]
        lead = len(seg) - len(seg.lstrip(_SEP))
        body = seg.strip(_SEP)
        if not body:
            accepted.append(labels[k])
            end = start
            continue
        try:
            value, used = parse_value(spec.type, body, vocab, last=True)
        except _NoValue:
            if k == 0:
                found.misses.append(_new_hit(name, None, body, i, lend + lead, end, label))
            continue
        vstart = lend + lead
        hits.append(_new_hit(name, _finish(spec, value), body[:used].strip(), i, vstart, vstart + used, label))
        accepted.append(labels[k])
        end = start
    for h in reversed(hits):
        found.hits.setdefault(h.field, []).append(h)
    accepted.reverse()
    found.n_hits += len(hits)
    return [(name, label, lend, start) for (start, lend, name, label) in accepted]


def _value_row(i: int, line: str, specs: list[tuple[str, str]], vocab: Vocabulary, found: Found) -> None:
    """Values for labels printed on the previous line, in the same order, parsed by type."""
    pos = 0
    for k, (name, label) in enumerate(specs):
        spec = vocab.fields[name]
        rest = line[pos:]
        lead = len(rest) - len(rest.lstrip())
        try:
            value, used = parse_value(spec.type, rest.lstrip(), vocab, last=(k == len(specs) - 1))
        except _NoValue:
            return
        start = pos + lead
        found.hits.setdefault(name, []).append(
            _new_hit(name, _finish(spec, value), line[start:start + used].strip(), i, start, start + used, label))
        found.n_hits += 1
        pos = start + used


def find_fields(lines: list[Line], vocab: Vocabulary | None = None) -> Found:
    """Every labelled value, marker and itemised payment in ``lines`` (one bill's text)."""
    vocab = vocab or load_vocabulary()
    found = Found()
    texts = [ln.text for ln in lines]
    # Markers and labels: searched over the whole text (not line by line), mapped back to lines;
    # tried only where a wording's first word starts (in the canonical text) when that is known.
    joined = "\n".join(texts)
    starts = list(itertools.accumulate((len(t) + 1 for t in texts), initial=0))
    canon = joined.translate(_CANON)
    one_line_each = joined.count("\n") == len(texts) - 1 if texts else True
    for mname, rx in vocab.markers.items():
        at = _marker_lines(rx, vocab.marker_starts.get(mname) if one_line_each else None, joined, canon,
                           starts)
        if at:
            found.markers[mname] = at
    by_line = _labels_by_line(texts, joined, canon, starts, vocab) \
        if one_line_each and vocab.label_starts is not None else None
    items_at = set(found.markers.get("payment_items_header", ()))
    pending: list[tuple[str, str]] = []     # labels with empty values on the previous line
    i = 0
    while i < len(texts):
        t = texts[i]
        if i in items_at:
            i = _payment_rows(texts, i + 1, vocab, found)
            pending = []
            continue
        if by_line is not None and not by_line[i]:   # no label on the line: what _segment gives
            if pending:
                _value_row(i, t, pending, vocab, found)
                pending = []
            i += 1
            continue
        before = found.n_hits
        accepted = _segment(i, t, vocab, found, by_line[i] if by_line is not None else None)
        after = found.n_hits
        starts_with_label = bool(accepted) and not t[: accepted[0][3]].strip()
        if pending and not starts_with_label:
            _value_row(i, t, pending, vocab, found)
            pending = []
        elif accepted and after == before:
            pending = [(a[0], a[1]) for a in accepted]
        else:
            pending = []
        i += 1
    return found


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


