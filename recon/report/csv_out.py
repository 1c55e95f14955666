"""Report -> findings.csv, ledger.csv, matches.csv (and the ledger view html.py and proof.py share).

Input: a ``Report`` (recon.model) and an output folder.
Output: three CSV files written atomically, byte-identical for the same inputs:

- findings.csv: one row per finding, with its evidence (bank file + line or FITID, bill file + page);
- ledger.csv: one row per bill (billing account, coverage month), with the payments allocated to it;
- matches.csv: one row per allocation (a debit that paid two bills gives two rows).

Money is a two-decimal string ("-412.00"), never a float. Bank account numbers are masked to the
last four digits (mask_account); Connector billing account numbers are printed in full. Text cells
that a spreadsheet would run as a formula (=, +, @) are prefixed with an apostrophe.
"""
from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from recon.model import Bill, BillRef, BillStatus, Finding, Report, Source, Transaction
from recon.money import dollars, format_money
from recon.privacy import for_people
from recon.report.json_report import mask_account, sort_findings, write_atomic

ZERO = Decimal(0)
_CONF = re.compile(r"\bCONF(?:IRMATION)?\s*(?:#|NO\.?|NUMBER)?\s*:?\s*([A-Z0-9-]{3,})", re.IGNORECASE)


# ------------------------------------------------------------------ shared ledger view

def payment_method(t: Transaction) -> str:
    """AutoPay | online | check (payments); return | refund (credits back from the Connector)."""
    if t.role in ("return", "refund"):
        return t.role
    if t.check_number or t.date_written:
        return "check"
    if t.autopay:
        return "AutoPay"
    if t.ach and t.ach.entry_description and "AUTO" in t.ach.entry_description.upper():
        return "AutoPay"
    return "online"


def payment_reference(t: Transaction) -> str:
    """What the Connector can look the payment up by: ACH trace, check number or confirmation."""
    if t.trace:
        return f"trace {t.trace}"
    if t.check_number:
        return f"check #{t.check_number}"
    m = _CONF.search(t.description)
    if m:
        return f"confirmation {m.group(1)}"
    return ""


def source_words(s: Source) -> str:
    """'bank/x.qfx FITID 2026032400123' / 'bank/x.csv line 12' / 'bills/x.pdf page 1'."""
    where = [s.path]
    if s.fitid:
        where.append(f"FITID {s.fitid}")
    if s.line is not None:
        where.append(f"line {s.line}")
    if s.page is not None:
        where.append(f"page {s.page}")
    return " ".join(where)


def transaction_where(t: Transaction) -> str:
    """Every place the transaction appears in the exports (check register included)."""
    return "; ".join(source_words(s) for s in t.sources)


def bill_where(b: Bill) -> str:
    return f"{b.source.path} page {b.source.page or 1}"


@dataclass(frozen=True, slots=True)
class PaymentLine:
    """One payment (or part of one) allocated to a bill."""

    transaction: Transaction
    amount: Decimal                  # the part of the debit that pays this bill, positive
    confidence: float
    reason: str

    @property
    def method(self) -> str:
        return payment_method(self.transaction)

    @property
    def reference(self) -> str:
        return payment_reference(self.transaction)

    @property
    def bank_account(self) -> str:
        return mask_account(self.transaction.account) or ""

    @property
    def where(self) -> str:
        return transaction_where(self.transaction)

    @property
    def counts_on(self):
        t = self.transaction
        return t.date_written or t.date


@dataclass(frozen=True, slots=True)
class LedgerRow:
    """One bill with what was paid toward it."""

    ref: BillRef
    state: BillStatus
    payments: tuple[PaymentLine, ...]

    @property
    def bill(self) -> Bill:
        return self.ref.bill

    @property
    def status(self) -> str:
        return self.state.status

    @property
    def paid(self) -> Decimal:
        return self.state.paid


