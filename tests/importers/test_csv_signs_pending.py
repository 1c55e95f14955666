"""Bank CSVs: content decides over a generic header (explicit sign markers keep their sign), and
pending rows are read, noted and never become records.

Rule 1. "Date,Description,Amount" is the Amex profile's header (purchases positive, negated) and
also any bank's. A purchases-positive card profile does not claim a file whose amounts state
their sign ("412.00 DR", "412.00-", "(412.00)", "$-412.00"), whose negatives outnumber its
positives, which writes a Connector premium negative, or which has rows no card statement has
(payroll, ACH entries, checks, deposits, transfers); on a generic header it also needs evidence of
the card (more charges than credits, or the issuer's own wording). DR/CR in a cell keeps its sign
in every style, even under a forced card profile.

Rule 2. A row whose status (or type) column, or date column, says it is pending is not a
transaction yet: it is left out of the records and counted in the notes.
"""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from recon.importers.csv import CsvBankImporter
from recon.importers.csv import importer as csv_importer
from recon.importers.csv.columns import RecordColumns

CONNECTOR = "ACH DEBIT COMMONWEALTH HEA WEB PMT"


@pytest.fixture
def columnar(monkeypatch):
    """Lets the columnar kernel claim files of any size (it reads files of 2 MiB or more)."""
    monkeypatch.setattr(csv_importer, "FAST_MIN_BYTES", 1)


def extract(tmp_path: Path, text: str, name: str = "bank.csv", **kw):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return CsvBankImporter(**kw).extract(p, name)


def amounts(res) -> list[str]:
    return [str(r.amount) for r in res.records]


# ------------------------------------------------------------------------------------ rule 1
# (case, csv text, expected layout, expected amounts)
BANK_FILES = [
    ("dr_cr_suffix", 'Date,Description,Amount\n10/02/2026,"PAYROLL ACME","2450.00 CR"\n'
     f'10/15/2026,"{CONNECTOR}","412.00 DR"\n', "generic", ["2450.00", "-412.00"]),
    ("dr_suffix_only_debits", 'Date,Description,Amount\n10/03/2026,"GROCER 22","54.20 DR"\n'
     f'10/15/2026,"{CONNECTOR}","412.00 DR"\n', "generic", ["-54.20", "-412.00"]),
    ("trailing_minus_tie", 'Date,Description,Amount\n10/02/2026,"SALARY OCT",2450.00\n'
     f'10/15/2026,"{CONNECTOR}",412.00-\n', "generic", ["2450.00", "-412.00"]),
    ("trailing_minus_mostly_positive", 'Date,Description,Amount\n10/01/2026,"REFUND A",10.00\n'
     '10/02/2026,"REFUND B",20.00\n10/15/2026,"PREMIUM",412.00-\n', "generic",
     ["10.00", "20.00", "-412.00"]),
    ("dollar_then_minus", 'Date,Description,Amount\n10/02/2026,"SALARY","$2,450.00"\n'
     f'10/15/2026,"{CONNECTOR}","$-412.00"\n', "generic", ["2450.00", "-412.00"]),
    ("minus_then_dollar", 'Date,Description,Amount\n10/02/2026,"SALARY","$2,450.00"\n'
     '10/15/2026,"HEALTH PREMIUM","-$412.00"\n', "generic", ["2450.00", "-412.00"]),
    ("parentheses", 'Date,Description,Amount\n10/02/2026,"SALARY",2450.00\n10/03/2026,"RENT",1200.00\n'
     '10/15/2026,"PREMIUM","(412.00)"\n', "generic", ["2450.00", "1200.00", "-412.00"]),
    ("leading_plus", 'Date,Description,Amount\n10/02/2026,"SALARY",+2450.00\n'
     '10/15/2026,"PREMIUM",-412.00\n', "generic", ["2450.00", "-412.00"]),
    # plain signs, one positive one negative: the negative is the Connector's premium
    ("negative_connector_premium", 'Date,Description,Amount\n10/02/2026,"GROCER REFUND",54.20\n'
     f'10/15/2026,"{CONNECTOR}",-412.00\n', "generic", ["54.20", "-412.00"]),
    # plain signs, mostly positive, but rows no card statement has
    ("bank_only_rows", 'Date,Description,Amount\n10/01/2026,"DIRECT DEPOSIT ACME",2450.00\n'
     '10/02/2026,"TRANSFER FROM SAVINGS 1234",100.00\n10/03/2026,"GROCER 22",-54.20\n',
     "generic", ["2450.00", "100.00", "-54.20"]),
    ("check_row", 'Date,Description,Amount\n10/01/2026,"CHECK 1043",412.00\n'
     '10/02/2026,"MOBILE DEPOSIT",300.00\n', "generic", ["412.00", "300.00"]),
    # plain signs, tie, no evidence either way: any bank's header, read as written
    ("tie_no_evidence", 'Date,Description,Amount\n10/02/2026,"SHOP A",54.20\n'
     '10/15/2026,"SHOP B",-12.00\n', "generic", ["54.20", "-12.00"]),
    # mostly negative (the rule before this change, still there)
    ("mostly_negative", 'Date,Description,Amount\n03/24/2026,"PREMIUM",-412.00\n'
     '03/25/2026,"STOP & SHOP",-54.20\n03/26/2026,"SALARY",2150.00\n', "generic",
     ["-412.00", "-54.20", "2150.00"]),
    # other header words: never the card profile, markers read the same
    ("posted_date_header", 'Posted Date,Description,Amount\n10/02/2026,"PAYROLL ACME","2450.00 CR"\n'
     f'10/15/2026,"{CONNECTOR}","412.00 DR"\n', "generic", ["2450.00", "-412.00"]),
    ("tab_separated_drcr", f'Date\tDescription\tAmount\n10/02/2026\tPAYROLL ACME\t2450.00 CR\n'
     f'10/15/2026\t{CONNECTOR}\t412.00 DR\n', "generic", ["2450.00", "-412.00"]),
    ("semicolon_trailing_minus", f'Datum;Omschrijving;Bedrag\n02-10-2026;SALARIS;2450,00\n'
     f'15-10-2026;{CONNECTOR};412,00-\n', "generic", ["2450.00", "-412.00"]),
    # another bank's profile (BofA checking, signed): DR/CR and trailing minus keep their sign
    ("bofa_checking_drcr", 'Date,Description,Amount,Running Bal.\n10/02/2026,"PAYROLL","2450.00 CR",'
     f'"2,450.00"\n10/15/2026,"{CONNECTOR}",412.00-,"2,038.00"\n', "bofa-checking",
     ["2450.00", "-412.00"]),
    ("chase_card_trailing_minus", 'Transaction Date,Post Date,Description,Category,Type,Amount,Memo\n'
     '10/01/2026,10/02/2026,GROCER,Food,Sale,54.20-,\n10/03/2026,10/04/2026,PAYMENT,,Payment,300.00,\n',
     "chase-card", ["-54.20", "300.00"]),
]


