"""The `recon` command line: parses arguments, calls the library, writes files, maps errors to exit codes.

Exit codes: 0 the run completed (whatever it found); 2 usage or configuration error.
Heavy libraries are imported inside commands so that `recon --help` stays fast.
"""
from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Optional

import typer

app = typer.Typer(
    name="recon",
    help="Reconcile your bank records with your Massachusetts Health Connector premium bills.\n\n"
         "Point `recon run` at a folder of bank exports (OFX/QFX/QBO, bank CSVs, a check register) "
         "and Connector bill PDFs; it pairs every Connector payment with its bill and coverage month "
         "and lists what does not add up.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _err(msg: str) -> None:
    sys.stderr.write(msg.rstrip("\n") + "\n")


def _parse_as_of(value: Optional[str]) -> date:
    if value is None:
        return date.today()
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise typer.BadParameter(f"expected YYYY-MM-DD, got {value!r}", param_hint="--as-of") from None


def default_config_path(inputs: list[Path]) -> Optional[Path]:
    """The recon.toml beside the data: inside the first INPUT that is a folder."""
    for p in inputs:
        if p.is_dir() and (p / "recon.toml").is_file():
            return p / "recon.toml"
    return None


def _load_config(path: Optional[Path]):
    from recon.config import load_config
    from recon.errors import ConfigError

    try:
        return load_config(path)
    except ConfigError as exc:
        _err(f"recon: configuration error: {exc}")
        raise typer.Exit(2) from None


@app.command()
def run(
    inputs: Annotated[list[Path], typer.Argument(
        help="Files or folders to read (folders are walked recursively). Kinds are detected from content.",
        show_default=False, metavar="INPUT...")],
    out: Annotated[Path, typer.Option("--out", "-o", metavar="OUTDIR",
                                      help="Folder for report.json (created if missing).")] = Path("out"),
    as_of: Annotated[Optional[str], typer.Option(
        "--as-of", metavar="YYYY-MM-DD", show_default=False,
        help="The day the report is made for ('late' and 'unpaid' depend on it). Default: today.")] = None,
    config: Annotated[Optional[Path], typer.Option(
        "--config", "-c", metavar="FILE",
        help="recon.toml with billing accounts, aliases, tolerances and overrides. Default: a recon.toml "
             "inside the first INPUT folder, if there is one.")] = None,
    profile: Annotated[Optional[str], typer.Option(
        "--profile", help="Force this bank CSV layout for every CSV (see `recon profiles`).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only high-severity findings.")]
        = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Also print ids and importer notes.")]
        = False,
    cache: Annotated[bool, typer.Option(help="Cache parsed bills by file content so re-runs are fast.")]
        = True,
) -> None:
    """Reconcile INPUT files and folders; write OUTDIR/report.json and print a summary."""
    day = _parse_as_of(as_of)
    cfg = _load_config(config or default_config_path(inputs))
    from recon.api import run as run_api
    from recon.errors import ConfigError
    from recon.report.json_report import write_report
    from recon.report.table import render

    missing = [p for p in inputs if not p.exists()]
    for p in missing:
        _err(f"recon: warning: {p}: no such file or folder (listed as rejected)")
    progress = _progress_printer() if sys.stderr.isatty() and not quiet else None
    try:
        result = run_api(list(inputs), day, cfg, profile=profile, progress=progress,
                         cache_dir=(out / ".recon-cache") if cache else None)
    except ConfigError as exc:
        _err(f"recon: configuration error: {exc}")
        raise typer.Exit(2) from None
    if progress:
        sys.stderr.write("\r\033[K")
    path = write_report(result.report, out)
    sys.stdout.write(render(result.report, result.match, verbose=verbose, quiet=quiet))
    sys.stdout.write(f"\nReport written to {path}\n")


def _progress_printer():
    def show(n: int, total: int, name: str) -> None:
        width = 24
        done = int(width * n / max(total, 1))
        sys.stderr.write(f"\r\033[K[{'#' * done}{'.' * (width - done)}] {n}/{total} {name[-50:]}")
        sys.stderr.flush()

    return show


@app.command()
def profiles(
    profile_dir: Annotated[Optional[list[Path]], typer.Option(
        "--dir", help="Also list profiles from this folder (repeatable).")] = None,
) -> None:
    """List the bank CSV layouts (profiles) recon recognises, built-in and your own."""
    from recon.errors import ConfigError
    from recon.profiles import describe_profiles

    try:
        rows = describe_profiles(tuple(profile_dir or ()))
    except ConfigError as exc:
        _err(f"recon: profile error: {exc}")
        raise typer.Exit(2) from None
    width = max((len(r[0]) for r in rows), default=10)
    for name, desc, src in rows:
        sys.stdout.write(f"{name:<{width}}  {desc}  [{src}]\n")


def _register_extra_commands() -> None:
    """Commands that live in their own modules (reports, call log, batch, AutoPay audit)."""
    import importlib

    for name in ("recon.cli_reports", "recon.cli_batch"):
        try:
            mod = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        mod.register(app)


_register_extra_commands()


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
