"""The `recon` command line: parses arguments, calls the library, writes files, maps errors to exit codes.

Exit codes: 0 the run completed (whatever it found); 2 usage or configuration error.
Heavy libraries are imported inside commands so that `recon --help` stays fast.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
import typer.core

from recon.cli.common import (
    AsOf,
    Cache,
    ConfigPath,
    Inputs,
    ProfileName,
    clear_progress,
    err,
    load_config_or_exit,
    parse_as_of,
    progress_printer,
    require_inputs,
)

# typer 0.29 prints an argument's Python type beside its name ("INPUT <list[Path]>"); the help says
# what each argument is in words, so the type is left out (options show their metavar already).
if hasattr(typer.core.TyperArgument, "display_type_rich"):
    typer.core.TyperArgument.display_type_rich = lambda self, ctx: None  # type: ignore[method-assign]

app = typer.Typer(
    name="recon",
    help="Reconcile your bank records with your Massachusetts Health Connector premium bills.\n\n"
         "Point `recon run` at a folder of bank exports (OFX/QFX/QBO, bank CSVs, a check register) "
         "and Connector bill PDFs; it pairs every Connector payment with its bill and coverage month "
         "and lists what does not add up.",
    no_args_is_help=True,
    add_completion=True,      # --install-completion / --show-completion (bash, zsh, fish, PowerShell)
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        from recon import __version__

        sys.stdout.write(f"recon {__version__}\n")
        raise typer.Exit()


@app.callback()
def _main(version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                                help="Print recon's version and exit.")] = False) -> None:
    """Reconcile your bank records with your Massachusetts Health Connector premium bills."""


@app.command()
def run(
    inputs: Inputs,
    out: Annotated[Path, typer.Option("--out", "-o", metavar="OUTDIR",
                                      help="Folder for report.json, findings.csv, ledger.csv, matches.csv "
                                           "and report.html (created if missing).")] = Path("out"),
    as_of: AsOf = None,
    config: ConfigPath = None,
    profile: ProfileName = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only high-severity findings.")]
        = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Also print ids and importer notes.")]
        = False,
    cache: Cache = True,
) -> None:
    """Reconcile INPUT files and folders; write OUTDIR/report.json and print a summary."""
    day = parse_as_of(as_of)
    cfg = load_config_or_exit(config, inputs)
    from recon.api import run as run_api
    from recon.errors import ConfigError
    from recon.report import write_outputs
    from recon.report.table import render

    require_inputs(inputs)
    cache_dir = _usable_cache(out / ".recon-cache") if cache else None
    progress = progress_printer(not quiet)
    try:
        result = run_api(list(inputs), day, cfg, profile=profile, progress=progress, cache_dir=cache_dir)
    except ConfigError as exc:
        err(f"recon: configuration error: {exc}")
        raise typer.Exit(2) from None
    finally:
        clear_progress(progress)
    path, *_, html = _publish(out, lambda folder: write_outputs(result.report, folder))
    sys.stdout.write(render(result.report, verbose=verbose, quiet=quiet))
    sys.stdout.write(f"\nReport written to {path}; also findings.csv, ledger.csv, matches.csv and "
                     f"{html.name} in {out}\n")


def _usable_cache(cache_dir: Path) -> Path | None:
    """The parse cache folder when it can be written; else None, said on stderr (the run goes on)."""
    import tempfile

    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=cache_dir, prefix=".probe-"):
            pass
    except OSError as exc:
        err(f"recon: warning: cannot write the parse cache {cache_dir} ({exc.strerror or exc}); "
            "running without it (every file is read afresh)")
        return None
    return cache_dir


def _publish(out: Path, write) -> list[Path]:  # type: ignore[no-untyped-def]
    """Write every output into a new folder inside OUTDIR, then move them into place: a full disk or
    a failure half-way leaves the previous run's files as they were (exit 2 with a message)."""
    import os
    import shutil
    import tempfile

    tmp: Path | None = None
    try:
        out.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".recon-new-", dir=out))
        written = write(tmp)
        final = []
        for p in written:
            os.replace(p, out / p.name)
            final.append(out / p.name)
        return final
    except OSError as exc:
        err(f"recon: could not write the outputs in {out}: {exc.strerror or exc}; "
            "the files of an earlier run there were left as they were")
        raise typer.Exit(2) from None
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


@app.command()
def check(
    inputs: Inputs,
    as_of: AsOf = None,
    config: ConfigPath = None,
    profile: ProfileName = None,
) -> None:
    """Check recon.toml and read every INPUT, writing nothing: exit 0 when the config is valid and
    every file was read, 2 otherwise (each problem is printed with its file and line)."""
    day = parse_as_of(as_of)
    cfg = load_config_or_exit(config, inputs)
    from recon.api import run as run_api
    from recon.errors import ConfigError

    require_inputs(inputs)
    try:
        result = run_api(list(inputs), day, cfg, profile=profile)
    except ConfigError as exc:
        err(f"recon: configuration error: {exc}")
        raise typer.Exit(2) from None
    report = result.report
    rejected = [i for i in report.inputs if i.status == "rejected"]
    for i in rejected:
        err(f"recon: {i.error or i.path}")
    warned = [i for i in report.inputs if i.status == "ok" and i.notes]
    sys.stdout.write(f"config {cfg.path or '(none: defaults)'}: ok\n"
                     f"{len(report.inputs) - len(rejected)} file(s) read ({len(warned)} with notes), "
                     f"{len(rejected)} rejected; {len(report.transactions)} Connector transaction(s), "
                     f"{len(report.bills)} bill(s). Nothing was written.\n")
    if rejected:
        raise typer.Exit(2)


@app.command()
def profiles(
    profile_dir: Annotated[list[Path] | None, typer.Option(
        "--dir", metavar="DIR", help="Also list profiles from this folder (repeatable).")] = None,
) -> None:
    """List the bank CSV layouts (profiles) recon recognises, built-in and your own."""
    from recon.errors import ConfigError
    from recon.profiles import describe_profiles

    try:
        rows = describe_profiles(tuple(profile_dir or ()))
    except ConfigError as exc:
        err(f"recon: profile error: {exc}")
        raise typer.Exit(2) from None
    width = max((len(r[0]) for r in rows), default=10)
    for name, desc, src in rows:
        sys.stdout.write(f"{name:<{width}}  {desc}  [{src}]\n")


def _register_extra_commands() -> None:
    """Commands that live in their own modules (reports, call log, batch, AutoPay audit)."""
    import importlib

    for name in ("recon.cli.reports", "recon.cli.batch"):
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