@pytest.mark.parametrize("case,text,layout,want", BANK_FILES, ids=[c[0] for c in BANK_FILES])
def test_content_decides_over_a_generic_header(tmp_path, case, text, layout, want):
    res = extract(tmp_path, text)
    assert res.notes[0] == f"layout: {layout}", res.notes
    assert amounts(res) == want
    assert all(isinstance(r.amount, Decimal) for r in res.records)
    # identify still claims the file (as a bank CSV)
    p = tmp_path / "bank.csv"
    assert CsvBankImporter().identify(p, p.read_bytes())


# Real card exports written purchases-positive: still read as money out.
CARD_FILES = [
    ("amex_fixed_width", "Date,Description,Amount\n"
     "01/18/2026,SIMPLY NOODLES 00-08NEW YORK            NY,62.50\n"
     "01/17/2026,LA MAISON DU CHOCOLANew York            NY,-10.89\n"
     "01/16/2026,LA MAISON DU CHOCOLANew York            NY,10.89\n"
     "01/16/2026,PEAK RESTAURANT 2867NEW YORK            NY,149.94\n",
     "amex", ["-62.50", "10.89", "-10.89", "-149.94"]),
    ("amex_one_row", "Date,Description,Amount\n01/18/2026,NOODLES,62.50\n", "amex", ["-62.50"]),
    # a tie, but Amex's own wording (a payment "- THANK YOU", fixed-width city/state)
    ("amex_tie_payment_thank_you", "Date,Description,Amount\n01/18/2026,SHELL OIL,62.50\n"
     "01/19/2026,ONLINE PAYMENT - THANK YOU,-62.50\n", "amex", ["-62.50", "62.50"]),
    ("amex_tie_fixed_width", "Date,Description,Amount\n"
     "01/18/2026,NOODLE BAR 00-08NEW YORK            NY,62.50\n01/09/2026,AMEX Dining Credit,-25.00\n",
     "amex", ["-62.50", "25.00"]),
    # the Connector's premium charged to the card is a purchase (positive on the card)
    ("amex_connector_charge", "Date,Description,Amount\n10/15/2026,COMMONWEALTH HEALTH INS CONN,412.00\n"
     "10/16/2026,GROCER,54.20\n10/20/2026,PAYMENT - THANK YOU,-466.20\n", "amex",
     ["-412.00", "-54.20", "466.20"]),
    # Amex's own header words: the header is evidence, a tie stays Amex
    ("amex_card_member_header", "Date,Description,Card Member,Account #,Amount\n"
     "01/18/2026,SHOP A,J DOE,-12345,62.50\n01/19/2026,SHOP B,J DOE,-12345,-62.50\n", "amex",
     ["-62.50", "62.50"]),
    ("discover", "Trans. Date,Post Date,Description,Amount,Category\n"
     '10/05/2026,10/06/2026,"TRADER JOE S #552",54.21,"Supermarkets"\n'
     '10/07/2026,10/08/2026,"INTERNET PAYMENT - THANK YOU",-54.21,"Payments and Credits"\n',
     "discover", ["-54.21", "54.21"]),
]


