"""Overrides in recon.toml: link, not_connector, accept; reports show them as overrides."""
from __future__ import annotations

from datetime import date

from recon.config import Override
from recon.report.json_report import to_dict
from tests.scenarios.builder import Scenario

TEXT = """
    account H 712345678 412.00
    account T 798765432 38.50
    bills H 2026-01..2026-02
    bills T 2026-01..2026-02
    web H 2026-01-20 412.00
    web T 2026-01-21 38.50
    debit 2026-02-12 45.00 COMMONWEALTH HEA MEMBERPREM
    web H 2026-02-26 412.00
    web T 2026-02-20 38.50
"""


def test_link_override_allocates_as_told_and_is_marked():
    s = Scenario(TEXT)
    plain = s.run(date(2026, 3, 1))
    mystery = next(t for t in plain.report.transactions if t.description.endswith("MEMBERPREM"))
    cfg = s.config(overrides=(Override("link", transaction=mystery.id, bill="b-798765432-2026-03"),))
    r = s.run(date(2026, 3, 1), cfg)
    m = next(m for m in r.report.matches if m.transaction_id == mystery.id)
    assert m.override and m.bill_id == "b-798765432-2026-03" and "override" in m.reason
    (row,) = [x for x in to_dict(r.report)["matches"] if x["transaction_id"] == mystery.id]
    assert row["override"] is True


def test_not_connector_override_removes_the_transaction_and_says_so():
    s = Scenario(TEXT)
    plain = s.run(date(2026, 3, 1))
    mystery = next(t for t in plain.report.transactions if t.description.endswith("MEMBERPREM"))
    assert any(mystery.id in f.transaction_ids for f in plain.report.findings)
    cfg = s.config(overrides=(Override("not_connector", transaction=mystery.id, note="CHA premium"),))
    r = s.run(date(2026, 3, 1), cfg)
    assert mystery.id not in {t.id for t in r.report.transactions}
    assert not any(mystery.id in f.transaction_ids for f in r.report.findings)
    assert any(mystery.id in n and "CHA premium" in n for n in r.report.notes)


def test_accept_override_keeps_the_finding_marked_accepted():
    # The unexplained $45.00 went to the health bill before its due date, so the rest, paid
    # after it, makes that bill short at the due date: a partial payment the member accepts.
    s = Scenario(TEXT)
    cfg = s.config(overrides=(Override("accept", finding_type="partial_payment", billing_account="712345678",
                                       coverage_month="2026-03", note="waived on call 2026-03-02"),))
    r = s.run(date(2026, 3, 1), cfg)
    f = next(f for f in r.report.findings if f.type == "partial_payment")
    assert f.accepted == "waived on call 2026-03-02" and f.severity == "low"
    (late,) = [x for x in to_dict(r.report)["findings"] if x["type"] == "partial_payment"]
    assert late["accepted"] == "waived on call 2026-03-02"
