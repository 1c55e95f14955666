"""Wordings and arrangements the vocabulary does not list one by one, read by word rules, on PDFs of
our own: plurals and abbreviations ("Premium Tax Credits", "Acct No."), a label qualified as an
earlier bill's ("Prior Statement Amount Due"), a payment heading beside its own total, the amount
printed before its label, more date forms, a subsidy total beside its parts.

And the rule for amount lines whose label is not known at all: they never stand as $0.00. When the
bill's arithmetic does not hold without them, the current charges come from the arithmetic (what the
bill asks, which the matcher charges), the bill names the lines in an "unread money lines" warning,
and the gap is no arithmetic finding; a missing figure is derived only when such a line shows it.
Only a bill whose every amount line was read keeps its gap as a finding."""
from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest
from test_bill_fields import pages_of
from test_layouts import Page, read, write_pdf

from recon.checks.bills import arithmetic_gap
from recon.importers.bills.finder import find_fields
from recon.importers.bills.grouping import read_bills
from recon.importers.bills.lines import Line
from recon.importers.bills.validate import INCONSISTENT, UNREAD_LINES, expected_amount_due
from recon.match import bill_charge

HEAD = [("Massachusetts Health Connector", None),
        ("Acct No.", "712345678"),
        ("Date Issued", "11-Mar-2026"),
        ("Must Be Received By", "MAR 23 2026"),
        ("Coverage Month", "April 2026")]


def boxed(rows: list[tuple[str, str | None]], value_first: bool = False) -> Page:
    """Label and amount in two columns far apart (or the amount first, the label after it)."""
    out: Page = []
    for k, (label, value) in enumerate(rows):
        y = 50 + 15 * k
        if value is None:
            out.append((36, y, label))
        elif value_first:
            out += [(36, y, value), (140, y, label)]
        else:
            out += [(36, y, label), (330, y, value)]
    return out


def one_bill(tmp_path: Path, rows: list[tuple[str, str | None]], **kw):
    [bill] = read(write_pdf(tmp_path / "b.pdf", [boxed(HEAD + rows, **kw)])).bills
    return bill


# ---------------------------------------------------------------- word rules

def test_plurals_abbreviations_dates_and_label_families(tmp_path: Path) -> None:
    bill = one_bill(tmp_path, [("Opening Balance", "300.00"),
                               ("Payment(s) Applied", "-300.00"),
                               ("Late Fees", "15.00"),
                               ("Gross Premium", "540.00"),
                               ("Federal Premium Tax Credits", "(190.00)"),
                               ("ConnectorCare Subsidies", "(50.00)"),
                               ("Pay This Amount", "$315.00")])
    assert (bill.billing_account, bill.bill_date, bill.due_date) == ("712345678", date(2026, 3, 11),
                                                                     date(2026, 3, 23))
    assert (bill.previous_balance, bill.payments_received, bill.adjustments) == (D("300.00"), D("300.00"),
                                                                                 D("15.00"))
    assert (bill.tax_credit, bill.state_subsidy, bill.amount_due) == (D("190.00"), D("50.00"), D("315.00"))
    assert bill.warnings == () and bill.derived == ()


@pytest.mark.parametrize("text, value", [
    ("Issued On: September 23 2026", date(2026, 9, 23)),
    ("Notice Date 23-Sep-2026", date(2026, 9, 23)),
    ("Date of Statement   SEP 23 2026", date(2026, 9, 23)),
])
def test_bill_date_wordings_and_date_forms(text: str, value: date) -> None:
    assert find_fields([Line(text, 1)]).value("bill_date") == value


@pytest.mark.parametrize("text", ["Acct #: 712345678", "Billing Acct Nbr 712345678", "Account ID  712345678",
                                  "ACCT. NUM. 712345678"])
def test_account_abbreviations(text: str) -> None:
    assert find_fields([Line(text, 1)]).value("billing_account") == "712345678"


def test_amount_before_its_label(tmp_path: Path) -> None:
    bill = one_bill(tmp_path, [("Starting Balance", "120.00"), ("Applied Payments", "(120.00)"),
                               ("Monthly Premium", "98.00"), ("Total Due", "$98.00")], value_first=True)
    assert (bill.previous_balance, bill.payments_received, bill.premium, bill.amount_due) == (
        D("120.00"), D("120.00"), D("98.00"), D("98.00"))
    assert bill.warnings == ()


# ---------------------------------------------------------------- an earlier bill's figures

@pytest.mark.parametrize("label", ["Prior Statement Amount Due", "Last Month's Amount Due", "Previous Total Due",
                                   "Balance Due from Prior Bill"])
def test_a_qualified_amount_due_is_the_previous_balance(tmp_path: Path, label: str) -> None:
    bill = one_bill(tmp_path, [(label, "210.00"), ("Payments Received", "(100.00)"),
                               ("New Charges", "95.00"), ("Amount Due", "205.00")])
    assert (bill.previous_balance, bill.amount_due) == (D("210.00"), D("205.00"))
    assert bill.warnings == ()


def test_an_earlier_bills_dates_and_premium_are_not_read() -> None:
    f = find_fields([Line("Previous Due Date   08/23/2026", 1), Line("Last Month's Premium   480.00", 1),
                     Line("Due Date   09/23/2026", 1), Line("Monthly Premium   500.00", 1)])
    assert [h.value for h in f.hits["due_date"]] == [date(2026, 9, 23)]
    assert [h.value for h in f.hits["premium"]] == [D("500.00")]


