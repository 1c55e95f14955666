"""Connector Transactions -> which debits are AutoPay draws, recognised by their pattern.

Input: the run's Connector transactions and the Config. Output: {transaction id: why}, for the
debits that are AutoPay draws. A person tells an AutoPay draw from a one-time payment by what it
looks like over the year, not only by a word in its text, and so does this module:

* the words AUTOPAY / AUTO PAY / RECURRING in the text (set by normalize as ``Transaction.autopay``);
* the household's own recurring Connector draw: debits of one *descriptor signature* (the bank
  account, and the ACH company id, entry description and SEC code, or the text with its dates and
  numbers taken out) that post month after month in the AutoPay window, from the 22nd to
  ``tolerances.autopay_window_business_days`` business days later. A signature counts as AutoPay
  when at least ``AUTOPAY_MIN_MONTHS`` of its draws, in different months, post in that window and
  at least half of all its draws do (the first draw of a new AutoPay comes right away, outside it);
* a descriptor that names a one-time payment (web/online payment, bill pay, a check) is never
  taken for AutoPay by its pattern: a member who pays online on the 24th every month pays late.

The config's AutoPay periods are more evidence, applied where a draw is judged (recon.match.allocate).
Pure: no clock, no files.
"""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from recon.config import Config
from recon.dates import add_business_days
from recon.model import Transaction

AUTOPAY_MIN_MONTHS = 2

# Entry descriptions and payee texts of payments the member makes one at a time.
_ONE_TIME = re.compile(r"\b(WEB\s*PMT|WEB\s*PAY|ONLINE\s*(PMT|PAYMENT)|ON-?LINE|ONE[\s-]*TIME|BILL\s*PAY|"
                       r"BILLPAY|CHECK\s*(PYMT|PMT|PAYMENT)|CHECK|CHK|ARC|POS|CARD|TEL\s*PMT)\b", re.I)
_NOISE = re.compile(r"[\d#:/.,*-]+")


def signature(t: Transaction) -> tuple[str, ...]:
    """What stays the same on every draw of one arrangement: the bank account and the descriptor."""
    a = t.ach
    if a is not None and (a.company_id or a.entry_description or a.sec_code):
        return (t.account or "", (a.company_id or "").strip().upper(),
                " ".join((a.entry_description or "").upper().split()), (a.sec_code or "").strip().upper())
    return (t.account or "", " ".join(_NOISE.sub(" ", t.description.upper()).split()))


def in_autopay_window(d: date, config: Config) -> bool:
    """Posted from the 22nd of its month to the usual few business days later."""
    start = d.replace(day=22)
    return start <= d <= add_business_days(start, config.tolerances.autopay_window_business_days)


def one_time_wording(t: Transaction) -> bool:
    a = t.ach
    text = " ".join(x for x in (t.description, a.entry_description if a else None) if x)
    return bool(_ONE_TIME.search(text))


def find_autopay_draws(txs: Iterable[Transaction], config: Config) -> dict[str, str]:
    """{debit id: why it is an AutoPay draw} for the draws recognised by their pattern, beyond those
    whose text already says AutoPay (see module docstring)."""
    out: dict[str, str] = {}
    groups: dict[tuple[str, ...], list[Transaction]] = defaultdict(list)
    for t in txs:
        if t.amount >= 0 or t.check_number or t.date_written:
            continue
        if t.autopay:
            continue    # the text says so already (Transaction.autopay): nothing to add
        if not one_time_wording(t):
            groups[signature(t)].append(t)
    for draws in groups.values():
        inside = [t for t in draws if in_autopay_window(t.date, config)]
        months = {(t.date.year, t.date.month) for t in inside}
        if len(months) < AUTOPAY_MIN_MONTHS or 2 * len(inside) < len(draws):
            continue
        why = (f"the same Connector draw posted in the AutoPay window (the 22nd to "
               f"{config.tolerances.autopay_window_business_days} business days later) in "
               f"{len(months)} months")
        for t in inside:
            out[t.id] = why
    return out
