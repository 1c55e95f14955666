"""The general rules of issue "right on households recon has never seen", each on inputs built here:
AutoPay by its pattern, unknown is not zero, one bill in several files, one debit for several
bills, draws after coverage ended, a credit balance shown as $0.00."""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from recon.api import reconcile
from recon.checks.bills import arithmetic_gap, balance_of
from recon.config import Config
from recon.match.allocate import bill_id_for, match
from recon.match.autopay_pattern import find_autopay_draws, in_autopay_window
from recon.model import BankRecord, Bill, ImportResult, InputResult, Source, Transaction
from recon.normalize.bill_copies import merge_bill_copies
from tests.scenarios.builder import Scenario, finding_types

D = Decimal
HEALTH = "account H 712345678 412.00 subsidized\n"
DENTAL = "account T 798765432 38.50\n"
# A recurring Connector draw whose text never says AUTOPAY (Chase short form).
PREMIUM = "COMMONWEALTH HEA PREMIUM PPD ID: 1234567890"


def types(result):
    return sorted(t for t, _ in finding_types(result))


def test_recurring_draw_in_the_window_is_autopay_and_on_time():
    s = Scenario(HEALTH + f"""
        bills H 2026-01..2026-05
        pay H 2026-01-26 412.00 {PREMIUM}
        pay H 2026-02-25 412.00 {PREMIUM}
        pay H 2026-03-26 412.00 {PREMIUM}
        pay H 2026-04-27 412.00 {PREMIUM}
        pay H 2026-05-26 412.00 {PREMIUM}
    """)
    r = s.run(date(2026, 6, 1))
    assert types(r) == []
    assert all("AutoPay" in t.classified_by for t in r.report.transactions)


def test_one_time_payment_after_the_due_date_is_still_late():
    s = Scenario(HEALTH + """
        bills H 2026-01..2026-03
        pay H 2026-01-10 412.00 COMMONWEALTH HEA WEB PMT
        pay H 2026-02-26 412.00 COMMONWEALTH HEA WEB PMT
        pay H 2026-03-26 412.00 COMMONWEALTH HEA WEB PMT
    """)
    r = s.run(date(2026, 4, 10))
    assert types(r) == ["late_payment", "late_payment"]


def test_a_single_draw_in_the_window_is_not_a_pattern():
    s = Scenario(HEALTH + f"""
        bills H 2026-01..2026-02
        pay H 2026-01-12 412.00 {PREMIUM}
        pay H 2026-02-26 412.00 {PREMIUM}
    """)
    r = s.run(date(2026, 3, 10))
    assert types(r) == ["late_payment"]


def test_autopay_amount_mismatch_follows_from_the_pattern():
    s = Scenario(HEALTH + f"""
        bills H 2026-01..2026-04
        share H 2026-04 430.00
        pay H 2026-01-26 412.00 {PREMIUM}
        pay H 2026-02-24 412.00 {PREMIUM}
        pay H 2026-03-24 412.00 {PREMIUM}
        pay H 2026-04-24 412.00 {PREMIUM}
    """)
    r = s.run(date(2026, 5, 1))
    f = [f for f in r.report.findings if f.type == "autopay_amount_mismatch"]
    assert [(x.coverage_month, x.amount) for x in f] == [("2026-05", D("-18.00"))]


def test_window_is_the_22nd_to_a_few_business_days_later():
    cfg = Config()
    assert in_autopay_window(date(2026, 5, 28), cfg)       # Fri 22nd, Memorial Day, +3 business days
    assert not in_autopay_window(date(2026, 5, 29), cfg)
    assert not in_autopay_window(date(2026, 5, 21), cfg)


def _txn(tid: str, d: date, amount: str, text: str, check: str | None = None) -> Transaction:
    return Transaction(id=tid, date=d, amount=-D(amount), description=text, role="payment",
                       sources=(Source("bank.csv", line=1),), check_number=check)


def test_checks_and_one_time_wording_are_never_autopay_by_pattern():
    txs = [_txn(f"w{m}", date(2026, m, 24), "100.00", "BILL PAY HEALTH CONNECTOR") for m in (1, 2, 3)]
    txs += [_txn(f"c{m}", date(2026, m, 24), "100.00", "CHECK", check=str(100 + m)) for m in (1, 2, 3)]
    assert find_autopay_draws(txs, Config()) == {}


