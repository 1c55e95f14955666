"""Bill layouts of our own, unlike the renderer's (tests/support/bill_render.py) in arrangement, not only in
wording: ALL-CAPS labels with colons, labels and values in separate columns drawn one column after
the other (text order does not pair them) and a header row over a value row, a payment ledger with
a running balance, words run together. Their wordings are not tuned into vocabulary.toml: the reader
gets them by its general rules. Credits printed as (x), -x, $-x, x CR and x-.

Also: the bill's arithmetic fills the one figure that cannot be read (Bill.derived, a warning), an
unknown stays None, an unreadable page of a multi-bill file is a note and not part of the bill before
it, and a Connector letter is not a bill."""
from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal as D
from pathlib import Path

import pytest
from fpdf import FPDF
from test_bill_fields import pages_of

from recon.errors import UnknownFormat
from recon.importers.bills import BillPdfImporter
from recon.importers.bills.grouping import LETTER, UNREADABLE_PAGE, read_bills

Page = list[tuple[float, float, str]]          # (x, y from the top, text) in points, in drawing order


def write_pdf(path: Path, pages: list[Page | None], font: str = "Helvetica") -> Path:
    """Each page's texts drawn in the order given; None: a page with no text at all."""
    pdf = FPDF(unit="pt", format="letter")
    pdf.set_creation_date(datetime(2026, 1, 1, tzinfo=UTC))
    for page in pages:
        pdf.add_page()
        pdf.set_font(font, size=10)
        for x, y, text in page or ():
            pdf.text(x, y, text)
    pdf.output(str(path))
    return path


def read(path: Path):
    return BillPdfImporter(ocr=False).extract(path, path.name)


def caps_colons() -> Page:
    """(a) ALL-CAPS labels with colons, two label/value pairs per row; credits as $-x and x-."""
    rows = [("MASSACHUSETTS HEALTH CONNECTOR", None, None, None),
            ("ACCOUNT NUMBER:", "712345678", "STATEMENT DATE:", "09/01/2026"),
            ("PAYMENT DUE DATE:", "09/23/2026", "COVERAGE MONTH:", "OCTOBER 2026"),
            ("PREVIOUS BALANCE:", "412.00", None, None),
            ("PAYMENTS RECEIVED:", "$-412.00", None, None),
            ("ADJUSTMENTS:", "25.00-", None, None),
            ("CURRENT CHARGES:", "412.00", None, None),
            ("AMOUNT DUE:", "$387.00", None, None)]
    out: Page = []
    for k, (a, b, c, d) in enumerate(rows):
        y = 60 + 18 * k
        out.append((40, y, a))
        for x, t in ((170, b), (320, c), (450, d)):
            if t:
                out.append((x, y, t))
    return out


def columns() -> Page:
    """(b) A column of labels, then (drawn afterwards) a column of values far to the right; a
    header row over a value row; credits as (x) and x CR."""
    out: Page = [(40, 40, "Massachusetts Health Connector")]
    heads = ["Billing Account", "Bill Date", "Due Date", "Coverage Month"]
    vals = ["712345678", "Sep 1, 2026", "Sep 23, 2026", "October 2026"]
    for k, h in enumerate(heads):
        out.append((40 + 130 * k, 70, h))
    for k, v in enumerate(vals):
        out.append((40 + 130 * k, 84, v))
    labels = ["Balance Forward", "Payments Received", "Adjustments", "Current Charges", "Amount Due"]
    values = ["0.00", "(50.00)", "0.00", "25.00", "25.00 CR"]
    for k, t in enumerate(labels):
        out.append((40, 130 + 16 * k, t))
    for k, t in enumerate(values):
        out.append((400, 130 + 16 * k, t))
    return out


