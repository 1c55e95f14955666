"""Findings about bank debits: unmatched, duplicate, returned, AutoPay amount/period, uncashed checks.

Severity rules: money taken that pays nothing (unmatched, duplicate, after cancellation) and returns
are high; an AutoPay draw of the wrong amount is medium (high when it over-draws); a check not
cashed is medium.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from datetime import timedelta
from decimal import Decimal
from itertools import groupby
from operator import attrgetter

from recon.checks.context import CheckContext
from recon.checks.describe import bill_words, payment_words
from recon.match.allocate import BillState, autopay_expected
from recon.model import Finding
from recon.money import dollars
from recon.sorting import sorted_by


def find_unmatched_charges(ctx: CheckContext) -> list[Finding]:
    out = []
    for t, why, account in ctx.match.unmatched:
        out.append(Finding(
            type="unmatched_charge", severity="high", amount=-t.amount, transaction_ids=(t.id,),
            billing_account=account, coverage_month=None,
            message=f"{payment_words(t)} to the Connector pays no bill: {why}."))
    return out


def find_duplicate_draws(ctx: CheckContext) -> list[Finding]:
    out = []
    states = ctx.match.states
    for t, account, bill_id in ctx.match.duplicates:
        if not states[bill_id].known:
            continue    # the bill's charge was not read: "already paid" would rest on a guess
        b = states[bill_id].bill
        others = sorted({a.transaction_id for a in ctx.allocations_of_bill(bill_id)})
        refund = ctx.match.refunds.get(t.id)
        msg = (f"{payment_words(t)} was a second draw for {bill_words(b)}, which was already paid"
               + (f" by {', '.join(payment_words(ctx.txn(o)) for o in others)}" if others else "")
               + ".")
        credited = ctx.match.carried.get(t.id)
        if refund:
            msg += f" The Connector refunded {dollars(refund.amount)} on {refund.date.isoformat()}."
        elif credited:
            cb = states[credited].bill
            msg += (f" It was not refunded, so it stands as a credit toward the bill dated "
                    f"{cb.bill_date.isoformat()}.")
        out.append(Finding(type="duplicate_draw", severity="high" if not refund else "medium",
                           billing_account=account, coverage_month=b.coverage_month, amount=-t.amount,
                           transaction_ids=tuple([*others, t.id] + ([refund.id] if refund else [])),
                           bill_ids=(bill_id,), message=msg))
    # Two identical debits on one day in one export are two draws, even if both were needed.
    flagged = {t.id for t, _, _ in ctx.match.duplicates}
    debits = sorted_by((t for t in ctx.transactions if t.amount < 0 and not t.check_number),
                       attrgetter("date"), attrgetter("amount"), attrgetter("description"))
    for _, run in groupby(debits, key=attrgetter("date", "amount", "description")):
        group = list(run)   # equal (date, amount, description), in that order; stable
        if len(group) < 2 or all(g.id in flagged for g in group[1:]):
            continue
        d, amount = group[0].date, group[0].amount
        account = ctx.match.account_of.get(group[-1].id)
        bill_ids = tuple(sorted({a.bill_id for g in group for a in ctx.allocations_of_transaction(g.id)}))
        cm = ctx.match.states[bill_ids[0]].bill.coverage_month if bill_ids else None
        out.append(Finding(
            type="duplicate_draw", severity="high", billing_account=account, coverage_month=cm,
            amount=-amount * (len(group) - 1), transaction_ids=tuple(g.id for g in group),
            bill_ids=bill_ids,
            message=f"{len(group)} identical debits of {dollars(-amount)} on {d.isoformat()}: "
                    "the bank took the money more than once."))
    return out


def find_returned_payments(ctx: CheckContext) -> list[Finding]:
    out = []
    for debit, credit in ctx.match.returns:
        # The month the returned draw was paying: the account's bill whose cycle it fell in.
        pick = returned_bill(ctx, debit)
        out.append(Finding(
            type="returned_payment", severity="high", amount=-debit.amount,
            billing_account=pick.bill.billing_account if pick else None,
            coverage_month=pick.bill.coverage_month if pick else None,
            transaction_ids=(debit.id, credit.id), bill_ids=(pick.ref.id,) if pick else (),
            message=f"{payment_words(debit)} came back on {credit.date.isoformat()} "
                    f"({credit.description[:60].strip()}); "
                    + (f"{bill_words(pick.bill)} is unpaid again." if pick else "no bill was paid by it.")))
    return out


FEE_WINDOW = timedelta(days=10)   # a returned draw's fee posts within days of the attempt


def find_fee_only_returns(ctx: CheckContext) -> list[Finding]:
    """A payment that came back with only the bank's fee to show (domain.md: "the debit never posts
    and only the fee shows"): a fee naming the Connector with no Connector debit of that account in
    the days before it and no return already paired near it, in the cycle of a bill left unpaid."""
    if not ctx.bank_fees:
        return []
    out: list[Finding] = []
    seen: set[str] = set()
    paired = sorted(d for pair in ctx.match.returns for d in (pair[0].date, pair[1].date))
    accounts = _FeeAccounts(ctx)
    debits = sorted((t.date, ctx.match.account_of.get(t.id)) for t in ctx.transactions if t.amount < 0)
    debit_dates = [d for d, _ in debits]
    for fee in sorted(ctx.bank_fees, key=attrgetter("date")):
        k = bisect_left(paired, fee.date - FEE_WINDOW)
        if k < len(paired) and paired[k] <= fee.date + FEE_WINDOW:
            continue                    # the fee of a return already reported
        state = accounts.bill_of(fee)
        if state is None or state.ref.id in seen or state.paid_on_time >= state.charge:
            continue
        account = state.bill.billing_account
        window = debits[bisect_left(debit_dates, fee.date - FEE_WINDOW):bisect_right(debit_dates, fee.date)]
        if any(a in (account, None) for _, a in window):
            continue                    # a debit posted: the fee is not for one that never did
        seen.add(state.ref.id)
        where = f"{fee.source.path}:{fee.source.line or fee.source.fitid}"
        out.append(Finding(
            type="returned_payment", severity="high", billing_account=account,
            coverage_month=state.bill.coverage_month, bill_ids=(state.ref.id,),
            message=f"the bank charged {dollars(-fee.amount)} on {fee.date.isoformat()} for a returned payment "
                    f"({' '.join(fee.description.split())[:60]}; {where}) and no payment to the Connector "
                    f"posted before it: the payment for {bill_words(state.bill)} was returned, and the bill "
                    "is unpaid."))
    return out


class _FeeAccounts:
    """The bills by account, and the numbers that name an account (its billing account number, the
    digits of its enrollment id), built once for all the fees of a run."""

    def __init__(self, ctx: CheckContext) -> None:
        self.by_account: dict[str, list[BillState]] = {}
        self.named: dict[str, str] = {}
        for s in ctx.match.states.values():
            b = s.bill
            self.by_account.setdefault(b.billing_account, []).append(s)
            self.named[b.billing_account] = b.billing_account
            eid = "".join(ch for ch in (b.enrollment_id or "") if ch.isdigit())
            if len(eid) >= 6:
                self.named[eid] = b.billing_account

    def bill_of(self, fee) -> BillState | None:
        """The bill whose cycle a fee fell in: of the account the fee names, or of the only account;
        the latest bill issued by the fee's date."""
        accounts = {self.named[d] for d in re.findall(r"\d{6,}", fee.description) if d in self.named}
        if not accounts and len(self.by_account) == 1:
            accounts = set(self.by_account)
        if len(accounts) != 1:
            return None
        (account,) = accounts
        cands = [s for s in self.by_account[account] if s.bill.bill_date <= fee.date]
        return max(cands, key=lambda s: (s.bill.bill_date, s.ref.id), default=None)


