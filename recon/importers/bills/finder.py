"""A bill page's lines -> labelled field values, through the label vocabulary (vocabulary.py).

Input: the lines of one bill page (`Line`: text, the 1-based page, for OCR'd text the character
span and confidence of every word, and for a text layer the cells of the row with their horizontal
extent on the page). Output: `Found`, holding for every field each place a label was paired with a
value that parses for the field's type (`Hit`, in reading order), the labels whose value did not
parse (`misses`, for diagnostics), the itemised payments, and which markers (Connector name,
statement header, coupon, AutoPay wording) occur.

Steps: markers and labels are found in the page's text at once (one pattern each), then each line
is read top to bottom: payment tables and ledgers (tables.py), then the values of the line's labels.
How a label is paired with its value, in the order tried:
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

A current-bill label qualified by "previous", "prior" or "last" ("Previous Amount Due", "Amount Due
from Prior Bill") is an earlier bill's figure: an amount due so qualified is the previous balance,
the others are not read. A payment-list heading ("Payments Applied") stands alone on its row; beside
an amount it is a summary line. Rows of a label that is no wording and an amount ("Reinstatement
Charge   30.00") are kept in ``Found.unread_money``.

Pure functions of text and positions: no PDF library here, so bill parsing is tested on text.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Any

from recon.importers.bills.lines import (
    Cell,
    Found,
    Hit,
    Line,
    cell_at,
    line_cells,
    new_hit,
    overlap,
    trimmed,
    x_span,
)
from recon.importers.bills.tables import payment_rows, table_header, unlabelled_amounts
from recon.importers.bills.values import DATE_RE, MONEY_RE, Parser, parser_for
from recon.importers.bills.vocabulary import Vocabulary, load_vocabulary

Label = tuple[int, int, str, str]      # (start, end) of the label in its line, field, label as printed
FieldInfo = dict[str, tuple[Parser, bool, str]]    # field -> (parser, store the magnitude, value type)

_SEP = " \t:"
_WORDS_ONLY = re.compile(r"[^\d$()]*(?:\b\d{1,4}\b[^\d$()]*)*")   # words (and a year) between label and value
_TYPED_END = {"money", "date"}                      # types read as the last value of a row part
# Fields of the current bill only: a label for one of them qualified by "previous", "prior", "last"
# or "past" names a figure of an earlier bill.
_CURRENT_ONLY = frozenset({"amount_due", "due_date", "bill_date", "coverage_month", "premium", "tax_credit",
                           "state_subsidy", "subsidy_total", "current_charges"})
_QUALIFIER = r"(?:previous|prior|last|past)"
_QUALIFIED_BEFORE = re.compile(r"\b" + _QUALIFIER + r"\b(?:\W+[A-Za-z'’]+){0,2}\W*$", re.IGNORECASE)
_QUALIFIED_AFTER = re.compile(r"\b(?:previous|prior|last)\b", re.IGNORECASE)
_HAS_CENTS = re.compile(r"\d[.,]\d\d")


@dataclass
class _Pending:
    field: str
    label: str
    cell: int                     # cell index of the label on its line
    x: tuple[float, float]


def find_fields(lines: list[Line], vocab: Vocabulary | None = None) -> Found:
    """Every labelled value, marker and itemised payment in ``lines`` (one page, or one bill's text)."""
    vocab = vocab or load_vocabulary()
    found = Found()
    texts = [ln.text for ln in lines]
    joined = "\n".join(texts)
    starts = [0]                          # where each line starts in ``joined``
    for t in texts:
        starts.append(starts[-1] + len(t) + 1)
    cells_of = [line_cells(ln) for ln in lines]
    found.markers = _find_markers(joined, starts, vocab)
    labels_of = _find_labels(joined, starts, texts, cells_of, vocab)
    _read_lines(lines, texts, cells_of, labels_of, vocab, found)
    return found


def _find_markers(joined: str, starts: list[int], vocab: Vocabulary) -> dict[str, list[int]]:
    """Marker name -> the lines where it occurs (only the markers that do)."""
    markers: dict[str, list[int]] = {}
    for mname, rx in vocab.markers.items():
        at: list[int] = []
        for m in rx.finditer(joined):
            i = bisect.bisect_right(starts, m.start()) - 1
            if not at or at[-1] != i:
                at.append(i)
        if at:
            markers[mname] = at
    return markers


def _find_labels(joined: str, starts: list[int], texts: list[str], cells_of: list[tuple[Cell, ...]],
                 vocab: Vocabulary) -> list[list[Label]]:
    """The labels of each line, left to right: a shortened wording only where it starts a cell or
    ends in a colon; a current-bill label qualified by "previous/prior/last" renamed or dropped."""
    by_line: list[list[Label]] = [[] for _ in texts]
    of_group = vocab.label_of_group
    for m in vocab.label_re.finditer(joined):
        i = bisect.bisect_right(starts, m.start()) - 1
        base = starts[i]
        if m.lastgroup in vocab.prefix_groups and not m.group(0).rstrip().endswith(":"):
            # a shortened wording is a label only where it starts a cell or ends in a colon
            cells = cells_of[i]
            if not cells or cells[cell_at(cells, m.start() - base)][0] != m.start() - base:
                continue
        name = of_group[m.lastgroup][0]  # type: ignore[index]
        at = m.start() - base
        label = m.group(0).strip()
        if name in _CURRENT_ONLY:
            cells = cells_of[i]
            cell0 = cells[cell_at(cells, at)][0] if cells else 0
            q = _QUALIFIED_BEFORE.search(texts[i], min(cell0, at), at)
            if q:           # "Previous Amount Due": the label as printed starts at its qualifier
                name = _qualified(name)
                if name is None:
                    continue
                at = q.start()
                label = texts[i][at:m.end() - base].strip()
        by_line[i].append((at, m.end() - base, name, label))
    return by_line


def _read_lines(lines: list[Line], texts: list[str], cells_of: list[tuple[Cell, ...]],
                labels_of: list[list[Label]], vocab: Vocabulary, found: Found) -> None:
    """Each line top to bottom: values for the labels of the line above, payment tables and ledgers,
    the values of the line's own labels, and amount lines of no known label."""
    info = _field_info(vocab)
    items_at = set(found.markers.get("payment_items_header", ()))
    skip: set[int] = set()
    balance_col: tuple[float, float] | None = None
    pending: list[_Pending] = []
    pending_line = -1
    for i, t in enumerate(texts):
        cells = cells_of[i]
        labels = labels_of[i]
        below = found.n_hits
        if pending and pending_line == i - 1 and not (labels and not t[:labels[0][0]].strip()):
            _below(i, t, cells, pending, vocab, info, found)
        below = found.n_hits - below       # values read on this line for the labels above it
        pending = []
        if i in skip:
            continue
        if i in items_at and len(cells) == 1 and not _HAS_CENTS.search(t):
            # a heading stands alone on its row: "Payments Applied   (412.00)" is a summary line
            skip |= payment_rows(lines, cells_of, i + 1, vocab, found, listed=True)
            continue
        header = table_header(t, cells)
        if header is not None:
            balance_col = header[1]
            if header[0] is not None:        # a heading's words ("Payments") are column names, not labels
                skip |= payment_rows(lines, cells_of, i, vocab, found, listed=False)
                continue
        if not labels:
            if not below and _HAS_CENTS.search(t):
                unlabelled_amounts(i, t, cells, len(cells), found)
            continue
        pending = _read_line(i, t, cells, labels, vocab, info, found, balance_col)
        pending_line = i
        if labels[0][0] and not below and _HAS_CENTS.search(t, 0, labels[0][0]):
            unlabelled_amounts(i, t, cells, cell_at(cells, labels[0][0]), found)


def _qualified(name: str) -> str | None:
    """What a current-bill label qualified by "previous/prior/last" stands for: the previous amount
    due is the previous balance; other figures of an earlier bill are not read."""
    return "previous_balance" if name == "amount_due" else None


def _field_info(vocab: Vocabulary) -> FieldInfo:
    """Field -> (its value parser, whether the magnitude is stored, its value type)."""
    return {name: (parser_for(spec.type), spec.type == "money" and spec.sign == "abs", spec.type)
            for name, spec in vocab.fields.items()}


def _read_line(i: int, t: str, cells: tuple[Cell, ...], labels: list[Label],
               vocab: Vocabulary, info: FieldInfo, found: Found,
               balance_col: tuple[float, float] | None) -> list[_Pending]:
    """The values of one line's labels; returns the labels left without a value (for the line below)."""
    groups = _row_parts(labels, cells)
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
            ci = cell_at(cells, start) if cells else 0
            parse, magnitude, vtype = info[name]
            if not body and g == 0 and k == 0 and start and vtype not in ("text", "names"):
                first = _value_before(i, t, start, name, label, parse, magnitude, vocab)
                if first is not None:
                    new.append(first)
                    continue
            if not body:
                pending.append(_Pending(name, label, ci, x_span(cells, start, lend)))
                end = start
                continue
            if vtype in ("text", "names") and cells:     # free text: the value's own cell
                vc = cells[cell_at(cells, vstart)]
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
                            pending.append(_Pending(name, label, ci, x_span(cells, start, lend)))
                        elif (not cells or cells[ci][0] == start) and _unreadable_value(label, body):
                            found.misses.append(new_hit(name, None, body, i, vstart, end, label))
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
            new.append(new_hit(name, abs(value) if magnitude else value, t[vs:ve].strip(), i, vs, ve, label))
            end = start
    for h in sorted(new, key=lambda h: h.start):
        found.add(h)
    if new and pending and len({p.cell for p in pending}) < len(pending):
        return []           # values on the line and several labels in one cell: no row below to pair
    return sorted(pending, key=lambda p: p.x[0])


def _row_parts(labels: list[Label], cells: tuple[Cell, ...]) -> list[list[Label]]:
    """A line's labels in parts of the row: a label that begins its cell starts a part; the other
    labels of a part count only when the text up to the next counted label parses for their type
    (decided right to left by _read_line)."""
    groups: list[list[Label]] = []
    for lab in labels:
        c = cells[cell_at(cells, lab[0])] if cells else None
        if not groups or (c is not None and c[0] == lab[0]):
            groups.append([lab])
        else:
            groups[-1].append(lab)
    return groups


def _value_before(i: int, t: str, start: int, name: str, label: str, parse: Parser, magnitude: bool,
                  vocab: Vocabulary) -> Hit | None:
    """The value first, the label after it at the end of the row: "$437.00   Amount Due"; None when
    the text before the label is not exactly one such value."""
    lead = t[:start].rstrip()
    vs = len(lead) - len(lead.lstrip())
    got = parse(lead[vs:], vocab, False)
    if got is None or vs + got[1] != len(lead):
        return None
    value = got[0]
    return new_hit(name, abs(value) if magnitude else value, lead[vs:], i, vs, len(lead), label)


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
    rx = MONEY_RE if vtype == "money" else DATE_RE
    ms = list(rx.finditer(body))
    if not ms or body[ms[-1].end():].strip():
        return None
    if balance_col is not None and cells and len(ms) > 1:
        inside = [m for m in ms
                  if overlap(x_span(cells, *(vstart + x for x in trimmed(m))), balance_col) > 0]
        if inside and len(inside) < len(ms):
            ms = [m for m in ms if m not in inside]
    at = trimmed(ms[-1])[0]
    between = body[:at]
    if rx.search(between) or len(between.split()) > 8:
        return None
    if vtype == "money" and not _WORDS_ONLY.fullmatch(between):
        return None
    got = parse(body[at:], vocab, False)
    if got is None:
        return None
    return got[0], vstart + at, vstart + at + got[1]


def _below(i: int, t: str, cells: tuple[Cell, ...], pending: list[_Pending], vocab: Vocabulary,
           info: FieldInfo, found: Found) -> None:
    """Values on line ``i`` for the labels of the line above: the cell under each label, or, for
    several labels in one cell (no positions), the values in the same order."""
    if len({p.cell for p in pending}) < len(pending):
        _value_row(i, t, [(p.field, p.label) for p in pending], vocab, info, found)
        return
    used: set[int] = set()
    for p in pending:
        best, score = None, 0.0
        for k, c in enumerate(cells):
            ov = overlap(p.x, (c[2], c[3]))
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
        found.add(new_hit(p.field, abs(value) if magnitude else value, t[c0:c0 + n_used].strip(), i, c0,
                             c0 + n_used, p.label))


def _value_row(i: int, line: str, specs: list[tuple[str, str]], vocab: Vocabulary,
               info: FieldInfo, found: Found) -> int:
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
        found.add(new_hit(name, abs(value) if magnitude else value, line[start:start + used].strip(), i, start,
                             start + used, label))
        pos = start + used
    return len(specs)