def _bill(acct: str, month: int, due: str, **kw) -> Bill:
    return Bill(source=kw.pop("source", Source(f"{acct}-{month}.pdf", page=1)), billing_account=acct,
                bill_date=date(2026, month, 1), due_date=date(2026, month, 23),
                coverage_month=f"2026-{month + 1:02d}", amount_due=D(due), **kw)


def test_unknown_payments_received_is_not_zero():
    # Payments received not read and no premium line: the month's charge is unknown, so a second
    # draw is not called a duplicate and the bill is not called paid late or partly.
    bills = [_bill("712345678", m, "412.00", previous_balance=D("412.00") if m > 1 else None)
             for m in (1, 2, 3)]
    txs = [_txn(f"t{m}", date(2026, m, 10), "412.00", "COMMONWEALTH HEA WEB PMT") for m in (1, 2, 3)]
    txs.append(_txn("t3b", date(2026, 3, 12), "412.00", "COMMONWEALTH HEA WEB PMT"))
    m = match(txs, bill_id_for(bills), Config())
    assert [s.known for s in m.states.values()] == [True, False, False]
    bank = ImportResult(kind="csv", records=tuple(
        BankRecord(source=Source("bank.csv", line=i + 2), date=t.date, amount=t.amount, description=t.description)
        for i, t in enumerate(txs)))
    bill_file = ImportResult(kind="bill_pdf", bills=tuple(bills))
    r = reconcile([(InputResult("bank.csv", "csv", "ok", None, 4), bank),
                   (InputResult("bills.pdf", "bill_pdf", "ok", None, 3), bill_file)],
                  date(2026, 4, 30), Config())
    assert [f.type for f in r.report.findings if f.type != "coverage_at_risk"] == []
    assert any("was not checked" in n for n in r.report.notes)


def test_one_bill_in_two_files_is_one_bill_with_both_sources():
    a = _bill("712345678", 3, "412.00", previous_balance=D("412.00"), payments_received=D("412.00"),
              source=Source("bills/march.pdf", page=1))
    copy = replace(a, source=Source("bills/march (1).pdf", page=1), previous_balance=None)
    history = replace(a, source=Source("history-2026.pdf", page=3))
    other = _bill("712345678", 4, "412.00")
    merged = merge_bill_copies([copy, other, a, history])
    assert len(merged) == 2
    kept = next(b for b in merged if b.coverage_month == "2026-04")
    assert kept.previous_balance == D("412.00")           # the copy with more fields read is kept
    assert {kept.source.path, *(c.path for c in kept.copies)} == {
        "bills/march.pdf", "bills/march (1).pdf", "history-2026.pdf"}


def test_a_reissued_bill_with_other_amounts_is_not_merged():
    a = _bill("712345678", 3, "412.00", payments_received=D("412.00"))
    b = replace(a, source=Source("corrected.pdf", page=1), payments_received=D("0.00"))
    assert len(merge_bill_copies([a, b])) == 2


def test_one_debit_naming_one_account_pays_both_plans():
    # The ACH individual id names the health account; the amount is health + dental, paid in one
    # sitting. A debit of one plan's amount alone stays with that plan.
    bills = [_bill("712345678", 1, "412.00", current_charges=D("412.00")),
             _bill("798765432", 1, "38.50", current_charges=D("38.50")),
             _bill("712345678", 2, "412.00", current_charges=D("412.00")),
             _bill("798765432", 2, "38.50", current_charges=D("38.50"))]
    both = replace(_txn("t1", date(2026, 1, 12), "450.50", "COMMONWEALTH HEA DES:WEB PMT ID:712345678"),
                   billing_account_hint="712345678")
    health = replace(_txn("t2", date(2026, 2, 11), "412.00", "COMMONWEALTH HEA DES:WEB PMT ID:712345678"),
                     billing_account_hint="712345678")
    dental = replace(_txn("t3", date(2026, 2, 11), "38.50", "COMMONWEALTH HEA DES:WEB PMT ID:798765432"),
                     billing_account_hint="798765432")
    m = match([both, health, dental], bill_id_for(bills), Config())
    assert sorted((a.transaction_id, a.bill_id, a.amount) for a in m.allocations) == [
        ("t1", "b-712345678-2026-02", D("412.00")), ("t1", "b-798765432-2026-02", D("38.50")),
        ("t2", "b-712345678-2026-03", D("412.00")), ("t3", "b-798765432-2026-03", D("38.50"))]
    assert not m.duplicates and not m.unmatched


