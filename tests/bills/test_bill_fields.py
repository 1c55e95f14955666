"""The field finder on text: golden fixtures per layout, label variants, credits, identifiers, validation."""
from __future__ import annotations

import difflib
import json
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest

from recon.importers.bills.finder import find_fields
from recon.importers.bills.grouping import read_bills
from recon.importers.bills.lines import Line
from recon.importers.bills.pages import PageText
from recon.importers.bills.validate import INCONSISTENT, UNCERTAIN, validate_bill
from recon.model import Bill

FIXTURES = Path(__file__).parent / "fixtures"


def pages_of(text: str, ocr_conf: float | None = None) -> list[PageText]:
    """Fixture text (pages separated by form feeds) -> PageText; ocr_conf gives every word that confidence."""
    pages = []
    for n, chunk in enumerate(text.split("\f"), start=1):
        lines = []
        for t in chunk.splitlines():
            if not t.strip():
                continue
            words, pos = [], 0
            if ocr_conf is not None:
                for w in t.split(" "):
                    if w:
                        words.append((pos, pos + len(w), ocr_conf))
                    pos += len(w) + 1
            lines.append(Line(t, n, tuple(words)))
        pages.append(PageText(n, lines, ocr=ocr_conf is not None))
    return pages


def bill_json(b: Bill) -> dict:
    def conv(v):
        if isinstance(v, D):
            return str(v)
        if isinstance(v, date):
            return v.isoformat()
        if isinstance(v, tuple):
            return [conv(x) for x in v]
        if hasattr(v, "__dataclass_fields__"):
            return {k: conv(getattr(v, k)) for k in v.__dataclass_fields__}
        return v
    return {k: conv(getattr(b, k)) for k in b.__dataclass_fields__}


@pytest.mark.parametrize("name", sorted(p.stem for p in FIXTURES.glob("*.txt")))
def test_golden_fixture(name: str, update_golden: bool) -> None:
    text = (FIXTURES / f"{name}.txt").read_text()
    result = read_bills(pages_of(text), f"{name}.txt")
    got = json.dumps([bill_json(b) for b in result.bills], indent=2, sort_keys=True)
    expected_path = FIXTURES / f"{name}.expected.json"
    if update_golden:
        expected_path.write_text(got + "\n")
    expected = expected_path.read_text()
    if got.strip() != expected.strip():
        diff = "\n".join(difflib.unified_diff(expected.splitlines(), got.splitlines(), "expected", "got",
                                              lineterm=""))
        pytest.fail(f"{name}: fields differ from {expected_path.name}:\n{diff}")


def one(line: str, field: str):
    found = find_fields([Line(line, 1)])
    return found.value(field)


@pytest.mark.parametrize("line", [
    "Billing Account Number: 712345678",
    "Billing Account # 712345678",
    "Billing Account #: 712345678",
    "BILLING ACCOUNT NO. 712345678",
    "billing account number 712345678",
    "Billing  Account   Number :712345678",
    "Account Number: 712345678",
    "Account No. 712345678",
    "Bi11ing Acc0unt Number: 712345678",        # OCR letters in the label
    "Billing Account Number: 7l2345678",        # OCR letters in the digits
    "Billing Account Number: 7I234567B",
])
def test_billing_account_label_variants(line: str) -> None:
    assert one(line, "billing_account") == "712345678"


@pytest.mark.parametrize("line, field, expected", [
    ("Amount Due: ($25.00)", "amount_due", D("-25.00")),
    ("Total Amount Due -$25.00", "amount_due", D("-25.00")),
    ("Please Pay 25.00 CR", "amount_due", D("-25.00")),
    ("Amount Due $1,234.56", "amount_due", D("1234.56")),
    ("Balance Forward 412.00 CR", "previous_balance", D("-412.00")),
    ("Previous Balance ($412.00)", "previous_balance", D("-412.00")),
    ("Other Adjustments -$88.00", "adjustments", D("-88.00")),
    ("Adjustments $88.00", "adjustments", D("88.00")),
    # Payments and subsidies are stored positive however the bill prints them.
    ("Payments -$412.00", "payments_received", D("412.00")),
    ("Payments Received 412.00 CR", "payments_received", D("412.00")),
    ("Payments Received ($412.00)", "payments_received", D("412.00")),
    ("Tax Credit (APTC) -$698.50", "tax_credit", D("698.50")),
    ("Advance Premium Tax Credit 698.50 CR", "tax_credit", D("698.50")),
    ("ConnectorCare State Subsidy $100.00", "state_subsidy", D("100.00")),
    ("Total Amount Due $4l2.00", "amount_due", D("412.00")),       # OCR l for 1
])
def test_money_and_credit_formats(line: str, field: str, expected: D) -> None:
    assert one(line, field) == expected


