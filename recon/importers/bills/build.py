"""The pages of one bill -> a Bill: fields from the statement (the coupon, the billing cycle and the
bill's own arithmetic where the statement does not show them), OCR confidence, then validation.

Input: `BillPages` (each page's lines and what the field finder found on them). Output: a `Bill`
whose warnings say every field that was not read as printed (taken from the coupon, found by its
pattern without a label, assumed from the monthly cycle, derived from the arithmetic), every OCR
reading under the confidence threshold, and every disagreement validate.py finds. Raises
MissingField when the bill has no billing account, bill date or amount due.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any

from recon.dates import coverage_month_for_bill, parse_month
from recon.errors import MissingField
from recon.importers.bills.lines import Hit
from recon.importers.bills.pages import BillPages, PageFields
from recon.importers.bills.validate import (
    INCONSISTENT,
    OCR_CONFIDENCE_MIN,
    UNREAD_LINES,
    expected_amount_due,
    low_confidence,
    validate_bill,
)
from recon.model import Bill, BillPayment, Source

OPTIONAL = ("enrollment_id", "subscriber_id", "plan", "plan_name", "carrier", "subscriber_name",
            "members", "previous_balance", "payments_received", "adjustments", "premium",
            "tax_credit", "state_subsidy", "current_charges")
_BARE_ACCOUNT = re.compile(r"(?<![\d-])7\d{8}(?![\d-])")
_BARE_REFID = re.compile(r"\bRef\s?[I1l|]D_?(\d{6,})\b", re.IGNORECASE)
ARITHMETIC = ("previous_balance", "payments_received", "adjustments", "current_charges", "amount_due")


@dataclass
class _Readings:
    """Every field value read on a bill's pages: the first on the statement (``values``) and on the
    coupon, where each was read, and the statement's later readings of a field (``repeats``)."""

    values: dict[str, Any] = field(default_factory=dict)
    where: dict[str, tuple[PageFields, Hit]] = field(default_factory=dict)
    repeats: dict[str, list[Any]] = field(default_factory=dict)
    coupon: dict[str, Any] = field(default_factory=dict)
    coupon_where: dict[str, tuple[PageFields, Hit]] = field(default_factory=dict)


def build_bill(g: BillPages, display: str) -> Bill:
    """The pages of one bill -> a Bill with its warnings. Raises MissingField."""
    first_page = g.pages[0].page.number
    r = _collect(g)
    values = r.values
    warnings: list[str] = []
    _fill_from_coupon(r, warnings)
    _fill_by_pattern(g, values, display, first_page, warnings)
    _fill_from_cycle(values, display, first_page, warnings)
    _split_subsidy(values, r.where, r.repeats, warnings)
    unread = {h.field for pf in g.pages for h in pf.found.misses if h.line < pf.coupon_from}
    unlabelled = [(label, amount) for pf in g.pages for line, label, amount in pf.found.unread_money
                  if line < pf.coupon_from and amount]
    derived = _derive(values, unread, warnings, unlabelled)
    if "amount_due" not in values:
        raise MissingField("no amount due found for the bill", path=display, page=first_page)
    items, autopay = _payments(g)
    conf = _ocr_confidence(g, r, warnings) if any(pf.page.ocr for pf in g.pages) else {}
    bill = Bill(
        source=Source(path=display, page=first_page),
        billing_account=values["billing_account"],
        bill_date=values["bill_date"],
        due_date=values["due_date"],
        coverage_month=values["coverage_month"],
        amount_due=values["amount_due"],
        payment_items=tuple(items),
        autopay=autopay,
        confidence=tuple(sorted((k, round(v / 100.0, 4)) for k, v in conf.items())),
        derived=derived,
        **{k: values.get(k) for k in OPTIONAL if k != "members"},
        members=tuple(values.get("members") or ()),
        warnings=tuple(warnings),
    )
    if conf:
        bill = _two_witnesses(bill, r.coupon, conf, warnings)
    warnings.extend(validate_bill(bill, coupon=r.coupon, repeats=r.repeats, confidence=conf))
    return _replace_warnings(bill, tuple(dict.fromkeys(warnings)))