def returned_bill(ctx: CheckContext, debit) -> BillState | None:
    """The bill a returned draw was paying: the latest bill issued by then whose amount fits it."""
    account = ctx.match.account_of.get(debit.id)
    cands = [s for s in ctx.match.states.values() if s.bill.bill_date <= debit.date
             and (account is None or s.bill.billing_account == account)]
    if not cands:
        slack = timedelta(days=ctx.config.tolerances.pay_before_bill_days)
        cands = [s for s in ctx.match.states.values() if s.bill.bill_date <= debit.date + slack]
    fits = [s for s in cands if -debit.amount in (s.bill.amount_due, s.charge)]
    return max(fits or cands, key=lambda s: (s.bill.bill_date, s.ref.id), default=None)


def find_autopay_amount_mismatches(ctx: CheckContext) -> list[Finding]:
    out = []
    paid_before: dict[str, Decimal] = {}
    txns = ctx._txns()
    for a in sorted_by(ctx.match.allocations, lambda a: txns[a.transaction_id].date,
                       attrgetter("transaction_id")):
        t = txns[a.transaction_id]
        s = ctx.match.states[a.bill_id]
        b = s.bill
        if b.bill_date > t.date or not autopay_expected(t, b, ctx.config):
            continue
        if a.transaction_id in paid_before:
            continue
        paid_before[a.transaction_id] = a.amount
        draw = -t.amount
        if draw == b.amount_due or b.uncertain("amount_due"):
            continue                     # as asked, or the figure OCR was unsure of (its warning says)
        # AutoPay draws the balance due: the bill's amount due less what was paid since the bill.
        earlier = sum((x.amount for x in ctx.allocations_of_account(b.billing_account)
                       if x.transaction_id != t.id
                       and b.bill_date <= txns[x.transaction_id].date < t.date), Decimal(0))
        expected = {b.amount_due, b.amount_due - earlier}
        if draw in expected:
            continue
        out.append(Finding(
            type="autopay_amount_mismatch", severity="high" if draw > b.amount_due else "medium",
            billing_account=b.billing_account, coverage_month=b.coverage_month,
            amount=draw - b.amount_due, transaction_ids=(t.id,), bill_ids=(a.bill_id,),
            message=f"AutoPay drew {dollars(draw)} on {t.date.isoformat()} but {bill_words(b)} shows "
                    f"{dollars(b.amount_due)} due ({'over' if draw > b.amount_due else 'under'} by "
                    f"{dollars(abs(draw - b.amount_due))})."))
    return out


