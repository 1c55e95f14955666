"""Checks: everything read and matched -> Findings. One module per finding family.

context.py    CheckContext: what every check reads (transactions, bills, the match), indexed once
registry.py   the finding types: severity, label, meaning, what to do next, the dispute wording
payments.py   findings about bank debits: unmatched, duplicate, returned, AutoPay amount and period,
              checks never cashed
bills.py      findings about bills: unpaid, partial, late, balance discrepancies, coverage at risk

Each check is ``find_<type>(ctx) -> list[Finding]``, listed in ``CHECKS``; a new finding type is a
check in its family's module, an entry in registry.py, and a test.
"""
from __future__ import annotations

from dataclasses import replace

from recon.checks import bills, payments
from recon.checks.context import CheckContext
from recon.checks.registry import FINDING_TYPES, FindingType, finding_type
from recon.config import Config
from recon.model import Finding, gc_paused

__all__ = ["CHECKS", "FINDING_TYPES", "CheckContext", "FindingType", "finding_type", "run_checks"]

CHECKS = (
    payments.find_unmatched_charges,
    payments.find_duplicate_draws,
    payments.find_returned_payments,
    payments.find_fee_only_returns,
    payments.find_autopay_amount_mismatches,
    payments.find_autopay_after_cancellation,
    payments.find_uncashed_checks,
    bills.find_bill_statuses,
    bills.find_balance_discrepancies,
    bills.find_coverage_at_risk,
)


def run_checks(ctx: CheckContext) -> list[Finding]:
    out: list[Finding] = []
    with gc_paused():
        for check in CHECKS:
            out.extend(check(ctx))
    return _apply_accepts([_with_account(f, ctx) for f in out], ctx.config)


def _with_account(f: Finding, ctx: CheckContext) -> Finding:
    """A finding about no bill still concerns a billing account when its debits were tied to exactly
    one (by the matcher, or by an account number in their text): reports group findings by it."""
    if f.billing_account is not None or not f.transaction_ids:
        return f
    known = ctx._memo("_accounts", lambda: {r.bill.billing_account for r in ctx.bills})
    tied = {ctx.match.account_of.get(t) for t in f.transaction_ids} - {None}
    if not tied:
        txns = ctx._txns()
        tied = {txns[t].billing_account_hint for t in f.transaction_ids if t in txns} & known
    return replace(f, billing_account=tied.pop()) if len(tied) == 1 else f


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
