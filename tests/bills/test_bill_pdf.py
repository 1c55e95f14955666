"""Render -> read round trips for every layout, merged and scanned files, and the rejections."""
from __future__ import annotations

import hashlib
from dataclasses import replace
from decimal import Decimal as D
from pathlib import Path

import pytest
from bill_factories import assert_same_bill, credit_bill, dental_bill, health_bill
from fpdf import FPDF

from recon.cache import ParseCache
from recon.errors import InputError, ParseError, UnknownFormat
from recon.importers.bills import BillPdfImporter
from recon.importers.bills.grouping import NOT_A_BILL
from recon.importers.bills.ocr import tesseract_missing_reason
from recon.importers.bills.pdf import CORRUPT, ENCRYPTED
from recon.importers.bills.validate import INCONSISTENT
from tests.support.bill_render import LAYOUTS, render_bill_pdf_bytes, write_bill_pdf

BILLS = {"health": health_bill, "dental": dental_bill, "credit": credit_bill}


def read(path: Path, **kw):
    return BillPdfImporter(**kw).extract(path, path.name)


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("which", sorted(BILLS))
def test_round_trip_every_field(tmp_path: Path, layout: str, which: str) -> None:
    bill = BILLS[which]()
    pdf = tmp_path / f"{which}-{layout}.pdf"
    write_bill_pdf(pdf, [bill], layout=layout)
    result = read(pdf)
    assert result.kind == "bill_pdf"
    assert len(result.bills) == 1
    got = result.bills[0]
    assert_same_bill(got, bill)
    assert got.source.path == pdf.name and got.source.page == 1
    assert got.warnings == ()
    assert got.confidence == ()          # a text layer: nothing uncertain


def test_credit_bill_spans_two_pages_and_reads_negative(tmp_path: Path) -> None:
    pdf = tmp_path / "credit.pdf"
    write_bill_pdf(pdf, [credit_bill()], layout="2022")
    import pypdfium2 as pdfium

    assert len(pdfium.PdfDocument(pdf)) == 2
    got = read(pdf).bills[0]
    assert got.amount_due == D("-25.00") and got.adjustments == D("88.00")
    assert got.payments_received == D("937.00") and len(got.payment_items) == 5


@pytest.mark.parametrize("layout", LAYOUTS)
def test_render_is_deterministic(tmp_path: Path, layout: str) -> None:
    bills = [health_bill(), credit_bill()]
    a, b = tmp_path / "a.pdf", tmp_path / "b.pdf"
    write_bill_pdf(a, bills, layout=layout)
    write_bill_pdf(b, bills, layout=layout)
    assert a.read_bytes() == b.read_bytes()
    assert b"D:20260101000000" in a.read_bytes()   # fixed creation date, not the clock


def test_scanned_render_is_deterministic_and_image_only(tmp_path: Path) -> None:
    import pypdfium2 as pdfium

    a, b = tmp_path / "a.pdf", tmp_path / "b.pdf"
    write_bill_pdf(a, [health_bill()], layout="2026", scanned=True)
    write_bill_pdf(b, [health_bill()], layout="2026", scanned=True)
    assert hashlib.sha256(a.read_bytes()).digest() == hashlib.sha256(b.read_bytes()).digest()
    doc = pdfium.PdfDocument(a)
    assert doc[0].get_textpage().get_text_range().strip() == ""


def test_merged_year_of_health_and_dental_gives_one_bill_each(tmp_path: Path) -> None:
    bills = []
    for month in range(1, 13):
        bills.append(health_bill(month=month, year=2026, amount_due=D("412.00")))
        bills.append(dental_bill(month=month, year=2026))
    bills.insert(5, credit_bill())          # one two-page bill in the middle
    pdf = tmp_path / "year.pdf"
    write_bill_pdf(pdf, bills, layout="2024")
    result = read(pdf)
    assert len(result.bills) == len(bills)
    page = 1
    for got, exp in zip(result.bills, bills):
        assert_same_bill(got, exp)
        assert got.source.page == page
        page += 2 if exp is bills[5] else 1
    assert {b.plan for b in result.bills} == {"health", "dental"}


