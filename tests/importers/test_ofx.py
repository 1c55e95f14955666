"""OfxImporter on small inline OFX texts (one test per quirk class of ../shared/corpus/README.md)."""
from __future__ import annotations

import codecs
import itertools
import re
import sys
import textwrap
from dataclasses import fields
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from recon.errors import InputError, ParseError
from recon.importers.ofx import OfxImporter
from recon.importers.ofx.scan import _MIXED_ROOT, has_mixed_root
from recon.importers.ofx.transactions import _new_record, _new_source
from recon.model import BankRecord, ImportResult, Source

HEADER = textwrap.dedent("""\
    OFXHEADER:100
    DATA:OFXSGML
    VERSION:102
    SECURITY:NONE
    ENCODING:USASCII
    CHARSET:1252
    COMPRESSION:NONE
    OLDFILEUID:NONE
    NEWFILEUID:NONE

    """)


def trn(fitid: str = "1", date_: str = "20260324120000", amount: str = "-412.00",
        name: str = "COMMONWEALTH HEA", memo: str | None = None, extra: str = "") -> str:
    """One SGML STMTTRN block with unclosed leaves."""
    memo_line = f"<MEMO>{memo}\n" if memo is not None else ""
    return (f"<STMTTRN>\n<TRNTYPE>DEBIT\n<DTPOSTED>{date_}\n<TRNAMT>{amount}\n<FITID>{fitid}\n"
            f"<NAME>{name}\n{memo_line}{extra}</STMTTRN>\n")


def stmt(*trns: str, acct: str = "123456789", ledger: bool = True, card: bool = False) -> str:
    """A STMTTRNRS (or CCSTMTTRNRS) with the given transactions."""
    ledger_s = "<LEDGERBAL>\n<BALAMT>1000.00\n<DTASOF>20260331\n</LEDGERBAL>\n" if ledger else ""
    if card:
        return ("<CREDITCARDMSGSRSV1><CCSTMTTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS>\n"
                f"<CCSTMTRS>\n<CURDEF>USD\n<CCACCTFROM>\n<ACCTID>{acct}\n</CCACCTFROM>\n"
                "<BANKTRANLIST>\n<DTSTART>20260301\n<DTEND>20260331\n" + "".join(trns)
                + f"</BANKTRANLIST>\n{ledger_s}</CCSTMTRS>\n</CCSTMTTRNRS></CREDITCARDMSGSRSV1>\n")
    return ("<BANKMSGSRSV1><STMTTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS>\n"
            f"<STMTRS>\n<CURDEF>USD\n<BANKACCTFROM>\n<BANKID>011000138\n<ACCTID>{acct}\n"
            "<ACCTTYPE>CHECKING\n</BANKACCTFROM>\n<BANKTRANLIST>\n<DTSTART>20260301\n<DTEND>20260331\n"
            + "".join(trns) + f"</BANKTRANLIST>\n{ledger_s}</STMTRS>\n</STMTTRNRS></BANKMSGSRSV1>\n")


def doc(*parts: str, header: str = HEADER) -> str:
    signon = "<SIGNONMSGSRSV1><SONRS><STATUS><CODE>0<SEVERITY>INFO</STATUS><DTSERVER>20260331</SONRS>" \
             "</SIGNONMSGSRSV1>\n"
    return header + "<OFX>\n" + signon + "".join(parts) + "</OFX>\n"


def line_of(text: str, needle: str, nth: int = 1) -> int:
    """1-based physical line of the nth occurrence of needle in text."""
    pos = -1
    for _ in range(nth):
        pos = text.index(needle, pos + 1)
    return text.count("\n", 0, pos) + 1


def read(tmp_path: Path, content: str | bytes, name: str = "t.ofx") -> ImportResult:
    p = tmp_path / name
    if isinstance(content, str):
        p.write_text(content, encoding="utf-8", newline="")
    else:
        p.write_bytes(content)
    imp = OfxImporter()
    assert imp.identify(p, p.read_bytes()[:8192]), "identify() should claim this OFX file"
    return imp.extract(p, name)


def reject(tmp_path: Path, content: str | bytes, name: str = "bad.ofx") -> InputError:
    with pytest.raises(InputError) as exc:
        read(tmp_path, content, name)
    assert name in str(exc.value)
    return exc.value


