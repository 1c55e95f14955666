"""AutoPay audit: recon.jobs.autopay.audit on the sample household and on small synthetic cycles; `recon autopay`."""
from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from recon.cli.app import app
from recon.config import AccountConfig, AutopayPeriod, Config, Tolerances
from recon.jobs.autopay import AutopayRow, audit, expected_window, render, to_csv
from tests.conftest import AS_OF, SAMPLES
from tests.scenarios.builder import Scenario

D = Decimal
H = "712345678"
DENTAL = "798765432"


@pytest.fixture(scope="module")
def sample_rows():
    from recon.api import run
    from recon.config import load_config

    cfg = load_config(SAMPLES / "recon.toml")
    return audit(run([SAMPLES], AS_OF, cfg, strict=True), cfg)


def by_month(rows: list[AutopayRow], account: str = H) -> dict[str, AutopayRow]:
    return {r.coverage_month: r for r in rows if r.account == account}


# ------------------------------------------------------------------ the sample household


def test_samples_health_verdicts(sample_rows):
    got = {m: r.verdict for m, r in by_month(sample_rows).items()}
    assert got == {
        "2026-02": "ok", "2026-03": "ok", "2026-04": "ok",
        "2026-05": "wrong amount",        # 2026-04-24 drew 412.00, the bill asked 824.00
        "2026-06": "returned",            # 2026-05-26 draw returned R01
        "2026-07": "ok",                  # drew the 412.00 balance left after the 06-10 payment
        "2026-08": "extra",               # 07-10 manual + 07-24 AutoPay
        "2026-09": "ok",
        "2026-10": "no autopay",          # cancelled 2026-08-31, paid by check 1043
        "2026-11": "after cancellation",  # 2026-10-23 AutoPay after the cancellation
        "2026-12": "no autopay",
    }


def test_samples_row_details(sample_rows):
    rows = by_month(sample_rows)
    wrong = rows["2026-05"]
    assert wrong.bill_id == "b-712345678-2026-05"
    assert wrong.expected_amount == D("824.00") and isinstance(wrong.expected_amount, Decimal)
    assert wrong.window_start == date(2026, 4, 22) and wrong.window_end == date(2026, 4, 27)
    assert [(d, a) for _, d, a in wrong.draws] == [(date(2026, 4, 24), D("412.00"))]
    assert "824.00" in wrong.note
    ret = rows["2026-06"]
    assert (date(2026, 5, 26), D("412.00")) in [(d, a) for _, d, a in ret.draws]
    assert "came back 2026-05-28" in ret.note and "re-paid" in ret.note
    # Memorial Day (2026-05-25) is not a business day: the window runs to the 28th.
    assert ret.window_end == date(2026, 5, 28)
    extra = rows["2026-08"]
    assert [d for _, d, _ in extra.draws] == [date(2026, 7, 10), date(2026, 7, 24)]
    late = rows["2026-11"]
    assert date(2026, 10, 23) in [d for _, d, _ in late.draws]
    assert "cancelled 2026-08-31" in late.note


def test_samples_dental_draw_after_plan_end(sample_rows):
    rows = by_month(sample_rows, DENTAL)
    assert {r.verdict for m, r in rows.items() if m <= "2026-09"} == {"no autopay"}
    orphan = rows["2026-11"]
    assert orphan.verdict == "after plan end" and orphan.bill_id is None and orphan.expected_amount is None
    assert [(d, a) for _, d, a in orphan.draws] == [(date(2026, 10, 14), D("38.50"))]
    assert "2026-09-30" in orphan.note


def test_account_filter(sample_rows):
    from recon.api import run
    from recon.config import load_config

    cfg = load_config(SAMPLES / "recon.toml")
    rows = audit(run([SAMPLES], AS_OF, cfg, strict=True), cfg, account=DENTAL)
    assert rows and {r.account for r in rows} == {DENTAL}


def test_csv_and_table(sample_rows):
    text = to_csv(sample_rows)
    got = list(csv.DictReader(io.StringIO(text)))
    assert len(got) == len(sample_rows)
    row = next(r for r in got if r["coverage_month"] == "2026-05" and r["account"] == H)
    assert row["expected_amount"] == "824.00" and row["verdict"] == "wrong amount"
    assert row["draws"] == "t20260424-41200-1 2026-04-24 412.00"
    table = render(sample_rows)
    assert "Billing account 712345678" in table and "after cancellation" in table
    assert "\033" not in table


# ------------------------------------------------------------------ synthetic cycles


