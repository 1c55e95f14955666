"""CLI smoke: help on every command, exit codes, a run on the samples, rejected inputs."""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from recon.cli.app import app
from tests.conftest import SAMPLES

runner = CliRunner()


def _commands(group, prefix=()):
    import typer.main

    cmd = typer.main.get_command(group)
    out = []

    def walk(c, path):
        out.append(path)
        for name, sub in getattr(c, "commands", {}).items():
            walk(sub, path + (name,))

    walk(cmd, tuple(prefix))
    return out, cmd


def test_every_command_and_option_has_help():
    paths, root = _commands(app)
    assert ("run",) in paths and ("profiles",) in paths
    for path in paths:
        res = runner.invoke(app, [*path, "--help"])
        assert res.exit_code == 0, (path, res.output)
        assert "Usage:" in res.output
    def check(c, path):
        if path:
            assert c.help, f"command {' '.join(path)} has no help"
        for p in c.params:
            if getattr(p, "param_type_name", "") == "option" and p.name != "help":
                assert p.help, f"option {p.name} of {' '.join(path)} has no help"
        for name, sub in getattr(c, "commands", {}).items():
            check(sub, path + (name,))

    check(root, ())


def test_run_on_samples_writes_report_and_prints_summary(tmp_path, validate_report):
    res = runner.invoke(app, ["run", str(SAMPLES), "--out", str(tmp_path), "--as-of", "2026-11-23"])
    assert res.exit_code == 0, res.output
    data = json.loads((tmp_path / "report.json").read_text())
    validate_report(data)
    assert "Billing account 712345678 (health)" in res.output
    assert "[high] returned_payment" in res.output
    assert f"Report written to {tmp_path / 'report.json'}" in res.output
    for name in ("findings.csv", "ledger.csv", "matches.csv", "report.html"):
        assert (tmp_path / name).stat().st_size > 0
    assert any(f["type"] == "unmatched_charge" for f in data["findings"])  # samples/recon.toml was found


def test_unknown_and_missing_files_are_rejected_and_the_run_goes_on(tmp_path):
    junk = tmp_path / "notes.txt"
    junk.write_text("call the Connector on Monday\n")
    bad_ofx = tmp_path / "broken.ofx"
    bad_ofx.write_text("OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\n\n<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS>"
                       "<BANKTRANLIST><STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20260231<TRNAMT>-5.00<FITID>1"
                       "</STMTTRN></BANKTRANLIST></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>\n")
    out = tmp_path / "out"
    res = runner.invoke(app, ["run", str(junk), str(bad_ofx), str(tmp_path / "missing.csv"),
                              str(SAMPLES / "bank"), "--out", str(out), "--as-of", "2026-11-23"])
    assert res.exit_code == 0, res.output
    data = json.loads((out / "report.json").read_text())
    by_name = {i["path"].rsplit("/", 1)[-1]: i for i in data["inputs"]}
    for name in ("notes.txt", "broken.ofx", "missing.csv"):
        assert by_name[name]["status"] == "rejected" and by_name[name]["records"] == 0
        assert name in by_name[name]["error"]
    assert "not a recognised" in by_name["notes.txt"]["error"]
    assert "does not exist" in by_name["missing.csv"]["error"]
    assert by_name["chase-checking-2026-01-to-09.qfx"]["status"] == "ok"


@pytest.mark.parametrize("args", [
    ["run"],                                              # no INPUT
    ["run", "x", "--as-of", "23/11/2026"],                # bad date
    ["frobnicate"],                                       # unknown command
])
def test_usage_errors_exit_2_with_help(args):
    res = runner.invoke(app, args)
    assert res.exit_code == 2
    assert "Usage:" in res.output or "Usage:" in (res.stderr or "")


def test_bad_config_exits_2_naming_file_and_key(tmp_path):
    cfg = tmp_path / "recon.toml"
    cfg.write_text('[[accounts]]\nnumber = "12"\n')
    res = runner.invoke(app, ["run", str(SAMPLES / "bank"), "--config", str(cfg), "--out", str(tmp_path / "o")])
    assert res.exit_code == 2
    assert "recon.toml:2: [accounts[0].number]" in (res.stderr or res.output)


def test_profiles_lists_builtin_layouts():
    res = runner.invoke(app, ["profiles"])
    assert res.exit_code == 0
    for name in ("chase-checking", "bofa-checking", "wells-fargo", "capitalone-360", "dcu", "cu-debit-credit"):
        assert name in res.output


def test_python_dash_m_recon_works():
    import subprocess
    import sys

    res = subprocess.run([sys.executable, "-m", "recon", "--help"], capture_output=True, text=True)
    assert res.returncode == 0 and "Usage:" in res.stdout


