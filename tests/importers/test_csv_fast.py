"""The columnar CSV fast path (csv_fast) returns what the per-row reader (read_records) returns.

Every file is read twice: ``CsvBankImporter(fast=True)`` (the fast path wherever it applies, the
per-row reader otherwise) and ``fast=False`` (the per-row reader, the reference). Results must be
equal record by record (plus balances and notes), or both reads must raise the same error.
Inputs: generated Chase-checking and generic files with odd rows mixed in (hypothesis), the shared
corpus (../shared/corpus, skipped when absent), samples/ and tests/importers/profile_samples.
"""
from __future__ import annotations

import os
import pickle
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recon.errors import ReconError
from recon.importers import csv_bank
from recon.importers.columns import RecordColumns
from recon.importers.csv_bank import CsvBankImporter
from tests.corpus.truth import CORPUS, SKIP

REPO = Path(__file__).resolve().parents[2]
CHASE_HEADER = "Details,Posting Date,Description,Amount,Type,Balance,Check or Slip #"


def outcome(path: Path, fast: bool, **kw):
    try:
        res = CsvBankImporter(fast=fast, **kw).extract(path, "acct.csv")
    except ReconError as exc:
        return ("error", type(exc).__name__, str(exc), getattr(exc, "line", None))
    return ("ok", res)


def assert_same(path: Path, **kw) -> object:
    """Both readers agree on ``path``; returns the fast-path outcome."""
    fast, slow = outcome(path, True, **kw), outcome(path, False, **kw)
    assert fast[0] == slow[0], (fast, slow)
    if fast[0] == "error":
        assert fast == slow
        return fast
    a, b = fast[1], slow[1]
    assert a.kind == b.kind
    assert a.notes == b.notes
    assert a.balances == b.balances
    assert len(a.records) == len(b.records)
    assert tuple(a.records) == b.records  # element by element
    assert a == b
    if len(b.records):
        assert a.records[-1] == b.records[-1] and a.records[0] == b.records[0]
        assert a.records[1:3] == b.records[1:3]
    return fast


# ----------------------------------------------------------------------------- generated files

PAYEES = ["ORIG CO NAME:COMMONWEALTH HEA ORIG ID:1043123456 DESC DATE:250122 CO ENTRY DESCR:AUTOPAY   "
          "SEC:PPD TRACE#:0210000210{n:05d}", "MBTA CHARLIE {n:04d} BOSTON MA", "CHECK {n}",
          "CHK #{n}", "  LEADING AND TRAILING  ", "O'BRIEN'S PUB {n}", "'QUOTED IN APOSTROPHES'",
          "TAB\tINSIDE {n}", "NBSP\xa0INSIDE", "CAFÉ RÉSUMÉ {n}", "AMAZON, INC {n}", "", "x",
          "Saldo {n}", "Sum of parts {n}", "Opening hours {n}", "BALANCE TRANSFER {n}",
          "Beginning      balance", "letzter " + " " * 70 + "Kontostand"]


# descriptions that are not balance or totals rows
PLAIN = [p for p in PAYEES if not p.startswith(("Sum", "Beginning", "letzter"))]


