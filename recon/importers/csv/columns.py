"""RecordColumns: a file's BankRecords kept as columns and built on demand.

Input: the typed and raw columns the columnar kernel (recon.importers.csv.fast) read from one file.
Output: a ``collections.abc.Sequence[BankRecord]`` that behaves like the tuple the per-row reader
returns: ``len``, indexing (negative indices, slices -> tuple), iteration, ``==`` with a tuple or
another RecordColumns (element by element), ``hash`` equal to the tuple's, ``+`` with a tuple, and
pickling (as a plain tuple). Each access builds a fresh, equal BankRecord; nothing is cached per
record, so iterating a million records costs what building them costs, once per pass.

Cheap column access, without building records (all in file order, one entry per record):

- ``lines``: the 1-based physical line of each record (a ``range``).
- ``dates``: list of ``datetime.date``; ``amounts``: list of ``Decimal`` (exact, signs applied).
- ``descriptions``: list of the single-spaced descriptions (as ``BankRecord.description``).
- ``distinct_descriptions()``: ``(texts, codes)`` where ``texts[codes[i]]`` is record i's
  description; texts are the distinct raw cells, normalised (two raw cells may normalise to the
  same text, so ``texts`` can hold repeats). Classifying ``texts`` once and mapping through
  ``codes`` visits each distinct description once instead of once per record.
"""
from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from datetime import date
from decimal import Decimal
from typing import Any, overload

from recon.importers.csv.rules import check_number, norm_text
from recon.importers.delimited import clean_cell
from recon.model import BankRecord, Source, fast_constructor

_new_record = fast_constructor(BankRecord)
_new_source = fast_constructor(Source)

_CHUNK = 65536