# -- the ordinary case -----------------------------------------------------------------------------


def test_plain_sgml_fields(tmp_path: Path) -> None:
    text = doc(stmt(trn(extra="<CHECKNUM>0\n"), trn("2", "20260325", "150.5", "PAYROLL", "ACME CORP")))
    res = read(tmp_path, text)
    assert res.kind == "ofx"
    assert len(res.records) == 2
    a, b = res.records
    assert (a.date, a.amount, a.description) == (date(2026, 3, 24), Decimal("-412.00"), "COMMONWEALTH HEA")
    assert a.account == "123456789" and a.fitid == "1" and a.trntype == "DEBIT"
    assert a.check_number is None  # CHECKNUM 0 means no check
    assert a.source == Source(path="t.ofx", line=24, fitid="1") and line_of(text, "<STMTTRN>") == 24
    assert b.source.line == line_of(text, "<STMTTRN>", 2)
    assert (b.payee, b.memo, b.description) == ("PAYROLL", "ACME CORP", "PAYROLL ACME CORP")
    assert b.amount == Decimal("150.5")
    assert [(x.kind, x.amount, x.date, x.account) for x in res.balances] == [
        ("ledger", Decimal("1000.00"), date(2026, 3, 31), "123456789")]
    assert res.notes == ()


def test_memo_continuing_a_cut_name_is_the_description(tmp_path: Path) -> None:
    name = "AUTOMATIC WITHDRAWAL, ELECTRIC B"  # NAME cut at 32 characters
    res = read(tmp_path, doc(stmt(trn(name=name, memo="AUTOMATIC WITHDRAWAL, ELECTRIC BILL WEB(S )"))))
    r = res.records[0]
    assert r.description == "AUTOMATIC WITHDRAWAL, ELECTRIC BILL WEB(S )"
    assert r.payee == name


def test_xml_v2_closed_tags(tmp_path: Path) -> None:
    xml = textwrap.dedent("""\
        <?xml version="1.0" encoding="UTF-8" standalone="no"?>
        <?OFX OFXHEADER="200" VERSION="211" SECURITY="NONE" OLDFILEUID="NONE" NEWFILEUID="NONE"?>
        <OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS><CURDEF>USD</CURDEF>
        <BANKACCTFROM><BANKID>1</BANKID><ACCTID>9999</ACCTID><ACCTTYPE>CHECKING</ACCTTYPE></BANKACCTFROM>
        <BANKTRANLIST><DTSTART>20260301</DTSTART><DTEND>20260331</DTEND>
        <STMTTRN><TRNTYPE>DEBIT</TRNTYPE><DTPOSTED>20260324</DTPOSTED><TRNAMT>-412.00</TRNAMT>
        <FITID>A1</FITID><NAME>COMMONWEALTH HEA</NAME><MEMO>PREMIUM</MEMO></STMTTRN>
        </BANKTRANLIST><LEDGERBAL><BALAMT>5.00</BALAMT><DTASOF>20260331</DTASOF></LEDGERBAL>
        <AVAILBAL><BALAMT>4.00</BALAMT><DTASOF>20260331</DTASOF></AVAILBAL>
        </STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>
        """)
    res = read(tmp_path, xml)
    assert [(r.description, r.amount, r.account, r.source.line) for r in res.records] == [
        ("COMMONWEALTH HEA PREMIUM", Decimal("-412.00"), "9999", 6)]
    assert [(b.kind, b.amount) for b in res.balances] == [("ledger", Decimal("5.00")),
                                                         ("available", Decimal("4.00"))]


# -- 1. header and envelope ------------------------------------------------------------------------


def test_header_absent(tmp_path: Path) -> None:
    res = read(tmp_path, doc(stmt(trn()), header=""))
    assert len(res.records) == 1


def test_header_inside_comment(tmp_path: Path) -> None:
    res = read(tmp_path, doc(stmt(trn()), header="<!--\n" + HEADER + "-->\n"))
    assert len(res.records) == 1