def test_draws_after_the_last_bills_cycle_are_unmatched_not_duplicates():
    s = Scenario(HEALTH + f"""
        bills H 2026-01..2026-03
        pay H 2026-01-26 412.00 {PREMIUM}
        pay H 2026-02-24 412.00 {PREMIUM}
        pay H 2026-03-24 412.00 {PREMIUM}
        pay H 2026-04-24 412.00 {PREMIUM}
        pay H 2026-05-26 412.00 {PREMIUM}
    """)
    r = s.run(date(2026, 6, 1))
    assert types(r) == ["unmatched_charge", "unmatched_charge"]
    assert not any(a.transaction_id.startswith(("t20260424", "t20260526")) for a in r.report.matches)


def test_second_payment_in_a_paid_cycle_is_a_duplicate_even_when_it_names_the_account():
    text = "COMMONWEALTH HEA DES:WEB PMT ID:712345678 INDN:JANE DOE CO ID:1234567890 WEB"
    s = Scenario(HEALTH + f"""
        bills H 2026-01..2026-02
        pay H 2026-01-06 412.00 {text}
        pay H 2026-01-14 412.00 {text}
    """)
    r = s.run(date(2026, 3, 1))
    assert types(r) == ["duplicate_draw"]


def test_short_at_the_due_date_is_partial_even_if_the_rest_came_later():
    s = Scenario(HEALTH + """
        bills H 2026-01..2026-01
        web H 2026-01-10 400.00
        web H 2026-02-02 12.00
    """)
    r = s.run(date(2026, 2, 20))
    assert types(r) == ["partial_payment"]


def test_a_credit_shown_as_zero_due_is_no_discrepancy_and_chains():
    # 48 due, 148 paid: a 52.00 credit. The bill asks $0.00 and the next shows -52.00 brought forward.
    april = _bill("712345678", 4, "0.00", previous_balance=D("48.00"), payments_received=D("148.00"),
                  adjustments=D("0.00"), current_charges=D("48.00"))
    assert arithmetic_gap(april) is None
    assert balance_of(april) == D("-52.00")
    wrong = replace(april, amount_due=D("10.00"))
    assert arithmetic_gap(wrong) == D("62.00")


def test_one_payment_for_a_missed_month_and_the_current_one():
    s = Scenario(HEALTH + """
        bills H 2026-01..2026-03
        web H 2026-01-10 412.00
        web H 2026-03-10 824.00
    """)
    r = s.run(date(2026, 3, 30))
    paid = sorted((a.bill_id, a.amount) for a in r.report.matches if a.transaction_id.startswith("t20260310"))
    assert paid == [("b-712345678-2026-03", D("412.00")), ("b-712345678-2026-04", D("412.00"))]
    assert [(f.type, f.coverage_month) for f in r.report.findings if f.type != "coverage_at_risk"] == [
        ("late_payment", "2026-03")]


def test_payment_after_a_zero_bill_pays_the_next_bill_not_an_old_one():
    # January was paid twice (not refunded): February's bill is $0.00, March's is paid on time.
    s = Scenario(HEALTH + """
        bills H 2026-01..2026-03
        web H 2026-01-10 412.00
        web H 2026-01-15 412.00
        web H 2026-03-10 412.00
    """)
    r = s.run(date(2026, 3, 30))
    by_txn = {a.transaction_id[:9]: a.bill_id for a in r.report.matches}
    assert by_txn["t20260310"] == "b-712345678-2026-04"
    assert by_txn["t20260115"] == "b-712345678-2026-03"      # the kept duplicate paid February
    assert types(r) == ["duplicate_draw"]


def test_partial_payments_add_up_by_the_due_date():
    s = Scenario(HEALTH + """
        bills H 2026-01..2026-02
        web H 2026-01-05 200.00
        web H 2026-01-20 212.00
        web H 2026-02-09 100.00
        web H 2026-02-21 300.00
    """)
    r = s.run(date(2026, 3, 1))
    assert [(f.type, f.coverage_month, f.amount) for f in r.report.findings if f.type != "coverage_at_risk"] == [
        ("partial_payment", "2026-03", D("12.00"))]


