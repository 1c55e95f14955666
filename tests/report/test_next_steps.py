"""Every finding says what to do next, from the one registry of finding types, in every output a
member reads: the terminal summary (and summary.txt), report.html and the batch's changes.txt."""
from __future__ import annotations

from datetime import date

from recon.checks.registry import CONNECTOR_CONTACT, FINDING_TYPES
from recon.jobs.batch import Changes, render_changes
from recon.report.html import render_html
from recon.report.table import render


def test_summary_says_what_to_do_for_each_type_found_and_whom_to_call(sample_result):
    report = sample_result.report
    text = render(report)
    for t in {f.type for f in report.findings}:
        assert FINDING_TYPES[t].next_step in text
    assert "1-877-623-6765" in text and CONNECTOR_CONTACT in text


def test_quiet_summary_counts_what_it_prints(sample_result):
    report = sample_result.report
    high = [f for f in report.findings if f.severity == "high"]
    text = render(report, quiet=True)
    assert f"High-severity findings ({len(high)} of {len(report.findings)}):" in text
    assert text.count("\n  [high]") == len(high) and "[medium]" not in text


def test_html_gives_each_finding_its_next_step(sample_result):
    report = sample_result.report
    html = render_html(report)
    open_types = {f.type for f in report.findings if not f.accepted}
    for t in open_types:
        assert FINDING_TYPES[t].next_step.replace("'", "&#x27;") in html
    assert "Whom to call" in html


def test_changes_mail_says_what_to_do_about_new_findings(sample_result):
    report = sample_result.report
    f = next(f for f in report.findings if f.type == "duplicate_draw")
    ch = Changes(previous=None, new_findings=[{"type": f.type, "severity": f.severity, "message": f.message}],
                 resolved_findings=[], new_payments=[], open_findings=len(report.findings))
    text = render_changes(date(2026, 11, 23), ch, report)
    assert "What to do:" in text and FINDING_TYPES["duplicate_draw"].next_step in text


def test_proof_packet_says_what_to_do_and_whom_to_call(sample_result, tmp_path):
    import pypdfium2 as pdfium

    from recon.report.proof import select, write_proof

    report = sample_result.report
    account = next(f.billing_account for f in report.findings if f.type == "duplicate_draw")
    path = write_proof(report, select(report, account, []), tmp_path)
    doc = pdfium.PdfDocument(path)
    text = " ".join(" ".join(doc[i].get_textpage().get_text_range().split()) for i in range(len(doc)))
    assert "What to do: " + FINDING_TYPES["duplicate_draw"].next_step in text
    assert "1-877-623-6765" in text
