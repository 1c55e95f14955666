"""AutoPay audit: a finished run (RunResult) + Config -> one AutopayRow per billing account and cycle.

Input: the RunResult of ``recon.api.run`` (transactions, bills, allocations, returns, duplicates)
and the Config (AutoPay periods, plan end dates, the posting-window tolerance).
Output: a list of frozen ``AutopayRow`` values, sorted by (account, coverage month, bill id), and
``to_csv``/``render`` helpers that turn them into text. Pure: no clock, no files, no printing.

A *cycle* is one bill. AutoPay is initiated on the 22nd of the bill month and draws the balance
due; the expected posting window runs from the 22nd through
``tolerances.autopay_window_business_days`` Federal Reserve business days later (recon.dates).

Which debits belong to which cycle (each debit to exactly one):
  1. an ACH debit (not a check) posted in, or within NEAR_WINDOW_DAYS of, a bill's window;
  2. else a debit the description marks as AutoPay, in the cycle whose dates contain it
     (bill date up to the next bill date, or one month for the account's last bill);
  3. else the earliest bill the matcher allocated it to, or the bill it duplicates (when the
     debit falls in that bill's cycle);
  4. else (returned or unmatched) the cycle whose dates contain it; a debit after the account's
     last cycle gets a row of its own with no bill (bill_id None), e.g. a draw after plan end.

Verdicts, first that applies:
  after plan end      a draw in the cycle is dated after the account's plan_end and is
                      AutoPay-pattern or paid no bill (paying a past-due balance late is fine)
  after cancellation  AutoPay was cancelled (recon.toml period ended before the window) and an
                      AutoPay-pattern draw (marked AutoPay, or an ACH debit in the window) came later
  returned            a draw of the cycle came back (reversal / NSF)
  extra               a draw the matcher found to be a duplicate, or several draws adding up to
                      more than the amount due
  wrong amount        an AutoPay-pattern draw differs from the amount due and from the balance
                      left after payments made since the bill
  missing             AutoPay was active (recon.toml or the bill says so), a balance was due, the
                      window has passed as of the run's as-of date, and no AutoPay draw posted
  pending             as "missing", but the window has not closed yet as of the as-of date
  ok                  AutoPay was active or drew, and the draw is right (or nothing was due)
  no autopay          AutoPay neither active nor seen: payments in the cycle are listed for context
"""
from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from recon.config import AccountConfig, Config
from recon.dates import add_business_days, add_months, coverage_month_for_bill
from recon.model import Allocation, Bill, BillRef, Transaction
from recon.money import format_money

ZERO = Decimal(0)

# A draw posted a few calendar days outside the usual window (bank holiday backlog, a late
# posting) is still that cycle's AutoPay draw; the note says it posted outside the window.
NEAR_WINDOW_DAYS = 3

VERDICTS = ("after plan end", "after cancellation", "returned", "extra", "wrong amount", "missing",
            "pending", "ok", "no autopay")


@dataclass(frozen=True, slots=True)
class AutopayRow:
    """One billing account and cycle: what AutoPay should have drawn, what was drawn, the verdict."""

    account: str
    coverage_month: str
    bill_id: str | None                      # None: a draw after the account's last bill
    expected_amount: Decimal | None          # the bill's amount due (None without a bill)
    window_start: date | None
    window_end: date | None
    draws: tuple[tuple[str, date, Decimal], ...]   # (transaction id, posting date, amount taken > 0)
    verdict: str
    note: str


@dataclass
class _Cycle:
    ref: BillRef
    start: date                              # bill date
    end: date                                # next bill date (exclusive)
    window_start: date
    window_end: date
    draws: list[Transaction]


def expected_window(bill: Bill, config: Config) -> tuple[date, date]:
    """The usual AutoPay posting window of a bill: the 22nd of the bill month + N business days."""
    start = bill.bill_date.replace(day=22)
    return start, add_business_days(start, config.tolerances.autopay_window_business_days)


def autopay_active(acc: AccountConfig | None, bill: Bill, on: date) -> bool:
    """AutoPay was on for this cycle: a recon.toml period covers ``on``, or the bill says AutoPay
    and recon.toml does not say it was cancelled before ``on`` (your cancellation date wins)."""
    if acc is not None and any((p.start is None or p.start <= on) and (p.end is None or on <= p.end)
                               for p in acc.autopay):
        return True
    return bool(bill.autopay) and cancelled_on(acc, on) is None