def _two_witnesses(bill: Bill, coupon: dict[str, Any], conf: dict[str, float], warnings: list[str]) -> Bill:
    """An amount due that OCR read under the confidence threshold, where the coupon and the bill's
    own sums agree on another figure, is that figure: two readings that agree outweigh one that is
    uncertain (a speck on a scan read 412.00 as 4712.00). The warning says what was replaced."""
    read, other = bill.amount_due, coupon.get("amount_due")
    if conf.get("amount_due", 100.0) >= OCR_CONFIDENCE_MIN or other is None or other == read:
        return bill
    if conf.get("coupon.amount_due", 100.0) < OCR_CONFIDENCE_MIN or expected_amount_due(bill) != other:
        return bill
    warnings.append(f"amount_due read as {_show(read)} with OCR confidence {conf['amount_due']:.0f}; the coupon "
                    f"and the bill's own sums both give {_show(other)}, which is used")
    return replace(bill, amount_due=other)


def _collect(g: BillPages) -> _Readings:
    """Every hit on the bill's pages, sorted into statement and coupon readings."""
    r = _Readings()
    for pf in g.pages:
        for name, hits in pf.found.hits.items():
            for h in hits:
                if h.line >= pf.coupon_from:
                    if name not in r.coupon:
                        r.coupon[name] = h.value
                        r.coupon_where[name] = (pf, h)
                elif name not in r.values:
                    r.values[name] = h.value
                    r.where[name] = (pf, h)
                else:
                    r.repeats.setdefault(name, []).append(h.value)
    return r


def _fill_from_coupon(r: _Readings, warnings: list[str]) -> None:
    """Required fields the statement does not show, read from the coupon."""
    for name in ("billing_account", "amount_due", "due_date"):
        if name not in r.values and name in r.coupon:
            r.values[name] = r.coupon[name]
            r.where[name] = r.coupon_where[name]
            warnings.append(f"{name} not found on the statement; read from the coupon")


def _fill_by_pattern(g: BillPages, values: dict[str, Any], display: str, first_page: int,
                     warnings: list[str]) -> None:
    """A billing account (or enrollment id) with no label, found by its pattern in the bill's text.
    Raises MissingField when there is no billing account at all."""
    if "billing_account" not in values:
        text = "\n".join(ln.text for pf in g.pages for ln in pf.page.lines)
        m = _BARE_ACCOUNT.search(text)
        if not m:
            raise MissingField("no billing account number found for the bill", path=display,
                               page=first_page)
        values["billing_account"] = m.group(0)
        warnings.append(f"billing_account {m.group(0)} found by its pattern, without a label")
    if "enrollment_id" not in values:
        text = "\n".join(ln.text for pf in g.pages for ln in pf.page.lines)
        m = _BARE_REFID.search(text)
        if m:
            values["enrollment_id"] = f"RefID_{m.group(1)}"


def _fill_from_cycle(values: dict[str, Any], display: str, first_page: int, warnings: list[str]) -> None:
    """Bill date, coverage month and due date the bill does not show, assumed from the monthly cycle
    (each with a warning). Raises MissingField when neither a bill date nor a coverage month is shown."""
    if "bill_date" not in values and "coverage_month" in values:
        cm = parse_month(values["coverage_month"])
        prev = date(cm.year - 1, 12, 1) if cm.month == 1 else date(cm.year, cm.month - 1, 1)
        values["bill_date"] = prev
        warnings.append(f"bill_date not found; assumed {prev.isoformat()} (1st of the month before coverage)")
    if "bill_date" not in values:
        raise MissingField("no bill date found for the bill", path=display, page=first_page)
    bd: date = values["bill_date"]
    if "coverage_month" not in values:
        values["coverage_month"] = coverage_month_for_bill(bd)
        warnings.append(f"coverage_month not found; assumed {values['coverage_month']} (month after the bill date)")
    if "due_date" not in values:
        values["due_date"] = bd.replace(day=23)
        warnings.append(f"due_date not found; assumed {values['due_date'].isoformat()} (23rd of the bill month)")


