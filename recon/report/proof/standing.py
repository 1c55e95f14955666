"""A bill's standing in the packet: was the amount the bill asked met, and when.

The ledger's status (recon.model.BillStatus) is about the month's own charge. A bill's amount due
also carries earlier balances, so the packet judges it against everything paid toward it:

- the payments allocated to the bill itself (a payment made before the bill was issued included:
  the bill should have counted it), on time or late as the match decided;
- payments toward older bills of the account made after this bill was issued (the older balance
  is part of this bill's amount due): on time if counted by this bill's due date.

"paid" only when the amount due was met by the due date; "paid late" when met after it; "partly
paid" when something but not all was paid; "unpaid" when nothing; "not yet due" while open.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from recon.model import Report
from recon.report.csv_out import LedgerRow

ZERO = Decimal(0)

WORDS = {"paid": "paid", "late": "paid late", "partial": "partly paid", "unpaid": "unpaid",
         "open": "not yet due", "credit": "credit", "unknown": "unknown"}


@dataclass(frozen=True, slots=True)
class Standing:
    amount_due: Decimal
    on_time: Decimal          # paid toward the amount due by the due date
    late: Decimal             # paid toward it after the due date
    status: str               # the words shown: paid | paid late | partly paid | unpaid | ...
    advance: Decimal = ZERO   # part of on_time paid before the bill was issued

    @property
    def toward(self) -> Decimal:
        return self.on_time + self.late


def _words(ledger_status: str, due: Decimal, on_time: Decimal, late: Decimal) -> str:
    if due <= ZERO:
        return WORDS.get(ledger_status, ledger_status) if ledger_status != "open" else "nothing due"
    if on_time >= due:
        return "paid"
    if ledger_status == "open":
        return "not yet due"
    if on_time + late >= due:
        return "paid late"
    return "partly paid" if on_time + late > ZERO else "unpaid"


def standings(report: Report, rows: list[LedgerRow]) -> dict[str, Standing]:
    """Bill id -> its Standing, for one account's rows (all of them, in coverage-month order)."""
    out: dict[str, Standing] = {}
    for i, row in enumerate(rows):
        b = row.bill
        on_time, late = row.state.paid_on_time, row.state.paid_late
        advance = sum((p.amount for p in row.payments if p.counts_on < b.bill_date), ZERO)
        for older in rows[:i]:
            if older.bill.coverage_month >= b.coverage_month:
                continue
            for p in older.payments:
                if p.counts_on <= b.bill_date or p.counts_on > report.as_of:
                    continue
                if p.counts_on <= b.due_date:
                    on_time += p.amount
                else:
                    late += p.amount
        out[row.ref.id] = Standing(b.amount_due, on_time, late,
                                   _words(row.status, b.amount_due, on_time, late), advance)
    return out


def footnote(row: LedgerRow, s: Standing) -> str:
    """Why the bill's standing differs from its month's charge, in words; "" when it does not."""
    b = row.bill
    notes = []
    if s.status in ("partly paid", "unpaid") and row.status in ("paid", "late"):
        notes.append(f"the bill asked {_d(s.amount_due)}, which includes earlier balances; this month's own "
                     f"charge of {_d(row.state.charge)} was paid in full")
    if s.advance > ZERO and s.amount_due > ZERO:
        notes.append(f"{_d(s.advance)} of it was paid before the bill was issued on {b.bill_date.isoformat()}, "
                     "so the bill should have counted it")
    return "; ".join(notes)


def _d(v: Decimal) -> str:
    from recon.money import dollars

    return dollars(v)
