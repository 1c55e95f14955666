"""Every CSV in the shared bank-export corpus: legitimate files are identified and read exactly
(transaction count and the three truth samples); the broken fixture is rejected naming the file.

Corpus: ../shared/corpus beside the repo (env RECON_CORPUS overrides).
"""
from __future__ import annotations

import csv
import os
from decimal import Decimal
from pathlib import Path

import pytest

from recon.errors import InputError
from recon.importers.csv_bank import CsvBankImporter

CORPUS = Path(os.environ.get("RECON_CORPUS") or
              Path(__file__).resolve().parents[2].parent / "shared" / "corpus")


def _rows(name: str) -> list[dict[str, str]]:
    with (CORPUS / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))


def _cases() -> list:
    if not (CORPUS / "manifest.tsv").exists():
        return [pytest.param(None, None, id="no-corpus")]
    truth = {r["local_path"]: r for r in _rows("truth.tsv")}
    return [pytest.param(m, truth[m["local_path"]], id=m["local_path"].removeprefix("files/"))
            for m in _rows("manifest.tsv") if m["format"] == "csv"]


@pytest.mark.parametrize("manifest, truth", _cases())
def test_corpus_csv(manifest, truth):
    if manifest is None:
        pytest.skip("../shared/corpus not found: corpus tests need the shared bank-export corpus "
                    "beside the repo")
    rel = manifest["local_path"]
    path = CORPUS / rel
    imp = CsvBankImporter()
    if manifest["expected_ok"] == "bad":
        with pytest.raises(InputError) as exc:
            imp.extract(path, rel)
        assert rel in str(exc.value)
        assert exc.value.line is not None
        return
    assert imp.identify(path, path.read_bytes()[:8192]), "not identified as a bank CSV"
    res = imp.extract(path, rel)
    assert len(res.records) == int(truth["n_transactions"]), res.notes
    for s in ("s1", "s2", "s3"):
        d, a, desc = truth[f"{s}_date"], truth[f"{s}_amount"], truth[f"{s}_desc"]
        if not (d or a or desc):
            continue
        found = [r for r in res.records
                 if (not d or r.date.isoformat() == d)
                 and (not a or r.amount == Decimal(a))
                 and (not desc or desc in r.description or desc in r.payee or desc in r.memo)]
        assert found, f"{s} ({d}, {a}, {desc!r}) not among the records"
    assert all(r.source.path == rel and r.source.line for r in res.records)
