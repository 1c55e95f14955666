"""One debit that names no account and pays several accounts' open bills at once (a household's
health and dental plans): found by trying sums of each account's open bills, within bounds."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from recon.config import Config
from recon.match.allocate import SUM_SEARCH_ACCOUNTS, bill_id_for
from recon.match.allocate import match as _match
from recon.model import Bill, Source, Transaction


def _bill(acct: str, amount: str, month: int = 3) -> Bill:
    return Bill(source=Source(f"{acct}.pdf", page=month), billing_account=acct, bill_date=date(2026, month, 1),
                due_date=date(2026, month, 23), coverage_month=f"2026-{month + 1:02d}",
                amount_due=Decimal(amount), current_charges=Decimal(amount))


def _debit(amount: str) -> Transaction:
    return Transaction(id="t20260310-1", date=date(2026, 3, 10), amount=-Decimal(amount),
                       description="COMMONWEALTH HEA PREMIUM", role="payment", sources=(Source("bank.csv"),),
                       classified_by="ACH company name \"COMMONWEALTH HEA\"")


def test_one_debit_pays_two_accounts_bills():
    refs = bill_id_for([_bill("712345678", "412.00"), _bill("798765432", "38.50"), _bill("700000001", "77.00")])
    m = _match([_debit("450.50")], refs, Config())
    assert [(a.bill_id, a.amount) for a in m.allocations] == [("b-712345678-2026-04", Decimal("412.00")),
                                                             ("b-798765432-2026-04", Decimal("38.50"))]
    assert all(a.reason.startswith("sum: one debit paid 412.00 (712345678) + 38.50 (798765432)")
               for a in m.allocations)


def test_over_many_accounts_the_sum_is_not_searched():
    # An advocate's folder of 40 members, each with a year unpaid: 2^40 combinations of 12^n sums
    # would never end. The debit is placed by the closest open balance instead.
    accts = [f"7{i:08d}" for i in range(40)]
    bills = [_bill(a, f"{100 + i}.00", month) for i, a in enumerate(accts) for month in range(1, 4)]
    assert len(accts) > SUM_SEARCH_ACCOUNTS
    m = _match([_debit("201.00")], bill_id_for(bills), Config())
    assert sum(a.amount for a in m.allocations) == Decimal("201.00")
    assert {a.reason.split(";")[0] for a in m.allocations} == {
        "partial: closest open balance 300.00 in account 700000000"}


def test_within_the_bound_a_sum_of_several_months_is_found():
    accts = [f"7{i:08d}" for i in range(SUM_SEARCH_ACCOUNTS)]
    bills = [_bill(a, "10.00", month) for a in accts for month in range(1, 4)]
    m = _match([_debit("50.00")], bill_id_for(bills), Config())   # two accounts: 2 months + 3 months
    assert sum(a.amount for a in m.allocations) == Decimal("50.00")
    assert {a.reason.split(";")[0] for a in m.allocations} == {
        f"sum: one debit paid 20.00 ({accts[0]}) + 30.00 ({accts[1]})"}
