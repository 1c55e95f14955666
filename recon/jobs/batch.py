"""The monthly batch job: a DATA_DIR folder convention in, a dated reports folder and an exit code out.

Input: DATA_DIR with
    DATA_DIR/recon.toml       the configuration (``recon init DATA_DIR`` writes a commented template)
    DATA_DIR/inbox/           bank exports, check register and bill PDFs (walked recursively)
    DATA_DIR/reports/         earlier runs, one folder per as-of date
and an as-of date.
Output: DATA_DIR/reports/YYYY-MM-DD/ holding report.json, summary.txt, changes.txt, changes.json,
autopay.csv, findings.csv, ledger.csv, matches.csv and report.html, written into a temporary folder inside reports/ and renamed into place whole;
DATA_DIR/reports/latest (a symlink to the newest dated folder); lines appended to
DATA_DIR/reports/recon.log; a BatchOutcome whose ``exit_code`` is 0 (nothing new needs attention)
or 1 (new high-severity findings). Problems that stop the run (no DATA_DIR, bad config, lock held)
raise BatchError (exit code 2).

"Since the last run" compares this run's findings with the latest earlier reports/*/report.json.
A finding's identity is ``finding_key``: (type, billing_account, coverage_month, sorted
transaction_ids, sorted bill_ids) plus, for a finding that names neither a transaction nor a bill
(a check not cashed), the check number from its message or else its amount. A payment is new when
its transaction id (content-derived: date, amount, ordinal) is not in the earlier report.
"""
from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from recon.model import Report
from recon.privacy import mask_numbers, strip_controls
from recon.report.table import next_steps

log = logging.getLogger(__name__)

LOCK_NAME = ".recon.lock"
CONFIG_NAME = "recon.toml"
INBOX = "inbox"
REPORTS = "reports"
LOG_NAME = "recon.log"
LATEST = "latest"
CACHE = ".recon-cache"
TMP_PREFIX = ".tmp-"
OLD_PREFIX = ".old-"
CHANGES_SCHEMA = "recon.changes/1"
_DATED = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class BatchError(Exception):
    """A problem that stops the batch before or while it runs: exit code 2."""

    exit_code = 2


@dataclass
class Changes:
    """What changed since the previous run (finding and transaction dicts as in report.json)."""

    previous: str | None                   # the previous run's as-of date, None on a first run
    new_findings: list[dict[str, Any]] = field(default_factory=list)
    resolved_findings: list[dict[str, Any]] = field(default_factory=list)
    new_payments: list[dict[str, Any]] = field(default_factory=list)
    open_findings: int = 0

    @property
    def new_high(self) -> list[dict[str, Any]]:
        return [f for f in self.new_findings if f.get("severity") == "high"]


@dataclass
class BatchOutcome:
    folder: Path
    changes: Changes
    changes_text: str
    exit_code: int


# ------------------------------------------------------------------ folder convention and init

