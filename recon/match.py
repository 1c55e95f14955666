"""Transactions + Bills -> Allocations, bill statuses, and the leftovers checks report on.

Three passes (STYLE.md section 6):
1. pair returns with the debits they reverse, and refunds with duplicate draws;
2. choose, for each payment, the billing account(s) it pays (check memo, ACH individual id,
   exact amount, sum over accounts, closest open balance);
3. allocate FIFO over each account's open monthly charges; an excess is carried as credit to the
   following bills; a debit needed by no bill is a duplicate draw or an unmatched charge.

From 20,000 debits on, the common case of passes 2 and 3 (a debit naming a live account that fits
its oldest open bill, on time) is settled for all such debits at once over columns
(recon/match_columns.py); everything else still goes one by one, and the result is the same.

A bill's *charge* is what that month adds (member's share: premium less subsidies). Adjustments
(returned-payment re-billing, fees, credits) are shown on the bill but not matched, so a returned
month is never counted twice.
"""
from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Container, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from operator import attrgetter

from recon.config import Config
from recon.dates import add_business_days, business_days_between, parse_month
from recon.model import Allocation, Bill, BillRef, Transaction, fast_constructor, gc_paused
from recon.sorting import sort_by, sorted_by

ZERO = Decimal(0)
_new_allocation = fast_constructor(Allocation)


def bill_charge(b: Bill) -> Decimal:
    """What this bill adds for its own coverage month (see module docstring)."""
    if b.current_charges is not None:
        return b.current_charges
    if b.premium is not None:
        return b.premium - (b.subsidy or ZERO)
    if b.previous_balance is not None:
        carried = b.previous_balance - (b.payments_received or ZERO) + (b.adjustments or ZERO)
        return b.amount_due - carried
    return b.amount_due


def bill_id_for(bills: list[Bill]) -> list[BillRef]:
    """Content-derived ids: b-<account>-<coverage month>[-n for a second bill of the same month]."""
    ordered = sorted_by(bills, attrgetter("billing_account"), attrgetter("coverage_month"),
                        attrgetter("bill_date"), attrgetter("source.path"), lambda b: b.source.page or 0)
    seen: dict[tuple[str, str], int] = defaultdict(int)
    out = []
    for b in ordered:
        k = (b.billing_account, b.coverage_month)
        seen[k] += 1
        suffix = "" if seen[k] == 1 else f"-{seen[k]}"
        out.append(BillRef(id=f"b-{b.billing_account}-{b.coverage_month}{suffix}", bill=b))
    return out


class BillState:
    """A bill's running state during matching: compared by identity, never by value."""

    __slots__ = ("ref", "bill", "id", "charge", "remaining", "paid_on_time", "paid_late")

    def __init__(self, ref: BillRef, charge: Decimal, remaining: Decimal,
                 paid_on_time: Decimal = ZERO, paid_late: Decimal = ZERO) -> None:
        self.ref = ref
        self.bill = ref.bill       # ref's, kept at hand for the allocation loop
        self.id = ref.id
        self.charge = charge
        self.remaining = remaining
        self.paid_on_time = paid_on_time
        self.paid_late = paid_late

    def __repr__(self) -> str:
        return (f"BillState({self.ref.id}, charge={self.charge}, remaining={self.remaining}, "
                f"on_time={self.paid_on_time}, late={self.paid_late})")


@dataclass
class MatchResult:
    """At organisation size allocations, states and account_of are read-only columnar views
    (recon/match_columns.py) that build their objects on first read; otherwise lists and dicts."""

    allocations: Sequence[Allocation]
    states: Mapping[str, BillState]               # bill id -> state
    returns: list[tuple[Transaction, Transaction]]  # (debit, return credit)
    duplicates: list[tuple[Transaction, str, str]]  # (debit, account, bill id it duplicates)
    refunds: dict[str, Transaction]               # duplicate debit id -> refund credit
    unmatched: list[tuple[Transaction, str, str | None]]  # (debit, why, likely billing account)
    account_of: Mapping[str, str] = field(default_factory=dict)  # txn id -> account (first)
    carried: dict[str, str] = field(default_factory=dict)  # unrefunded duplicate id -> bill it credits


