"""Report + one billing account + the call log -> proof.pdf, the packet a member sends or reads
from on the phone to a Connector billing supervisor.

Input: a ``Report``, a billing account number, an optional coverage-month range, the calls
(recon.jobs.calls) and, optionally, the account holder's name.
Output: PDF bytes (``build_proof``) or OUTDIR/proof.pdf written atomically (``write_proof``).

The packet holds, for every coverage month, the bill (date, amount due, due date, where it was
read) and each payment toward it (date, amount, method, ACH trace or check number, bank account
last four, where it appears in the bank exports: file + line or FITID); the discrepancies (the
findings about that account) each with its evidence; the call log as a timeline; and a short
dispute letter to the Connector's payment address naming the billing account and listing the
disputed items with amounts, dates and trace numbers.

fpdf2 with core fonts only (Helvetica: Latin-1 text, so other characters are transliterated), and a
fixed creation date (the report's as-of day), so the same inputs give byte-identical files.
"""
from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from recon.model import WHEN_FORMAT, Call, Finding, FindingType, Report, Transaction
from recon.money import dollars
from recon.privacy import for_people
from recon.report.csv_out import (
    LedgerRow,
    bill_where,
    finding_evidence,
    findings_for,
    ledger,
    payment_method,
    payment_reference,
    transaction_where,
)
from recon.report.json_report import mask_account

ZERO = Decimal(0)

CONNECTOR_ADDRESS = ("MA Health Connector", "P.O. Box 970063", "Boston, MA 02297-0063")

# Finding types the member asks the Connector to correct, with what to ask for. Other types
# (unpaid, partial, late, returned for insufficient funds, coverage at risk) are the member's to
# settle; they appear in the discrepancies section but not in the letter.
def _guide(report: Report, t: str) -> FindingType | None:
    """The finding type's registry entry (recon.checks.registry), as the Report carries it."""
    return next((g for g in report.guidance if g.type == t), None)


def type_label(report: Report, t: str) -> str:
    g = _guide(report, t)
    return g.label if g else t.replace("_", " ").capitalize()


STATUS_WORDS = {"paid": "paid", "late": "paid late", "partial": "partly paid", "unpaid": "unpaid",
                "open": "not yet due", "credit": "credit"}

_REPLACE = {"\u2014": "-", "\u2013": "-", "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
            "\u2026": "...", "\u2192": "->", "\u2248": "~", "\u2022": "*", "\u00a0": " "}


def latin1(text: str) -> str:
    """Text the core PDF fonts can show: common punctuation mapped, accents kept, others '?'."""
    s = "".join(_REPLACE.get(ch, ch) for ch in str(text))
    try:
        s.encode("latin-1")
        return s
    except UnicodeEncodeError:
        out = []
        for ch in s:
            try:
                ch.encode("latin-1")
                out.append(ch)
            except UnicodeEncodeError:
                base = unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode()
                out.append(base or "?")
        return "".join(out)


def _month_after(d) -> str:
    y, m = (d.year + 1, 1) if d.month == 12 else (d.year, d.month + 1)
    return f"{y:04d}-{m:02d}"


@dataclass(frozen=True)
class Packet:
    """Everything the PDF shows, selected and ordered (no layout)."""

    account: str
    as_of: str
    owner: str | None
    plan: str | None
    plan_name: str | None
    enrollment_id: str | None
    subscriber_id: str | None
    period: tuple[str, str]
    rows: tuple[LedgerRow, ...]
    findings: tuple[Finding, ...]
    disputed: tuple[tuple[Finding, ...], ...]   # letter items: findings about the same money grouped
    calls: tuple[Call, ...]
    bank_accounts: tuple[str, ...]


class UnknownAccount(ValueError):
    """The billing account is not on any bill read; ``accounts`` lists those found."""

    def __init__(self, account: str, accounts: list[str]) -> None:
        self.account = account
        self.accounts = accounts
        found = ", ".join(accounts) if accounts else "none (no Connector bill was read)"
        super().__init__(f"billing account {account} is not on any bill read; accounts found: {found}")


