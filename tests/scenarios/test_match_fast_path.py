"""The matcher's fast path (a debit naming a live account that fits its oldest open bill) must give
exactly what the general path gives, on mixed realistic inputs: partial and over-payments, late
draws, checks, returns, unhinted payments, ended plans, bills with credits, several bills a month."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from recon.config import AccountConfig, Config, Override
from recon.match import _match, bill_id_for
from recon.model import AchFields, Bill, Source, Transaction

ACCOUNTS = {"712345678": Decimal("412.00"), "798765432": Decimal("38.50"), "700000001": Decimal("0.00"),
            "700000002": Decimal("-20.00")}
SRC = Source("bank.csv")


def _bills(extra_second_bill: bool) -> list[Bill]:
    out = []
    for acct, share in ACCOUNTS.items():
        for m in range(1, 7):
            out.append(Bill(source=Source("bills.pdf", page=m), billing_account=acct,
                            bill_date=date(2026, m, 1), due_date=date(2026, m, 23),
                            coverage_month=f"2026-{m + 1:02d}", amount_due=share, current_charges=share,
                            autopay=acct == "712345678"))
    if extra_second_bill:   # a corrected bill for the same month, issued later
        out.append(Bill(source=Source("bills.pdf", page=99), billing_account="712345678",
                        bill_date=date(2026, 3, 10), due_date=date(2026, 3, 23), coverage_month="2026-04",
                        amount_due=Decimal("100.00"), current_charges=Decimal("100.00")))
    return out


AMOUNTS = ["412.00", "38.50", "206.00", "824.00", "450.50", "17.23", "0.01", "400.00"]
payment = st.tuples(
    st.integers(0, 170),                                   # day offset from 2026-01-02
    st.sampled_from(AMOUNTS),
    st.sampled_from([*ACCOUNTS, None, "799999999"]),        # hint (None: unhinted; unknown account)
    st.sampled_from(["ach", "ach", "ach", "check", "return"]),
)


def _transactions(rows) -> list[Transaction]:
    ach = AchFields(company_name="COMMONWEALTH HEA", entry_description="AUTOPAY", sec_code="PPD")
    out = []
    for n, (off, amount, hint, kind) in enumerate(rows):
        day = date(2026, 1, 2) + timedelta(days=off)
        cents = int(Decimal(amount) * 100)
        written = day - timedelta(days=5) if kind == "check" else None
        out.append(Transaction(id=f"t{day:%Y%m%d}-{cents}-{n}", date=day, amount=-Decimal(amount),
                               description=f"COMMONWEALTH HEA AUTOPAY {hint or ''}", role="payment",
                               sources=(SRC,), check_number="1040" if kind == "check" else None,
                               ach=None if kind == "check" else ach, date_written=written,
                               classified_by="ACH company name \"COMMONWEALTH HEA\"", autopay=kind == "ach",
                               billing_account_hint=hint))
        if kind == "return":
            back = day + timedelta(days=3)
            out.append(Transaction(id=f"t{back:%Y%m%d}-{cents}-r{n}", date=back, amount=Decimal(amount),
                                   description="COMMONWEALTH HEA RETURN R01", role="return", sources=(SRC,),
                                   classified_by="return of a Connector debit"))
    return out


def _summary(m):
    return (m.allocations,
            {k: (s.charge, s.remaining, s.paid_on_time, s.paid_late) for k, s in m.states.items()},
            [(d.id, c.id) for d, c in m.returns], [(t.id, a, b) for t, a, b in m.duplicates],
            {k: v.id for k, v in m.refunds.items()}, [(t.id, w, a) for t, w, a in m.unmatched],
            m.account_of, m.carried)


@given(st.lists(payment, max_size=25), st.booleans(), st.booleans(), st.booleans())
def test_fast_path_gives_what_the_general_path_gives(rows, second_bill, plan_end, link):
    txs = _transactions(rows)
    refs = bill_id_for(_bills(second_bill))
    accounts = (AccountConfig("798765432", plan_end=date(2026, 4, 30)),) if plan_end else ()
    overrides = (Override("link", transaction=txs[0].id, bill=refs[3].id),) if link and txs else ()
    config = Config(accounts=accounts, overrides=overrides)
    fast, general = _match(txs, refs, config), _match(txs, refs, config, fast=False)
    assert _summary(fast) == _summary(general)


def test_the_fast_path_takes_the_plain_autopay_draws():
    # A plain year of on-time AutoPay draws: every allocation is the one-bill, on-time kind.
    rows = [(20 + 30 * k, "412.00", "712345678", "ach") for k in range(5)]
    m = _match(_transactions(rows), bill_id_for(_bills(False)), Config())
    assert [a.bill_id for a in m.allocations] == [f"b-712345678-2026-{k + 2:02d}" for k in range(5)]
    assert {a.reason for a in m.allocations} == {"description names billing account 712345678; on time"}
    assert all(a.amount == Decimal("412.00") for a in m.allocations) and not m.unmatched


def test_normalize_sets_the_id_on_an_equal_copy():
    from dataclasses import fields, replace

    from recon.normalize import _with_id

    t = _transactions([(3, "412.00", "712345678", "check")])[0]
    full = replace(t, account="****1234", role="payment", autopay=True)
    assert all(getattr(full, f.name) not in (None, "", False) or f.name in ("ach",) for f in fields(full))
    assert _with_id(full, "t-x") == replace(full, id="t-x")
