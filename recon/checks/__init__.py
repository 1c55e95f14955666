"""Checks: everything read and matched -> Findings. One module per finding family.

Each check is ``find_<type>(ctx) -> list[Finding]``, listed in ``run_checks``; severity rules sit
beside each check. Discrepancies are values, never exceptions.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from recon.config import Config
from recon.match.allocate import MatchResult
from recon.model import Allocation, BillRef, CheckEntry, Finding, Transaction, gc_paused


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
        return self._memo("_txn_cache", lambda: {t.id: t for t in self.transactions})

    def _memo(self, name: str, build):
        cache = self.__dict__.get(name)
        if cache is None:
            cache = build()
            object.__setattr__(self, name, cache)
        return cache

    def allocations_of_bill(self, bill_id: str) -> list[Allocation]:
        """The allocations to one bill, in match order (an index: checks must not scan them all)."""
        return _members(self._memo("_alloc_by_bill", lambda: _group(self.match.allocations,
                                                                     lambda a: a.bill_id)), bill_id)

    def allocations_of_transaction(self, tid: str) -> list[Allocation]:
        return _members(self._memo("_alloc_by_txn", lambda: _group(self.match.allocations,
                                                                    lambda a: a.transaction_id)), tid)

    def allocations_of_account(self, account: str) -> list[Allocation]:
        """The allocations to any bill of one billing account, in match order."""
        states = self.match.states
        return _members(self._memo("_alloc_by_account", lambda: _group(
            self.match.allocations, lambda a: states[a.bill_id].bill.billing_account)), account)


def _group(items, key) -> dict:
    """key -> the one item, or a list of them once there are two (most keys have one: a list per
    key cost 88 bytes each, 160 MiB for two indexes at 900k allocations)."""
    out: dict = {}
    for x in items:
        k = key(x)
        got = out.get(k)
        if got is None:
            out[k] = x
        elif type(got) is list:
            got.append(x)
        else:
            out[k] = [got, x]
    return out


def _members(index: dict, key) -> list:
    got = index.get(key)
    if got is None:
        return []
    return got if type(got) is list else [got]


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
    with gc_paused():
        for check in checks:
            out.extend(check(ctx))
    return _apply_accepts(out, ctx.config)


def _apply_accepts(findings: list[Finding], config: Config) -> list[Finding]:
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
