"""Sample Bill values for the bill tests (the renderer's input) and a field-by-field comparison.

Imported by the tests as a plain module (tests/bills is on sys.path under pytest's default import mode).
"""
from __future__ import annotations

from dataclasses import asdict, replace
from datetime import date
from decimal import Decimal as D

from recon.model import Bill, BillPayment, Source


def health_bill(month: int = 9, year: int = 2026, **kw) -> Bill:
    """A ConnectorCare health bill dated the 1st of ``month`` (coverage the month after)."""
    cov_y, cov_m = (year + 1, 1) if month == 12 else (year, month + 1)
    base = {
        "source": Source("in.pdf"), "billing_account": "712345678", "bill_date": date(year, month, 1),
        "due_date": date(year, month, 23), "coverage_month": f"{cov_y:04d}-{cov_m:02d}",
        "amount_due": D("412.00"), "enrollment_id": "RefID_1234567890123", "subscriber_id": "712345678901",
        "plan": "health", "plan_name": "ConnectorCare Plan Type 2B", "carrier": "Tufts Health Direct",
        "subscriber_name": "Jane Q. Doe", "members": ("Jane Q. Doe", "John Doe"),
        "previous_balance": D("412.00"), "payments_received": D("412.00"),
        "payment_items": (BillPayment(_prev_24(year, month), D("412.00"), "AutoPay payment"),),
        "adjustments": D("0.00"), "premium": D("1210.50"), "tax_credit": D("698.50"), "state_subsidy": D("100.00"),
        "current_charges": D("412.00"), "autopay": True}
    base.update(kw)
    return Bill(**base)  # type: ignore[arg-type]


def _prev_24(year: int, month: int) -> date:
    return date(year - 1, 12, 24) if month == 1 else date(year, month - 1, 24)


def dental_bill(month: int = 9, year: int = 2026, **kw) -> Bill:
    """An unsubsidised dental bill on its own billing account, no AutoPay wording."""
    cov_y, cov_m = (year + 1, 1) if month == 12 else (year, month + 1)
    base = {
        "source": Source("in.pdf"), "billing_account": "798765432", "bill_date": date(year, month, 1),
        "due_date": date(year, month, 23), "coverage_month": f"{cov_y:04d}-{cov_m:02d}",
        "amount_due": D("38.50"), "enrollment_id": "RefID_9876543210987", "subscriber_id": "798765432109",
        "plan": "dental", "plan_name": "Altus Dental Family Plan", "carrier": "Altus Dental",
        "subscriber_name": "Jane Q. Doe", "members": ("Jane Q. Doe",), "previous_balance": D("38.50"),
        "payments_received": D("38.50"), "adjustments": None, "premium": D("38.50"), "tax_credit": None,
        "state_subsidy": None, "current_charges": D("38.50"), "autopay": False}
    base.update(kw)
    return Bill(**base)  # type: ignore[arg-type]


def credit_bill(**kw) -> Bill:
    """A bill with a credit balance, a returned payment adjustment and many itemised payments (2 pages)."""
    items = (
        BillPayment(date(2026, 9, 3), D("200.00"), "Online payment"),
        BillPayment(date(2026, 9, 10), D("212.00"), "Check 1043"),
        BillPayment(date(2026, 9, 15), D("300.00"), "Online payment"),
        BillPayment(date(2026, 9, 20), D("125.00"), "Online payment"),
        BillPayment(None, D("100.00"), "Payment - thank you"),
    )
    base = {
        "source": Source("in.pdf"), "billing_account": "712345678", "bill_date": date(2026, 10, 1),
        "due_date": date(2026, 10, 23), "coverage_month": "2026-11", "amount_due": D("-25.00"),
        "enrollment_id": "RefID_1234567890123", "subscriber_id": "712345678901", "plan": "health",
        "plan_name": "Health New England ConnectorCare", "carrier": "Health New England",
        "subscriber_name": "Jane Q. Doe", "members": ("Jane Q. Doe", "John Doe", "Ann Doe"),
        "previous_balance": D("412.00"), "payments_received": D("937.00"), "payment_items": items,
        "adjustments": D("88.00"), "premium": D("1210.50"), "tax_credit": D("698.50"), "state_subsidy": D("100.00"),
        "current_charges": D("412.00"), "autopay": None}
    base.update(kw)
    return Bill(**base)  # type: ignore[arg-type]


def assert_same_bill(got: Bill, expected: Bill) -> None:
    """Every field equal, except provenance, warnings and confidences (compared by the tests)."""
    exp = replace(expected, source=got.source, warnings=got.warnings, confidence=got.confidence)
    g, e = asdict(got), asdict(exp)
    diffs = {k: (g[k], e[k]) for k in e if g[k] != e[k]}
    assert not diffs, f"fields read differently (got, expected): {diffs}"
