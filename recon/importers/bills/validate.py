"""One bill as read -> the warnings that say where its fields disagree, and why that may be.

Input: a `Bill`, the figures its coupon repeats, any field printed more than once on the statement
with its other readings, and per-field OCR confidences (0-100; empty for a text layer). Output: a
list of warning strings for Bill.warnings. A bill that fails a check is still a bill: the checks
only name the fields that disagree and say which of two things it is:

  * "bill is internally inconsistent: ..." - the figures were read with confidence (text layer, or
    OCR above OCR_CONFIDENCE_MIN) and still do not agree: evidence for the member;
  * "reading uncertain: OCR confidence 41 on amount_due ..." - a field in the disagreement was read
    by OCR below the threshold, so the likelier story is a misread.

Checks: identifiers by pattern; previous balance - payments received + adjustments + (premium - tax
credit - state subsidy) = amount due; premium - subsidies = current charges when both are shown;
coverage month = the month after the bill month; due date on the 23rd of the bill month
(../shared/domain.md, "The monthly cycle"); coupon figures = statement figures; a field printed
twice shows one value. The two sums are not checked on a bill whose reader found amount lines it
could not name (an UNREAD_LINES warning): the unread lines are what the sums miss.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from recon.dates import coverage_month_for_bill
from recon.importers.bills.values import BILLING_ACCOUNT_RE, ENROLLMENT_ID_RE, SUBSCRIBER_ID_RE
from recon.model import OCR_CONFIDENCE_MIN, Bill
from recon.money import format_money

# OCR_CONFIDENCE_MIN (recon.model): below this tesseract word confidence (0-100) a field counts as
# uncertain: it is named in a warning, and no finding rests on it. 80 sits under what clean
# 200-300 dpi scans give (89-96 on the test bills) and above the 40-60 seen on smudged or confused
# words ("ReflD").
DUE_DAY_OF_MONTH = 23
INCONSISTENT = "bill is internally inconsistent"
# A bill with amount lines whose label was not read carries a warning starting so; its arithmetic is
# then not checked (a gap is what the unread lines hold, not a finding).
UNREAD_LINES = "unread money lines"
UNCERTAIN = "reading uncertain"
EVIDENCE = " \u2014 evidence for the member"

_LABELS = {
    "previous_balance": "previous balance", "payments_received": "payments",
    "adjustments": "adjustments", "current_charges": "charges", "amount_due": "amount due",
    "premium": "premium", "tax_credit": "tax credit", "state_subsidy": "state subsidy",
}


def _m(d: Decimal | None) -> str:
    return format_money(d if d is not None else Decimal(0))


def low_confidence(confidence: Mapping[str, float], fields: Sequence[str],
                   threshold: float = OCR_CONFIDENCE_MIN) -> list[tuple[str, float]]:
    """The fields among ``fields`` read below ``threshold``, lowest first."""
    low = [(f, confidence[f]) for f in fields if f in confidence and confidence[f] < threshold]
    return sorted(low, key=lambda x: (x[1], x[0]))


def _verdict(what: str, fields: Sequence[str], confidence: Mapping[str, float], threshold: float) -> str:
    low = low_confidence(confidence, fields, threshold)
    if low:
        conf = ", ".join(f"OCR confidence {c:.0f} on {f}" for f, c in low)
        return f"{UNCERTAIN}: {conf}; {what}"
    return f"{INCONSISTENT}: {what}{EVIDENCE}"


def charges_of(bill: Bill) -> Decimal | None:
    """The month's charges: current charges as shown, else premium less tax credit and subsidy."""
    if bill.current_charges is not None:
        return bill.current_charges
    if bill.premium is not None:
        return bill.premium - (bill.tax_credit or 0) - (bill.state_subsidy or 0)
    return None


def has_unread_lines(bill: Bill) -> bool:
    """Whether the bill has amount lines whose label was not read (an UNREAD_LINES warning)."""
    return any(w.startswith(UNREAD_LINES) for w in bill.warnings)


def expected_amount_due(bill: Bill) -> Decimal | None:
    """previous balance - payments + adjustments + charges, when the bill shows what that needs;
    None when some of its amount lines were not read (their labels are not known)."""
    if bill.warnings and has_unread_lines(bill):
        return None
    charges = charges_of(bill)
    if bill.previous_balance is None or charges is None:
        return None
    return (bill.previous_balance - (bill.payments_received or Decimal(0))
            + (bill.adjustments or Decimal(0)) + charges)


def validate_bill(bill: Bill, *, coupon: Mapping[str, Any] | None = None,
                  repeats: Mapping[str, Sequence[Any]] | None = None,
                  confidence: Mapping[str, float] | None = None,
                  threshold: float = OCR_CONFIDENCE_MIN) -> list[str]:
    """Every check on one bill; returns warnings (empty when everything agrees)."""
    conf = confidence or {}
    return [*_check_identifiers(bill),
            *_check_charges(bill, conf, threshold),
            *_check_balance(bill, conf, threshold),
            *_check_payment_items(bill, conf, threshold),
            *_check_cycle(bill),
            *_check_coupon(bill, coupon or {}, conf, threshold),
            *_check_repeats(bill, repeats or {}, conf, threshold)]


