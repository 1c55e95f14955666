"""Per-account totals in report.html and the terminal summary: an unrefunded second draw shows.

Before, the totals were "billed" and "paid" (allocated to bills) only, so a second draw the
Connector kept looked like billed = paid. Now each account also shows what was drawn from the bank,
returned by the bank, refunded by the Connector, and what is held beyond the bills, all exact.
"""
from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from recon.report.html import render_html
from recon.report.json_report import dumps
from recon.report.table import account_money, render
from tests.report.conftest import DENTAL, HEALTH
from tests.report.test_html import parse
from tests.scenarios.builder import Scenario

D = Decimal


def _overview_row(html: str, account: str) -> dict[str, str]:
    rows = [a for a in parse(html).find("tr", "account-total") if a.get("data-account") == account]
    assert len(rows) == 1, rows
    return rows[0]


SECOND_DRAW = """
        account H 712345678 412.00
        bills H 2026-01..2026-02
        autopay H 2026-01-23 412.00
        autopay H 2026-02-23 412.00
        web H 2026-02-25 412.00
"""


@pytest.fixture(scope="module")
def second_draw_kept():
    """AutoPay paid the February bill, then a web payment paid it again; no later bill, no refund."""
    s = Scenario(SECOND_DRAW)
    return s.run(as_of=date(2026, 3, 10)).report


def test_a_kept_second_draw_is_held_not_hidden(second_draw_kept):
    r = second_draw_kept
    assert [f.type for f in r.findings if f.type == "duplicate_draw"] == ["duplicate_draw"]
    m = account_money(r)[HEALTH]
    assert (m.billed, m.to_bills, m.drawn, m.returned, m.refunded) == (D("824.00"), D("824.00"), D("1236.00"),
                                                                        D(0), D(0))
    assert m.held == D("412.00") and m.second_draws == D("412.00") and m.second_draws_to_bills == 0
    assert all(isinstance(v, Decimal) for v in (m.billed, m.to_bills, m.drawn, m.held))
    row = _overview_row(render_html(r), HEALTH)
    assert (row["data-billed"], row["data-paid"], row["data-drawn"], row["data-held"]) == (
        "824.00", "824.00", "1236.00", "412.00")
    text = " ".join(" ".join(parse(render_html(r)).text).split())
    assert "Held by the Connector beyond the bills: $412.00" in text
    assert "Second draws not refunded: $412.00." in text
    summary = render(r)
    assert "Drawn from the bank: $1,236.00 (3 debit(s))" in summary
    assert "Held by the Connector beyond the bills: $412.00" in summary


def test_a_refunded_second_draw_is_not_held():
    s = Scenario(SECOND_DRAW + "refund H 2026-03-05 412.00\n")
    r = s.run(as_of=date(2026, 3, 10)).report
    m = account_money(r)[HEALTH]
    assert (m.drawn, m.refunded, m.held, m.second_draws) == (D("1236.00"), D("412.00"), D(0), D(0))
    assert "Held by the Connector beyond the bills: $0.00." in render(r)


def test_samples_health_shows_every_draw_and_what_came_back(sample_result):
    """712345678: 12 draws of $412.00 and $412.00 of a $450.50 debit; one returned (NSF), one second
    draw refunded, one second draw kept and counted toward the 2026-12 bill."""
    r = sample_result.report
    m = account_money(r)[HEALTH]
    assert m.billed == m.to_bills == D("4532.00")
    assert m.drawn == D("5356.00") and m.debits == 13
    assert (m.returned, m.refunded) == (D("412.00"), D("412.00"))
    assert m.second_draws == m.second_draws_to_bills == D("412.00")
    assert m.held == 0
    d = account_money(r)[DENTAL]
    # the $38.50 drawn after the dental plan ended pays no bill: held; $57.00 is still owed
    assert (d.billed, d.to_bills, d.drawn, d.held, d.owed) == (D("308.00"), D("251.00"), D("289.50"),
                                                               D("38.50"), D("57.00"))
    html = render_html(r)
    row = _overview_row(html, HEALTH)
    assert (row["data-drawn"], row["data-returned"], row["data-refunded"]) == ("5356.00", "412.00", "412.00")
    assert _overview_row(html, DENTAL)["data-held"] == "38.50"
    text = " ".join(" ".join(parse(html).text).split())
    assert "Second draws not refunded: $412.00, of which $412.00 counted as credit toward later bills." in text
    summary = render(r)
    assert re.search(r"\n  total +\$4,532\.00 +\$4,532\.00\n", summary)
    assert "Held by the Connector beyond the bills: $38.50" in summary


def test_every_debit_is_counted_once(sample_result):
    """Across accounts (and money tied to none) drawn adds up to every Connector debit, and what came
    back to every credit: nothing counted twice or lost."""
    r = sample_result.report
    money = account_money(r).values()
    assert sum((m.drawn for m in money), D(0)) == -sum((t.amount for t in r.transactions if t.amount < 0), D(0))
    assert sum((m.returned + m.refunded for m in money), D(0)) == sum(
        (t.amount for t in r.transactions if t.amount > 0), D(0))


def test_money_tied_to_no_account_is_listed(sample_result):
    r = sample_result.report
    odd = [t for t in r.transactions if t.id == "t20261014-3850-1"][0]
    lost = replace(odd, id="t-lost", billing_account_hint=None)
    report = replace(r, transactions=(*r.transactions, lost))
    assert account_money(report)[None].drawn == D("38.50")
    assert "Money tied to no billing account" in render(report)
    assert _overview_row(render_html(report), "")["data-held"] == "38.50"


def test_report_json_is_unchanged_by_the_totals(sample_result):
    data = json.loads(dumps(sample_result.report))
    assert set(data) == {"schema", "as_of", "inputs", "transactions", "bills", "matches", "findings"}
    assert "drawn" not in {k for t in data["transactions"] for k in t}