def _payments(g: BillPages) -> tuple[list[BillPayment], bool | None]:
    """Itemised payments and AutoPay wording (statement part only): off wins over on."""
    items: list[BillPayment] = []
    autopay: bool | None = None
    for pf in g.pages:
        items.extend(p for p, line in pf.found.payment_items if line < pf.coupon_from)
        if any(i < pf.coupon_from for i in pf.found.markers.get("autopay_off", ())):
            autopay = False
        elif autopay is None and any(i < pf.coupon_from for i in pf.found.markers.get("autopay_on", ())):
            autopay = True
    return items, autopay


def _ocr_confidence(g: BillPages, r: _Readings, warnings: list[str]) -> dict[str, float]:
    """OCR confidence per field read by OCR (0-100; coupon fields as "coupon.<name>"), with a warning
    for each statement field under the threshold."""
    from recon.importers.bills.ocr import span_confidence

    conf: dict[str, float] = {}
    for prefix, table in (("", r.where), ("coupon.", r.coupon_where)):
        for name, (pf, h) in table.items():
            if not pf.page.ocr:
                continue
            c = span_confidence(pf.page.lines[h.line], h.start, h.end)
            if c is not None:
                conf[prefix + name] = c
    for name, c in low_confidence(conf, sorted(conf)):
        if name.startswith("coupon."):
            continue
        warnings.append(f"reading uncertain: OCR confidence {c:.0f} on {name} "
                        f"(read as {_show(r.values.get(name))}; threshold {OCR_CONFIDENCE_MIN:.0f})")
    return conf


def _split_subsidy(values: dict[str, Any], where: dict[str, Any], repeats: dict[str, list[Any]],
                   warnings: list[str]) -> None:
    """A subsidy total ("Total Subsidy", or a subsidy of no stated kind) -> the part of it not shown
    as tax credit or state subsidy (the state subsidy when neither is shown); both shown and a total
    that differs from their sum is a warning."""
    repeats.pop("subsidy_total", None)
    total = values.pop("subsidy_total", None)
    at = where.pop("subsidy_total", None)
    if total is None:
        return
    tc, ss = values.get("tax_credit"), values.get("state_subsidy")
    if tc is not None and ss is not None:
        if tc + ss != total:
            warnings.append(f"{INCONSISTENT}: tax credit {tc:.2f} + state subsidy {ss:.2f} = {tc + ss:.2f} "
                            f"but the subsidy total shows {total:.2f} (fields: tax_credit, state_subsidy)")
        return
    name, rest = ("state_subsidy", total - (tc or 0)) if ss is None else ("tax_credit", total - ss)
    if rest < 0:
        warnings.append(f"{INCONSISTENT}: the subsidy total {total:.2f} is less than the part shown "
                        f"({(tc if ss is None else ss):.2f})")
        return
    if rest or (tc is None and ss is None):
        values[name] = rest
        if at is not None:
            where[name] = at


