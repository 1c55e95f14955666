"""The Packet laid out as a PDF: cover and summary, month by month, discrepancies, calls, the
letter (recon.report.proof.letter) and the appendix of bank records the letter encloses.

fpdf2 with DejaVu Sans embedded (recon/report/fonts, subset by fpdf2), so names and text in any
language render; paragraphs are left-aligned (never justified); a fixed creation date (the
report's as-of day), so the same inputs give byte-identical files.
"""
from __future__ import annotations

import os
import tempfile
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from recon.model import WHEN_FORMAT, Report, Transaction
from recon.money import dollars
from recon.privacy import for_people
from recon.report.csv_out import (
    LedgerRow,
    bill_where,
    finding_evidence,
    payment_method,
    payment_reference,
    transaction_where,
)
from recon.report.json_report import mask_account
from recon.report.proof.packet import Packet, guide, type_label
from recon.report.proof.standing import footnote

ZERO = Decimal(0)
FONTS = Path(__file__).resolve().parent.parent / "fonts"
FAMILY = "DejaVu"


def _pdf_class():
    from fpdf import FPDF

    class ProofPDF(FPDF):
        footer_text = ""

        def footer(self) -> None:
            self.set_y(-12)
            self.set_font(FAMILY, size=8)
            self.set_text_color(100, 100, 100)
            self.cell(0, 5, self.footer_text, align="L")
            self.set_x(self.l_margin)
            self.cell(0, 5, f"page {self.page_no()} of {{nb}}", align="R")
            self.set_text_color(0, 0, 0)

    return ProofPDF


