"""The fast label and marker patterns match exactly what the plain patterns match, on every layout."""
from __future__ import annotations

import random
import re
import sys
import tempfile
import tomllib
from pathlib import Path

import pytest
from bill_factories import credit_bill, dental_bill, health_bill

from recon.bills import fields
from recon.bills.fields import VOCABULARY_PATH, load_vocabulary
from recon.bills.render import LAYOUTS, write_bill_pdf
from recon.importers.bill_pdf import BillPdfImporter

FIXTURES = Path(__file__).parent / "fixtures"


def _matches(rx: re.Pattern[str], text: str) -> list[tuple[int, int, str, str | None]]:
    return [(m.start(), m.end(), m.group(0), m.lastgroup) for m in rx.finditer(text)]


def _pairs() -> list[tuple[str, re.Pattern[str], re.Pattern[str]]]:
    """(name, fast pattern, plain pattern) for the labels and every marker of the vocabulary."""
    vocab = load_vocabulary()
    labels = [(wording, g) for g, (_, wording) in vocab.label_of_group.items()]
    out = [("labels", vocab.label_re,
            re.compile(fields._plain_pattern(labels, grouped=True), re.IGNORECASE))]
    with open(VOCABULARY_PATH, "rb") as fh:
        raw = tomllib.load(fh)
    for name, wordings in raw["markers"].items():
        ws = [(w, None) for w in sorted(wordings, key=len, reverse=True)]
        out.append((name, vocab.markers[name],
                    re.compile(fields._plain_pattern(ws, grouped=False), re.IGNORECASE)))
    return out


def _texts() -> list[str]:
    """Fixture pages, rendered pages of every layout, and mutated vocabulary wordings."""
    texts = [p.read_text() for p in sorted(FIXTURES.glob("*.txt"))]
    with tempfile.TemporaryDirectory() as tmp:
        for layout in LAYOUTS:
            f = Path(tmp) / f"{layout}.pdf"
            write_bill_pdf(f, [health_bill(), dental_bill(), credit_bill()], layout=layout)
            pages, _ = BillPdfImporter().read_pages(f.read_bytes(), f.name)
            texts.extend("\n".join(ln.text for ln in p.lines) for p in pages)
    with open(VOCABULARY_PATH, "rb") as fh:
        raw = tomllib.load(fh)
    wordings = [w for spec in raw["fields"].values() for w in spec["labels"]]
    wordings += [w for ws in raw["markers"].values() for w in ws]
    rnd = random.Random(20260101)
    noise = ["", " ", "  ", ":", ": ", "#", ".", "x", "X", "7", "_", "\n", "\t", "(", ")", "-", "\u2019",
             "\u0130", "\u0131", "\u017f", "\u212a", "\u00e9", "$1.00", "712345678"]
    swaps = {"o": "0", "O": "0", "l": "1", "i": "l\u0131", "I": "|\u0130l", "s": "\u017f", "S": "\u017f",
             "k": "\u212a", "K": "\u212a", "'": "\u2019`"}
    for _ in range(3000):
        parts = []
        for _ in range(rnd.randint(1, 4)):
            w = rnd.choice(wordings)
            r = rnd.random()
            if r < 0.2:
                w = w.upper()
            elif r < 0.4:
                w = w.lower()
            elif r < 0.6:
                w = "".join(rnd.choice(swaps[c]) if c in swaps and rnd.random() < 0.4 else c for c in w)
            elif r < 0.7:
                w = w.replace(" ", rnd.choice(["", "  ", "-", "\n", ". "]))
            elif r < 0.8 and len(w) > 3:
                k = rnd.randrange(len(w))
                w = w[:k] + w[k + 1:]
            parts.append(rnd.choice(noise) + w + rnd.choice(noise))
        texts.append(rnd.choice(noise).join(parts))
    return texts


def test_non_ascii_folds_are_every_character_an_ascii_class_matches_ignoring_case() -> None:
    rx = re.compile(r"[A-Za-z0-9#|]", re.IGNORECASE)
    found = "".join(chr(c) for c in range(128, sys.maxunicode + 1) if rx.fullmatch(chr(c)))
    assert found == fields._NON_ASCII_FOLDS


@pytest.mark.parametrize("lines", [False, True], ids=["whole-text", "per-line"])
def test_fast_patterns_match_what_the_plain_patterns_match(lines: bool) -> None:
    texts = _texts()
    if lines:
        texts = [ln for t in texts for ln in t.split("\n")]
    for name, fast, plain in _pairs():
        for t in texts:
            assert _matches(fast, t) == _matches(plain, t), (name, t)


def test_canonical_text_keeps_every_character_a_wording_letter_matches() -> None:
    with open(VOCABULARY_PATH, "rb") as fh:
        raw = tomllib.load(fh)
    wordings = [w for spec in raw["fields"].values() for w in spec["labels"]]
    wordings += [w for ws in raw["markers"].values() for w in ws]
    letters = {c for w in wordings for c in w if c.isascii() and c.isalnum()} | {"#"}
    for c in sorted(letters):
        rx = re.compile(fields._token_pattern(c), re.IGNORECASE)
        for x in fields._LEAD_CANDIDATES:
            if rx.fullmatch(x):
                assert x.translate(fields._CANON) == c.translate(fields._CANON), (c, x)


@pytest.mark.parametrize("chunk", [1, 7, 40])
def test_labels_and_markers_by_first_word_equal_the_line_by_line_search(chunk: int) -> None:
    vocab = load_vocabulary()
    assert vocab.label_starts is not None and all(vocab.marker_starts.values())
    lines = [ln for t in _texts() for ln in t.split("\n")]
    for i in range(0, len(lines), chunk):
        texts = lines[i:i + chunk]
        joined = "\n".join(texts)
        starts = [0]
        for t in texts:
            starts.append(starts[-1] + len(t) + 1)
        canon = joined.translate(fields._CANON)
        assert fields._labels_by_line(texts, joined, canon, starts, vocab) == \
            [fields._labels_in(t, vocab) for t in texts], texts
        for name, rx in vocab.markers.items():
            assert fields._marker_lines(rx, vocab.marker_starts[name], joined, canon, starts) == \
                fields._marker_lines(rx, None, joined, canon, starts), (name, texts)