def accounts_in(report: Report) -> list[str]:
    return sorted({ref.bill.billing_account for ref in report.bills})


def _in_period(f: Finding, report: Report, start: str, end: str) -> bool:
    if f.coverage_month:
        return start <= f.coverage_month <= end
    txns = {t.id: t for t in report.transactions}
    months = [_month_after(txns[t].date) for t in f.transaction_ids if t in txns]
    return not months or any(start <= m <= end for m in months)


def _disputable(report: Report, f: Finding) -> bool:
    """A finding the member asks the Connector to correct (its registry entry has a dispute)."""
    g = _guide(report, f.type)
    if g is None or not g.dispute or f.severity == "low" or f.accepted:
        return False
    if f.type == "duplicate_draw":
        refunded = {d for d, _ in report.refunds}
        if any(t in refunded for t in f.transaction_ids):
            return False                 # already refunded: listed as a discrepancy, not disputed
    # An AutoPay draw below the amount due took nothing wrongly: not disputed.
    return not (f.type == "autopay_amount_mismatch" and f.amount is not None and f.amount < 0)


def _group(findings: tuple[Finding, ...]) -> tuple[tuple[Finding, ...], ...]:
    """Findings about the same money (same amount, a transaction in common) become one letter item."""
    groups: list[list[Finding]] = []
    for f in findings:
        for g in groups:
            if any(set(f.transaction_ids) & set(h.transaction_ids) and
                   (f.amount is None or h.amount is None or abs(f.amount) == abs(h.amount)) for h in g):
                g.append(f)
                break
        else:
            groups.append([f])
    return tuple(tuple(g) for g in groups)


def select(report: Report, account: str, calls: list[Call], month_from: str | None = None,
           month_to: str | None = None, owner: str | None = None) -> Packet:
    """Pick the account's bills in [month_from, month_to], its findings and calls.

    Raises UnknownAccount when no bill names ``account``; ValueError when the range holds no bill.
    """
    books = ledger(report)
    if account not in books:
        raise UnknownAccount(account, accounts_in(report))
    all_rows = books[account]
    first, last = all_rows[0].bill.coverage_month, all_rows[-1].bill.coverage_month
    start, end = month_from or first, month_to or last
    rows = tuple(r for r in all_rows if start <= r.bill.coverage_month <= end)
    if not rows:
        raise ValueError(f"no bill for account {account} covers {start} to {end}; "
                         f"its bills cover {first} to {last}")
    # Without a range, everything about the account (a draw after the plan ended has no bill).
    findings = tuple(f for f in findings_for(report, account)
                     if (month_from is None and month_to is None) or _in_period(f, report, start, end))
    disputed = _group(tuple(f for f in findings if _disputable(report, f)))
    b0 = rows[0].bill
    txns = {t.id: t for t in report.transactions}
    banks = sorted({m for r in rows for p in r.payments if (m := p.bank_account)}
                   | {m for f in findings for t in f.transaction_ids if t in txns
                      if (m := mask_account(txns[t].account))})
    return Packet(
        account=account, as_of=report.as_of.isoformat(),
        owner=owner or next((r.bill.subscriber_name for r in rows if r.bill.subscriber_name), None),
        plan=next((r.bill.plan for r in rows if r.bill.plan), None),
        plan_name=next((r.bill.plan_name for r in rows if r.bill.plan_name), None),
        enrollment_id=b0.enrollment_id, subscriber_id=b0.subscriber_id, period=(start, end),
        rows=rows, findings=findings, disputed=disputed,
        calls=tuple(sorted((c for c in calls if c.account in (None, account)),
                           key=lambda c: (c.when, c.line or 0))),
        bank_accounts=tuple(banks))


# ------------------------------------------------------------------ layout

