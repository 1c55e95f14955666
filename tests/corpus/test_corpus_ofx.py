"""Every OFX / QFX / QBO file of the shared bank-export corpus -> pass/fail against truth.tsv.

Legitimate files are identified and read exactly (transaction count, the three truth samples, the
investment count in the notes); the broken fixtures are rejected with an InputError that names the
file and what is wrong. Corpus: ../shared/corpus beside the repo (env RECON_CORPUS overrides).
"""
from __future__ import annotations

import csv
import os
import time
from decimal import Decimal
from pathlib import Path

import pytest

from recon.errors import InputError
from recon.importers.ofx import OfxImporter

CORPUS = Path(os.environ.get("RECON_CORPUS") or
              Path(__file__).resolve().parents[2].parent / "shared" / "corpus")
SKIP = "../shared/corpus not found: corpus tests need the shared bank-export corpus beside the repo"
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


def _rows(name: str) -> list[dict[str, str]]:
    with (CORPUS / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))


def _ofx_rows() -> list[tuple[dict[str, str], dict[str, str]]]:
    truth = {r["local_path"]: r for r in _rows("truth.tsv")}
    return [(m, truth[m["local_path"]]) for m in _rows("manifest.tsv")
            if m["format"].startswith(OFX_FORMATS)]


def _cases() -> list:
    if not (CORPUS / "manifest.tsv").exists():
        return [pytest.param(None, None, id="no-corpus")]
    return [pytest.param(m, t, id=m["local_path"].removeprefix("files/")) for m, t in _ofx_rows()]


@pytest.mark.parametrize("manifest, truth", _cases())
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
    for s in ("s1", "s2", "s3"):
        d, a, desc = truth[f"{s}_date"], truth[f"{s}_amount"], truth[f"{s}_desc"]
        if not (d or a or desc):
            continue
        found = [r for r in res.records
                 if (not d or r.date.isoformat() == d)
                 and (not a or r.amount == Decimal(a))
                 and (not desc or desc in r.description or desc in r.payee or desc in r.memo)]
        assert found, f"{s} ({d}, {a}, {desc!r}) not among the records"
    for r in res.records:
        assert r.source.path == rel and r.source.line is not None and r.source.line >= 1
        assert not r.amount.is_signed() or r.amount != 0  # no negative zero


def test_whole_ofx_corpus_is_fast() -> None:
    if not (CORPUS / "manifest.tsv").exists():
        pytest.skip(SKIP)
    rows = _ofx_rows()
    imp = OfxImporter()
    t0 = time.perf_counter()
    for m, _ in rows:
        try:
            imp.extract(CORPUS / m["local_path"], m["local_path"])
        except InputError:
            pass
    elapsed = time.perf_counter() - t0
    assert len(rows) >= 50
    assert elapsed < 2.0, f"{len(rows)} OFX corpus files took {elapsed:.2f} s"
