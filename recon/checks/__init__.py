"""Checks: everything read and matched -> Findings. One module per finding family.

Each check is ``find_<type>(ctx) -> list[Finding]``, registered in CHECKS; severity rules sit
beside each check. Discrepancies are values, never exceptions.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from recon.config import Config
from recon.match import MatchResult
from recon.model import BillRef, CheckEntry, Finding, Transaction


@dataclass(frozen=True)
class CheckContext:
    as_of: date
    config: Config
    transactions: tuple[Transaction, ...]
    bills: tuple[BillRef, ...]
    match: MatchResult
    uncashed_checks: tuple[CheckEntry, ...] = ()
    bank_last_date: date | None = None      # the latest date any bank export covers

    def txn(self, tid: str) -> Transaction:
        return self._txns()[tid]

    def _txns(self) -> dict[str, Transaction]:
        cache = self.__dict__.get("_txn_cache")
        if cache is None:
            cache = {t.id: t for t in self.transactions}
            object.__setattr__(self, "_txn_cache", cache)
        return cache


def run_checks(ctx: CheckContext) -> list[Finding]:
    from recon.checks import bills, payments

    checks = [
        payments.find_unmatched_charges,
        payments.find_duplicate_draws,
        payments.find_returned_payments,
        payments.find_autopay_amount_mismatches,
        payments.find_autopay_after_cancellation,
        payments.find_uncashed_checks,
        bills.find_bill_statuses,
        bills.find_balance_discrepancies,
        bills.find_coverage_at_risk,
    ]
    out: list[Finding] = []
    for check in checks:
        out.extend(check(ctx))
    return _apply_accepts(out, ctx.config)


def _apply_accepts(findings: list[Finding], config: Config) -> list[Finding]:
    from dataclasses import replace

    accepts = [o for o in config.overrides if o.kind == "accept"]
    if not accepts:
        return findings
    out = []
    for f in findings:
        for o in accepts:
            if o.finding_type == f.type and (o.billing_account in (None, f.billing_account)) and \
                    (o.coverage_month in (None, f.coverage_month)):
                f = replace(f, accepted=o.note or "accepted", severity="low")
                break
        out.append(f)
    return out