def ledger() -> Page:
    """(c) A payment ledger: dated rows, a payments column and a running balance; no payments total."""
    out: Page = [(40, 40, "Massachusetts Health Connector"),
                 (40, 60, "Billing Account Number: 712345678"), (300, 60, "Bill Date: 10/01/2026"),
                 (40, 74, "Due Date: 10/23/2026"), (300, 74, "Coverage Month: November 2026")]
    cols = (40, 110, 330, 410, 490)
    out += [(x, 110, h) for x, h in zip(cols, ["Date", "Description", "Charges", "Payments", "Balance"],
                                          strict=True)]
    rows = [("09/01/2026", "Previous Balance", "", "", "412.00"),
            ("09/05/2026", "Online payment - thank you", "", "-200.00", "212.00"),
            ("09/15/2026", "Check 1043", "", "-212.00", "0.00"),
            ("10/01/2026", "New Charges for November 2026", "430.00", "", "430.00"),
            ("", "Total Amount Due", "", "", "430.00")]
    for k, row in enumerate(rows):
        out += [(x, 126 + 14 * k, t) for x, t in zip(cols, row, strict=True) if t]
    return out


def run_together() -> Page:
    """(d) Labels with their words run together, values right after; a credit as -x."""
    lines = ["MassachusettsHealthConnector", "BillingAccountNumber:712345678", "BillDate:09/01/2026",
             "DueDate:09/23/2026", "CoverageMonth: October 2026", "PreviousBalance 412.00",
             "PaymentsReceived -412.00", "Adjustments 0.00", "CurrentCharges 400.00", "TotalAmountDue $400.00"]
    return [(40, 40 + 16 * k, t) for k, t in enumerate(lines)]


LAYOUTS = {
    "caps_colons": (caps_colons, dict(billing_account="712345678", bill_date=date(2026, 9, 1),
                                      due_date=date(2026, 9, 23), coverage_month="2026-10",
                                      previous_balance=D("412.00"), payments_received=D("412.00"),
                                      adjustments=D("-25.00"), current_charges=D("412.00"),
                                      amount_due=D("387.00"))),
    "columns": (columns, dict(billing_account="712345678", bill_date=date(2026, 9, 1), due_date=date(2026, 9, 23),
                              coverage_month="2026-10", previous_balance=D("0.00"), payments_received=D("50.00"),
                              adjustments=D("0.00"), current_charges=D("25.00"), amount_due=D("-25.00"))),
    "ledger": (ledger, dict(billing_account="712345678", bill_date=date(2026, 10, 1), due_date=date(2026, 10, 23),
                            coverage_month="2026-11", previous_balance=D("412.00"), payments_received=D("412.00"),
                            adjustments=None, current_charges=D("430.00"), amount_due=D("430.00"))),
    "run_together": (run_together, dict(billing_account="712345678", bill_date=date(2026, 9, 1),
                                        due_date=date(2026, 9, 23), coverage_month="2026-10",
                                        previous_balance=D("412.00"), payments_received=D("412.00"),
                                        adjustments=D("0.00"), current_charges=D("400.00"),
                                        amount_due=D("400.00"))),
}


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_own_layouts_are_read_by_the_general_rules(tmp_path: Path, name: str) -> None:
    make, want = LAYOUTS[name]
    result = read(write_pdf(tmp_path / f"{name}.pdf", [make()]))
    [bill] = result.bills
    got = {k: getattr(bill, k) for k in want}
    assert got == want
    if name == "ledger":
        # payments are the ledger's dated payment rows, and their total follows from the arithmetic
        assert [(p.date, p.amount) for p in bill.payment_items] == [(date(2026, 9, 5), D("200.00")),
                                                                    (date(2026, 9, 15), D("212.00"))]
        assert bill.derived == ("payments_received",)
        assert "payments_received derived from the bill's arithmetic" in " ".join(bill.warnings)
    else:
        assert bill.derived == () and bill.warnings == (), bill.warnings


def test_text_order_does_not_pair_columns(tmp_path: Path) -> None:
    """The columns layout's text, in drawing order, holds every label before any value."""
    import pypdfium2 as pdfium

    pdf = write_pdf(tmp_path / "c.pdf", [columns()])
    text = pdfium.PdfDocument(pdf)[0].get_textpage().get_text_range()
    assert text.index("Amount Due") < text.index("(50.00)")


def test_unreadable_page_is_a_note_not_part_of_the_bill_before(tmp_path: Path) -> None:
    pdf = write_pdf(tmp_path / "m.pdf", [caps_colons(), None, run_together()])
    result = read(pdf)
    assert [b.source.page for b in result.bills] == [1, 3]
    assert f"page 2: {UNREADABLE_PAGE}" in result.notes