def test_header_and_body_on_one_line(tmp_path: Path) -> None:
    one_line = doc(stmt(trn(), trn("2")), header=HEADER.replace("\n", " ")).replace("\n", "")
    res = read(tmp_path, one_line)
    assert [r.fitid for r in res.records] == ["1", "2"]
    assert all(r.source.line == 1 for r in res.records)


def test_blank_lines_and_bom_before_header(tmp_path: Path) -> None:
    content = codecs.BOM_UTF8 + b"\r\n \t\r\n\r\n" + doc(stmt(trn())).encode().replace(b"\n", b"\r\n")
    res = read(tmp_path, content)
    assert len(res.records) == 1
    assert res.records[0].source.line == 27


def test_truncated_and_odd_header_keys(tmp_path: Path) -> None:
    header = "OFXHEADER:100\nDATA:OFXSGML\nOLDFILEFORMAT:NONE\nNEWFILESPEC:X\nENCODING:USASCII\n"
    res = read(tmp_path, doc(stmt(trn()), header=header))
    assert len(res.records) == 1


def test_ofx2_processing_instruction_split_over_lines_sgml_body(tmp_path: Path) -> None:
    header = '<?OFX OFXHEADER="200"\n VERSION="202" SECURITY="NONE"\n OLDFILEUID="NONE" NEWFILEUID="NONE"?>\n'
    res = read(tmp_path, doc(stmt(trn()), header=header))
    assert len(res.records) == 1


def test_trailing_nul_and_blanks_after_root(tmp_path: Path) -> None:
    res = read(tmp_path, doc(stmt(trn())).encode() + b"\x00 \t \r\n")
    assert len(res.records) == 1


def test_unsupported_version_is_rejected(tmp_path: Path) -> None:
    err = reject(tmp_path, doc(stmt(trn()), header=HEADER.replace("VERSION:102", "VERSION:300")))
    assert "unsupported OFX version 300" in str(err)
    assert err.line == 3


def test_no_root_is_rejected(tmp_path: Path) -> None:
    err = reject(tmp_path, "<OFC>\n<SIGNONMSGSRSV1<OFC>NRS>\n<CCSTMTRS>\n<STMTTRN>\n")
    assert "no <OFX> root" in str(err)


def test_missing_close_root_is_noted(tmp_path: Path) -> None:
    res = read(tmp_path, doc(stmt(trn())).replace("</OFX>", ""))
    assert len(res.records) == 1
    assert any("</OFX>" in n for n in res.notes)


def test_sgml_comments_after_values(tmp_path: Path) -> None:
    t = trn(amount="-200.00    <!-- $200.00 -->", name="A <!-- a comment\n<NAME>spanning lines -->")
    res = read(tmp_path, doc(stmt(t, trn("2"))))
    assert (res.records[0].amount, res.records[0].payee) == (Decimal("-200.00"), "A")
    assert res.records[1].source.line == res.records[0].source.line + 8  # lines still counted


def test_self_closed_empty_balance(tmp_path: Path) -> None:
    body = stmt(trn(), ledger=False).replace("</STMTRS>", "<LEDGERBAL>\n<BALAMT/>\n<DTASOF/>\n</LEDGERBAL>\n"
                                                          "</STMTRS>")
    res = read(tmp_path, doc(body))
    assert len(res.records) == 1 and res.balances == ()
    assert any("no BALAMT" in n for n in res.notes)


def test_value_on_next_line_and_embedded_newlines(tmp_path: Path) -> None:
    t = ("<STMTTRN>\n\t<TRNTYPE>\n\t\tCREDIT\n\t</TRNTYPE>\n\t<DTPOSTED>\n\n\t\t20170331\n\t</DTPOSTED>\n"
         "\t<TRNAMT>\n\t\t123.45\n\t</TRNAMT>\n\t<FITID>\n\t\t123 \n\t\t323\n\t</FITID>\n"
         "\t<NAME>\n\t\tInterest\n\t\tPaid\n\t</NAME>\n</STMTTRN>\n")
    res = read(tmp_path, doc(stmt(t)))
    r = res.records[0]
    assert (r.date, r.amount, r.description, r.fitid) == (date(2017, 3, 31), Decimal("123.45"),
                                                          "Interest Paid", "123 323")