@pytest.mark.parametrize("case,text,layout,want", CARD_FILES, ids=[c[0] for c in CARD_FILES])
def test_card_exports_still_read_purchases_as_money_out(tmp_path, case, text, layout, want):
    res = extract(tmp_path, text)
    assert res.notes[0] == f"layout: {layout}", res.notes
    assert amounts(res) == want


@pytest.mark.parametrize("fast", [False, True])
def test_dr_cr_keep_their_sign_under_a_forced_card_profile(tmp_path, fast, request):
    if fast:
        request.getfixturevalue("columnar")
    text = ('Date,Description,Amount\n10/02/2026,"SHOP",62.50\n10/03/2026,"REFUND","25.00 CR"\n'
            f'10/15/2026,"{CONNECTOR}","412.00 DR"\n10/16/2026,"PAYMENT",-100.00\n')
    res = extract(tmp_path, text, profile="amex")
    assert res.notes[0] == "layout: amex"
    assert amounts(res) == ["-62.50", "25.00", "-412.00", "100.00"]


def test_columnar_kernel_keeps_a_stated_sign(tmp_path, columnar):
    rows = "".join(f'10/{1 + i % 28:02d}/2026,"SHOP {i}","{i}.25 {"DR" if i % 3 else "CR"}"\n'
                   for i in range(1, 400))
    p = tmp_path / "big.csv"
    p.write_text("Date,Description,Amount\n" + rows)
    res = CsvBankImporter().extract(p, "big.csv")
    assert isinstance(res.records, RecordColumns)
    assert [str(r.amount) for r in res.records[:3]] == ["-1.25", "-2.25", "3.25"]


