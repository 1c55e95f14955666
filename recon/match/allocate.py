"""Transactions + Bills -> Allocations, bill statuses, and the leftovers checks report on.

Three passes (STYLE.md section 6):
1. pair returns with the debits they reverse, and refunds with duplicate draws;
2. choose, for each payment, the billing account(s) it pays (check memo, ACH individual id,
   exact amount, sum over accounts, closest open balance);
3. allocate FIFO over each account's open monthly charges; an excess is carried as credit to the
   following bills; a debit needed by no bill is a duplicate draw or an unmatched charge.

One path for every size: an organisation's year goes through the same loop as a household's.

A bill's *charge* is what that month adds (member's share: premium less subsidies). Adjustments
(returned-payment re-billing, fees, credits) are shown on the bill but not matched, so a returned
month is never counted twice.
"""
from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from operator import attrgetter

from recon.config import Config
from recon.dates import add_business_days, add_months, parse_month
from recon.match.returns import pair_returns
from recon.model import Allocation, Bill, BillRef, Transaction, gc_paused
from recon.sorting import sort_by, sorted_by

ZERO = Decimal(0)


def bill_charge(b: Bill) -> Decimal | None:
    """What this bill adds for its own coverage month (see module docstring), or None when the bill
    does not show it and it cannot be worked out from fields that were read (never taken as 0)."""
    if b.current_charges is not None:
        return b.current_charges
    if b.premium is not None:
        return b.premium - (b.subsidy or ZERO)
    if b.previous_balance is None:
        return b.amount_due      # nothing carried (a first bill): the amount due is the month's charge
    if b.payments_received is None:
        return None
    # A bill without an adjustments line has none; a payments line that was not read is unknown.
    return b.amount_due - (b.previous_balance - b.payments_received + (b.adjustments or ZERO))


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

    __slots__ = ("ref", "bill", "id", "charge", "remaining", "paid_on_time", "paid_late", "known",
                 "last_payment", "credited")

    def __init__(self, ref: BillRef, charge: Decimal, remaining: Decimal,
                 paid_on_time: Decimal = ZERO, paid_late: Decimal = ZERO, known: bool = True) -> None:
        self.ref = ref
        self.bill = ref.bill       # ref's, kept at hand for the allocation loop
        self.id = ref.id
        self.charge = charge
        self.remaining = remaining
        self.paid_on_time = paid_on_time
        self.paid_late = paid_late
        self.known = known          # False: the charge was not read (the amount due stands in)
        self.last_payment: Transaction | None = None   # the latest debit allocated to it
        self.credited = ZERO        # taken off its charge by a credit adjustment on a bill

    def __repr__(self) -> str:
        return (f"BillState({self.ref.id}, charge={self.charge}, remaining={self.remaining}, "
                f"on_time={self.paid_on_time}, late={self.paid_late})")


@dataclass
class MatchResult:
    """What the matcher settled: allocations, each bill's state, and what paid no bill."""

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


def match(txs: list[Transaction], bills: list[BillRef], config: Config) -> MatchResult:
    """Allocate every Connector payment to bills (see module docstring)."""
    with gc_paused():
        return _Matcher(bills, config).run(txs)


# A debit that names no account may pay several accounts' open bills at once; that is looked for
# among this many accounts with something open at most (see _find_sum).
SUM_SEARCH_ACCOUNTS = 8
SUM_SEARCH_TRIES = 100_000


