"""The matcher's common case over columns, for organisation-size inputs (numpy, integer cents).

At 1M draws and 1.2M bills, building one BillState per bill, one Allocation per draw and updating
Decimal balances one by one costs most of the match. Here the common case (a debit that names a
live billing account and fits that account's oldest open, issued bill, paid on time) is worked
out for all such debits at once:

* each account's bills, in (coverage month, id) order, are a run of charges; their running sum
  ``C`` is a number line, and each account's debits, in payment order, cover consecutive spans of
  it (``P``): FIFO allocation is where each span falls;
* a debit is settled here when its span fits inside one bill that is issued, and it is on time;
  an account's debits are settled up to its first that is not (or is a check, a return, an
  amount not in whole cents...), and every debit from the first one that could touch any account
  (no live account named, an override) on is left to the general path, in order, so the result
  is exactly that of the one-by-one matcher (``recon.match._match(columns=False)``; tests compare
  them);
* bill states and allocations stay columns until read: ``BillStates`` builds the BillState
  objects, ``AllocationColumns`` the Allocations, on first use, once.

Money stays exact: whole cents in int64; an amount that is not a whole number of cents takes the
general path. Amounts built back from cents have two places (Decimal("412") comes back as
Decimal("412.00"): equal, as the one-by-one matcher's shared objects are).
"""
from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date
from decimal import Decimal
from itertools import repeat
from operator import attrgetter, is_, is_not, itemgetter
from typing import TYPE_CHECKING, Any

import numpy as np

from recon.memory import release_free_memory
from recon.model import Allocation, BillRef, Transaction, fast_constructor
from recon.money import AmountError, from_cents, to_cents

if TYPE_CHECKING:
    from recon.match import BillState

ZERO = Decimal(0)
_new_allocation = fast_constructor(Allocation)


def _ordinals(days: list[date]) -> np.ndarray:
    ords = {d: d.toordinal() for d in set(days)}
    return np.fromiter(map(ords.__getitem__, days), dtype=np.int64, count=len(days))


def _cents(values: list[Decimal], sign: int) -> np.ndarray:
    """Each amount in whole cents, times `sign`; -1 where that is not a whole number of cents >= 0
    (those take the general path). One conversion per distinct value: keyed by the Decimal when
    the objects are shared (importers share them: the hash is worked out once per object), else
    by its text (the hash of a million fresh Decimals costs 3x their str())."""
    sample = values[:1000]
    keys: list = values if len(set(map(id, sample))) * 4 <= len(sample) else list(map(str, values))
    table = {}
    for k in set(keys):
        v = Decimal(k) * sign
        try:
            table[k] = to_cents(v) if v.is_finite() and v >= 0 else -1
        except AmountError:     # fractions of a cent
            table[k] = -1
    return np.fromiter(map(table.__getitem__, keys), dtype=np.int64, count=len(values))


