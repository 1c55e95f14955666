"""Report -> terminal text: per billing account a month-by-month table, then findings by severity.

Plain text (no colour codes), so it reads the same in a terminal, a pipe or a cron mail.

``account_money`` is the per-account money flow that both this summary and report.html show:
what was billed, what was drawn from the bank, what came back (returned by the bank, refunded by
the Connector), what went to bills and what the Connector still holds beyond them (an unrefunded
second draw, a charge that pays no bill). It only adds up what the Report carries (allocations,
findings, refunds); it never matches anything again.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from recon.model import Report, Transaction
from recon.money import dollars
from recon.privacy import for_people
from recon.report.json_report import sort_findings

ZERO = Decimal("0.00")
# Findings that say whose a debit's unallocated money is, before any other finding naming it.
_OWNING = ("duplicate_draw", "unmatched_charge", "returned_payment")


@dataclass
class AccountMoney:
    """One billing account's money (None: money tied to no billing account). All Decimal."""

    account: str | None
    billed: Decimal = ZERO            # the bills' charges (the member's share, after credits)
    to_bills: Decimal = ZERO          # of the charges, what payments covered (overpayments excluded)
    drawn: Decimal = ZERO             # debits from the bank for this account (its part of each)
    debits: int = 0
    returned: Decimal = ZERO          # debits the bank took back (returned or reversed)
    refunded: Decimal = ZERO          # credits from the Connector
    second_draws: Decimal = ZERO      # duplicate draws the Connector did not refund
    second_draws_to_bills: Decimal = ZERO  # of those, what was counted as credit toward later bills

    @property
    def held(self) -> Decimal:
        """Drawn and not returned, refunded or used by a bill: what the Connector holds beyond the
        bills (owed back or to be credited). Negative: more came back than was drawn beyond them."""
        return self.drawn - self.returned - self.refunded - self.to_bills

    @property
    def owed(self) -> Decimal:
        """Billed and not covered by any payment."""
        return self.billed - self.to_bills


def _owners(report: Report) -> dict[str, str]:
    """Transaction id -> the billing account a finding ties it to (owning finding types first)."""
    own: dict[str, str] = {}
    ranked = sorted(report.findings, key=lambda f: f.type not in _OWNING)   # stable
    for f in ranked:
        if f.billing_account:
            for tid in f.transaction_ids:
                own.setdefault(tid, f.billing_account)
    for dup, refund in report.refunds:
        if dup in own:
            own.setdefault(refund, own[dup])
    return own


def _owner(t: Transaction, own: dict[str, str], parts: dict[str, Decimal], known: list[str]) -> str | None:
    """Whose the part of ``t`` that no bill took is: a finding's account, the account its text
    names, the account most of it paid, or the only account there is."""
    if t.id in own:
        return own[t.id]
    if t.billing_account_hint in known:
        return t.billing_account_hint
    if parts:
        return max(sorted(parts), key=lambda a: parts[a])
    return known[0] if len(known) == 1 else None


def account_money(report: Report) -> dict[str | None, AccountMoney]:
    """Billing account -> its money flow, accounts in order; None last when money is tied to none."""
    got = report.cache.get(AccountMoney)
    if got is not None:
        return got
    bills = {ref.id: ref.bill for ref in report.bills}
    known = sorted({b.billing_account for b in bills.values()})
    out: dict[str | None, AccountMoney] = {a: AccountMoney(a) for a in known}

    def acc(a: str | None) -> AccountMoney:
        return out.setdefault(a, AccountMoney(a))

    paid: dict[str, Decimal] = defaultdict(Decimal)                       # bill id -> allocated
    parts: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))  # txn -> acct -> part
    for m in report.matches:
        b = bills.get(m.bill_id)
        if b is not None:
            paid[m.bill_id] += m.amount
            parts[m.transaction_id][b.billing_account] += m.amount
    for ref in report.bills:
        charge = report.status_of(ref.id).charge
        a = acc(ref.bill.billing_account)
        a.billed += charge
        a.to_bills += min(paid.get(ref.id, ZERO), max(charge, ZERO))
    own = _owners(report)
    returns = {f.transaction_ids[1] for f in report.findings
               if f.type == "returned_payment" and len(f.transaction_ids) > 1}
    for t in report.transactions:
        mine = parts.get(t.id, {})
        if t.amount < 0:
            shares = dict(mine)
            rest = -t.amount - sum(mine.values(), ZERO)
            if rest > 0:
                who = _owner(t, own, mine, known)
                shares[who] = shares.get(who, ZERO) + rest
            for who, v in shares.items():
                acc(who).drawn += v
                acc(who).debits += 1
        elif t.amount > 0:
            a = acc(_owner(t, own, mine, known))
            if t.role == "return" or t.id in returns:
                a.returned += t.amount
            else:
                a.refunded += t.amount
    _second_draws(report, acc, parts)
    got = dict(sorted(out.items(), key=lambda kv: (kv[0] is None, kv[0] or "")))
    report.cache[AccountMoney] = got
    return got


