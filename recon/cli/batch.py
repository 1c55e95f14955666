"""Commands `recon batch`, `recon init` and `recon autopay`, added to the typer app by register(app).

Input: command-line arguments. Output: files (DATA_DIR/reports/<date>/..., DATA_DIR/recon.toml,
OUTDIR/autopay.csv), text on stdout, diagnostics on stderr, and the exit code:
    batch:   0 nothing new needs attention, 1 new high-severity findings, 2 error
    init:    0 created, 2 recon.toml already exists or the folder cannot be created
    autopay: 0 the audit completed (whatever it found), 2 usage or configuration error
Heavy modules are imported inside the commands so `recon --help` stays fast.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from recon.cli.common import (
    AsOf,
    ConfigPath,
    Inputs,
    clear_progress,
    err,
    load_config_or_exit,
    parse_as_of,
    progress_printer,
)


def batch(
    data_dir: Annotated[Path, typer.Argument(
        metavar="DATA_DIR", help="The data folder: DATA_DIR/recon.toml (config), DATA_DIR/inbox/ (bank exports, check "
             "register, bill PDFs; walked recursively), DATA_DIR/reports/ (results).", show_default=False)],
    as_of: Annotated[str | None, typer.Option(
        "--as-of", metavar="YYYY-MM-DD", help="The day the run is for, YYYY-MM-DD; names the reports/YYYY-MM-DD/ folder. "
                        "Default: today.", show_default=False)] = None,
    quiet: Annotated[bool, typer.Option(
        "--quiet", "-q", help="Print nothing when nothing new needs attention (for cron).")] = False,
) -> None:
    """Process DATA_DIR/inbox and write DATA_DIR/reports/YYYY-MM-DD/ with a 'since the last run' section.

    Exit status: 0 nothing new needs attention, 1 new high-severity findings, 2 error (no DATA_DIR,
    bad recon.toml, another run holds the lock).
    """
    day = parse_as_of(as_of)
    from recon.jobs.batch import BatchError, run_batch

    progress = progress_printer()
    try:
        outcome = run_batch(data_dir, day, progress=progress)
    except BatchError as exc:
        if progress:
            sys.stderr.write("\r\033[K")
        err(f"recon batch: {exc}")
        raise typer.Exit(exc.exit_code) from None
    except Exception as exc:  # noqa: BLE001 - any failure is exit 2 for cron; traceback in recon.log
        if progress:
            sys.stderr.write("\r\033[K")
        err(f"recon batch: failed ({type(exc).__name__}: {exc}); the earlier reports are unchanged; "
             f"details in {data_dir / 'reports' / 'recon.log'}")
        raise typer.Exit(2) from None
    if progress:
        sys.stderr.write("\r\033[K")
    if not (quiet and outcome.exit_code == 0):
        sys.stdout.write(outcome.changes_text)
        sys.stdout.write(f"\nReports written to {outcome.folder}\n")
    raise typer.Exit(outcome.exit_code)


def init(
    data_dir: Annotated[Path, typer.Argument(
        metavar="DATA_DIR", help="The data folder to set up (created if missing).", show_default=False)],
) -> None:
    """Create DATA_DIR/inbox/, DATA_DIR/reports/ and a commented template DATA_DIR/recon.toml.

    An existing recon.toml is never overwritten (exit status 2).
    """
    from recon.jobs.batch import BatchError, init_data_dir

    try:
        created = init_data_dir(data_dir)
    except BatchError as exc:
        err(f"recon init: {exc}")
        raise typer.Exit(exc.exit_code) from None
    for p in created:
        sys.stdout.write(f"created {p}{'/' if p.is_dir() else ''}\n")
    sys.stdout.write(f"Next: edit {data_dir / 'recon.toml'} (your billing accounts and AutoPay dates), "
                     f"put bank exports and bill PDFs in {data_dir / 'inbox'}/, then run "
                     f"`recon batch {data_dir}`.\n")


def autopay(
    inputs: Inputs,
    as_of: AsOf = None,
    config: ConfigPath = None,
    account: Annotated[str | None, typer.Option(
        "--account", metavar="ACCOUNT", help="Audit only this billing account (9 digits).", show_default=False)] = None,
    out: Annotated[Path, typer.Option(
        "--out", "-o", metavar="OUTDIR", help="Folder for autopay.csv (created if missing).")] = Path("out"),
) -> None:
    """Audit AutoPay per billing account and bill: expected draw and window, actual draws, verdict.

    Verdicts: ok, missing, wrong amount, extra, after cancellation, after plan end, returned,
    pending (window not over yet), no autopay. Prints a table and writes OUTDIR/autopay.csv.
    """
    day = parse_as_of(as_of)
    from recon.api import run
    from recon.errors import ConfigError
    from recon.jobs.autopay import audit, render, to_csv
    from recon.report.json_report import write_atomic

    cfg = load_config_or_exit(config, inputs)
    progress = progress_printer()
    try:
        result = run(list(inputs), day, cfg, progress=progress)
    except ConfigError as exc:
        err(f"recon autopay: configuration error: {exc}")
        raise typer.Exit(2) from None
    finally:
        clear_progress(progress)
    if account is not None and account not in {r.bill.billing_account for r in result.report.bills} \
            and cfg.account(account) is None:
        err(f"recon autopay: warning: no bill and no recon.toml entry for billing account {account}")
    rows = audit(result, cfg, account=account)
    sys.stdout.write(render(rows))
    path = out / "autopay.csv"
    write_atomic(path, to_csv(rows))
    sys.stdout.write(f"\nAutoPay audit written to {path}\n")


def register(app: typer.Typer) -> None:
    """Add the batch, init and autopay commands to ``app``."""
    app.command("batch")(batch)
    app.command("init")(init)
    app.command("autopay")(autopay)