def test_empty_leaf_before_close_is_not_an_aggregate(tmp_path: Path) -> None:
    # <NAME> with no value directly followed by </STMTTRN> (wesabe-fixofx): later rows must survive.
    empty = ("<STMTTRN>\n<TRNTYPE>DEBIT\n<DTPOSTED>20100625\n<TRNAMT>-86.56\n<FITID>32\n<NAME></STMTTRN>\n")
    res = read(tmp_path, doc(stmt(trn("31"), empty, trn("33"), trn("34"))))
    assert [r.fitid for r in res.records] == ["31", "32", "33", "34"]
    assert res.records[1].description == "" and res.records[1].amount == Decimal("-86.56")
    assert len(res.balances) == 1


def test_empty_leaves_everywhere(tmp_path: Path) -> None:
    t = trn(fitid="", name="", memo="CBA:Transfer", extra="<CHECKNUM>\n<REFNUM>\n")
    body = stmt(t).replace("<ACCTTYPE>CHECKING", "<ACCTTYPE>").replace("<CURDEF>USD", "<CURDEF></CURDEF>")
    res = read(tmp_path, doc(body))
    r = res.records[0]
    assert (r.fitid, r.check_number, r.description, r.source.fitid) == (None, None, "CBA:Transfer", None)


def test_unclosed_transaction_list_and_unclosed_transactions(tmp_path: Path) -> None:
    body = stmt(trn("1"), trn("2")).replace("</BANKTRANLIST>\n", "").replace("</STMTTRN>", "")
    res = read(tmp_path, doc(body))
    assert [r.fitid for r in res.records] == ["1", "2"]
    assert [b.amount for b in res.balances] == [Decimal("1000.00")]


def test_xml_closing_tags_in_sgml_and_proprietary_elements(tmp_path: Path) -> None:
    t = ("<STMTTRN><TRNTYPE>DEBIT</TRNTYPE><DTPOSTED>20260324</DTPOSTED><TRNAMT>-1.00</TRNAMT>"
         "<FITID>9</FITID><NAME>X</NAME><INTU.CATEGORY>7</INTU.CATEGORY><CURRENCY><CURRATE>1.0"
         "<CURSYM>USD</CURRENCY><BANKACCTTO><BANKID>1<ACCTID>777<ACCTTYPE>SAVINGS</BANKACCTTO>"
         "</STMTTRN>")
    res = read(tmp_path, doc(stmt(t)))
    assert res.records[0].account == "123456789"  # BANKACCTTO does not change the statement's account


def test_transaction_outside_statement_is_noted(tmp_path: Path) -> None:
    res = read(tmp_path, doc(stmt(trn("1")), trn("2")))
    assert [r.fitid for r in res.records] == ["1"]
    assert any("STMTTRN #2" in n and "outside any bank or card statement" in n for n in res.notes)


def test_transaction_after_closed_list_is_read(tmp_path: Path) -> None:
    body = stmt(trn("1")).replace("</BANKTRANLIST>\n", "</BANKTRANLIST>\n" + trn("2"))
    res = read(tmp_path, doc(body))
    assert [r.fitid for r in res.records] == ["1", "2"]


def test_lowercase_tags(tmp_path: Path) -> None:
    res = read(tmp_path, doc(stmt(trn())).lower())
    assert [(r.amount, r.description) for r in res.records] == [(Decimal("-412.00"), "commonwealth hea")]


# -- several statements, nothing to import ----------------------------------------------------------


def test_several_statements_bank_and_card(tmp_path: Path) -> None:
    second = stmt(trn("2"), acct="55")
    second = second[second.index("<STMTRS>"): second.index("</STMTTRNRS>")]
    two_stmtrs = stmt(trn("1")).replace("</STMTRS>\n", "</STMTRS>\n" + second)  # two STMTRS, one STMTTRNRS
    res = read(tmp_path, doc(two_stmtrs, stmt(trn("3"), acct="4111", card=True)))
    assert [(r.fitid, r.account) for r in res.records] == [("1", "123456789"), ("2", "55"), ("3", "4111")]
    assert [b.account for b in res.balances] == ["123456789", "55", "4111"]


