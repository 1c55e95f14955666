"""report.html in a real browser: headless Chromium at 390 px and 1280 px, in print layout, and
printed to PDF.

What is measured (by a script in a test page, never in report.html itself, which has no scripts):
- the page never scrolls sideways: the document is no wider than the window and no element sticks
  out of it. The one deliberate sideways scroll is a chart with more months than fit (figure.chart
  scrolls inside itself, the page does not); tables never scroll at the widths tested: at 390 px
  their rows stack (one cell a line, with its column name), at 1280 px and in print they fit;
- contrast (WCAG 2 relative luminance) of every piece of text against its background, >= 4.5:1
  (3:1 for large text), the severity badges in particular; chart bars and legend swatches >= 3:1
  (non-text contrast);
- printed: US letter, page 1 has the title and the first account, every later account starts a
  page, no page is blank, no word runs past the right margin, and the next steps are printed.

One Chromium launch per width, each measuring both reports (an iframe of exactly that width: the
window itself cannot be narrower than 500 px) (the samples, and a long household:
34 months, a long export file name, a long unbroken confirmation number) in same-origin iframes.
"""
from __future__ import annotations

import html
import json
import re
import subprocess
from datetime import date
from pathlib import Path

import pytest

from tests.report.conftest import DENTAL, HEALTH

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="headless Chromium not installed at /usr/bin/chromium (`make deps` installs it)")

PRINT_WIDTH = 725    # US letter (8.5 in = 816 px) less the 12 mm margins of the print CSS
LONG_FILE = ("Chase4913_Activity_20240101_20261122_EXPORTED_FROM_ONLINE_BANKING_WITH_A_VERY_LONG_NAME_"
             "AND_NO_SPACES_AT_ALL.CSV")
LONG_CONF = "CONF#" + "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789" * 2

MEASURE = r"""
function rgb(s) {
  const m = /rgba?\(([^)]*)\)/.exec(s || "");
  if (!m) return null;
  const p = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number);
  return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
}
function lum(c) {
  const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
}
function ratio(a, b) {
  const x = lum(a), y = lum(b);
  return Math.round((Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05) * 100) / 100;
}
function nameOf(e) {
  const c = (e.getAttribute("class") || "").trim();
  return e.tagName.toLowerCase() + (c ? "." + c.split(/\s+/).join(".") : "");
}
function measure(win) {
  const doc = win.document, cs = e => win.getComputedStyle(e);
  const vw = doc.documentElement.clientWidth;
  const background = e => {
    for (; e; e = e.parentElement) { const c = rgb(cs(e).backgroundColor); if (c && c[3] > 0) return c; }
    return [255, 255, 255, 1];
  };
  const scroller = e => {
    for (e = e.parentElement; e && e !== doc.body; e = e.parentElement) {
      const o = cs(e).overflowX;
      if (o === "auto" || o === "scroll") return e;
    }
    return null;
  };
  const out = {client_width: vw, scroll_width: doc.documentElement.scrollWidth,
               overflow: [], scrolled: [], text: {}, badges: [], graphics: [], tables: []};
  for (const e of doc.body.querySelectorAll("*")) {
    const r = e.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    if (r.right <= vw + 0.5 && r.left >= -0.5) continue;
    const s = scroller(e), sr = s && s.getBoundingClientRect();
    if (!(s && sr.right <= vw + 0.5 && sr.left >= -0.5))
      out.overflow.push({el: nameOf(e), left: Math.round(r.left), right: Math.round(r.right)});
  }
  for (const e of doc.body.querySelectorAll("*")) {
    const o = cs(e).overflowX;
    if ((o === "auto" || o === "scroll") && e.scrollWidth > e.clientWidth + 1)
      out.scrolled.push({el: nameOf(e), client: e.clientWidth, scroll: e.scrollWidth});
  }
  for (const t of doc.querySelectorAll("table")) {
    const r = t.getBoundingClientRect();
    out.tables.push({el: nameOf(t), width: Math.round(r.width), right: Math.round(r.right)});
  }
  for (const e of doc.body.querySelectorAll("*")) {
    if (!Array.from(e.childNodes).some(n => n.nodeType === 3 && n.textContent.trim())) continue;
    const st = cs(e), r = e.getBoundingClientRect();
    if (st.display === "none" || st.visibility === "hidden" || !r.width || e.closest("title")) continue;
    const svg = e instanceof win.SVGElement;
    const fg = rgb(svg ? st.fill : st.color), bg = background(e);
    const size = parseFloat(st.fontSize), bold = parseInt(st.fontWeight, 10) >= 700;
    const need = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    const key = nameOf(e) + " " + (svg ? st.fill : st.color) + " on " + bg.slice(0, 3).join(",");
    const cr = ratio(fg, bg);
    if (!(key in out.text) || out.text[key].ratio > cr) out.text[key] = {ratio: cr, need: need};
  }
  for (const b of doc.querySelectorAll(".badge")) {
    const art = b.closest("article"), st = cs(b);
    out.badges.push({severity: art ? (art.className.match(/sev-(\w+)/) || [])[1] : null,
                     color: st.color, background: st.backgroundColor,
                     ratio: ratio(rgb(st.color), background(b))});
  }
  for (const g of doc.querySelectorAll("svg.chart rect, .legend .swatch")) {
    const st = cs(g), fill = rgb(g instanceof win.SVGElement ? st.fill : st.backgroundColor);
    const bg = background(g.parentElement);
    if (g.getBoundingClientRect().height < 3) continue;     // the 2-pixel stub of an empty month
    out.graphics.push({el: nameOf(g), fill: fill.slice(0, 3).join(","), ratio: ratio(fill, bg)});
  }
  return out;
}
window.addEventListener("load", () => {
  const res = {};
  for (const f of document.querySelectorAll("iframe")) res[f.id] = measure(f.contentWindow);
  const pre = document.createElement("pre");
  pre.id = "recon-measure";
  pre.textContent = JSON.stringify(res);
  document.body.appendChild(pre);
});
"""