def cancelled_on(acc: AccountConfig | None, on: date) -> date | None:
    """The latest AutoPay end before ``on`` when no period covers ``on`` (AutoPay was cancelled)."""
    if acc is None or not acc.autopay:
        return None
    if any((p.start is None or p.start <= on) and (p.end is None or on <= p.end) for p in acc.autopay):
        return None
    ends = [p.end for p in acc.autopay if p.end is not None and p.end < on]
    return max(ends) if ends else None


def audit(result, config: Config, account: str | None = None) -> list[AutopayRow]:
    """Audit AutoPay per billing account and cycle (see module docstring).

    Args:
        result: a ``recon.api.RunResult``.
        config: the run's Config.
        account: only this billing account (None: all).
    Returns:
        rows sorted by (account, coverage month, bill id).
    """
    report, m = result.report, result.match
    as_of: date = report.as_of
    txns = {t.id: t for t in report.transactions}
    returned = {d.id: c for d, c in m.returns}
    dup_of = {t.id: (a, bid) for t, a, bid in m.duplicates}
    allocs: dict[str, list[Allocation]] = defaultdict(list)
    for a in m.allocations:
        allocs[a.transaction_id].append(a)
    bill_by_id = {r.id: r for r in report.bills}
    accounts = sorted({r.bill.billing_account for r in report.bills}
                      | {a.number for a in config.accounts})

    def part_for(t: Transaction, acct: str) -> Decimal:
        """How much of a debit went to this account's bills (the whole debit when unallocated)."""
        mine = [a.amount for a in allocs.get(t.id, []) if bill_by_id[a.bill_id].bill.billing_account == acct]
        return sum(mine, ZERO) if mine else -t.amount

    # ---- which account each Connector debit was for
    debits = sorted((t for t in report.transactions if t.amount < 0 and t.role != "return"),
                    key=lambda t: (t.date, t.id))
    account_of: dict[str, str] = {}
    unmatched_account = {t.id: a for t, _, a in m.unmatched}
    for t in debits:
        a = m.account_of.get(t.id) or unmatched_account.get(t.id)
        if a is not None:
            account_of[t.id] = a

    rows: list[AutopayRow] = []
    for acct in accounts:
        if account is not None and acct != account:
            continue
        acc_cfg = config.account(acct)
        refs = sorted((r for r in report.bills if r.bill.billing_account == acct),
                      key=lambda r: (r.bill.bill_date, r.bill.coverage_month, r.id))
        cycles: list[_Cycle] = []
        for i, r in enumerate(refs):
            nxt = next((x.bill.bill_date for x in refs[i + 1:] if x.bill.bill_date > r.bill.bill_date), None)
            ws, we = expected_window(r.bill, config)
            cycles.append(_Cycle(r, r.bill.bill_date, nxt or add_months(r.bill.bill_date, 1), ws, we, []))
        by_id = {c.ref.id: c for c in cycles}
        orphans: list[Transaction] = []
        for t in debits:
            if account_of.get(t.id) != acct:
                continue
            c = _cycle_for(t, cycles, by_id, allocs.get(t.id, []), dup_of.get(t.id))
            if c is None:
                orphans.append(t)
            else:
                c.draws.append(t)

        for c in cycles:
            rows.append(_judge(c, acct, acc_cfg, as_of, config, returned, dup_of, part_for, allocs,
                               bill_by_id, txns))
        # Draws after the last cycle (or before the first): one row per month, no bill.
        by_month: dict[str, list[Transaction]] = defaultdict(list)
        for t in orphans:
            by_month[coverage_month_for_bill(t.date)].append(t)
        for month, ts in sorted(by_month.items()):
            rows.append(_orphan_row(acct, month, ts, acc_cfg, returned))
    return sorted(rows, key=lambda r: (r.account, r.coverage_month, r.bill_id or ""))


def _cycle_for(t: Transaction, cycles: list[_Cycle], by_id: dict[str, _Cycle], allocs: list[Allocation],
               dup: tuple[str, str] | None) -> _Cycle | None:
    near = timedelta(days=NEAR_WINDOW_DAYS)
    if t.check_number is None:
        for c in cycles:
            if c.window_start - near <= t.date <= c.window_end + near:
                return c
    if t.autopay:
        for c in cycles:
            if c.start <= t.date < c.end:
                return c
    mine = sorted((by_id[a.bill_id] for a in allocs if a.bill_id in by_id),
                  key=lambda c: (c.ref.bill.coverage_month, c.ref.id))
    if mine:
        return mine[0]
    # A duplicate of a bill counts in that bill's cycle only when it falls in the cycle's dates
    # (the matcher calls any later draw of the same amount a duplicate of the last bill read).
    if dup and dup[1] in by_id and by_id[dup[1]].start <= t.date < by_id[dup[1]].end:
        return by_id[dup[1]]
    for c in cycles:
        if c.start <= t.date < c.end:
            return c
    return None


