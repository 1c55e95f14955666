"""CheckRegisterImporter: a member's check register CSV -> CheckEntry values."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from recon.errors import ParseError
from recon.importers.csv import CsvBankImporter
from recon.importers.register import CheckRegisterImporter, looks_like_check_register

REGISTER = ("Check #,Date Written,Pay To,Amount,Memo\n"
            "1043,03/01/2026,MA Health Connector,412.00,acct 700123456 April\n"
            "1044,03/02/2026,City Water,\"$1,050.25\",\n")


def test_reads_register(tmp_path):
    p = tmp_path / "register.csv"
    p.write_text(REGISTER)
    imp = CheckRegisterImporter()
    assert imp.identify(p, p.read_bytes())
    res = imp.extract(p, "register.csv")
    assert res.kind == "check_register"
    a, b = res.checks
    assert (a.number, a.date_written, a.payee, a.amount) == ("1043", date(2026, 3, 1),
                                                             "MA Health Connector", Decimal("412.00"))
    assert "700123456" in a.memo and a.source.line == 2
    assert b.amount == Decimal("1050.25") and b.source.line == 3


def test_bank_importer_does_not_claim_register(tmp_path):
    p = tmp_path / "register.csv"
    p.write_text(REGISTER)
    assert not CsvBankImporter().identify(p, p.read_bytes())


@pytest.mark.parametrize("header, expected", [
    (["Number", "Date", "Payee", "Amount", "Memo"], True),
    (["Check No", "Date", "Pay To", "Amount"], True),
    (["Num", "Date", "Payee", "Amount"], True),
    (["Details", "Posting Date", "Description", "Amount", "Type", "Balance", "Check or Slip #"], False),
    (["Date", "Description", "Amount"], False),
    (["Check Number", "Date", "Payee", "Amount", "Balance"], False),
])
def test_looks_like_check_register(header, expected):
    assert looks_like_check_register(header) is expected


def test_negative_amount_is_made_positive(tmp_path):
    p = tmp_path / "r.csv"
    p.write_text("Number,Date,Payee,Amount\n1050,2026-04-01,Connector,-412.00\n")
    assert CheckRegisterImporter().extract(p, "r.csv").checks[0].amount == Decimal("412.00")


def test_bad_amount_row_is_parse_error(tmp_path):
    p = tmp_path / "r.csv"
    p.write_text("Number,Date,Payee,Amount\n1050,03/01/2026,Connector,12,0O\n")
    p.write_text('Number,Date,Payee,Amount\n1050,03/01/2026,Connector,"12,0O"\n')
    with pytest.raises(ParseError) as exc:
        CheckRegisterImporter().extract(p, "r.csv")
    assert (exc.value.path, exc.value.line, exc.value.value) == ("r.csv", 2, "12,0O")
    assert exc.value.rule


def test_bad_date_row_is_parse_error(tmp_path):
    p = tmp_path / "r.csv"
    p.write_text("Number,Date,Payee,Amount\n1050,someday,Connector,412.00\n")
    with pytest.raises(ParseError) as exc:
        CheckRegisterImporter().extract(p, "r.csv")
    assert exc.value.line == 2 and exc.value.value == "someday"


def test_blank_lines_skipped_with_note(tmp_path):
    p = tmp_path / "r.csv"
    p.write_text("Number,Date,Payee,Amount\n\n1050,03/01/2026,Connector,412.00\n,,,\n")
    res = CheckRegisterImporter().extract(p, "r.csv")
    assert len(res.checks) == 1 and res.checks[0].source.line == 3
    assert any("line 4" in n for n in res.notes)


def test_not_a_register_rejected_by_identify(tmp_path):
    p = tmp_path / "b.csv"
    p.write_text("Date,Description,Amount\n03/01/2026,X,1.00\n")
    assert not CheckRegisterImporter().identify(p, p.read_bytes())
    assert not CheckRegisterImporter().identify(p, b"%PDF-1.4")


def test_bad_quoting_in_a_register_names_its_file_and_line(tmp_path):
    from recon.detect import identify
    from recon.errors import ParseError
    from recon.importers.register import CheckRegisterImporter

    f = tmp_path / "register.csv"
    f.write_text('Check Number,Date,Payee,Amount,Memo\n'
                 '1043,01/05/2026,"MA Health Connector" x,412.00,Acct 712345678\n'
                 '1044,02/05/2026,MA Health Connector,412.00,Acct 712345678\n')
    imp = identify(f, "register.csv")
    assert isinstance(imp, CheckRegisterImporter)
    with pytest.raises(ParseError) as exc:
        imp.extract(f, "register.csv")
    assert str(exc.value).startswith("register.csv:2: malformed CSV quoting")
