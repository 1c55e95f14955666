"""The dispute letter to the Connector: one numbered item per disputed event, its total, the calls.

Each item opens with the event's facts (date, amount, method with trace or check number, billing
account, coverage month), then what the findings say, why money is not asked back where it is
not, what the member asks, and the amount in dispute; the total is the sum of those amounts.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from recon.model import Report
from recon.money import dollars
from recon.report.csv_out import payment_method, payment_reference
from recon.report.proof.dispute import Item
from recon.report.proof.packet import Packet, type_label

ZERO = Decimal(0)
CONNECTOR_ADDRESS = ("MA Health Connector", "P.O. Box 970063", "Boston, MA 02297-0063")


def long_date(iso: str) -> str:
    d = datetime.strptime(iso, "%Y-%m-%d")
    return f"{d:%B} {d.day}, {d.year}"


def item_facts(item: Item) -> str:
    """Date, amount, trace or check number, billing account, coverage month."""
    t = item.txn
    if t is None:
        bits = [f"{dollars(item.amount)}"]
    else:
        ref = payment_reference(t)
        kind = f"{payment_method(t)} {'debit' if t.amount < 0 else 'credit'}"
        when = t.date.isoformat() + (f" (written {t.date_written.isoformat()})" if t.date_written else "")
        ref = ref or "no trace or check number in the bank record (see the enclosure)"
        bits = [f"{when}, {dollars(item.amount)} {kind}, {ref}"]
    bits.append(f"billing account {item.account}")
    if item.coverage_month:
        bits.append(("coverage months " if "," in item.coverage_month else "coverage month ") + item.coverage_month)
    return "; ".join(bits)


def item_text(report: Report, item: Item) -> str:
    head = " / ".join(dict.fromkeys(type_label(report, f.type) for f in item.findings))
    text = f"{head}: {item_facts(item)}. " + " ".join(dict.fromkeys(f.message for f in item.findings))
    if item.notes:
        text += " " + " ".join(item.notes)
    text += " Please " + "; and ".join(item.asks) + "."
    what = dollars(item.in_dispute) if item.in_dispute else "none (no money asked)"
    return text + f" Amount in dispute: {what}."


def letter(doc, report: Report, packet: Packet) -> None:  # type: ignore[no-untyped-def]
    pdf, para = doc.pdf, doc.para
    para(packet.owner or "______________________", size=10.5, h=5.2)
    para("______________________\n______________________", size=10.5, h=5.2)
    pdf.ln(4)
    para(long_date(packet.as_of), size=10.5, h=5.2)
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
        for item in packet.disputed:
            doc.font("", 10)
            pdf.set_x(pdf.l_margin)
            pdf.cell(7, 5, f"{item.number}.")
            pdf.multi_cell(doc.W - 7, 5, doc.shown(item_text(report, item)), align="L",
                           new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1.5)
        total = sum((i.in_dispute for i in packet.disputed), ZERO)
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
    para("Enclosed: payment record for this account (the preceding pages) and my bank records "
         "(the enclosure that follows this letter).", size=9, style="I")
