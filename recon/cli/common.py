"""Pieces every `recon` command shares: argument types, --as-of and --config handling, progress.

Input: raw option values. Output: parsed values, or typer errors / exits (2) with a message on stderr.
"""
from __future__ import annotations

import re
import sys
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer

Inputs = Annotated[list[Path], typer.Argument(
    help="Files or folders to read (folders are walked recursively). Kinds are detected from content.",
    show_default=False, metavar="INPUT")]
AsOf = Annotated[str | None, typer.Option(
    "--as-of", metavar="YYYY-MM-DD", show_default=False,
    help="The day the report is made for ('late' and 'unpaid' depend on it). Default: today.")]
ConfigPath = Annotated[Path | None, typer.Option(
    "--config", "-c", metavar="FILE",
    help="recon.toml with billing accounts, AutoPay periods, aliases, tolerances and overrides. "
         "Default: a recon.toml inside the first INPUT folder, if there is one.")]
ProfileName = Annotated[str | None, typer.Option(
    "--profile", metavar="NAME", help="Force this bank CSV layout for every CSV (see `recon profiles`).")]
Cache = Annotated[bool, typer.Option(help="Cache parsed bills by file content so re-runs are fast.")]


def err(msg: str) -> None:
    """A diagnostic line on stderr, as people read it (recon.privacy: a billing account stays in
    full, other long numbers such as a bank account in a file name are masked; no escape codes)."""
    from recon.privacy import for_people

    keep = set(re.findall(r"(?<!\d)7\d{8}(?!\d)", msg))
    sys.stderr.write(for_people(msg.rstrip("\n"), keep) + "\n")


def parse_as_of(value: str | None) -> date:
    """--as-of text -> date (today when absent); a bad value is a usage error (exit 2)."""
    if value is None:
        return date.today()
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise typer.BadParameter(f"expected YYYY-MM-DD, got {value!r}", param_hint="--as-of") from None


def default_config_path(inputs: list[Path]) -> Path | None:
    """The recon.toml beside the data: inside the first INPUT that is a folder."""
    for p in inputs:
        if p.is_dir() and (p / "recon.toml").is_file():
            return p / "recon.toml"
    return None


def load_config_or_exit(path: Path | None, inputs: list[Path] = ()):  # type: ignore[assignment]
    """Load --config (or the recon.toml beside the data); a bad one exits 2 naming file, line, key."""
    from recon.config import load_config
    from recon.errors import ConfigError

    try:
        return load_config(path or default_config_path(list(inputs)))
    except ConfigError as exc:
        err(f"recon: configuration error: {exc}")
        raise typer.Exit(2) from None


def require_inputs(inputs: list[Path]) -> None:
    """A missing INPUT is named on stderr and listed as rejected; when none of them exists, nothing
    can be read, and that is a usage error (exit 2), never an empty report that looks like success."""
    missing = [p for p in inputs if not p.exists()]
    for p in missing:
        err(f"recon: warning: {p}: no such file or folder (listed as rejected)")
    if missing and len(missing) == len(inputs):
        err("recon: none of the inputs exists, so nothing was read; check the path(s) and run again")
        raise typer.Exit(2)


def progress_printer(enabled: bool = True) -> Callable[[int, int, str], None] | None:
    """A one-line progress bar on stderr, only when stderr is a terminal (never in cron mail)."""
    if not enabled or not sys.stderr.isatty():
        return None

    def show(n: int, total: int, name: str) -> None:
        width = 24
        done = int(width * n / max(total, 1))
        sys.stderr.write(f"\r\033[K[{'#' * done}{'.' * (width - done)}] {n}/{total} {name[-50:]}")
        sys.stderr.flush()

    return show


def clear_progress(progress) -> None:
    if progress:
        sys.stderr.write("\r\033[K")
