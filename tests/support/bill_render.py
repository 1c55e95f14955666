"""Bill records -> a Health Connector premium bill PDF: test data for tests/ and scripts/ (samples, benches).

Input: a sequence of `recon.model.Bill` values, a layout name ("2026", "2024" or "2022") and whether
to produce a scanned (image-only) file. Output: one PDF written to ``path`` holding every bill in
order, each bill on 1-2 pages: a statement and, at the bottom of its last page, a detachable coupon
repeating the billing account number, amount due and due date, with "Amount Enclosed" and the
mailing address. Each layout has its own wording, field order, date and credit formats, so the
reader is exercised on every variant the vocabulary (recon/importers/bills/vocabulary.toml) knows.

A field the Bill does not have (None) is not printed, so a read-back equals the Bill. Output is
byte-for-byte deterministic for the same input: the creation date is fixed, fpdf2's file id is a
hash of the content, and the scan noise comes from a seeded generator.

Only core PDF fonts are used (latin-1 text; other characters are replaced by "?").
"""
from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from fpdf import FPDF

from recon.dates import parse_month
from recon.model import Bill

LAYOUTS = ("2026", "2024", "2022")
FIXED_CREATION_DATE = datetime(2026, 1, 1, tzinfo=UTC)
MAILING_ADDRESS = ("MA Health Connector", "P.O. Box 970063", "Boston, MA 02297-0063")
CONNECTOR_LEGAL_NAME = "Commonwealth Health Insurance Connector Authority"

PAGE_W, PAGE_H = 215.9, 279.4     # US Letter, mm
MARGIN = 15.0
COUPON_TOP = 205.0                 # the coupon's cut line (mm from the top of the last page)
LINE_H = 5.2
ITEMS_ON_PAGE_ONE = 3              # more itemised payments push the rest of the bill to page 2
SCAN_DPI = 200
SCAN_ROTATION_DEG = 0.35
SCAN_NOISE_SIGMA = 9.0
SCAN_SEED = 20260101


# ---------------------------------------------------------------- value formats, one per layout

@dataclass(frozen=True)
class _Style:
    money: Callable[[Decimal], str]
    day: Callable[[date], str]
    month: Callable[[str], str]


def _money_paren(d: Decimal) -> str:
    q = d.quantize(Decimal("0.01"))
    return f"(${-q:,.2f})" if q < 0 else f"${q:,.2f}"


def _money_minus(d: Decimal) -> str:
    q = d.quantize(Decimal("0.01"))
    return f"-${-q:,.2f}" if q < 0 else f"${q:,.2f}"


def _money_cr(d: Decimal) -> str:
    q = d.quantize(Decimal("0.01"))
    return f"{-q:,.2f} CR" if q < 0 else f"{q:,.2f}"


def _coverage_2024(month: str) -> str:
    first = parse_month(month)
    nxt = first.replace(year=first.year + 1, month=1) if first.month == 12 else first.replace(
        month=first.month + 1)
    last = date.fromordinal(nxt.toordinal() - 1)
    return f"{first:%m/%d/%Y} - {last:%m/%d/%Y}"


STYLES = {
    "2026": _Style(_money_paren, lambda d: f"{d:%B} {d.day}, {d.year}",
                   lambda m: f"{parse_month(m):%B %Y}"),
    "2024": _Style(_money_minus, lambda d: f"{d:%m/%d/%Y}", _coverage_2024),
    "2022": _Style(_money_cr, lambda d: f"{d:%b} {d.day}, {d.year}",
                   lambda m: f"{parse_month(m):%b %Y}"),
}


# ---------------------------------------------------------------- drawing helpers

