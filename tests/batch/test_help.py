"""Every command and option of batch, init and autopay has help text, and `--help` works."""
from __future__ import annotations

import pytest
import typer
from typer.testing import CliRunner

from recon.cli.app import app

runner = CliRunner()


@pytest.mark.parametrize("command", ["batch", "init", "autopay"])
def test_help_works(command):
    r = runner.invoke(app, [command, "--help"])
    assert r.exit_code == 0, r.output
    assert "Usage" in r.output


@pytest.mark.parametrize("command", ["batch", "init", "autopay"])
def test_every_parameter_has_help(command):
    cmd = typer.main.get_command(app).commands[command]
    assert cmd.help and cmd.help.strip()
    for p in cmd.params:
        if p.name == "help":
            continue
        assert getattr(p, "help", None), f"{command}: {p.name} has no help text"


def test_batch_help_documents_exit_codes():
    r = runner.invoke(app, ["batch", "--help"])
    assert "0 nothing new" in " ".join(r.output.split())
    assert "--as-of" in r.output and "--quiet" in r.output


def test_register_adds_the_three_commands():
    from recon.cli import batch as cli_batch

    assert callable(cli_batch.register)
    sub = typer.Typer()
    cli_batch.register(sub)
    names = {c.name for c in sub.registered_commands}
    assert names == {"batch", "init", "autopay"}
