"""Transactions + Bills -> allocations, bill states and what paid no bill (see allocate.py);
which debits are AutoPay draws, recognised by their pattern (autopay_pattern.py); which credits
return which debits (returns.py)."""
from recon.match.allocate import (
    BillState,
    MatchResult,
    autopay_expected,
    bill_charge,
    bill_id_for,
    counts_on,
    match,
)

__all__ = ["BillState", "MatchResult", "autopay_expected", "bill_charge", "bill_id_for", "counts_on", "match"]
