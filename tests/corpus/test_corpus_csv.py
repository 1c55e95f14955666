"""Every CSV in the shared bank-export corpus: legitimate files are identified and read exactly
(transaction count and the three truth samples); the broken fixture is rejected naming the file.

Corpus: ../shared/corpus beside the repo (env RECON_CORPUS overrides).
"""
from __future__ import annotations

import pytest

from recon.errors import InputError
from recon.importers.csv import CsvBankImporter
from tests.corpus.truth import CORPUS, SKIP, assert_samples_found, cases


@pytest.mark.parametrize("manifest, truth", cases(lambda m: m["format"] == "csv"))
def test_corpus_csv(manifest, truth):
    if manifest is None:
        pytest.skip(SKIP)
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
    assert_samples_found(truth, res.records)
    assert all(r.source.path == rel and r.source.line for r in res.records)