@pytest.mark.parametrize("line, field, expected", [
    ("Bill Date: September 1, 2026", "bill_date", date(2026, 9, 1)),
    ("Statement Date 09/01/2024", "bill_date", date(2024, 9, 1)),
    ("Statement Date Sep 1, 2022", "bill_date", date(2022, 9, 1)),
    ("Bill Date: Sept. 1, 2026", "bill_date", date(2026, 9, 1)),
    ("Invoice Date 2026-09-01", "bill_date", date(2026, 9, 1)),
    ("Payment Due Date: September 23, 2026", "due_date", date(2026, 9, 23)),
    ("Please Pay By 09/23/26", "due_date", date(2026, 9, 23)),
    ("Coverage Month: October 2026", "coverage_month", "2026-10"),
    ("Coverage Period: 10/01/2026 - 10/31/2026", "coverage_month", "2026-10"),
    ("For Coverage Oct 2022", "coverage_month", "2022-10"),
    ("Coverage Month 10/2026", "coverage_month", "2026-10"),
    ("Plan Type: Dental", "plan", "dental"),
    ("Insurance Type HEALTH", "plan", "health"),
    ("Enrollment ID: RefID_1234567890123", "enrollment_id", "RefID_1234567890123"),
    ("Enrollment ID: ReflD_1234567890123", "enrollment_id", "RefID_1234567890123"),
    ("Plan Name: ConnectorCare Plan Type 2B", "plan_name", "ConnectorCare Plan Type 2B"),
    ("Covered Members: Jane Doe, John Doe", "members", ("Jane Doe", "John Doe")),
])
def test_dates_months_and_text_fields(line: str, field: str, expected) -> None:
    assert one(line, field) == expected


@pytest.mark.parametrize("line, field, expected", [
    # 9-digit billing account and 12-digit subscriber ID are never taken for each other.
    ("Billing Account Number: 712345678901", "billing_account", None),
    ("Subscriber ID: 712345678", "subscriber_id", None),
    ("Member ID 712345678901 Billing Account # 712345678", "subscriber_id", "712345678901"),
    ("Member ID 712345678901 Billing Account # 712345678", "billing_account", "712345678"),
    ("Billing Account # 612345678", "billing_account", None),      # must start with 7
    ("Subscriber ID 812345678901", "subscriber_id", None),
])
def test_nine_vs_twelve_digit_identifiers(line: str, field: str, expected) -> None:
    assert one(line, field) == expected


def test_two_columns_any_order() -> None:
    f = find_fields([Line("Total Amount Due $412.00 Due Date 09/23/2024", 1),
                     Line("Statement Date 09/01/2024 Billing Account # 712345678", 1)])
    assert (f.value("amount_due"), f.value("due_date"), f.value("bill_date"), f.value("billing_account")) == (
        D("412.00"), date(2024, 9, 23), date(2024, 9, 1), "712345678")


def test_values_on_the_line_after_labels() -> None:
    f = find_fields([Line("Account No. Statement Date Please Pay By Please Pay", 1),
                     Line("712345678 Sep 1, 2022 Sep 23, 2022 25.00 CR", 1),
                     Line("Primary Member", 1),
                     Line("Jane Q. Doe", 1)])
    assert f.value("billing_account") == "712345678"
    assert f.value("bill_date") == date(2022, 9, 1)
    assert f.value("due_date") == date(2022, 9, 23)
    assert f.value("amount_due") == D("-25.00")
    assert f.value("subscriber_name") == "Jane Q. Doe"


def test_label_words_inside_sentences_are_not_values() -> None:
    f = find_fields([Line("Your AutoPay will draw the amount due on or after the 22nd.", 1),
                     Line("Payments must be received by the due date to keep your coverage.", 1)])
    assert f.hits == {}
    assert f.markers.get("autopay_on") == [0]


def _health(**kw) -> Bill:
    from bill_factories import health_bill
    return health_bill(**kw)


def test_validate_consistent_bill_has_no_warnings() -> None:
    assert validate_bill(_health()) == []


def test_validate_charges_and_coupon_disagreements_name_fields() -> None:
    b = _health(current_charges=D("400.00"), amount_due=D("400.00"))
    ws = validate_bill(b, coupon={"amount_due": D("412.00")})
    assert any(w.startswith(INCONSISTENT) and "current charges shows 400.00" in w for w in ws)
    assert any("coupon shows amount_due 412.00 but the statement shows 400.00" in w for w in ws)


def test_validate_low_ocr_confidence_says_reading_uncertain() -> None:
    b = _health(amount_due=D("824.00"))
    ws = validate_bill(b, confidence={"amount_due": 41.0, "previous_balance": 95.0})
    [w] = [w for w in ws if "amount due shows" in w]
    assert w.startswith(f"{UNCERTAIN}: OCR confidence 41 on amount_due")


def test_low_confidence_ocr_text_is_warned_not_silently_trusted() -> None:
    text = (FIXTURES / "layout-2026.txt").read_text()
    result = read_bills(pages_of(text, ocr_conf=41.0), "scan.pdf")
    bill = result.bills[0]
    assert dict(bill.confidence)["amount_due"] == pytest.approx(0.41)
    assert any(w.startswith("reading uncertain: OCR confidence 41 on amount_due") for w in bill.warnings)


def test_coupon_disagreement_from_text() -> None:
    text = (FIXTURES / "layout-2026.txt").read_text()
    text = text.replace("Amount Due: $412.00", "Amount Due: $421.00")      # the coupon line only
    bill = read_bills(pages_of(text), "x.pdf").bills[0]
    assert any(w.startswith(INCONSISTENT) and "coupon shows amount_due 421.00" in w for w in bill.warnings)
