"""report.html: self-contained, masked, deterministic; rendered by headless Chromium (DOM + screenshot)."""
from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from recon.report.html import render_html, write_html
from tests.report.conftest import DENTAL, FULL_BANK_ACCOUNT, HEALTH

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="headless Chromium not installed (/usr/bin/chromium); `make test` installs it")


class Dom(HTMLParser):
    """Just enough of a DOM for the checks: elements with their attributes and the text."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, {k: v or "" for k, v in attrs}))

    def handle_data(self, data):
        self.text.append(data)

    def find(self, tag: str, cls: str | None = None) -> list[dict[str, str]]:
        return [a for t, a in self.elements if t == tag and (cls is None or cls in a.get("class", "").split())]


def parse(html: str) -> Dom:
    d = Dom()
    d.feed(html)
    return d


def _months(result, account):
    return sorted({ref.bill.coverage_month for ref in result.report.bills if ref.bill.billing_account == account})


def check_structure(dom: Dom, result) -> None:
    sections = {a["data-account"]: a for a in dom.find("section", "account")}
    assert HEALTH in sections and DENTAL in sections
    charts = dom.find("svg", "chart")
    assert len(charts) == 2
    assert [c["data-months"] for c in charts] == [str(len(_months(result, HEALTH))),
                                                  str(len(_months(result, DENTAL)))]
    groups = dom.find("g", "month")
    assert [g["data-month"] for g in groups] == _months(result, HEALTH) + _months(result, DENTAL)
    billed = dom.find("rect", "billed")
    paid = dom.find("rect", "paid")
    assert len(billed) == len(paid) == len(groups), "one bar pair per month"
    assert all(float(r["height"]) >= 0 for r in billed + paid)
    assert len(dom.find("tr", "bill")) == len(result.report.bills)
    articles = dom.find("article", "finding")
    assert len(articles) == len(result.report.findings), "every finding present"
    assert sorted(a["data-type"] for a in articles) == sorted(f.type for f in result.report.findings)
    text = " ".join(dom.text)
    for f in result.report.findings:
        assert " ".join(f.message.split()) in " ".join(text.split()), f.message


def test_structure_of_the_page(sample_result):
    check_structure(parse(render_html(sample_result.report)), sample_result)


def test_ledger_shows_payments_and_evidence(sample_result):
    html = render_html(sample_result.report)
    text = " ".join(" ".join(parse(html).text).split())
    # payments: date, amount, method, trace / check number, masked bank account, where in the export
    assert "2026-03-24 · $412.00 · AutoPay · trace 021000021000006 · bank account ****3557" in text
    assert "check #1043 · written 2026-09-14" in text
    assert "$412.00 (of $450.50)" in text
    assert "FITID 2026032400054" in text
    assert "check-register-2026.csv line" in text
    assert "bill: samples/bills/health-2026-04.pdf page 1" in text
    # finding evidence names the bank file and line or FITID, and the bill file and page
    assert re.search(r"Chase4913_Activity_20260901_20261122\.CSV line \d+", text)
    for status in ("paid late", "partly paid", "unpaid"):
        assert status in text


def test_self_contained_and_masked(sample_result):
    html = render_html(sample_result.report)
    assert not re.search(r"https?://", html, re.IGNORECASE), "no network references"
    for bad in ("<script", "<link", "@import", "url(", "<img", "<iframe", "src="):
        assert bad not in html.lower(), bad
    assert FULL_BANK_ACCOUNT not in html and FULL_BANK_ACCOUNT.lstrip("0") not in html
    assert "****3557" in html
    assert HEALTH in html and DENTAL in html


def test_prints_cleanly(sample_result):
    html = render_html(sample_result.report)
    assert "@media print" in html
    # every account after the first starts a page; the first follows the overview (no blank page 1).
    # Printed and measured: tests/report/test_html_browser.py.
    assert re.search(r"section\.account ~ section\.account[^{]*\{[^}]*break-before: page", html)
    assert "break-inside: avoid" in html


def test_write_html_is_deterministic_and_atomic(sample_result, tmp_path):
    a = write_html(sample_result.report, tmp_path / "a")
    b = write_html(sample_result.report, tmp_path / "b")
    assert a.name == "report.html"
    assert a.read_bytes() == b.read_bytes()
    assert [p.name for p in (tmp_path / "a").iterdir()] == ["report.html"]


def _chromium(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess:
    profile = tmp_path / "chromium-profile"
    profile.mkdir(exist_ok=True)
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           "--disable-dev-shm-usage", f"--user-data-dir={profile}", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)


@needs_chromium
def test_chromium_renders_the_dom(sample_result, html_dir, tmp_path):
    page = html_dir / "report.html"
    proc = _chromium(["--dump-dom", page.resolve().as_uri()], tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    dom_html = proc.stdout
    assert "<body" in dom_html
    check_structure(parse(dom_html), sample_result)


@needs_chromium
def test_chromium_screenshot_is_not_blank(html_dir, tmp_path):
    from PIL import Image, ImageStat

    shot = tmp_path / "report.png"
    proc = _chromium([f"--screenshot={shot}", "--window-size=1280,2000", "--hide-scrollbars",
                      (html_dir / "report.html").resolve().as_uri()], tmp_path)
    assert proc.returncode == 0 and shot.exists(), proc.stderr[-2000:]
    with Image.open(shot) as img:
        assert img.format == "PNG"
        assert img.size == (1280, 2000)
        rgb = img.convert("RGB")
        stat = ImageStat.Stat(rgb)
        assert max(stat.stddev) > 20, f"almost uniform image: stddev {stat.stddev}"
        colours = rgb.getcolors(maxcolors=1 << 20) or []
        white = sum(n for n, c in colours if c == (255, 255, 255))
        assert white < 0.97 * 1280 * 2000, "page is (nearly) all white"
        # the chart's bars are drawn: some of the billed-bar blue (#4a6fa5) and paid green (#2e7d32)
        assert any(c == (0x4A, 0x6F, 0xA5) for _, c in colours)
        assert any(c == (0x2E, 0x7D, 0x32) for _, c in colours)


def test_untrusted_text_is_escaped(sample_result):
    from dataclasses import replace


    f = replace(sample_result.report.findings[0], message='<script>alert("x")</script> & <b>bold</b>')
    report = replace(sample_result.report, findings=(f, *sample_result.report.findings[1:]))
    html = render_html(report)
    assert "<script>" not in html and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp;" in html


def test_empty_run_still_writes_every_output(tmp_path):
    from recon.api import run
    from recon.report.csv_out import write_outputs
    from tests.conftest import AS_OF

    (tmp_path / "in").mkdir()
    result = run([tmp_path / "in"], AS_OF, strict=True)
    page = write_html(result.report, tmp_path / "out").read_text(encoding="utf-8")
    assert "0 bill(s)" in page and "<svg" not in page
    for p in write_outputs(result.report, tmp_path / "out"):
        assert p.read_text(encoding="utf-8").count("\n") == 1, "header only"


def test_next_steps_and_whom_to_call_are_in_the_page(sample_result):
    """Every finding not accepted says what to do and what to have at hand, from the registry."""
    report = sample_result.report
    text = " ".join(" ".join(parse(render_html(report)).text).split())
    guidance = {g.type: g for g in report.guidance}
    assert {f.type for f in report.findings} <= set(guidance)
    for f in report.findings:
        if not f.accepted:
            g = guidance[f.type]
            assert f"What to do: {' '.join(g.next_step.split())}. Have at hand: " in text, f.type
    assert "Whom to call" in text and "1-877-623-6765" in text


def test_badge_and_chart_colours_meet_contrast():
    """The colours themselves (the browser test measures them as rendered): white on each badge
    >= 4.5:1, every chart colour >= 3:1 on white."""
    from recon.report.html import BILLED_COLOUR, CSS, STATUS_COLOURS

    def lum(h: str) -> float:
        c = [int(h[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        f = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in c]
        return 0.2126 * f[0] + 0.7152 * f[1] + 0.0722 * f[2]

    def ratio(a: str, b: str) -> float:
        x, y = sorted((lum(a), lum(b)), reverse=True)
        return (x + 0.05) / (y + 0.05)

    for sev in ("high", "medium", "low"):
        colour = re.search(rf"--{sev}: (#[0-9a-f]{{6}})", CSS).group(1)
        assert ratio("#ffffff", colour) >= 4.5, (sev, colour)
    for colour in [BILLED_COLOUR, *STATUS_COLOURS.values()]:
        assert ratio("#ffffff", colour) >= 3, colour