def _pdf_class():
    from fpdf import FPDF

    class ProofPDF(FPDF):
        footer_text = ""

        def footer(self) -> None:
            self.set_y(-12)
            self.set_font("Helvetica", size=8)
            self.set_text_color(100, 100, 100)
            self.cell(0, 5, latin1(self.footer_text), align="L")
            self.set_x(self.l_margin)
            self.cell(0, 5, f"page {self.page_no()} of {{nb}}", align="R")
            self.set_text_color(0, 0, 0)

    return ProofPDF


def _tx_line(t: Transaction, amount: Decimal | None = None) -> list[str]:
    ref = payment_reference(t)
    amt = dollars(amount if amount is not None else abs(t.amount))
    if amount is not None and amount != -t.amount:
        amt += f" of {dollars(abs(t.amount))}"
    when = t.date.isoformat()
    if t.date_written:
        when += f" (written {t.date_written.isoformat()})"
    return [when, amt, payment_method(t), ref or "-", mask_account(t.account) or "-", transaction_where(t)]


def _extra_for_month(report: Report, row: LedgerRow, findings: tuple[Finding, ...]
                     ) -> list[tuple[Transaction, str]]:
    """Debits and credits a finding ties to this month that pay nothing on it (returns, duplicates)."""
    txns = {t.id: t for t in report.transactions}
    paid = {p.transaction.id for p in row.payments}
    out: dict[str, tuple[Transaction, str]] = {}
    for n, f in enumerate(findings, 1):
        if f.coverage_month != row.bill.coverage_month and row.ref.id not in f.bill_ids:
            continue
        for tid in f.transaction_ids:
            if tid in txns and tid not in paid:
                t, notes = out.get(tid, (txns[tid], ""))
                out[tid] = (t, f"{notes}, {n}" if notes else f"see discrepancy {n}")
    for dup_id, refund_id in report.refunds:
        if dup_id in out and refund_id not in out and refund_id not in paid and refund_id in txns:
            out[refund_id] = (txns[refund_id], "refund of the duplicate draw")
    return sorted(out.values(), key=lambda x: (x[0].date, x[0].id))


def item_amount(group: tuple[Finding, ...]) -> Decimal:
    return max((abs(f.amount) for f in group if f.amount is not None), default=ZERO)


def _letter_item(report: Report, group: tuple[Finding, ...]) -> str:
    """One disputed item: what, which month, how much, the facts with trace numbers, what to do."""
    txns = {t.id: t for t in report.transactions}
    first = group[0]
    head = " / ".join(dict.fromkeys(type_label(report, f.type) for f in group))
    if first.coverage_month:
        head += f", coverage month {first.coverage_month}"
    amount = item_amount(group)
    if amount:
        head += f", {dollars(amount)}"
    text = f"{head}: " + " ".join(f.message for f in group)
    missing = []
    for tid in dict.fromkeys(t for f in group for t in f.transaction_ids):
        t = txns.get(tid)
        if t is None:
            continue
        r = payment_reference(t)
        key = t.trace or t.check_number or r
        if key and key in text:
            continue                     # the message already quotes it
        missing.append(f"{dollars(abs(t.amount))} {'debited' if t.amount < 0 else 'credited'} "
                       f"{t.date.isoformat()}" + (f", {r}" if r else ""))
    if missing:
        text += " Bank record: " + "; ".join(missing) + "."
    asks = list(dict.fromkeys(g.dispute for f in group if (g := _guide(report, f.type)) and g.dispute))
    return text + " Please " + "; and ".join(asks) + "."


def _long_date(iso: str) -> str:
    d = datetime.strptime(iso, "%Y-%m-%d")
    return f"{d:%B} {d.day}, {d.year}"