class _Doc:
    """A thin cursor over FPDF: text at (x, y) baselines, in mm."""

    def __init__(self) -> None:
        pdf = FPDF(unit="mm", format="Letter")
        pdf.set_auto_page_break(False)
        pdf.set_creation_date(FIXED_CREATION_DATE)
        # The module's old name, kept in the metadata so that samples/ stays byte-identical.
        pdf.set_creator("recon.bills.render")
        pdf.set_producer("recon.bills.render")
        pdf.set_title("Health Connector premium bill (sample)")
        pdf.set_margins(MARGIN, MARGIN)
        self.pdf = pdf
        self.y = MARGIN

    def page(self) -> None:
        self.pdf.add_page()
        self.y = MARGIN + 4

    def font(self, size: float = 9.5, bold: bool = False) -> None:
        self.pdf.set_font("Helvetica", "B" if bold else "", size)

    def text(self, x: float, s: str, y: float | None = None) -> None:
        self.pdf.text(x, self.y if y is None else y, _latin1(s))

    def right(self, x_right: float, s: str, y: float | None = None) -> None:
        s = _latin1(s)
        self.pdf.text(x_right - self.pdf.get_string_width(s), self.y if y is None else y, s)

    def nl(self, n: float = 1.0) -> None:
        self.y += LINE_H * n

    def rule(self, y: float | None = None, dashed: bool = False) -> None:
        yy = self.y - 3.5 if y is None else y
        if dashed:
            self.pdf.set_dash_pattern(dash=1.5, gap=1.2)
        self.pdf.line(MARGIN, yy, PAGE_W - MARGIN, yy)
        if dashed:
            self.pdf.set_dash_pattern()


def _latin1(s: str) -> str:
    s = s.replace("\u2019", "'").replace("\u2013", "-").replace("\u2014", "-")
    return s.encode("latin-1", "replace").decode("latin-1")


def _messages(bill: Bill, st: _Style) -> list[str]:
    msgs: list[str] = []
    if bill.autopay:
        msgs.append("Your AutoPay will draw the amount due on or after the 22nd.")
    elif bill.autopay is False:
        msgs.append("You are not enrolled in AutoPay. Pay online, by phone or by mail.")
    if bill.amount_due < 0:
        msgs.append(f"You have a credit balance of {st.money(-bill.amount_due)}. No payment is needed.")
    if bill.adjustments:
        if bill.adjustments > 0:
            msgs.append("Adjustment: Returned payment - insufficient funds.")
        else:
            msgs.append("Adjustment: credit applied to your account.")
    msgs.append("Payments must be received by the due date to keep your coverage.")
    return msgs


# ---------------------------------------------------------------- layout "2026": one column

def _render_2026(doc: _Doc, bill: Bill) -> None:
    st = STYLES["2026"]
    doc.page()
    _heading_2026(doc)
    _identifiers_2026(doc, bill, st)
    _amounts_2026(doc, bill, st)
    if len(bill.payment_items) > ITEMS_ON_PAGE_ONE:
        doc.font(9)
        doc.text(MARGIN, "Payment details and messages continue on the next page.")
        doc.right(PAGE_W - MARGIN, "Page 1 of 2", y=PAGE_H - 10)
        doc.page()
        doc.font(9)
        doc.text(MARGIN, f"Premium Bill (continued) - Billing Account Number: {bill.billing_account}")
        doc.right(PAGE_W - MARGIN, "Page 2 of 2", y=PAGE_H - 10)
        doc.nl(2)
    if bill.payment_items:
        _items_2026(doc, bill, st)
    _messages_2026(doc, bill, st)
    _coupon(doc, [("Billing Account Number", bill.billing_account),
                  ("Payment Due Date", st.day(bill.due_date)),
                  ("Amount Due", st.money(bill.amount_due))],
            "Please detach and return this portion with your payment.", "Amount Enclosed: $__________")


def _heading_2026(doc: _Doc) -> None:
    doc.font(15, True)
    doc.text(MARGIN, "Massachusetts Health Connector")
    doc.font(12, True)
    doc.right(PAGE_W - MARGIN, "Premium Bill")
    doc.nl()
    doc.font(8.5)
    doc.text(MARGIN, CONNECTOR_LEGAL_NAME)
    doc.nl(1.8)


def _identifiers_2026(doc: _Doc, bill: Bill, st: _Style) -> None:
    """"Label:" in bold, its value in a second column, one per line."""
    def kv(label: str, value: str | None) -> None:
        if value is None:
            return
        doc.font(9.5, True)
        doc.text(MARGIN, f"{label}:")
        doc.font(9.5)
        doc.text(80.0, value)
        doc.nl()

    kv("Billing Account Number", bill.billing_account)
    kv("Enrollment ID", bill.enrollment_id)
    kv("Subscriber ID", bill.subscriber_id)
    kv("Bill Date", st.day(bill.bill_date))
    kv("Payment Due Date", st.day(bill.due_date))
    kv("Coverage Month", st.month(bill.coverage_month))
    kv("Plan Type", bill.plan.capitalize() if bill.plan else None)
    kv("Plan Name", bill.plan_name)
    kv("Carrier", bill.carrier)
    kv("Primary Subscriber", bill.subscriber_name)
    kv("Covered Members", ", ".join(bill.members) if bill.members else None)


