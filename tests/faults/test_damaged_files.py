"""A damaged row or block is reported with its file and line, shown in the summary, and never
turned into a transaction: a CSV cut off inside its last row, an OFX block whose <STMTTRN> tag is
damaged."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from recon.api import run
from recon.report.table import render

ROWS = "".join(f"0{m}/10/2026,COMMONWEALTH HEA PREMIUM,-412.00\n" for m in range(1, 5))
OFX_HEAD = ("OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nSECURITY:NONE\nENCODING:USASCII\nCHARSET:1252\n"
            "COMPRESSION:NONE\nOLDFILEUID:NONE\nNEWFILEUID:NONE\n\n")


def _txn(i: int, tag: str = "<STMTTRN>") -> str:
    return (f"{tag}<TRNTYPE>DEBIT<DTPOSTED>2026012{i}<TRNAMT>-412.00<FITID>F{i}"
            "<NAME>COMMONWEALTH HEA PREMIUM</STMTTRN>\n")


def test_a_csv_cut_inside_its_last_row_keeps_the_whole_rows_only(tmp_path: Path):
    f = tmp_path / "bank.csv"
    f.write_text("Date,Description,Amount\n" + ROWS + "05/10/2026,COMMONWEALTH HEA PREMIUM,-41")
    report = run([f], date(2026, 6, 1), strict=True).report
    assert sorted(t.amount for t in report.transactions) == [-412] * 4     # no -41.00
    (inp,) = report.inputs
    assert inp.status == "ok" and any(n.startswith("line 6: the file ends inside this row") for n in inp.notes)
    assert "line 6: the file ends inside this row" in render(report)      # in the summary, not only -v


def test_a_csv_whose_last_row_is_whole_but_has_no_line_break_is_read(tmp_path: Path):
    f = tmp_path / "bank.csv"
    f.write_text("Date,Description,Amount\n" + ROWS.rstrip("\n"))
    report = run([f], date(2026, 6, 1), strict=True).report
    assert len(report.transactions) == 4 and not report.inputs[0].notes[1:]


def test_an_ofx_block_with_a_damaged_tag_is_named_not_dropped(tmp_path: Path):
    f = tmp_path / "bank.ofx"
    f.write_text(OFX_HEAD + "<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS><CURDEF>USD<BANKACCTFROM><ACCTID>1234"
                 "</BANKACCTFROM><BANKTRANLIST>\n" + _txn(1) + _txn(2, "<STMTTRX>") + _txn(3)
                 + "</BANKTRANLIST></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>\n")
    report = run([f], date(2026, 6, 1), strict=True).report
    assert len(report.transactions) == 2
    assert any(n.startswith("line 13: transaction data outside a <STMTTRN> block")
               for n in report.inputs[0].notes)


def _records(path: Path) -> list[tuple]:
    from recon.importers.csv import CsvBankImporter

    r = CsvBankImporter().extract(path, path.name)
    return [(x.date, x.amount, x.description) for x in r.records]


def test_a_bank_export_cut_at_every_byte_of_its_last_line_never_misreads_it(tmp_path: Path):
    # Every way a download can stop inside the last row: the rows before it read as before, and the
    # last row is either read whole (cut only in its trailing empty fields or line end) or not at all.
    from tests.conftest import SAMPLES

    src = SAMPLES / "bank" / "Chase4913_Activity_20260901_20261122.CSV"
    data = src.read_bytes()
    intact = _records(src)
    start = data.rstrip(b"\r\n").rfind(b"\n") + 1
    for cut in range(start + 1, len(data)):
        f = tmp_path / f"cut{cut}.csv"
        f.write_bytes(data[:cut])
        got = _records(f)
        assert got == intact or got == intact[:-1], (cut, data[start:cut])


def test_a_check_number_cut_at_the_end_of_a_file_is_not_read_as_another_number(tmp_path: Path):
    # The file ends inside the last row's check number ("1043" cut to "1"): no check 1 is invented.
    head = "Details,Posting Date,Description,Amount,Type,Balance,Check or Slip #\n"
    rows = "".join(f'CHECK,0{m}/18/2026,"CHECK 104{m}",-412.00,CHECK_PAID,1000.00,104{m}\n' for m in range(1, 5))
    f = tmp_path / "bank.csv"
    f.write_text(head + rows + 'CHECK,05/18/2026,"CHECK 1045",-412.00,CHECK_PAID,1000.00,1')
    records = _records(f)
    assert len(records) == 4
    from recon.importers.csv import CsvBankImporter

    notes = CsvBankImporter().extract(f, "bank.csv").notes
    assert any(n.startswith("line 6: the file ends inside this row") for n in notes)