def counts_on(t: Transaction) -> date:
    """The day a payment counts for timeliness: ACH on posting; a check on the day it was written."""
    return t.date_written or t.date


def is_autopay_window(t: Transaction, b: Bill, config: Config) -> bool:
    """Posted in the usual AutoPay window: on/after the 22nd of the bill month, a few business days."""
    start = b.bill_date.replace(day=22)
    end = add_business_days(start, config.tolerances.autopay_window_business_days)
    return start <= t.date <= end


def autopay_expected(t: Transaction, b: Bill, config: Config) -> bool:
    if not is_autopay_window(t, b, config):
        return False
    if t.autopay or b.autopay:
        return True
    acc = config.account(b.billing_account)
    if acc:
        return any((p.start is None or p.start <= t.date) and (p.end is None or t.date <= p.end)
                   for p in acc.autopay)
    return False


def _pair_returns(txs: list[Transaction], credits: list[Transaction], config: Config
                  ) -> tuple[list[tuple[Transaction, Transaction]], set[str]]:
    used: set[str] = set()
    if not credits:
        return [], used
    debits_by_amount: dict[Decimal, list[Transaction]] = defaultdict(list)  # -amount -> debits, in order
    for t in txs:
        if t.amount < 0:
            debits_by_amount[-t.amount].append(t)
    pairs = []
    window = config.tolerances.return_window_business_days
    for c in sorted(credits, key=lambda t: (t.date, t.id)):
        cands = [d for d in debits_by_amount.get(c.amount, ()) if d.id not in used and d.date <= c.date
                 and (business_days_between(d.date, c.date) <= window
                      or (c.role == "return" and (c.date - d.date).days
                          <= config.tolerances.late_return_window_days))]
        if c.role != "return":
            # A credit that is not worded as a return only pairs when it follows within days.
            cands = [d for d in cands if business_days_between(d.date, c.date) <= 3]
        if not cands:
            continue
        d = max(cands, key=lambda x: (x.date, x.id))
        used.add(d.id)
        used.add(c.id)
        pairs.append((d, c))
    return pairs, used


def match(txs: list[Transaction], bills: list[BillRef], config: Config) -> MatchResult:
    """Allocate every Connector payment to bills (see module docstring)."""
    with gc_paused():
        return _match(txs, bills, config)


# A debit that names no account may pay several accounts' open bills at once; that is looked for
# among this many accounts with something open at most (see _choose_accounts).
SUM_SEARCH_ACCOUNTS = 8
SUM_SEARCH_TRIES = 100_000

# From this many debits on, the common case is settled over columns (recon/match_columns.py):
# below it, numpy's import and set-up cost more than they save.
COLUMNS_FROM = 20_000