def _amounts_2026(doc: _Doc, bill: Bill, st: _Style) -> None:
    """The premium breakdown, then the account summary down to the amount due."""
    def money(label: str, value: Decimal | None) -> None:
        if value is None:
            return
        doc.font(9.5)
        doc.text(MARGIN + 4, label)
        doc.right(150, st.money(value))
        doc.nl()

    doc.nl(0.6)
    doc.font(11, True)
    doc.text(MARGIN, "Your Monthly Premium")
    doc.nl()
    money("Gross Monthly Premium", bill.premium)
    money("Advance Premium Tax Credit", bill.tax_credit)
    money("ConnectorCare State Subsidy", bill.state_subsidy)
    money("Member's Share", bill.current_charges)
    doc.nl(0.6)
    doc.font(11, True)
    doc.text(MARGIN, "Account Summary")
    doc.nl()
    money("Previous Balance", bill.previous_balance)
    money("Payments Received", bill.payments_received)
    money("Adjustments", bill.adjustments)
    money("Current Charges", bill.current_charges)
    doc.font(10.5, True)
    doc.text(MARGIN + 4, "Amount Due")
    doc.right(150, st.money(bill.amount_due))
    doc.nl(1.6)


def _items_2026(doc: _Doc, bill: Bill, st: _Style) -> None:
    doc.font(11, True)
    doc.text(MARGIN, "Payment Details")
    doc.nl()
    doc.font(9.5)
    for it in bill.payment_items:
        doc.text(MARGIN + 4, st.day(it.date) if it.date else "")
        doc.text(70, it.description or "Payment")
        doc.right(150, st.money(it.amount))
        doc.nl()
    doc.nl(0.6)


def _messages_2026(doc: _Doc, bill: Bill, st: _Style) -> None:
    doc.font(11, True)
    doc.text(MARGIN, "Messages")
    doc.nl()
    doc.font(9)
    for m in _messages(bill, st):
        doc.text(MARGIN + 4, m)
        doc.nl()


# ---------------------------------------------------------------- layout "2024": two-column table

_L_LABEL, _L_VALUE, _R_LABEL, _R_VALUE = MARGIN, 55.0, 112.0, 152.0     # 2024's two columns


def _render_2024(doc: _Doc, bill: Bill) -> None:
    st = STYLES["2024"]
    doc.page()
    doc.font(14, True)
    doc.text(MARGIN, "MA Health Connector")
    doc.right(PAGE_W - MARGIN, "Premium Invoice")
    doc.nl()
    doc.font(8.5)
    doc.text(MARGIN, "Massachusetts Health Connector - www.MAhealthconnector.org")
    doc.nl(1.8)
    _identifiers_2024(doc, bill, st)
    _amounts_2024(doc, bill, st)
    if len(bill.payment_items) > ITEMS_ON_PAGE_ONE:
        doc.font(9)
        doc.right(PAGE_W - MARGIN, "Page 1 of 2", y=PAGE_H - 10)
        doc.page()
        doc.text(MARGIN, f"Billing Account # {bill.billing_account} (continued)")
        doc.right(PAGE_W - MARGIN, "Page 2 of 2", y=PAGE_H - 10)
        doc.nl(2)
    if bill.payment_items:
        _items_2024(doc, bill, st)
    doc.font(10.5, True)
    doc.text(MARGIN, "Important Information")
    doc.nl()
    doc.font(9)
    for m in _messages(bill, st):
        doc.text(MARGIN, "- " + m)
        doc.nl()
    _coupon(doc, [("Billing Account #", bill.billing_account),
                  ("Due Date", st.day(bill.due_date)),
                  ("Total Amount Due", st.money(bill.amount_due))],
            "Detach and return this coupon with your payment", "Amount Enclosed $__________")


