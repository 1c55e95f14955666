"""RecordColumns (the columnar kernel's records) behaves like the tuple of its records.

Input: csv_golden/chase_clean.csv read with the columnar kernel allowed. Output checked: the
records match the frozen golden output; sequence behaviour (len, indexing, slices, reversed,
``==``/``hash`` with a tuple, ``+``, pickling to a tuple) and the cheap columns (lines, dates,
amounts, descriptions, distinct_descriptions) agree with the records they stand for.
"""
from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest

from recon.importers.csv import CsvBankImporter
from recon.importers.csv import importer as csv_importer
from recon.importers.csv.columns import RecordColumns

CASE = Path(__file__).resolve().parent / "csv_golden" / "chase_clean.csv"


@pytest.fixture
def cols(monkeypatch) -> RecordColumns:
    monkeypatch.setattr(csv_importer, "FAST_MIN_BYTES", 1)
    res = CsvBankImporter().extract(CASE, CASE.name)
    assert isinstance(res.records, RecordColumns)
    return res.records


def test_records_match_the_golden_output(cols):
    golden = json.loads(CASE.with_suffix(".expected.json").read_text(encoding="utf-8"))["records"]
    assert [(r.source.line, r.date.isoformat(), str(r.amount), r.description, r.check_number)
            for r in cols] == [(g["line"], g["date"], g["amount"], g["description"], g["check_number"])
                               for g in golden]


def test_distinct_descriptions_before_and_after_the_column_is_built(cols):
    texts, codes = cols.distinct_descriptions()          # from the raw column
    assert [texts[c] for c in codes] == [r.description for r in cols]
    texts, codes = cols.distinct_descriptions()          # from the built descriptions
    assert [texts[c] for c in codes] == cols.descriptions


def test_behaves_like_the_tuple_of_its_records(cols):
    ref = tuple(cols)
    assert len(cols) == len(ref) == 300
    assert cols == ref and ref == cols and not (cols != ref)
    assert hash(cols) == hash(ref)
    assert pickle.loads(pickle.dumps(cols)) == ref
    assert cols + () == ref and () + cols == ref
    assert list(reversed(cols)) == list(reversed(ref))
    assert cols[-1] == ref[-1] and cols[0] == ref[0] and cols[::7] == ref[::7] and cols[1:3] == ref[1:3]
    with pytest.raises(IndexError):
        cols[len(ref)]
    assert cols.dates == [r.date for r in ref]
    assert cols.amounts == [r.amount for r in ref]
    assert list(cols.lines) == [r.source.line for r in ref]
    assert cols.descriptions == [r.description for r in ref]