def _autopay_like(t: Transaction, c: _Cycle) -> bool:
    """Marked AutoPay, or an ACH debit (not a check) posted in the expected window."""
    return t.check_number is None and (t.autopay or c.window_start <= t.date <= c.window_end)


def _judge(c: _Cycle, acct: str, acc_cfg: AccountConfig | None, as_of: date, config: Config,
           returned: dict[str, Transaction], dup_of: dict[str, tuple[str, str]], part_for, allocs,
           bill_by_id: dict[str, BillRef], txns: dict[str, Transaction]) -> AutopayRow:
    b = c.ref.bill
    draws = sorted(c.draws, key=lambda t: (t.date, t.id))
    ap = [t for t in draws if _autopay_like(t, c)]
    active = autopay_active(acc_cfg, b, c.window_start)
    cancelled = cancelled_on(acc_cfg, c.window_start)
    due = b.amount_due
    notes: list[str] = []

    def paid_since_bill(before: date, exclude: str | None = None) -> Decimal:
        # What this account received between the bill date and ``before`` (the balance AutoPay sees).
        total = ZERO
        for tid, als in allocs.items():
            t = txns.get(tid)
            if t is None or tid == exclude or tid in returned or not (b.bill_date <= t.date < before):
                continue
            total += sum((a.amount for a in als if bill_by_id[a.bill_id].bill.billing_account == acct), ZERO)
        return total

    for t in draws:
        if not (c.window_start <= t.date <= c.window_end) and t in ap:
            notes.append(f"{t.date.isoformat()} posted outside the window "
                         f"{c.window_start.isoformat()}..{c.window_end.isoformat()}")
    verdict: str
    plan_end = acc_cfg.plan_end if acc_cfg else None
    # After the plan ended, paying a past-due balance is fine; AutoPay or money that paid no bill is not.
    late_plan = [t for t in draws if plan_end and t.date > plan_end and (t in ap or t.id not in allocs)]
    after_cancel = [t for t in ap if cancelled and t.date > cancelled]
    back = [t for t in draws if t.id in returned]
    dups = [t for t in draws if t.id in dup_of]
    total = sum((part_for(t, acct) for t in draws if t.id not in returned), ZERO)
    if late_plan:
        verdict = "after plan end"
        notes.insert(0, f"drawn {', '.join(t.date.isoformat() for t in late_plan)}, after the plan ended "
                        f"{plan_end.isoformat()}")
    elif after_cancel:
        verdict = "after cancellation"
        notes.insert(0, f"AutoPay cancelled {cancelled.isoformat()} but drew "
                        + ", ".join(f"{format_money(-t.amount)} on {t.date.isoformat()}" for t in after_cancel))
    elif back:
        verdict = "returned"
        for t in back:
            cr = returned[t.id]
            notes.insert(0, f"{format_money(-t.amount)} drawn {t.date.isoformat()} came back "
                            f"{cr.date.isoformat()}")
        later = [t for t in draws if t.id not in returned and t.date > back[-1].date]
        if later:
            notes.append("re-paid " + ", ".join(f"{format_money(part_for(t, acct))} on {t.date.isoformat()}"
                                                for t in later))
    elif dups or (len(draws) > 1 and total > max(due, ZERO)):
        verdict = "extra"
        notes.insert(0, f"{len(draws)} draws totalling {format_money(total)} for {format_money(due)} due"
                     + (f"; {', '.join(t.date.isoformat() for t in dups)} duplicates a paid bill" if dups else ""))
    else:
        verdict, note = _amount_verdict(c, ap, active, cancelled, as_of, acct, part_for, paid_since_bill)
        if note:
            notes.insert(0, note)
    if cancelled and b.autopay:
        notes.append(f"the bill still says AutoPay although it was cancelled {cancelled.isoformat()}: "
                     "ask the Connector to confirm the cancellation")
    manual = [t for t in draws if t not in ap]
    if manual and verdict not in ("extra", "returned"):
        notes.append("other payments: " + ", ".join(
            f"{format_money(-t.amount)} on {t.date.isoformat()}"
            + (f" (check {t.check_number})" if t.check_number else "") for t in manual))
    return AutopayRow(account=acct, coverage_month=b.coverage_month, bill_id=c.ref.id, expected_amount=due,
                      window_start=c.window_start, window_end=c.window_end,
                      draws=tuple((t.id, t.date, -t.amount) for t in draws), verdict=verdict,
                      note="; ".join(notes))