def ledger(report: Report) -> dict[str, list[LedgerRow]]:
    """Billing account -> its bills by coverage month, each with its allocated payments."""
    r = report
    txns = {t.id: t for t in r.transactions}
    by_bill: dict[str, list[PaymentLine]] = defaultdict(list)
    for a in r.matches:
        t = txns.get(a.transaction_id)
        if t is not None:
            by_bill[a.bill_id].append(PaymentLine(t, a.amount, a.confidence, a.reason))
    out: dict[str, list[LedgerRow]] = defaultdict(list)
    for ref in sorted(r.bills, key=lambda x: (x.bill.billing_account, x.bill.coverage_month, x.id)):
        s = report.status_of(ref.id)
        pays = tuple(sorted(by_bill.get(ref.id, ()), key=lambda p: (p.counts_on, p.transaction.date,
                                                                     p.transaction.id)))
        out[ref.bill.billing_account].append(LedgerRow(ref, s, pays))
    return dict(sorted(out.items()))


class _Lookup:
    """What the reports look findings' facts up in, built once per Report: rebuilding the
    transaction index per finding made 45,000 findings take longer than 10 minutes."""

    def __init__(self, report: Report) -> None:
        r = report
        self.txns = {t.id: t for t in r.transactions}
        self.bills = {ref.id: ref.bill for ref in r.bills}
        self.by_account: dict[str | None, list[Finding]] | None = None


def _lookup(report: Report) -> _Lookup:
    lk = report.cache.get(_Lookup)
    if lk is None:
        lk = report.cache[_Lookup] = _Lookup(report)
    return lk


def finding_account(report: Report, f: Finding) -> str | None:
    """The billing account a finding is about (the checks set it whenever one is known)."""
    return f.billing_account


def findings_for(report: Report, account: str | None) -> list[Finding]:
    """Findings about ``account`` (see finding_account; None: about no known account), report order."""
    lk = _lookup(report)
    if lk.by_account is None:
        lk.by_account = defaultdict(list)
        for f in sort_findings(report.findings):
            lk.by_account[finding_account(report, f)].append(f)
    return list(lk.by_account.get(account, ()))


def finding_evidence(report: Report, f: Finding) -> list[str]:
    """Where a finding's facts come from, one line per transaction and bill it names."""
    lk = _lookup(report)
    txns, bills = lk.txns, lk.bills
    out = []
    for tid in f.transaction_ids:
        t = txns.get(tid)
        if t is None:
            out.append(f"transaction {tid}")
            continue
        ref = payment_reference(t)
        acct = mask_account(t.account)
        kind = f"{payment_method(t)} {'debit' if t.amount < 0 else 'credit'}"
        desc = (f"{t.date.isoformat()} {dollars(abs(t.amount))} {kind}"
                + (f", {ref}" if ref else "") + (f", bank account {acct}" if acct else ""))
        if t.date_written:
            desc += f", written {t.date_written.isoformat()}"
        out.append(f"{desc}: {transaction_where(t)}")
    for bid in f.bill_ids:
        b = bills.get(bid)
        if b is None:
            out.append(f"bill {bid}")
            continue
        out.append(f"bill dated {b.bill_date.isoformat()} for {b.coverage_month}, amount due "
                   f"{dollars(b.amount_due)}, due {b.due_date.isoformat()}: {bill_where(b)}")
    return out


# ------------------------------------------------------------------ CSV files

def _cell(v: object) -> str:
    if v is None:
        return ""
    s = str(v)
    if s[:1] in ("=", "+", "@", "\t", "\r"):
        return "'" + s
    if s[:1] == "-" and not re.fullmatch(r"-\d+(?:\.\d+)?", s):
        return "'" + s
    return s


