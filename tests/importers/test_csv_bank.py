"""CsvBankImporter: one test per quirk, inline files written to tmp_path."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from recon.errors import ConfigError, ParseError
from recon.importers.csv import CsvBankImporter
from recon.importers.csv import importer as csv_importer


def write(tmp_path: Path, text: str | bytes, name: str = "x.csv") -> Path:
    p = tmp_path / name
    if isinstance(text, str):
        p.write_bytes(text.encode("utf-8"))
    else:
        p.write_bytes(text)
    return p


def read(tmp_path: Path, text: str | bytes, **kw):
    p = write(tmp_path, text)
    imp = CsvBankImporter(**kw)
    assert imp.identify(p, p.read_bytes()[:8192])
    return imp.extract(p, "x.csv")


def amounts(res) -> list[str]:
    return [str(r.amount) for r in res.records]


def test_signed_amount_and_physical_lines(tmp_path):
    res = read(tmp_path, "Date,Payee,Amount\r\n03/02/2026,COMMONWEALTH HEA,-412.00\r\n"
                         "03/05/2026,PAYROLL,2400.00\r\n")
    assert amounts(res) == ["-412.00", "2400.00"]
    assert [r.source.line for r in res.records] == [2, 3]
    assert res.records[0].source.path == "x.csv"
    assert res.records[0].date == date(2026, 3, 2)


def test_cr_only_line_ends(tmp_path):
    res = read(tmp_path, "Date,Payee,Amount\r03/02/2026,A SHOP,-1.00\r03/03/2026,B SHOP,-2.00")
    assert [r.source.line for r in res.records] == [2, 3]


def test_cr_cr_lf_counts_empty_physical_lines(tmp_path):
    res = read(tmp_path, "Date,Payee,Amount\r\r\n03/02/2026,A SHOP,-1.00\r\r\n"
                         "03/03/2026,B SHOP,-2.00\r\r\n")
    assert [r.source.line for r in res.records] == [3, 5]


def test_trailing_delimiter_on_data_only(tmp_path):
    res = read(tmp_path, "Details,Posting Date,Description,Amount,Type,Balance,Check or Slip #\n"
                         "DEBIT,10/03/2026,\"STARBUCKS\",-4.50,DEBIT_CARD,1995.50,,\n")
    r = res.records[0]
    assert r.amount == Decimal("-4.50") and r.description == "STARBUCKS"
    assert res.balances[0].amount == Decimal("1995.50")


def test_trailing_delimiter_on_header_only(tmp_path):
    res = read(tmp_path, "Transaction Date,Transaction Description,Debit Amount,Credit Amount,Balance,\n"
                         "15/01/2024,ACME STORE,8.99,,2040.59\n01/12/2023,CLIENT CO,,500,2049.58\n")
    assert amounts(res) == ["-8.99", "500"]
    assert res.records[0].date == date(2024, 1, 15)  # 15/01 proves day-first


def test_day_first_proven_by_one_row(tmp_path):
    res = read(tmp_path, "Date,Details,Debit,Credit\n01/09/2017,A,,1.00\n02/09/2017,B,2.00,\n"
                         "13/09/2017,C,3.00,\n")
    assert [r.date for r in res.records] == [date(2017, 9, 1), date(2017, 9, 2), date(2017, 9, 13)]
    assert res.records[0].description == "A"


def test_month_first_default(tmp_path):
    res = read(tmp_path, "Date,Payee,Amount\n01/09/2017,A,-1.00\n")
    assert res.records[0].date == date(2017, 1, 9)


def test_unsigned_amount_with_type_column(tmp_path):
    res = read(tmp_path, 'Date,Description,Amount,Transaction Type\n6/12/15,A,"1,000.00",debit\n'
                         '6/13/15,B,"2,000.00",credit\n')
    assert amounts(res) == ["-1000.00", "2000.00"]


def test_af_bij_and_decimal_comma(tmp_path):
    res = read(tmp_path, '"Datum","Naam / Omschrijving","Af Bij","Bedrag (EUR)"\n'
                         '"20200213","Kosten","Af","1,25"\n"20200213","Kwijtschelding","Bij","1,25"\n'
                         '"20200213","Kwijtschelding","Bij","1,25"\n')
    assert amounts(res) == ["-1.25", "1.25", "1.25"]  # identical rows are two transactions


def test_semicolon_german_soll_haben_already_signed(tmp_path):
    text = ("Kontoauszug;;;;\n14.01.2009; - 19.01.2009;\nBuchungstag;Wert;Verwendungszweck;Soll;Haben\n"
            "14.01.09;14.01.09;\" AMAZON\";-99,99;\n15.01.09;15.01.09;LOHN;;1.234,56\n"
            "Kontostand (15.01.2009):;;;;9000,00\n")
    res = read(tmp_path, text.encode("latin-1"))
    assert amounts(res) == ["-99.99", "1234.56"]
    assert any("line 6" in n for n in res.notes)


def test_card_purchases_positive_by_type_contradiction(tmp_path):
    text = ("2013/01/17,2013/01/16,1,DEBIT,2226,\"SHOP A\",30.00\n"
            "2013/01/18,2013/01/17,2,DEBIT,2226,\"SHOP B\",4.60\n"
            "2013/01/19,2013/01/19,3,CREDIT,2226,\"PAYMENT\",-500.00\n")
    res = read(tmp_path, text)
    assert amounts(res) == ["-30.00", "-4.60", "500.00"]
    assert res.records[0].date == date(2013, 1, 17)  # first date column = processed date


def test_type_contradicting_one_row_trusts_amount(tmp_path):
    text = ("DEBIT,20091224120000[0:GMT],\"HOST\",-85.00\nCREDIT,20091223120000[0:GMT],\"PAY\",3520.00\n"
            "CREDIT,20091211120000[0:GMT],\"PAYPAL\",-116.22\n")
    res = read(tmp_path, text)
    assert amounts(res) == ["-85.00", "3520.00", "-116.22"]
    assert res.records[0].date == date(2009, 12, 24)


def test_accounting_parentheses_and_missing_zero(tmp_path):
    res = read(tmp_path, 'DEBIT,2011/12/24,"HOST",($85.00)\nDEBIT,2006/12/24,"WEB",$.23\n')
    assert amounts(res) == ["-85.00", "0.23"]


def test_sign_space_dollar(tmp_path):
    res = read(tmp_path, '" ID","Datetime","Note","Amount (total)","Amount (fee)"\n'
                         '"1","2017-04-25T03:15:53","Tutoring","- $220.00",""\n'
                         '"2",2017-09-06T05:10:45,"Rent","+ $1,150.00",""\n')
    assert amounts(res) == ["-220.00", "1150.00"]
    assert res.records[1].date == date(2017, 9, 6)


def test_header_separated_by_comma_space(tmp_path):
    res = read(tmp_path, 'Date, Time, Name, Amount, Balance,\n"12/31/2016","23:59:59","Some User","-12.34","0.00",\n')
    assert amounts(res) == ["-12.34"] and res.records[0].payee == "Some User"


def test_title_line_and_notice_lines(tmp_path):
    text = ('Transactions for Checking account as of 12/23/2020\n'
            '"Date","Type","Check #","Description","Withdrawal (-)","Deposit (+)","RunningBalance"\n'
            '"Pending Transactions are not reflected."\n"Posted Transactions"\n'
            '"07/30/2021","ATMREBATE","","ATM Fee Rebate","","$3.00","$20,053.01"\n'
            '"11/13/2020","TRANSFER","","Funds Transfer","$10,500.00","","$50.01"\n')
    res = read(tmp_path, text)
    assert amounts(res) == ["3.00", "-10500.00"]
    assert any("line 3" in n for n in res.notes) and any("line 4" in n for n in res.notes)


def test_bare_comma_lines_and_disclaimer_footer(tmp_path):
    text = (",,,,\n,,,,\nRun Date,Action,Symbol,Amount ($),Settlement Date\n"
            "01/27/2023, DIRECT DEBIT TREASURY,  ,-10000,\n01/19/2023, PAYROLL,  ,1001.1,\n,,,,\n"
            "The data in this spreadsheet is for your use only,,,,\nDate downloaded 01/24/2023 10:28 am,,,,\n")
    res = read(tmp_path, text)
    assert amounts(res) == ["-10000", "1001.1"]
    assert any("line 7" in n for n in res.notes) and any("line 8" in n for n in res.notes)


def test_repeated_header_and_blank_lines(tmp_path):
    text = "\r\r\rDate,Payee,Amount\r6/12/15,A,-1.00\r6/13/15,B,2.00\rDate,Payee,Amount"
    res = read(tmp_path, text)
    assert len(res.records) == 2 and res.records[0].source.line == 5
    assert any("repeated header" in n for n in res.notes)


def test_opening_balance_row_is_not_a_transaction(tmp_path):
    text = ('"Data","Historico","Valor",\n"10/31/2012","Saldo Anterior","100.00",\n'
            '"11/01/2012","Compra","-1.00",\n')
    res = read(tmp_path, text)
    assert amounts(res) == ["-1.00"]
    assert res.balances[0].amount == Decimal("100.00")
    assert any("line 2: balance row skipped" in n for n in res.notes)


def test_bofa_summary_preamble(tmp_path):
    text = ('Description,,Summary Amt.\nBeginning balance as of 03/01/2026,,"1,615.11"\n'
            'Total credits,,"2,400.00"\n\nDate,Description,Amount,Running Bal.\n'
            '03/01/2026,Beginning balance as of 03/01/2026,,"1,615.11"\n'
            '03/02/2026,"COMMONWEALTH HEA DES:PREMIUM",-412.00,"1,203.11"\n')
    res = read(tmp_path, text)
    assert amounts(res) == ["-412.00"] and res.records[0].source.line == 7
    assert any("line 6: balance row skipped" in n for n in res.notes)


def test_totals_row_skipped(tmp_path):
    res = read(tmp_path, "Date,Payee,Amount\n03/02/2026,A,-1.00\n03/31/2026,Total,-1.00\n")
    assert len(res.records) == 1 and any("line 3: totals row skipped" in n for n in res.notes)


def test_tab_no_header_split_debit_credit(tmp_path):
    rows = ["18.09.2017\tHOFER DANKT\t18.09.2017\t\t33,87", "19.09.2017\tLIDL\t16.09.2017\t\t8,97",
            "20.09.2017\tUeberweisung\t20.09.2017\t24,00\t", "A null transaction\t\t\t\t",
            "21.09.2017\tBANKOMAT\t21.09.2017\t\t90,00"]
    res = read(tmp_path, ("\n".join(rows) + "\n").encode("latin-1"))
    assert amounts(res) == ["-33.87", "-8.97", "24.00", "-90.00"]
    assert any("line 4" in n for n in res.notes)


def test_cp1252_and_latin1_and_cp1250(tmp_path):
    res = read(tmp_path, '"Date","Remarque","Montant"\n"2012/3/24","CAFÉ — €20","-20.00"\n'.encode("cp1252"))
    assert res.records[0].description == "CAFÉ — €20" and res.records[0].date == date(2012, 3, 24)
    czech = ("Datum provedení;Datum zaúčtování;Zpráva;Zaúčtovaná částka;Měna účtu\n"
             '27.05.2018;"27.05.2018";"Memo for me";"-1,00";"CZK"\n').encode("cp1250")
    res = read(tmp_path, czech)
    assert amounts(res) == ["-1.00"] and "Memo for me" in res.records[0].description


def test_utf16_and_bom(tmp_path):
    text = "Date,Payee,Amount\n03/02/2026,Zoë,-1.00\n"
    assert read(tmp_path, text.encode("utf-16")).records[0].description == "Zoë"
    assert read(tmp_path, b"\xef\xbb\xbf" + text.encode()).records[0].description == "Zoë"


def test_nul_in_header_and_comment_line(tmp_path):
    res = read(tmp_path, b"# comment line\nDate;Amount\x00\n12/03/2010;10.00\n13/03/2010;42.00")
    assert [r.date for r in res.records] == [date(2010, 3, 12), date(2010, 3, 13)]


def test_backslash_escaped_apostrophes(tmp_path):
    res = read(tmp_path, '"DATE DE L\\\'EXECUTION";"MONTANT";"DETAIL"\n"07/01/2009";"-10,00";"L\\\'ORDRE 10,00-"\n')
    assert amounts(res) == ["-10.00"] and res.records[0].description == "L'ORDRE 10,00-"


def test_missing_opening_quote_is_read(tmp_path):
    res = read(tmp_path, '"IBAN","Datum","Bedrag","Omschrijving"\nNL77RABO03",'
                         '"2018-03-14","+50,00","Loterij"\n')
    assert amounts(res) == ["50.00"]


def test_unescaped_quotes_in_quoted_field_rejected(tmp_path):
    p = write(tmp_path, 'Post Date,Amount,Description\n"08/29/2013","-125.00","CHECK "A" # 2756"\n')
    with pytest.raises(ParseError) as exc:
        CsvBankImporter().extract(p, "quotes.csv")
    assert exc.value.path == "quotes.csv" and exc.value.line == 2


def test_bad_amount_is_parse_error(tmp_path):
    p = write(tmp_path, 'Date,Payee,Amount\n03/02/2026,A,1.00\n03/03/2026,B,"12,0O"\n')
    with pytest.raises(ParseError) as exc:
        CsvBankImporter().extract(p, "x.csv")
    assert exc.value.line == 3 and exc.value.value == "12,0O"


def test_bad_amount_value_reported(tmp_path):
    p = write(tmp_path, 'Date,Payee,Amount\n03/02/2026,A,"56.77invalid"\n')
    with pytest.raises(ParseError) as exc:
        CsvBankImporter().extract(p, "x.csv")
    assert exc.value.value == "56.77invalid" and 'column "Amount"' in (exc.value.rule or "")


def test_impossible_date_is_parse_error(tmp_path):
    p = write(tmp_path, "Date,Payee,Amount\n02/31/2026,A,-1.00\n")
    with pytest.raises(ParseError):
        CsvBankImporter().extract(p, "x.csv")


def test_no_year_dates_take_statement_period(tmp_path):
    text = ("3,'Staatnommer','Vanaf Datum','Tot Datum'\n3,75,'28 Februarie 2016','28 Maart 2016'\n"
            "5,'Nommer','Datum','Beskrywing1','Bedrag','Saldo'\n5,1,'01 Mrt',\"Bank Fee\",-500.00,40000.00\n"
            "6,'END'\n")
    res = read(tmp_path, text)
    assert res.records[0].date == date(2016, 3, 1) and amounts(res) == ["-500.00"]


def test_one_digit_year(tmp_path):
    res = read(tmp_path, "10-Nov-9,-123.12,,,TRANSFER,MORTGAGE,0.00,\n28-Oct-10,-1.00,,,X,Y,0.00,\n")
    assert [r.date for r in res.records] == [date(2009, 11, 10), date(2010, 10, 28)]


def test_check_number_from_column_and_description(tmp_path):
    res = read(tmp_path, "Date,Description,Amount,Check Number\n03/05/2026,CHECK PAID,-250.00,1043\n"
                         "03/06/2026,CHECK 1044,-10.00,\n")
    assert [r.check_number for r in res.records] == ["1043", "1044"]


def test_pending_status_and_pending_date_are_not_counted(tmp_path):
    # pending rows are read and noted, never records (tests/importers/test_csv_signs_pending.py)
    res = read(tmp_path, "Date,Description,Amount,Status\n03/02/2026,A,-1.00,Posted\n"
                         "Pending,B,-2.00,Pending\n")
    assert [(r.description, r.pending) for r in res.records] == [("A", False)]
    assert any(n.startswith("1 pending row not counted (line 3)") for n in res.notes)


def test_amex_header_means_purchases_positive(tmp_path):
    # "Date,Description,Amount" exactly is the Amex layout (profile amex): amounts negated
    res = read(tmp_path, "Date,Description,Amount\n01/18/2026,NOODLES,62.50\n")
    assert amounts(res) == ["-62.50"]


def test_header_only_file_has_no_records(tmp_path):
    res = read(tmp_path, "Date,Payee,Amount\n")
    assert res.records == ()


def test_identify_rejects_ofx_pdf_and_register(tmp_path):
    imp = CsvBankImporter()
    assert not imp.identify(tmp_path / "a", b"OFXHEADER:100\nDATA:OFXSGML\n<OFX>")
    assert not imp.identify(tmp_path / "a", b'<?xml version="1.0"?>\n<?OFX OFXHEADER="200"?><OFX>')
    assert not imp.identify(tmp_path / "a", b"%PDF-1.7\n")
    assert not imp.identify(tmp_path / "a", b"Check #,Date,Payee,Amount,Memo\n1043,03/01/2026,MA Health Connector,412.00,700000001\n")
    assert not imp.identify(tmp_path / "a", b"just some words\nand more words\n")


def test_forced_profile_and_unknown_profile(tmp_path):
    p = write(tmp_path, "Date,Description,Amount\n01/18/2026,SHOP,62.50\n")
    assert CsvBankImporter(profile="amex").extract(p, "x").records[0].amount == Decimal("-62.50")
    with pytest.raises(ConfigError) as exc:
        CsvBankImporter(profile="no-such-bank")
    assert "chase-checking" in str(exc.value)


def test_account_kept_from_column(tmp_path):
    res = read(tmp_path, "Account Number,Transaction Description,Transaction Date,Transaction Type,"
                         "Transaction Amount,Balance\n1234,Deposit,10/05/26,Credit,500.00,10500.00\n")
    assert res.records[0].account == "1234" and res.records[0].date == date(2026, 10, 5)


@pytest.mark.parametrize("fast", [False, True])
def test_running_balance_ends_each_kept_once(tmp_path, fast, monkeypatch):
    if fast:
        monkeypatch.setattr(csv_importer, "FAST_MIN_BYTES", 1)   # the columnar kernel on any size
    head = "Details,Posting Date,Description,Amount,Type,Balance,Check or Slip #\n"
    one = head + "DEBIT,03/02/2026,COMMONWEALTH HEA,-412.00,ACH_DEBIT,1588.00,,\n" \
                 "DEBIT,03/03/2026,A SHOP,-1.00,DEBIT_CARD,,,\n"
    res = CsvBankImporter().extract(write(tmp_path, one), "one.csv")
    assert (type(res.records).__name__ == "RecordColumns") == fast   # the path under test was taken
    assert [(b.source.line, b.amount) for b in res.balances] == [(2, Decimal("1588.00"))]
    two = head + "DEBIT,03/02/2026,COMMONWEALTH HEA,-412.00,ACH_DEBIT,1588.00,,\n" \
                 "DEBIT,03/03/2026,A SHOP,-1.00,DEBIT_CARD,1587.00,,\n"
    res = CsvBankImporter().extract(write(tmp_path, two, "two.csv"), "two.csv")
    assert [(b.source.line, b.amount) for b in res.balances] == [(2, Decimal("1588.00")), (3, Decimal("1587.00"))]
