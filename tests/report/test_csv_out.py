"""findings.csv, ledger.csv, matches.csv from the sample household: shape, money, masking, determinism."""
from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

from recon.report.csv_out import write_outputs
from tests.report.conftest import DENTAL, FULL_BANK_ACCOUNT, HEALTH

MONEY = re.compile(r"^-?\d+\.\d{2}$")


def _rows(path):
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def test_writes_three_csvs(sample_result, tmp_path):
    paths = write_outputs(sample_result.report, tmp_path)
    assert [p.name for p in paths] == ["findings.csv", "ledger.csv", "matches.csv"]
    assert all(p.exists() for p in paths)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")], "temporary files left behind"


def test_csvs_are_byte_identical_across_runs(sample_result, tmp_path):
    a = write_outputs(sample_result.report, tmp_path / "a")
    b = write_outputs(sample_result.report, tmp_path / "b")
    for x, y in zip(a, b):
        assert x.read_bytes() == y.read_bytes(), x.name


def test_ledger_has_a_row_per_bill_with_its_payments(sample_result, tmp_path):
    write_outputs(sample_result.report, tmp_path)
    rows = _rows(tmp_path / "ledger.csv")
    r = sample_result.report
    assert [row["bill_id"] for row in rows] == sorted(
        (ref.id for ref in r.bills), key=lambda i: (i.split("-")[1], i.split("-", 2)[2]))
    assert {row["billing_account"] for row in rows} == {HEALTH, DENTAL}
    for row in rows:
        for col in ("amount_due", "billed", "paid", "paid_on_time", "paid_late"):
            assert MONEY.match(row[col]), (col, row[col])
        assert int(row["payment_count"]) == len([p for p in row["payments"].split(" | ") if p])
        assert ".pdf page " in row["bill_source"]
    # paid on the ledger = the allocations to that bill
    by_bill: dict[str, Decimal] = {}
    for a in r.matches:
        by_bill[a.bill_id] = by_bill.get(a.bill_id, Decimal(0)) + a.amount
    for row in rows:
        assert Decimal(row["paid"]) == by_bill.get(row["bill_id"], Decimal(0)), row["bill_id"]
    april = next(row for row in rows if row["bill_id"] == f"b-{HEALTH}-2026-04")
    assert "2026-03-24 412.00 AutoPay trace 021000021000006" in april["payments"]
    assert "FITID" in april["payments"]
    oct_ = next(row for row in rows if row["bill_id"] == f"b-{HEALTH}-2026-10")
    assert "check #1043" in oct_["payments"] and "check-register-2026.csv line" in oct_["payments"]
    assert next(row for row in rows if row["bill_id"] == f"b-{DENTAL}-2026-09")["status"] == "unpaid"


def test_matches_one_row_per_allocation(sample_result, tmp_path):
    write_outputs(sample_result.report, tmp_path)
    rows = _rows(tmp_path / "matches.csv")
    assert len(rows) == len(sample_result.report.matches)
    for row in rows:
        assert MONEY.match(row["amount"]) and MONEY.match(row["transaction_amount"])
        assert re.match(r"^\d\.\d{2}$", row["confidence"])
        assert row["method"] in ("AutoPay", "online", "check")
        assert row["sources"]
    split = [row for row in rows if row["transaction_amount"] == "-450.50"]
    assert sorted(row["billing_account"] for row in split) == [HEALTH, DENTAL]
    assert sum(Decimal(row["amount"]) for row in split) == Decimal("450.50")


def test_findings_with_evidence(sample_result, tmp_path):
    write_outputs(sample_result.report, tmp_path)
    rows = _rows(tmp_path / "findings.csv")
    assert len(rows) == len(sample_result.report.findings)
    assert {row["type"] for row in rows} >= {"balance_discrepancy", "duplicate_draw", "unpaid_bill",
                                             "unmatched_charge", "returned_payment", "late_payment"}
    for row in rows:
        assert row["amount"] == "" or MONEY.match(row["amount"])
    bd = next(row for row in rows if row["type"] == "balance_discrepancy" and row["severity"] == "high")
    assert "check #1051" in bd["evidence"]
    assert "samples/bank/check-register-2026.csv line 5" in bd["evidence"]
    assert "samples/bills/health-2026-11.pdf page 1" in bd["evidence"]
    low = next(row for row in rows if row["type"] == "balance_discrepancy" and row["severity"] == "low"
               and row["coverage_month"] == "2026-05")
    assert "FITID 2026032400054" in low["evidence"]
    assert "samples/bills/health-2026-04.pdf page 1" in low["evidence"]


def test_bank_account_masked_billing_accounts_in_full(sample_result, tmp_path):
    for p in write_outputs(sample_result.report, tmp_path):
        text = p.read_text(encoding="utf-8")
        assert FULL_BANK_ACCOUNT not in text and FULL_BANK_ACCOUNT.lstrip("0") not in text, p.name
        if p.name != "findings.csv":
            assert "****3557" in text, p.name
        assert HEALTH in text and DENTAL in text, p.name


def test_formula_like_text_is_defused():
    from recon.report.csv_out import _cell

    assert _cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert _cell("@SUM") == "'@SUM"
    assert _cell("-412.00") == "-412.00"          # money stays a number
    assert _cell("-cmd") == "'-cmd"
    assert _cell(None) == ""


def test_findings_csv_amounts_are_sizes_with_a_direction_in_words(sample_result, tmp_path):
    import csv

    from recon.report.csv_out import write_outputs as write_csvs

    write_csvs(sample_result.report, tmp_path)
    with open(tmp_path / "findings.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    by_id = {(f.type, f.coverage_month, " ".join(f.transaction_ids)): f for f in sample_result.report.findings}
    for row in rows:
        f = by_id[(row["type"], row["coverage_month"] or None, row["transaction_ids"])]
        if f.amount is None or f.amount == 0:
            continue
        assert not row["amount"].startswith("-") and row["direction"]
        if f.type == "autopay_amount_mismatch":
            assert row["direction"] == ("AutoPay drew more than due" if f.amount > 0 else "AutoPay drew less than due")