def test_statement_without_account_or_balance(tmp_path: Path) -> None:
    body = stmt(trn(), ledger=False)
    body = body[: body.index("<BANKACCTFROM>")] + body[body.index("</BANKACCTFROM>\n") + 16:]
    res = read(tmp_path, doc(body))
    assert len(res.records) == 1 and res.records[0].account is None and res.balances == ()


def test_empty_transaction_list(tmp_path: Path) -> None:
    res = read(tmp_path, doc(stmt()))
    assert res.records == () and len(res.balances) == 1


def test_investment_only_is_a_note(tmp_path: Path) -> None:
    inv = ("<INVSTMTMSGSRSV1><INVSTMTTRNRS><INVSTMTRS><DTASOF>20260331<CURDEF>USD<INVACCTFROM>"
           "<BROKERID>x.com<ACCTID>Z12345678</INVACCTFROM><INVTRANLIST><DTSTART>20260101<DTEND>20260331"
           "<BUYMF><INVBUY><INVTRAN><FITID>1<DTTRADE>20260105</INVTRAN><TOTAL>-100</INVBUY>"
           "<BUYTYPE>BUY</BUYMF><REINVEST><INVTRAN><FITID>2<DTTRADE>20260106</INVTRAN></REINVEST>"
           "<INVBANKTRAN><STMTTRN><TRNTYPE>CREDIT<DTPOSTED>20260107<TRNAMT>5<FITID>3</STMTTRN>"
           "<SUBACCTFUND>CASH</INVBANKTRAN></INVTRANLIST></INVSTMTRS></INVSTMTTRNRS></INVSTMTMSGSRSV1>")
    res = read(tmp_path, doc(inv))
    assert res.records == ()
    assert any("investment statement" in n and "3 investment transactions not imported" in n
               for n in res.notes)
    assert not any("12345678" in n for n in res.notes)  # account numbers are masked


def test_no_statement_is_a_note(tmp_path: Path) -> None:
    listing = ("<SIGNUPMSGSRSV1><ACCTINFOTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS>"
               "<ACCTINFORS><DTACCTUP>20260101<ACCTINFO><DESC>Checking</ACCTINFO></ACCTINFORS>"
               "</ACCTINFOTRNRS></SIGNUPMSGSRSV1>")
    res = read(tmp_path, doc(listing))
    assert res.records == ()
    assert res.notes[0].startswith("no statement in file (account information response)")


def test_server_error_is_a_note(tmp_path: Path) -> None:
    err = ("<BANKMSGSRSV1><STMTTRNRS><TRNUID>1<STATUS><CODE>2000<SEVERITY>ERROR"
           "<MESSAGE>General Server Error</STATUS></STMTTRNRS></BANKMSGSRSV1>")
    res = read(tmp_path, doc(err))
    assert res.records == ()
    assert "no statement in file (server error response)" in res.notes[0]
    assert any("2000" in n and "General Server Error" in n for n in res.notes)


# -- 2. required elements ----------------------------------------------------------------------------


def test_missing_ledgerbal(tmp_path: Path) -> None:
    res = read(tmp_path, doc(stmt(trn(), ledger=False)))
    assert len(res.records) == 1 and res.balances == ()


def test_bad_dates_are_rejected_naming_each_transaction(tmp_path: Path) -> None:
    no_date = trn("A").replace("<DTPOSTED>20260324120000\n", "")
    empty = trn("B", date_="")
    impossible = trn("C", date_="20120231")
    err = reject(tmp_path, doc(stmt(no_date, empty, impossible, trn("D"))))
    msg = str(err)
    assert isinstance(err, ParseError)
    assert "STMTTRN #1 (FITID A), line 24: no DTPOSTED" in msg
    assert "STMTTRN #2 (FITID B)" in msg and "empty DTPOSTED" in msg
    assert "STMTTRN #3 (FITID C)" in msg and "'20120231' is not a valid date" in msg
    assert "FITID D" not in msg
    assert err.line == 24


@pytest.mark.parametrize("amount", ["$120", "56.77invalid", "", "1e5", "NaN", "12-3"])
def test_bad_amounts_are_rejected(tmp_path: Path, amount: str) -> None:
    err = reject(tmp_path, doc(stmt(trn("X", amount=amount))))
    assert "STMTTRN #1 (FITID X)" in str(err) and "TRNAMT" in str(err)