def test_stored_help_text_is_what_typer_renders(update_golden):
    import os
    import subprocess
    import sys
    from pathlib import Path

    import recon.cli.entry

    # What typer itself prints for `recon --help` (not a terminal, so no width detection).
    res = subprocess.run([sys.executable, "-c", "import sys; sys.argv = ['recon', '--help']; "
                          "from recon.cli.app import main; main()"], capture_output=True, text=True,
                         check=False, env={**os.environ, "COLUMNS": "80"})
    assert res.returncode == 0, res.stderr
    stored = Path(recon.cli.entry.__file__).with_name("help.txt")
    if update_golden:
        stored.write_text(res.stdout, encoding="utf-8")
    assert stored.read_text(encoding="utf-8") == res.stdout, \
        "recon/cli/help.txt is out of date: run `make golden`"


def test_console_script_help_does_not_import_typer():
    import subprocess
    import sys

    code = ("import sys; sys.argv = ['recon', '--help']; import recon.cli.entry; recon.cli.entry.main(); "
            "assert 'typer' not in sys.modules, 'typer imported'")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert res.returncode == 0, res.stderr
    assert "Commands:" in res.stdout and "proof" in res.stdout


def test_run_without_connector_data_says_there_is_nothing_to_reconcile(tmp_path):
    f = tmp_path / "bank.csv"
    f.write_text("Date,Description,Amount\n03/02/2026,STOP & SHOP 0443,-54.20\n")
    res = runner.invoke(app, ["run", str(f), "--out", str(tmp_path / "o"), "--as-of", "2026-03-31"])
    assert res.exit_code == 0
    assert "No Connector payments and no Connector bills were found" in res.output


def test_payments_without_bills_say_the_bills_are_missing(tmp_path):
    f = tmp_path / "bank.csv"
    f.write_text("Date,Description,Amount\n03/24/2026,COMMONWEALTH HEA PREMIUM PPD ID: 1043123456,-412.00\n")
    res = runner.invoke(app, ["run", str(f), "--out", str(tmp_path / "o"), "--as-of", "2026-03-31"])
    assert res.exit_code == 0
    assert "[high] unmatched_charge $412.00" in res.output
    assert "No Connector bill was read" in res.output


def test_run_on_a_missing_folder_exits_2_and_writes_nothing(tmp_path):
    from typer.testing import CliRunner

    from recon.cli.app import app

    out = tmp_path / "out"
    res = CliRunner().invoke(app, ["run", str(tmp_path / "no-such-folder"), "--out", str(out),
                                   "--as-of", "2026-11-23"])
    assert res.exit_code == 2
    assert "no such file or folder" in res.output
    assert not (out / "report.json").exists()


def test_check_reads_everything_writes_nothing_and_exits_2_on_a_problem(tmp_path):
    good = tmp_path / "in"
    good.mkdir()
    (good / "bank.ofx").write_bytes((SAMPLES / "bank" / "chase-checking-2026-01-to-09.qfx").read_bytes())
    res = runner.invoke(app, ["check", str(good), "--as-of", "2026-11-23"])
    assert res.exit_code == 0, res.output
    assert "1 file(s) read" in res.output and "Nothing was written" in res.output
    assert sorted(p.name for p in good.iterdir()) == ["bank.ofx"]
    (good / "notes.txt").write_text("call the Connector on Monday\n")
    res = runner.invoke(app, ["check", str(good), "--as-of", "2026-11-23"])
    assert res.exit_code == 2 and "notes.txt" in res.output
    cfg = tmp_path / "recon.toml"
    cfg.write_text('[[accounts]]\nnumber = "712345678"\nplna = "health"\n')
    res = runner.invoke(app, ["check", str(good), "--config", str(cfg), "--as-of", "2026-11-23"])
    assert res.exit_code == 2 and "did you mean 'plan'?" in res.output


def test_shell_completion_completes_command_names():
    # typer's completion: `recon --install-completion` installs it; the shell then calls recon so.
    import os
    import shutil
    import subprocess
    import sys

    recon = shutil.which("recon", path=os.path.dirname(sys.executable)) or "recon"
    env = {**os.environ, "_RECON_COMPLETE": "complete_bash", "COMP_WORDS": "recon pr", "COMP_CWORD": "1"}
    res = subprocess.run([recon], capture_output=True, text=True, env=env, timeout=60, check=False)
    assert res.returncode == 0 and res.stdout.split() == ["profiles", "proof"], res.stdout + res.stderr


@pytest.mark.parametrize("command", [["run"], ["check"], ["proof"], ["batch"], ["init"], ["autopay"],
                                     ["profiles"], ["calls", "add"], ["calls", "list"]])
def test_help_names_no_python_types(command):
    import re

    res = CliRunner().invoke(app, [*command, "--help"], env={"COLUMNS": "100"})
    assert res.exit_code == 0, res.output
    assert not re.search(r"<(list|str|path|Path|int|bool)\b|list\[", res.output), res.output
