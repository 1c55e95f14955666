"""What every check reads: the run's transactions, bills and the match, with indexes built once."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from recon.config import Config
from recon.match import MatchResult
from recon.model import Allocation, BankRecord, BillRef, CheckEntry, Transaction


@dataclass(frozen=True)
class CheckContext:
    as_of: date
    config: Config
    transactions: tuple[Transaction, ...]
    bills: tuple[BillRef, ...]
    match: MatchResult
    uncashed_checks: tuple[CheckEntry, ...] = ()
    bank_last_date: date | None = None      # the latest date any bank export covers
    bank_fees: tuple[BankRecord, ...] = ()  # the bank's fees for a returned Connector payment

    def txn(self, tid: str) -> Transaction:
        return self._txns()[tid]

    def _txns(self) -> dict[str, Transaction]:
        return self._memo("_txn_cache", lambda: {t.id: t for t in self.transactions})

    def _memo(self, name: str, build):
        cache = self.__dict__.get(name)
        if cache is None:
            cache = build()
            object.__setattr__(self, name, cache)
        return cache

    def allocations_of_bill(self, bill_id: str) -> list[Allocation]:
        """The allocations to one bill, in match order (an index: checks must not scan them all)."""
        return _members(self._memo("_alloc_by_bill", lambda: _group(self.match.allocations,
                                                                     lambda a: a.bill_id)), bill_id)

    def allocations_of_transaction(self, tid: str) -> list[Allocation]:
        return _members(self._memo("_alloc_by_txn", lambda: _group(self.match.allocations,
                                                                    lambda a: a.transaction_id)), tid)

    def allocations_of_account(self, account: str) -> list[Allocation]:
        """The allocations to any bill of one billing account, in match order."""
        states = self.match.states
        return _members(self._memo("_alloc_by_account", lambda: _group(
            self.match.allocations, lambda a: states[a.bill_id].bill.billing_account)), account)


def _group(items, key) -> dict:
    """key -> the one item, or a list of them once there are two (most keys have one: a list per
    key cost 88 bytes each, 160 MiB for two indexes at 900k allocations)."""
    out: dict = {}
    for x in items:
        k = key(x)
        got = out.get(k)
        if got is None:
            out[k] = x
        elif type(got) is list:
            got.append(x)
        else:
            out[k] = [got, x]
    return out


def _members(index: dict, key) -> list:
    got = index.get(key)
    if got is None:
        return []
    return got if type(got) is list else [got]
