"""Console entry point. `recon --help` is answered from a stored copy of the help text, without
importing typer (whose import is most of the start-up time); every other call goes to recon.cli.app.

The stored text, recon/help.txt, is what typer renders for `recon --help`; a test compares the two
(`make golden` rewrites it after a command is added or renamed).
"""
from __future__ import annotations

import sys
from pathlib import Path

HELP_TEXT = Path(__file__).with_name("help.txt")


def main() -> None:
    if sys.argv[1:] == ["--help"] and HELP_TEXT.is_file():
        sys.stdout.write(HELP_TEXT.read_text(encoding="utf-8"))
        return
    if sys.argv[1:] == ["--version"]:
        from recon import __version__

        sys.stdout.write(f"recon {__version__}\n")
        return
    from recon.cli.app import main as cli_main

    cli_main()
