"""Property tests of the reconciliation invariants (hypothesis), over generated households."""
from __future__ import annotations

import random
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recon.api import reconcile
from recon.report.json_report import dumps, to_dict
from tests.scenarios.builder import Scenario, assert_every_cent_accounted_for

AMOUNTS = ["412.00", "206.00", "824.00", "38.50", "450.50", "100.00", "17.23"]

payment = st.tuples(st.integers(min_value=0, max_value=150), st.sampled_from(AMOUNTS),
                    st.sampled_from(["autopay", "web"]), st.sampled_from(["H", "T"]))


def _text(payments, returns) -> str:
    lines = ["account H 712345678 412.00 subsidized", "account T 798765432 38.50",
             "bills H 2026-01..2026-05", "bills T 2026-01..2026-05"]
    used_days = set()
    for offset, amount, kind, key in payments:
        day = date(2026, 1, 2) + timedelta(days=offset)
        lines.append(f"{kind} {key} {day.isoformat()} {amount}")
        used_days.add(day)
    for offset in returns:
        day = date(2026, 1, 2) + timedelta(days=offset)
        if day in used_days:
            lines.append(f"return {(day + timedelta(days=2)).isoformat()} of {day.isoformat()}")
            used_days.discard(day)
    return "\n".join(lines)


settings.register_profile("recon", max_examples=40, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("recon")
AS_OF = date(2026, 6, 1)


@given(st.lists(payment, min_size=0, max_size=12), st.lists(st.integers(0, 150), max_size=3))
def test_every_cent_of_every_debit_is_allocated_or_named(payments, returns):
    assert_every_cent_accounted_for(Scenario(_text(payments, returns)).run(AS_OF).report)


@given(st.lists(payment, min_size=1, max_size=10), st.randoms(use_true_random=False))
def test_order_of_input_files_does_not_change_the_report(payments, rnd: random.Random):
    s = Scenario(_text(payments, []).replace("bills T", "file second.ofx\nbills T"))
    imports = s.imports()
    shuffled = list(imports)
    rnd.shuffle(shuffled)
    assert dumps(reconcile(imports, AS_OF, s.config()).report) == \
        dumps(reconcile(shuffled, AS_OF, s.config()).report)


@given(st.lists(payment, min_size=1, max_size=10))
def test_adding_an_overlapping_export_changes_nothing(payments):
    text = _text(payments, [])
    a = to_dict(Scenario(text).run(AS_OF).report)
    b = to_dict(Scenario(text + "\noverlap").run(AS_OF).report)
    for rep in (a, b):
        rep.pop("inputs")
        for t in rep["transactions"]:
            t["sources"] = None
    assert a == b


@given(st.lists(payment, max_size=8), st.integers(0, 150), st.sampled_from(AMOUNTS))
def test_two_identical_draws_in_one_export_always_give_a_duplicate_draw(payments, offset, amount):
    day = (date(2026, 1, 2) + timedelta(days=offset)).isoformat()
    text = _text(payments, []) + f"\ndebit {day} {amount} COMMONWEALTH HEA WEB PMT X\n" \
                                 f"debit {day} {amount} COMMONWEALTH HEA WEB PMT X"
    r = Scenario(text).run(AS_OF).report
    twins = [t.id for t in r.transactions if t.date.isoformat() == day and t.description.endswith("PMT X")]
    assert len(twins) == 2
    # Either both are named in one "identical debits" finding, or the second is a duplicate of a paid bill.
    assert any(f.type == "duplicate_draw" and twins[1] in f.transaction_ids for f in r.findings)
