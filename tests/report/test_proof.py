"""`recon proof`: the PDF packet read back as text (bills, payments, traces, findings, calls, letter)
and rendered to images (every page has ink)."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from recon.cli.app import app
from recon.money import dollars
from tests.conftest import SAMPLES
from tests.report.conftest import DENTAL, FULL_BANK_ACCOUNT, HEALTH

runner = CliRunner()
CALLS = [
    ["--when", "2026-08-31 14:05", "--rep", "Dana", "--rep-id", "D4471", "--department", "Billing",
     "--said", "Asked to cancel AutoPay; the 03/24 draw is missing from my bill",
     "--promised", "AutoPay cancelled today; the payment will be credited", "--case", "CS-20260831-0042",
     "--account", HEALTH],
    ["--when", "2026-10-20 09:30", "--rep", "Luis", "--rep-id", "5521", "--department", "Billing supervisor",
     "--said", "Dental plan ended 9/30 but $38.50 was taken 10/14", "--promised", "Refund request submitted",
     "--case", "CS-20261020-0117", "--account", DENTAL],
]


def pdf_pages(path: Path) -> list[str]:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(path))
    try:
        return [" ".join(doc[i].get_textpage().get_text_range().split()) for i in range(len(doc))]
    finally:
        doc.close()


def proof(out: Path, *args: str, data: Path | None = None, inputs: tuple[str, ...] = (str(SAMPLES),)):
    extra = ["--data", str(data)] if data else []
    return runner.invoke(app, ["proof", *inputs, "--as-of", "2026-11-23", "-c", str(SAMPLES / "recon.toml"),
                               "--out", str(out), "--no-cache", *extra, *args])


@pytest.fixture(scope="module")
def calls_dir(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("calls")
    for args in CALLS:
        res = runner.invoke(app, ["calls", "add", "--data", str(d), *args])
        assert res.exit_code == 0, res.output
    return d


@pytest.fixture(scope="module")
def health_pdf(calls_dir, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("proof-health")
    res = proof(out, "--account", HEALTH, data=calls_dir)
    assert res.exit_code == 0, res.output
    assert "Written to" in res.output
    return out / "proof.pdf"


def test_every_month_bill_and_payment(health_pdf, sample_result):
    text = " ".join(pdf_pages(health_pdf))
    r = sample_result.report
    bills = [ref for ref in r.bills if ref.bill.billing_account == HEALTH]
    assert len(bills) == 11
    for ref in bills:
        b = ref.bill
        assert (f"Coverage {b.coverage_month}: bill dated {b.bill_date.isoformat()}, amount due "
                f"{dollars(b.amount_due)}, due {b.due_date.isoformat()}") in text, b.coverage_month
    txns = {t.id: t for t in r.transactions}
    ids = {ref.id for ref in bills}
    paid = [txns[a.transaction_id] for a in r.matches if a.bill_id in ids]
    for t in paid:
        assert t.date.isoformat() in text
        if t.trace:
            assert f"trace {t.trace}" in text, t.trace
        if t.check_number:
            assert f"check #{t.check_number}" in text
    assert "check #1043" in text and "written 2026-09-14" in text
    assert "AutoPay" in text and "online" in text and "check" in text
    assert "****3557" in text and FULL_BANK_ACCOUNT not in text
    assert "FITID 2026032400054" in text                # where the payment appears in the export
    assert re.search(r"check-register-2026\.csv line \d", text)
    assert "samples/bills/health-2026-04.pdf page 1" in text


def test_discrepancies_with_evidence(health_pdf, sample_result):
    text = " ".join(pdf_pages(health_pdf))
    from recon.report.csv_out import findings_for

    fs = findings_for(sample_result.report, HEALTH)
    assert len(fs) >= 5
    assert f"Discrepancies ({len(fs)})" in text
    for f in fs:
        assert " ".join(f.message.split()) in text, f.message
    assert "Evidence: 2026-03-24 $412.00 AutoPay debit, trace 021000021000006" in text
    assert "Evidence: bill dated 2026-04-01 for 2026-05" in text


def test_call_log_timeline(health_pdf):
    text = " ".join(pdf_pages(health_pdf))
    assert "Call log (1)" in text
    assert "2026-08-31 14:05 - Billing - Dana (ID D4471) - case CS-20260831-0042" in text
    assert "Promised: AutoPay cancelled today" in text
    assert "CS-20261020-0117" not in text, "the dental call is not in the health packet"


def test_dispute_letter(health_pdf):
    pages = pdf_pages(health_pdf)
    letter = next(p for p in pages if "Dear Billing Department" in p)
    assert letter is pages[-1] or "Dear Billing Department" not in pages[-1]
    for line in ("MA Health Connector", "P.O. Box 970063", "Boston, MA 02297-0063",
                 f"Billing Account Number {HEALTH}", "November 23, 2026"):
        assert line in letter, line
    # the disputed items with amounts, dates, trace numbers
    assert "check 1051 for $412.00 written 2026-10-12" in letter                # not credited
    assert "021000021000018" in letter and "2026-10-23" in letter              # draw after cancellation
    assert "021000021000015" not in letter, "the refunded duplicate draw is not disputed"
    assert "021000021000006" not in letter, "the 03-24 draw a later bill corrected is not disputed"
    assert "Total of the disputed items: $412.00" in letter
    assert "correct my account" in letter and "written confirmation" in letter
    assert "case CS-20260831-0042" in letter
    assert "Sincerely" in letter and "Jane Doe" in letter


def test_pages_render_with_ink(health_pdf):
    import pypdfium2 as pdfium
    from PIL import ImageStat

    doc = pdfium.PdfDocument(str(health_pdf))
    try:
        assert len(doc) >= 3
        for i in range(len(doc)):
            page = doc[i]
            w, h = page.get_size()
            assert (round(w), round(h)) == (612, 792), "US Letter"
            img = page.render(scale=1).to_pil().convert("L")
            dark = sum(img.histogram()[:200])
            assert dark > 500, f"page {i + 1} is blank"
            assert ImageStat.Stat(img).stddev[0] > 5
    finally:
        doc.close()


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) not installed; "
                    "`make test` installs it")
def test_pdftoppm_renders_every_page(health_pdf, tmp_path):
    import subprocess

    from PIL import Image

    subprocess.run(["pdftoppm", "-r", "40", "-png", str(health_pdf), str(tmp_path / "pg")], check=True,
                   timeout=60)
    pngs = sorted(tmp_path.glob("pg-*.png"))
    assert len(pngs) == len(pdf_pages(health_pdf))
    for p in pngs:
        with Image.open(p) as img:
            lo, hi = img.convert("L").getextrema()
            assert lo < 100 and hi > 200, p.name


def test_dental_packet_does_not_dispute_a_payment_toward_the_past_due_balance(calls_dir, tmp_path):
    res = proof(tmp_path, "--account", DENTAL, data=calls_dir)
    assert res.exit_code == 0, res.output
    pages = pdf_pages(tmp_path / "proof.pdf")
    text = " ".join(pages)
    for m in ("2026-02", "2026-08", "2026-09"):
        assert f"Coverage {m}: bill dated" in text
    assert "partly paid" in text and "unpaid" in text
    assert "CS-20261020-0117" in text and "CS-20260831-0042" not in text
    letter = next(p for p in pages if "Dear Billing Department" in p)
    assert f"Billing Account Number {DENTAL}" in letter
    # September is unpaid: the $38.50 of 2026-10-14 would go to that past-due balance, not back.
    assert "confirmation 88412" not in letter and "refund this charge" not in letter
    assert "find no item to dispute" in letter
    assert "Not disputed in the letter: The Connector would apply $38.50 of it to the past-due balance" in text
    assert "$38.50 debited 2026-10-14 (confirmation 88412) pays no bill in these records" in text


def test_period_and_determinism(calls_dir, tmp_path):
    a = proof(tmp_path / "a", "--account", HEALTH, "--from", "2026-05", "--to", "2026-06", data=calls_dir)
    b = proof(tmp_path / "b", "--account", HEALTH, "--from", "2026-05", "--to", "2026-06", data=calls_dir)
    assert a.exit_code == 0 and b.exit_code == 0, a.output
    pa, pb = tmp_path / "a" / "proof.pdf", tmp_path / "b" / "proof.pdf"
    assert pa.read_bytes() == pb.read_bytes(), "byte-identical for the same inputs"
    text = " ".join(pdf_pages(pa))
    assert "Coverage 2026-05: bill dated" in text and "Coverage 2026-06: bill dated" in text
    assert "Coverage 2026-04:" not in text and "Coverage 2026-07:" not in text
    assert "Coverage months: 2026-05 to 2026-06" in text
    assert "021000021000018" not in text, "November's draw is outside the period"


def test_default_call_log_is_beside_the_first_input_folder(tmp_path):
    data = tmp_path / "household"
    shutil.copytree(SAMPLES, data)
    res = runner.invoke(app, ["calls", "add", "--data", str(data), *CALLS[0]])
    assert res.exit_code == 0
    res = proof(tmp_path / "out", "--account", HEALTH, inputs=(str(data),))
    assert res.exit_code == 0, res.output
    assert "CS-20260831-0042" in " ".join(pdf_pages(tmp_path / "out" / "proof.pdf"))


def test_unknown_account_exits_2_listing_the_accounts(tmp_path):
    res = proof(tmp_path, "--account", "711111111")
    assert res.exit_code == 2
    assert "711111111" in res.output and f"accounts found: {HEALTH}, {DENTAL}" in res.output
    assert not (tmp_path / "proof.pdf").exists()


@pytest.mark.parametrize("args, message", [
    (["--from", "2026-13"], "YYYY-MM"),
    (["--from", "2026-07", "--to", "2026-05"], "after"),
    (["--from", "2027-01"], "no bill for account"),
    (["--as-of", "23/11/2026"], "YYYY-MM-DD"),
])
def test_bad_options_exit_2(tmp_path, args, message):
    res = proof(tmp_path, "--account", HEALTH, *args)
    assert res.exit_code == 2, res.output
    assert message in res.output


def test_bad_call_log_exits_2(tmp_path):
    (tmp_path / "calls.jsonl").write_text("{oops\n", encoding="utf-8")
    res = proof(tmp_path / "out", "--account", HEALTH, data=tmp_path)
    assert res.exit_code == 2 and "calls.jsonl:1" in res.output


def test_text_outside_latin1_renders_as_written(sample_result, tmp_path):
    from dataclasses import replace

    from recon.jobs.calls import Call, parse_when
    from recon.report.proof import select, write_proof

    fs = tuple(replace(f, message=f.message + " — “quoted” → 5 € ✓") if f.billing_account == HEALTH else f
               for f in sample_result.report.findings)
    result = replace(sample_result.report, findings=fs)
    calls = [Call(when=parse_when("2026-09-01 10:00"), rep="Zoë", said="naïve café — ok ✓ Nguyễn", account=HEALTH)]
    path = write_proof(result, select(result, HEALTH, calls), tmp_path)
    text = " ".join(pdf_pages(path))
    assert "Zoë" in text and "naïve café — ok ✓ Nguyễn" in text
    assert "— “quoted” → 5 € ✓" in text