def _second_draws(report: Report, acc, parts: dict[str, dict[str, Decimal]]) -> None:
    """Duplicate draws not refunded: the debits a duplicate_draw finding names that paid nothing
    toward the bill it is about (the others paid that bill), less those the Connector refunded."""
    txns = {t.id: t for t in report.transactions}
    refunded = {dup for dup, _ in report.refunds}
    by_bill = {m.transaction_id + " " + m.bill_id for m in report.matches}
    seen: set[str] = set()
    for f in report.findings:
        if f.type != "duplicate_draw":
            continue
        budget = f.amount or ZERO       # identical debits that paid nothing: all but one are extra
        for tid in f.transaction_ids:
            t = txns.get(tid)
            if (t is None or t.amount >= 0 or tid in refunded or tid in seen or budget <= 0
                    or any(f"{tid} {b}" in by_bill for b in f.bill_ids)):
                continue
            seen.add(tid)
            budget -= -t.amount
            a = acc(f.billing_account)
            a.second_draws += -t.amount
            a.second_draws_to_bills += sum(parts.get(tid, {}).values(), ZERO)


def money_words(m: AccountMoney) -> list[str]:
    """The account's money in sentences, for people (the summary and report.html)."""
    out = [f"Drawn from the bank: {dollars(m.drawn)} ({m.debits} debit(s)); returned by the bank: "
           f"{dollars(m.returned)}; refunded by the Connector: {dollars(m.refunded)}.",
           f"Billed: {dollars(m.billed)}; paid toward the bills: {dollars(m.to_bills)}"
           + (f"; still owed: {dollars(m.owed)}." if m.owed > 0 else ".")]
    if m.second_draws:
        out.append(f"Second draws not refunded: {dollars(m.second_draws)}"
                   + (f", of which {dollars(m.second_draws_to_bills)} counted as credit toward later bills"
                      if m.second_draws_to_bills else "") + ".")
    if m.held > 0:
        out.append(f"Held by the Connector beyond the bills: {dollars(m.held)} (ask for it back or for "
                   "it to be credited).")
    elif m.held < 0:
        out.append(f"Came back {dollars(-m.held)} more than was drawn beyond the bills (a credit "
                   "paid out by the Connector).")
    else:
        out.append("Held by the Connector beyond the bills: $0.00.")
    return out


def summary_rows(report: Report) -> list[tuple[str, str, str, str, str, str]]:
    """(account, coverage month, amount due, billed, paid, status) for every bill."""
    rows = []
    for ref in sorted(report.bills, key=lambda r: (r.bill.billing_account, r.bill.coverage_month, r.id)):
        s = report.status_of(ref.id)
        rows.append((ref.bill.billing_account, ref.bill.coverage_month, dollars(ref.bill.amount_due),
                     dollars(s.charge), dollars(s.paid), s.status))
    return rows


def _account_tables(report: Report) -> list[str]:
    """Per billing account its months, then its money: billed, paid, drawn, came back, held."""
    out: list[str] = []
    money = account_money(report)
    rows_of: dict[str, list[tuple[str, ...]]] = defaultdict(list)
    for row in summary_rows(report):
        rows_of[row[0]].append(row)
    header = f"  {'month':<8} {'amount due':>11} {'billed':>10} {'paid':>10}  status"
    for acct, rows in rows_of.items():
        plan = next((r.bill.plan for r in report.bills if r.bill.billing_account == acct), None)
        out.append(f"Billing account {acct}" + (f" ({plan})" if plan else ""))
        out.append(header)
        for _, month, due, billed, paid, status in rows:
            out.append(f"  {month:<8} {due:>11} {billed:>10} {paid:>10}  {status}")
        m = money[acct]
        out.append(f"  {'total':<8} {'':>11} {dollars(m.billed):>10} {dollars(m.to_bills):>10}")
        out.extend(f"  {line}" for line in money_words(m))
        out.append("")
    loose = money.get(None)
    if loose is not None and (loose.drawn or loose.returned or loose.refunded):
        out.append("Money tied to no billing account")
        out.extend(f"  {line}" for line in money_words(loose))
        out.append("")
    return out