def run_case(text: str, as_of: date, config: Config | None = None) -> list[AutopayRow]:
    s = Scenario(text)
    cfg = config if config is not None else s.config()
    return audit(s.run(as_of, cfg), cfg)


ACCOUNT = "account H 712345678 412.00 subsidized\n"


@pytest.mark.parametrize("events, as_of, month, verdict", [
    ("bills H 2026-01..2026-02\nautopay H 2026-01-23 412.00\nautopay H 2026-02-24 412.00",
     date(2026, 3, 15), "2026-03", "ok"),
    ("bills H 2026-01..2026-02\nautopay H 2026-01-23 412.00\nautopay H 2026-02-24 400.00",
     date(2026, 3, 15), "2026-03", "wrong amount"),
    ("bills H 2026-01..2026-01\nautopay H 2026-01-22 412.00\nautopay H 2026-01-23 412.00",
     date(2026, 2, 15), "2026-02", "extra"),
    ("bills H 2026-01..2026-01\nweb H 2026-01-10 412.00\nautopay H 2026-01-23 412.00",
     date(2026, 2, 15), "2026-02", "extra"),
    (("bills H 2026-01..2026-02\nautopay H 2026-01-23 412.00\nautopay H 2026-02-24 412.00\n"
      "return 2026-02-26 of 2026-02-24"), date(2026, 3, 15), "2026-03", "returned"),
    ("bills H 2026-01..2026-02\nautopay H 2026-01-23 412.00", date(2026, 3, 15), "2026-03", "missing"),
    ("bills H 2026-01..2026-02\nautopay H 2026-01-23 412.00", date(2026, 2, 23), "2026-03", "pending"),
    # Paid by hand before the 22nd: nothing left for AutoPay to draw.
    ("bills H 2026-01..2026-02\nautopay H 2026-01-23 412.00\nweb H 2026-02-10 412.00",
     date(2026, 3, 15), "2026-03", "ok"),
    # Posted two days after the window (01-22..01-27): still that cycle's draw.
    ("bills H 2026-01..2026-01\nautopay H 2026-01-29 412.00", date(2026, 2, 15), "2026-02", "ok"),
])
def test_synthetic_verdicts(events, as_of, month, verdict):
    rows = by_month(run_case(ACCOUNT + events, as_of))
    assert rows[month].verdict == verdict, rows[month]


def test_wrong_amount_row_has_decimal_money():
    rows = by_month(run_case(ACCOUNT + "bills H 2026-01..2026-02\nautopay H 2026-01-23 412.00\n"
                             "autopay H 2026-02-24 400.00", date(2026, 3, 15)))
    r = rows["2026-03"]
    assert r.expected_amount == D("412.00")
    assert all(isinstance(a, Decimal) for _, _, a in r.draws)
    assert "400.00" in r.note and "412.00" in r.note


def test_posted_outside_window_is_noted():
    r = by_month(run_case(ACCOUNT + "bills H 2026-01..2026-01\nautopay H 2026-01-29 412.00",
                          date(2026, 2, 15)))["2026-02"]
    assert "outside the window" in r.note


def test_after_cancellation_per_config():
    cfg = Config(accounts=(AccountConfig(H, autopay=(AutopayPeriod(date(2026, 1, 1), date(2026, 1, 31)),)),))
    rows = by_month(run_case(ACCOUNT + "bills H 2026-01..2026-02\nautopay H 2026-01-23 412.00\n"
                             "autopay H 2026-02-24 412.00", date(2026, 3, 15), cfg))
    assert rows["2026-02"].verdict == "ok"
    assert rows["2026-03"].verdict == "after cancellation"
    assert "cancelled 2026-01-31" in rows["2026-03"].note
    assert "bill still says AutoPay" in rows["2026-03"].note


def test_cancelled_and_not_drawn_is_not_missing():
    cfg = Config(accounts=(AccountConfig(H, autopay=(AutopayPeriod(date(2026, 1, 1), date(2026, 1, 31)),)),))
    rows = by_month(run_case(ACCOUNT + "bills H 2026-01..2026-02\nautopay H 2026-01-23 412.00\n"
                             "web H 2026-02-20 412.00", date(2026, 3, 15), cfg))
    assert rows["2026-03"].verdict == "no autopay"


def test_after_plan_end_without_a_bill():
    cfg = Config(accounts=(AccountConfig(H, plan_end=date(2026, 2, 28), autopay=(AutopayPeriod(None, None),)),))
    rows = by_month(run_case(ACCOUNT + "bills H 2026-01..2026-01\nautopay H 2026-01-23 412.00\n"
                             "autopay H 2026-03-24 412.00", date(2026, 4, 15), cfg))
    assert rows["2026-02"].verdict == "ok"
    late = rows["2026-04"]
    assert late.verdict == "after plan end" and late.bill_id is None and late.expected_amount is None
    assert [d for _, d, _ in late.draws] == [date(2026, 3, 24)]


