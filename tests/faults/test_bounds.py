"""Bounds no real input reaches, so a hostile file cannot take the memory or an hour: pages per
PDF, a page's size, scanned pages OCR'd per file, bytes per input file."""
from __future__ import annotations

from pathlib import Path

import pytest
from fpdf import FPDF

import recon.detect as detect
import recon.importers.bills.pdf as bill_pdf
from recon.errors import InputError, ParseError
from recon.importers.bills import BillPdfImporter


def _blank_pdf(path: Path, pages: int, size_in: float = 8.5) -> Path:
    pdf = FPDF(unit="in", format=(size_in, size_in))
    for _ in range(pages):
        pdf.add_page()
    pdf.output(str(path))
    return path


def test_too_many_pages_is_a_clear_rejection(tmp_path, monkeypatch):
    monkeypatch.setattr(bill_pdf, "MAX_PAGES", 5)
    with pytest.raises(ParseError, match="PDF has 6 pages; recon reads bill files of up to 5 pages"):
        BillPdfImporter(ocr=False).extract(_blank_pdf(tmp_path / "big.pdf", 6), "big.pdf")


def test_a_poster_sized_blank_page_is_not_rendered(tmp_path):
    f = _blank_pdf(tmp_path / "poster.pdf", 1, size_in=200)
    pages, notes = BillPdfImporter().read_pages(f.read_bytes(), "poster.pdf")
    assert pages[0].lines == [] and any("200 x 200 inches, larger than any bill page" in n for n in notes)


def test_scanned_pages_beyond_the_bound_are_not_ocrd(tmp_path, monkeypatch):
    monkeypatch.setattr(bill_pdf, "MAX_OCR_PAGES", 0)
    f = _blank_pdf(tmp_path / "blank.pdf", 3)
    pages, notes = BillPdfImporter().read_pages(f.read_bytes(), "blank.pdf")
    assert len(pages) == 3 and all("scanned pages were already read" in n for n in notes)


def test_an_input_over_the_size_bound_is_refused_before_it_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr(detect, "MAX_INPUT_BYTES", 100)
    f = tmp_path / "huge.csv"
    f.write_text("Date,Description,Amount\n" + "01/10/2026,X,-1.00\n" * 20)
    with pytest.raises(InputError, match="recon reads files of up to"):
        detect.identify(f, "huge.csv")


def test_a_line_of_megabytes_is_refused_before_it_is_decoded(tmp_path):
    # A 1 GB one-line CSV once took 79 s and 8.9 GB; a line no bank writes is refused at once.
    from recon.importers.csv import CsvBankImporter

    f = tmp_path / "one-line.csv"
    f.write_bytes(b"Date,Description,Amount\n01/10/2026," + b"A" * (3 << 20) + b",-412.00\n")
    with pytest.raises(ParseError, match="line 2 is longer than 1 MiB") as exc:
        CsvBankImporter().extract(f, "one-line.csv")
    assert len(str(exc.value)) < 400


def test_a_rejected_value_is_shown_cut_to_a_readable_length():
    err = InputError("could not parse amount", path="bank.csv", line=7, value="9" * 100_000)
    text = str(err)
    assert len(text) < 400 and "(100,000 characters)" in text


def test_an_ofx_file_over_its_bound_is_refused_with_a_message(tmp_path, monkeypatch):
    import recon.importers.ofx.importer as ofx

    monkeypatch.setattr(ofx, "MAX_OFX_BYTES", 1 << 20)
    f = tmp_path / "big.ofx"
    f.write_text("OFXHEADER:100\nDATA:OFXSGML\n\n<OFX>" + "<STMTTRN><TRNAMT>-1.00</STMTTRN>\n" * 40_000 + "</OFX>")
    with pytest.raises(ParseError, match="OFX file of 1 MiB; recon reads OFX files of up to 1 MiB"):
        ofx.OfxImporter().extract(f, "big.ofx")
