"""The finding types: one entry per type, beside the checks that make them.

Each entry says what a member (or an advocate) needs to act on a finding: its usual severity (a
check may raise or lower it, as its module's docstring says), a short label, what it means, whom to
call and what to ask, what to have at hand, and what a dispute letter asks (empty for a type the
letter does not dispute). The run puts the
entries of the types it found into its Report (``Report.guidance``), which every output reads; the
README's table lists the same types (a test ties them), so a new finding type is described once, here.

The Connector's numbers and addresses (CONNECTOR_CONTACT) are those of ../shared/domain.md, section
"Whom to call, and what to have at hand", and are written nowhere else in the code.
"""
from __future__ import annotations

from recon.model import FindingType

# Whom to call, as ../shared/domain.md ("Whom to call, and what to have at hand") states it.
CONNECTOR_CONTACT = ("Health Connector Customer Service: 1-877-MA-ENROLL (1-877-623-6765), TTY 1-877-623-7773; "
                     "choose Billing and ask for a supervisor (payments cannot be made by phone). Letters and "
                     "refund requests: Massachusetts Health Connector, 133 Portland Street, Boston, MA 02114. "
                     "Mailed payments: MA Health Connector, P.O. Box 970063, Boston, MA 02297-0063.")


FINDING_TYPES: dict[str, FindingType] = {t.type: t for t in (
    FindingType(
        "unmatched_charge", "high", "Charge that pays no bill",
        "the Connector took money that pays no bill: after the plan ended, or an amount that fits nothing",
        "the Connector, billing: ask what the payment was applied to, and for a refund if it was "
        "applied to nothing",
        "date, amount, trace number, the billing account, the plan end date and the termination "
        "notice if you have it",
        "refund this charge: it pays no bill on this account"),
    FindingType(
        "duplicate_draw", "high", "Paid twice",
        "two debits for one bill: AutoPay plus a manual payment, or two draws",
        "the Connector, billing: ask for a refund of the second debit or to credit it to the next "
        "bill, and (if AutoPay drew after you paid) to check your AutoPay setting",
        "both debits (dates, amounts, trace or check numbers), the bill's amount due",
        "refund the second draw (the bill was already paid)"),
    FindingType(
        "balance_discrepancy", "medium", "Bill disagrees with the bank",
        "a bill disagrees with the bank (a payment missing from payments received), with itself "
        "(arithmetic), or with the previous bill (balance not carried)",
        "the Connector, billing: ask them to post the missing payment and send a corrected bill",
        "the bill's date and the line that is wrong, the payment's date, amount and trace number, "
        "the bank statement page",
        "credit the payment(s) shown by my bank to this account and correct the balance"),
    FindingType(
        "unpaid_bill", "high", "Not paid",
        "nothing paid toward a bill by its due date",
        "pay it now (coverage can end); if you did pay, the Connector with proof",
        "the bill (amount due, due date); if paid: date, amount, trace or check number",
        ""),
    FindingType(
        "partial_payment", "high", "Paid in part",
        "less than the amount due was paid by the due date",
        "pay the rest now; ask the Connector whether the coverage is intact",
        "the amount still owed, the payments made (dates, amounts, trace numbers)",
        ""),
    FindingType(
        "late_payment", "medium", "Paid late",
        "paid in full, after the due date",
        "the Connector, only if a termination or grace-period notice arrives: ask them to confirm "
        "coverage",
        "payment date, amount, trace number, the due date",
        ""),
    FindingType(
        "returned_payment", "high", "Payment came back",
        "a debit came back (insufficient funds, account closed, stopped): the bill is unpaid again",
        "first your bank (why it was returned; the return code); then pay the Connector again "
        "promptly and ask it to waive any returned-payment fee",
        "the debit and the return (dates, amounts, trace number, return code such as R01), the "
        "re-payment",
        ""),
    FindingType(
        "autopay_amount_mismatch", "medium", "AutoPay drew the wrong amount",
        "AutoPay drew an amount other than the bill's balance due",
        "the Connector, billing: ask why and to correct the AutoPay amount; pay the difference if "
        "it drew too little, ask for a refund if too much",
        "the bill's amount due and date, the draw's date, amount and trace number",
        "explain the AutoPay amount and correct the amount due"),
    FindingType(
        "autopay_after_cancellation", "high", "AutoPay after cancelling",
        "AutoPay drew after you cancelled it",
        "the Connector, billing: ask for a refund and written confirmation of the cancellation; if "
        "it is not refunded, your bank: dispute the debit as unauthorized",
        "the cancellation date and how you cancelled, the draw (date, amount, trace number)",
        "refund this draw and confirm in writing that AutoPay is cancelled"),
    FindingType(
        "check_not_cashed", "medium", "Check not cashed",
        "a check to the Connector has not cleared after the usual time",
        "the Connector: ask whether it was received and posted; if lost, your bank: stop payment on "
        "it, then pay another way",
        "check number, amount, date written, the billing account on its memo",
        ""),
    FindingType(
        "coverage_at_risk", "high", "Coverage at risk",
        "unpaid or short months put the coverage at risk",
        "the Connector at once: ask the status of the coverage, the exact amount to pay to keep or "
        "reinstate it and by when",
        "the billing account, the unpaid months and amounts, any notices received",
        ""),
)}


def finding_type(name: str) -> FindingType:
    """The registry entry of a finding type (KeyError for a type no check makes)."""
    return FINDING_TYPES[name]
