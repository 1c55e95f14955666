"""Findings about bills: unpaid, partial, late; balance discrepancies; coverage at risk.

Severity rules: unpaid past due is high (coverage can end); partial is high; late is medium (paid,
but a termination notice may follow); a bill that forgot a payment the bank shows is high; a
previous balance not carried or arithmetic off is medium; payments on the bill the bank does not
show is low (another account may have paid).
"""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from operator import attrgetter

from recon.checks.context import CheckContext
from recon.checks.describe import bill_words, payment_words
from recon.dates import add_months, parse_month
from recon.importers.bills.validate import expected_amount_due
from recon.match.allocate import BillState, counts_on
from recon.model import Bill, Finding, Transaction
from recon.money import dollars
from recon.sorting import sorted_by

ZERO = Decimal(0)


def bill_status(s: BillState, as_of: date) -> str:
    """paid | late | partial | unpaid | open (not yet due) | credit (nothing to pay) | unknown.

    "partial" is short at the due date, even if the rest came later (the shortfall is what a
    termination notice counts); "late" is nothing by the due date and the whole after it.
    "unknown": the bill's charge was not read, so whether what was paid is enough cannot be told;
    nothing paid at all is still "unpaid" (the amount due, which was read, is owed).
    """
    due = s.charge
    if s.bill.amount_due <= 0:
        return "credit"
    total = s.paid_on_time + s.paid_late
    if not s.known:
        if total == 0:
            return "open" if as_of <= s.bill.due_date else "unpaid"
        return "unknown"
    if due <= 0:
        return "paid"
    if s.paid_on_time >= due:
        return "paid"
    if as_of <= s.bill.due_date:
        return "paid" if total >= due else "open"
    if total >= due and s.paid_on_time == 0:
        return "late"
    if total > 0:
        return "partial"
    return "unpaid"


def find_bill_statuses(ctx: CheckContext) -> list[Finding]:
    out = []
    for s in sorted(ctx.match.states.values(), key=lambda s: s.ref.id):
        st = bill_status(s, ctx.as_of)
        b = s.bill
        pays = sorted({a.transaction_id for a in ctx.allocations_of_bill(s.ref.id)})
        if st == "unpaid":
            returned = [d for d, _ in ctx.match.returns
                        if any(f for f in [d] if d.date <= b.due_date and d.date >= b.bill_date - timedelta(days=10))]
            msg = (f"Nothing was paid toward {bill_words(b)}: {dollars(s.charge)} was due "
                   f"{b.due_date.isoformat()}.")
            if returned:
                msg += " The payment for it was returned."
            out.append(Finding(type="unpaid_bill", severity="high", billing_account=b.billing_account,
                               coverage_month=b.coverage_month, amount=s.charge, bill_ids=(s.ref.id,),
                               transaction_ids=tuple(d.id for d in returned), message=msg))
        elif st == "partial":
            paid = s.paid_on_time + s.paid_late
            short = s.charge - s.paid_on_time
            # What came late toward this month (the rest of a late debit is credit on the account).
            later = (f" {dollars(min(s.paid_late, short))} more came after the due date"
                     + ("." if paid >= s.charge else f"; {dollars(s.charge - paid)} is still owed."))
            out.append(Finding(
                type="partial_payment", severity="high" if paid < s.charge else "medium",
                billing_account=b.billing_account, coverage_month=b.coverage_month,
                amount=short, bill_ids=(s.ref.id,), transaction_ids=tuple(pays),
                message=f"Only {dollars(s.paid_on_time)} of {dollars(s.charge)} was paid toward "
                        f"{bill_words(b)} by the due date {b.due_date.isoformat()}"
                        + ("." + later if s.paid_late else f"; {dollars(short)} is still owed.")))
        elif st == "late":
            late = [ctx.txn(t) for t in pays]
            last = max(late, key=lambda t: (t.date_written or t.date, t.id))
            out.append(Finding(
                type="late_payment", severity="medium", billing_account=b.billing_account,
                coverage_month=b.coverage_month, amount=s.paid_late, bill_ids=(s.ref.id,),
                transaction_ids=tuple(pays),
                message=f"{bill_words(b).capitalize()} was paid in full, but late: {payment_words(last)}, "
                        f"after the due date {b.due_date.isoformat()}."))
    return out