class BillColumns:
    """The bills as columns, with each BillState built when first asked for."""

    def __init__(self, refs: list[BillRef], bill_charge: Callable[[Any], Decimal]) -> None:
        from recon.match import BillState

        self._state_cls = BillState
        self.refs = refs
        bills = [r.bill for r in refs]
        self.ids = [r.id for r in refs]
        n = self.n = len(refs)
        charges = [b.current_charges for b in bills]
        if any(map(is_, charges, repeat(None))):   # current_charges missing: bill_charge's other cases
            charges = [bill_charge(b) if c is None else c for b, c in zip(bills, charges)]
        self.charges = charges
        accs = [b.billing_account for b in bills]
        codes = dict.fromkeys(accs)
        for i, a in enumerate(codes):
            codes[a] = i
        self.code: dict[str, int] = codes  # type: ignore[assignment]
        self.names = list(codes)                      # code -> account
        self.accounts = sorted(codes)
        acc = np.fromiter(map(codes.__getitem__, accs), dtype=np.int64, count=n)
        months = [b.coverage_month for b in bills]
        rank = {m: i for i, m in enumerate(sorted(set(months)))}
        mon = np.fromiter(map(rank.__getitem__, months), dtype=np.int64, count=n)
        # Each account's bills in (coverage month, id) order: usually they come that way already
        # (codes follow first appearance, so grouped input has non-decreasing codes).
        same = acc[1:] == acc[:-1]
        in_order = bool(n and np.all(acc[1:] >= acc[:-1]) and np.all(mon[1:][same] > mon[:-1][same]))
        if in_order:
            order = np.arange(n)
        else:
            idx = list(range(n))
            for key in (self.ids.__getitem__, months.__getitem__, acc.__getitem__):
                idx.sort(key=key)    # stable: by (account, month, id)
            order = np.array(idx, dtype=np.int64)
        self.order = order                            # sorted position -> input row
        acc_s = acc if in_order else acc[order]

        def by_pos(column: np.ndarray) -> np.ndarray:
            return column if in_order else column[order]

        self.start = np.searchsorted(acc_s, np.arange(len(codes)), side="left")
        self.end = np.searchsorted(acc_s, np.arange(len(codes)), side="right")
        cents = _cents(charges, 1)
        ok = cents >= 0
        self.cents_s = by_pos(np.maximum(cents, 0))
        bad = np.zeros(len(codes), dtype=bool)
        bad[acc[~ok]] = True
        self.bad_account = bad                        # some charge not usable here: general path
        self.csum = np.cumsum(self.cents_s)
        self.base = np.where(self.start > 0, self.csum[np.maximum(self.start - 1, 0)], 0)
        self.bill_ord_s = by_pos(_ordinals([b.bill_date for b in bills]))
        self.due_ord_s = by_pos(_ordinals([b.due_date for b in bills]))
        self.in_order = in_order
        self.paid_s = np.zeros(n, dtype=np.int64)     # cents paid on time by settled debits
        self._objs: list[BillState | None] = [None] * n

    def state(self, row: int) -> BillState:
        """The BillState of the bill at input row `row`, from the columns when not built yet."""
        s = self._objs[row]
        if s is None:
            s = self._objs[row] = self._build(row, int(self._pos_of_row()[row]))
        return s

    def _pos_of_row(self) -> np.ndarray:
        inv = getattr(self, "_inv", None)
        if inv is None:
            inv = self._inv = np.empty(self.n, dtype=np.int64)
            inv[self.order] = np.arange(self.n)
        return inv

    def _build(self, row: int, pos: int) -> BillState:
        c = self.charges[row]
        paid = int(self.paid_s[pos])
        if not paid:
            return self._state_cls(self.refs[row], c, c)
        left = int(self.cents_s[pos]) - paid
        return self._state_cls(self.refs[row], c, _dec(left) if left else ZERO, _dec(paid))

    def account_states(self, code: int) -> list[BillState]:
        rows = self.order[self.start[code]:self.end[code]].tolist()
        return [self.state(r) for r in rows]

    def all_states(self) -> dict[str, BillState]:
        """bill id -> state, in the order the bills came (what the one-by-one matcher returns).

        Built column-wise: each distinct paid and remaining amount is one Decimal, and the columns
        hold references to them (no Python int or list per value), so building 1.2M states adds
        little beside the states themselves."""
        paid, cents = self._by_row()
        refs, charges, ids, objs = self.refs, self.charges, self.ids, self._objs
        new = self._state_cls
        if getattr(self, "_done", False):
            self.__dict__.clear()   # the match is over: only the states are needed from here
        left = cents - paid
        del cents
        paid_d = _decimals(paid)
        left_d = _decimals(left)
        charge_d = np.empty(len(charges), dtype=object)
        charge_d[:] = charges
        unpaid = paid == 0
        remaining = np.where(unpaid, charge_d, left_d)    # nothing paid: the charge itself
        remaining[~unpaid & (left == 0)] = ZERO
        paid_d[unpaid] = ZERO
        del charge_d, left_d, paid, left, unpaid
        states = list(map(new, refs, charges, remaining.tolist(), paid_d.tolist()))
        del remaining, paid_d
        for row, s in enumerate(objs):
            if s is not None:       # built already (the general path used it): that one
                states[row] = s
        objs[:] = states            # during the match (an override reads a state): the same objects
        out = dict(zip(ids, states))
        self._built = True
        release_free_memory()
        return out

    def _by_row(self) -> tuple[np.ndarray, np.ndarray]:
        """(cents paid, charge in cents) of each bill, in the order the bills came."""
        if self.in_order:
            return self.paid_s, self.cents_s
        inv = self._pos_of_row()
        return self.paid_s[inv], self.cents_s[inv]

    def done(self) -> None:
        """The match is over: the columns only serve to build the states; keep what that needs
        (about 40% of the columns), and nothing once they are built."""
        if getattr(self, "_built", False):
            self.__dict__.clear()
            return
        keep = {k: self.__dict__[k] for k in ("refs", "charges", "ids", "_objs", "_state_cls", "paid_s",
                                              "cents_s", "order", "in_order", "n")}
        self.__dict__.clear()
        self.__dict__.update(keep, _done=True)


