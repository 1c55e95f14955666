"""At organisation size match() settles the common case over columns (recon/match_columns.py). On a
year of 3,000 accounts' draws with the usual trouble mixed in, it must give what the one-by-one
matcher gives, and the checks on its result must find the same things."""
from __future__ import annotations

import random
import sys
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from recon.checks import CheckContext, run_checks
from recon.config import AccountConfig, Config
from recon.match import COLUMNS_FROM, _match, bill_id_for, match
from recon.match_columns import AllocationColumns
from recon.model import Transaction

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import benchgen  # noqa: E402

ACCOUNTS = 3_000


def _year() -> tuple[list[Transaction], list, Config]:
    rng = random.Random(11)
    refs = bill_id_for(benchgen.org_bills(ACCOUNTS))
    txs = benchgen.org_transactions(ACCOUNTS, ACCOUNTS * 9)   # January to September
    out = []
    for k, t in enumerate(txs):
        r = rng.random()
        if r < 0.01:      # late: after the due date, outside the AutoPay window
            t = replace(t, date=t.date + timedelta(days=9), autopay=False)
        elif r < 0.015:   # a partial payment
            t = replace(t, amount=(t.amount / 2).quantize(Decimal("0.01")))
        elif r < 0.02:    # a check with the day it was written
            t = replace(t, check_number=str(1000 + k), date_written=t.date - timedelta(days=4), ach=None)
        elif r < 0.022:   # drawn twice
            out.append(replace(t, id=t.id + "-dup", date=t.date + timedelta(days=1)))
        elif r < 0.024:   # returned a few days later
            out.append(replace(t, id=t.id + "-ret", date=t.date + timedelta(days=3), amount=-t.amount,
                               role="return", description="RETURN " + t.description))
        out.append(t)
    # In the autumn, a few debits that name no account the bills know.
    out += [replace(t, id=t.id + "-x", date=date(benchgen.ORG_YEAR, 10, 2), billing_account_hint=None)
            for t in txs[:5]]
    ended = AccountConfig(benchgen.org_account(7), plan_end=date(benchgen.ORG_YEAR, 6, 30))
    return out, refs, Config(accounts=(ended,))


def _summary(m):
    return (list(m.allocations),
            {k: (s.charge, s.remaining, s.paid_on_time, s.paid_late) for k, s in m.states.items()},
            [(d.id, c.id) for d, c in m.returns], [(t.id, a, b) for t, a, b in m.duplicates],
            {k: v.id for k, v in m.refunds.items()}, [(t.id, w, a) for t, w, a in m.unmatched],
            dict(m.account_of), m.carried)


def test_organisation_size_match_settles_over_columns_and_gives_the_same_result(monkeypatch):
    import recon.match_columns as mc

    left: list[int] = []
    settle = mc.settle

    def spy(*a, **k):
        got = settle(*a, **k)
        left.append(len(got.rest))
        return got

    monkeypatch.setattr(mc, "settle", spy)
    txs, refs, config = _year()
    assert len(txs) >= COLUMNS_FROM
    cols = match(txs, refs, config)                     # large: the column pass
    # Most are settled there; an account's debits from its first trouble on are left to the
    # general path (about a fifth of the accounts have some trouble in nine months here).
    assert len(txs) * 0.1 < left[0] < len(txs) * 0.4
    one = _match(txs, refs, config, columns=False)
    assert isinstance(cols.allocations, AllocationColumns) and isinstance(one.allocations, list)
    assert len(cols.allocations) == len(one.allocations) > 20_000
    assert _summary(cols) == _summary(one)
    assert one.duplicates and one.returns and one.carried     # the trouble is really there
    as_of = date(benchgen.ORG_YEAR, 11, 1)

    def findings(m):
        ctx = CheckContext(as_of=as_of, config=config, transactions=tuple(txs), bills=tuple(refs), match=m)
        return run_checks(ctx)

    got, want = findings(match(txs, refs, config)), findings(one)
    assert got == want and len(want) > 100