def _check_identifiers(bill: Bill) -> list[str]:
    """Identifiers by pattern (the reader enforces them; bills built elsewhere may not)."""
    out: list[str] = []
    if not BILLING_ACCOUNT_RE.match(bill.billing_account or ""):
        out.append(f"billing_account {bill.billing_account!r} is not 9 digits starting with 7")
    if bill.subscriber_id is not None and not SUBSCRIBER_ID_RE.match(bill.subscriber_id):
        out.append(f"subscriber_id {bill.subscriber_id!r} is not 12 digits starting with 7")
    if bill.enrollment_id is not None and not ENROLLMENT_ID_RE.match(bill.enrollment_id):
        out.append(f"enrollment_id {bill.enrollment_id!r} does not look like RefID_<digits>")
    return out


def _check_charges(bill: Bill, conf: Mapping[str, float], threshold: float) -> list[str]:
    """Premium - subsidies = current charges, when both are shown."""
    if bill.premium is None or bill.current_charges is None:
        return []
    derived = bill.premium - (bill.tax_credit or 0) - (bill.state_subsidy or 0)
    if derived == bill.current_charges or has_unread_lines(bill):
        return []
    fields = ["premium", "tax_credit", "state_subsidy", "current_charges"]
    return [_verdict(
        f"premium {_m(bill.premium)} - tax credit {_m(bill.tax_credit)} - state subsidy "
        f"{_m(bill.state_subsidy)} = {_m(derived)} but current charges shows "
        f"{_m(bill.current_charges)} (fields: {', '.join(fields)})", fields, conf, threshold)]


def _check_balance(bill: Bill, conf: Mapping[str, float], threshold: float) -> list[str]:
    """The balance: previous - payments + adjustments + charges = amount due."""
    expected = expected_amount_due(bill)
    if expected is None or expected == bill.amount_due:
        return []
    pay = bill.payments_received or Decimal(0)
    adj = bill.adjustments or Decimal(0)
    fields = ["previous_balance", "payments_received", "adjustments",
              "current_charges" if bill.current_charges is not None else "premium", "amount_due"]
    return [_verdict(
        f"previous balance {_m(bill.previous_balance)} - payments {_m(pay)} + adjustments "
        f"{_m(adj)} + charges {_m(charges_of(bill))} = {_m(expected)} but amount due shows "
        f"{_m(bill.amount_due)}", fields, conf, threshold)]


def _check_payment_items(bill: Bill, conf: Mapping[str, float], threshold: float) -> list[str]:
    """Itemised payments add up to the total shown."""
    if not bill.payment_items or bill.payments_received is None:
        return []
    total = sum((p.amount for p in bill.payment_items), Decimal(0))
    if total == bill.payments_received:
        return []
    return [_verdict(f"itemised payments add up to {_m(total)} but payments received shows "
                     f"{_m(bill.payments_received)}", ["payments_received"], conf, threshold)]


def _check_cycle(bill: Bill) -> list[str]:
    """The monthly cycle: coverage month after the bill month, due on the 23rd of the bill month."""
    out: list[str] = []
    expected_month = coverage_month_for_bill(bill.bill_date)
    if bill.coverage_month != expected_month:
        out.append(f"coverage_month {bill.coverage_month} is not the month after the bill date "
                   f"{bill.bill_date.isoformat()} (expected {expected_month})")
    if (bill.due_date.day != DUE_DAY_OF_MONTH or bill.due_date.month != bill.bill_date.month
            or bill.due_date.year != bill.bill_date.year):
        out.append(f"due_date {bill.due_date.isoformat()} is not the {DUE_DAY_OF_MONTH}rd of the bill month "
                   f"({bill.bill_date:%Y-%m})")
    return out


def _check_coupon(bill: Bill, coupon: Mapping[str, Any], conf: Mapping[str, float],
                  threshold: float) -> list[str]:
    """The coupon repeats page 1."""
    out: list[str] = []
    for name in ("billing_account", "amount_due", "due_date"):
        if name not in coupon or coupon[name] is None:
            continue
        page1 = getattr(bill, name)
        if coupon[name] != page1:
            out.append(_verdict(
                f"coupon shows {name} {_show(coupon[name])} but the statement shows {_show(page1)}",
                [name, f"coupon.{name}"], conf, threshold))
    return out


def _check_repeats(bill: Bill, repeats: Mapping[str, Sequence[Any]], conf: Mapping[str, float],
                   threshold: float) -> list[str]:
    """A field printed twice on the statement shows one value."""
    out: list[str] = []
    for name, values in sorted(repeats.items()):
        first = getattr(bill, name, None)
        others = [v for v in values if v != first]
        if others:
            shown = ", ".join(_show(v) for v in others)
            out.append(_verdict(f"{name} is printed as {_show(first)} and elsewhere as {shown}",
                                [name], conf, threshold))
    return out


def _show(v: Any) -> str:
    if isinstance(v, Decimal):
        return format_money(v)
    if hasattr(v, "isoformat"):
        return v.isoformat()
    return str(v)
