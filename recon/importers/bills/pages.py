"""The pages of a bill file, as read and as grouped: plain data between the reading steps.

`PageText` is what pdf.py and image.py make of a file (each page's lines, and whether OCR read
it); it is cached as JSON by content hash (`pages_to_json` / `pages_from_json`). `PageFields` is
a page with what the field finder found on it; `BillPages` is the pages of one bill, as grouping.py
puts them together and build.py reads them.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from recon.importers.bills.lines import Found, Line
from recon.model import fast_constructor

CACHE_FORMAT = "bill_pdf/2"     # the cached pages' JSON layout (bump on any change to it or to the lines)


@dataclass
class PageText:
    number: int                  # 1-based
    lines: list[Line]
    ocr: bool = False


@dataclass
class PageFields:
    page: PageText
    found: Found
    coupon_from: int             # first coupon line (len(lines) when none)


@dataclass
class BillPages:
    pages: list[PageFields] = field(default_factory=list)
    key: tuple[Any, Any] | None = None      # (billing account, bill date) of its statement header

    @property
    def has_coupon(self) -> bool:
        return any(p.coupon_from < len(p.page.lines) for p in self.pages)


Flat = tuple[list[tuple[int, bool, list[tuple[str, tuple, tuple]]]], list[str]]


def flatten(pages: list[PageText], notes: list[str]) -> Flat:
    """Pages as plain tuples, to send from the reading child (guard.py): a frozen slots dataclass
    unpickles through Python-level code, tuples at C speed (0.12 against 0.03 ms a bill page)."""
    return [(p.number, p.ocr, [(ln.text, ln.words, ln.cells) for ln in p.lines]) for p in pages], notes


_new_line = fast_constructor(Line)


def unflatten(flat: Flat) -> tuple[list[PageText], list[str]]:
    pages, notes = flat
    return [PageText(n, [_new_line(t, n, w, c) for t, w, c in lines], ocr) for n, ocr, lines in pages], notes


def pages_to_json(pages: list[PageText], notes: list[str]) -> bytes:
    """Pages and their notes -> the cache entry."""
    return json.dumps({
        "version": CACHE_FORMAT,
        "notes": notes,
        "pages": [{"n": p.number, "ocr": p.ocr,
                   "lines": [[ln.text, [list(w) for w in ln.words], [list(c) for c in ln.cells]]
                             for ln in p.lines]} for p in pages],
    }, separators=(",", ":")).encode("utf-8")


def pages_from_json(data: bytes) -> tuple[list[PageText], list[str]]:
    """A cache entry -> pages and notes. Raises ValueError (KeyError, TypeError) when it is unreadable."""
    obj = json.loads(data)
    if obj.get("version") != CACHE_FORMAT:
        raise ValueError("cache version")
    pages = [PageText(p["n"], [Line(t, p["n"], tuple((int(s), int(e), float(c)) for s, e, c in w),
                                    tuple((int(s), int(e), float(a), float(b)) for s, e, a, b in cells))
                               for t, w, cells in p["lines"]], p["ocr"]) for p in obj["pages"]]
    return pages, list(obj["notes"])