def test_truncated_statement_is_rejected(tmp_path: Path) -> None:
    frag = "<OFX>\n<CREDITCARDMSGSRSV1>\n<CCSTMTTRNRS>\n<CCSTMTRS>\n<CCACCTINFO>\n<ACCTID>\n</CCSTMTRS>\n" \
           "</CCSTMTTRNRS>\n</CREDITCARDMSGSRSV1>\n</OFX>\n"
    err = reject(tmp_path, frag)
    assert "CCSTMTRS (statement 1, line 4) has no BANKTRANLIST" in str(err)


def test_shared_fitid_keeps_both(tmp_path: Path) -> None:
    res = read(tmp_path, doc(stmt(trn("same", amount="-1.00"), trn("same", amount="-2.00"))))
    assert [r.amount for r in res.records] == [Decimal("-1.00"), Decimal("-2.00")]


def test_correction_replace_and_delete(tmp_path: Path) -> None:
    rows = [
        trn("10", amount="-100.00", name="FIRST"),
        trn("11", amount="-5.00", name="SECOND"),
        trn("12", amount="-90.00", name="FIRST FIXED", extra="<CORRECTFITID>10\n<CORRECTACTION>REPLACE\n"),
        trn("13", amount="-5.00", name="SECOND", extra="<CORRECTFITID>11\n<CORRECTACTION>DELETE\n"),
        trn("14", amount="-1.00", name="SELF", extra="<CORRECTFITID>14\n<CORRECTACTION>REPLACE\n"),
    ]
    res = read(tmp_path, doc(stmt(*rows)))
    assert [(r.fitid, r.amount) for r in res.records] == [("12", Decimal("-90.00")), ("14", Decimal("-1.00"))]
    notes = " | ".join(res.notes)
    assert "STMTTRN #3 (REPLACE of FITID 10)" in notes
    assert "STMTTRN #4 (DELETE of FITID 11)" in notes
    assert "STMTTRN #5 (CORRECTACTION REPLACE, CORRECTFITID 14)" in notes and "kept" in notes


def test_mixed_case_trntype_is_kept_as_written(tmp_path: Path) -> None:
    res = read(tmp_path, doc(stmt(trn().replace("<TRNTYPE>DEBIT", "<TRNTYPE>Credit"))))
    assert res.records[0].trntype == "Credit"


# -- 3. encodings ------------------------------------------------------------------------------------


def test_charset_alias_8859_1(tmp_path: Path) -> None:
    text = doc(stmt(trn(name="Transaction (ÀàÉé)")), header=HEADER.replace("CHARSET:1252", "CHARSET:8859-1"))
    res = read(tmp_path, text.encode("latin-1"))
    assert res.records[0].description == "Transaction (ÀàÉé)"


def test_cp1252_bytes(tmp_path: Path) -> None:
    res = read(tmp_path, doc(stmt(trn(name="Café Métro €uro — x"))).encode("cp1252"))
    assert res.records[0].description == "Café Métro €uro — x"


def test_undeclared_utf8(tmp_path: Path) -> None:
    res = read(tmp_path, doc(stmt(trn(name="Dépôt au comptoir")), header="").encode("utf-8"))
    assert res.records[0].description == "Dépôt au comptoir"


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16(tmp_path: Path, codec: str) -> None:
    res = read(tmp_path, doc(stmt(trn(name="Dépôt"))).encode(codec))
    assert [(r.description, r.amount) for r in res.records] == [("Dépôt", Decimal("-412.00"))]


def test_declared_encoding_wrong_for_bytes(tmp_path: Path) -> None:
    header = '<?xml version="1.0" encoding="utf-16"?>\n<?OFX OFXHEADER="200" VERSION="203"?>\n'
    res = read(tmp_path, doc(stmt(trn()), header=header).encode("ascii"))
    assert len(res.records) == 1


# -- 5. amounts and dates -------------------------------------------------------------------------------


