"""The letter's items: one per disputed event (a draw, a check), never two asking for the same money.

Input: the findings the member may dispute (their registry entry has a dispute), the account's
ledger rows, the Report. Output: ``Item``s, numbered in date order, and ``NotDisputed`` events
(with the reason a finding about them is not put in the letter).

Rules, so that the letter agrees with the rest of the packet:

- A finding is about one or more debits (its event): the second draw of a duplicate, the draw of
  an AutoPay after cancelling, the charge that pays no bill, the payment a bill left out. Findings
  about the same debit are one item; a finding about no debit is an item of its own.
- Money is asked back only for the part of a debit that pays no bill in the ledger. A debit the
  ledger applies to a bill is not asked back (the packet shows it paying that bill).
- A debit that pays no bill, made while an older bill of the account was still open, is what the
  Connector would apply to that past-due balance: that part is not disputed either.
- A payment the bill left out is asked to be credited (it pays the bill the ledger shows).
- Each item says how much it disputes; the letter's total is the sum of the items.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from recon.model import Finding, FindingType, Report, Transaction
from recon.money import dollars
from recon.report.csv_out import LedgerRow

ZERO = Decimal(0)
REFUND = ("autopay_after_cancellation", "duplicate_draw", "unmatched_charge")   # in order of preference
CREDIT = ("balance_discrepancy",)
# What is still asked of a refund-type finding when its money is not asked back.
KEEP_ASK = {"autopay_after_cancellation": "confirm in writing that AutoPay is cancelled"}


@dataclass(frozen=True)
class Item:
    """One disputed event, as the letter lists it."""

    number: int
    findings: tuple[Finding, ...]
    txn: Transaction | None          # the debit the item is about (None: a bill's own error)
    account: str
    coverage_month: str | None
    when: date | None
    amount: Decimal                  # the event's amount (the debit, or the finding's)
    in_dispute: Decimal              # what the item asks to be credited or refunded
    asks: tuple[str, ...]
    notes: tuple[str, ...]           # why money is not asked back, in words


@dataclass(frozen=True)
class NotDisputed:
    """An event a disputable finding names that the letter does not dispute, and why."""

    findings: tuple[Finding, ...]
    txn: Transaction | None
    reason: str


def _debits(f: Finding, txns: dict[str, Transaction], paid_to: dict[str, dict[str, Decimal]]) -> list[Transaction]:
    """The debits a finding is about (see the module docstring)."""
    debits = [txns[t] for t in f.transaction_ids if t in txns and txns[t].amount < 0]
    if f.type == "duplicate_draw" and len(debits) > 1:
        # the debit the finding's bill did not need: not (wholly) allocated to it
        extra = [t for t in debits if sum(paid_to.get(t.id, {}).get(b, ZERO) for b in f.bill_ids) < -t.amount]
        debits = [max(extra or debits, key=lambda t: (t.date, t.id))]
    return debits


def _events(findings, txns, paid_to) -> list[tuple[Transaction | None, list[Finding]]]:
    """Findings grouped by the debit they are about; a finding about no debit is an event alone."""
    by_txn: dict[str, list[Finding]] = defaultdict(list)
    alone: list[Finding] = []
    for f in findings:
        ds = _debits(f, txns, paid_to)
        for t in ds:
            by_txn[t.id].append(f)
        if not ds:
            alone.append(f)
    out: list[tuple[Transaction | None, list[Finding]]] = [(txns[t], fs) for t, fs in by_txn.items()]
    out += [(None, [f]) for f in alone]
    return sorted(out, key=lambda e: (e[0].date if e[0] else date.max, e[0].id if e[0] else "",
                                      e[1][0].coverage_month or ""))


class _PastDue:
    """What was still owed on the account's bills, for debits that pay no bill (taken in date order)."""

    def __init__(self, rows: list[LedgerRow]) -> None:
        self.open = [[r.bill.due_date, r.bill.coverage_month, max(r.state.charge - r.state.paid, ZERO)]
                     for r in rows]

    def take(self, when: date, amount: Decimal) -> tuple[Decimal, list[str]]:
        took, months = ZERO, []
        for entry in self.open:
            due, month, left = entry
            if due >= when or left <= ZERO or took >= amount:
                continue
            part = min(left, amount - took)
            entry[2] -= part
            took += part
            months.append(month)
        return took, months


def _month_after(d: date) -> str:
    return f"{d.year + 1:04d}-01" if d.month == 12 else f"{d.year:04d}-{d.month + 1:02d}"