def _match(txs: list[Transaction], bills: list[BillRef], config: Config, fast: bool = True,
           columns: bool | None = None) -> MatchResult:
    """`fast=False` sends every payment through the general path, `columns=False` keeps the fast
    path one by one (tests compare the three); `columns=None` chooses by size."""
    tol = config.tolerances
    if columns is None:
        columns = fast and len(txs) >= COLUMNS_FROM
    columns = columns and fast and bool(bills) and bool(txs)
    states: Mapping[str, BillState]
    if columns:
        from recon import match_columns as mc

        cols = mc.BillColumns(bills, bill_charge)
        by_account: dict[str, list[BillState]] = mc.ByAccount(cols)
        states = mc.LazyMapping(cols.all_states)
        accounts = cols.accounts
        account_set: Container[str] = cols.code
    else:
        states = {}
        by_account = defaultdict(list)
        new_state = BillState
        last_acct, lst = None, []
        for r in bills:
            b = r.bill
            c = b.current_charges       # bill_charge(b), its first case inlined (1.2M bills)
            if c is None:
                c = bill_charge(b)
            s = states[r.id] = new_state(r, c, c)
            a = b.billing_account
            if a != last_acct:          # bills usually come grouped by account
                lst, last_acct = by_account[a], a
            lst.append(s)
        for lst in by_account.values():
            # Each account's bills in (coverage month, id) order; usually they come that way already.
            if len(lst) > 1 and not all(x.bill.coverage_month < y.bill.coverage_month
                                        for x, y in zip(lst, lst[1:])):
                lst.sort(key=lambda s: (s.bill.coverage_month, s.id))
        accounts = sorted(by_account)
        account_set = set(accounts)
    plan_end: dict[str, date | None] = {}
    for acc in config.accounts:               # config.account(): the first entry of a number wins
        plan_end.setdefault(acc.number, acc.plan_end)

    def plan_ended(a: str, day: date) -> bool:
        end = plan_end.get(a)
        return bool(end and day > end)

    credits = [t for t in txs if t.amount > ZERO]
    pairs, returned_ids = _pair_returns(txs, credits, config)
    overrides_link = {o.transaction: o.bill for o in config.overrides if o.kind == "link"}
    allocations: list[Allocation] = []
    duplicates: list[tuple[Transaction, str, str]] = []
    unmatched: list[tuple[Transaction, str, str | None]] = []
    account_of: dict[str, str] = {}
    # account -> [debit, bill id, debit, bill id, ...] (flat: no pair tuple per draw at 900k draws)
    last_paid: dict[str, list[Transaction | str]] = defaultdict(list)

    # Returned debits take part only to learn which account they were for; they pay nothing.
    payments = [t for t in txs if t.amount < ZERO]
    if columns:
        pass        # the column pass works out the order itself (recon/match_columns.py)
    elif any([t.date_written for t in payments]):
        payments.sort(key=lambda t: (counts_on(t), t.date, t.id))
    else:
        sort_by(payments, attrgetter("date"), attrgetter("id"))   # the same: counts_on(t) is t.date

    slack = timedelta(days=tol.pay_before_bill_days)

    def issued(s: BillState, d: date) -> bool:
        return s.bill.bill_date <= d + timedelta(days=tol.pay_before_bill_days)

    def open_due(a: str, d: date) -> Decimal:
        return sum((s.remaining for s in by_account[a] if issued(s, d) and s.remaining > 0), ZERO)

    def prefix_sums(a: str, d: date) -> list[Decimal]:
        out, acc = [], ZERO
        for s in by_account[a]:
            if issued(s, d) and s.remaining > 0:
                acc += s.remaining
                out.append(acc)
        return out

    def current_bill(a: str, d: date) -> BillState | None:
        cands = [s for s in by_account[a] if issued(s, d)]
        return cands[-1] if cands else None

    def next_bill(a: str, d: date) -> BillState | None:
        cands = [s for s in by_account[a] if not issued(s, d)]
        return cands[0] if cands else None

    def plan_and_give(t: Transaction) -> None:
        """The general path: choose the account(s), then allocate FIFO."""
        amount = -t.amount
        d = counts_on(t)
        if t.id in overrides_link and overrides_link[t.id] in states:
            s = states[overrides_link[t.id]]
            _give(allocations, s, t, amount, 1.0, "override: linked by the user in recon.toml", d,
                  config, override=True)
            account_of[t.id] = s.bill.billing_account
            return
        if not accounts:
            unmatched.append((t, "no bill was read for any billing account", None))
            return
        hint = t.billing_account_hint
        if hint is not None and hint in account_set and (not plan_ended(hint, t.date)
                                                         or open_due(hint, d) == amount):
            # The account the payment names is live: _choose_accounts would pick it first.
            live = None   # only needed when no plan is found, which cannot happen here
            plan = [_hint_choice(t, amount)]
        else:
            live = [a for a in accounts if not plan_ended(a, t.date) or open_due(a, d) == amount]
            plan = _choose_accounts(t, amount, d, live, open_due, current_bill, next_bill, prefix_sums) \
                if live else []
        if t.id in returned_ids:
            if plan:
                account_of[t.id] = plan[0][0]
            return
        if not plan:
            # Nothing open anywhere: a second draw for a paid cycle, or an amount that fits nothing.
            assert live is not None
            dup = _duplicate_of(t, amount, live, current_bill, last_paid)
            if dup:
                duplicates.append((t, dup[0], dup[1]))
                account_of[t.id] = dup[0]
            else:
                unmatched.append((t, *_why_unmatched(t, accounts, by_account, config)))
            return
        for a, part, why in plan:
            account_of.setdefault(t.id, a)
            left = part
            lim = d + slack            # issued(s, d), hoisted
            owing = [s for s in by_account[a] if s.remaining > 0]
            opened = [s for s in owing if s.ref.bill.bill_date <= lim]
            future = [s for s in owing if s.ref.bill.bill_date > lim]
            for s, carried in [*((s, False) for s in opened), *((s, True) for s in future)]:
                if left <= 0:
                    break
                give = min(left, s.remaining)
                reason = why + ("; overpayment carried as credit to a later bill" if carried else "")
                _give(allocations, s, t, give, _confidence(t, s, why, carried), reason, d, config)
                left -= give
                last_paid[a] += (t, s.ref.id)
            if left > 0:
                s = current_bill(a, d) or by_account[a][-1]
                _give(allocations, s, t, left, 0.6, why + "; overpayment kept as a credit on this bill",
                      d, config)
                last_paid[a] += (t, s.ref.id)

    # The common case, done without the general planning above: a debit that names a live billing
    # account and fits inside that account's oldest open, issued bill. `first_open[a]` indexes the
    # first of the account's bills with something left to pay (remaining never goes up here).
    first_open: dict[str, int] = dict.fromkeys(accounts, 0)
    memo: dict[tuple[str, bool, str], tuple[str, float]] = {}  # -> (reason, confidence)
    skip_ids = returned_ids | overrides_link.keys()
    ends = {a for a, end in plan_end.items() if end}
    new_alloc, add_alloc = _new_allocation, allocations.append
    neg: dict[Decimal, Decimal] = {}

    def confidence_of(t: Transaction, why: str) -> float:
        return round(_confidence(t, None, why, False), 2)

    rest = payments
    if columns:
        settled = mc.settle(cols, payments, plan_end=plan_end, returned=returned_ids, linked=overrides_link,
                            slack_days=tol.pay_before_bill_days,
                            autopay_expected=lambda t, b: autopay_expected(t, b, config), why_of=_hint_why,
                            confidence_of=confidence_of)
        rest = settled.rest
        last_paid = mc.LastPaid(settled.last_paid)

    for t in rest:
        hint = t.billing_account_hint
        if (fast and hint in account_set and t.date_written is None
                and (hint not in ends or not plan_ended(hint, t.date))
                and (not skip_ids or t.id not in skip_ids)):
            lst = by_account[hint]
            i = first_open[hint]
            n = len(lst)
            while i < n and lst[i].remaining <= 0:
                i += 1
            first_open[hint] = i
            if i < n:
                s = lst[i]
                b = s.bill
                d = t.date
                ta = t.amount
                amount = neg.get(ta)
                if amount is None:
                    amount = neg[ta] = -ta
                if s.remaining >= amount and (b.bill_date <= d if not slack else b.bill_date <= d + slack) \
                        and (d <= b.due_date or autopay_expected(t, b, config)):
                    # == _hint_choice + FIFO over one bill + _give(on time), step for step
                    key = (hint, not t.check_number, t.classified_by)
                    got = memo.get(key)
                    if got is None:
                        why = _hint_choice(t, amount)[2]
                        got = memo[key] = (why + "; on time", confidence_of(t, why))
                    # Results share one object per value (900k draws: most leave 0 and pay a share).
                    left = s.remaining - amount
                    s.remaining = left if left else ZERO
                    s.paid_on_time = amount if s.paid_on_time is ZERO else s.paid_on_time + amount
                    tid = t.id
                    add_alloc(new_alloc(tid, s.id, amount, got[1], got[0], False))
                    if tid not in account_of:
                        account_of[tid] = hint
                    last_paid[hint] += (t, s.id)
                    continue
        plan_and_give(t)

    # refunds of duplicate draws
    refunds: dict[str, Transaction] = {}
    dups_by_amount: dict[Decimal, list[Transaction]] = defaultdict(list)  # -amount -> duplicates, in order
    for dup, _, _ in duplicates:
        dups_by_amount[-dup.amount].append(dup)
    for c in sorted((t for t in credits if t.id not in returned_ids), key=lambda t: (t.date, t.id)):
        for dup in dups_by_amount.get(c.amount, ()):
            if dup.id not in refunds and dup.date < c.date:
                refunds[dup.id] = c
                break
    # A duplicate draw the Connector did not refund stays with it as a credit: it pays the
    # account's later bills that are still open (the finding still names it). Done after the
    # main pass, so a later payment that already paid such a bill keeps its allocation.
    carried: dict[str, str] = {}
    for t, a, _bid in sorted(duplicates, key=lambda x: (x[0].date, x[0].id)):
        if t.id in refunds:
            continue
        left = -t.amount
        for s in by_account[a]:
            if left <= 0:
                break
            if s.bill.bill_date > t.date and s.remaining > 0:
                give = min(left, s.remaining)
                _give(allocations, s, t, give, 0.5, "duplicate draw kept by the Connector, carried as "
                      "credit to a later bill", counts_on(t), config)
                carried.setdefault(t.id, s.ref.id)
                left -= give
    if columns:
        cols.done()
        settled_of = settled.account_of
        return MatchResult(allocations=mc.AllocationColumns(settled.columns, allocations),
                           states=states, returns=pairs, duplicates=duplicates, refunds=refunds,
                           unmatched=unmatched,
                           account_of=mc.LazyMapping(lambda: {**settled_of(), **account_of}),
                           carried=carried)
    sort_by(allocations, attrgetter("transaction_id"), attrgetter("bill_id"))
    return MatchResult(allocations=allocations,
                       states=states, returns=pairs, duplicates=duplicates, refunds=refunds,
                       unmatched=unmatched, account_of=account_of, carried=carried)


