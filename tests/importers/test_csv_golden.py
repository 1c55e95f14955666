"""Bank CSV quirks against golden outputs frozen beside their inputs.

Input: every ``csv_golden/<case>.csv`` (Chase-checking files with one odd row each: a balance,
totals, blank, repeated-header or pending row, a bad date or amount, a field with a line break,
short and long rows, ...; generic files with four header shapes). Output compared exactly with
``csv_golden/<case>.expected.json`` (records, balances and notes, or the error). Each file is read
twice: as a small file (the per-row reader) and with the columnar kernel allowed on any size, so
the kernel is held to the same frozen output wherever it claims a file.
``pytest --update-golden`` rewrites the expected files for a reviewer to read.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from recon.errors import ReconError
from recon.importers.csv import CsvBankImporter
from recon.importers.csv import importer as csv_importer

CASES = Path(__file__).resolve().parent / "csv_golden"
INPUTS = sorted(CASES.glob("*.csv"))


def outcome(path: Path) -> dict:
    """What the importer makes of ``path``, as plain JSON data."""
    try:
        res = CsvBankImporter().extract(path, path.name)
    except ReconError as exc:
        return {"error": type(exc).__name__, "message": str(exc), "line": getattr(exc, "line", None)}
    return {
        "records": [{"line": r.source.line, "date": r.date.isoformat(), "amount": str(r.amount),
                     "description": r.description, "payee": r.payee, "memo": r.memo,
                     "check_number": r.check_number, "trntype": r.trntype, "account": r.account,
                     "pending": r.pending} for r in res.records],
        "balances": [{"line": b.source.line, "date": b.date.isoformat() if b.date else None, "amount": str(b.amount),
                      "kind": b.kind} for b in res.balances],
        "notes": list(res.notes),
    }


@pytest.mark.parametrize("kernel", ["per_row", "columnar_allowed"])
@pytest.mark.parametrize("path", INPUTS, ids=lambda p: p.stem)
def test_csv_golden(path, kernel, monkeypatch, update_golden):
    if kernel == "columnar_allowed":
        monkeypatch.setattr(csv_importer, "FAST_MIN_BYTES", 1)
    got = json.dumps(outcome(path), sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    expected = path.with_suffix(".expected.json")
    if update_golden and kernel == "per_row":
        expected.write_text(got, encoding="utf-8")
    assert got == expected.read_text(encoding="utf-8")


def test_clean_file_is_read_by_the_columnar_kernel(monkeypatch):
    from recon.importers.csv.columns import RecordColumns

    monkeypatch.setattr(csv_importer, "FAST_MIN_BYTES", 1)
    res = CsvBankImporter().extract(CASES / "chase_clean.csv", "chase_clean.csv")
    assert isinstance(res.records, RecordColumns)
