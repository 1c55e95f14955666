"""Every case in domain.md's last section ("What members go through"), built by the scenario builder."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from recon.config import AccountConfig, AutopayPeriod
from tests.scenarios.builder import Scenario, finding_types

HEALTH = "account H 712345678 412.00 subsidized\n"
DENTAL = "account T 798765432 38.50\n"


def types(result):
    return [t for t, _ in finding_types(result)]


def statuses(result):
    report = result.report
    return {r.bill.coverage_month + ("" if r.bill.billing_account == "712345678" else "d"):
            report.status_of(r.id).status for r in report.bills}


def test_clean_year_has_no_findings():
    s = Scenario(HEALTH + """
        bills H 2026-01..2026-04
        autopay H 2026-01-23 412.00
        autopay H 2026-02-24 412.00
        autopay H 2026-03-24 412.00
        autopay H 2026-04-24 412.00
    """)
    r = s.run(date(2026, 5, 1))
    assert r.report.findings == ()
    assert set(statuses(r).values()) == {"paid"}
    assert len(r.report.matches) == 4


def test_money_debited_but_never_credited():
    s = Scenario(HEALTH + """
        bills H 2026-01..2026-03
        autopay H 2026-01-23 412.00
        autopay H 2026-02-24 412.00
        forget 2026-02-24
    """)
    r = s.run(date(2026, 3, 10))
    (f,) = r.report.findings
    assert f.type == "balance_discrepancy" and f.severity == "high" and f.coverage_month == "2026-04"
    assert "$412.00 debited 2026-02-24 (trace 021000021000002) is missing from payments received on " \
           "the bill dated 2026-03-01" in f.message


def test_payment_applied_to_the_wrong_member():
    s = Scenario(HEALTH + DENTAL + """
        bills H 2026-01..2026-02
        bills T 2026-01..2026-02
        web H 2026-01-20 412.00
        web T 2026-01-21 38.50
        misapply 2026-01-20 to T
    """)
    r = s.run(date(2026, 2, 10))
    got = sorted((f.type, f.billing_account, f.severity) for f in r.report.findings)
    assert got == [("balance_discrepancy", "712345678", "high"), ("balance_discrepancy", "798765432", "low")]


def test_mailed_check_never_cashed():
    s = Scenario(HEALTH + """
        bills H 2026-01..2026-01
        mailed H 1043 written 2026-01-10 412.00
    """)
    r = s.run(date(2026, 2, 1))
    assert "check_not_cashed" in types(r)
    f = next(f for f in r.report.findings if f.type == "check_not_cashed")
    assert "check 1043 for $412.00 written 2026-01-10" in f.message and "22 days" in f.message
    assert "unpaid_bill" in types(r)   # and the bill is unpaid as far as the bank shows


def test_paid_up_balance_shows_every_month_paid():
    s = Scenario(HEALTH + """
        bills H 2026-01..2026-03
        web H 2026-01-20 412.00
        web H 2026-02-26 824.00
    """)
    r = s.run(date(2026, 3, 24))
    st = statuses(r)
    assert st == {"2026-02": "paid", "2026-03": "late", "2026-04": "credit"}
    assert "coverage_at_risk" not in types(r)


def test_phantom_balance_from_retroactive_change():
    s = Scenario(HEALTH + """
        bills H 2026-01..2026-02
        autopay H 2026-01-23 412.00
        phantom H 2026-02 150.00
    """)
    r = s.run(date(2026, 2, 10))
    (f,) = r.report.findings
    assert f.type == "balance_discrepancy" and f.amount == Decimal("150.00")
    assert "previous balance of $562.00, but the bill dated 2026-01-01 asked $412.00" in f.message


def test_subsidy_lost_and_autopay_draws_old_amount():
    s = Scenario(HEALTH + """
        bills H 2026-01..2026-02
        share H 2026-02 612.00
        autopay H 2026-01-23 412.00
        autopay H 2026-02-24 412.00
    """)
    r = s.run(date(2026, 3, 1))
    assert sorted(types(r)) == ["autopay_amount_mismatch", "coverage_at_risk", "partial_payment"]
    f = next(f for f in r.report.findings if f.type == "autopay_amount_mismatch")
    assert f.amount == Decimal("-200.00")


def test_one_payment_for_health_and_dental_is_split():
    s = Scenario(HEALTH + DENTAL + """
        bills H 2026-01..2026-01
        bills T 2026-01..2026-01
        web H 2026-01-20 450.50
    """)
    r = s.run(date(2026, 2, 1))
    assert r.report.findings == ()
    assert sorted(m.amount for m in r.report.matches) == [Decimal("38.50"), Decimal("412.00")]


def test_one_payment_for_health_only_leaves_dental_unpaid():
    s = Scenario(HEALTH + DENTAL + """
        bills H 2026-01..2026-01
        bills T 2026-01..2026-01
        web H 2026-01-20 412.00
    """)
    r = s.run(date(2026, 2, 1))
    assert sorted((f.type, f.billing_account) for f in r.report.findings) == [
        ("coverage_at_risk", "798765432"), ("unpaid_bill", "798765432")]


def test_one_payment_covers_two_months():
    s = Scenario(HEALTH + """
        bills H 2026-01..2026-02
        web H 2026-02-10 824.00
    """)
    r = s.run(date(2026, 2, 20))
    rows = sorted((m.bill_id, m.amount) for m in r.report.matches)
    assert rows == [("b-712345678-2026-02", Decimal("412.00")), ("b-712345678-2026-03", Decimal("412.00"))]
    assert types(r) == ["late_payment"]


def test_autopay_after_cancellation():
    s = Scenario(HEALTH + """
        bills H 2026-01..2026-02
        autopay H 2026-01-23 412.00
        web H 2026-02-10 412.00
        autopay H 2026-02-24 412.00
    """)
    cfg = s.config(accounts=(AccountConfig("712345678", autopay=(AutopayPeriod(None, date(2026, 1, 31)),)),))
    r = s.run(date(2026, 3, 1), cfg)
    assert sorted(types(r)) == ["autopay_after_cancellation", "duplicate_draw"]


def test_autopay_after_plan_end_is_unmatched():
    s = Scenario(HEALTH + """
        bills H 2026-01..2026-02
        autopay H 2026-01-23 412.00
        autopay H 2026-02-24 412.00
        autopay H 2026-04-24 412.00
    """)
    cfg = s.config(accounts=(AccountConfig("712345678", plan_end=date(2026, 3, 31)),))
    r = s.run(date(2026, 5, 1), cfg)
    assert types(r) == ["unmatched_charge"]
    assert "drawn after the plan ended on 2026-03-31" in r.report.findings[0].message


def test_autopay_plus_manual_payment_same_cycle():
    s = Scenario(HEALTH + """
        bills H 2026-01..2026-01
        web H 2026-01-12 412.00
        autopay H 2026-01-23 412.00
        refund H 2026-02-10 412.00
    """)
    r = s.run(date(2026, 2, 15))
    (f,) = r.report.findings
    assert f.type == "duplicate_draw" and f.amount == Decimal("412.00")
    assert "refunded $412.00 on 2026-02-10" in f.message
    roles = sorted(t.role for t in r.report.transactions)
    assert roles == ["payment", "payment", "refund"]


def test_returned_payment_leaves_the_month_unpaid():
    s = Scenario(HEALTH + """
        bills H 2026-01..2026-02
        autopay H 2026-01-23 412.00
        return 2026-01-27 of 2026-01-23
    """)
    r = s.run(date(2026, 2, 10))
    assert sorted(types(r)) == ["coverage_at_risk", "returned_payment", "unpaid_bill"]
    f = next(f for f in r.report.findings if f.type == "returned_payment")
    assert f.coverage_month == "2026-02"
    assert next(t for t in r.report.transactions if t.amount > 0).role == "return"


def test_partial_payments_adding_up_by_the_due_date_are_paid():
    s = Scenario(HEALTH + """
        bills H 2026-01..2026-01
        web H 2026-01-05 200.00
        web H 2026-01-20 212.00
    """)
    r = s.run(date(2026, 2, 1))
    assert r.report.findings == ()
    assert len(r.report.matches) == 2


def test_partial_payment_short_at_due_date():
    s = Scenario(HEALTH + """
        bills H 2026-01..2026-01
        web H 2026-01-05 200.00
    """)
    r = s.run(date(2026, 2, 1))
    assert sorted(types(r)) == ["coverage_at_risk", "partial_payment"]
    assert next(f for f in r.report.findings if f.type == "partial_payment").amount == Decimal("212.00")


def test_check_counts_on_the_day_it_was_written():
    s = Scenario(HEALTH + """
        bills H 2026-01..2026-01
        check H 1043 written 2026-01-20 cleared 2026-01-29 412.00
    """)
    r = s.run(date(2026, 2, 1))
    assert r.report.findings == ()
    (t,) = r.report.transactions
    assert t.check_number == "1043" and t.date_written == date(2026, 1, 20)
    assert len(t.sources) == 2   # bank row + register row


def test_overlapping_export_changes_nothing():
    text = HEALTH + """
        bills H 2026-01..2026-02
        autopay H 2026-01-23 412.00
        web H 2026-02-10 412.00
    """
    from recon.report.json_report import to_dict

    a = to_dict(Scenario(text).run(date(2026, 3, 1)).report)
    b = to_dict(Scenario(text + "overlap\n").run(date(2026, 3, 1)).report)
    for t in a["transactions"]:
        t["sources"] = None
    for t in b["transactions"]:
        assert len(t["sources"]) == 2
        t["sources"] = None
    a.pop("inputs"), b.pop("inputs")
    assert a == b


def test_missing_payment_a_later_bill_corrected_is_reported_low():
    s = Scenario(HEALTH + """
        bills H 2026-01..2026-03
        autopay H 2026-01-23 412.00
        autopay H 2026-02-24 412.00
        forget 2026-01-23
        fix 2026-01-23 on 2026-03
    """)
    r = s.run(date(2026, 3, 10))
    (f,) = [f for f in r.report.findings if f.type == "balance_discrepancy"]
    assert f.severity == "low" and f.coverage_month == "2026-03"
    assert "The bill dated 2026-03-01 corrected it with an adjustment of -$412.00" in f.message
    # AutoPay drew the true share while the bill (wrongly) asked for two months: still reported.
    assert sorted(types(r)) == ["autopay_amount_mismatch", "balance_discrepancy"]


def test_duplicate_draw_not_refunded_is_credited_to_the_next_bill():
    s = Scenario(HEALTH + """
        bills H 2026-01..2026-02
        web H 2026-01-12 412.00
        autopay H 2026-01-23 412.00
    """)
    r = s.run(date(2026, 3, 1))
    (f,) = r.report.findings
    assert f.type == "duplicate_draw" and f.coverage_month == "2026-02"
    assert "stands as a credit toward the bill dated 2026-02-01" in f.message
    st = statuses(r)
    assert st == {"2026-02": "paid", "2026-03": "credit"}   # the Connector credited it too
    dup = f.transaction_ids[-1]
    (m,) = [m for m in r.report.matches if m.transaction_id == dup]
    assert m.bill_id == "b-712345678-2026-03" and "carried as credit" in m.reason
