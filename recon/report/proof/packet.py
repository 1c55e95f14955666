"""Report + billing account -> the Packet: everything the proof PDF shows, selected and ordered.

The Packet holds the account's bills in the period (each with its standing: what the bill asked
and what was paid toward it, recon.report.proof.standing), its findings, the letter's items (one
per disputed event, recon.report.proof.dispute), the events not disputed and why, the calls, and
the bank export rows of every transaction it cites (recon.report.proof.exports).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from recon.model import Call, Finding, FindingType, Report
from recon.report.csv_out import LedgerRow, findings_for, ledger
from recon.report.json_report import mask_account
from recon.report.proof.dispute import Item, NotDisputed, disputed_items
from recon.report.proof.exports import ExportRow, export_rows
from recon.report.proof.standing import Standing, standings


def guide(report: Report, t: str) -> FindingType | None:
    """The finding type's registry entry (recon.checks.registry), as the Report carries it."""
    return next((g for g in report.guidance if g.type == t), None)


def type_label(report: Report, t: str) -> str:
    g = guide(report, t)
    return g.label if g else t.replace("_", " ").capitalize()


def month_after(d) -> str:
    y, m = (d.year + 1, 1) if d.month == 12 else (d.year, d.month + 1)
    return f"{y:04d}-{m:02d}"


@dataclass(frozen=True)
class Packet:
    """Everything the PDF shows, selected and ordered (no layout)."""

    account: str
    as_of: str
    owner: str | None
    plan: str | None
    plan_name: str | None
    enrollment_id: str | None
    subscriber_id: str | None
    period: tuple[str, str]
    rows: tuple[LedgerRow, ...]
    findings: tuple[Finding, ...]
    disputed: tuple[Item, ...]          # the letter's items: one per disputed event
    calls: tuple[Call, ...]
    bank_accounts: tuple[str, ...]
    standing: dict[str, Standing]       # bill id -> what the bill asked and what was paid toward it
    not_disputed: tuple[NotDisputed, ...] = ()
    exports: tuple[ExportRow, ...] = ()   # the bank export rows of every transaction cited

    def item_of(self, f: Finding) -> Item | None:
        return next((i for i in self.disputed if any(g is f for g in i.findings)), None)

    def spared(self, f: Finding) -> NotDisputed | None:
        return next((n for n in self.not_disputed if any(g is f for g in n.findings)), None)


class UnknownAccount(ValueError):
    """The billing account is not on any bill read; ``accounts`` lists those found."""

    def __init__(self, account: str, accounts: list[str]) -> None:
        self.account = account
        self.accounts = accounts
        found = ", ".join(accounts) if accounts else "none (no Connector bill was read)"
        super().__init__(f"billing account {account} is not on any bill read; accounts found: {found}")


def accounts_in(report: Report) -> list[str]:
    return sorted({ref.bill.billing_account for ref in report.bills})


def _in_period(f: Finding, report: Report, start: str, end: str) -> bool:
    if f.coverage_month:
        return start <= f.coverage_month <= end
    txns = {t.id: t for t in report.transactions}
    months = [month_after(txns[t].date) for t in f.transaction_ids if t in txns]
    return not months or any(start <= m <= end for m in months)


def disputable(report: Report, f: Finding) -> bool:
    """A finding the member may ask the Connector to correct (its registry entry has a dispute)."""
    g = guide(report, f.type)
    if g is None or not g.dispute or f.severity == "low" or f.accepted:
        return False
    if f.type == "duplicate_draw":
        refunded = {d for d, _ in report.refunds}
        if any(t in refunded for t in f.transaction_ids):
            return False                 # already refunded: listed as a discrepancy, not disputed
    # An AutoPay draw below the amount due took nothing wrongly: not disputed.
    return not (f.type == "autopay_amount_mismatch" and f.amount is not None and f.amount < 0)


def _cited(report: Report, rows, findings) -> list[str]:
    """Ids of every transaction the packet names: payments toward its bills, and the findings' ones."""
    ids = dict.fromkeys(p.transaction.id for r in rows for p in r.payments)
    ids.update(dict.fromkeys(t for f in findings for t in f.transaction_ids))
    ids.update(dict.fromkeys(r for d, r in report.refunds if d in ids))
    return list(ids)


def select(report: Report, account: str, calls: list[Call], month_from: str | None = None,
           month_to: str | None = None, owner: str | None = None) -> Packet:
    """Pick the account's bills in [month_from, month_to], its findings and calls.

    Raises UnknownAccount when no bill names ``account``; ValueError when the range holds no bill.
    """
    books = ledger(report)
    if account not in books:
        raise UnknownAccount(account, accounts_in(report))
    all_rows = books[account]
    first, last = all_rows[0].bill.coverage_month, all_rows[-1].bill.coverage_month
    start, end = month_from or first, month_to or last
    rows = tuple(r for r in all_rows if start <= r.bill.coverage_month <= end)
    if not rows:
        raise ValueError(f"no bill for account {account} covers {start} to {end}; "
                         f"its bills cover {first} to {last}")
    # Without a range, everything about the account (a draw after the plan ended has no bill).
    findings = tuple(f for f in findings_for(report, account)
                     if (month_from is None and month_to is None) or _in_period(f, report, start, end))
    items, spared = disputed_items(report, all_rows, [f for f in findings if disputable(report, f)], guide)
    b0 = rows[0].bill
    txns = {t.id: t for t in report.transactions}
    cited = _cited(report, rows, findings)
    banks = sorted({m for t in cited if t in txns if (m := mask_account(txns[t].account))})
    return Packet(
        account=account, as_of=report.as_of.isoformat(),
        owner=owner or next((r.bill.subscriber_name for r in rows if r.bill.subscriber_name), None),
        plan=next((r.bill.plan for r in rows if r.bill.plan), None),
        plan_name=next((r.bill.plan_name for r in rows if r.bill.plan_name), None),
        enrollment_id=b0.enrollment_id, subscriber_id=b0.subscriber_id, period=(start, end),
        rows=rows, findings=findings, disputed=items, not_disputed=spared,
        calls=tuple(sorted((c for c in calls if c.account in (None, account)),
                           key=lambda c: (c.when, c.line or 0))),
        bank_accounts=tuple(banks), standing=standings(report, all_rows),
        exports=export_rows(report, [txns[t] for t in cited if t in txns]))


_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def parse_month_arg(value: str | None) -> str | None:
    """'YYYY-MM' or None; ValueError otherwise."""
    if value is None:
        return None
    if not _MONTH.match(value.strip()):
        raise ValueError(f"expected a coverage month YYYY-MM, got {value!r}")
    return value.strip()