def render(report: Report, verbose: bool = False, quiet: bool = False) -> str:
    out: list[str] = []
    rejected = [i for i in report.inputs if i.status == "rejected"]
    ok = [i for i in report.inputs if i.status == "ok"]
    if not quiet:
        out.append(f"recon report as of {report.as_of.isoformat()}: {len(ok)} file(s) read, "
                   f"{len(rejected)} rejected; {len(report.transactions)} Connector transaction(s), "
                   f"{len(report.bills)} bill(s).")
        out.append("")
        out.extend(_account_tables(report))
    findings = sort_findings(report.findings)
    by_sev = {"high": [], "medium": [], "low": []}
    for f in findings:
        by_sev.setdefault(f.severity, []).append(f)
    if not findings and not report.transactions and not report.bills:
        out.append("No Connector payments and no Connector bills were found in these files: nothing "
                   "to reconcile. (Bills are PDFs from the Health Connector; payments show as "
                   "COMMONWEALTH HEA or a check in your register.)")
    elif not findings:
        out.append("No findings: every Connector debit pays a bill and every bill is paid.")
    else:
        shown = by_sev["high"] if quiet else findings
        out.append(f"High-severity findings ({len(shown)} of {len(findings)}):" if quiet
                   else f"Findings ({len(findings)}):")
        for sev in ("high", "medium", "low"):
            if quiet and sev != "high":
                continue
            for f in by_sev[sev]:
                amount = f" {dollars(f.amount)}" if f.amount is not None and f.amount != Decimal(0) else ""
                where = " ".join(x for x in (f.billing_account, f.coverage_month) if x)
                out.append(f"  [{sev}] {f.type}{amount}{(' ' + where) if where else ''}")
                out.append(f"      {f.message}")
                if f.accepted:
                    out.append(f"      accepted: {f.accepted}")
                if verbose and (f.transaction_ids or f.bill_ids):
                    out.append(f"      ids: {', '.join([*f.transaction_ids, *f.bill_ids])}")
    out.extend(next_steps(report, {f.type for f in (by_sev["high"] if quiet else findings)}))
    if report.transactions and not report.bills:
        out.append("")
        out.append("No Connector bill was read, so no payment can be matched to a bill: add the bill "
                   "PDFs (or scans) to the inputs.")
    left_out = [(i.path, n) for i in report.inputs if i.status == "ok" for n in i.notes if "not read" in n]
    if left_out:
        out.append("")
        out.append(f"Read, with {len(left_out)} part(s) left out (incomplete or unreadable; never counted):")
        for p, n in left_out:
            out.append(f"  {p}: {n}")
    if rejected:
        out.append("")
        out.append("Rejected inputs:")
        for i in sorted(rejected, key=lambda i: i.path):
            out.append("  " + (i.error or i.path).replace("\n", "\n  "))
    if verbose:
        notes = [(i.path, n) for i in report.inputs for n in i.notes] + [("", n) for n in report.notes]
        if notes:
            out.append("")
            out.append("Notes:")
            for p, n in notes:
                out.append(f"  {p + ': ' if p and not n.startswith(p) else ''}{n}")
    return for_people("\n".join(out), report.evidence_numbers) + "\n"


def next_steps(report: Report, types: set[str]) -> list[str]:
    """What to do about each type of finding shown, and whom to call (from the finding registry)."""
    steps = [g for g in report.guidance if g.type in types]
    if not steps:
        return []
    out = ["", "What to do:"]
    for g in steps:
        out.append(f"  {g.label} ({g.type}): {g.next_step}.")
        out.append(f"      Have at hand: {g.have_at_hand}.")
    if report.contact:
        out.append(f"  Whom to call: {report.contact}")
    return out