def _derive(values: dict[str, Any], unread: set[str], warnings: list[str],
            unlabelled: list[tuple[str, Decimal]] = ()) -> tuple[str, ...]:  # type: ignore[assignment]
    """The bill's own arithmetic, previous balance - payments received + adjustments + charges =
    amount due, fills the one figure that could not be read when every other is known; a figure
    that stays unknown is named in a warning (never taken as 0). Adjustments the bill does not print
    at all count as none; charges are the current charges, else premium less subsidies.

    ``unlabelled``: the bill's amount lines whose label is no vocabulary wording (label, amount).
    They are not taken as 0 where they matter: a missing figure (other than the charges) is derived
    only when one of them shows it; when every figure was read and the arithmetic does not hold,
    the current charges are taken from the arithmetic (what the bill asks for the month, which the
    matcher charges) and the bill carries an UNREAD_LINES warning naming them, so that the gap is
    not reported as a discrepancy. Only a bill whose every amount line was read has its gap checked.
    Returns the names of the derived fields (Bill.derived)."""
    shown_lines = "; ".join(f'"{label}" {amount:.2f}' for label, amount in unlabelled)
    charges = values.get("current_charges")
    if charges is None and values.get("premium") is not None:
        charges = values["premium"] - (values.get("tax_credit") or 0) - (values.get("state_subsidy") or 0)
    terms: dict[str, Decimal | None] = {
        "previous_balance": values.get("previous_balance"), "payments_received": values.get("payments_received"),
        "adjustments": values.get("adjustments"), "current_charges": charges, "amount_due": values.get("amount_due")}
    if terms["adjustments"] is None and "adjustments" not in unread:
        terms["adjustments"] = Decimal(0)
    unknown = [k for k, v in terms.items() if v is None]
    shown = [k for k in unknown if k in unread or k == "amount_due"]
    if len(unknown) == 1:
        name = unknown[0]
        value = _solve(name, terms)
        printed = None
        if unlabelled and name != "current_charges":
            printed = next((label for label, amount in unlabelled if abs(amount) == abs(value)), None)
        if (printed is not None or not unlabelled or name == "current_charges") \
                and (name != "payments_received" or value >= 0):
            values[name] = value
            warnings.append(f"{name} derived from the bill's arithmetic "
                            "(previous balance - payments received + adjustments + charges = amount due)"
                            + (f'; printed as "{printed}"' if printed else ""))
            if unlabelled and printed is None:
                warnings.append(f"{UNREAD_LINES}: {shown_lines} (labels not recognised; part of the "
                                f"derived {name})")
            return (name,)
    elif not unknown and unlabelled:
        pb, pr, adj, ch, due = (terms[k] for k in ARITHMETIC)
        expected = pb - pr + adj + ch     # type: ignore[operator]
        gap = due - expected              # type: ignore[operator]
        if gap and not (expected < 0 and due == 0):     # a credit shown as $0.00 due is no gap
            cc = due - pb + pr - adj      # type: ignore[operator]
            was = values.get("current_charges")
            values["current_charges"] = cc
            warnings.append(
                f"{UNREAD_LINES}: {shown_lines} (labels not recognised); without them the bill's arithmetic "
                f"is off by {gap:.2f}, so current_charges is taken from it as {cc:.2f} (amount due - previous "
                "balance + payments received - adjustments)"
                + (f"; current charges printed as {was:.2f}" if was is not None else ""))
            return ("current_charges",)
        return ()
    if unlabelled:
        warnings.append(f"{UNREAD_LINES}: {shown_lines} (labels not recognised); the bill's arithmetic "
                        "cannot be checked")
    for name in shown:
        if name in unread:
            warnings.append(f"{name} could not be read (its label is on the bill; the value is unreadable "
                            "or ambiguous)")
    return ()


def _solve(name: str, terms: dict[str, Decimal | None]) -> Decimal:
    """The one unknown term ``name`` of previous balance - payments received + adjustments + current
    charges = amount due, from the others."""
    pb, pr, adj, ch, due = (terms[k] for k in ARITHMETIC)
    if name == "previous_balance":
        return due + pr - adj - ch   # type: ignore[operator]
    if name == "payments_received":
        return pb + adj + ch - due   # type: ignore[operator]
    if name == "adjustments":
        return due - pb + pr - ch    # type: ignore[operator]
    if name == "current_charges":
        return due - pb + pr - adj   # type: ignore[operator]
    return pb - pr + adj + ch        # type: ignore[operator]


def _replace_warnings(bill: Bill, warnings: tuple[str, ...]) -> Bill:
    if warnings == bill.warnings:   # none (the usual case): the same bill, without a copy
        return bill
    return replace(bill, warnings=warnings)


def _show(v: Any) -> str:
    if isinstance(v, Decimal):
        return f"{v:.2f}"
    if isinstance(v, date):
        return v.isoformat()
    return str(v)