@pytest.mark.parametrize("written, expected", [
    ("-130,00", "-130.00"), ("  -222,22  ", "-222.22"), ("-08.96", "-8.96"), ("100", "100"),
    ("-3.77000", "-3.77000"), ("-995.4190396554627", "-995.4190396554627"), ("+00000000000069.3100", "69.3100"),
    ("-.50", "-0.50"), ("1,234.56", "1234.56"), ("1.234,56", "1234.56"),
])
def test_amounts_exactly_as_written(tmp_path: Path, written: str, expected: str) -> None:
    res = read(tmp_path, doc(stmt(trn(amount=written))))
    assert res.records[0].amount == Decimal(expected)
    assert str(res.records[0].amount) == str(Decimal(expected.replace("+", "")))


@pytest.mark.parametrize("written", ["-0", "-0.00", "0", "+0.0"])
def test_negative_zero_is_zero(tmp_path: Path, written: str) -> None:
    amount = read(tmp_path, doc(stmt(trn(amount=written)))).records[0].amount
    assert amount == 0 and not amount.is_signed()


def test_blank_and_dot_amount_is_zero_with_note(tmp_path: Path) -> None:
    res = read(tmp_path, doc(stmt(trn(amount="   .   "))))
    assert res.records[0].amount == 0
    assert any("no digits" in n for n in res.notes)


@pytest.mark.parametrize("written, expected", [
    ("20240105000000[+10:AEST]", date(2024, 1, 5)),
    ("20240105235959.999[-12:BIT]", date(2024, 1, 5)),
    ("20240105", date(2024, 1, 5)),
    ("20240105120000[-5]", date(2024, 1, 5)),
    ("202401051200", date(2024, 1, 5)),
    ("20240105120000:014", date(2024, 1, 5)),
])
def test_posting_date_is_the_written_calendar_date(tmp_path: Path, written: str, expected: date) -> None:
    assert read(tmp_path, doc(stmt(trn(date_=written)))).records[0].date == expected


def test_odd_server_and_balance_dates_do_not_stop_import(tmp_path: Path) -> None:
    body = stmt(trn()).replace("<DTASOF>20260331", "<DTASOF>00000000")
    res = read(tmp_path, doc(body).replace("<DTSERVER>20260331", "<DTSERVER>20230310048208.398"))
    assert len(res.records) == 1 and res.balances[0].date is None


# -- entities, CDATA, raw characters ------------------------------------------------------------------


def test_entities_decoded_once(tmp_path: Path) -> None:
    res = read(tmp_path, doc(stmt(trn(name="TPAY &amp;lt;DEFTPYMT&amp;gt;", memo="B.C. HYDRO &amp; POWER"),
                                  trn("2", name="A &#233;t&#xE9; &quot;q&quot; &apos;"))))
    assert res.records[0].payee == "TPAY &lt;DEFTPYMT&gt;"
    assert res.records[0].memo == "B.C. HYDRO & POWER"
    assert res.records[1].payee == "A été \"q\" '"


def test_raw_ampersand_and_quotes(tmp_path: Path) -> None:
    res = read(tmp_path, doc(stmt(trn(name='Second & Name "x"', memo="IOF de \"Leupay.Eu\" & Whoelse"))))
    assert res.records[0].payee == 'Second & Name "x"'
    assert res.records[0].memo == 'IOF de "Leupay.Eu" & Whoelse'


def test_cdata(tmp_path: Path) -> None:
    res = read(tmp_path, doc(stmt(trn(name="<![CDATA[AT&T <WIRELESS>]]>"), trn("2"))))
    assert res.records[0].payee == "AT&T <WIRELESS>"
    assert len(res.records) == 2


# -- identify ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("head", [
    HEADER.encode(),
    b"\r\n\r\n  \t\r\n" + HEADER.encode(),
    codecs.BOM_UTF8 + HEADER.encode(),
    HEADER.encode("utf-16"),
    HEADER.encode("utf-16-le"),
    b'<?xml version="1.0"?>\n<?OFX OFXHEADER="200" VERSION="211"?>\n<OFX>',
    b"<OFX>\n<SIGNONMSGSRSV1>",
    b"<!--\nOFXHEADER:100\n-->\n<OFX>",
    b"OFXHEADER:100 DATA:OFXSGML VERSION:102 SECURITY:NONE <OFX><BANKMSGSRSV1>",
    b"<OFC>\n<CCSTMTRS>\n<STMTTRN>\n",
])
def test_identify_claims_ofx(tmp_path: Path, head: bytes) -> None:
    assert OfxImporter().identify(tmp_path / "x.txt", head) is True