_TEMPLATE = """\
# recon.toml: the configuration of `recon batch` (and of `recon run -c recon.toml`).
#
# Every section is optional. Lines starting with "#" are comments; an example line is
# turned on by deleting its leading "# ". Dates are YYYY-MM-DD, in quotes.
# After editing, check it with:  recon batch . --as-of <a date>   (a mistake stops with exit 2
# and names the file, line and key).

# ---------------------------------------------------------------------------------------------
# Billing accounts: one [[accounts]] block per Connector billing account (9 digits, starting
# with 7, printed at the top of the bill and on the coupon). Health and dental are separate
# accounts. owner is whose plan it is (for your own reading); plan is "health" or "dental".
# plan_end: the last day of coverage; a Connector debit after it is an unmatched charge.
# autopay: the periods AutoPay was on. start = the day you set it up; end = the day you
# cancelled it (leave end out while it is still on). Several periods are allowed.
#
# [[accounts]]
# number = "712345678"
# owner = "Jane Doe"
# plan = "health"
# autopay = [{ start = "2026-01-01", end = "2026-08-31" }]
#
# [[accounts]]
# number = "798765432"
# owner = "Jane Doe"
# plan = "dental"
# plan_end = "2026-09-30"

# ---------------------------------------------------------------------------------------------
# Aliases: extra payee wordings. connector: names that mean the Health Connector (a bill-pay
# payee you typed, say). not_connector: names that never do (look-alikes such as Commonwealth
# Health Alliance share the bank's 16-character cut "COMMONWEALTH HEA").
#
# [aliases]
# connector = ["MA CONNECTOR PMT", "HEALTH CONN PREMIUM"]
# not_connector = ["COMMONWEALTH HEALTH ALL"]

# ---------------------------------------------------------------------------------------------
# Tolerances: the values below are the defaults; turn a line on only to change it.
#
# [tolerances]
{tolerances}

# ---------------------------------------------------------------------------------------------
# Overrides: decisions you made after checking. Each is one [[overrides]] block with one of
# link (this transaction paid this bill), not_connector (this transaction is not a Connector
# payment) or accept (you accept a finding; it stays in the report with severity low and your
# note). Transaction ids ("t...") and bill ids ("b-...") are in reports/<date>/report.json.
#
# [[overrides]]
# link = { transaction = "t20260610-45050-1", bill = "b-712345678-2026-06" }
# note = "online payment for June after the returned AutoPay"
#
# [[overrides]]
# not_connector = "t20260312-4500-1"
# note = "Commonwealth Health Alliance, not the Connector"
#
# [[overrides]]
# accept = { type = "late_payment", billing_account = "712345678", coverage_month = "2026-06" }
# note = "Connector confirmed on call 2026-06-12, rep Dana ID 4471, case 12345"

# ---------------------------------------------------------------------------------------------
# Profiles: folders (relative to this file) with your own bank CSV layouts (see `recon profiles`).
#
# [profiles]
# dirs = ["profiles"]
"""


# What each tolerance means, for the template (defaults come from recon.config.Tolerances).
_TOLERANCE_HELP = {
    "amount_cents": "allowed difference between a payment and a bill, in cents",
    "autopay_window_business_days": "AutoPay starts on the 22nd and posts within this many business days",
    "pay_before_bill_days": "a payment this many days before a bill's date may still be for it",
    "return_window_business_days": "a return follows its debit within this many business days",
    "late_return_window_days": "unauthorised-debit returns (R05/R07/R10/R11) may come this many days later",
    "check_uncashed_days": "a check not cleared this many days after it was written is reported",
    "check_mail_business_days": "business days a mailed check takes to reach the Connector",
    "weak_name_score": "fuzzy score (0-100) at which a payee counts as a weak Connector name",
    "same_day_cutoff": "Eastern-time cut-off for same-day online payments [unverified]",
    "bill_posting_lag_days": "days a bill's 'payments received' may lag the bank's posting",
}


def init_template() -> str:
    """The commented recon.toml that `recon init` writes; tolerance defaults from Tolerances()."""
    from dataclasses import fields

    from recon.config import Tolerances

    defaults = Tolerances()
    lines = []
    for f in fields(Tolerances):
        v = getattr(defaults, f.name)
        value = f'"{v}"' if isinstance(v, str) else str(v)
        lines.append(f"# {f.name} = {value}".ljust(40) + f"# {_TOLERANCE_HELP.get(f.name, f.name)}")
    return _TEMPLATE.replace("{tolerances}", "\n".join(lines))


def init_data_dir(data_dir: Path) -> list[Path]:
    """Create DATA_DIR/{inbox,reports}/ and a commented DATA_DIR/recon.toml.

    Returns the paths created. Raises BatchError when recon.toml already exists (never overwritten).
    """
    cfg = data_dir / CONFIG_NAME
    if cfg.exists():
        raise BatchError(f"{cfg}: already exists; not overwritten (edit it, or move it away first)")
    created: list[Path] = []
    for d in (data_dir, data_dir / INBOX, data_dir / REPORTS):
        if not d.is_dir():
            try:
                d.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise BatchError(f"{d}: cannot create folder: {exc.strerror or exc}") from exc
            created.append(d)
    try:
        with open(cfg, "x", encoding="utf-8", newline="\n") as fh:   # "x": never overwrite
            fh.write(init_template())
    except FileExistsError as exc:
        raise BatchError(f"{cfg}: already exists; not overwritten") from exc
    created.append(cfg)
    return created


