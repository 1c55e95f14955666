"""`recon batch DATA_DIR`: dated reports, changes since the last run, exit codes, lock, atomic writes, log."""
from __future__ import annotations

import json
import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from recon.cli.app import app

runner = CliRunner()


def batch(data_dir: Path, as_of: str, *extra: str):
    return runner.invoke(app, ["batch", str(data_dir), "--as-of", as_of, *extra])


def test_first_run_writes_dated_folder_and_exits_1_for_high_findings(data_dir, validate_report):
    r = batch(data_dir, "2026-11-23")
    assert r.exit_code == 1, r.output
    folder = data_dir / "reports" / "2026-11-23"
    for name in ("report.json", "summary.txt", "changes.txt", "changes.json", "autopay.csv"):
        assert (folder / name).is_file(), name
    data = json.loads((folder / "report.json").read_text())
    validate_report(data)
    assert data["as_of"] == "2026-11-23"
    assert "Billing account 712345678" in (folder / "summary.txt").read_text()
    changes = json.loads((folder / "changes.json").read_text())
    assert changes["previous"] is None and changes["needs_attention"] and changes["exit_code"] == 1
    assert len(changes["new_findings"]) == len(data["findings"])
    assert "first run" in r.output and "Needs attention" in r.output
    assert (folder / "changes.txt").read_text() in r.output
    assert (data_dir / "reports" / "latest").resolve() == folder.resolve()
    assert not [p for p in (data_dir / "reports").iterdir() if p.name.startswith(".")]


def test_second_run_reports_only_what_changed(data_dir):
    # October: the inbox holds only what had arrived by then (no November bill, no check 1055).
    bank_csv = data_dir / "inbox" / "bank" / "Chase4913_Activity_20260901_20261122.CSV"
    nov_bill = data_dir / "inbox" / "bills" / "health-2026-11.pdf"
    held = data_dir / "held"
    held.mkdir()
    shutil.move(bank_csv, held / bank_csv.name)
    shutil.move(nov_bill, held / nov_bill.name)
    first = batch(data_dir, "2026-10-05")
    assert first.exit_code == 1, first.output
    # November: the new exports and bill arrive.
    shutil.move(held / bank_csv.name, bank_csv)
    shutil.move(held / nov_bill.name, nov_bill)
    second = batch(data_dir, "2026-11-23")
    assert second.exit_code == 1, second.output       # the 10-23 AutoPay after cancellation is new, high
    ch = json.loads((data_dir / "reports" / "2026-11-23" / "changes.json").read_text())
    assert ch["previous"] == "2026-10-05"
    new = {(f["type"], f["coverage_month"]) for f in ch["new_findings"]}
    assert ("autopay_after_cancellation", "2026-11") in new
    assert ("check_not_cashed", None) in new
    assert ("partial_payment", "2026-08") not in new          # already reported in October
    new_dates = {p["date"] for p in ch["new_payments"]}
    assert {"2026-10-14", "2026-10-16", "2026-10-23"} <= new_dates
    assert "2026-06-10" not in new_dates
    text = (data_dir / "reports" / "2026-11-23" / "changes.txt").read_text()
    assert "since the last run (2026-10-05)" in text
    assert "autopay_after_cancellation" in text


def test_nothing_new_exits_0_and_resolved_findings_are_listed(data_dir):
    assert batch(data_dir, "2026-11-23").exit_code == 1
    again = batch(data_dir, "2026-11-24")
    assert again.exit_code == 0, again.output
    assert "Nothing new needs attention" in again.output
    # Taking the check register out of the inbox resolves the check-not-cashed finding.
    (data_dir / "inbox" / "bank" / "check-register-2026.csv").unlink()
    third = batch(data_dir, "2026-11-25")
    ch = json.loads((data_dir / "reports" / "2026-11-25" / "changes.json").read_text())
    assert any(f["type"] == "check_not_cashed" for f in ch["resolved_findings"])
    assert "Resolved findings (" in third.output


def test_quiet_prints_nothing_when_nothing_new(data_dir):
    batch(data_dir, "2026-11-23")
    r = batch(data_dir, "2026-11-24", "--quiet")
    assert r.exit_code == 0 and r.output == ""


def test_rerun_same_day_replaces_the_folder_and_compares_with_the_earlier_run(data_dir):
    batch(data_dir, "2026-11-01")
    batch(data_dir, "2026-11-23")
    r = batch(data_dir, "2026-11-23")
    ch = json.loads((data_dir / "reports" / "2026-11-23" / "changes.json").read_text())
    assert ch["previous"] == "2026-11-23"          # the day's earlier run: nothing is new
    assert ch["new_findings"] == [] and r.exit_code == 0, r.output
    assert sorted(p.name for p in (data_dir / "reports").iterdir()) == [
        "2026-11-01", "2026-11-23", "latest", "recon.log"]


