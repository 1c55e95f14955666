"""parse_ach: bank ACH description lines -> AchFields (table-driven, one row per bank layout)."""
from __future__ import annotations

import pytest

from recon.model import AchFields
from recon.normalize.ach import parse_ach

CASES = [
    # Chase long form (checking CSV "Description" / OFX NAME+MEMO).
    (("ORIG CO NAME:COMMONWEALTH HEA ORIG ID:1234567890 DESC DATE:260324 CO ENTRY DESCR:PREMIUM "
     "SEC:WEB TRACE#:021000021234567 EED:260324 IND ID:RefID123 IND NAME:JANE DOE TRN:0831234567TC"),
     AchFields(company_name="COMMONWEALTH HEA", entry_description="PREMIUM", company_id="1234567890",
               individual_id="RefID123", individual_name="JANE DOE", trace_number="021000021234567",
               sec_code="WEB", effective_date="260324")),
    # Chase long without EED: the descriptive date stands in; extra spaces as some exports pad them.
    (("ORIG CO NAME:COMMONWEALTH HEA        ORIG ID:1043123456 DESC DATE:      CO ENTRY DESCR:PREMIUM   "
     "SEC:PPD    TRACE#:211370541234567 IND ID:000123456 IND NAME:JOHN Q PUBLIC"),
     AchFields(company_name="COMMONWEALTH HEA", entry_description="PREMIUM", company_id="1043123456",
               individual_id="000123456", individual_name="JOHN Q PUBLIC", trace_number="211370541234567",
               sec_code="PPD")),
    # Chase short form.
    ("COMMONWEALTH HEA PREMIUM PPD ID: 1043123456",
     AchFields(company_name="COMMONWEALTH HEA", entry_description="PREMIUM", company_id="1043123456",
               sec_code="PPD")),
    ("COMMONWEALTH HEA PREMIUM     WEB ID: 9043123456",
     AchFields(company_name="COMMONWEALTH HEA", entry_description="PREMIUM", company_id="9043123456",
               sec_code="WEB")),
    # Bank of America.
    ("COMMONWEALTH HEA DES:PREMIUM ID:7123456789 INDN:JANE DOE CO ID:1043123456 WEB",
     AchFields(company_name="COMMONWEALTH HEA", entry_description="PREMIUM", company_id="1043123456",
               individual_id="7123456789", individual_name="JANE DOE", sec_code="WEB")),
    ("COMMONWEALTH HEA DES:AUTOPAY ID:XXXXX56789 INDN:DOE,JANE CO ID:XXXXX23456 PPD",
     AchFields(company_name="COMMONWEALTH HEA", entry_description="AUTOPAY", company_id="XXXXX23456",
               individual_id="XXXXX56789", individual_name="DOE,JANE", sec_code="PPD")),
    # PNC.
    ("ACH DEBIT WEB COMMONWEALTH HEA PREMIUM 7123456789",
     AchFields(company_name="COMMONWEALTH HEA", entry_description="PREMIUM", individual_id="7123456789",
               sec_code="WEB")),
    ("ACH WEB-SINGLE 12345678 COMMONWEALTH HEA",
     AchFields(company_name="COMMONWEALTH HEA", individual_id="12345678", sec_code="WEB")),
    ("ACH Web-Recur 0012345 COMMONWEALTH HEA PREMIUM",
     AchFields(company_name="COMMONWEALTH HEA", entry_description="PREMIUM", individual_id="0012345",
               sec_code="WEB")),
    (("ACH DEBIT RECEIVED - Cust ID: 7123456789 Desc: PREMIUM Comp Name: COMMONWEALTH HEA "
     "Comp ID: 1043123456 Batch Discr: MAR 2026 SEC: WEB Cust Name: JANE DOE Addenda: No Addenda"),
     AchFields(company_name="COMMONWEALTH HEA", entry_description="PREMIUM", company_id="1043123456",
               individual_id="7123456789", individual_name="JANE DOE", sec_code="WEB")),
    # TD Bank.
    ("ACH DEBIT, COMMONWEALTH HEA PREMIUM 7123456789",
     AchFields(company_name="COMMONWEALTH HEA", entry_description="PREMIUM", individual_id="7123456789")),
    ("ELECTRONIC PMT-WEB, COMMONWEALTH HEA PREMIUM 7123456789",
     AchFields(company_name="COMMONWEALTH HEA", entry_description="PREMIUM", individual_id="7123456789",
               sec_code="WEB")),
    # Credit unions.
    ("EFT ACH COMMONWEALTH HEA PREMIUM",
     AchFields(company_name="COMMONWEALTH HEA", entry_description="PREMIUM")),
    ("ACH Debit COMMONWEALTH HEA - PREMIUM",
     AchFields(company_name="COMMONWEALTH HEA", entry_description="PREMIUM")),
    ("EFT ACH COMMONWEALTH HEA PREMIUM TRACE NO 021000021234567",
     AchFields(company_name="COMMONWEALTH HEA", entry_description="PREMIUM", trace_number="021000021234567")),
    # Wells Fargo runs the fields together without labels.
    ("COMMONWEALTH HEA PREMIUM 260324 7123456789 JANE DOE",
     AchFields(company_name="COMMONWEALTH HEA", entry_description="PREMIUM", individual_id="7123456789",
               individual_name="JANE DOE", effective_date="260324")),
    ("COMMONWEALTH HEA PREMIUM 260324 7123456789 JANE DOE Trace Number: 021000029876543",
     AchFields(company_name="COMMONWEALTH HEA", entry_description="PREMIUM", individual_id="7123456789",
               individual_name="JANE DOE", effective_date="260324", trace_number="021000029876543")),
    # Look-alike payees are parsed too: parsing is not classification.
    ("COMMONWEALTH HEA DES:CHA PREM ID:55512 INDN:JANE DOE CO ID:1042822222 PPD",
     AchFields(company_name="COMMONWEALTH HEA", entry_description="CHA PREM", company_id="1042822222",
               individual_id="55512", individual_name="JANE DOE", sec_code="PPD")),
    ("COMM OF MASS EFT DES:TAX PMT ID:000111 INDN:JANE DOE CO ID:1046002284 CCD",
     AchFields(company_name="COMM OF MASS EFT", entry_description="TAX PMT", company_id="1046002284",
               individual_id="000111", individual_name="JANE DOE", sec_code="CCD")),
    (("ORIG CO NAME:COMCAST ORIG ID:0000123 DESC DATE:260301 CO ENTRY DESCR:CABLE PMT SEC:WEB "
     "TRACE#:021000021000001 EED:260302 IND ID:8773 IND NAME:JANE DOE TRN:0601234567TC"),
     AchFields(company_name="COMCAST", entry_description="CABLE PMT", company_id="0000123",
               individual_id="8773", individual_name="JANE DOE", trace_number="021000021000001",
               sec_code="WEB", effective_date="260302")),
    ("ACH DEBIT, HARVARD PILGRIM PREMIUM",
     AchFields(company_name="HARVARD PILGRIM", entry_description="PREMIUM")),
]


