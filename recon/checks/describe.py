"""Words for findings: how a payment or a bill is named in a message a supervisor understands."""
from __future__ import annotations

from recon.model import Bill, Transaction
from recon.money import dollars


def payment_words(t: Transaction) -> str:
    """'$412.00 debited 2026-03-24 (trace 021000021234567)' / 'check 1043 for $412.00 ...'."""
    amount = dollars(abs(t.amount))
    if t.check_number:
        s = f"check {t.check_number} for {amount}"
        if t.date_written:
            s += f" written {t.date_written.isoformat()}"
        return s + f", cleared {t.date.isoformat()}"
    s = f"{amount} debited {t.date.isoformat()}"
    if t.trace:
        s += f" (trace {t.trace})"
    return s


def bill_words(b: Bill) -> str:
    return f"the bill dated {b.bill_date.isoformat()} for {b.coverage_month} (account {b.billing_account})"