class _Doc:
    """The packet's PDF with its few text styles: headings, paragraphs, tables."""

    def __init__(self, pdf, keep=()) -> None:  # type: ignore[no-untyped-def]
        from fpdf.fonts import FontFace

        self.pdf = pdf
        self.keep = keep      # the evidence numbers shown in full (recon.privacy)
        self.W = pdf.epw
        self.heading = FontFace(emphasis="BOLD", fill_color=(230, 234, 240))

    def shown(self, text: str) -> str:
        """Text as people read it: private numbers masked, no control characters, core-font safe."""
        return latin1(for_people(str(text), self.keep))

    def h1(self, text: str) -> None:
        self.pdf.set_font("Helvetica", "B", 15)
        self.pdf.multi_cell(self.W, 7, self.shown(text), new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(1)

    def h2(self, text: str) -> None:
        if self.pdf.get_y() > self.pdf.h - 45:
            self.pdf.add_page()
        self.pdf.ln(2)
        self.pdf.set_font("Helvetica", "B", 12)
        self.pdf.multi_cell(self.W, 6, self.shown(text), new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(1)

    def para(self, text: str, size: float = 9.5, style: str = "", h: float = 4.6) -> None:
        self.pdf.set_font("Helvetica", style, size)
        self.pdf.multi_cell(self.W, h, self.shown(text), new_x="LMARGIN", new_y="NEXT")

    def table(self, header: list[str], rows: list[list[str]], widths: tuple[float, ...], size: float = 8) -> None:
        self.pdf.set_font("Helvetica", size=size)
        with self.pdf.table(col_widths=widths, headings_style=self.heading, line_height=size * 0.48,
                            borders_layout="HORIZONTAL_LINES", text_align="LEFT", padding=1,
                            width=self.W) as t:
            r = t.row()
            for c in header:
                r.cell(self.shown(c))
            for row in rows:
                r = t.row()
                for c in row:
                    r.cell(self.shown(c))
        self.pdf.ln(2)


def build_proof(report: Report, packet: Packet) -> bytes:
    """Lay the packet out as a PDF (US Letter, core fonts) and return its bytes."""
    pdf = _pdf_class()(orientation="P", unit="mm", format="Letter")
    as_of = datetime.strptime(packet.as_of, "%Y-%m-%d").replace(tzinfo=UTC)
    pdf.set_creation_date(as_of)
    title = f"Payment record: MA Health Connector billing account {packet.account}"
    pdf.set_title(latin1(title))
    pdf.set_author(latin1(packet.owner or ""))
    pdf.set_creator("recon")
    pdf.set_producer("recon (fpdf2)")
    pdf.set_auto_page_break(True, margin=16)
    pdf.set_margins(15, 15, 15)
    pdf.footer_text = f"Billing account {packet.account} - as of {packet.as_of}"
    doc = _Doc(pdf, report.evidence_numbers)
    pdf.add_page()
    doc.h1(title)
    _cover(doc, packet)
    _months(doc, report, packet)
    _discrepancies(doc, report, packet)
    _calls(doc, packet)
    pdf.add_page()
    _letter(pdf, report, packet, doc.para)
    return bytes(pdf.output())


def _cover(doc: _Doc, packet: Packet) -> None:
    """Who, what, and the summary table."""
    who = []
    if packet.owner:
        who.append(f"Account holder: {packet.owner}")
    plan = " / ".join(x for x in (packet.plan, packet.plan_name) if x)
    if plan:
        who.append(f"Plan: {plan}")
    if packet.enrollment_id:
        who.append(f"Enrollment ID: {packet.enrollment_id}")
    if packet.subscriber_id:
        who.append(f"Member ID: {packet.subscriber_id}")
    who.append(f"Coverage months: {packet.period[0]} to {packet.period[1]}; prepared as of {packet.as_of}")
    if packet.bank_accounts:
        who.append("Paid from bank account(s): " + ", ".join(packet.bank_accounts))
    doc.para("\n".join(who))
    doc.pdf.ln(2)
    doc.h2("Summary")
    doc.table(["Coverage month", "Bill date", "Amount due", "Due date", "Billed", "Paid", "Status"],
          [[r.bill.coverage_month, r.bill.bill_date.isoformat(), dollars(r.bill.amount_due),
            r.bill.due_date.isoformat(), dollars(r.state.charge), dollars(r.paid),
            STATUS_WORDS.get(r.status, r.status)] for r in packet.rows],
          (16, 15, 14, 15, 14, 14, 16), size=8.5)
    doc.para(f"{len(packet.findings)} discrepancy(ies) found, {len(packet.disputed)} disputed in the letter; "
         f"{len(packet.calls)} call(s) logged. 'Billed' is the member's share for the coverage month; "
         "'amount due' is what the bill asked (it includes earlier balances).", size=8.5)


def _months(doc: _Doc, report: Report, packet: Packet) -> None:
    """Bills and payments, month by month."""
    doc.h2("Bills and payments, month by month")
    for row in packet.rows:
        b = row.bill
        if doc.pdf.get_y() > doc.pdf.h - 50:
            doc.pdf.add_page()
        doc.para(f"Coverage {b.coverage_month}: bill dated {b.bill_date.isoformat()}, amount due "
             f"{dollars(b.amount_due)}, due {b.due_date.isoformat()} - {STATUS_WORDS.get(row.status, row.status)}",
             size=10, style="B", h=5)
        doc.para(f"Bill read from {bill_where(b)}. Billed {dollars(row.state.charge)}, paid {dollars(row.paid)}"
             + (f" ({dollars(row.state.paid_late)} after the due date)" if row.state.paid_late else "") + ".",
             size=8.5)
        cols = ["Date", "Amount", "Method", "Trace / check no.", "Bank acct", "Where in the bank export"]
        widths = (20, 17, 18, 26, 13, 50)
        lines = [_tx_line(p.transaction, p.amount) for p in row.payments]
        if lines:
            doc.table(cols, lines, widths)
        else:
            doc.para("No payment toward this bill in the bank exports.", size=8.5, style="I")
            doc.pdf.ln(2)
        extra = _extra_for_month(report, row, packet.findings)
        if extra:
            doc.para("Other Connector transactions about this month (they pay nothing on this bill):",
                 size=8.5, style="I")
            doc.table(cols, [[*(x := _tx_line(t))[:2], f"{x[2]} ({why})", *x[3:]] for t, why in extra], widths)


def _discrepancies(doc: _Doc, report: Report, packet: Packet) -> None:
    """Every finding with its evidence."""
    doc.h2(f"Discrepancies ({len(packet.findings)})")
    if not packet.findings:
        doc.para("None: every payment matches a bill and every bill was paid on time.")
    for n, f in enumerate(packet.findings, 1):
        if doc.pdf.get_y() > doc.pdf.h - 40:
            doc.pdf.add_page()
        head = f"{n}. [{f.severity.upper()}] {type_label(report, f.type)}"
        if f.coverage_month:
            head += f" - coverage {f.coverage_month}"
        if f.amount is not None and f.amount != ZERO:
            head += f" - {dollars(abs(f.amount))}"
        doc.para(head, size=9.5, style="B", h=5)
        doc.para(f.message, size=9)
        if f.accepted:
            doc.para(f"Accepted: {f.accepted}", size=8.5, style="I")
        elif (g := _guide(report, f.type)) is not None:
            doc.para(f"What to do: {g.next_step}. Have at hand: {g.have_at_hand}.", size=8.5, style="I")
        for e in finding_evidence(report, f):
            doc.para(f"    Evidence: {e}", size=8)
        doc.pdf.ln(2)
    if packet.findings and report.contact:
        doc.para(f"Whom to call: {report.contact}", size=8.5)


def _calls(doc: _Doc, packet: Packet) -> None:
    """The call log as a timeline."""
    doc.h2(f"Call log ({len(packet.calls)})")
    if not packet.calls:
        doc.para("No calls logged for this account. Record each call with `recon calls add` "
             "(date and time, representative's first name and ID, what was said and promised, case number).",
             size=9)
    for c in packet.calls:
        if doc.pdf.get_y() > doc.pdf.h - 35:
            doc.pdf.add_page()
        rep = c.rep + (f" (ID {c.rep_id})" if c.rep_id else "")
        head = " - ".join(x for x in (c.when.strftime(WHEN_FORMAT), c.department, rep,
                                      f"case {c.case}" if c.case else "") if x)
        doc.para(head, size=9.5, style="B", h=5)
        if c.account is None:
            doc.para("(no billing account recorded for this call)", size=8, style="I")
        if c.said:
            doc.para(f"Said: {c.said}", size=9)
        if c.promised:
            doc.para(f"Promised: {c.promised}", size=9)
        doc.pdf.ln(1.5)


def _letter(pdf, report: Report, packet: Packet, para) -> None:
    W = pdf.epw
    para(packet.owner or "______________________", size=10.5, h=5.2)
    para("______________________\n______________________", size=10.5, h=5.2)
    pdf.ln(4)
    para(_long_date(packet.as_of), size=10.5, h=5.2)
    pdf.ln(4)
    para("\n".join(CONNECTOR_ADDRESS), size=10.5, h=5.2)
    pdf.ln(5)
    ids = f"Billing Account Number {packet.account}"
    if packet.enrollment_id:
        ids += f"; Enrollment ID {packet.enrollment_id}"
    if packet.subscriber_id:
        ids += f"; Member ID {packet.subscriber_id}"
    para(f"Re: {ids} - request to correct my billing account", size=10.5, style="B", h=5.2)
    pdf.ln(3)
    para("Dear Billing Department,", size=10.5, h=5.2)
    pdf.ln(2)
    plan = f" ({packet.plan})" if packet.plan else ""
    if not packet.disputed:
        para(f"I have reviewed my billing account {packet.account}{plan} for coverage months "
             f"{packet.period[0]} to {packet.period[1]} against my bank records and find no item to dispute. "
             "Please confirm in writing the balance on the account.", size=10.5, h=5.2)
    else:
        para(f"I dispute the following items on billing account {packet.account}{plan}, for coverage months "
             f"{packet.period[0]} to {packet.period[1]}. My bank records (enclosed, with trace and check "
             "numbers) show:", size=10.5, h=5.2)
        pdf.ln(2)
        for n, f in enumerate(packet.disputed, 1):
            pdf.set_font("Helvetica", size=10)
            pdf.set_x(pdf.l_margin)
            pdf.cell(7, 5, f"{n}.")
            pdf.multi_cell(W - 7, 5, latin1(for_people(_letter_item(report, f), report.evidence_numbers)), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1.5)
        total = sum((item_amount(g) for g in packet.disputed), ZERO)
        pdf.ln(1)
        para(f"Total of the disputed items: {dollars(total)}.", size=10.5, h=5.2)
        pdf.ln(1)
        para("Please correct my account for each item above and send me written confirmation of the "
             "corrections and of the resulting balance.", size=10.5, h=5.2)
    cases = [c for c in packet.calls if c.case]
    if cases:
        pdf.ln(1)
        para("I have called about this: " + "; ".join(
            f"{c.when.strftime('%Y-%m-%d')} (case {c.case}" + (f", {c.rep}" if c.rep else "") + ")"
            for c in cases) + ".", size=10.5, h=5.2)
    pdf.ln(5)
    para("Sincerely,", size=10.5, h=5.2)
    pdf.ln(12)
    para("______________________", size=10.5, h=5.2)
    para(packet.owner or "", size=10.5, h=5.2)
    pdf.ln(4)
    para("Enclosed: payment record for this account (the preceding pages).", size=9, style="I")


def write_proof(report: Report, packet: Packet, outdir: Path, name: str = "proof.pdf") -> Path:
    """Write OUTDIR/proof.pdf atomically (a killed run leaves the old file or the new one, whole)."""
    data = build_proof(report, packet)
    outdir.mkdir(parents=True, exist_ok=True)
    path = outdir / name
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.", dir=outdir)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def parse_month_arg(value: str | None) -> str | None:
    """'YYYY-MM' or None; ValueError otherwise."""
    if value is None:
        return None
    if not _MONTH.match(value.strip()):
        raise ValueError(f"expected a coverage month YYYY-MM, got {value!r}")
    return value.strip()
