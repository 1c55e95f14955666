"""`recon proof` and `recon calls add|list`: the commands a member uses to dispute a bill.

Input: command-line arguments (the same INPUT.../--as-of/--config/--out as `recon run`, plus
--account/--from/--to for the proof; the call fields for `calls add`).
Output: OUTDIR/proof.pdf; one line appended to DATA/calls.jsonl; the call log as a table on stdout.

Exit codes: 0 done; 2 usage error (an unknown billing account, a bad date or month, a malformed
call log). Heavy libraries (fpdf2, the pipeline) are imported inside the commands so that
`recon --help` stays fast. recon.cli.app calls ``register(app)`` when this module exists.
"""
from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from recon.cli.common import (
    AsOf,
    Cache,
    ConfigPath,
    Inputs,
    ProfileName,
    err,
    load_config_or_exit,
    parse_as_of,
    require_inputs,
)

calls_app = typer.Typer(
    name="calls",
    help="Keep a log of your calls to the Connector (calls.jsonl beside your data), for the proof packet.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)

DATA_HELP = "Folder holding calls.jsonl (created if missing). Default: the current folder."


def _fail(msg: str) -> typer.Exit:
    err(f"recon: {msg}")
    return typer.Exit(2)


def _read_calls(data: Path):
    from recon.jobs.calls import CallLogError, calls_path, read_calls

    try:
        return read_calls(calls_path(data))
    except CallLogError as exc:
        raise _fail(f"call log error: {exc}") from None


@calls_app.command("add")
def calls_add(
    when: Annotated[str | None, typer.Option(
        "--when", metavar="WHEN", help='Date and time of the call, "YYYY-MM-DD HH:MM". Default: now.', show_default=False)]
        = None,
    rep: Annotated[str, typer.Option("--rep", metavar="NAME", help="The representative's first name.")] = "",
    rep_id: Annotated[str, typer.Option("--rep-id", metavar="ID", help="The representative's ID or operator number.")] = "",
    department: Annotated[str, typer.Option(
        "--department", metavar="NAME", help="Department you spoke to (e.g. Billing, Customer Service).")] = "",
    said: Annotated[str, typer.Option("--said", metavar="TEXT", help="What was said: your summary of the call.")] = "",
    promised: Annotated[str, typer.Option(
        "--promised", metavar="TEXT", help="What the Connector promised (refund, correction, call back by a date).")] = "",
    case: Annotated[str, typer.Option("--case", metavar="NUMBER", help="Case, ticket or reference number given.")] = "",
    account: Annotated[str | None, typer.Option(
        "--account", metavar="ACCOUNT", help="Billing account number the call was about (9 digits starting with 7).",
        show_default=False)] = None,
    data: Annotated[Path, typer.Option("--data", metavar="DIR", help=DATA_HELP)] = Path("."),
) -> None:
    """Record one call in DATA/calls.jsonl (appended; earlier calls are never rewritten)."""
    from recon.jobs.calls import Call, CallLogError, append_call, calls_path, check_account, parse_when

    try:
        moment = parse_when(when) if when is not None else datetime.now().replace(second=0, microsecond=0)
        acct = check_account(account)
    except CallLogError as exc:
        param = "--when" if when is not None and "date and time" in str(exc) else "--account"
        raise _fail(f"{param}: {exc}") from None
    if not any(v.strip() for v in (rep, rep_id, department, said, promised, case)):
        raise _fail("nothing to record: give at least one of --rep, --rep-id, --department, --said, "
                    "--promised, --case")
    path = calls_path(data)
    call = append_call(path, Call(when=moment, rep=rep.strip(), rep_id=rep_id.strip(),
                                  department=department.strip(), said=said.strip(),
                                  promised=promised.strip(), case=case.strip(), account=acct))
    sys.stdout.write(f"Call of {moment.strftime('%Y-%m-%d %H:%M')} recorded in {path} (line {call.line}).\n")


@calls_app.command("list")
def calls_list(
    account: Annotated[str | None, typer.Option(
        "--account", metavar="ACCOUNT", help="Show only calls about this billing account (and calls that name none).",
        show_default=False)] = None,
    data: Annotated[Path, typer.Option("--data", metavar="DIR", help=DATA_HELP)] = Path("."),
) -> None:
    """Show the call log as a table, sorted by time."""
    from recon.jobs.calls import CallLogError, calls_for, check_account, render_calls

    try:
        acct = check_account(account)
    except CallLogError as exc:
        raise _fail(f"--account: {exc}") from None
    sys.stdout.write(render_calls(calls_for(_read_calls(data), acct)))


def proof(
    inputs: Inputs,
    account: Annotated[str, typer.Option(
        "--account", "-a", metavar="ACCOUNT", help="The Connector billing account number the packet is for.",
        show_default=False)],
    month_from: Annotated[str | None, typer.Option(
        "--from", metavar="YYYY-MM", help="First coverage month to include, YYYY-MM. Default: the first bill read.",
        show_default=False)] = None,
    month_to: Annotated[str | None, typer.Option(
        "--to", metavar="YYYY-MM", help="Last coverage month to include, YYYY-MM. Default: the last bill read.",
        show_default=False)] = None,
    out: Annotated[Path, typer.Option("--out", "-o", metavar="OUTDIR", help="Folder for proof.pdf (created if missing).")]
        = Path("out"),
    as_of: AsOf = None,
    config: ConfigPath = None,
    profile: ProfileName = None,
    data: Annotated[Path | None, typer.Option(
        "--data", metavar="DIR", help="Folder holding calls.jsonl. Default: the first INPUT if it is a folder, "
                       "else the current folder.", show_default=False)] = None,
    cache: Cache = True,
) -> None:
    """Write OUTDIR/proof.pdf for one billing account: bills, payments, discrepancies, calls, letter."""
    from recon.report.proof import UnknownAccount, parse_month_arg, select, write_proof

    day = parse_as_of(as_of)
    try:
        start, end = parse_month_arg(month_from), parse_month_arg(month_to)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--from/--to") from None
    if start and end and start > end:
        raise typer.BadParameter(f"--from {start} is after --to {end}", param_hint="--from/--to")
    cfg = load_config_or_exit(config, inputs)
    data_dir = data if data is not None else (inputs[0] if inputs and inputs[0].is_dir() else Path("."))
    calls = _read_calls(data_dir)

    from recon.api import run as run_api
    from recon.errors import ConfigError

    require_inputs(inputs)
    try:
        result = run_api(list(inputs), day, cfg, profile=profile,
                         cache_dir=(out / ".recon-cache") if cache else None)
    except ConfigError as exc:
        raise _fail(f"configuration error: {exc}") from None
    acc = cfg.account(account.strip())
    try:
        packet = select(result.report, account.strip(), calls, start, end, owner=acc.owner if acc else None)
    except UnknownAccount as exc:
        raise _fail(str(exc)) from None
    except ValueError as exc:
        raise _fail(str(exc)) from None
    path = write_proof(result.report, packet, out)
    sys.stdout.write(f"Proof packet for billing account {packet.account} ({packet.period[0]} to "
                     f"{packet.period[1]}): {len(packet.rows)} bill(s), {len(packet.findings)} "
                     f"discrepancy(ies), {len(packet.disputed)} disputed, {len(packet.calls)} call(s).\n"
                     f"Written to {path}\n")


def register(app: typer.Typer) -> None:
    """Add `proof` and `calls` (add/list) to the recon app."""
    app.command("proof")(proof)
    app.add_typer(calls_app, name="calls")