def _give(allocations: list[Allocation], s: BillState, t: Transaction, amount: Decimal, conf: float,
          reason: str, d: date, config: Config, override: bool = False) -> None:
    """Record an allocation; an AutoPay draw posting in the usual window after the 22nd is on time."""
    s.remaining -= amount  # an extra (overpayment) takes it below zero: a credit on this bill
    if d <= s.bill.due_date or (t.date_written is None and autopay_expected(t, s.bill, config)):
        s.paid_on_time += amount
        when = "on time"
    else:
        s.paid_late += amount
        when = f"{(d - s.bill.due_date).days}d after due {s.bill.due_date.isoformat()}"
    if t.date_written:
        when += f"; check written {t.date_written.isoformat()}, cleared {t.date.isoformat()}"
    allocations.append(Allocation(transaction_id=t.id, bill_id=s.ref.id, amount=amount,
                                  confidence=round(conf, 2), reason=f"{reason}; {when}",
                                  override=override))


def _confidence(t: Transaction, s: BillState | None, why: str, carried: bool) -> float:
    c = 0.5
    if "exact" in why or "sum" in why:
        c += 0.3
    elif "memo" in why or "individual id" in why:
        c += 0.35
    if "Connector's legal name" in t.classified_by or "register" in t.classified_by:
        c += 0.15
    elif "amount fits" in t.classified_by:
        c += 0.1
    if carried:
        c -= 0.2
    return max(0.1, min(1.0, c))