# ------------------------------------------------------------------ the lock


@contextlib.contextmanager
def data_dir_lock(data_dir: Path) -> Iterator[None]:
    """Hold DATA_DIR/.recon.lock (fcntl.flock, non-blocking) for the duration; BatchError if held."""
    import fcntl

    path = data_dir / LOCK_NAME
    with open(path, "a+", encoding="utf-8") as fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            holder = fh.read().strip()
            raise BatchError(f"{path}: another recon batch is running on {data_dir}"
                             + (f" (pid {holder})" if holder else "")
                             + "; try again when it has finished") from None
        fh.seek(0)
        fh.truncate()
        fh.write(f"{os.getpid()}\n")
        fh.flush()
        try:
            yield
        finally:
            fh.seek(0)
            fh.truncate()
            fh.flush()
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


# ------------------------------------------------------------------ the log


class MaskNumbers(logging.Filter):
    """Mask long digit runs (bank account numbers) in log records, keeping the last four digits,
    and remove control characters, so a newline in a file name cannot forge a log line
    (recon.privacy). Kept as written: the numbers in ``keep`` (Connector billing account numbers,
    public on every bill and needed to act) and YYYYMMDD dates inside transaction ids.
    """

    def __init__(self, keep: set[str] | None = None) -> None:
        super().__init__()
        self.keep = keep or set()

    def filter(self, record: logging.LogRecord) -> bool:
        msg = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        record.msg = mask_numbers(strip_controls(msg, newlines=False), self.keep)
        record.args = None
        if record.exc_text:
            record.exc_text = mask_numbers(strip_controls(record.exc_text), self.keep)
        return True


@contextlib.contextmanager
def batch_log(reports: Path, keep: set[str] | None = None) -> Iterator[MaskNumbers]:
    """Append records of the `recon` loggers to reports/recon.log, timestamped, numbers masked."""
    reports.mkdir(parents=True, exist_ok=True)
    log_path = reports / LOG_NAME
    os.close(os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600))   # readable by the member only
    os.chmod(log_path, 0o600)
    handler = logging.FileHandler(log_path, mode="a", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s",
                                           datefmt="%Y-%m-%dT%H:%M:%S%z"))
    mask = MaskNumbers(keep)
    handler.addFilter(mask)
    root = logging.getLogger("recon")
    old_level = root.level
    root.addHandler(handler)
    if root.level == logging.NOTSET or root.level > logging.INFO:
        root.setLevel(logging.INFO)
    try:
        yield mask
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
        handler.close()


# ------------------------------------------------------------------ comparing runs


def finding_key(f: dict[str, Any]) -> tuple[str, ...]:
    """A finding's identity across runs (see module docstring). ``f`` is a report.json finding."""
    tids = tuple(sorted(f.get("transaction_ids") or ()))
    bids = tuple(sorted(f.get("bill_ids") or ()))
    extra: tuple[str, ...] = ()
    if not tids and not bids:
        m = re.search(r"\bcheck (\w+)", f.get("message") or "")
        extra = (f"check {m.group(1)}",) if m else (f.get("amount") or "",)
    return (f.get("type") or "", f.get("billing_account") or "", f.get("coverage_month") or "",
            "|".join(tids), "|".join(bids), *extra)