# ---------------------------------------------------------------- payment headings

def test_payment_heading_words_beside_an_amount_are_a_summary_line(tmp_path: Path) -> None:
    rows = [("Previous Balance", "300.00"), ("Payments Applied to Account", "(300.00)"),
            ("Current Charges", "250.00"), ("Amount Due", "250.00"),
            ("Payments Applied", None)]
    page = boxed(HEAD + rows) + [(36, 50 + 15 * len(HEAD + rows), "09/02/2026   Online payment   (300.00)")]
    [bill] = read(write_pdf(tmp_path / "p.pdf", [page])).bills
    assert (bill.payments_received, bill.amount_due) == (D("300.00"), D("250.00"))
    assert [(p.date, p.amount) for p in bill.payment_items] == [(date(2026, 9, 2), D("300.00"))]
    assert bill.warnings == ()


# ---------------------------------------------------------------- subsidies

@pytest.mark.parametrize("rows, tax, state", [
    ([("Subsidies", "(120.00)")], None, D("120.00")),
    ([("Tax Credit", "(90.00)"), ("Total Subsidy", "(120.00)")], D("90.00"), D("30.00")),
    ([("State Subsidy", "(20.00)"), ("Premium Assistance", "(120.00)")], D("100.00"), D("20.00")),
])
def test_a_subsidy_total_counts_once(tmp_path: Path, rows, tax, state) -> None:
    bill = one_bill(tmp_path, [("Previous Balance", "0.00"), ("Payments Received", "0.00"),
                               ("Monthly Premium", "400.00"), *rows, ("Amount Due", "280.00")])
    assert (bill.tax_credit, bill.state_subsidy, bill.subsidy) == (tax, state, D("120.00"))
    assert bill.warnings == ()


# ---------------------------------------------------------------- amount lines with unknown labels

SUMMARY = """Massachusetts Health Connector
Billing Account Number: 712345678
Bill Date: 09/01/2026
Due Date: 09/23/2026
Coverage Month: October 2026
Previous Balance       300.00
Payments Received     (300.00)
{extra}Monthly Premium        480.00
Amount Due             {due}"""


def _bill(extra: str, due: str):
    [bill] = read_bills(pages_of(SUMMARY.format(extra=extra, due=due)), "t.pdf").bills
    return bill


@pytest.mark.parametrize("extra, due, charge", [
    ("Commonwealth Assistance Program    (180.00)\n", "300.00", D("300.00")),   # an unknown credit
    ("Reinstatement Charge          30.00\n", "510.00", D("510.00")),      # an unknown charge
    ("Help From Employer: (80.00)\n", "400.00", D("400.00")),              # label: value in one cell
])
def test_unknown_amount_lines_never_stand_as_zero(extra: str, due: str, charge: D) -> None:
    bill = _bill(extra, due)
    assert bill.current_charges == charge and bill.derived == ("current_charges",)
    assert bill_charge(bill) == charge                       # the matcher charges what the bill asks
    assert expected_amount_due(bill) is None and arithmetic_gap(bill) is None
    label = extra.split("  ")[0].split(":")[0].strip()
    [w] = [w for w in bill.warnings if w.startswith(UNREAD_LINES)]
    assert f'"{label}"' in w
    assert not any(w.startswith(INCONSISTENT) for w in bill.warnings)


def test_a_gap_with_every_line_read_is_still_a_finding() -> None:
    bill = _bill("Zero Rated Item    0.00\n", "500.00")        # an unread $0.00 line changes nothing
    assert bill.current_charges is None and bill.derived == ()
    assert expected_amount_due(bill) == D("480.00") and arithmetic_gap(bill) == D("20.00")
    assert any(w.startswith(INCONSISTENT) for w in bill.warnings)


def test_the_arithmetic_holding_leaves_an_unknown_line_alone() -> None:
    text = SUMMARY.format(extra="", due="480.00") + "\nRemaining Credit On File    (0.43)"
    [bill] = read_bills(pages_of(text), "t.pdf").bills
    assert bill.warnings == () and bill.current_charges is None


def test_a_missing_figure_is_derived_only_when_an_unknown_line_shows_it() -> None:
    shown = SUMMARY.replace("Previous Balance       300.00", "Carried Over From August   300.00")
    [bill] = read_bills(pages_of(shown.format(extra="", due="480.00")), "t.pdf").bills
    assert bill.previous_balance == D("300.00") and bill.derived == ("previous_balance",)
    assert 'printed as "Carried Over From August"' in " ".join(bill.warnings)
    other = SUMMARY.replace("Previous Balance       300.00", "")
    [bill] = read_bills(pages_of(other.format(extra="Courtesy Credit    (25.00)\n", due="480.00")), "t.pdf").bills
    assert bill.previous_balance is None and bill.derived == ()       # the line may be any figure
    assert any(w.startswith(UNREAD_LINES) for w in bill.warnings)
    assert expected_amount_due(bill) is None


def test_sentences_with_amounts_are_not_amount_lines() -> None:
    msg = ("A late fee of $25.00 may be charged if payment is not received.\n"
           "Fees may apply to returned payments.\n"
           "Your new monthly premium starting in January will be $495.00\n")
    [bill] = read_bills(pages_of(SUMMARY.format(extra="", due="480.00") + "\n" + msg), "t.pdf").bills
    assert bill.adjustments is None and bill.warnings == () and bill.derived == ()