def _choose_accounts(t: Transaction, amount: Decimal, d: date, accounts: list[str], open_due,
                     current_bill, next_bill, prefix_sums) -> list[tuple[str, Decimal, str]]:
    """Which account(s) a payment pays, with the part for each and why (deterministic)."""
    if t.billing_account_hint in accounts:
        return [_hint_choice(t, amount)]
    opens = {a: open_due(a, d) for a in accounts}
    exact = [a for a in accounts if opens[a] == amount and amount > 0]
    if len(exact) == 1:
        return [(exact[0], amount, f"amount exact: equals the open balance {opens[exact[0]]}")]
    cur_due = {a: (current_bill(a, d).bill.amount_due if current_bill(a, d) else None) for a in accounts}
    exact_bill = [a for a in accounts if cur_due[a] == amount and opens[a] > 0]
    if len(exact_bill) == 1:
        return [(exact_bill[0], amount, "amount exact: equals the bill's amount due")]
    positive = [a for a in accounts if opens[a] > 0]
    # One debit for several plans: each account contributes a FIFO prefix of its open bills
    # (past due alone, or past due plus current), and the parts must add up exactly. That is a
    # household's few accounts (health and dental, two members): the search grows as 2^accounts,
    # so over an organisation's thousands it is not tried (it would never end).
    prefixes = {a: prefix_sums(a, d) for a in positive} if len(positive) <= SUM_SEARCH_ACCOUNTS else {}

    def sums():     # smallest combinations first; within a budget (a year unpaid on 8 accounts: 12^8)
        for n in range(2, len(prefixes) + 1):
            for combo in itertools.combinations(prefixes, n):
                for parts in itertools.product(*(prefixes[a] for a in combo)):
                    yield combo, parts

    for combo, parts in itertools.islice(sums(), SUM_SEARCH_TRIES):
        if sum(parts, ZERO) == amount:
            return [(a, part, "sum: one debit paid " + " + ".join(
                f"{p} ({x})" for x, p in zip(combo, parts))) for a, part in zip(combo, parts)]
    if len(accounts) == 1 and opens[accounts[0]] > 0:
        a = accounts[0]
        return [(a, amount, "only billing account; amount " +
                 ("below" if amount < opens[a] else "above") + f" the open balance {opens[a]}")]
    # The amount of a bill that is already paid: a second draw for it (a duplicate), not an
    # overpayment of some other account.
    for a in accounts:
        cb = current_bill(a, d)
        if cb and opens[a] == 0 and amount in (cb.bill.amount_due, cb.charge):
            return []
    if positive:
        under = sorted((opens[a] - amount, a) for a in positive if amount <= opens[a])
        if under:
            a = under[0][1]
            return [(a, amount, f"partial: closest open balance {opens[a]} in account {a}")]
        a = sorted(positive, key=lambda x: (-opens[x], x))[0]
        return [(a, amount, f"above the largest open balance {opens[a]} in account {a}")]
    # Nothing open: an exact prepayment of the next bill.
    for a in accounts:
        nb = next_bill(a, d)
        if nb and amount in (nb.bill.amount_due, nb.charge) and (nb.bill.bill_date - d).days <= 45:
            return [(a, amount, f"amount exact: prepays the bill dated {nb.bill.bill_date.isoformat()}")]
    return []