def test_past_due_payment_after_plan_end_is_fine():
    cfg = Config(accounts=(AccountConfig(H, plan_end=date(2026, 2, 28)),))
    rows = by_month(run_case(ACCOUNT + "bills H 2026-01..2026-01\nweb H 2026-03-05 412.00",
                             date(2026, 4, 15), cfg))
    assert rows["2026-02"].verdict == "no autopay"


def test_after_plan_end_inside_a_billed_cycle():
    cfg = Config(accounts=(AccountConfig(H, plan_end=date(2026, 2, 15), autopay=(AutopayPeriod(None, None),)),))
    rows = by_month(run_case(ACCOUNT + "bills H 2026-01..2026-02\nautopay H 2026-01-23 412.00\n"
                             "autopay H 2026-02-24 412.00", date(2026, 3, 15), cfg))
    assert rows["2026-03"].verdict == "after plan end"


def test_bill_says_autopay_without_config_is_missing_when_not_drawn():
    rows = by_month(run_case(ACCOUNT + "bills H 2026-01..2026-02\nautopay H 2026-01-23 412.00",
                             date(2026, 3, 15), Config()))
    assert rows["2026-03"].verdict == "missing"


def test_no_autopay_account_is_not_judged():
    rows = by_month(run_case(ACCOUNT + "bills H 2026-01..2026-02\nweb H 2026-01-15 412.00\n"
                             "web H 2026-02-15 412.00", date(2026, 3, 15)))
    assert {r.verdict for r in rows.values()} == {"no autopay"}


@pytest.mark.parametrize("bill_month, days, start, end", [
    ((2026, 5), 3, date(2026, 5, 22), date(2026, 5, 28)),    # Memorial Day 05-25
    ((2026, 11), 3, date(2026, 11, 22), date(2026, 11, 27)),  # Sunday 22nd, Thanksgiving 26th
    ((2026, 1), 3, date(2026, 1, 22), date(2026, 1, 27)),
    ((2026, 1), 5, date(2026, 1, 22), date(2026, 1, 29)),     # the tolerance from recon.toml
])
def test_expected_window_uses_fed_business_days(bill_month, days, start, end):
    from recon.model import Bill, Source

    b = Bill(Source("x"), H, date(*bill_month, 1), date(*bill_month, 23), "2026-01", D("412.00"))
    cfg = Config(tolerances=Tolerances(autopay_window_business_days=days))
    assert expected_window(b, cfg) == (start, end)


def test_audit_is_deterministic():
    text = ACCOUNT + "bills H 2026-01..2026-03\nautopay H 2026-01-23 412.00\nweb H 2026-02-10 412.00\n" \
                     "autopay H 2026-02-24 412.00"
    assert run_case(text, date(2026, 4, 1)) == run_case(text, date(2026, 4, 1))


# ------------------------------------------------------------------ the command


def test_autopay_command_prints_table_and_writes_csv(data_dir, tmp_path):
    out = tmp_path / "out"
    r = CliRunner().invoke(app, ["autopay", str(data_dir / "inbox"), "--as-of", "2026-11-23",
                                 "--config", str(data_dir / "recon.toml"), "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert "wrong amount" in r.output and "after cancellation" in r.output
    rows = list(csv.DictReader((out / "autopay.csv").open()))
    assert {"after plan end", "returned", "extra", "wrong amount", "after cancellation"} <= \
        {x["verdict"] for x in rows}


def test_autopay_command_account_option(data_dir, tmp_path):
    out = tmp_path / "out"
    r = CliRunner().invoke(app, ["autopay", str(data_dir / "inbox"), "--as-of", "2026-11-23",
                                 "-c", str(data_dir / "recon.toml"), "--account", DENTAL, "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert {x["account"] for x in csv.DictReader((out / "autopay.csv").open())} == {DENTAL}
    assert H not in r.output


def test_autopay_command_bad_config_exits_2(data_dir, tmp_path):
    cfg = tmp_path / "bad.toml"
    cfg.write_text('[tolerances]\nautopay_window_business_days = "three"\n')
    r = CliRunner().invoke(app, ["autopay", str(data_dir / "inbox"), "-c", str(cfg), "-o", str(tmp_path)])
    assert r.exit_code == 2 and f"{cfg}:2:" in r.output and "autopay_window_business_days" in r.output