def test_a_refund_soon_after_a_duplicate_is_a_refund_not_a_return():
    s = Scenario(HEALTH + """
        bills H 2026-01..2026-02
        web H 2026-01-10 412.00
        web H 2026-01-20 412.00
        refund H 2026-01-23 412.00
        web H 2026-02-10 412.00
    """)
    r = s.run(date(2026, 3, 1))
    assert types(r) == ["duplicate_draw"]
    assert "refunded $412.00 on 2026-01-23" in r.report.findings[0].message
    assert sorted(t.role for t in r.report.transactions) == ["payment", "payment", "payment", "refund"]


def test_a_credit_adjustment_pays_the_bill_it_is_on():
    # The Connector credits a month (a retroactive subsidy, say): the bill shows -412.00 in
    # adjustments and asks $0.00. Nothing is owed for it; the next payment pays the next bill.
    bills = [_bill("712345678", 1, "412.00", previous_balance=D("0.00"), payments_received=D("0.00"),
                   adjustments=D("0.00"), current_charges=D("412.00")),
             _bill("712345678", 2, "0.00", previous_balance=D("412.00"), payments_received=D("412.00"),
                   adjustments=D("-412.00"), current_charges=D("412.00")),
             _bill("712345678", 3, "412.00", previous_balance=D("0.00"), payments_received=D("0.00"),
                   adjustments=D("0.00"), current_charges=D("412.00"))]
    txs = [_txn("t1", date(2026, 1, 10), "412.00", "COMMONWEALTH HEA WEB PMT"),
           _txn("t3", date(2026, 3, 10), "412.00", "COMMONWEALTH HEA WEB PMT")]
    m = match(txs, bill_id_for(bills), Config())
    assert sorted((a.transaction_id, a.bill_id) for a in m.allocations) == [
        ("t1", "b-712345678-2026-02"), ("t3", "b-712345678-2026-04")]
    assert m.states["b-712345678-2026-03"].remaining == 0


def test_a_credit_adjustment_that_puts_right_an_omitted_payment_is_not_new_money():
    # February's bill left out the January payment (payments received 0.00, so 824.00 due);
    # March's bill corrects it with -412.00. The bank payment already counts: March still owes 412.
    bills = [_bill("712345678", 1, "412.00", previous_balance=D("0.00"), payments_received=D("0.00"),
                   adjustments=D("0.00"), current_charges=D("412.00")),
             _bill("712345678", 2, "824.00", previous_balance=D("412.00"), payments_received=D("0.00"),
                   adjustments=D("0.00"), current_charges=D("412.00")),
             _bill("712345678", 3, "412.00", previous_balance=D("824.00"), payments_received=D("412.00"),
                   adjustments=D("-412.00"), current_charges=D("412.00"))]
    txs = [_txn("t1", date(2026, 1, 10), "412.00", "COMMONWEALTH HEA WEB PMT"),
           _txn("t2", date(2026, 2, 10), "412.00", "COMMONWEALTH HEA WEB PMT"),
           _txn("t3", date(2026, 3, 10), "412.00", "COMMONWEALTH HEA WEB PMT")]
    m = match(txs, bill_id_for(bills), Config())
    assert sorted((a.transaction_id, a.bill_id) for a in m.allocations) == [
        ("t1", "b-712345678-2026-02"), ("t2", "b-712345678-2026-03"), ("t3", "b-712345678-2026-04")]


def test_nothing_after_the_as_of_date_is_considered():
    # Run as of 10 February on a year's exports: March's and April's bills and draws did not exist
    # yet, so they neither pay nor are paid, and the notes list them.
    s = Scenario(HEALTH + """
        bills H 2026-01..2026-04
        web H 2026-01-10 412.00
        web H 2026-02-26 412.00
        web H 2026-03-10 412.00
        web H 2026-04-10 412.00
    """)
    r = s.run(date(2026, 2, 10))
    assert [b.bill.coverage_month for b in r.report.bills] == ["2026-02", "2026-03"]
    assert {a.transaction_id[:9] for a in r.report.matches} == {"t20260110"}
    assert sum("after the as-of date 2026-02-10" in n for n in r.report.notes) == 5
    assert [s.status for s in r.report.statuses] == ["paid", "open"]