def _account_bills(ctx: CheckContext) -> dict[str, list[BillState]]:
    acc: dict[str, list[BillState]] = {}
    for s in sorted_by(ctx.match.states.values(), attrgetter("bill.bill_date"), attrgetter("ref.id")):
        acc.setdefault(s.bill.billing_account, []).append(s)
    return acc


def _bank_payments(ctx: CheckContext, account: str, start: date, end: date
                   ) -> list[tuple[Transaction, Decimal]]:
    """(debit, the part of it for ``account``) for Connector debits posted in [start, end).

    Allocated parts, plus returned and duplicate draws whole: the Connector credits those too.
    """
    parts: dict[str, Decimal] = {}
    for a in ctx.allocations_of_account(account):
        parts[a.transaction_id] = parts.get(a.transaction_id, ZERO) + a.amount
    returned = ctx._memo("_returned_accounts", lambda: [(d, _returned_account(ctx, d))
                                                        for d, _ in ctx.match.returns])
    for d, acct in returned:
        if acct == account:
            parts[d.id] = -d.amount
    dups = ctx._memo("_dups_by_account", lambda: _group_dups(ctx))
    for t in dups.get(account, ()):
        parts[t.id] = -t.amount
    # A check reaches the Connector when it arrives, days after it was written and days before
    # the bank clears it: it belongs to the bill period of its written date.
    out = [(t, amt) for tid, amt in parts.items() if start <= counts_on(t := ctx.txn(tid)) < end]
    return sorted(out, key=lambda x: (x[0].date, x[0].id))