class _Matcher:
    """One pass over the payments in the order they count, each bill's state kept as it goes."""

    def __init__(self, bills: list[BillRef], config: Config) -> None:
        self.config = config
        self.slack = timedelta(days=config.tolerances.pay_before_bill_days)
        self.states: dict[str, BillState] = {}
        self.by_account: dict[str, list[BillState]] = defaultdict(list)
        for r in bills:
            charge = bill_charge(r.bill)
            known = charge is not None
            if charge is None:      # not read and not derivable: the bill's amount due is the cap
                charge = r.bill.amount_due
            s = self.states[r.id] = BillState(r, charge, charge, known=known)
            self.by_account[r.bill.billing_account].append(s)
        for lst in self.by_account.values():
            lst.sort(key=lambda s: (s.bill.coverage_month, s.id))
        self.accounts = sorted(self.by_account)
        self.plan_end: dict[str, date | None] = {}
        for acc in config.accounts:           # config.account(): the first entry of a number wins
            self.plan_end.setdefault(acc.number, acc.plan_end)
        self.allocations: list[Allocation] = []
        self.duplicates: list[tuple[Transaction, str, str]] = []
        self.unmatched: list[tuple[Transaction, str, str | None]] = []
        self.account_of: dict[str, str] = {}
        self.shared: dict = {}          # one object per distinct text or confidence
        self.credits: list[Transaction] = []
        self.first_open: dict[str, int] = {}
        self.paid_debits: list[Transaction] = []
        self._paid_index: dict[str, list[tuple[str, Decimal]]] | None = None
        self._indexed = 0
        self.date_of: dict[str, date] = {}
        self.credited_accounts: set[str] = set()   # accounts a credit adjustment has given credit to
        self.refunded: set[str] = set()
        self.refunds: dict[str, Transaction] = {}      # duplicate debit id -> its refund
        self.carried: dict[str, str] = {}              # unrefunded duplicate id -> bill it credits

    def give(self, s: BillState, t: Transaction, amount: Decimal, conf: float, reason: str, d: date,
             override: bool = False) -> None:
        """Record an allocation; an AutoPay draw posting in the usual window after the 22nd is on time.

        An organisation's year makes a million of these: equal texts, confidences and zero
        balances share one object (``self.shared``), which keeps the run under its memory budget."""
        left = s.remaining - amount   # an extra (overpayment) takes it below zero: a credit on this bill
        s.remaining = left if left else ZERO
        if d <= s.bill.due_date or (t.date_written is None and autopay_expected(t, s.bill, self.config)):
            s.paid_on_time = amount if s.paid_on_time is ZERO else s.paid_on_time + amount
            when = "on time"
        else:
            s.paid_late = amount if s.paid_late is ZERO else s.paid_late + amount
            when = f"{(d - s.bill.due_date).days}d after due {s.bill.due_date.isoformat()}"
        if t.date_written:
            when += f"; check written {t.date_written.isoformat()}, cleared {t.date.isoformat()}"
        s.last_payment = t
        shared = self.shared
        text = f"{reason}; {when}"
        conf = round(conf, 2)
        self.allocations.append(Allocation(
            transaction_id=t.id, bill_id=s.id, amount=amount, confidence=shared.setdefault(conf, conf),
            reason=shared.setdefault(text, text), override=override))

    # -- credit adjustments ---------------------------------------------------------------------
    def credit_adjustments(self) -> list[BillState]:
        """Bills with a credit adjustment, latest first (popped in date order during the pass)."""
        out = [s for s in self.states.values() if s.bill.adjustments is not None and s.bill.adjustments < 0]
        return sorted(out, key=lambda s: (s.bill.bill_date, s.id), reverse=True)

    def apply_credit(self, s: BillState) -> None:
        """A credit adjustment (a refund of premium, a retroactive subsidy, a goodwill credit) lowers
        what the account owes from the bill's date: it settles the oldest open charges first, like a
        payment. One that only puts right a payment an earlier bill left out of "payments received"
        is not new money (the bank payment already counts) and is skipped."""
        amount = -s.bill.adjustments
        a = s.bill.billing_account
        if self.corrects_an_omission(s, amount):
            return
        opened, future = self.owing(a, s.bill.bill_date)
        for x in [*opened, *future]:
            if amount <= 0:
                break
            give = min(amount, x.remaining)
            x.remaining -= give
            x.charge -= give
            x.credited += give
            self.credited_accounts.add(a)
            amount -= give

    def refund_credit(self, c: Transaction) -> None:
        """A refund from the Connector that repays no duplicate draw pays out a credit balance: the
        part of a credit adjustment still waiting on bills not yet generated is taken back from them
        (latest first), and they are owed in full again. Credit already used by a bill stays used."""
        if c.id in self.refunded:
            return
        accounts = [c.billing_account_hint] if c.billing_account_hint in self.by_account else sorted(
            a for a in self.credited_accounts if any(x.credited > 0 for x in self.by_account[a]))
        if len(accounts) != 1:
            return
        left = c.amount
        waiting = [x for x in self.by_account[accounts[0]] if x.credited > 0 and x.bill.bill_date > c.date]
        for x in sorted(waiting, key=lambda x: x.bill.bill_date, reverse=True):
            back = min(left, x.credited)
            x.credited -= back
            x.charge += back
            x.remaining += back
            left -= back
            if left <= 0:
                break
        if left < c.amount:
            self.refunded.add(c.id)
            self.first_open[accounts[0]] = 0

    def corrects_an_omission(self, s: BillState, amount: Decimal) -> bool:
        """Whether an earlier bill of the account showed at least ``amount`` less in payments
        received than the bank paid to the account in that bill's period."""
        lst = self.by_account[s.bill.billing_account]
        earlier = [x for x in lst if x.bill.bill_date < s.bill.bill_date]
        if not earlier:
            return False
        paid: dict[str, Decimal] = defaultdict(Decimal)   # debit id -> part paid to this account
        for tid, amount_paid in self.paid_to(s.bill.billing_account):
            paid[tid] += amount_paid
        when = self.date_of
        for prev, k in zip([None, *earlier], earlier):
            if k.bill.payments_received is None:
                continue
            start = prev.bill.bill_date if prev is not None else date.min
            bank = sum((v for tid, v in paid.items() if start <= when[tid] < k.bill.bill_date), ZERO)
            if bank - k.bill.payments_received >= amount:
                return True
        return False

    def paid_to(self, a: str) -> list[tuple[str, Decimal]]:
        """(debit id, part) of every allocation to account ``a`` so far. Built only when a credit
        adjustment asks, and then kept up to date from where it stopped (never a scan per ask)."""
        if self._paid_index is None:
            self._paid_index = defaultdict(list)
            self.date_of = {t.id: t.date for t in self.paid_debits}
        for al in self.allocations[self._indexed:]:
            self._paid_index[self.states[al.bill_id].bill.billing_account].append((al.transaction_id, al.amount))
        self._indexed = len(self.allocations)
        return self._paid_index[a]

    # -- the account's state as of a day --------------------------------------------------------
    def issued(self, s: BillState, d: date) -> bool:
        return s.bill.bill_date <= d + self.slack

    def owing(self, a: str, d: date) -> tuple[list[BillState], list[BillState]]:
        """The account's bills with something left to pay, oldest first: (issued by day ``d``, not
        yet issued). Bills before the first such one are settled for good (what is left to pay never
        goes up), so the scan starts there; bills are in issue order, so the issued ones lead."""
        lst = self.by_account[a]
        i = self.first_open.get(a, 0)
        while i < len(lst) and lst[i].remaining <= 0:
            i += 1
        self.first_open[a] = i
        lim = d + self.slack
        j = i
        while j < len(lst) and lst[j].bill.bill_date <= lim:
            j += 1
        return ([s for s in lst[i:j] if s.remaining > 0], [s for s in lst[j:] if s.remaining > 0])

    def open_due(self, a: str, d: date) -> Decimal:
        return sum((s.remaining for s in self.owing(a, d)[0]), ZERO)

    def prefix_sums(self, a: str, d: date) -> list[Decimal]:
        """What paying the account's open, issued bills oldest first adds up to, bill by bill."""
        return list(itertools.accumulate(s.remaining for s in self.owing(a, d)[0]))

    def current_bill(self, a: str, d: date) -> BillState | None:
        """The latest bill issued by day ``d`` (bills are in coverage order, so in issue order)."""
        return next((s for s in reversed(self.by_account[a]) if self.issued(s, d)), None)

    def next_bill(self, a: str, d: date) -> BillState | None:
        return next((s for s in self.by_account[a] if not self.issued(s, d)), None)

    def in_cycle(self, s: BillState, d: date) -> bool:
        """Whether day ``d`` falls in the cycle of bill ``s``: from its bill date until the next
        bill is generated (the AutoPay window, the 22nd to a few business days later, is inside)."""
        return s.bill.bill_date - self.slack <= d < add_months(s.bill.bill_date, 1)

    def plan_ended(self, a: str, day: date) -> bool:
        end = self.plan_end.get(a)
        return bool(end and day > end)

    # -- the pass -------------------------------------------------------------------------------
    def run(self, txs: list[Transaction]) -> MatchResult:
        credits = [t for t in txs if t.amount > ZERO]
        pairs, returned_ids = pair_returns(txs, credits, self.config)
        self.credits = sorted((c for c in credits if c.id not in returned_ids), key=lambda c: (c.date, c.id))
        links = {o.transaction: o.bill for o in self.config.overrides if o.kind == "link"}
        # Returned debits take part only to learn which account they were for; they pay nothing.
        payments = sorted((t for t in txs if t.amount < ZERO), key=lambda t: (counts_on(t), t.date, t.id))
        self.paid_debits = payments
        credits = self.credit_adjustments()
        refunds = sorted(self.credits, key=lambda c: (c.date, c.id), reverse=True)
        for t in payments:
            while credits and credits[-1].bill.bill_date <= counts_on(t):
                self.apply_credit(credits.pop())
            while refunds and refunds[-1].date <= t.date:
                self.refund_credit(refunds.pop())
            if links.get(t.id) in self.states:
                s = self.states[links[t.id]]
                self.give(s, t, -t.amount, 1.0, "override: linked by the user in recon.toml",
                          counts_on(t), override=True)
                self.account_of[t.id] = s.bill.billing_account
                continue
            self.pay(t, returned=t.id in returned_ids)
        while credits:
            self.apply_credit(credits.pop())
        sort_by(self.allocations, attrgetter("transaction_id"), attrgetter("bill_id"))
        return MatchResult(allocations=self.allocations, states=self.states, returns=pairs,
                           duplicates=self.duplicates, refunds=self.refunds, unmatched=self.unmatched,
                           account_of=self.account_of, carried=self.carried)

    def pay(self, t: Transaction, returned: bool) -> None:
        """Choose the account(s) a debit pays, then allocate it FIFO over their open bills."""
        amount = -t.amount
        d = counts_on(t)
        if not self.accounts:
            self.unmatched.append((t, "no bill was read for any billing account", None))
            return
        hint = t.billing_account_hint
        if hint in self.by_account and self.is_live(hint, t, amount):
            live = [hint]
            plan = self.plan_for_hint(t, hint, amount, d)
        else:
            live = [a for a in self.accounts if self.is_live(a, t, amount)]
            plan = self.choose_accounts(t, amount, d, live) if live else []
        if returned:
            if plan:
                self.account_of[t.id] = plan[0][0]
            return
        if not plan:
            plan = self.paid_in_credit(t, amount, d, live)
        if not plan:
            # Nothing open: a second draw for a paid cycle, or a draw no bill covers.
            dup = self.duplicate_of(t, amount, live)
            if dup:
                self.duplicates.append((t, *dup))
                self.account_of[t.id] = dup[0]
                refund = self.refund_of(t)
                if refund is not None:
                    self.refunds[t.id] = refund
                else:
                    self.carry(t, dup[0])
            else:
                self.unmatched.append((t, *_why_unmatched(t, self.accounts, self.by_account, self.config)))
            return
        for a, part, why in plan:
            self.account_of.setdefault(t.id, a)
            self.give_fifo(t, a, part, why, d)

    def give_fifo(self, t: Transaction, a: str, part: Decimal, why: str, d: date) -> None:
        left = part
        opened, future = self.owing(a, d)
        for s, carried in [*((s, False) for s in opened), *((s, True) for s in future)]:
            if left <= 0:
                break
            give = min(left, s.remaining)
            reason = why + ("; overpayment carried as credit to a later bill" if carried else "")
            self.give(s, t, give, _confidence(t, why, carried), reason, d)
            left -= give
        if left > 0:
            s = self.current_bill(a, d) or self.by_account[a][-1]
            self.give(s, t, left, 0.6, why + "; overpayment kept as a credit on this bill", d)

    def is_live(self, a: str, t: Transaction, amount: Decimal) -> bool:
        """An account can be paid: its plan has not ended, or the debit pays exactly what it owes."""
        return not self.plan_ended(a, t.date) or self.open_due(a, counts_on(t)) == amount

    def plan_for_hint(self, t: Transaction, hint: str, amount: Decimal, d: date
                      ) -> list[tuple[str, Decimal, str]]:
        """A debit whose text or check memo names a live billing account pays that account; when
        it is more than that account owes, one sitting may have paid other plans too (the parts
        must add up exactly)."""
        own = self.open_due(hint, d)
        if own == 0 and self.repeats_paid_bill(t, hint, amount, d, own):
            return []
        if amount > own and len(self.accounts) <= SUM_SEARCH_ACCOUNTS:
            others = [a for a in self.accounts if a != hint and self.is_live(a, t, amount)
                      and self.open_due(a, d) > 0]
            split = self.find_sum(amount, d, [hint, *others], must=hint)
            if split:
                return split
        return [(hint, amount, _hint_why(hint, bool(t.check_number)))]

    def choose_accounts(self, t: Transaction, amount: Decimal, d: date, accounts: list[str]
                        ) -> list[tuple[str, Decimal, str]]:
        """Which account(s) a payment pays, with the part for each and why (deterministic)."""
        opens = {a: self.open_due(a, d) for a in accounts}
        exact = [a for a in accounts if opens[a] == amount]
        if len(exact) == 1:
            return [(exact[0], amount, f"amount exact: equals the open balance {opens[exact[0]]}")]
        cur = {a: self.current_bill(a, d) for a in accounts}
        exact_bill = [a for a in accounts if cur[a] and cur[a].bill.amount_due == amount and opens[a] > 0]
        if len(exact_bill) == 1:
            return [(exact_bill[0], amount, "amount exact: equals the bill's amount due")]
        positive = [a for a in accounts if opens[a] > 0]
        split = self.find_sum(amount, d, positive)
        if split:
            return split
        if len(accounts) == 1 and opens[accounts[0]] > 0:
            a = accounts[0]
            return [(a, amount, "only billing account; amount " +
                     ("below" if amount < opens[a] else "above") + f" the open balance {opens[a]}")]
        # The amount of a bill that is already paid: a second draw for it (a duplicate), not an
        # overpayment of some other account.
        if any(self.repeats_paid_bill(t, a, amount, d, opens[a]) for a in accounts):
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
            nb = self.next_bill(a, d)
            if nb and amount in (nb.bill.amount_due, nb.charge) and (nb.bill.bill_date - d).days <= 45:
                return [(a, amount, f"amount exact: prepays the bill dated {nb.bill.bill_date.isoformat()}")]
        return []

    def paid_in_credit(self, t: Transaction, amount: Decimal, d: date, accounts: list[str]
                       ) -> list[tuple[str, Decimal, str]]:
        """A payment made while the account's current bill asks nothing (a credit balance): not a
        second draw for a bill that asked for money, but more credit toward the next bills."""
        for a in [x for x in accounts if x == t.billing_account_hint] + accounts:
            cb = self.current_bill(a, d)
            if cb is not None and cb.bill.amount_due <= 0 and self.in_cycle(cb, d):
                return [(a, amount, f"paid while the bill dated {cb.bill.bill_date.isoformat()} asked "
                                    f"{cb.bill.amount_due} (the account was in credit)")]
        return []

    def repeats_paid_bill(self, t: Transaction, a: str, amount: Decimal, d: date, open_due: Decimal) -> bool:
        """A second payment of the amount of a bill already paid, in that bill's cycle: a
        duplicate, not a prepayment of a bill not yet issued. A payment the member makes after
        the paid bill's due date, days before the next bill of that amount is generated, pays the
        next bill early (a household that pays before each bill); an AutoPay draw in its window is
        always for the current bill."""
        cb = self.current_bill(a, d)
        if not (cb and open_due == 0 and cb.bill.amount_due > 0 and self.in_cycle(cb, d)
                and amount in (cb.bill.amount_due, cb.charge)):
            return False
        nb = self.next_bill(a, d)
        early = (nb is not None and not t.autopay and d > cb.bill.due_date
                 and (nb.bill.bill_date - d).days <= self.config.tolerances.prepay_window_days
                 and amount in (nb.bill.amount_due, nb.charge))
        return not early

    def find_sum(self, amount: Decimal, d: date, accounts: list[str], must: str | None = None
                 ) -> list[tuple[str, Decimal, str]]:
        """One debit for several plans: each account contributes a FIFO prefix of its open bills
        (past due alone, or past due plus current), and the parts add up exactly. A household has
        a few accounts; the search grows as 2^accounts, so it is bounded (an organisation's
        thousands of accounts are never searched)."""
        if len(accounts) > SUM_SEARCH_ACCOUNTS or (must is not None and must not in accounts):
            return []
        prefixes = {a: self.prefix_sums(a, d) for a in accounts}

        def sums():   # smallest combinations first; within a budget
            for n in range(2, len(prefixes) + 1):
                for combo in itertools.combinations(prefixes, n):
                    if must is None or must in combo:
                        for parts in itertools.product(*(prefixes[a] for a in combo)):
                            yield combo, parts

        for combo, parts in itertools.islice(sums(), SUM_SEARCH_TRIES):
            if sum(parts, ZERO) == amount:
                return [(a, part, "sum: one debit paid " + " + ".join(
                    f"{p} ({x})" for x, p in zip(combo, parts))) for a, part in zip(combo, parts)]
        return []

    def duplicate_of(self, t: Transaction, amount: Decimal, accounts: list[str]) -> tuple[str, str] | None:
        """The paid bill a debit draws for a second time: a bill whose cycle the debit falls in and
        whose amount it repeats. A debit after the last bill's cycle is not a duplicate."""
        d = counts_on(t)
        for a in [x for x in accounts if x == t.billing_account_hint] + accounts:
            s = self.current_bill(a, d)
            if s is None or not self.in_cycle(s, t.date):
                continue
            prev = s.last_payment
            if prev is not None and (-prev.amount == amount or s.bill.amount_due == amount):
                return (a, s.ref.id)
            if s.bill.amount_due == amount or s.charge == amount:
                return (a, s.ref.id)
        return None

    def refund_of(self, t: Transaction) -> Transaction | None:
        """The Connector's refund of a duplicate draw: the first later credit of the same amount
        that is not a return and refunds nothing else."""
        for c in self.credits:
            if c.amount == -t.amount and c.date > t.date and c.id not in self.refunded:
                self.refunded.add(c.id)
                return c
        return None

    def carry(self, t: Transaction, a: str) -> None:
        """A duplicate draw the Connector keeps is a credit on the account from the day it posted:
        it pays the account's next bills (the finding still names it)."""
        left = -t.amount
        for s in self.by_account[a]:
            if left <= 0:
                break
            if s.bill.bill_date > t.date and s.remaining > 0:
                give = min(left, s.remaining)
                self.give(s, t, give, 0.5, "duplicate draw kept by the Connector, carried as "
                          "credit to a later bill", counts_on(t))
                self.carried.setdefault(t.id, s.ref.id)
                left -= give


def _confidence(t: Transaction, why: str, carried: bool) -> float:
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


def _hint_why(account: str, by_check: bool) -> str:
    return f"{'check register memo' if by_check else 'description'} names billing account {account}"


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