def test_paying_each_bill_days_before_it_is_generated_is_no_duplicate():
    # The household pays on the 28th for the bill of the 1st: every bill then shows $0.00 due.
    s = Scenario(HEALTH + """
        bills H 2026-01..2026-04
        web H 2026-01-10 412.00
        web H 2026-01-28 412.00
        web H 2026-02-26 412.00
        web H 2026-03-27 412.00
    """)
    r = s.run(date(2026, 4, 30))
    assert types(r) == []
    by_txn = {a.transaction_id[:9]: a.bill_id for a in r.report.matches}
    assert by_txn == {"t20260110": "b-712345678-2026-02", "t20260128": "b-712345678-2026-03",
                      "t20260226": "b-712345678-2026-04", "t20260327": "b-712345678-2026-05"}


def test_a_check_counts_for_the_bill_period_it_was_written_in_not_when_it_cleared():
    # Check 501 is written Jul 20 and clears Aug 3; the Aug 1 bill rightly shows it received.
    # Check 502 is written Aug 17 and clears Aug 28; the Sep 1 bill shows it. No discrepancy.
    from recon.model import CheckEntry

    acct = "712345678"
    bank = ImportResult(kind="csv", records=(
        BankRecord(source=Source("bank.csv", line=2), date=date(2026, 8, 3), amount=D("-330.00"),
                   description="CHECK 501", check_number="501"),
        BankRecord(source=Source("bank.csv", line=3), date=date(2026, 8, 28), amount=D("-330.00"),
                   description="CHECK 502", check_number="502")))
    register = ImportResult(kind="check_register", checks=(
        CheckEntry(Source("register.csv", line=2), "501", date(2026, 7, 20), "MA Health Connector", D("330.00")),
        CheckEntry(Source("register.csv", line=3), "502", date(2026, 8, 17), "MA Health Connector", D("330.00"))))
    bills = ImportResult(kind="bill_pdf", bills=(
        _bill(acct, 7, "330.00", previous_balance=D("0.00"), payments_received=D("0.00"),
              adjustments=D("0.00"), current_charges=D("330.00")),
        _bill(acct, 8, "330.00", previous_balance=D("330.00"), payments_received=D("330.00"),
              adjustments=D("0.00"), current_charges=D("330.00")),
        _bill(acct, 9, "330.00", previous_balance=D("330.00"), payments_received=D("330.00"),
              adjustments=D("0.00"), current_charges=D("330.00"))))
    r = reconcile([(InputResult("bank.csv", "csv", "ok", None, 2), bank),
                   (InputResult("register.csv", "check_register", "ok", None, 2), register),
                   (InputResult("bills.pdf", "bill_pdf", "ok", None, 3), bills)], date(2026, 9, 10), Config())
    assert [f.type for f in r.report.findings] == []


def test_a_credit_the_connector_refunds_is_no_longer_credit():
    # A retroactive credit of 612.00 on the March bill pays its 412.00 and leaves 200.00 of credit
    # (the bill asks -200.00); the Connector refunds the 200.00 by ACH on Mar 20, so April's bill is
    # owed in full (its adjustment bills the refund back) and one draw of 412.00 pays it.
    bills = [_bill("712345678", 2, "412.00", previous_balance=D("0.00"), payments_received=D("0.00"),
                   adjustments=D("0.00"), current_charges=D("412.00")),
             _bill("712345678", 3, "-200.00", previous_balance=D("412.00"), payments_received=D("412.00"),
                   adjustments=D("-612.00"), current_charges=D("412.00")),
             _bill("712345678", 4, "412.00", previous_balance=D("-200.00"), payments_received=D("0.00"),
                   adjustments=D("200.00"), current_charges=D("412.00"))]
    refund = Transaction(id="r1", date=date(2026, 3, 20), amount=D("200.00"), description="COMMONWEALTH HEA REFUND",
                         role="refund", sources=(Source("bank.csv", line=9),))
    txs = [_txn("t2", date(2026, 2, 10), "412.00", "COMMONWEALTH HEA WEB PMT"), refund,
           _txn("t4", date(2026, 4, 10), "412.00", "COMMONWEALTH HEA WEB PMT")]
    m = match(txs, bill_id_for(bills), Config())
    assert sorted((a.transaction_id, a.bill_id, a.amount) for a in m.allocations) == [
        ("t2", "b-712345678-2026-03", D("412.00")), ("t4", "b-712345678-2026-05", D("412.00"))]
    assert m.states["b-712345678-2026-05"].remaining == 0 and not m.duplicates