def _identifiers_2024(doc: _Doc, bill: Bill, st: _Style) -> None:
    """Label/value pairs in two columns; a different order from 2026: dates first, identifiers on the
    right, people last."""
    def row(left: tuple[str, str | None] | None, right: tuple[str, str | None] | None) -> None:
        drew = False
        for (x_label, x_val), pair in (((_L_LABEL, _L_VALUE), left), ((_R_LABEL, _R_VALUE), right)):
            if pair is None or pair[1] is None:
                continue
            doc.font(9, True)
            doc.text(x_label, pair[0])
            doc.font(9)
            doc.text(x_val, pair[1])
            drew = True
        if drew:
            doc.nl()

    row(("Statement Date", st.day(bill.bill_date)), ("Billing Account #", bill.billing_account))
    row(("Total Amount Due", st.money(bill.amount_due)), ("Due Date", st.day(bill.due_date)))
    row(("Coverage Period", st.month(bill.coverage_month)), ("Member ID", bill.subscriber_id))
    row(("Insurance Type", bill.plan.capitalize() if bill.plan else None),
        ("Enrollment ID", bill.enrollment_id))
    row(("Plan Selected", bill.plan_name), None)
    row(("Insurance Carrier", bill.carrier), None)
    row(("Subscriber", bill.subscriber_name), None)
    row(("Covered Individuals", "; ".join(bill.members) if bill.members else None), None)


def _amounts_2024(doc: _Doc, bill: Bill, st: _Style) -> None:
    """Charges and credits on the left, account activity on the right, row by row."""
    doc.nl(0.5)
    doc.rule()
    doc.font(10.5, True)
    doc.text(MARGIN, "Charges and Credits")
    doc.text(_R_LABEL, "Account Activity")
    doc.nl()
    left: list[tuple[str, Decimal | None]] = [
        ("Total Monthly Premium", bill.premium),
        ("Tax Credit (APTC)", -bill.tax_credit if bill.tax_credit is not None else None),
        ("State Subsidy", -bill.state_subsidy if bill.state_subsidy is not None else None),
        ("Your Premium Share", bill.current_charges),
    ]
    right: list[tuple[str, Decimal | None]] = [
        ("Balance Forward", bill.previous_balance),
        ("Payments", -bill.payments_received if bill.payments_received is not None else None),
        ("Other Adjustments", bill.adjustments),
        ("New Charges", bill.current_charges),
    ]
    left = [p for p in left if p[1] is not None]
    right = [p for p in right if p[1] is not None]
    for i in range(max(len(left), len(right))):
        doc.font(9)
        if i < len(left):
            doc.text(_L_LABEL, left[i][0])
            doc.right(_R_LABEL - 8, st.money(left[i][1]))  # type: ignore[arg-type]
        if i < len(right):
            doc.text(_R_LABEL, right[i][0])
            doc.right(PAGE_W - MARGIN, st.money(right[i][1]))  # type: ignore[arg-type]
        doc.nl()
    doc.font(10, True)
    doc.text(_R_LABEL, "Total Amount Due")
    doc.right(PAGE_W - MARGIN, st.money(bill.amount_due))
    doc.nl(1.6)


def _items_2024(doc: _Doc, bill: Bill, st: _Style) -> None:
    doc.font(10.5, True)
    doc.text(MARGIN, "Payments Applied")
    doc.nl()
    doc.font(8.5, True)
    doc.text(MARGIN, "Date")
    doc.text(50, "Description")
    doc.right(PAGE_W - MARGIN, "Amount")
    doc.nl()
    doc.font(9)
    for it in bill.payment_items:
        doc.text(MARGIN, st.day(it.date) if it.date else "")
        doc.text(50, it.description or "Payment")
        doc.right(PAGE_W - MARGIN, st.money(-it.amount))
        doc.nl()
    doc.nl(0.6)


# ---------------------------------------------------------------- layout "2022": header rows, values below

