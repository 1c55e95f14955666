"""The shared bank-export corpus (../shared/corpus): where it is, its rows, and the truth checks.

Corpus: ../shared/corpus beside the repo (env RECON_CORPUS overrides). Tests skip, saying why,
when it is absent.
"""
from __future__ import annotations

import csv
import os
from decimal import Decimal
from pathlib import Path

import pytest

CORPUS = Path(os.environ.get("RECON_CORPUS") or
              Path(__file__).resolve().parents[2].parent / "shared" / "corpus")
SKIP = "../shared/corpus not found: corpus tests need the shared bank-export corpus beside the repo"


def rows(name: str) -> list[dict[str, str]]:
    """A corpus TSV (manifest.tsv, truth.tsv) as dicts."""
    with (CORPUS / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))


def cases(keep) -> list:
    """pytest params (manifest row, truth row) for the manifest rows ``keep`` accepts."""
    if not (CORPUS / "manifest.tsv").exists():
        return [pytest.param(None, None, id="no-corpus")]
    truth = {r["local_path"]: r for r in rows("truth.tsv")}
    return [pytest.param(m, truth[m["local_path"]], id=m["local_path"].removeprefix("files/"))
            for m in rows("manifest.tsv") if keep(m)]


def assert_samples_found(truth: dict[str, str], records) -> None:
    """Each truth sample (date, decimal amount, description substring) is among the records."""
    for s in ("s1", "s2", "s3"):
        d, a, desc = truth[f"{s}_date"], truth[f"{s}_amount"], truth[f"{s}_desc"]
        if not (d or a or desc):
            continue
        found = [r for r in records
                 if (not d or r.date.isoformat() == d)
                 and (not a or r.amount == Decimal(a))
                 and (not desc or desc in r.description or desc in r.payee or desc in r.memo)]
        assert found, f"{s} ({d}, {a}, {desc!r}) not among the records"