def test_a_bank_fee_for_a_returned_payment_is_not_a_connector_payment():
    s = Scenario(HEALTH + """
        bills H 2026-01..2026-02
        web H 2026-01-10 412.00
        debit 2026-02-25 29.00 NSF FEE RETURNED ACH COMMONWEALTH HEA
        debit 2026-02-26 35.00 RETURNED ITEM FEE COMMONWEALTH HEALTH INS CONN
    """)
    r = s.run(date(2026, 3, 1))
    assert [t.amount for t in r.report.transactions] == [D("-412.00")]
    assert sum("a bank fee for a returned payment" in n for n in r.report.notes) == 2


@pytest.mark.parametrize("text", ["COMMONWEALTH HEA DES:WEB PMT ID:712345678 INDN:JANE DOE CO ID:1234567890 WEB",
                                  "COMMONWEALTH HEA WEB PMT"])          # naming the account, or not
def test_a_payment_while_the_bill_asks_nothing_is_credit_not_a_second_draw(text):
    # January was paid twice (kept as credit): February's bill asks $0.00. The member pays February
    # anyway: more credit toward the next bills, not a duplicate of a bill that asked for nothing.
    s = Scenario(HEALTH + f"""
        bills H 2026-01..2026-02
        pay H 2026-01-06 412.00 {text}
        pay H 2026-01-14 412.00 {text}
        pay H 2026-02-10 412.00 {text}
    """)
    r = s.run(date(2026, 3, 1))
    assert types(r) == ["duplicate_draw"]
    feb = [a for a in r.report.matches if a.transaction_id.startswith("t20260210")]
    assert feb and all("credit" in a.reason for a in feb)


# ---------------------------------------------------------------- a return that shows only as the bank's fee

FEE = "RETURNED ITEM FEE ACH COMMONWEALTH HEA"
THREE_PAID = """
    bills H 2026-01..2026-04
    autopay H 2026-01-23 412.00
    autopay H 2026-02-23 412.00
    autopay H 2026-03-23 412.00
"""


def test_a_return_that_shows_only_as_the_banks_fee_is_a_returned_payment():
    # domain.md: "Or the debit never posts and only the fee shows."
    r = Scenario(HEALTH + THREE_PAID + f"debit 2026-04-27 35.00 {FEE}\n").run(date(2026, 5, 10))
    assert types(r) == ["coverage_at_risk", "returned_payment", "unpaid_bill"]
    (f,) = [f for f in r.report.findings if f.type == "returned_payment"]
    assert (f.billing_account, f.coverage_month, f.transaction_ids) == ("712345678", "2026-05", ())
    assert "$35.00 on 2026-04-27" in f.message and "no payment to the Connector posted" in f.message
    assert not any(t.amount == D("-35.00") for t in r.report.transactions)   # the fee is not a payment


def test_the_fee_of_a_return_already_paired_adds_nothing():
    r = Scenario(HEALTH + THREE_PAID + f"""
        autopay H 2026-04-23 412.00
        return 2026-04-25 of 2026-04-23
        debit 2026-04-25 35.00 {FEE}
    """).run(date(2026, 5, 10))
    assert [t for t in types(r) if t == "returned_payment"] == ["returned_payment"]


def test_a_fee_in_a_cycle_that_was_paid_is_no_returned_payment():
    r = Scenario(HEALTH + THREE_PAID + f"""
        autopay H 2026-04-23 412.00
        debit 2026-04-28 35.00 {FEE}
    """).run(date(2026, 5, 10))
    assert types(r) == []


# ---------------------------------------------------------------- no finding rests on a figure OCR was unsure of

@pytest.mark.parametrize("confidence, expected", [
    (0.77, []),                                                       # under the threshold: no finding
    (0.95, ["autopay_amount_mismatch", "balance_discrepancy"]),       # read with confidence: evidence
])
def test_no_finding_rests_on_an_amount_ocr_was_unsure_of(confidence, expected):
    s = Scenario(HEALTH + THREE_PAID + "autopay H 2026-04-23 412.00\n")
    imports = s.imports()
    (inp, res), = [(i, r) for i, r in imports if r.kind == "bill_pdf"]
    bills = tuple(replace(b, amount_due=D("4712.00"), confidence=(("amount_due", confidence),))
                  if b.coverage_month == "2026-04" else b for b in res.bills)
    imports = [(i, replace(r, bills=bills) if r is res else r) for i, r in imports]
    r = reconcile(imports, date(2026, 5, 10), s.config())
    got = sorted({f.type for f in r.report.findings if f.coverage_month == "2026-04"})
    assert got == expected