def _decimals(cents: np.ndarray) -> np.ndarray:
    """An object array of Decimals (two places) for integer cents, one object per distinct value."""
    values, code = _codes_any(cents)
    table = np.empty(len(values), dtype=object)
    table[:] = [_dec(int(v)) for v in values.tolist()]
    return table[code]


def _codes_any(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if len(values) and values.min() >= 0:
        return _codes(values)
    return np.unique(values, return_inverse=True)


_DEC: dict[int, Decimal] = {}


def _dec(cents: int) -> Decimal:
    """cents -> Decimal with two places (one shared object per value)."""
    d = _DEC.get(cents)
    if d is None:
        if len(_DEC) > 100_000:
            _DEC.clear()
        d = _DEC[cents] = from_cents(cents)
    return d


class ByAccount(dict):
    """account -> its BillStates in FIFO order, built on first use (the general path's view)."""

    def __init__(self, cols: BillColumns) -> None:
        super().__init__()
        self._cols = cols

    def __missing__(self, account: str) -> list[BillState]:
        code = self._cols.code.get(account)
        lst = [] if code is None else self._cols.account_states(code)
        self[account] = lst
        return lst


class LastPaid(dict):
    """account -> [debit, bill id, ...] it was paid by, starting from what the column pass settled."""

    def __init__(self, settled: Callable[[str], list]) -> None:
        super().__init__()
        self._settled = settled

    def __missing__(self, account: str) -> list:
        lst = self[account] = self._settled(account)
        return lst


def _take(items: list, idx: np.ndarray) -> list:
    """[items[i] for i in idx], at C speed."""
    if len(idx) == len(items) and (not len(idx) or (idx[0] == 0 and np.all(idx[1:] > idx[:-1]))):
        return list(items)      # every row, in order (the common case: every debit settled)
    if len(idx) > 1:
        return list(itemgetter(*idx.tolist())(items))
    return [items[int(i)] for i in idx]


def settle(cols: BillColumns, payments: list[Transaction], *, plan_end: Mapping[str, date | None],
           returned: set[str], linked: Mapping[str, str], slack_days: int,
           autopay_expected: Callable[[Transaction, Any], bool], why_of: Callable[[str, bool], str],
           confidence_of: Callable[[Transaction, str], float]) -> Settled:
    """Settle the common case over columns (module docstring).

    `payments` may come in any order: the payment order, (day it counts, posting date, id), is
    worked out here as a permutation, and columns are read in the order the objects lie in memory
    (reading a million objects in sorted order costs a cache miss each). `rest` is in payment order.
    """
    n = len(payments)
    code = cols.code
    na = len(code)
    ids = [t.id for t in payments]
    dates = [t.date for t in payments]
    hints = [t.billing_account_hint for t in payments]
    amounts = [t.amount for t in payments]
    written = [t.date_written for t in payments]
    day = _ordinals(dates)
    any_written = written.count(None) != n
    counts = _ordinals([w or d for w, d in zip(written, dates)]) if any_written else day
    hint = np.fromiter(map(code.get, hints, repeat(-1)), dtype=np.int64, count=n)
    live = hint >= 0
    ends = {code[a]: end for a, end in plan_end.items() if end and a in code}
    if ends:    # a debit after the named account's plan ended may be for any account
        for i in np.flatnonzero(np.isin(hint, list(ends))).tolist():
            if dates[i] > ends[int(hint[i])]:
                live[i] = False
    cents = _cents(amounts, -1)
    general = cents <= 0                               # confined to the named account
    if any_written:
        general |= np.fromiter(map(is_not, written, repeat(None)), dtype=bool, count=n)
    anywhere = ~live                                   # may touch any account
    ret = np.zeros(n, dtype=bool)
    if linked:
        anywhere |= np.fromiter(map(linked.__contains__, ids), dtype=bool, count=n)
    if returned:
        ret = np.fromiter(map(returned.__contains__, ids), dtype=bool, count=n) & ~anywhere
    general |= np.append(cols.bad_account, False)[hint]

    # Payment order: by (day it counts, posting day), then id. The id only decides between debits of
    # one day, and this pass only compares debits of one account, and each with the first debit
    # that may touch any account; so when there is none of those, and no account has two debits
    # on one day, the order of the days is enough (sorting a million ids is a fifth of the pass).
    perm = np.lexsort((day, counts)) if any_written else np.argsort(day, kind="stable")
    pos = np.empty(n, dtype=np.int64)                  # position in payment order
    pos[perm] = np.arange(n)
    confined = np.flatnonzero(~anywhere & ~ret)

    def by_account_of(pos: np.ndarray) -> np.ndarray:     # the confined, by (account, position)
        return confined[np.argsort(hint[confined] * n + pos[confined])]

    by_account = by_account_of(pos)
    h, c, d = hint[by_account], counts[by_account], day[by_account]
    if anywhere.any() or np.any((h[1:] == h[:-1]) & (c[1:] == c[:-1]) & (d[1:] == d[:-1])):
        by_id = np.array(sorted(range(n), key=ids.__getitem__), dtype=np.int64)
        perm = by_id[np.lexsort((day[by_id], counts[by_id]))]
        pos[perm] = np.arange(n)
        by_account = by_account_of(pos)
    first_anywhere = int(pos[anywhere].min()) if anywhere.any() else n
    cut = np.full(na + 1, n, dtype=np.int64)           # an account's first general-path debit
    g = general & ~anywhere & ~ret
    np.minimum.at(cut, hint[g], pos[g])
    cand = np.flatnonzero(~general & ~anywhere & ~ret & (pos < first_anywhere) & (pos < cut[hint]))

    # FIFO over each account's number line (module docstring), each account's debits in order.
    is_cand = np.zeros(n, dtype=bool)
    is_cand[cand] = True
    rows = by_account[is_cand[by_account]]
    acct = hint[rows]
    am = cents[rows]
    new = np.empty(len(rows), dtype=bool)
    new[:1] = True
    new[1:] = acct[1:] != acct[:-1]
    grp = np.cumsum(new) - 1
    cs = np.cumsum(am)
    first = np.flatnonzero(new)
    before = (cs - am)[first][grp]                      # the running sum before each account's run
    top = cols.base[acct] + (cs - before)               # where each debit's span ends on the line
    k = np.searchsorted(cols.csum, top - am, side="right")   # the first bill not yet paid in full
    inside = k < cols.end[acct]
    k = np.where(inside, k, 0)
    d = day[rows]
    ok = inside & (top <= cols.csum[k]) & (cols.bill_ord_s[k] <= d + slack_days)
    late = ok & (d > cols.due_ord_s[k])
    if late.any():
        for j in np.flatnonzero(late).tolist():
            late[j] = not autopay_expected(payments[int(rows[j])], cols.refs[int(cols.order[k[j]])].bill)
        ok &= ~late
    bad_row = (~ok).astype(np.int64)
    fail = np.cumsum(bad_row)
    fail -= (fail - bad_row)[first][grp]                # failures so far in the account's run
    keep = fail == 0
    rows, k = rows[keep], k[keep]
    np.add.at(cols.paid_s, k, cents[rows])

    settled = np.zeros(n, dtype=bool)
    settled[rows] = True
    settled |= ret                                     # returned: only their account is learnt
    rest = _take(payments, perm[~settled[perm]])
    rest.sort(key=lambda t: (t.date_written or t.date, t.date, t.id))   # exactly, ids too

    by = np.argsort(rows)                               # the settled, in the order they lie in memory
    rows, k = rows[by], k[by]
    acct_rows = hint[rows]
    bill_rows = cols.order[k]
    names = cols.names

    def reasons() -> tuple[list[str], np.ndarray, list[float], np.ndarray]:
        return _reasons(names, payments, rows, acct_rows, why_of, confidence_of)

    columns = SettledColumns(tids=_take(ids, rows), bill_ids=cols.ids, bill_rows=bill_rows, cents=cents[rows],
                             reasons=reasons)
    index: list[np.ndarray] = []

    def account_of() -> dict[str, str]:
        both = np.concatenate([rows, np.flatnonzero(ret)])
        return dict(zip(_take(ids, both), _take(hints, both)))

    def last_paid(account: str) -> list:
        """The settled debits of one account as [debit, bill id, ...], in payment order."""
        c = code.get(account)
        if c is None:
            return []
        if not index:       # built on first use: rows by account, each account's in payment order
            o = np.lexsort((pos[rows], acct_rows))
            index.extend((o, np.searchsorted(acct_rows[o], np.arange(na + 1))))
        o, at = index
        out: list = []
        for j in o[at[c]:at[c + 1]].tolist():
            out += (payments[int(rows[j])], cols.ids[int(bill_rows[j])])
        return out

    return Settled(rest, account_of, columns, last_paid)


def _reasons(names: list[str], payments: list[Transaction], rows: np.ndarray, acct: np.ndarray,
             why_of: Callable[[str, bool], str], confidence_of: Callable[[Transaction, str], float]
             ) -> tuple[list[str], np.ndarray, list[float], np.ndarray]:
    """Each settled debit's reason ("<where> names billing account <a>; on time") and confidence, as
    (distinct values, code per debit) each: worked out once per (account, check?) and once per
    (classification, check?)."""
    m = len(rows)
    if not m:
        return [], np.zeros(0, dtype=np.int64), [], np.zeros(0, dtype=np.int64)
    txs = _take(payments, rows)
    checks = [t.check_number for t in txs]
    chk = np.zeros(m, dtype=np.int64) if checks.count(None) == m else \
        np.fromiter(map(bool, checks), dtype=np.int64, count=m)
    if not chk.any():       # reason codes: the account's code, or 2 x code + 1 for a check
        whys, code = [why_of(a, False) for a in names], acct
    else:
        whys, code = [why_of(a, c) for a in names for c in (False, True)], acct * 2 + chk
    classes = [t.classified_by for t in txs]
    cls_code = dict.fromkeys(classes)
    for i, c in enumerate(cls_code):
        cls_code[c] = i
    # The confidence reads the classification and the words of the reason; the account number in
    # them matters only when it has letters (then: once per account as well).
    ckey = np.fromiter(map(cls_code.__getitem__, classes), dtype=np.int64, count=m) * 2 + chk
    if not all(a.isdigit() for a in names):
        ckey = ckey * (len(names) + 1) + acct
    keys, ckey = _codes(ckey)
    first = np.full(len(keys), m, dtype=np.int64)   # the first debit of each key
    np.minimum.at(first, ckey, np.arange(m))
    confs = [confidence_of(txs[j], whys[int(code[j])]) for j in first.tolist()]
    return [w + "; on time" for w in whys], code, confs, ckey


def _codes(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """np.unique(values, return_inverse=True), without a sort when the values are small."""
    if len(values) and 0 <= values.min() and values.max() < 1 << 16:
        keys = np.flatnonzero(np.bincount(values))
        remap = np.zeros(int(keys[-1]) + 1, dtype=np.int64)
        remap[keys] = np.arange(len(keys))
        return keys, remap[values]
    return np.unique(values, return_inverse=True)


class SettledColumns:
    """The column pass's allocations, one per settled debit, as columns: bill =
    bill_ids[bill_rows[i]], amount = cents[i] / 100; the reasons and confidences (text, from the
    account, check or not, and classification) are worked out when the allocations are read."""

    def __init__(self, *, tids: list[str], bill_ids: list[str], bill_rows: np.ndarray, cents: np.ndarray,
                 reasons: Callable[[], tuple[list[str], np.ndarray, list[float], np.ndarray]]) -> None:
        self.tids, self.bill_ids, self.bill_rows, self.cents, self.reasons = tids, bill_ids, bill_rows, cents, reasons

    def __len__(self) -> int:
        return len(self.tids)

    def allocations(self) -> list[Allocation]:
        """The Allocations, by transaction id (one object per distinct amount, reason, confidence)."""
        whys, why_code, confs, conf_code = self.reasons()
        o = np.array(sorted(range(len(self.tids)), key=self.tids.__getitem__), dtype=np.int64)
        amounts, code = _codes_any(self.cents[o])
        return list(map(_new_allocation, _take(self.tids, o), _take(self.bill_ids, self.bill_rows[o]),
                        _take([_dec(c) for c in amounts.tolist()], code),
                        _take(confs, conf_code[o]), _take(whys, why_code[o]), repeat(False)))


class Settled:
    """What the column pass settled: which debits, their allocations, and what is left."""

    def __init__(self, rest: list[Transaction], account_of: Callable[[], dict[str, str]],
                 columns: SettledColumns, last_paid: Callable[[str], list]) -> None:
        self.rest = rest                  # debits for the general path, in payment order
        self.account_of = account_of      # txn id -> account, of those settled here or returned
        self.columns = columns
        self.last_paid = last_paid


class AllocationColumns(Sequence[Allocation]):
    """The allocations by (transaction id, bill id): the column pass's, kept as columns, and the
    general path's objects; the Allocations are built on first read (len() reads nothing)."""

    def __init__(self, settled: SettledColumns, objects: list[Allocation]) -> None:
        self._settled: SettledColumns | None = settled
        self._objects = sorted(objects, key=lambda a: (a.transaction_id, a.bill_id))
        self._rows: list[Allocation] | None = None

    def _all(self) -> list[Allocation]:
        if self._rows is None:
            assert self._settled is not None
            rows = self._settled.allocations()
            if self._objects:
                # Each general-path allocation goes in before the first settled one with a greater
                # id (a debit is settled by one path only, so ids are never equal).
                out: list[Allocation] = []
                at = 0
                for a in self._objects:
                    j = bisect_left(rows, a.transaction_id, lo=at, key=attrgetter("transaction_id"))
                    out += rows[at:j]
                    out.append(a)
                    at = j
                out += rows[at:]
                rows = out
            self._rows, self._settled, self._objects = rows, None, []
            release_free_memory()
        return self._rows

    def __len__(self) -> int:
        if self._rows is not None:
            return len(self._rows)
        assert self._settled is not None
        return len(self._settled) + len(self._objects)

    def __getitem__(self, i):  # type: ignore[override]
        return self._all()[i]

    def __iter__(self) -> Iterator[Allocation]:
        return iter(self._all())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (list, tuple, AllocationColumns)):
            return self._all() == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"AllocationColumns({len(self)} allocations)"


class LazyMapping(Mapping):
    """A read-only dict built on first use."""

    def __init__(self, build: Callable[[], dict]) -> None:
        self._build: Callable[[], dict] | None = build
        self._d: dict | None = None

    def _dict(self) -> dict:
        if self._d is None:
            assert self._build is not None
            self._d, self._build = self._build(), None
        return self._d

    def __getitem__(self, key):
        return self._dict()[key]

    def __iter__(self):
        return iter(self._dict())

    def __len__(self) -> int:
        return len(self._dict())

    def __contains__(self, key) -> bool:
        return key in self._dict()

    def get(self, key, default=None):
        return self._dict().get(key, default)

    def values(self):
        return self._dict().values()

    def items(self):
        return self._dict().items()

    def keys(self):
        return self._dict().keys()

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mapping):
            return self._dict() == dict(other.items())
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"LazyMapping({self._dict()!r})"