def find_autopay_after_cancellation(ctx: CheckContext) -> list[Finding]:
    """AutoPay-pattern draws after the member cancelled AutoPay (periods from recon.toml)."""
    out = []
    draws: list | None = None
    for acc in ctx.config.accounts:
        ends = [p.end for p in acc.autopay if p.end]
        if not ends or any(p.end is None for p in acc.autopay):
            continue
        cancelled = max(ends)
        if draws is None:   # the same for every account: build and sort once
            # A duplicate first: its cycle is the bill it duplicated, not a later one its credit pays.
            draws = [(t, bid) for t, _, bid in ctx.match.duplicates]
            draws += [(ctx.txn(a.transaction_id), a.bill_id) for a in ctx.match.allocations]
            draws.sort(key=lambda x: (x[0].date, x[0].id))
        seen: set[str] = set()
        for t, bid in draws:
            s = ctx.match.states[bid]
            if s.bill.billing_account != acc.number or t.id in seen:
                continue
            if t.date > cancelled and not t.check_number and t.autopay:
                seen.add(t.id)
                out.append(Finding(
                    type="autopay_after_cancellation", severity="high", billing_account=acc.number,
                    coverage_month=s.bill.coverage_month, amount=-t.amount, transaction_ids=(t.id,),
                    bill_ids=(bid,),
                    message=f"AutoPay drew {dollars(-t.amount)} on {t.date.isoformat()}, after it was "
                            f"cancelled on {cancelled.isoformat()}."))
    return out


def find_uncashed_checks(ctx: CheckContext) -> list[Finding]:
    out = []
    limit = ctx.config.tolerances.check_uncashed_days
    for c in ctx.uncashed_checks:
        age = (ctx.as_of - c.date_written).days
        if age < limit:
            continue
        covered = ctx.bank_last_date is not None and ctx.bank_last_date >= c.date_written + timedelta(days=limit)
        named = re.search(r"(?<!\d)7\d{8}(?!\d)", c.memo or "")
        accounts = {r.bill.billing_account for r in ctx.bills}
        account = named.group(0) if named and named.group(0) in accounts else None
        out.append(Finding(
            type="check_not_cashed", severity="medium", amount=c.amount, billing_account=account,
            message=f"check {c.number} for {dollars(c.amount)} written {c.date_written.isoformat()} "
                    f"to {c.payee} has not cleared the bank after {age} days"
                    + ("" if covered else " (the bank exports read may not reach that far)")
                    + ": ask the Connector whether it was received."))
    return out