def _render_2022(doc: _Doc, bill: Bill) -> None:
    st = STYLES["2022"]
    doc.page()
    doc.font(13, True)
    doc.text(MARGIN, "HEALTH CONNECTOR")
    doc.right(PAGE_W - MARGIN, "PREMIUM STATEMENT")
    doc.nl()
    doc.font(8)
    doc.text(MARGIN, CONNECTOR_LEGAL_NAME.upper())
    doc.nl(1.8)
    _identifiers_2022(doc, bill, st)
    _amounts_2022(doc, bill, st)
    if len(bill.payment_items) > ITEMS_ON_PAGE_ONE:
        doc.right(PAGE_W - MARGIN, "Page 1 of 2", y=PAGE_H - 10)
        doc.page()
        doc.font(9)
        doc.text(MARGIN, f"Account No. {bill.billing_account} - continued")
        doc.right(PAGE_W - MARGIN, "Page 2 of 2", y=PAGE_H - 10)
        doc.nl(2)
    if bill.payment_items:
        _items_2022(doc, bill, st)
    doc.font(10, True)
    doc.text(MARGIN, "MESSAGES")
    doc.nl()
    doc.font(9)
    for m in _messages(bill, st):
        doc.text(MARGIN + 2, m)
        doc.nl()
    _coupon(doc, [("Account No.", bill.billing_account), ("Please Pay By", st.day(bill.due_date)),
                  ("Please Pay", st.money(bill.amount_due))],
            "RETURN THIS PORTION WITH YOUR PAYMENT", "Amount Enclosed: ____________", stacked=True)


def _identifiers_2022(doc: _Doc, bill: Bill, st: _Style) -> None:
    """Rows of column headers with their values below, then labels stacked over their values."""
    cols = (MARGIN, 62.0, 110.0, 158.0)

    def header_row(pairs: list[tuple[str, str | None]]) -> None:
        pairs = [p for p in pairs if p[1] is not None]
        if not pairs:
            return
        doc.font(8.5, True)
        for x, (label, _) in zip(cols, pairs):
            doc.text(x, label)
        doc.nl(0.9)
        doc.font(9.5)
        for x, (_, value) in zip(cols, pairs):
            doc.text(x, value or "")
        doc.nl(1.4)

    def stacked(label: str, value: str | None) -> None:
        if value is None:
            return
        doc.font(8.5, True)
        doc.text(MARGIN, label)
        doc.nl(0.9)
        doc.font(9.5)
        doc.text(MARGIN, value)
        doc.nl(1.3)

    header_row([("Account No.", bill.billing_account), ("Statement Date", st.day(bill.bill_date)),
                ("Please Pay By", st.day(bill.due_date)), ("Please Pay", st.money(bill.amount_due))])
    header_row([("For Coverage", st.month(bill.coverage_month)),
                ("Coverage Type", bill.plan.upper() if bill.plan else None),
                ("Subscriber No.", bill.subscriber_id)])
    stacked("Ref ID", bill.enrollment_id)
    stacked("Plan Description", bill.plan_name)
    stacked("Insurer", bill.carrier)
    stacked("Primary Member", bill.subscriber_name)
    stacked("Members Covered", ", ".join(bill.members) if bill.members else None)


def _amounts_2022(doc: _Doc, bill: Bill, st: _Style) -> None:
    """The account first, the premium breakdown after it (the 2022 generation's order)."""
    doc.rule()
    doc.font(10, True)
    doc.text(MARGIN, "ACCOUNT ACTIVITY")
    doc.nl()

    def line(label: str, value: Decimal | None, bold: bool = False) -> None:
        if value is None:
            return
        doc.font(9.5, bold)
        doc.text(MARGIN + 2, label)
        doc.right(140, st.money(value))
        doc.nl()

    line("Balance Forward", bill.previous_balance)
    line("Payments Received", -bill.payments_received if bill.payments_received is not None else None)
    line("Adjustments", bill.adjustments)
    line("Premium", bill.premium)
    line("Advance Premium Tax Credit", -bill.tax_credit if bill.tax_credit is not None else None)
    line("ConnectorCare Subsidy", -bill.state_subsidy if bill.state_subsidy is not None else None)
    line("Net Premium", bill.current_charges)
    line("Please Pay", bill.amount_due, bold=True)
    doc.nl(0.8)


def _items_2022(doc: _Doc, bill: Bill, st: _Style) -> None:
    doc.font(10, True)
    doc.text(MARGIN, "PAYMENT HISTORY")
    doc.nl()
    doc.font(9)
    for it in bill.payment_items:
        doc.text(MARGIN + 2, st.day(it.date) if it.date else "")
        doc.text(50, it.description or "Payment")
        doc.right(140, st.money(-it.amount))
        doc.nl()
    doc.nl(0.6)


