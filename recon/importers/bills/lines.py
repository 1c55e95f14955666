"""The text of a bill page as every reading step sees it: lines, their cells, and what was found.

A `Line` is a row of the page; a cell is a run of words without a wide gap (a table cell, a label, a
value), placed on the page for a text layer, or (text fixtures, OCR) the runs of text separated by
two or more spaces, placed by character offset. A `Hit` is one field value read at one place;
`Found` holds everything the field finder read on a page. The helpers place characters on the page.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from recon.model import BillPayment, fast_constructor

Cell = tuple[int, int, float, float]     # (start, end) in the line's text, (x0, x1) on the page

_RUN = re.compile(r"[^ \t]+(?: [^ \t]+)*")         # a cell of text without positions


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
new_line = fast_constructor(Line)
new_hit = fast_constructor(Hit)


@dataclass
class Found:
    """Everything read on one page: the hits per field, the labels whose value did not parse
    (``misses``), the itemised payments (with their line), and the lines of each marker."""

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

    def add(self, h: Hit) -> None:
        """Record a hit (in reading order)."""
        self.hits.setdefault(h.field, []).append(h)
        self.n_hits += 1


def line_cells(line: Line) -> tuple[Cell, ...]:
    """The cells of a line: as placed on the page, or the runs of text between wide gaps."""
    if line.cells:
        return line.cells
    return tuple((m.start(), m.end(), float(m.start()), float(m.end())) for m in _RUN.finditer(line.text))


def cell_at(cells: tuple[Cell, ...], pos: int) -> int:
    """Index of the cell holding character ``pos`` (or the last cell starting before it)."""
    k = bisect.bisect_right([c[0] for c in cells], pos) - 1
    return max(k, 0)


def x_span(cells: tuple[Cell, ...], start: int, end: int) -> tuple[float, float]:
    """Where characters start..end lie on the page (interpolated inside their cell)."""
    if not cells:
        return float(start), float(end)
    c0, c1, x0, x1 = cells[cell_at(cells, start)]
    per = (x1 - x0) / max(c1 - c0, 1)
    return x0 + (start - c0) * per, x0 + (min(end, c1) - c0) * per


def overlap(a: tuple[float, float], b: tuple[float, float]) -> float:
    """How far two horizontal extents overlap (negative: the gap between them)."""
    return min(a[1], b[1]) - max(a[0], b[0])


def trimmed(m: re.Match[str]) -> tuple[int, int]:
    """A match's span without the spaces it may begin or end with."""
    g = m.group(0)
    return m.start() + len(g) - len(g.lstrip()), m.end() - len(g) + len(g.rstrip())