def test_missing_data_dir_exits_2(tmp_path):
    r = batch(tmp_path / "nope", "2026-11-23")
    assert r.exit_code == 2
    assert "no such folder" in r.output and "recon init" in r.output


def test_missing_config_exits_2(data_dir):
    (data_dir / "recon.toml").unlink()
    r = batch(data_dir, "2026-11-23")
    assert r.exit_code == 2 and "recon.toml" in r.output and "recon init" in r.output


def test_bad_config_exits_2_naming_file_line_and_key(data_dir):
    cfg = data_dir / "recon.toml"
    cfg.write_text('[[accounts]]\nnumber = "712345678"\nowner = "Jane Doe"\nplan = "vision"\n')
    r = batch(data_dir, "2026-11-23")
    assert r.exit_code == 2
    assert f"{cfg}:4:" in r.output
    assert "[accounts[0].plan]" in r.output and "vision" in r.output
    assert not (data_dir / "reports" / "2026-11-23").exists()
    assert "configuration error" in (data_dir / "reports" / "recon.log").read_text()


def test_bad_date_in_config_names_the_line(data_dir):
    cfg = data_dir / "recon.toml"
    cfg.write_text('[[accounts]]\nnumber = "712345678"\n\nplan_end = "2026-13-01"\n')
    r = batch(data_dir, "2026-11-23")
    assert r.exit_code == 2 and f"{cfg}:4:" in r.output and "plan_end" in r.output


def test_lock_held_exits_2_with_a_clear_message(data_dir):
    from recon.jobs.batch import data_dir_lock

    with data_dir_lock(data_dir):
        r = batch(data_dir, "2026-11-23")
    assert r.exit_code == 2
    assert "another recon batch is running" in r.output and ".recon.lock" in r.output
    assert not (data_dir / "reports" / "2026-11-23").exists()
    # Released: the next run goes ahead.
    assert batch(data_dir, "2026-11-23").exit_code == 1


def test_lock_is_per_process_flock(data_dir):
    """A second process cannot take the lock while the first holds it."""
    import subprocess
    import sys

    from recon.jobs.batch import data_dir_lock

    code = ("import sys; from pathlib import Path; from recon.jobs.batch import data_dir_lock, BatchError\n"
            "try:\n    data_dir_lock(Path(sys.argv[1])).__enter__()\nexcept BatchError as e:\n"
            "    print(e); sys.exit(3)\n")
    with data_dir_lock(data_dir):
        p = subprocess.run([sys.executable, "-c", code, str(data_dir)], capture_output=True, text=True, check=False)
    assert p.returncode == 3 and "pid" in p.stdout


def test_crash_mid_write_leaves_earlier_reports_whole(data_dir, monkeypatch):
    assert batch(data_dir, "2026-11-01").exit_code == 1
    assert batch(data_dir, "2026-11-23").exit_code == 0
    reports = data_dir / "reports"
    before = {p.relative_to(reports).as_posix(): p.read_bytes()
              for p in reports.rglob("*") if p.is_file() and p.name != "recon.log"}

    import recon.jobs.autopay

    def boom(rows):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(recon.jobs.autopay, "to_csv", boom)   # the last file written into the folder
    for day in ("2026-11-23", "2026-11-30"):             # replacing a folder, and a new one
        r = batch(data_dir, day)
        assert r.exit_code == 2, r.output
        assert "earlier reports are unchanged" in r.output
    after = {p.relative_to(reports).as_posix(): p.read_bytes()
             for p in reports.rglob("*") if p.is_file() and p.name != "recon.log"}
    assert after == before
    assert sorted(p.name for p in reports.iterdir()) == ["2026-11-01", "2026-11-23", "latest", "recon.log"]
    assert (reports / "latest").resolve().name == "2026-11-23"
    assert "No space left on device" in (reports / "recon.log").read_text()


def test_crash_inside_report_writer_leaves_no_partial_folder(data_dir, monkeypatch):
    import recon.report.json_report as jr

    calls = []
    real = jr.write_atomic

    def flaky(path, text):
        calls.append(path.name)
        if path.name == "changes.txt":
            raise KeyboardInterrupt   # killed between two files
        real(path, text)

    monkeypatch.setattr(jr, "write_atomic", flaky)
    with pytest.raises(KeyboardInterrupt):
        from recon.jobs.batch import run_batch
        run_batch(data_dir, date(2026, 11, 23))
    assert "report.json" in calls
    assert [p.name for p in (data_dir / "reports").iterdir()] == ["recon.log"]