def chase_row(rnd: random.Random, i: int, kind: str, payees: list[str] = PAYEES) -> str:
    m, d = 1 + i % 12, 1 + i % 28
    date = f"{m:02d}/{d:02d}/2025"
    desc = rnd.choice(payees).format(n=i)
    amt = rnd.choice(["-37.00", "12.5", "0.00", "-0.00", "1200", "-4.10", "7"])
    bal = rnd.choice(["100.00", "", "99.5"])
    chk = rnd.choice(["", "", "1043", " 1044 "])
    if kind == "odd":
        odd = rnd.choice(["balance", "total", "blank", "header", "pending", "bad_date", "bad_amount",
                          "no_amount", "newline", "doubled_quote", "junk_after_quote", "short",
                          "long", "thousands", "three_decimals", "bad_balance", "ws_line",
                          "lone_quote", "comma_amount", "apostrophe_amount", "empty_date"])
        if odd == "balance":
            desc = rnd.choice(["Beginning balance as of 01/01/2025", "ENDING BALANCE", "Saldo"])
        elif odd == "total":
            desc = rnd.choice(["Totals", "Total debits"])
        elif odd == "blank":
            return ""
        elif odd == "header":
            return CHASE_HEADER
        elif odd == "pending":
            date = "Pending"
        elif odd == "bad_date":
            date = "13/45/2025"
        elif odd == "empty_date":
            date = ""
        elif odd == "bad_amount":
            amt = "12.3.4"
        elif odd == "no_amount":
            amt = ""
        elif odd == "newline":
            desc = "TWO\nLINES"
        elif odd == "doubled_quote":
            desc = 'SAYS ""HI""'
        elif odd == "junk_after_quote":
            return f'DEBIT,{date},"{desc}"x,{amt},ACH_DEBIT,{bal},{chk},'
        elif odd == "short":
            return f"DEBIT,{date},SHORT ROW"
        elif odd == "long":
            return f'DEBIT,{date},"{desc}",{amt},ACH_DEBIT,{bal},{chk},,extra'
        elif odd == "thousands":
            amt = '"-1,234.56"'
        elif odd == "three_decimals":
            amt = "-1.005"
        elif odd == "bad_balance":
            bal = "n/a"
        elif odd == "ws_line":
            return "   "
        elif odd == "lone_quote":
            return f'DEBIT,{date},AB"C,{amt},ACH_DEBIT,{bal},{chk},'
        elif odd == "comma_amount":
            amt = '"12,50"'
        elif odd == "apostrophe_amount":
            amt = "'-5.00"
    q = '"' + desc.replace('"', '""') + '"'
    kind_word = "CREDIT" if not amt.startswith(("-", '"-')) else "DEBIT"
    return f"{kind_word},{date},{q},{amt},ACH_{kind_word},{bal},{chk},"


def write(tmp: Path, lines: list[str], eol: str, final_eol: bool, name: str = "f.csv") -> Path:
    p = tmp / name
    text = eol.join(lines) + (eol if final_eol else "")
    p.write_bytes(text.encode("utf-8"))
    return p


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 60), odd_share=st.sampled_from([0.0, 0.0, 0.05, 0.3]),
       eol=st.sampled_from(["\n", "\r\n"]), final_eol=st.booleans(), preamble=st.booleans())
def test_chase_files_read_alike(tmp_path_factory, seed, n, odd_share, eol, final_eol, preamble):
    rnd = random.Random(seed)
    lines = (["Account activity", ""] if preamble else []) + [CHASE_HEADER]
    lines += [chase_row(rnd, i, "odd" if rnd.random() < odd_share else "clean") for i in range(n)]
    path = write(tmp_path_factory.mktemp("chase"), lines, eol, final_eol)
    assert_same(path)


def test_clean_chase_file_takes_the_fast_path(tmp_path):
    rnd = random.Random(3)
    lines = [CHASE_HEADER] + [chase_row(rnd, i, "clean", PLAIN) for i in range(300)]
    path = write(tmp_path, lines, "\r\n", True)
    got = assert_same(path)
    assert isinstance(got[1].records, RecordColumns)


GENERIC_HEADERS = ["Date,Description,Amount,Balance", "Datum;Omschrijving;Bedrag", "date|memo|amount|status",
                   "Transaction Date\tDescription\tAmount\tCheck Number"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 40), header=st.sampled_from(GENERIC_HEADERS),
       odd=st.booleans())