def _months(paid_to: dict[str, Decimal], month_of: dict[str, str]) -> str:
    return ", ".join(sorted({month_of[b] for b in paid_to if b in month_of}))


def _refund_part(t, fs, alloc, past_due, month_of, guide) -> tuple[Decimal, list[str], list[str]]:
    """The refund asked for debit ``t`` (its part that pays no bill and goes to no past-due balance)."""
    types = {f.type for f in fs}
    kinds = [k for k in REFUND if k in types]
    if not kinds:
        return ZERO, [], []
    if t is None:                    # about no debit: what the finding names
        g = guide(kinds[0])
        return max((abs(f.amount) for f in fs if f.amount is not None), default=ZERO), \
            [g.dispute if g else "refund this payment"], []
    applied = sum(alloc.values(), ZERO)
    free = max(-t.amount - applied, ZERO)
    absorbed, months = past_due.take(t.date, free) if free > ZERO else (ZERO, [])
    refund = free - absorbed
    notes, asks = [], []
    if applied > ZERO:
        notes.append(f"My records apply {dollars(applied)} of it to the bill for coverage month(s) "
                     f"{_months(alloc, month_of)}, so that is not asked back.")
    if absorbed > ZERO:
        notes.append(f"The Connector would apply {dollars(absorbed)} of it to the past-due balance of "
                     f"coverage month(s) {', '.join(months)} (bills still open when it was paid), so that "
                     "is not asked back.")
    if refund > ZERO:
        g = guide(kinds[0])
        asks.append(g.dispute if g else "refund this payment")
    else:
        asks += [KEEP_ASK[k] for k in kinds if k in KEEP_ASK]
    return refund, asks, notes


def _item_for(t, fs, alloc, past_due, month_of, guide, left) -> tuple[Decimal, list[str], list[str]]:
    """(amount in dispute, asks, notes) of one event. ``left``: what each finding has not yet
    asked in an earlier item (a finding about two debits asks its amount once, split)."""
    refund, asks, notes = _refund_part(t, fs, alloc, past_due, month_of, guide)
    credit = ZERO
    cap = -t.amount - refund if t is not None else None
    for f in fs:
        if f.type in REFUND:
            continue
        g = guide(f.type)
        if g and g.dispute and g.dispute not in asks:
            asks.append(g.dispute)
        if f.amount is not None:
            share = left.get(id(f), abs(f.amount))
            if cap is not None:
                share = min(share, cap)
            left[id(f)] = left.get(id(f), abs(f.amount)) - share
            credit = max(credit, share)
    return refund + credit, asks, notes


def disputed_items(report: Report, rows: list[LedgerRow], findings: list[Finding],
                   guide: Callable[[Report, str], FindingType | None]) -> tuple[tuple[Item, ...], tuple[NotDisputed, ...]]:
    """The letter's items and the events left out of it (see the module docstring)."""
    txns = {t.id: t for t in report.transactions}
    month_of = {ref.id: ref.bill.coverage_month for ref in report.bills}
    paid_to: dict[str, dict[str, Decimal]] = defaultdict(dict)
    for a in report.matches:
        paid_to[a.transaction_id][a.bill_id] = paid_to[a.transaction_id].get(a.bill_id, ZERO) + a.amount
    past_due = _PastDue(rows)
    items: list[Item] = []
    spared: list[NotDisputed] = []
    account = rows[0].bill.billing_account
    left: dict[int, Decimal] = {}
    for t, fs in _events(findings, txns, paid_to):
        alloc = paid_to.get(t.id, {}) if t is not None else {}
        total, asks, notes = _item_for(t, fs, alloc, past_due, month_of, lambda k: guide(report, k), left)
        if not asks:
            spared.append(NotDisputed(tuple(fs), t, " ".join(notes)))
            continue
        # the month the ledger applies the debit to; else the findings' month; else the month after
        month = (_months(alloc, month_of) if alloc else None) or \
            next((f.coverage_month for f in fs if f.coverage_month), None) or \
            (_month_after(t.date) if t is not None else None)
        amount = -t.amount if t is not None else max((abs(f.amount) for f in fs if f.amount is not None),
                                                     default=ZERO)
        items.append(Item(len(items) + 1, tuple(fs), t, account, month, t.date if t else None,
                          amount, total, tuple(asks), tuple(notes)))
    return tuple(items), tuple(spared)