def new_pdf(packet: Packet):
    pdf = _pdf_class()(orientation="P", unit="mm", format="Letter")
    pdf.add_font(FAMILY, "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font(FAMILY, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    as_of = datetime.strptime(packet.as_of, "%Y-%m-%d").replace(tzinfo=UTC)
    pdf.set_creation_date(as_of)
    pdf.set_author(packet.owner or "")
    pdf.set_creator("recon")
    pdf.set_producer("recon (fpdf2)")
    pdf.set_auto_page_break(True, margin=16)
    pdf.set_margins(15, 15, 15)
    pdf.footer_text = f"Billing account {packet.account} - as of {packet.as_of}"
    return pdf


class Doc:
    """The packet's PDF with its few text styles: headings, paragraphs, tables."""

    def __init__(self, pdf, keep=()) -> None:  # type: ignore[no-untyped-def]
        from fpdf.fonts import FontFace

        self.pdf = pdf
        self.keep = keep      # the evidence numbers shown in full (recon.privacy)
        self.W = pdf.epw
        self.heading = FontFace(emphasis="BOLD", fill_color=(230, 234, 240))

    def shown(self, text: str) -> str:
        """Text as people read it: private numbers masked, no control characters."""
        return for_people(str(text), self.keep)

    def font(self, style: str, size: float) -> None:
        """"B" bold; "I" (a note) regular in grey: the embedded family has no italic."""
        self.pdf.set_font(FAMILY, "B" if "B" in style else "", size)
        self.pdf.set_text_color(*((80, 80, 80) if "I" in style else (0, 0, 0)))

    def h1(self, text: str) -> None:
        self.font("B", 13.5)
        self.pdf.multi_cell(self.W, 7, self.shown(text), align="L", new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(1)

    def h2(self, text: str, room: float = 45) -> None:
        if self.pdf.get_y() > self.pdf.h - room:
            self.pdf.add_page()
        self.pdf.ln(2)
        self.font("B", 12)
        self.pdf.multi_cell(self.W, 6, self.shown(text), align="L", new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(1)

    def para(self, text: str, size: float = 9.5, style: str = "", h: float = 4.6, indent: float = 0,
             masked: bool = False) -> None:
        """A left-aligned paragraph; ``masked``: the text was already made fit to show (exports)."""
        self.font(style, size)
        self.pdf.set_x(self.pdf.l_margin + indent)
        self.pdf.multi_cell(self.W - indent, h, text if masked else self.shown(text), align="L",
                            new_x="LMARGIN", new_y="NEXT")
        self.font("", size)

    def table(self, header: list[str], rows: list[list[str]], widths: tuple[float, ...], size: float = 8) -> None:
        self.font("", size)
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
    """Lay the packet out as a PDF (US Letter, DejaVu Sans embedded) and return its bytes."""
    from recon.report.proof.letter import letter

    pdf = new_pdf(packet)
    title = f"Payment record: MA Health Connector billing account {packet.account}"
    pdf.set_title(title)
    doc = Doc(pdf, report.evidence_numbers)
    pdf.add_page()
    doc.h1(title)
    _cover(doc, packet)
    _months(doc, report, packet)
    _discrepancies(doc, report, packet)
    _calls(doc, packet)
    pdf.add_page()
    letter(doc, report, packet)
    pdf.add_page()
    appendix(doc, report, packet)
    return bytes(pdf.output())


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


def _cover(doc: Doc, packet: Packet) -> None:
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
    rows, notes = [], []
    for r in packet.rows:
        s = packet.standing[r.ref.id]
        status = s.status
        if note := footnote(r, s):
            notes.append(f"({len(notes) + 1}) {r.bill.coverage_month}: {note}.")
            status += f" ({len(notes)})"
        rows.append([r.bill.coverage_month, r.bill.bill_date.isoformat(), r.bill.due_date.isoformat(),
                     dollars(s.amount_due), dollars(s.toward), status, dollars(r.state.charge), dollars(r.paid)])
    doc.table(["Coverage month", "Bill date", "Due date", "Amount due", "Paid toward it", "Status",
               "Month's charge", "Charge paid"], rows, (15, 15, 15, 14, 14, 17, 14, 14), size=8)
    for n in notes:
        doc.para(n, size=8)
    for n in packet.not_disputed:
        if n.txn is not None and "past-due" in n.reason:
            doc.para(f"{_txn_words(n.txn)} pays no bill in these records. {n.reason}", size=8)
    doc.pdf.ln(1)
    doc.para(f"{len(packet.findings)} discrepancy(ies) found, {len(packet.disputed)} disputed in the letter; "
             f"{len(packet.calls)} call(s) logged. 'Amount due' is what the bill asked (it includes earlier "
             "balances); 'paid toward it' counts every payment toward that amount; the status says whether it "
             "was met by the due date. 'Month's charge' is the member's share for the coverage month alone.",
             size=8.5)


def _txn_words(t: Transaction) -> str:
    ref = payment_reference(t)
    return (f"{dollars(abs(t.amount))} {'debited' if t.amount < 0 else 'credited'} {t.date.isoformat()}"
            + (f" ({ref})" if ref else ""))


def tx_line(t: Transaction, amount: Decimal | None = None) -> list[str]:
    ref = payment_reference(t)
    amt = dollars(amount if amount is not None else abs(t.amount))
    if amount is not None and amount != -t.amount:
        amt += f" of {dollars(abs(t.amount))}"
    when = t.date.isoformat()
    if t.date_written:
        when += f" (written {t.date_written.isoformat()})"
    return [when, amt, payment_method(t), ref or "-", mask_account(t.account) or "-", transaction_where(t)]


def _extra_for_month(report: Report, row: LedgerRow, packet: Packet) -> list[tuple[Transaction, str]]:
    """Debits and credits a finding ties to this month that pay nothing on it (returns, duplicates)."""
    txns = {t.id: t for t in report.transactions}
    paid = {p.transaction.id for p in row.payments}
    out: dict[str, tuple[Transaction, str]] = {}
    for n, f in enumerate(packet.findings, 1):
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


def _months(doc: Doc, report: Report, packet: Packet) -> None:
    """Bills and payments, month by month."""
    doc.h2("Bills and payments, month by month")
    for row in packet.rows:
        b, s = row.bill, packet.standing[row.ref.id]
        if doc.pdf.get_y() > doc.pdf.h - 50:
            doc.pdf.add_page()
        doc.para(f"Coverage {b.coverage_month}: bill dated {b.bill_date.isoformat()}, amount due "
                 f"{dollars(b.amount_due)}, due {b.due_date.isoformat()} - {s.status}", size=10, style="B", h=5)
        doc.para(f"Bill read from {bill_where(b)}. Paid toward the amount due: {dollars(s.toward)}"
                 + (f" ({dollars(s.late)} after the due date)" if s.late else "")
                 + f". This month's charge {dollars(row.state.charge)}, paid {dollars(row.paid)}.", size=8.5)
        cols = ["Date", "Amount", "Method", "Trace / check no.", "Bank acct", "Where in the bank export"]
        widths = (20, 17, 18, 26, 13, 50)
        lines = [tx_line(p.transaction, p.amount) for p in row.payments]
        if lines:
            doc.table(cols, lines, widths)
        else:
            doc.para("No payment toward this bill in the bank exports.", size=8.5, style="I")
            doc.pdf.ln(2)
        extra = _extra_for_month(report, row, packet)
        if extra:
            doc.para("Other Connector transactions about this month (they pay nothing on this bill):",
                     size=8.5, style="I")
            doc.table(cols, [[*(x := tx_line(t))[:2], f"{x[2]} ({why})", *x[3:]] for t, why in extra], widths)


def _discrepancies(doc: Doc, report: Report, packet: Packet) -> None:
    """Every finding with its evidence, and what the letter does with it."""
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
        elif (g := guide(report, f.type)) is not None:
            doc.para(f"What to do: {g.next_step}. Have at hand: {g.have_at_hand}.", size=8.5, style="I")
        if (item := packet.item_of(f)) is not None:
            doc.para(f"In the letter: item {item.number}.", size=8.5, style="I")
        elif (spared := packet.spared(f)) is not None:
            doc.para(f"Not disputed in the letter: {spared.reason}", size=8.5, style="I")
        for e in finding_evidence(report, f):
            doc.para(f"Evidence: {e}", size=8, indent=4)
        doc.pdf.ln(2)
    if packet.findings and report.contact:
        doc.para(f"Whom to call: {report.contact}", size=8.5)


def _calls(doc: Doc, packet: Packet) -> None:
    """The call log as a timeline."""
    doc.h2(f"Call log ({len(packet.calls)})", room=35)
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


def _compared_with(report: Report, packet: Packet, t: Transaction, pays: dict[str, list[str]]) -> list[str]:
    """The bills a transaction is compared with: those it pays, and those the findings about it name."""
    bills = {ref.id: ref.bill for ref in report.bills}
    ids = list(pays.get(t.id, ()))
    ids += [b for f in packet.findings if t.id in f.transaction_ids for b in f.bill_ids]
    out = []
    for bid in dict.fromkeys(ids):
        b = bills.get(bid)
        if b is None:
            continue
        got = f", payments received {dollars(b.payments_received)}" if b.payments_received is not None else ""
        out.append(f"bill dated {b.bill_date.isoformat()} for coverage {b.coverage_month}, account "
                   f"{b.billing_account}, amount due {dollars(b.amount_due)}{got}: {bill_where(b)}")
    return out


def appendix(doc: Doc, report: Report, packet: Packet) -> None:
    """The bank records the letter encloses: every transaction cited, as its export row stands."""
    doc.h1("Enclosure: bank records")
    doc.para("Every Connector transaction this packet cites, with the row as it stands in the bank export "
             "(file and line, or OFX FITID; an OFX record's lines are joined by spaces; account numbers are "
             "shown by their last four digits) and the bill page it is compared with.", size=8.5)
    doc.pdf.ln(2)
    txns = {t.id: t for t in report.transactions}
    cited_in: dict[str, list[str]] = {}
    for item in packet.disputed:
        if item.txn is not None:
            cited_in.setdefault(item.txn.id, []).append(f"letter item {item.number}")
    for n, f in enumerate(packet.findings, 1):
        for tid in f.transaction_ids:
            cited_in.setdefault(tid, []).append(str(n))
    by_txn: dict[str, list] = {}
    pays: dict[str, list[str]] = {}
    for row in packet.exports:
        pays.setdefault(row.txn_id, [])
    for a in report.matches:
        if a.transaction_id in pays:
            pays[a.transaction_id].append(a.bill_id)
    for row in packet.exports:
        by_txn.setdefault(row.txn_id, []).append(row)
    for n, (tid, rows) in enumerate(by_txn.items(), 1):
        t = txns[tid]
        if doc.pdf.get_y() > doc.pdf.h - 35:
            doc.pdf.add_page()
        kind = f"{payment_method(t)} {'debit' if t.amount < 0 else 'credit'}"
        got = list(dict.fromkeys(cited_in.get(tid, [])))
        items = [c for c in got if c.startswith("letter")]
        nums = [c for c in got if not c.startswith("letter")]
        cites = "; ".join(items + ([("discrepancy " if len(nums) == 1 else "discrepancies ") + ", ".join(nums)]
                                   if nums else []))
        doc.para(f"A{n}. {_txn_words(t)}, {kind}" + (f" - cited in {cites}" if cites else ""),
                 size=9, style="B", h=4.6)
        for r in rows:
            where = transaction_where_one(r.source)
            doc.para(f"{where}:", size=8, indent=4, h=3.8)
            if r.text is not None:
                doc.para(r.text, size=7.5, indent=8, h=3.6, masked=True)
            else:
                doc.para(f"({r.problem})", size=7.5, indent=8, h=3.6, style="I")
        for c in _compared_with(report, packet, t, pays) or ["no bill (it pays no bill in these records)"]:
            doc.para(f"Compared with: {c}", size=8, indent=4, h=3.8)
        doc.pdf.ln(1.5)


def transaction_where_one(s) -> str:  # type: ignore[no-untyped-def]
    from recon.report.csv_out import source_words

    return source_words(s)
