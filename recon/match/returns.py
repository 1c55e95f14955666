"""Credits -> the debits they return: a return or reversal pairs with the debit it reverses.

Input: the run's Connector transactions and its credits. Output: (debit, credit) pairs and the ids
of both sides. A credit worded as a return (RETURN, REVERSAL, R01 ...) pairs with the latest earlier
debit of the same amount within ``return_window_business_days`` (or ``late_return_window_days`` for
the late return codes); a credit not worded either way pairs only within 3 business days; a credit
that says it is a refund never pairs (it is the Connector giving money back).
"""
from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal

from recon.config import Config
from recon.dates import business_days_between
from recon.model import Transaction

_REFUND = re.compile(r"\bREFUNDS?\b|\bREFUNDED\b")


def pair_returns(txs: list[Transaction], credits: list[Transaction], config: Config
                  ) -> tuple[list[tuple[Transaction, Transaction]], set[str]]:
    used: set[str] = set()
    if not credits:
        return [], used
    debits_by_amount: dict[Decimal, list[Transaction]] = defaultdict(list)  # -amount -> debits, in order
    for t in txs:
        if t.amount < 0:
            debits_by_amount[-t.amount].append(t)
    pairs = []
    window = config.tolerances.return_window_business_days
    for c in sorted(credits, key=lambda t: (t.date, t.id)):
        cands = [d for d in debits_by_amount.get(c.amount, ()) if d.id not in used and d.date <= c.date
                 and (business_days_between(d.date, c.date) <= window
                      or (c.role == "return" and (c.date - d.date).days
                          <= config.tolerances.late_return_window_days))]
        if c.role != "return":
            # A credit that says it is a refund is the Connector giving money back, never a debit
            # coming back; one not worded either way only pairs when it follows within days.
            if _REFUND.search(c.description.upper()):
                continue
            cands = [d for d in cands if business_days_between(d.date, c.date) <= 3]
        if not cands:
            continue
        d = max(cands, key=lambda x: (x.date, x.id))
        used.add(d.id)
        used.add(c.id)
        pairs.append((d, c))
    return pairs, used
