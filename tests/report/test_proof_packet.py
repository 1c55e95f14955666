"""`recon proof` holds up in front of a supervisor: the samples' packets rendered to PNG and read
back with poppler (pdftotext, pdffonts): the summary, the items and the letter never contradict
each other (one test per rule of the letter's items), the enclosure holds the bank rows, text in
any language renders with embedded fonts, evidence lines are not stretched."""
from __future__ import annotations

import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from recon.cli.app import app
from recon.report.csv_out import source_words
from tests.conftest import SAMPLES
from tests.report.conftest import DENTAL, FULL_BANK_ACCOUNT, HEALTH

pytestmark = pytest.mark.skipif(
    any(shutil.which(t) is None for t in ("pdftotext", "pdftoppm", "pdffonts")),
    reason="poppler-utils (pdftotext, pdftoppm, pdffonts) not installed; `make test` installs it")

runner = CliRunner()
OWNER = "Nguyễn Thị Hương"
MONEY = re.compile(r"\$([\d,]+\.\d\d)")


def money(s: str) -> Decimal:
    return Decimal(s.replace(",", ""))


def poppler(*args: str) -> str:
    return subprocess.run(list(args), check=True, capture_output=True, text=True, timeout=60).stdout


def pages(pdf: Path, layout: bool = False) -> list[str]:
    text = poppler("pdftotext", *(["-layout"] if layout else []), str(pdf), "-")
    return text.split("\f")[:-1]


def flat(s: str) -> str:
    return " ".join(s.split())


@pytest.fixture(scope="module")
def packets(tmp_path_factory) -> dict[str, Path]:
    """Both sample accounts' packets, made by the CLI with an account holder named in Vietnamese."""
    d = tmp_path_factory.mktemp("packet")
    cfg = d / "recon.toml"
    cfg.write_text((SAMPLES / "recon.toml").read_text(encoding="utf-8").replace("Jane Doe", OWNER), encoding="utf-8")
    res = runner.invoke(app, ["calls", "add", "--data", str(d), "--when", "2026-10-26 09:30", "--rep", "Dana",
                              "--said", f"{OWNER} asked about the draw of 10/23", "--promised",
                              "a €5.00 goodwill credit", "--case", "CS-1", "--account", HEALTH])
    assert res.exit_code == 0, res.output
    out = {}
    for account in (HEALTH, DENTAL):
        res = runner.invoke(app, ["proof", str(SAMPLES), "--account", account, "--as-of", "2026-11-23",
                                  "-c", str(cfg), "--data", str(d), "--out", str(d / account), "--no-cache"])
        assert res.exit_code == 0, res.output
        out[account] = d / account / "proof.pdf"
    return out


def letter_of(pdf: Path) -> str:
    text = flat(" ".join(pages(pdf)))
    start = text.index("Dear Billing Department")
    end = text.find("Enclosure: bank records", start)
    return text[start:end if end > 0 else len(text)]


def items_of(letter: str) -> list[str]:
    """The numbered items of the letter, each as one line of text."""
    body = letter[letter.index("show:") + 5:letter.index("Total of the disputed items")]
    parts = re.split(r"(?:^| )(\d+)\. (?=[A-Z])", body)
    return [p.strip() for p in parts[2::2]]


def test_pages_render_to_png_and_read_back(packets, tmp_path):
    from PIL import Image

    for account, pdf in packets.items():
        poppler("pdftoppm", "-r", "50", "-png", str(pdf), str(tmp_path / account))
        pngs = sorted(tmp_path.glob(f"{account}-*.png"))
        text = pages(pdf)
        assert len(pngs) == len(text) >= 4
        for png, page in zip(pngs, text, strict=True):
            with Image.open(png) as img:
                lo, hi = img.convert("L").getextrema()
                assert lo < 100 and hi > 200, png.name
            assert f"Billing account {account}" in page


def test_payment_toward_a_past_due_balance_is_not_disputed(packets):
    # The dental $38.50 of 2026-10-14 pays no bill after the plan ended, but September ($57.00) is
    # still owed: the Connector would apply it there, so the letter does not ask for it back.
    pdf = packets[DENTAL]
    text = flat(" ".join(pages(pdf)))
    letter = letter_of(pdf)
    assert "88412" not in letter and "2026-10-14" not in letter
    assert "refund" not in letter.lower()
    assert re.search(r"2026-09 2026-08-01 2026-08-23 \$57\.00 \$0\.00 unpaid", text)
    assert "would apply $38.50 of it to the past-due balance of coverage month(s) 2026-08, 2026-09" in text


def test_one_item_per_disputed_event_and_no_money_asked_twice(packets):
    pdf = packets[HEALTH]
    items = items_of(letter_of(pdf))
    assert len(items) == 2
    refs = [re.findall(r"trace \d{15}|check #\d+", it.split(". ")[0]) for it in items]
    assert all(len(r) == 1 for r in refs), refs            # each item is about one debit
    assert len({r[0] for r in refs}) == len(items)         # and no two about the same one
    for it in items:
        assert len(re.findall(r"\brefund\b", it.split("Please ", 1)[1])) <= 1, it
    # The 2026-10-23 draw pays December in the months section: the letter does not ask it back.
    text = flat(" ".join(pages(pdf)))
    december = text[text.index("Coverage 2026-12: bill dated"):text.index("Discrepancies (")]
    assert "trace 021000021000018" in december.split("Other Connector transactions")[0]
    draw = next(it for it in items if "trace 021000021000018" in it)
    assert "refund" not in draw.split("Please ", 1)[1]
    assert "Amount in dispute: none" in draw and "2026-12" in draw