def _letter() -> Page:
    lines = ["Massachusetts Health Connector", "Billing Account Number: 712345678",
             "Important notice about your premium", "Starting January 1, your Monthly Premium will be $450.00.",
             "No action is needed."]
    return [(40, 40 + 16 * k, t) for k, t in enumerate(lines)]


def test_connector_letter_is_not_a_bill(tmp_path: Path) -> None:
    with pytest.raises(UnknownFormat, match="letter or notice"):
        read(write_pdf(tmp_path / "letter.pdf", [_letter()]))
    result = read(write_pdf(tmp_path / "both.pdf", [caps_colons(), _letter()]))
    [bill] = result.bills
    assert bill.premium is None                  # the letter's figure is not merged into the bill
    assert f"page 2: {LETTER}" in result.notes


# ---------------------------------------------------------------- the arithmetic, on text

BASE = """Massachusetts Health Connector
Billing Account Number: 712345678
Bill Date: 09/01/2026
Payment Due Date: 09/23/2026
Coverage Month: October 2026
Previous Balance: 412.00
{payments}
Adjustments: 0.00
Current Charges: 412.00
{due}"""


def _bill(payments: str, due: str = "Amount Due: 412.00"):
    return read_bills(pages_of(BASE.format(payments=payments, due=due)), "t.pdf")


@pytest.mark.parametrize("payments", ["Payments Received: see enclosed", "Payments Received: ******", ""])
def test_one_unreadable_figure_is_derived_and_named(payments: str) -> None:
    [bill] = _bill(payments).bills
    assert bill.payments_received == D("412.00")
    assert bill.derived == ("payments_received",)
    assert any(w.startswith("payments_received derived from the bill's arithmetic") for w in bill.warnings)


def test_amount_due_is_derived_when_it_alone_is_missing() -> None:
    [bill] = _bill("Payments Received: 400.00", due="").bills
    assert bill.amount_due == D("424.00") and bill.derived == ("amount_due",)


def test_two_unknowns_stay_none_and_the_unreadable_one_is_named() -> None:
    text = BASE.format(payments="Payments Received: illegible", due="Amount Due: 412.00").replace(
        "Previous Balance: 412.00", "")
    [bill] = read_bills(pages_of(text), "t.pdf").bills
    assert bill.payments_received is None and bill.previous_balance is None      # never 0
    assert bill.derived == ()
    assert any(w.startswith("payments_received could not be read") for w in bill.warnings)


def test_a_derived_payment_below_zero_is_not_made_up() -> None:
    [bill] = _bill("Payments Received: ??", due="Amount Due: 900.00").bills
    assert bill.payments_received is None and bill.derived == ()
    assert any("payments_received could not be read" in w for w in bill.warnings)


@pytest.mark.parametrize("line, value", [
    ("Payments Received Since Last Bill          (143.00)", D("143.00")),
    ("Payments Received Since Last Bill (143.00)", D("143.00")),
    ("New Charges for March 2026                 143.00", D("143.00")),
])
def test_label_then_words_then_the_amount_at_the_right(line: str, value: D) -> None:
    from recon.importers.bills.finder import find_fields
    from recon.importers.bills.lines import Line

    f = find_fields([Line(line, 1)])
    name = "payments_received" if line.startswith("Pay") else "current_charges"
    assert f.value(name) == value
    assert len(f.hits) == 1


@pytest.mark.parametrize("line, field, value", [
    ("Payment Due: 12/23/2025", "due_date", date(2025, 12, 23)),
    ("PAYMENT DUE DATE: 12/23/2025", "due_date", date(2025, 12, 23)),
    ("AMOUNT DUE: $-5.00", "amount_due", D("-5.00")),
    ("Please Pay   5.00-", "amount_due", D("-5.00")),
    ("Total Amount Due   -$5.00", "amount_due", D("-5.00")),
    ("AmountDue: 5.00 CR", "amount_due", D("-5.00")),
    ("Amount Due $1,234.56", "amount_due", D("1234.56")),
])
def test_label_prefixes_and_credit_forms(line: str, field: str, value) -> None:
    from recon.importers.bills.finder import find_fields
    from recon.importers.bills.lines import Line

    assert find_fields([Line(line, 1)]).value(field) == value