def test_inconsistent_arithmetic_is_returned_with_a_warning(tmp_path: Path) -> None:
    bad = health_bill(amount_due=D("824.00"))
    pdf = tmp_path / "bad.pdf"
    write_bill_pdf(pdf, [bad], layout="2026")
    got = read(pdf).bills[0]
    assert got.amount_due == D("824.00")
    assert any(w.startswith(INCONSISTENT) for w in got.warnings)
    [w] = [w for w in got.warnings if "amount due shows" in w]
    assert w == ("bill is internally inconsistent: previous balance 412.00 - payments 412.00 + "
                 "adjustments 0.00 + charges 412.00 = 412.00 but amount due shows 824.00 "
                 "\u2014 evidence for the member")


def test_due_date_and_coverage_month_off_cycle_are_warned(tmp_path: Path) -> None:
    from datetime import date

    odd = health_bill(due_date=date(2026, 9, 25), coverage_month="2026-11")
    pdf = tmp_path / "odd.pdf"
    write_bill_pdf(pdf, [odd], layout="2024")
    warnings = read(pdf).bills[0].warnings
    assert any("due_date 2026-09-25 is not the 23rd" in w for w in warnings)
    assert any("coverage_month 2026-11 is not the month after" in w for w in warnings)


def _electric_bill(path: Path) -> None:
    pdf = FPDF()
    pdf.set_creation_date(__import__("datetime").datetime(2026, 1, 1))
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    for line in ["Eversource Energy - Electric Service Statement", "Account Number: 5123 4567 890",
                 "Statement Date: 09/01/2026", "Amount Due: $143.22", "Due Date: 09/25/2026",
                 "kWh used this period: 612"]:
        pdf.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))


def test_not_a_connector_bill_is_rejected_saying_so(tmp_path: Path) -> None:
    pdf = tmp_path / "electric.pdf"
    _electric_bill(pdf)
    imp = BillPdfImporter()
    assert imp.identify(pdf, pdf.read_bytes()[:8192])     # any PDF is claimed; extract decides
    with pytest.raises(UnknownFormat) as exc:
        imp.extract(pdf, "electric.pdf")
    assert NOT_A_BILL in str(exc.value)
    assert str(exc.value).startswith("electric.pdf: not a Health Connector bill")


def test_encrypted_pdf_is_rejected(tmp_path: Path) -> None:
    pdf = FPDF()
    pdf.set_encryption(owner_password="owner-secret", user_password="member-secret")
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.cell(0, 8, "Massachusetts Health Connector Premium Bill")
    path = tmp_path / "locked.pdf"
    pdf.output(str(path))
    with pytest.raises(InputError) as exc:
        read(path)
    assert ENCRYPTED in str(exc.value) and "encrypted" in str(exc.value)


def test_truncated_pdf_is_rejected_as_corrupt(tmp_path: Path) -> None:
    data = render_bill_pdf_bytes([health_bill()])
    path = tmp_path / "cut.pdf"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ParseError) as exc:
        read(path)
    assert CORRUPT in str(exc.value) and "truncated" in str(exc.value)


def test_garbled_pdf_is_rejected_as_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "garbled.pdf"
    path.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 20 + b"\n%%EOF\n")
    with pytest.raises(ParseError) as exc:
        read(path)
    assert str(exc.value).startswith("garbled.pdf: PDF is corrupt or truncated: ")


@pytest.mark.parametrize("head, claimed", [
    (b"%PDF-1.4\n...", True),
    (b"\xef\xbb\xbfjunk from a mail client\r\n%PDF-1.7\n", True),
    (b"x" * 2000 + b"%PDF-1.7", False),       # beyond the first 1 KiB: not a PDF header
    (b"Date,Description,Amount\n", False),
    (b"OFXHEADER:100\nDATA:OFXSGML\n", False),
])
def test_identify_claims_any_pdf_only(head: bytes, claimed: bool) -> None:
    assert BillPdfImporter().identify(Path("x"), head) is claimed