def _amount_verdict(c: _Cycle, ap: list[Transaction], active: bool, cancelled: date | None, as_of: date,
                    acct: str, part_for, paid_since_bill) -> tuple[str, str]:
    """The verdict on a cycle with nothing extra, returned or drawn out of turn: whether AutoPay drew
    the balance due (wrong amount | ok), or, with no AutoPay draw, pending | missing | no autopay."""
    due = c.ref.bill.amount_due
    wrong = []
    for t in ap:
        draw = -t.amount
        balance = due - paid_since_bill(t.date, exclude=t.id)
        if draw not in (due, balance) and part_for(t, acct) not in (due, balance):
            wrong.append((t, balance))
    if wrong:
        t, balance = wrong[0]
        return "wrong amount", (f"drew {format_money(-t.amount)} on {t.date.isoformat()}, bill shows "
                                f"{format_money(due)} due" + (f" (balance {format_money(balance)})"
                                                              if balance != due else ""))
    if ap:
        t = ap[0]
        balance = due - paid_since_bill(t.date, exclude=t.id)
        if -t.amount != due and balance != due:
            return "ok", (f"drew the balance {format_money(balance)} after "
                          f"{format_money(due - balance)} paid since the bill")
        return "ok", ""
    if active:
        balance = due - paid_since_bill(c.window_end + timedelta(days=1))
        if balance <= 0:
            return "ok", "nothing left to draw" if due > 0 else "nothing due"
        if as_of <= c.window_end:
            return "pending", f"window open until {c.window_end.isoformat()} (as of {as_of.isoformat()})"
        return "missing", f"AutoPay was on but nothing was drawn for {format_money(balance)} due"
    return "no autopay", "AutoPay not active" + (f" (cancelled {cancelled.isoformat()})" if cancelled else "")


def _orphan_row(acct: str, month: str, ts: list[Transaction], acc_cfg: AccountConfig | None,
                returned: dict[str, Transaction]) -> AutopayRow:
    ts = sorted(ts, key=lambda t: (t.date, t.id))
    plan_end = acc_cfg.plan_end if acc_cfg else None
    if plan_end and any(t.date > plan_end for t in ts):
        verdict = "after plan end"
        note = f"no bill for this month; the plan ended {plan_end.isoformat()}"
    elif any(t.id in returned for t in ts):
        verdict = "returned"
        note = "no bill read for this month; the draw came back"
    else:
        verdict = "extra"
        note = "no bill read for this month"
    return AutopayRow(account=acct, coverage_month=month, bill_id=None, expected_amount=None,
                      window_start=None, window_end=None,
                      draws=tuple((t.id, t.date, -t.amount) for t in ts), verdict=verdict, note=note)


CSV_COLUMNS = ("account", "coverage_month", "bill_id", "expected_amount", "window_start", "window_end",
               "draws", "verdict", "note")


def to_csv(rows: list[AutopayRow]) -> str:
    """Rows -> CSV text; draws as 'id date amount' joined by ' | ', money as two-decimal strings."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for r in rows:
        w.writerow([r.account, r.coverage_month, r.bill_id or "",
                    format_money(r.expected_amount) if r.expected_amount is not None else "",
                    r.window_start.isoformat() if r.window_start else "",
                    r.window_end.isoformat() if r.window_end else "",
                    " | ".join(f"{tid} {d.isoformat()} {format_money(a)}" for tid, d, a in r.draws),
                    r.verdict, r.note])
    return buf.getvalue()


def render(rows: list[AutopayRow]) -> str:
    """Rows -> a plain-text table grouped by billing account (no colour codes)."""
    out: list[str] = []
    current = None
    for r in rows:
        if r.account != current:
            if current is not None:
                out.append("")
            out.append(f"Billing account {r.account}")
            out.append(f"  {'month':<8} {'due':>9} {'window':<23} {'drawn':<28} verdict")
            current = r.account
        due = format_money(r.expected_amount) if r.expected_amount is not None else "-"
        window = (f"{r.window_start.isoformat()}..{r.window_end.isoformat()[5:]}"
                  if r.window_start and r.window_end else "-")
        drawn = ", ".join(f"{format_money(a)} {d.isoformat()[5:]}" for _, d, a in r.draws) or "-"
        out.append(f"  {r.coverage_month:<8} {due:>9} {window:<23} {drawn:<28} {r.verdict}")
        if r.note:
            out.append(f"      {r.note}")
    if not rows:
        out.append("No bills or Connector draws to audit.")
    return "\n".join(out) + "\n"
