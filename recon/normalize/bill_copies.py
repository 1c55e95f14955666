"""Bills -> bills with copies merged: one bill read from several files is one bill.

A bill downloaded twice (`bill (1).pdf`), in a yearly history PDF and again as a monthly PDF, or
as a scan and as a text copy, is the same bill: same billing account, coverage month, bill date,
due date and amounts. It is kept once, with every place it was read listed (`Bill.copies`). The
copy kept is the one with the most fields read (then the first by path and page), so a scan's
unread field does not hide the text copy's value. Two bills that differ in any amount read on
both are not merged: that is a corrected or reissued bill, and the checks compare them.
"""
from __future__ import annotations

from dataclasses import fields, replace

from recon.model import Bill

_AMOUNTS = ("amount_due", "previous_balance", "payments_received", "adjustments", "premium",
            "tax_credit", "state_subsidy", "current_charges")
_FIELD_NAMES = tuple(f.name for f in fields(Bill))


def _read_count(b: Bill) -> int:
    return sum(getattr(b, n) is not None for n in _FIELD_NAMES)


def _same(a: Bill, b: Bill) -> bool:
    """Equal on every amount both read (a field one copy could not read does not tell them apart)."""
    return all(x is None or y is None or x == y for x, y in ((getattr(a, n), getattr(b, n)) for n in _AMOUNTS))


def _key(b: Bill) -> tuple:
    return (b.billing_account, b.coverage_month, b.bill_date, b.due_date, b.amount_due)


def merge_bill_copies(bills: list[Bill]) -> list[Bill]:
    """One Bill per real bill, in the order of the first copy (see module docstring).

    An organisation's 1.2M bills have no copies: one pass of key hashes finds the few keys that
    repeat, and only their bills are grouped (a dict of every key would hold 200 MB for nothing)."""
    seen: set[int] = set()
    repeated: set[int] = set()
    for b in bills:
        h = hash(_key(b))
        if h in seen:
            repeated.add(h)
        seen.add(h)
    del seen
    if not repeated:
        return bills
    candidates = [b for b in bills if hash(_key(b)) in repeated]
    merged = _merge_groups(candidates)
    ids = {id(b) for b in candidates}
    return [b for b in bills if id(b) not in ids] + merged


def _merge_groups(bills: list[Bill]) -> list[Bill]:
    groups: dict[tuple, list[list[Bill]]] = {}
    order: list[list[Bill]] = []
    for b in sorted(bills, key=lambda b: (b.source.path, b.source.page or 0)):
        for group in groups.setdefault(_key(b), []):
            if all(_same(b, other) for other in group):
                group.append(b)
                break
        else:
            group = [b]
            groups[_key(b)].append(group)
            order.append(group)
    out = []
    for group in order:
        if len(group) == 1:
            out.append(group[0])
            continue
        best = max(group, key=lambda b: (_read_count(b), -group.index(b)))
        rest = tuple(b.source for b in group if b is not best)
        out.append(replace(best, copies=best.copies + rest))
    return out