def test_each_item_names_date_amount_reference_account_and_month(packets):
    for account in (HEALTH,):
        for it in items_of(letter_of(packets[account])):
            facts = it.split(". ")[0]
            assert re.search(r"\d{4}-\d{2}-\d{2}(?: \(written \d{4}-\d{2}-\d{2}\))?, \$[\d,]+\.\d\d \w+ debit, "
                             rf"(trace \d{{15}}|check #\d+); billing account {account}; "
                             r"coverage months? \d{4}-\d{2}", facts), facts


def test_letter_total_is_the_sum_of_its_items(packets):
    for pdf in packets.values():
        letter = letter_of(pdf)
        if "Total of the disputed items" not in letter:
            assert "find no item to dispute" in letter
            continue
        items = items_of(letter)
        asked = [re.search(r"Amount in dispute: (?:\$([\d,]+\.\d\d)|none)", it) for it in items]
        assert all(asked), items
        total = re.search(r"Total of the disputed items: \$([\d,]+\.\d\d)", letter)
        assert money(total.group(1)) == sum((money(a.group(1)) for a in asked if a.group(1)), Decimal(0))
        assert money(total.group(1)) == Decimal("412.00")    # check 1051, never the draw as well


def test_summary_says_paid_only_when_the_amount_due_was_met(packets):
    for pdf in packets.values():
        first = pages(pdf, layout=True)[0]
        assert "Paid toward" in first and "Amount due" in first
        rows = {}
        for line in first.splitlines():
            m = re.match(r"\s*(\d{4}-\d{2})\s+\d{4}-\d{2}-\d{2}\s+\d{4}-\d{2}-\d{2}\s+\$([\d,.]+)\s+\$([\d,.]+)\s+"
                         r"([a-z][a-z ]*?)(?: \(\d\))?\s{2,}\$", line)
            if m:
                rows[m.group(1)] = (money(m.group(2)), money(m.group(3)), m.group(4))
        assert len(rows) >= 8
        for month, (due, toward, status) in rows.items():
            if status == "paid":
                assert toward >= due, (month, due, toward)
            if status in ("partly paid", "unpaid"):
                assert toward < due, (month, due, toward)
    first = pages(packets[HEALTH], layout=True)[0]
    may = next(line for line in first.splitlines() if line.strip().startswith("2026-05"))
    assert "partly paid" in may and "$824.00" in may            # the bill asked $824.00; $412.00 paid
    assert "this month's own charge of $412.00 was paid in full" in flat(first)


def _cited(report, account):
    from recon.report.csv_out import findings_for, ledger

    ids = {p.transaction.id for r in ledger(report)[account] for p in r.payments}
    ids |= {t for f in findings_for(report, account) for t in f.transaction_ids}
    return [t for t in report.transactions if t.id in ids]


def test_enclosure_holds_every_cited_bank_row_and_its_bill_page(packets, sample_result):
    from recon.privacy import for_people

    report = sample_result.report
    for account, pdf in packets.items():
        text = flat(" ".join(pages(pdf)))
        assert "Enclosed:" in text
        enclosure = text[text.index("Enclosure: bank records"):]
        cited = _cited(report, account)
        assert len(cited) >= 8
        for t in cited:
            for s in t.sources:
                assert f"{source_words(s)}:" in enclosure, source_words(s)
                if s.line and not s.fitid:           # a CSV row: the exported line itself, masked
                    raw = Path(s.path).read_text(encoding="utf-8").splitlines()[s.line - 1]
                    assert flat(for_people(raw, report.evidence_numbers)) in enclosure, raw
                if s.fitid:
                    assert f"<FITID>{s.fitid}" in enclosure
        assert FULL_BANK_ACCOUNT not in text
    enclosure = flat(" ".join(pages(packets[HEALTH])))
    enclosure = enclosure[enclosure.index("Enclosure: bank records"):]
    assert "ORIG ID:1043123456" not in enclosure and "ORIG ID:****3456" in enclosure
    assert "TRACE#:021000021000018" in enclosure and "<DTPOSTED>20260324120000" in enclosure
    draw = enclosure[enclosure.index("debited 2026-10-23"):]
    assert ("Compared with: bill dated 2026-11-01 for coverage 2026-12, account 712345678, amount due $412.00, "
            "payments received $412.00: samples/bills/health-2026-11.pdf page 1") in draw


def test_non_latin_text_round_trips_through_pdftotext(packets):
    text = " ".join(pages(packets[HEALTH]))
    assert f"Account holder: {OWNER}" in text
    assert text.count(OWNER) >= 4                    # cover, call log, letter head and signature
    assert "a €5.00 goodwill credit" in text
    info = poppler("pdfinfo", str(packets[HEALTH])) if shutil.which("pdfinfo") else f"Author: {OWNER}"
    assert OWNER in info


def test_fonts_are_embedded(packets):
    for pdf in packets.values():
        rows = [line.split() for line in poppler("pdffonts", str(pdf)).splitlines()[2:] if line.strip()]
        assert rows, "no font listed"
        for r in rows:
            emb = r[-5]                                  # name type... encoding emb sub uni id gen
            assert emb == "yes", r
        assert any("DejaVu" in r[0] for r in rows)


def test_evidence_lines_are_not_stretched(packets):
    for pdf in packets.values():
        for page in pages(pdf, layout=True):
            for line in page.splitlines():
                if "Evidence:" in line or "Compared with:" in line:
                    assert not re.search(r"\S {3,}\S", line.strip()), line