def test_generic_files_read_alike(tmp_path_factory, seed, n, header, odd):
    rnd = random.Random(seed)
    delim = next(d for d in (";", "|", "\t", ",") if d in header)
    width = header.count(delim) + 1
    lines = [header]
    for i in range(n):
        d = rnd.choice([f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}", f"{1 + i % 28:02d}/{1 + i % 12:02d}/2025"])
        amt = rnd.choice(["-12.50", "8.00", "-0,75" if delim == ";" else "-0.75", "(4.00)", "1.234,50"])
        desc = rnd.choice(PAYEES).format(n=i).replace(delim, " ")
        cells = [d, desc, amt] + [rnd.choice(["", "Pending", "1001", "12.00"]) for _ in range(width - 3)]
        if odd and rnd.random() < 0.2:
            cells[rnd.randrange(width)] = rnd.choice(["", "Totals", "Opening balance", "n/a"])
        lines.append(delim.join(cells))
    path = write(tmp_path_factory.mktemp("generic"), lines, "\n", True)
    assert_same(path)


def test_big_file_default_uses_fast_path(tmp_path, monkeypatch):
    monkeypatch.setattr(csv_bank, "FAST_MIN_BYTES", 1)
    rnd = random.Random(5)
    lines = [CHASE_HEADER] + [chase_row(rnd, i, "clean", PLAIN) for i in range(1500)]
    path = write(tmp_path, lines, "\n", True)
    res = CsvBankImporter().extract(path, "acct.csv")
    assert isinstance(res.records, RecordColumns)
    ref = CsvBankImporter(fast=False).extract(path, "acct.csv")
    fresh = CsvBankImporter().extract(path, "acct.csv").records   # raw column still held
    texts, codes = fresh.distinct_descriptions()
    assert [texts[c] for c in codes] == [r.description for r in ref.records]
    assert res == ref and ref == res and res.records == ref.records and not (res.records != ref.records)
    assert hash(res.records) == hash(ref.records)
    assert pickle.loads(pickle.dumps(res)) == ref
    assert res.records + () == ref.records and () + res.records == ref.records
    assert list(reversed(res.records)) == list(reversed(ref.records))
    assert res.records[-1] == ref.records[-1] and res.records[::7] == ref.records[::7]
    with pytest.raises(IndexError):
        res.records[len(ref.records)]
    cols = res.records
    assert cols.descriptions == [r.description for r in ref.records]
    assert cols.dates == [r.date for r in ref.records]
    assert cols.amounts == [r.amount for r in ref.records]
    assert list(cols.lines) == [r.source.line for r in ref.records]
    texts, codes = cols.distinct_descriptions()
    assert [texts[c] for c in codes] == cols.descriptions


# ----------------------------------------------------------------------------- real files

def _csv_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in (".csv", ".txt", ".tsv"))


@pytest.mark.skipif(not (CORPUS / "files").is_dir(), reason=SKIP)
@pytest.mark.parametrize("path", _csv_files(CORPUS / "files") if (CORPUS / "files").is_dir() else [],
                         ids=lambda p: p.name)
def test_corpus_files_read_alike(path):
    assert_same(path)


LOCAL = _csv_files(REPO / "samples") + _csv_files(REPO / "tests" / "importers" / "profile_samples")


@pytest.mark.parametrize("path", LOCAL, ids=lambda p: p.name)
def test_local_files_read_alike(path):
    if path.name.startswith("check-register"):
        pytest.skip("a check register, not a bank export")
    assert_same(path)


# the 200k-row bench file (the 1M one reads alike too, but takes 15 s); RECON_BENCH_DATA overrides
BENCH = [Path(os.environ.get("RECON_BENCH_DATA") or REPO.parent / "main" / "bench-data") / "org-bank-200000.csv"]


@pytest.mark.skipif(not BENCH[0].exists(), reason="bench-data not generated")
@pytest.mark.parametrize("path", [p for p in BENCH if p.exists()], ids=lambda p: p.name)
def test_bench_files_read_alike(path):
    got = assert_same(path)
    assert isinstance(got[1].records, RecordColumns)
