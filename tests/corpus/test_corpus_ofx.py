"""Every OFX / QFX / QBO file of the shared bank-export corpus -> pass/fail against truth.tsv.

Legitimate files are identified and read exactly (transaction count, the three truth samples, the
investment count in the notes); the broken fixtures are rejected with an InputError that names the
file and what is wrong. Corpus: ../shared/corpus beside the repo (env RECON_CORPUS overrides).
"""
from __future__ import annotations

import pytest

from recon.errors import InputError
from recon.importers.ofx import OfxImporter
from tests.corpus.truth import CORPUS, SKIP, assert_samples_found, cases

OFX_FORMATS = ("ofx", "qfx", "qbo")  # manifest format values: ofx1-sgml, ofx2-xml, qfx, qbo

# What the error for each known broken fixture must mention (README table "The broken fixtures here").
BAD_MESSAGE = {
    "files/jseutter-ofxparse/date_missing.ofx": ["no DTPOSTED", "empty DTPOSTED", "'20120231'"],
    "files/jseutter-ofxparse/decimal_error.ofx": ["TRNAMT '$120'", "DTPOSTED '201120000000'"],
    "files/libofx/heap-buffer-overflow-1.ofx": ["CCSTMTRS", "no BANKTRANLIST"],
    "files/libofx/use-after-free.ofx": ["no <OFX> root"],
    "files/annacruz-ofx/invalid_version.ofx": ["unsupported OFX version 300"],
    "files/eramella-qfxparser/test.qfx": ["TRNAMT '56.77invalid'", "STMTTRN #3"],
}


@pytest.mark.parametrize("manifest, truth", cases(lambda m: m["format"].startswith(OFX_FORMATS)))
def test_corpus_ofx(manifest: dict[str, str] | None, truth: dict[str, str] | None) -> None:
    if manifest is None or truth is None:
        pytest.skip(SKIP)
    rel = manifest["local_path"]
    path = CORPUS / rel
    imp = OfxImporter()
    assert imp.identify(path, path.read_bytes()[:8192]), "not identified as OFX"
    if manifest["expected_ok"] == "bad":
        with pytest.raises(InputError) as exc:
            imp.extract(path, rel)
        msg = str(exc.value)
        assert rel in msg
        for expected in BAD_MESSAGE.get(rel, []):
            assert expected in msg, f"{expected!r} not in error: {msg}"
        assert len(exc.value.message) > 20  # says what is wrong, not only where
        return

    res = imp.extract(path, rel)
    assert res.kind == "ofx"
    assert len(res.records) == int(truth["n_transactions"]), res.notes
    n_inv = int(truth["n_investment"] or 0)
    if n_inv:
        assert any(f"{n_inv} investment transactions not imported" in n for n in res.notes), res.notes
    if truth["notes"].startswith("NO-STATEMENT:"):
        assert any(n.startswith("no statement in file") for n in res.notes), res.notes
    assert_samples_found(truth, res.records)
    for r in res.records:
        assert r.source.path == rel and r.source.line is not None and r.source.line >= 1
        assert not r.amount.is_signed() or r.amount != 0  # no negative zero