def test_stale_temp_folder_from_a_killed_run_is_cleaned(data_dir):
    stale = data_dir / "reports" / ".tmp-2026-11-23-abc123"
    stale.mkdir(parents=True)
    (stale / "report.json").write_text("{half")
    batch(data_dir, "2026-11-23")
    assert not stale.exists()
    assert "interrupted run" in (data_dir / "reports" / "recon.log").read_text()


def test_log_is_appended_with_timestamps_and_masks_bank_account_numbers(data_dir):
    # A file name carrying a full bank account number must not leak into the log.
    bank = data_dir / "inbox" / "bank"
    (bank / "chase-checking-2026-01-to-09.qfx").rename(bank / "acct-000000482913557.qfx")
    batch(data_dir, "2026-11-23")
    batch(data_dir, "2026-11-24")
    text = (data_dir / "reports" / "recon.log").read_text()
    assert text.count("batch start") == 2 and text.count("batch done") == 2
    assert re.search(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}", text, re.MULTILINE)
    assert "000000482913557" not in text and "482913557" not in text
    assert "****3557" in text


def test_mask_keeps_billing_accounts_and_dates():
    import logging

    from recon.jobs.batch import MaskNumbers

    rec = logging.LogRecord("recon", logging.INFO, __file__, 1,
                            "acct %s paid %s for 712345678 on t20261023-41200-1 trace 021000021000018",
                            ("000000482913557", "412.00"), None)
    MaskNumbers({"712345678"}).filter(rec)
    msg = rec.getMessage()
    assert "****3557" in msg and "000000482913557" not in msg
    assert "712345678" in msg and "t20261023" in msg and "****0018" in msg


def test_progress_only_on_a_terminal(data_dir, monkeypatch):
    """CliRunner's stderr is not a TTY: no progress bar escapes in the output."""
    r = batch(data_dir, "2026-11-23")
    assert "\r" not in r.output and "\033[K" not in r.output


def test_progress_callback_is_called_per_file(data_dir):
    from recon.jobs.batch import run_batch

    seen = []
    run_batch(data_dir, date(2026, 11, 23), progress=lambda n, total, name: seen.append((n, total)))
    assert seen and seen[-1][0] == seen[-1][1] == len(seen)


def test_finding_key_is_stable_and_order_free():
    from recon.jobs.batch import finding_key

    a = {"type": "duplicate_draw", "billing_account": "712345678", "coverage_month": "2026-08",
         "transaction_ids": ["t2", "t1"], "bill_ids": ["b-1"], "message": "x", "amount": "412.00"}
    b = {**a, "transaction_ids": ["t1", "t2"], "message": "different wording", "amount": "400.00"}
    assert finding_key(a) == finding_key(b)
    c1 = {"type": "check_not_cashed", "billing_account": None, "coverage_month": None,
          "transaction_ids": [], "bill_ids": [], "amount": "57.00",
          "message": "check 1055 for $57.00 written 2026-11-02 ... after 21 days"}
    c2 = {**c1, "message": "check 1055 for $57.00 written 2026-11-02 ... after 28 days"}
    c3 = {**c1, "message": "check 1056 for $57.00 written 2026-11-02 ... after 28 days"}
    assert finding_key(c1) == finding_key(c2) != finding_key(c3)


def test_changes_mail_writes_money_as_everywhere_else():
    from datetime import date as _date

    from recon.jobs.batch import Changes, render_changes

    ch = Changes(previous=None,
                 new_findings=[{"type": "duplicate_draw", "severity": "high", "amount": "412.00",
                                "billing_account": "712345678", "coverage_month": "2026-05", "message": "m"}],
                 new_payments=[{"date": "2026-04-24", "amount": "-412.00", "description": "COMMONWEALTH HEA"}])
    text = render_changes(_date(2026, 11, 23), ch)
    assert "duplicate_draw $412.00 712345678 2026-05" in text
    assert "2026-04-24    $412.00" in text and "-412.00" not in text


def test_a_run_killed_between_the_two_renames_loses_no_report(data_dir):
    # publish moves the day's earlier folder aside, then moves the new one in: a crash between
    # the two leaves only ".old-<date>-<pid>". The next run puts it back before it does anything.
    batch(data_dir, "2026-11-01")
    reports = data_dir / "reports"
    (reports / "2026-11-01").rename(reports / ".old-2026-11-01-4242")
    r = batch(data_dir, "2026-11-23")
    assert r.exit_code in (0, 1), r.output
    assert (reports / "2026-11-01" / "report.json").is_file()
    ch = json.loads((reports / "2026-11-23" / "changes.json").read_text())
    assert ch["previous"] == "2026-11-01"
    assert not [p for p in reports.iterdir() if p.name.startswith(".old-")]