@pytest.mark.parametrize("description, expected", CASES, ids=[c[0][:40] for c in CASES])
def test_parse_ach(description: str, expected: AchFields) -> None:
    assert parse_ach(description) == expected


@pytest.mark.parametrize("description", [
    "",
    "   ",
    "CHECK 1043",
    "Check 1043",
    "WHOLE FOODS MKT 342",
    "AMAZON.COM AMZN.COM/BILL WA",
    "PAYPAL ID: 12345",            # a weak label alone is not ACH
    "ONLINE PMT MA HEALTH CONNECTOR",
    "ACHIEVE FITNESS CENTER",      # "ACH" only as a word
    "DEPOSIT ID NUMBER 12345",
    "POS PURCHASE TRACE 123",      # a trace must be 15 digits
])
def test_not_ach(description: str) -> None:
    assert parse_ach(description) is None


@pytest.mark.parametrize("text", [
    "TRACE#:021000021234567",
    "TRACE# 021000021234567",
    "TRACE NO 021000021234567",
    "TRACE NO. 021000021234567",
    "Trace Number: 021000021234567",
    "trace number 021000021234567",
    "TRACE:021000021234567",
])
def test_trace_number_spellings(text: str) -> None:
    fields = parse_ach(f"EFT ACH COMMONWEALTH HEA PREMIUM {text}")
    assert fields is not None and fields.trace_number == "021000021234567"
    assert fields.entry_description == "PREMIUM"


def test_trace_number_of_16_digits_is_not_a_trace() -> None:
    fields = parse_ach("EFT ACH COMMONWEALTH HEA PREMIUM TRACE# 0210000212345678")
    assert fields is None or fields.trace_number is None