def _hint_choice(t: Transaction, amount: Decimal) -> tuple[str, Decimal, str]:
    a = t.billing_account_hint
    assert a is not None
    return (a, amount, _hint_why(a, bool(t.check_number)))


def _hint_why(account: str, by_check: bool) -> str:
    return f"{'check register memo' if by_check else 'description'} names billing account {account}"


def _plan_ended(account: str, d: date, config: Config) -> bool:
    acc = config.account(account)
    return bool(acc and acc.plan_end and d > acc.plan_end)


def _duplicate_of(t: Transaction, amount: Decimal, accounts: list[str], current_bill,
                  last_paid) -> tuple[str, str] | None:
    for a in accounts:
        s = current_bill(a, counts_on(t))
        if s is None:
            continue
        paid = last_paid[a]
        for k in range(len(paid) - 2, -1, -2):   # (debit, bill id) pairs, latest first
            prev, bid = paid[k], paid[k + 1]
            if bid == s.ref.id and (-prev.amount == amount or s.bill.amount_due == amount):
                return (a, s.ref.id)
        if s.bill.amount_due == amount or s.charge == amount:
            return (a, s.ref.id)
    return None


def _why_unmatched(t: Transaction, accounts: list[str], by_account, config: Config
                   ) -> tuple[str, str | None]:
    """Why a debit pays no bill, and the billing account it was most likely meant for."""
    amount = -t.amount

    def fits(a: str) -> bool:
        return any(amount in (s.bill.amount_due, s.charge) for s in by_account[a])

    ranked = sorted(accounts, key=lambda a: (a != t.billing_account_hint, not fits(a), a))
    for a in ranked:
        acc = config.account(a)
        if acc and acc.plan_end and t.date > acc.plan_end:
            return f"drawn after the plan ended on {acc.plan_end.isoformat()} (account {a})", a
    for a in ranked:
        last = by_account[a][-1].bill
        end_cov = parse_month(last.coverage_month)
        end_cov = (end_cov.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        if t.date > end_cov:
            return (f"no bill covers this date: the last bill read for {a} is for {last.coverage_month}",
                    a if (fits(a) or t.billing_account_hint == a) else None)
    best = ranked[0] if ranked and (fits(ranked[0]) or t.billing_account_hint == ranked[0]) else None
    return "every bill was already paid and the amount fits no bill", best