def _csv(header: list[str], rows: list[list[object]], keep=frozenset()) -> str:
    """CSV text; every cell as people read it (recon.privacy: private numbers masked, no controls)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    for row in rows:
        w.writerow([for_people(c, keep) if isinstance(c := _cell(v), str) else c for v in row])
    return buf.getvalue()


def _m(v: Decimal | None) -> str:
    return "" if v is None else format_money(v)


# What a finding's amount is, in words, so that a spreadsheet reader need not guess from a sign:
# (when the amount is positive, when it is negative).
_DIRECTION = {
    "unmatched_charge": ("taken by the Connector, pays no bill", "credited by the Connector, pays no bill"),
    "duplicate_draw": ("drawn more than once", "drawn more than once"),
    "balance_discrepancy": ("the bill shows more than expected", "the bill shows less than expected"),
    "unpaid_bill": ("owed", "owed"),
    "partial_payment": ("still owed at the due date", "still owed at the due date"),
    "late_payment": ("paid after the due date", "paid after the due date"),
    "returned_payment": ("returned by the bank", "returned by the bank"),
    "autopay_amount_mismatch": ("AutoPay drew more than due", "AutoPay drew less than due"),
    "autopay_after_cancellation": ("drawn after AutoPay was cancelled", "drawn after AutoPay was cancelled"),
    "check_not_cashed": ("check not cashed", "check not cashed"),
    "coverage_at_risk": ("owed", "owed"),
}


def _direction(f: Finding) -> str:
    if f.amount is None or f.amount == 0:
        return ""
    pos, neg = _DIRECTION.get(f.type, ("", ""))
    return pos if f.amount > 0 else neg


def findings_csv(report: Report) -> str:
    """One row per finding; ``amount`` is always the size, ``direction`` says what it is."""
    header = ["severity", "type", "billing_account", "coverage_month", "amount", "direction", "message",
              "evidence", "transaction_ids", "bill_ids", "accepted"]
    rows = [[f.severity, f.type, f.billing_account, f.coverage_month,
             _m(abs(f.amount)) if f.amount is not None else None, _direction(f), f.message,
             " | ".join(finding_evidence(report, f)), " ".join(f.transaction_ids), " ".join(f.bill_ids),
             f.accepted]
            for f in sort_findings(report.findings)]
    return _csv(header, rows, report.evidence_numbers)


def _payment_cell(p: PaymentLine) -> str:
    t = p.transaction
    parts = [t.date.isoformat(), format_money(p.amount), p.method]
    if p.reference:
        parts.append(p.reference)
    if t.date_written:
        parts.append(f"written {t.date_written.isoformat()}")
    if p.bank_account:
        parts.append(f"bank {p.bank_account}")
    return " ".join(parts) + f" [{p.where}]"


def ledger_csv(report: Report) -> str:
    header = ["billing_account", "plan", "coverage_month", "bill_id", "bill_date", "due_date", "amount_due",
              "billed", "paid", "paid_on_time", "paid_late", "status", "payment_count", "payments",
              "bill_source"]
    rows = []
    for account, lines in ledger(report).items():
        for row in lines:
            b, s = row.bill, row.state
            rows.append([account, b.plan, b.coverage_month, row.ref.id, b.bill_date.isoformat(),
                         b.due_date.isoformat(), _m(b.amount_due), _m(s.charge), _m(row.paid),
                         _m(s.paid_on_time), _m(s.paid_late), row.status, len(row.payments),
                         " | ".join(_payment_cell(p) for p in row.payments), bill_where(b)])
    return _csv(header, rows, report.evidence_numbers)


def matches_csv(report: Report) -> str:
    header = ["transaction_id", "bill_id", "billing_account", "coverage_month", "amount",
              "transaction_date", "transaction_amount", "date_written", "method", "reference",
              "bank_account", "confidence", "reason", "override", "sources"]
    r = report
    txns = {t.id: t for t in r.transactions}
    bills = {ref.id: ref.bill for ref in r.bills}
    rows = []
    for a in sorted(r.matches, key=lambda a: (a.transaction_id, a.bill_id)):
        t = txns.get(a.transaction_id)
        b = bills.get(a.bill_id)
        rows.append([
            a.transaction_id, a.bill_id, b.billing_account if b else "", b.coverage_month if b else "",
            format_money(a.amount), t.date.isoformat() if t else "", format_money(t.amount) if t else "",
            t.date_written.isoformat() if t and t.date_written else "",
            payment_method(t) if t else "", payment_reference(t) if t else "",
            (mask_account(t.account) or "") if t else "", f"{a.confidence:.2f}", a.reason,
            "yes" if a.override else "", transaction_where(t) if t else ""])
    return _csv(header, rows, report.evidence_numbers)


def write_outputs(report: Report, outdir: Path) -> list[Path]:
    """Write findings.csv, ledger.csv and matches.csv into ``outdir``; return their paths."""
    written = []
    for name, text in (("findings.csv", findings_csv(report)), ("ledger.csv", ledger_csv(report)),
                       ("matches.csv", matches_csv(report))):
        path = outdir / name
        write_atomic(path, text)
        written.append(path)
    return written