def previous_report(reports: Path, as_of: date) -> tuple[str, dict[str, Any]] | None:
    """The latest reports/YYYY-MM-DD/report.json dated on or before ``as_of``, as (date, data): a
    second run on the same day compares with that day's earlier run (so it says nothing is new)."""
    if not reports.is_dir():
        return None
    for d in sorted((p for p in reports.iterdir() if p.is_dir() and _DATED.match(p.name)
                     and p.name <= as_of.isoformat()), key=lambda p: p.name, reverse=True):
        f = d / "report.json"
        if not f.is_file():
            continue
        try:
            return d.name, json.loads(f.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            log.warning("skipping unreadable earlier report %s: %s", f, exc)
    return None


def compare(current: dict[str, Any], previous: dict[str, Any] | None, previous_name: str | None) -> Changes:
    """Findings new and resolved, and payments new, between two report.json dicts."""
    cur = {finding_key(f): f for f in current.get("findings", [])}
    open_n = sum(1 for f in cur.values() if not f.get("accepted"))
    paid: dict[str, list[str]] = {}
    for mt in current.get("matches", []):
        paid.setdefault(mt.get("transaction_id"), []).append(mt.get("bill_id"))
    pays = [{**t, "bill_ids": sorted(set(paid.get(t.get("id"), [])))}
            for t in current.get("transactions", []) if t.get("role") == "payment"]
    if previous is None:
        return Changes(previous=None, new_findings=list(cur.values()), new_payments=pays, open_findings=open_n)
    old = {finding_key(f): f for f in previous.get("findings", [])}
    old_ids = {t.get("id") for t in previous.get("transactions", [])}
    return Changes(previous=previous_name,
                   new_findings=[f for k, f in cur.items() if k not in old],
                   resolved_findings=[f for k, f in old.items() if k not in cur],
                   new_payments=[t for t in pays if t.get("id") not in old_ids],
                   open_findings=open_n)


def _money(s: str | None, paid: bool = False) -> str:
    """A report.json amount as people read it everywhere: "$412.00" (a payment by its size)."""
    if s in (None, ""):
        return ""
    from decimal import Decimal, InvalidOperation

    from recon.money import dollars

    try:
        d = Decimal(str(s))
    except InvalidOperation:
        return str(s)
    return dollars(abs(d) if paid else d)


def _payment_words(t: dict[str, Any]) -> str:
    """'check 1051' / 'trace 021000021000018' / the description, then the bills it paid."""
    desc = " ".join(str(t.get("description") or "").split())
    m = re.search(r"CO ENTRY DESCR:\s*(\S+(?: PMT)?)", desc)
    if t.get("check_number"):
        what = f"check {t['check_number']}"
    elif m:
        what = f"ACH {m.group(1)}" + (f", trace {t['trace_number']}" if t.get("trace_number") else "")
    else:
        what = desc[:48]
    bills = t.get("bill_ids") or []
    return f"{what}  [{t.get('id')}]  " + (f"paid {', '.join(bills)}" if bills else "paid no bill")


def render_changes(as_of: date, ch: Changes, report: Report | None = None) -> str:
    """The "since the last run" section as plain text (what cron mails), with what to do about the
    new findings when the run's report is given."""
    out = []
    if ch.previous:
        out.append(f"recon batch as of {as_of.isoformat()}: since the last run ({ch.previous})")
    else:
        out.append(f"recon batch as of {as_of.isoformat()}: first run (no earlier report to compare with; "
                   "every finding counts as new)")
    out.append("")

    def finding_lines(fs: list[dict[str, Any]]) -> None:
        for f in fs:
            where = " ".join(x for x in (f.get("billing_account"), f.get("coverage_month")) if x)
            amount = f" {_money(f['amount'])}" if f.get("amount") else ""
            out.append(f"  [{f.get('severity')}] {f.get('type')}{amount}{(' ' + where) if where else ''}")
            out.append(f"      {f.get('message')}")
            if f.get("accepted"):
                out.append(f"      accepted: {f['accepted']}")

    out.append(f"New findings ({len(ch.new_findings)}):" if ch.new_findings else "New findings: none")
    finding_lines(ch.new_findings)
    out.append(f"Resolved findings ({len(ch.resolved_findings)}):" if ch.resolved_findings
               else "Resolved findings: none")
    finding_lines(ch.resolved_findings)
    out.append(f"New payments ({len(ch.new_payments)}):" if ch.new_payments else "New payments: none")
    for t in ch.new_payments:
        out.append(f"  {t.get('date')} {_money(t.get('amount'), paid=True):>10}  {_payment_words(t)}")
    out.append("")
    if ch.new_high:
        out.append(f"Needs attention: {len(ch.new_high)} new high-severity finding(s). "
                   f"{ch.open_findings} finding(s) open in all; see summary.txt.")
    else:
        out.append(f"Nothing new needs attention. {ch.open_findings} finding(s) open in all; see summary.txt.")
    if report is not None:
        out.extend(next_steps(report, {str(f.get("type")) for f in ch.new_findings if not f.get("accepted")}))
    return "\n".join(out) + "\n"


def changes_json(as_of: date, ch: Changes, exit_code: int) -> str:
    data = {
        "schema": CHANGES_SCHEMA,
        "as_of": as_of.isoformat(),
        "previous": ch.previous,
        "needs_attention": bool(ch.new_high),
        "exit_code": exit_code,
        "open_findings": ch.open_findings,
        "new_findings": [{**f, "key": list(finding_key(f))} for f in ch.new_findings],
        "resolved_findings": [{**f, "key": list(finding_key(f))} for f in ch.resolved_findings],
        "new_payments": ch.new_payments,
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


# ------------------------------------------------------------------ writing the dated folder


_OLD_NAME = re.compile(rf"^{re.escape(OLD_PREFIX)}(\d{{4}}-\d{{2}}-\d{{2}})-\d+$")


def _clean_stale(reports: Path) -> None:
    """Put back or remove what a killed run left behind (only called while holding the lock).

    A run killed between publish's two renames left the day's earlier report as ``.old-<date>-<pid>``
    and no ``<date>``: that folder is renamed back, so no date's report is ever lost. Any other
    temporary folder is removed."""
    for p in sorted(reports.iterdir()):
        m = _OLD_NAME.match(p.name)
        if p.is_dir() and m and not (reports / m.group(1)).exists():
            log.warning("restoring %s, which an interrupted run had moved aside", m.group(1))
            os.replace(p, reports / m.group(1))
    for p in reports.iterdir():
        if p.is_dir() and p.name.startswith((TMP_PREFIX, OLD_PREFIX)):
            log.warning("removing %s left by an interrupted run", p.name)
            shutil.rmtree(p, ignore_errors=True)


def publish(reports: Path, name: str, write: Callable[[Path], None]) -> Path:
    """Write a whole folder reports/<name>/ atomically.

    ``write(tmp)`` fills a temporary folder inside reports/; only when it returns is the folder
    renamed into place (an earlier folder of the same name is swapped out, then removed). If
    ``write`` raises, the temporary folder is removed and the earlier reports are untouched.
    """
    final = reports / name
    tmp = Path(tempfile.mkdtemp(prefix=f"{TMP_PREFIX}{name}-", dir=reports))
    try:
        write(tmp)
        _fsync_dir(tmp)
        if final.exists():
            old = reports / f"{OLD_PREFIX}{name}-{os.getpid()}"
            os.replace(final, old)
            os.replace(tmp, final)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, final)
        _fsync_dir(reports)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _point_latest(reports)
    return final


def _fsync_dir(d: Path) -> None:
    for f in d.iterdir() if d.name.startswith(TMP_PREFIX) else ():
        with contextlib.suppress(OSError), open(f, "rb") as fh:
            os.fsync(fh.fileno())
    with contextlib.suppress(OSError):
        fd = os.open(d, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _point_latest(reports: Path) -> None:
    """reports/latest -> the newest dated folder (a symlink, replaced atomically)."""
    dated = sorted(p.name for p in reports.iterdir() if p.is_dir() and _DATED.match(p.name)
                   and not p.is_symlink())
    if not dated:
        return
    link = reports / LATEST
    if link.exists() and not link.is_symlink():
        log.warning("%s is not a symlink; not updated", link)
        return
    tmp = reports / f".latest-{os.getpid()}"
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    try:
        tmp.symlink_to(dated[-1], target_is_directory=True)
        os.replace(tmp, link)
    except OSError as exc:   # a filesystem without symlinks: the dated folders are enough
        with contextlib.suppress(OSError):
            tmp.unlink()
        log.warning("could not point %s at %s: %s", link, dated[-1], exc)


# ------------------------------------------------------------------ the run


def run_batch(data_dir: Path, as_of: date,
              progress: Callable[[int, int, str], None] | None = None) -> BatchOutcome:
    """Process DATA_DIR/inbox as of ``as_of`` and publish DATA_DIR/reports/<as_of>/.

    Raises BatchError (exit 2) for a missing DATA_DIR or inbox, a bad recon.toml, or a held lock.
    """
    if not data_dir.is_dir():
        raise BatchError(f"{data_dir}: no such folder (create it with `recon init {data_dir}`)")
    cfg_path = data_dir / CONFIG_NAME
    inbox = data_dir / INBOX
    reports = data_dir / REPORTS
    if not cfg_path.is_file():
        raise BatchError(f"{cfg_path}: no configuration file (write a template with `recon init {data_dir}`)")
    if not inbox.is_dir():
        raise BatchError(f"{inbox}: no inbox folder (put bank exports and bill PDFs there; "
                         f"`recon init {data_dir}` creates it)")
    if not any(p.is_file() for p in inbox.rglob("*")):
        # Nothing to read is not "nothing new needs attention": cron must hear about it.
        raise BatchError(f"{inbox}: the inbox is empty (put this month's bank exports and bill PDFs there)")
    reports.mkdir(exist_ok=True)
    with batch_log(reports) as mask:
        try:
            with data_dir_lock(data_dir):
                return _run_locked(data_dir, cfg_path, inbox, reports, as_of, progress, mask)
        except BatchError as exc:
            log.error("batch stopped: %s", exc)
            raise
        except Exception:
            log.exception("batch failed")
            raise


def _run_locked(data_dir: Path, cfg_path: Path, inbox: Path, reports: Path, as_of: date,
                progress: Callable[[int, int, str], None] | None, mask: MaskNumbers) -> BatchOutcome:
    from recon.api import run
    from recon.config import load_config
    from recon.errors import ConfigError
    from recon.jobs.autopay import audit, to_csv
    from recon.report.json_report import to_dict, write_atomic
    from recon.report.table import render

    log.info("batch start: data dir %s, as of %s", data_dir, as_of.isoformat())
    try:
        config = load_config(cfg_path)
    except ConfigError as exc:
        raise BatchError(f"configuration error: {exc}") from None
    mask.keep |= {a.number for a in config.accounts}
    _clean_stale(reports)
    try:
        result = run([inbox], as_of, config, progress=progress, cache_dir=data_dir / CACHE)
    except ConfigError as exc:
        raise BatchError(f"configuration error: {exc}") from None
    report = result.report
    mask.keep |= {r.bill.billing_account for r in report.bills}
    for i in report.inputs:
        if i.status == "ok":
            log.info("read %s (%s, %d record(s))", i.path, i.kind, i.records)
        else:
            log.warning("rejected %s: %s", i.path, (i.error or "").splitlines()[0] if i.error else "")
    current = to_dict(report)
    prev = previous_report(reports, as_of)
    changes = compare(current, prev[1] if prev else None, prev[0] if prev else None)
    exit_code = 1 if changes.new_high else 0
    text = render_changes(as_of, changes, report)
    rows = audit(result, config)

    def write(folder: Path) -> None:
        from recon.report import write_outputs

        write_outputs(report, folder)
        write_atomic(folder / "summary.txt", render(report))
        write_atomic(folder / "changes.txt", text)
        write_atomic(folder / "changes.json", changes_json(as_of, changes, exit_code))
        write_atomic(folder / "autopay.csv", to_csv(rows))

    folder = publish(reports, as_of.isoformat(), write)
    log.info("batch done: %d file(s), %d transaction(s), %d bill(s), %d finding(s); "
             "%d new (%d high), %d resolved, %d new payment(s); compared with %s; exit %d; wrote %s",
             len(report.inputs), len(report.transactions), len(report.bills), len(report.findings),
             len(changes.new_findings), len(changes.new_high), len(changes.resolved_findings),
             len(changes.new_payments), changes.previous or "nothing (first run)", exit_code, folder.name)
    return BatchOutcome(folder=folder, changes=changes, changes_text=text, exit_code=exit_code)
