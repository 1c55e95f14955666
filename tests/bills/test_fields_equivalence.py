"""The one-scan field finder gives what the finder before it gave (tests/bills/reference_fields.py):
the same Found (hits, misses, payment items, markers, counts) on fixtures, rendered pages of every
layout, mutated wordings, pages with "|" or lines holding newlines (the fallback paths), and the
same parse_value results."""
from __future__ import annotations

import random
import tempfile
from pathlib import Path

import pytest
import reference_fields as ref
from bill_factories import credit_bill, dental_bill, health_bill
from test_bill_fields import pages_of
from test_fields_regex import _texts

from recon.bills import fields
from recon.bills.fields import Line, find_fields, load_vocabulary
from recon.bills.render import LAYOUTS, write_bill_pdf
from recon.importers.bill_pdf import BillPdfImporter

FIXTURES = Path(__file__).parent / "fixtures"


def _same(lines: list[Line]) -> None:
    vocab = load_vocabulary()
    try:
        want = ref.find_fields(lines, vocab)
    except Exception as exc:  # noqa: BLE001 - the new finder must fail the same way
        with pytest.raises(type(exc)):
            find_fields(lines, vocab)
        return
    got = find_fields(lines, vocab)
    assert got == want, [ln.text for ln in lines]
    assert list(got.hits) == list(want.hits) and list(got.markers) == list(want.markers)


def _rendered_pages() -> list[list[Line]]:
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        for layout in LAYOUTS:
            f = Path(tmp) / f"{layout}.pdf"
            write_bill_pdf(f, [health_bill(), dental_bill(), credit_bill()], layout=layout)
            pages, _ = BillPdfImporter().read_pages(f.read_bytes(), f.name)
            out.extend(p.lines for p in pages)
    return out


def test_fixtures_and_rendered_pages() -> None:
    for p in sorted(FIXTURES.glob("*.txt")):
        text = p.read_text()
        for page in pages_of(text):
            _same(page.lines)
        _same([ln for page in pages_of(text) for ln in page.lines])   # a whole bill at once
    for lines in _rendered_pages():
        _same(lines)


@pytest.mark.parametrize("chunk", [1, 5, 40])
def test_mutated_wordings(chunk: int) -> None:
    lines = [ln for t in _texts() for ln in t.split("\n")]
    for i in range(0, len(lines), chunk):
        _same([Line(t, 1) for t in lines[i:i + chunk]])


def test_fallback_paths_pipe_and_newlines_in_lines() -> None:
    rnd = random.Random(7)
    pages = _rendered_pages() + [p.lines for f in sorted(FIXTURES.glob("*.txt")) for p in pages_of(f.read_text())]
    for lines in pages:
        texts = [ln.text for ln in lines]
        # "|" somewhere (OCR's l/1/I): the per-word-set candidate search
        k = rnd.randrange(len(texts))
        piped = texts[:k] + [texts[k].replace("l", "|", 1) + " |"] + texts[k + 1:]
        _same([Line(t, 1) for t in piped])
        _same([Line(t.replace("i", "|"), 1) for t in texts])
        _same([Line("|" + t.replace(" ", " |", 1), 1) for t in texts])     # "|" right before a label
        # lines holding a newline: the line-by-line search
        merged = texts[:k] + ["\n".join(texts[k:k + 2])] + texts[k + 2:]
        _same([Line(t, 1) for t in merged])
        # non-ASCII text: canon through the str table
        _same([Line(t.replace("e", "\u00e9", 1).replace("s", "\u017f", 1), 1) for t in texts])
    _same([])
    _same([Line("", 1)])


@pytest.mark.parametrize("vtype", ["billing_account", "subscriber_id", "enrollment_id", "money", "date",
                                   "month", "plan", "text", "names"])
def test_parse_value_agrees(vtype: str) -> None:
    vocab = load_vocabulary()
    samples = ["712345678", "7123456789O1", "7l2345678", "RefID_1234567890123", "Ref ID: 1234567",
               "$412.00", "(25.00)", "-$25.00", "412.00 CR", "1,2O0.5O", "12,50", "$", "Sep 1, 2024",
               "Sept. 1, 2024", "09/01/2024", "9/1/24", "2024-09-01", "1 September 2024", "Feb 30, 2024",
               "October 2026", "10/2026", "10/01/2026 - 10/31/2026", "Oct 1, 2026 to Oct 31, 2026",
               "Health", "DENTAL plan", "medical", "Jane Doe, Sam Doe", "Jane; ; Sam", "", "   ", "x"]
    for s in samples:
        for last in (True, False):
            try:
                want = ref.parse_value(vtype, s, vocab, last=last)
            except ref._NoValue:
                with pytest.raises(fields._NoValue):
                    fields.parse_value(vtype, s, vocab, last=last)
                continue
            assert fields.parse_value(vtype, s, vocab, last=last) == want, (vtype, s, last)
    with pytest.raises(ValueError, match="unknown value type"):
        fields.parse_value("colour", "red", vocab)