class RecordColumns(Sequence[BankRecord]):
    """BankRecords of one CSV file, stored as columns (see the module docstring).

    ``dates_u``/``date_idx`` and ``amounts_u``/``amount_idx`` are distinct values and per-row
    indices (numpy integer arrays); ``desc``, ``check``, ``trntype``, ``account`` and ``status``
    are pyarrow string arrays of the raw cells (None when the layout has no such column).
    """

    __slots__ = ("display", "first_line", "_n", "_dates_u", "_date_idx", "_amounts_u", "_amount_idx",
                 "_desc", "_check", "_trntype", "_account", "_status", "_pending_values", "_descs")

    def __init__(self, display: str, first_line: int, n: int, dates_u: list[date], date_idx: Any,
                 amounts_u: list[Decimal], amount_idx: Any, desc: Any, check: Any = None,
                 trntype: Any = None, account: Any = None, status: Any = None,
                 pending_values: frozenset[str] = frozenset()) -> None:
        self.display = display
        self.first_line = first_line
        self._n = n
        self._dates_u = dates_u
        self._date_idx = date_idx
        self._amounts_u = amounts_u
        self._amount_idx = amount_idx
        self._desc = desc
        self._check = check
        self._trntype = trntype
        self._account = account
        self._status = status
        self._pending_values = pending_values
        self._descs: list[str] | None = None

    # ------------------------------------------------------------------ Sequence
    def __len__(self) -> int:
        return self._n

    @overload
    def __getitem__(self, i: int) -> BankRecord: ...
    @overload
    def __getitem__(self, i: slice) -> tuple[BankRecord, ...]: ...

    def __getitem__(self, i: int | slice) -> BankRecord | tuple[BankRecord, ...]:
        if isinstance(i, slice):
            start, stop, step = i.indices(self._n)
            if step == 1:
                return tuple(self._iter_range(start, stop))
            return tuple(self[k] for k in range(start, stop, step))
        k = i.__index__()
        if k < 0:
            k += self._n
        if not 0 <= k < self._n:
            raise IndexError("record index out of range")
        return next(self._iter_range(k, k + 1))

    def __iter__(self) -> Iterator[BankRecord]:
        return self._iter_range(0, self._n)

    def __reversed__(self) -> Iterator[BankRecord]:
        for lo in range(self._n, 0, -_CHUNK):
            yield from reversed(tuple(self._iter_range(max(0, lo - _CHUNK), lo)))

    def _iter_range(self, start: int, stop: int) -> Iterator[BankRecord]:
        for lo in range(start, stop, _CHUNK):
            hi = min(stop, lo + _CHUNK)
            descs = self.descriptions[lo:hi]
            dates = self._date_idx[lo:hi].tolist()
            amts = self._amount_idx[lo:hi].tolist()
            checks = self._check.slice(lo, hi - lo).to_pylist() if self._check is not None else None
            trn = self._trntype.slice(lo, hi - lo).to_pylist() if self._trntype is not None else None
            acc = self._account.slice(lo, hi - lo).to_pylist() if self._account is not None else None
            st = self._status.slice(lo, hi - lo).to_pylist() if self._status is not None else None
            line = self.first_line + lo
            # Built a chunk at a time with the cyclic GC paused (records are acyclic; see
            # model.gc_paused), then handed out: a consumer keeping them all pays no GC rescans.
            out = []
            append = out.append
            was_enabled = gc.isenabled()
            gc.disable()
            try:
                self._build(descs, dates, amts, checks, trn, acc, st, line, append)
            finally:
                if was_enabled:
                    gc.enable()
            yield from out

    def _build(self, descs, dates, amts, checks, trn, acc, st, line, append) -> None:  # noqa: ANN001
        display = self.display
        new_rec, new_src = _new_record, _new_source
        du, au = self._dates_u, self._amounts_u
        pv = self._pending_values
        for j, desc in enumerate(descs):
            check = check_number(checks[j] if checks is not None else None, desc)
            append(new_rec(
                new_src(display, line + j), du[dates[j]], au[amts[j]], desc,
                (clean_cell(acc[j]) or None) if acc is not None else None,
                desc, "", check,
                (trn[j].strip() or None) if trn is not None else None,
                None,
                st is not None and st[j].strip().lower() in pv,
            ))

    # ------------------------------------------------------------------ tuple-likeness
    def __eq__(self, other: object) -> bool:
        if other is self:
            return True
        if isinstance(other, (tuple, RecordColumns)):
            return len(other) == self._n and all(a == b for a, b in zip(self, other))
        return NotImplemented

    def __ne__(self, other: object) -> bool:
        eq = self.__eq__(other)
        return eq if eq is NotImplemented else not eq

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __add__(self, other: object) -> tuple[BankRecord, ...]:
        if isinstance(other, (tuple, RecordColumns)):
            return tuple(self) + tuple(other)
        return NotImplemented

    def __radd__(self, other: object) -> tuple[BankRecord, ...]:
        if isinstance(other, tuple):
            return other + tuple(self)
        return NotImplemented

    def __reduce__(self) -> tuple[type, tuple[tuple[BankRecord, ...]]]:
        return (tuple, (tuple(self),))

    def __repr__(self) -> str:
        return f"<RecordColumns: {self._n:,} records of {self.display!r}>"

    # ------------------------------------------------------------------ columns
    @property
    def lines(self) -> range:
        return range(self.first_line, self.first_line + self._n)

    @property
    def dates(self) -> list[date]:
        du = self._dates_u
        return [du[k] for k in self._date_idx.tolist()]

    @property
    def amounts(self) -> list[Decimal]:
        au = self._amounts_u
        return [au[k] for k in self._amount_idx.tolist()]

    @property
    def descriptions(self) -> list[str]:
        """Built once, on first use; the raw column is then let go. Records built afterwards share
        these strings, so a Connector transaction's description is not a second copy of the text
        (at 1M rows: 192 MiB of pyarrow strings gone, about 225 MiB of duplicates never made)."""
        if self._descs is None:
            descs = []
            for chunk in self._desc.chunks if hasattr(self._desc, "chunks") else (self._desc,):
                descs.extend(map(norm_text, chunk.to_pylist()))
            self._descs, self._desc = descs, None
            if self._n >= 100_000:
                from recon.memory import release_free_memory

                release_free_memory()   # the raw column's pages, back to the OS (see recon.memory)
        return self._descs

    def distinct_descriptions(self) -> tuple[list[str], Any]:
        import pyarrow.compute as pc

        desc = self._desc
        if desc is None:                     # descriptions were built: encode those instead
            import numpy as np

            index: dict[str, int] = {}
            codes = np.fromiter((index.setdefault(d, len(index)) for d in self._descs or ()),
                                dtype=np.int64, count=self._n)
            return list(index), codes
        if hasattr(desc, "combine_chunks"):
            desc = desc.combine_chunks()
        enc = pc.dictionary_encode(desc)
        return ([norm_text(s) for s in enc.dictionary.to_pylist()],
                enc.indices.to_numpy(zero_copy_only=False))