@pytest.mark.parametrize("head", [
    b"Date,Description,Amount,Balance\n03/14/2026,HEALTH CONNECTOR PMT,-412.00,3500.02\n",
    b"Details,Posting Date,Description,Amount,Type,Balance,Check or Slip #\n",
    b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <</Type /Catalog>> OFXHEADER:100 <OFX>",
    b"PK\x03\x04\x14\x00",
    b"",
    b"\xff\xfe\x00\x00garbage\x00\x01\x02",
    bytes(range(256)),
    b"Number,Date,Payee,Amount,Memo\n1043,03/01/2026,Health Connector,412.00,OFX export\n",
])
def test_identify_rejects_others(tmp_path: Path, head: bytes) -> None:
    assert OfxImporter().identify(tmp_path / "x.ofx", head) is False


def test_unreadable_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError) as exc:
        OfxImporter().extract(tmp_path / "missing.ofx", "missing.ofx")
    assert "missing.ofx" in str(exc.value)


# -- internals --------------------------------------------------------------------------------------


def test_fast_constructors_build_equal_records() -> None:
    src_args = ("f.ofx", 3, None, "F1")
    assert _new_source(*src_args) == Source(*src_args)
    args = (Source(*src_args), date(2026, 1, 2), Decimal("-1.00"), "d", "acct", "p", "m", "101", "DEBIT", "F1")
    fast, normal = _new_record(*args), BankRecord(*args)
    assert fast == normal and hash(fast) == hash(normal)
    assert [getattr(fast, f.name) for f in fields(BankRecord)] == [getattr(normal, f.name)
                                                                  for f in fields(BankRecord)]
    with pytest.raises(AttributeError):
        fast.amount = Decimal(0)  # type: ignore[misc]  # still frozen


def test_extract_pauses_the_cyclic_gc_and_restores_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import gc

    from recon.importers.ofx import importer

    seen: list[bool] = []
    real = importer.parse_ofx_bytes

    def spy(data: bytes, display: str) -> ImportResult:
        seen.append(gc.isenabled())
        return real(data, display)

    monkeypatch.setattr(importer, "parse_ofx_bytes", spy)
    assert gc.isenabled()
    read(tmp_path, doc(stmt(trn())))
    assert seen == [False] and gc.isenabled()
    reject(tmp_path, doc(stmt(trn(amount="12x"))))
    assert seen == [False, False] and gc.isenabled()  # restored after a ParseError too
    gc.disable()
    try:
        read(tmp_path, doc(stmt(trn())))
        assert not gc.isenabled()  # a caller's paused GC stays paused
    finally:
        gc.enable()


# -- the mixed-case root test and the benchmark's files ------------------------------------------------


def test_has_mixed_root_is_the_regex_search() -> None:
    alphabet = "<>oOfFxX \n/"
    for k in range(1, 7):
        for chars in itertools.product(alphabet, repeat=k):
            s = "".join(chars)
            assert has_mixed_root(s) == (_MIXED_ROOT.search(s) is not None), repr(s)


@pytest.mark.parametrize("tail, expected", [("<ofx>", True), ("<OFX>", False), ("<oFx \n>", True), ("", False)])
def test_has_mixed_root_after_many_lower_case_letters(tail: str, expected: bool) -> None:
    # More candidate letters than the budget: the plain regex scan decides.
    text = "<OFX>" + "<MEMO>box of food\n" * 100 + tail
    assert has_mixed_root(text) is expected
    assert has_mixed_root(tail + "<MEMO>box of food\n" * 100) is expected
    assert re.search(r"[ofx]", text)


@pytest.mark.parametrize("n", [1, 3000])
def test_bench_files_read_every_transaction(tmp_path: Path, n: int) -> None:
    root = Path(__file__).resolve().parents[2]
    sys.path.insert(0, str(root / "scripts"))
    try:
        import bench_ofx
    finally:
        sys.path.remove(str(root / "scripts"))
    for path in bench_ofx.write_files(tmp_path, n).values():
        res = OfxImporter().extract(path, path.name)
        assert len(res.records) == n and len(res.balances) >= 1