def _chromium(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess:
    profile = tmp_path / f"profile-{len(list(tmp_path.glob('profile-*')))}"
    profile.mkdir()
    cmd = [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           "--disable-dev-shm-usage", "--hide-scrollbars", f"--user-data-dir={profile}", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=False)


def long_household_html(out: Path) -> Path:
    """A household with 34 months of health bills, a dental plan, a long export file name and a long
    unbroken confirmation number, a duplicate draw, a return and an unpaid month: report.html."""
    from recon.report.html import write_html
    from tests.scenarios.builder import Scenario

    lines = ["account H 712345678 412.00 subsidized", "account D 798765432 38.50",
             "bills H 2024-01..2026-10", "bills D 2025-06..2026-10", f"file {LONG_FILE}"]
    for y in (2024, 2025, 2026):
        for m in range(1, 13):
            if (y, m) <= (2026, 10) and (y, m) != (2025, 3):
                lines.append(f"autopay H {y}-{m:02d}-23 412.00")
            if (2025, 6) <= (y, m) <= (2026, 10):
                lines.append(f"pay D {y}-{m:02d}-12 38.50 ONLINE PMT MA HEALTH CONNECTOR {LONG_CONF}{m}")
    lines += ["web H 2024-05-25 412.00", "return 2025-08-26 of 2025-08-23", "autopay H 2025-08-29 412.00"]
    result = Scenario("\n".join(lines)).run(as_of=date(2026, 11, 23))
    write_html(result.report, out)
    return out / "report.html"


@pytest.fixture(scope="module")
def pages(html_dir, tmp_path_factory) -> dict[str, Path]:
    return {"sample": html_dir / "report.html",
            "long": long_household_html(tmp_path_factory.mktemp("long-html"))}


def _measure(pages: dict[str, Path], width: int, tmp_path: Path, print_layout: bool = False) -> dict:
    """Load every report in an iframe ``width`` px wide (print CSS applied to the screen when
    ``print_layout``) in one Chromium launch and return what MEASURE found, per report."""
    frames = []
    for name, page in pages.items():
        text = page.read_text(encoding="utf-8")
        if print_layout:
            assert "@media print {" in text
            text = text.replace("@media print {", "@media all {")
        frames.append(f'<iframe id="{name}" style="width: {width}px" srcdoc="{html.escape(text, quote=True)}">'
                      "</iframe>")
    test_page = tmp_path / f"measure-{width}{'-print' if print_layout else ''}.html"
    test_page.write_text("<!DOCTYPE html><html><head><meta charset='utf-8'><style>html, body { margin: 0; "
                         "overflow: hidden; } iframe { display: block; border: 0; height: 900px; }"
                         f"</style></head><body>{''.join(frames)}<script>{MEASURE}</script></body></html>",
                         encoding="utf-8")
    # Chromium keeps a window at least 500 px wide: each iframe is exactly ``width`` px instead.
    proc = _chromium([f"--window-size={max(width, 800)},1000", "--virtual-time-budget=3000", "--dump-dom",
                      test_page.resolve().as_uri()], tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    m = re.search(r'<pre id="recon-measure">(.*?)</pre>', proc.stdout, re.DOTALL)
    assert m, "the measuring script did not run: " + proc.stdout[-500:]
    return json.loads(html.unescape(m.group(1)))


def check_layout(got: dict, width: int) -> None:
    for name, r in got.items():
        assert r["client_width"] == width, (name, r["client_width"])
        assert r["scroll_width"] <= r["client_width"], (name, "the page scrolls sideways", r["scroll_width"])
        assert r["overflow"] == [], (name, "sticks out of the window", r["overflow"][:10])
        assert all(t["right"] <= width for t in r["tables"]), (name, r["tables"])
        # Only a chart with many months may scroll, inside its own figure; tables never do.
        assert all(s["el"] == "figure.chart" for s in r["scrolled"]), (name, r["scrolled"])


def check_contrast(got: dict) -> None:
    for name, r in got.items():
        low = {k: v for k, v in r["text"].items() if v["ratio"] < v["need"]}
        assert not low, (name, "text below WCAG AA contrast", low)
        assert r["badges"] and all(b["ratio"] >= 4.5 for b in r["badges"]), (name, r["badges"])
        assert {"high", "medium"} <= {b["severity"] for b in r["badges"]}, name
        bars = [g for g in r["graphics"] if g["ratio"] < 3]
        assert not bars, (name, "chart colours below 3:1 against the page", bars)


@pytest.mark.parametrize("width", [390, 1280])
def test_screen_width_has_no_sideways_scroll_and_aa_contrast(pages, tmp_path, width):
    got = _measure(pages, width, tmp_path)
    check_layout(got, width)
    check_contrast(got)
    # the long household's chart (34 months) does not fit 390 px: it scrolls inside its figure
    if width == 390:
        assert any(s["el"] == "figure.chart" for s in got["long"]["scrolled"]), got["long"]["scrolled"]
    else:
        assert got["sample"]["scrolled"] == []


def test_print_layout_has_no_sideways_overflow(pages, tmp_path):
    got = _measure(pages, PRINT_WIDTH, tmp_path, print_layout=True)
    check_layout(got, PRINT_WIDTH)
    for name, r in got.items():
        assert r["scrolled"] == [], (name, "nothing may scroll on paper", r["scrolled"])


def _pdf_pages(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


def _words_past(pdf: Path, right: float) -> list[str]:
    """Words whose right edge is past ``right`` points (pdftotext -bbox)."""
    xml = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    return [w for x, w in re.findall(r'<word xMin="[\d.]+" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)',
                                     xml) if float(x) > right]


@pytest.mark.parametrize("name", ["sample", "long"])
def test_printed_pdf_one_account_per_page_no_blank_first_page(pages, tmp_path, name):
    pdf = tmp_path / f"{name}.pdf"
    proc = _chromium([f"--print-to-pdf={pdf}", "--no-pdf-header-footer", pages[name].resolve().as_uri()],
                     tmp_path)
    assert proc.returncode == 0 and pdf.exists(), proc.stderr[-2000:]
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Page size:\s+612 x 792 pts", info), info
    texts = _pdf_pages(pdf)
    assert int(re.search(r"Pages:\s+(\d+)", info).group(1)) == len(texts)
    assert all(t.strip() for t in texts), "a blank page"
    first = texts[0].lstrip()
    assert first.startswith("Health Connector premiums"), first[:200]
    assert f"Billing account {HEALTH}" in texts[0], "the first account starts on page 1, under the overview"
    tops = [t.lstrip().splitlines()[0] for t in texts[1:]]
    assert any(t.lstrip().startswith(f"Billing account {DENTAL}") for t in tops), tops
    assert sum(f"Billing account {DENTAL}" in t for t in tops) == 1
    assert "What to do:" in "".join(texts) and "Whom to call" in "".join(texts)
    assert _words_past(pdf, 612 - 34 + 2) == [], "words run past the right margin"