def test_cache_skips_extraction_on_a_rerun(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pdf = tmp_path / "bill.pdf"
    write_bill_pdf(pdf, [health_bill(), dental_bill()], layout="2022")
    cache = ParseCache(tmp_path / "cache")
    first = read(pdf, cache=cache)

    def boom(*a, **k):
        raise AssertionError("extraction ran although the cache holds this file")

    monkeypatch.setattr(BillPdfImporter, "_extract_pages", boom)
    second = read(pdf, cache=cache)
    assert second == first
    # A changed file is a new key: extraction runs again.
    write_bill_pdf(pdf, [health_bill(amount_due=D("1.00"))], layout="2022")
    with pytest.raises(AssertionError, match="extraction ran"):
        read(pdf, cache=cache)


@pytest.mark.skipif(tesseract_missing_reason() is not None,
                    reason=f"OCR test skipped: {tesseract_missing_reason()}")
def test_scanned_bill_is_read_by_ocr_with_confidences(tmp_path: Path) -> None:
    bill = health_bill()
    pdf = tmp_path / "scan.pdf"
    write_bill_pdf(pdf, [bill], layout="2024", scanned=True)
    result = read(pdf)
    got = result.bills[0]
    assert_same_bill(got, bill)
    conf = dict(got.confidence)
    for name in ("billing_account", "amount_due", "due_date", "bill_date", "premium"):
        assert 0.0 < conf[name] <= 1.0
    assert any("read by OCR" in n for n in result.notes)
    # Every uncertain field is named, none silently.
    for name, c in conf.items():
        if c < 0.80 and not name.startswith("coupon."):
            assert any(f"on {name}" in w for w in got.warnings)


def test_ocr_disabled_leaves_a_scanned_bill_unread(tmp_path: Path) -> None:
    pdf = tmp_path / "scan.pdf"
    write_bill_pdf(pdf, [replace(health_bill())], layout="2026", scanned=True)
    with pytest.raises(UnknownFormat):
        read(pdf, ocr=False)


def test_open_document_fails_as_pypdfium2_does(tmp_path: Path) -> None:
    import pypdfium2 as pdfium
    from pypdfium2 import raw

    from recon.importers.bills.pdf import _open_document

    locked = FPDF()
    locked.set_encryption(owner_password="owner-secret", user_password="member-secret")
    locked.add_page()
    garbled = b"%PDF-1.7\n" + bytes(range(256)) * 20 + b"\n%%EOF\n"
    for data in (bytes(locked.output()), garbled, b"", render_bill_pdf_bytes([health_bill()])[:500]):
        with pytest.raises(pdfium.PdfiumError) as want:
            pdfium.PdfDocument(data)
        with pytest.raises(pdfium.PdfiumError) as got:
            _open_document(data)
        assert str(got.value) == str(want.value) and got.value.err_code == want.value.err_code
    good = render_bill_pdf_bytes([health_bill(), credit_bill()])
    doc = _open_document(good)
    assert raw.FPDF_GetPageCount(doc) == len(pdfium.PdfDocument(good))
    raw.FPDF_CloseDocument(doc)


def test_has_text_is_the_non_space_count() -> None:
    import random

    from recon.importers.bills.pdf import MIN_TEXT_CHARS, _has_text

    rnd = random.Random(3)
    for _ in range(3000):
        n = rnd.choice([0, 5, 19, 20, 21, 255, 256, 257, 300, 2000])
        text = "".join(rnd.choice(" \t\n\r\u00a0\u2028x") for _ in range(n))
        assert _has_text(text) == (len("".join(text.split())) >= MIN_TEXT_CHARS), repr(text)
