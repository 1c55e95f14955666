"""run(paths, as_of, config) -> Report: orchestration only (discover, detect, import, normalize,
match, check). The one place where per-file errors are caught (see `_reading`)."""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from recon.checks import CheckContext, run_checks
from recon.checks.bills import bill_status
from recon.checks.registry import CONNECTOR_CONTACT, FINDING_TYPES
from recon.config import Config
from recon.detect import discover, identify
from recon.errors import ConfigError, InputError
from recon.match.allocate import MatchResult, bill_id_for, match
from recon.match.autopay_pattern import find_autopay_draws
from recon.memory import release_free_memory
from recon.model import (
    BankRecord,
    Bill,
    BillStatus,
    CheckEntry,
    ImportResult,
    InputResult,
    Report,
    StatementBalance,
    Transaction,
    gc_paused,
)
from recon.normalize.bill_copies import merge_bill_copies
from recon.normalize.transactions import normalize

log = logging.getLogger(__name__)


@dataclass
class RunResult:
    """A run's Report (what the writers read) and the matcher's working state (for the jobs)."""

    report: Report
    match: MatchResult


def display_path(p: Path) -> str:
    """Paths in reports: relative to the working directory when under it, POSIX separators."""
    try:
        return p.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except (ValueError, RuntimeError, OSError):    # outside the working folder, or a link loop
        return p.as_posix()


@dataclass
class _Outcome:
    result: InputResult | None = None


@contextmanager
def _reading(display: str, strict: bool, outcome: _Outcome) -> Iterator[None]:
    """Turn a failure to read one file into a rejected input; the run goes on."""
    try:
        yield
    except InputError as exc:
        if exc.path is None:
            exc.path = display
        outcome.result = InputResult(display, "unknown", "rejected", str(exc), 0)
    except Exception as exc:  # a bug in an importer: reject the file, unless strict
        if strict:
            raise
        log.exception("importer failed on %s", display)
        outcome.result = InputResult(display, "unknown", "rejected",
                                     f"{display}: internal error while reading ({type(exc).__name__}: {exc})", 0)


LARGE_STAGE = 100_000   # records: past this, freed memory is handed back after the stage


def read_inputs(paths: list[Path], config: Config, strict: bool = False, profile: str | None = None,
                progress: Callable[[int, int, str], None] | None = None, cache_dir: Path | None = None,
                ) -> list[tuple[InputResult, ImportResult | None]]:
    from recon.importers import all_importers

    importers = all_importers(profile=profile, profile_dirs=config.profile_dirs, cache_dir=cache_dir)
    files, skipped = discover(paths)
    out: list[tuple[InputResult, ImportResult | None]] = [
        (InputResult(display_path(p), "unknown", "rejected", f"{display_path(p)}: {why}", 0), None)
        for p, why in skipped]
    for n, p in enumerate(files, 1):
        display = display_path(p)
        if progress:
            progress(n, len(files), display)
        outcome = _Outcome()
        kind = "unknown"
        result: ImportResult | None = None
        with _reading(display, strict, outcome):
            imp = identify(p, display, importers)
            kind = imp.kind
            result = imp.extract(p, display)
        if outcome.result is not None:
            r = outcome.result
            out.append((InputResult(r.path, kind, r.status, r.error, 0), None))
            continue
        assert result is not None
        out.append((InputResult(display, kind, "ok", None, result.count, result.notes), result))
        if result.count >= LARGE_STAGE:
            release_free_memory()   # the file's bytes and parse buffers are gone now
    return out


def run(paths: list[Path], as_of: date, config: Config | None = None, strict: bool = False,
        profile: str | None = None, progress: Callable[[int, int, str], None] | None = None,
        cache_dir: Path | None = None) -> RunResult:
    """Reconcile everything under ``paths`` as of ``as_of``."""
    config = config or Config()
    read = read_inputs(paths, config, strict=strict, profile=profile, progress=progress, cache_dir=cache_dir)
    return reconcile(read, as_of, config)


def _last_date(records: Sequence[BankRecord]) -> date:
    dates = getattr(records, "dates", None)   # RecordColumns: the column, without building records
    return max(dates) if dates is not None else max(r.date for r in records)


def _statuses(states: dict, as_of: date) -> tuple[BillStatus, ...]:
    """Each bill's working state -> its BillStatus, in bill id order. The states are taken out of
    the match as they are turned (an organisation's 1.2M of them are not all kept twice); the
    jobs read the match's other parts."""
    out = []
    for bill_id in sorted(states):
        s = states.pop(bill_id)
        out.append(BillStatus(s.id, s.charge, s.paid_on_time, s.paid_late, bill_status(s, as_of)))
    return tuple(out)


def _check_overrides(config: Config, txn_ids: list[str], bill_ids: list[str]) -> None:
    """An override must name what exists: a transaction or bill id of this run, a finding type
    recon makes. A dangling one would silently change nothing, so it stops the run (exit 2)."""
    import difflib

    from recon.checks.registry import FINDING_TYPES

    def fail(i: int, what: str, value: str | None, known: list[str]) -> None:
        near = difflib.get_close_matches(str(value), known, n=1)
        line = None
        if config.path and value:
            try:
                text = Path(config.path).read_text(encoding="utf-8")
                line = next((n for n, ln in enumerate(text.splitlines(), 1) if value in ln), None)
            except OSError:
                pass
        raise ConfigError(f"no {what} {value!r} in this run" + (f"; did you mean {near[0]!r}?" if near else ""),
                          path=config.path, key=f"overrides[{i}]", line=line)

    txn_set, bill_set = set(txn_ids), set(bill_ids)
    for i, o in enumerate(config.overrides):
        if o.kind in ("link", "not_connector") and o.transaction not in txn_set:
            fail(i, "transaction", o.transaction, txn_ids)
        if o.kind == "link" and o.bill not in bill_set:
            fail(i, "bill", o.bill, bill_ids)
        if o.kind == "accept" and o.finding_type not in FINDING_TYPES:
            fail(i, "finding type", o.finding_type, sorted(FINDING_TYPES))