def _in_transit(ctx: CheckContext, account: str, bill_date: date) -> Decimal:
    """Checks written in the last mailing days before ``bill_date``: the bill may or may not show
    them yet (they were in the mail when it was generated)."""
    days = ctx.config.tolerances.check_mail_business_days
    start = bill_date - timedelta(days=days + 2 * (days // 5 + 1))    # business days, with weekends
    return sum((amt for t, amt in _bank_payments(ctx, account, start, bill_date) if t.date_written), ZERO)


def _group_dups(ctx: CheckContext) -> dict[str, list[Transaction]]:
    out: dict[str, list[Transaction]] = {}
    for t, acct, _ in ctx.match.duplicates:
        out.setdefault(acct, []).append(t)
    return out


def _returned_account(ctx: CheckContext, t: Transaction) -> str | None:
    accounts = sorted({s.bill.billing_account for s in ctx.match.states.values()})
    if len(accounts) == 1:
        return accounts[0]
    for s in sorted_by(ctx.match.states.values(), attrgetter("bill.bill_date"), attrgetter("ref.id"),
                       reverse=True):
        if -t.amount in (s.bill.amount_due, s.charge) and s.bill.bill_date <= t.date:
            return s.bill.billing_account
    return None


def arithmetic_gap(b: Bill) -> Decimal | None:
    """amount due - (previous - payments + adjustments + current charges), when all are shown.
    A credit balance shown as $0.00 due is no gap: the next bill carries the credit."""
    if b.payments_received is None:
        return None
    expected = expected_amount_due(b)
    if expected is None or (expected < 0 and b.amount_due == 0):
        return None
    return b.amount_due - expected


def balance_of(b: Bill) -> Decimal:
    """The balance a bill leaves for the next one: its amount due, or the credit its own arithmetic
    gives when the amount due is shown as $0.00."""
    expected = expected_amount_due(b) if b.payments_received is not None else None
    if expected is not None and expected < 0 and b.amount_due == 0:
        return expected
    return b.amount_due


# The figures of a bill's own sum: a gap resting on one that OCR was unsure of is no finding.
SUM_FIELDS = ("amount_due", "previous_balance", "payments_received", "adjustments", "premium",
              "tax_credit", "state_subsidy", "current_charges")


def find_balance_discrepancies(ctx: CheckContext) -> list[Finding]:
    out = []
    for account, states in sorted(_account_bills(ctx).items()):
        prev: BillState | None = None
        explained: dict[str, Decimal] = {}   # bill id -> surplus explained by an earlier miss
        for n, s in enumerate(states):
            b = s.bill
            gap = None if b.uncertain(*SUM_FIELDS) else arithmetic_gap(b)
            if gap:
                out.append(Finding(
                    type="balance_discrepancy", severity="medium", billing_account=account,
                    coverage_month=b.coverage_month, amount=gap, bill_ids=(s.ref.id,),
                    message=f"{bill_words(b).capitalize()} does not add up: previous balance "
                            f"{dollars(b.previous_balance or ZERO)} - payments {dollars(b.payments_received or ZERO)}"
                            f" + adjustments {dollars(b.adjustments or ZERO)} + current charges gives "
                            f"{dollars(b.amount_due - gap)}, but the bill asks {dollars(b.amount_due)}."))
            if prev is not None:
                pb = prev.bill
                if (b.previous_balance is not None and b.previous_balance not in (pb.amount_due, balance_of(pb))
                        and not b.uncertain("previous_balance") and not pb.uncertain("amount_due")):
                    out.append(Finding(
                        type="balance_discrepancy", severity="medium", billing_account=account,
                        coverage_month=b.coverage_month, amount=b.previous_balance - pb.amount_due,
                        bill_ids=(prev.ref.id, s.ref.id),
                        message=f"{bill_words(b).capitalize()} shows a previous balance of "
                                f"{dollars(b.previous_balance)}, but the bill dated {pb.bill_date.isoformat()} "
                                f"asked {dollars(pb.amount_due)}."))
                if b.payments_received is not None and not b.uncertain("payments_received"):
                    out.extend(_payments_received(ctx, account, prev, s, states[n + 1:], explained))
            prev = s
    return out


def _bank_received(ctx: CheckContext, account: str, prev: BillState, s: BillState
                   ) -> tuple[list[tuple[Transaction, Decimal]], set[str], Decimal, Decimal]:
    """(bank payments for the account since the previous bill, returned ids, total, net of returns)."""
    bank = _bank_payments(ctx, account, prev.bill.bill_date, s.bill.bill_date)
    returned = {d.id for d, c in ctx.match.returns if c.date < s.bill.bill_date}
    total = sum((amt for _, amt in bank), ZERO)
    net = sum((amt for t, amt in bank if t.id not in returned), ZERO)
    return bank, returned, total, net


def _pair_items(b: Bill, bank: list[tuple[Transaction, Decimal]]) -> set[str]:
    """Ids of the bank payments the bill itemises: equal amount, within a week, closest first, and
    an item that names a check number or AutoPay taken by that kind of payment first."""
    def kind_agrees(item, t: Transaction) -> bool:
        text = item.description.upper()
        if t.check_number:
            return t.check_number in text or "CHECK" in text
        return ("AUTO" in text) == t.autopay

    pairs = []
    for i, item in enumerate(b.payment_items):
        for t, amt in bank:
            if item.amount != amt:
                continue
            days = 0 if item.date is None else min(
                abs((item.date - d).days) for d in (t.date, t.date_written) if d is not None)
            if days <= 7:
                pairs.append((not kind_agrees(item, t), days, i, t.id))
    used_items: set[int] = set()
    paired: set[str] = set()
    for _, _, i, tid in sorted(pairs):
        if i not in used_items and tid not in paired:
            used_items.add(i)
            paired.add(tid)
    return paired


def _correction(ctx: CheckContext, account: str, s: BillState, later: list[BillState],
                missing: Decimal) -> tuple[BillState, str] | None:
    """A later bill that put right a payment missing from ``s``: a credit adjustment of at least
    that amount, or "payments received" that much above what the bank shows for its own period."""
    prev = s
    for nxt in later:
        nb = nxt.bill
        if nb.adjustments is not None and nb.adjustments <= -missing:
            return nxt, f"with an adjustment of {dollars(nb.adjustments)}"
        if nb.payments_received is not None:
            _, _, total, net = _bank_received(ctx, account, prev, nxt)
            if nb.payments_received - net >= missing:
                return nxt, "by crediting it late"
        prev = nxt
    return None


def _payments_received(ctx: CheckContext, account: str, prev: BillState, s: BillState,
                       later: list[BillState], explained: dict[str, Decimal]) -> list[Finding]:
    b = s.bill
    bank, returned, total, net = _bank_received(ctx, account, prev, s)
    shown = b.payments_received or ZERO
    if shown in (total, net) or shown - net == explained.get(s.ref.id):
        return []
    # A check in the mail when a bill was generated is on this bill or on the next one.
    late, early = _in_transit(ctx, account, s.bill.bill_date), _in_transit(ctx, account, prev.bill.bill_date)
    if shown in (net - late, net + early, net - late + early):
        return []
    if shown < net:
        # Name the debits the bill does not show: itemised when the bill lists its payments.
        paired = _pair_items(b, [(t, amt) for t, amt in bank if t.id not in returned])
        missing = [t for t, amt in bank if t.id not in returned and t.id not in paired]
        if not b.payment_items:
            # Without itemisation, the most recent debits are the ones most likely not yet credited.
            missing, acc = [], ZERO
            for t, amt in sorted(((t, a) for t, a in bank if t.id not in returned),
                                 key=lambda x: (x[0].date, x[0].id), reverse=True):
                if acc >= net - shown:
                    break
                missing.append(t)
                acc += amt
        what = "; ".join(payment_words(t) for t in sorted(missing, key=lambda t: (t.date, t.id)))
        message = (f"{what} {'is' if len(missing) == 1 else 'are'} missing from payments received on the "
                   f"bill dated {b.bill_date.isoformat()} (account {account}): the bill shows "
                   f"{dollars(shown)} received, the bank shows {dollars(net)} paid since "
                   f"{prev.bill.bill_date.isoformat()}.")
        fixed = _correction(ctx, account, s, later, net - shown)
        bill_ids: tuple[str, ...] = (s.ref.id,)
        if fixed is not None:
            # Still evidence of what happened, but no longer something to dispute.
            by, how = fixed
            message += f" The bill dated {by.bill.bill_date.isoformat()} corrected it {how}."
            bill_ids = (s.ref.id, by.ref.id)
            if how.startswith("by crediting"):
                explained[by.ref.id] = explained.get(by.ref.id, ZERO) + (net - shown)
        return [Finding(
            type="balance_discrepancy", severity="low" if fixed else "high", billing_account=account,
            coverage_month=b.coverage_month, amount=net - shown,
            transaction_ids=tuple(t.id for t in missing), bill_ids=bill_ids, message=message)]
    return [Finding(
        type="balance_discrepancy", severity="low", billing_account=account,
        coverage_month=b.coverage_month, amount=shown - net, bill_ids=(s.ref.id,),
        message=f"The bill dated {b.bill_date.isoformat()} (account {account}) shows {dollars(shown)} "
                f"received, more than the {dollars(net)} the bank exports show since "
                f"{prev.bill.bill_date.isoformat()} (a payment from another bank account?).")]


def find_coverage_at_risk(ctx: CheckContext) -> list[Finding]:
    """Delinquency rules (domain.md) applied to bills still unpaid or partly paid as of --as-of."""
    out = []
    for account, states in sorted(_account_bills(ctx).items()):
        short = [s for s in states if bill_status(s, ctx.as_of) in ("unpaid", "partial")
                 and s.charge > s.paid_on_time + s.paid_late]    # a shortfall made up since is no risk
        if not short:
            continue
        first = short[0]
        b = first.bill
        owed = sum((s.charge - s.paid_on_time - s.paid_late for s in short), ZERO)
        subsidised = any((s.bill.subsidy or ZERO) > 0 for s in states)
        cov = parse_month(b.coverage_month)
        if subsidised:
            end = add_months(cov, 1) - timedelta(days=1)
            grace_end = add_months(cov, 3) - timedelta(days=1)
            rule = (f"with a tax credit/ConnectorCare, a 3-month grace period runs to about "
                    f"{grace_end.isoformat()}; if not cured, coverage ends {end.isoformat()}")
        else:
            end = cov - timedelta(days=1)
            rule = (f"without a subsidy, a premium not paid in full by the due date ends coverage "
                    f"retroactively to {end.isoformat()}")
        out.append(Finding(
            type="coverage_at_risk", severity="high", billing_account=account,
            coverage_month=b.coverage_month, amount=owed, bill_ids=tuple(s.ref.id for s in short),
            message=f"Coverage on account {account} is at risk as of {ctx.as_of.isoformat()}: "
                    f"{dollars(owed)} unpaid since the bill due {b.due_date.isoformat()}; {rule}."))
    return out
