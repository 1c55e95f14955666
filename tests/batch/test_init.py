"""`recon init DATA_DIR`: the folder convention and a commented recon.toml template that loads."""
from __future__ import annotations

import re
from dataclasses import fields
from datetime import date

from typer.testing import CliRunner

from recon.cli.app import app
from recon.config import Tolerances, load_config
from recon.jobs.batch import init_template

runner = CliRunner()

# An example line in the template: "# " then a TOML table header or "key = value".
_EXAMPLE = re.compile(r"^# (\[\[?\w+\]\]?$|\w+ = .+)")


def test_init_creates_the_folder_convention(tmp_path):
    d = tmp_path / "connector"
    r = runner.invoke(app, ["init", str(d)])
    assert r.exit_code == 0, r.output
    assert (d / "inbox").is_dir() and (d / "reports").is_dir()
    assert (d / "recon.toml").read_text() == init_template()
    assert "recon batch" in r.output


def test_template_loads_without_error(tmp_path):
    runner.invoke(app, ["init", str(tmp_path)])
    cfg = load_config(tmp_path / "recon.toml")
    assert cfg.accounts == () and cfg.tolerances == Tolerances()


def test_template_examples_load_when_turned_on(tmp_path):
    """Deleting the leading '# ' of every example line gives a valid config with every section."""
    lines = [line[2:] if _EXAMPLE.match(line) else line for line in init_template().splitlines()]
    p = tmp_path / "recon.toml"
    p.write_text("\n".join(lines) + "\n")
    cfg = load_config(p)
    health, dental = cfg.accounts
    assert health.number == "712345678" and health.owner == "Jane Doe" and health.plan == "health"
    assert health.autopay[0].start == date(2026, 1, 1) and health.autopay[0].end == date(2026, 8, 31)
    assert dental.plan_end == date(2026, 9, 30)
    assert cfg.connector_aliases and cfg.not_connector_aliases
    assert {o.kind for o in cfg.overrides} == {"link", "not_connector", "accept"}
    assert all(o.note for o in cfg.overrides)
    assert cfg.tolerances == Tolerances()          # the template shows the defaults
    assert cfg.profile_dirs == (tmp_path / "profiles",)


def test_template_documents_every_tolerance():
    for f in fields(Tolerances):
        assert re.search(rf"^# {f.name} = ", init_template(), re.MULTILINE), f.name


def test_init_refuses_to_overwrite_an_existing_config(tmp_path):
    (tmp_path / "recon.toml").write_text('[[accounts]]\nnumber = "712345678"\n')
    r = runner.invoke(app, ["init", str(tmp_path)])
    assert r.exit_code == 2
    assert "already exists" in r.output and "not overwritten" in r.output
    assert (tmp_path / "recon.toml").read_text() == '[[accounts]]\nnumber = "712345678"\n'
    assert not (tmp_path / "inbox").exists()


def test_init_then_batch_on_an_empty_inbox_exits_2(tmp_path):
    # An empty inbox is not "nothing new needs attention": cron must hear that nothing was read.
    d = tmp_path / "connector"
    runner.invoke(app, ["init", str(d)])
    r = runner.invoke(app, ["batch", str(d), "--as-of", "2026-11-23"])
    assert r.exit_code == 2, r.output
    assert "the inbox is empty" in r.output
    assert not (d / "reports" / "2026-11-23").exists()
