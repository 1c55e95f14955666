"""The demo household: `recon run samples` finds exactly the planted problems, nothing else."""
from __future__ import annotations

import json
import shutil

import pytest

from recon.api import run
from recon.config import load_config
from recon.report.json_report import dumps, to_dict
from tests.conftest import AS_OF, SAMPLES
from tests.scenarios.builder import assert_every_cent_accounted_for

# (type, billing account, coverage month) for every finding planted in scripts/make_samples.py.
EXPECTED = sorted([
    ("balance_discrepancy", "712345678", "2026-05"),      # 04-01 bill forgets the 03-24 draw (corrected)
    ("balance_discrepancy", "712345678", "2026-12"),      # 11-01 bill forgets check 1051
    ("autopay_amount_mismatch", "712345678", "2026-05"),  # 04-24 draws 412 of 824
    ("returned_payment", "712345678", "2026-06"),         # 05-26 draw returned R01
    ("late_payment", "712345678", "2026-06"),             # re-paid 06-10
    ("duplicate_draw", "712345678", "2026-08"),           # 07-10 manual + 07-24 AutoPay
    ("duplicate_draw", "712345678", "2026-11"),           # check 1051 + 10-23 AutoPay
    ("autopay_after_cancellation", "712345678", "2026-11"),
    ("partial_payment", "798765432", "2026-08"),
    ("unpaid_bill", "798765432", "2026-09"),
    ("coverage_at_risk", "798765432", "2026-08"),
    ("unmatched_charge", "798765432", None),              # dental bill-pay after the plan ended
    ("check_not_cashed", "798765432", None),              # check 1055, memo names the account
], key=str)


@pytest.fixture(scope="module")
def sample_run():
    cfg = load_config(SAMPLES / "recon.toml")
    return run([SAMPLES], AS_OF, cfg, strict=True)


def test_samples_find_exactly_the_planted_findings(sample_run):
    got = sorted(((f.type, f.billing_account, f.coverage_month) for f in sample_run.report.findings), key=str)
    assert got == EXPECTED


def test_every_schema_finding_type_is_planted():
    types = {t for t, _, _ in EXPECTED}
    for t in ("unmatched_charge", "duplicate_draw", "balance_discrepancy", "unpaid_bill", "partial_payment",
              "late_payment", "returned_payment", "autopay_amount_mismatch"):
        assert t in types


def test_sample_report_validates_against_schema(sample_run, validate_report):
    validate_report(to_dict(sample_run.report))


def test_sample_inputs_are_detected_as_their_kinds(sample_run):
    kinds = {i.path.split("/", 1)[1]: (i.kind, i.status) for i in sample_run.report.inputs}
    assert kinds["bank/chase-checking-2026-01-to-09.qfx"] == ("ofx", "ok")
    assert kinds["bank/Chase4913_Activity_20260901_20261122.CSV"] == ("csv", "ok")
    assert kinds["bank/check-register-2026.csv"] == ("check_register", "ok")
    assert kinds["bills/dental-2026-all-bills.pdf"] == ("bill_pdf", "ok")
    assert kinds["bills/health-2026-03.pdf"] == ("bill_pdf", "ok")   # the scanned one
    assert kinds["bills/electric-bill-notes.txt"][1] == "rejected"
    counts = {i.path.split("/", 1)[1]: i.records for i in sample_run.report.inputs}
    assert counts["bills/dental-2026-all-bills.pdf"] == 8
    assert counts["bank/check-register-2026.csv"] == 6


def test_every_cent_of_every_connector_debit_is_accounted_for(sample_run):
    assert_every_cent_accounted_for(sample_run.report)


def test_overlapping_september_is_merged_not_double_counted(sample_run):
    check = [t for t in sample_run.report.transactions if t.check_number == "1043"]
    assert len(check) == 1
    paths = sorted(s.path.rsplit("/", 1)[1] for s in check[0].sources)
    assert paths == ["Chase4913_Activity_20260901_20261122.CSV", "chase-checking-2026-01-to-09.qfx",
                     "check-register-2026.csv"]
    assert check[0].date_written.isoformat() == "2026-09-14"


def test_look_alike_payees_are_not_connector_transactions(sample_run):
    texts = " ".join(t.description for t in sample_run.report.transactions)
    assert "MEMBERPREM" not in texts          # Commonwealth Health Alliance, same 16-character cut
    assert "DELTA DENTAL" not in texts and "COMM OF MASS" not in texts and "COMCAST" not in texts


def test_messages_quote_trace_numbers_for_the_supervisor(sample_run):
    bd = {f.coverage_month: f for f in sample_run.report.findings if f.type == "balance_discrepancy"}
    assert "$412.00 debited 2026-03-24 (trace 021000021" in bd["2026-05"].message
    assert "bill dated 2026-04-01" in bd["2026-05"].message


def test_a_discrepancy_a_later_bill_corrected_is_kept_but_low(sample_run):
    bd = {f.coverage_month: f for f in sample_run.report.findings if f.type == "balance_discrepancy"}
    assert bd["2026-05"].severity == "low"
    assert "The bill dated 2026-05-01 corrected it with an adjustment of -$412.00" in bd["2026-05"].message
    assert bd["2026-12"].severity == "high"
    assert bd["2026-12"].message.startswith("check 1051 for $412.00 written 2026-10-12, cleared 2026-10-16 "
                                            "is missing from payments received on the bill dated 2026-11-01")


def test_report_is_byte_identical_whatever_the_file_order(tmp_path, sample_run):
    cfg = load_config(SAMPLES / "recon.toml")
    files = sorted(p for p in SAMPLES.rglob("*") if p.is_file() and p.name not in ("recon.toml", "calls.jsonl"))
    a = dumps(run(files, AS_OF, cfg, strict=True).report)
    b = dumps(run(list(reversed(files)), AS_OF, cfg, strict=True).report)
    assert a == b == dumps(sample_run.report)


def test_full_bank_account_numbers_never_appear_in_the_report(sample_run):
    text = dumps(sample_run.report)
    assert "000000482913557" not in text and "482913557" not in text
    assert "****3557" in text
    data = json.loads(text)
    assert {b["billing_account"] for b in data["bills"]} == {"712345678", "798765432"}


def test_samples_regenerate_byte_for_byte(tmp_path):
    import subprocess
    import sys

    out = tmp_path / "samples"
    subprocess.run([sys.executable, str(SAMPLES.parent / "scripts" / "make_samples.py"), str(out)],
                   check=True, capture_output=True)
    for p in sorted(SAMPLES.rglob("*")):
        if p.is_file():
            rel = p.relative_to(SAMPLES)
            assert (out / rel).read_bytes() == p.read_bytes(), f"{rel} differs when regenerated"
    assert sorted(q.relative_to(out) for q in out.rglob("*") if q.is_file()) == \
        sorted(q.relative_to(SAMPLES) for q in SAMPLES.rglob("*") if q.is_file())
    shutil.rmtree(out)