AS_OF_NOTES = 50     # transactions after --as-of named one by one; the rest are counted


def _as_of(txs: list[Transaction], bills: list[Bill], as_of: date
           ) -> tuple[list[Transaction], list[Bill], list[str]]:
    """Transactions posted and bills dated on or before ``as_of``, and notes naming the others."""
    # A check counts from the day it was written (from the register), however late the bank clears it.
    later_txs = [t for t in txs if (t.date_written or t.date) > as_of]
    later_bills = [b for b in bills if b.bill_date > as_of]
    notes = [f"{t.id} ({t.date.isoformat()}, {t.amount}) is after the as-of date {as_of.isoformat()}: "
             "not considered" for t in later_txs[:AS_OF_NOTES]]
    if len(later_txs) > AS_OF_NOTES:
        notes.append(f"... and {len(later_txs) - AS_OF_NOTES} more transaction(s) after the as-of date "
                     f"{as_of.isoformat()}, not considered")
    notes += [f"the bill dated {b.bill_date.isoformat()} for {b.coverage_month} (account {b.billing_account}, "
              f"{b.source.path}) is after the as-of date {as_of.isoformat()}: not considered"
              for b in later_bills]
    if not notes:
        return txs, bills, []
    later = {t.id for t in later_txs}
    return ([t for t in txs if t.id not in later], [b for b in bills if b.bill_date <= as_of], notes)


def reconcile(read: list[tuple[InputResult, ImportResult | None]], as_of: date, config: Config) -> RunResult:
    """Everything after reading: pure function of the imported data."""
    with gc_paused():   # millions of acyclic objects at organisation scale: see gc_paused
        return _reconcile(read, as_of, config)


def _reconcile(read: list[tuple[InputResult, ImportResult | None]], as_of: date, config: Config) -> RunResult:
    read = sorted(read, key=lambda x: x[0].path)
    bank_files: list[Sequence[BankRecord]] = []
    checks: list[CheckEntry] = []
    bills: list[Bill] = []
    balances: list[StatementBalance] = []
    for _, res in read:
        if res is None:
            continue
        if res.records:
            bank_files.append(res.records)   # a tuple, or RecordColumns (built on demand)
        checks.extend(res.checks)
        bills.extend(res.bills)
        balances.extend(res.balances)
    not_connector = {o.transaction for o in config.overrides if o.kind == "not_connector"}
    last_bank = max((_last_date(f) for f in bank_files), default=None)
    norm = normalize(bank_files, checks, bills, config)
    large = sum(len(f) for f in bank_files) >= LARGE_STAGE
    del bank_files   # only the Connector's records live on (in the transactions' sources)
    if large:
        release_free_memory()
    txs = [t for t in norm.transactions if t.id not in not_connector]
    notes = list(norm.notes)
    # What the bank posted or the Connector billed after the as-of date did not exist on that day.
    txs, bills, later = _as_of(txs, bills, as_of)
    notes.extend(later)
    for o in config.overrides:
        if o.kind == "not_connector":
            notes.append(f"override: {o.transaction} marked not the Connector's"
                         + (f" ({o.note})" if o.note else ""))
    auto = find_autopay_draws(txs, config)
    txs = [replace(t, autopay=True, classified_by=f"{t.classified_by}; AutoPay: {auto[t.id]}")
           if t.id in auto and not t.autopay else t for t in txs]
    refs = bill_id_for(merge_bill_copies(bills))
    if config.overrides:
        _check_overrides(config, [t.id for t in norm.transactions], [r.id for r in refs])
    m = match(txs, refs, config)
    if large:
        release_free_memory()   # the matcher's working columns are freed: hand the pages back
    for s in m.states.values():
        if not s.known:
            notes.append(f"bill {s.id}: its current charges were neither read nor derivable from its "
                         "other fields; whether it was paid in full, late or twice was not checked")
    ctx = CheckContext(as_of=as_of, config=config, transactions=tuple(txs), bills=tuple(refs), match=m,
                       uncashed_checks=norm.uncashed_checks, bank_last_date=last_bank,
                       bank_fees=tuple(f for f in norm.bank_fees if f.date <= as_of))
    findings = run_checks(ctx)
    # A credit paired with a debit is a return, whatever its wording.
    returned_credit = {c.id for _, c in m.returns}
    txs = [replace(t, role="return") if t.id in returned_credit else t for t in txs]
    del ctx     # the checks' indexes go before the bills' states turn into statuses
    statuses = _statuses(m.states, as_of)
    report = Report(as_of=as_of, inputs=tuple(i for i, _ in read), transactions=tuple(txs),
                    bills=tuple(refs), matches=tuple(m.allocations), findings=tuple(findings),
                    balances=tuple(balances), notes=tuple(notes), statuses=statuses,
                    refunds=tuple(sorted((d, c.id) for d, c in m.refunds.items())),
                    guidance=tuple(FINDING_TYPES[t] for t in sorted({f.type for f in findings})
                                   if t in FINDING_TYPES),
                    contact=CONNECTOR_CONTACT if findings else "")
    return RunResult(report=report, match=m)