# ---------------------------------------------------------------- the coupon

def _coupon(doc: _Doc, fields: list[tuple[str, str]], marker: str, enclosed: str,
            stacked: bool = False) -> None:
    """Draw the detachable coupon at the bottom of the current page."""
    y = COUPON_TOP
    doc.rule(y=y, dashed=True)
    doc.font(8)
    doc.text(MARGIN, marker, y=y + 4.5)
    doc.font(10, True)
    doc.text(MARGIN, "Payment Coupon - Health Connector", y=y + 11)
    yy = y + 18
    if stacked:
        xs = (MARGIN, 75.0, 135.0)
        for x, (label, _) in zip(xs, fields):
            doc.font(8.5, True)
            doc.text(x, label, y=yy)
        for x, (_, value) in zip(xs, fields):
            doc.font(10)
            doc.text(x, value, y=yy + 5)
        yy += 12
    else:
        for label, value in fields:
            doc.font(9.5, True)
            doc.text(MARGIN, f"{label}:", y=yy)
            doc.font(9.5)
            doc.text(70, value, y=yy)
            yy += LINE_H
    doc.font(9.5, True)
    doc.text(MARGIN, enclosed, y=yy + 2)
    doc.font(9)
    doc.text(125, "Make check payable and mail to:", y=y + 18)
    for i, s in enumerate(MAILING_ADDRESS):
        doc.text(125, s, y=y + 23 + i * 4.6)


_RENDERERS: dict[str, Callable[[_Doc, Bill], None]] = {
    "2026": _render_2026, "2024": _render_2024, "2022": _render_2022,
}


# ---------------------------------------------------------------- public API

def render_bill_pdf_bytes(bills: Sequence[Bill], layout: str = "2026") -> bytes:
    """Bills -> the bytes of a text-layer PDF in ``layout``."""
    if layout not in _RENDERERS:
        raise ValueError(f"unknown bill layout {layout!r}; known: {', '.join(LAYOUTS)}")
    if not bills:
        raise ValueError("no bills to render")
    doc = _Doc()
    for bill in bills:
        _RENDERERS[layout](doc, bill)
    return bytes(doc.pdf.output())


def write_bill_pdf(path: Path, bills: Sequence[Bill], layout: str = "2026",
                   scanned: bool = False) -> None:
    """Write ``bills`` as one PDF at ``path`` (image-only, like a paper scan, when ``scanned``)."""
    data = render_bill_pdf_bytes(bills, layout)
    if scanned:
        data = scan_pdf_bytes(data)
    Path(path).write_bytes(data)


def scan_pdf_bytes(pdf_bytes: bytes, dpi: int = SCAN_DPI) -> bytes:
    """A text PDF -> an image-only PDF: each page rendered, slightly rotated, noised, re-embedded."""
    import numpy as np
    import pypdfium2 as pdfium
    from PIL import Image

    src = pdfium.PdfDocument(pdf_bytes)
    rng = np.random.default_rng(SCAN_SEED)
    out = FPDF(unit="mm", format="Letter")
    out.set_creation_date(FIXED_CREATION_DATE)
    out.set_creator("recon.bills.render (scanned)")     # the old module name: samples/ stays byte-identical
    out.set_producer("recon.bills.render")
    out.set_auto_page_break(False)
    try:
        for i in range(len(src)):
            page = src[i]
            img = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
            page.close()
            img = img.rotate(SCAN_ROTATION_DEG * (1 if i % 2 == 0 else -1),
                             resample=Image.Resampling.BILINEAR, expand=False, fillcolor=255)
            arr = np.asarray(img, dtype=np.float32)
            arr = arr * 0.92 + 12 + rng.normal(0.0, SCAN_NOISE_SIGMA, arr.shape).astype(np.float32)
            img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), mode="L")
            buf = io.BytesIO()
            img.save(buf, format="JPEG", quality=80, optimize=False)
            out.add_page()
            buf.seek(0)
            out.image(buf, x=0, y=0, w=PAGE_W, h=PAGE_H)
    finally:
        src.close()
    return bytes(out.output())