# ------------------------------------------------------------------------------------ rule 2
# (case, csv text, descriptions kept, pending lines)
PENDING_FILES = [
    ("status_pending", f'Date,Description,Amount,Status\n09/15/2026,"{CONNECTOR}",-412.00,Posted\n'
     f'10/15/2026,"{CONNECTOR}",-412.00,Pending\n', [CONNECTOR], [3]),
    ("status_upper", 'Date,Description,Amount,Status\n09/15/2026,"A",-1.00,POSTED\n'
     '10/15/2026,"B",-2.00,PENDING\n10/16/2026,"C",-3.00, pending \n', ["A"], [3, 4]),
    ("status_memo_posted", 'Date,Description,Amount,Status\n09/15/2026,"A",-1.00,Posted\n'
     '10/15/2026,"B",-2.00,Memo\n', ["A"], [3]),
    ("transaction_status_column", 'Posting Date,Payee,Amount,Transaction Status\n'
     '09/15/2026,"A",-1.00,Cleared\n10/15/2026,"B",-2.00,Pending\n', ["A"], [3]),
    ("type_column_says_pending", 'Date,Description,Amount,Type\n09/15/2026,"A",-1.00,Posted\n'
     '10/15/2026,"B",-2.00,Pending\n', ["A"], [3]),
    ("pending_in_date_column", 'Date,Description,Amount\n09/15/2026,"A",-1.00\nPending,"B",-2.00\n',
     ["A"], [3]),
    ("every_row_pending", 'Date,Description,Amount,Status\n10/15/2026,"B",-2.00,Pending\n', [], [2]),
    # profiles with a status column
    ("schwab_checking", '"Date","Status","Type","CheckNumber","Description","Withdrawal","Deposit",'
     '"RunningBalance"\n"03/02/2026","Posted","ACH","","COMMONWEALTH HEA PREMIUM","$412.00","",'
     '"$1,203.11"\n"03/06/2026","Pending","ACH","","ACME PAYROLL","","$2,400.00","$3,603.11"\n',
     ["COMMONWEALTH HEA PREMIUM"], [3]),
    ("usaa", 'Date,Description,Original Description,Category,Amount,Status\n'
     '2026-03-02,"Health Connector","COMMONWEALTH HEA PREMIUM",Insurance,-412.00,Pending\n'
     '2026-03-06,"Paycheck","ACME DIRECT DEP",Paycheck,2400.00,Posted\n',
     ["Paycheck ACME DIRECT DEP"], [2]),
    ("cu_debit_credit", 'Account Number,Post Date,Check,Description,Debit,Credit,Status,Balance\n'
     '9999,03/02/2026,,"EFT ACH COMMONWEALTH HEA PREMIUM",412.00,,Posted,1203.11\n'
     '9999,03/03/2026,,"GROCER",54.20,,Pending,1148.91\n', ["EFT ACH COMMONWEALTH HEA PREMIUM"], [3]),
    ("citi_card", 'Status,Date,Description,Debit,Credit\nCleared,03/04/2026,"GROCER 22",54.20,\n'
     'Pending,03/10/2026,"BOOKSHOP",12.00,\n', ["GROCER 22"], [3]),
    # the word "pending" in a payee name or description is not a status
    ("pending_in_payee_no_status", 'Date,Description,Amount\n10/15/2026,"PENDING HOLDINGS LLC",-50.00\n'
     '10/16/2026,"REFUND PENDING REVIEW",12.00\n', ["PENDING HOLDINGS LLC", "REFUND PENDING REVIEW"], []),
    ("pending_in_payee_posted", 'Date,Description,Amount,Status\n10/15/2026,"PENDING HOLDINGS LLC",-50.00,'
     'Posted\n10/16/2026,"Pending",-5.00,Posted\n', ["PENDING HOLDINGS LLC", "Pending"], []),
    ("pending_in_memo_column", 'Date,Description,Amount,Memo\n10/15/2026,"SHOP",-50.00,pending\n',
     ["SHOP pending"], []),
]


@pytest.mark.parametrize("case,text,kept,lines", PENDING_FILES, ids=[c[0] for c in PENDING_FILES])
@pytest.mark.parametrize("fast", [False, True])
def test_pending_rows_are_noted_not_counted(tmp_path, case, text, kept, lines, fast, request):
    if fast:
        request.getfixturevalue("columnar")
    res = extract(tmp_path, text)
    assert [r.description for r in res.records] == kept
    assert not any(r.pending for r in res.records)
    notes = [n for n in res.notes if "pending row" in n]
    if lines:
        shown = ", ".join(map(str, lines))
        word = "rows" if len(lines) > 1 else "row"
        assert notes == [f"{len(lines)} pending {word} not counted (line{'s' if len(lines) > 1 else ''} "
                         f"{shown}): " + notes[0].split("): ", 1)[1]]
    else:
        assert notes == []


def test_pending_then_posted_across_two_exports_is_one_debit(tmp_path):
    sep = extract(tmp_path, f'Date,Description,Amount,Status\n09/15/2026,"{CONNECTOR}",-412.00,Posted\n'
                            f'10/15/2026,"{CONNECTOR}",-412.00,Pending\n', "sep.csv")
    oct_ = extract(tmp_path, f'Date,Description,Amount,Status\n10/16/2026,"{CONNECTOR}",-412.00,Posted\n',
                   "oct.csv")
    got = [(str(r.date), str(r.amount)) for r in sep.records + oct_.records]
    assert got == [("2026-09-15", "-412.00"), ("2026-10-16", "-412.00")]


def test_columnar_kernel_leaves_pending_files_to_the_per_row_reader(tmp_path, columnar):
    body = "".join(f'10/{1 + i % 28:02d}/2026,"SHOP {i}",-{i}.00,Posted\n' for i in range(1, 1500))
    p = tmp_path / "posted.csv"
    p.write_text("Date,Description,Amount,Status\n" + body)
    res = CsvBankImporter().extract(p, "posted.csv")
    assert isinstance(res.records, RecordColumns) and len(res.records) == 1499
    p.write_text("Date,Description,Amount,Status\n" + body + '10/30/2026,"LATE",-9.00,Pending\n')
    res = CsvBankImporter().extract(p, "posted.csv")
    assert not isinstance(res.records, RecordColumns) and len(res.records) == 1499
    assert any(n.startswith("1 pending row not counted (line 1501)") for n in res.notes)
