"""The call log: `recon calls add` appends one UTF-8 JSON line; `recon calls list` shows it sorted."""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from recon.cli.app import app
from recon.jobs.calls import Call, CallLogError, append_call, parse_when, read_calls, render_calls

runner = CliRunner()


def add(data, *args):
    return runner.invoke(app, ["calls", "add", "--data", str(data), *args])


def test_add_records_every_field(tmp_path):
    res = add(tmp_path, "--when", "2026-08-31 14:05", "--rep", "Dana", "--rep-id", "D4471",
              "--department", "Billing", "--said", "Asked to cancel AutoPay; café visit, 7–10 days",
              "--promised", "AutoPay cancelled today", "--case", "CS-0042", "--account", "712345678")
    assert res.exit_code == 0, res.output
    raw = (tmp_path / "calls.jsonl").read_bytes()
    assert raw.endswith(b"\n") and raw.count(b"\n") == 1
    obj = json.loads(raw.decode("utf-8"))
    assert obj == {"when": "2026-08-31 14:05", "account": "712345678", "rep": "Dana", "rep_id": "D4471",
                   "department": "Billing", "said": "Asked to cancel AutoPay; café visit, 7–10 days",
                   "promised": "AutoPay cancelled today", "case": "CS-0042"}
    assert "café" in raw.decode("utf-8"), "UTF-8, not \\u escapes"


def test_add_is_append_only_and_list_sorts_by_time(tmp_path):
    assert add(tmp_path, "--when", "2026-10-20 09:30", "--rep", "Luis", "--case", "B",
               "--account", "798765432").exit_code == 0
    first = (tmp_path / "calls.jsonl").read_bytes()
    assert add(tmp_path, "--when", "2026-08-31 14:05", "--rep", "Dana", "--case", "A",
               "--account", "712345678", "--said", "cancel AutoPay").exit_code == 0
    assert add(tmp_path, "--when", "2026-09-02 11:00", "--rep", "Kim", "--said", "general question"
               ).exit_code == 0
    after = (tmp_path / "calls.jsonl").read_bytes()
    assert after.startswith(first), "earlier lines are never rewritten"
    res = runner.invoke(app, ["calls", "list", "--data", str(tmp_path)])
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    assert lines[0].split() == ["when", "account", "representative", "department", "case"]
    order = [ln[:16] for ln in lines[2:] if ln[:4] == "2026"]
    assert order == ["2026-08-31 14:05", "2026-09-02 11:00", "2026-10-20 09:30"]
    assert "said:     cancel AutoPay" in res.output
    only = runner.invoke(app, ["calls", "list", "--data", str(tmp_path), "--account", "798765432"])
    assert only.exit_code == 0
    assert "Luis" in only.output and "Dana" not in only.output
    assert "Kim" in only.output, "calls that name no account are kept under any account"


def test_when_defaults_to_now(tmp_path):
    res = add(tmp_path, "--rep", "Dana", "--said", "hello")
    assert res.exit_code == 0, res.output
    (call,) = read_calls(tmp_path / "calls.jsonl")
    assert call.when.second == 0 and call.when.year >= 2026


@pytest.mark.parametrize("args, message", [
    (["--when", "2026/08/31", "--rep", "x"], 'expected a date and time "YYYY-MM-DD HH:MM"'),
    (["--when", "2026-02-30 10:00", "--rep", "x"], "got '2026-02-30 10:00'"),
    (["--when", "yesterday", "--rep", "x"], "--when"),
    (["--rep", "x", "--account", "12345"], "9 digits starting with 7"),
    (["--when", "2026-08-31 14:05"], "nothing to record"),
])
def test_bad_input_exits_2_with_a_clear_message(tmp_path, args, message):
    res = add(tmp_path, *args)
    assert res.exit_code == 2, res.output
    assert message in res.output
    assert not (tmp_path / "calls.jsonl").exists(), "nothing written on bad input"


def test_malformed_log_is_a_located_error(tmp_path):
    (tmp_path / "calls.jsonl").write_text('{"when": "2026-08-31 14:05", "rep": "Dana"}\nnot json\n',
                                          encoding="utf-8")
    res = runner.invoke(app, ["calls", "list", "--data", str(tmp_path)])
    assert res.exit_code == 2
    assert "calls.jsonl:2" in res.output
    (tmp_path / "calls.jsonl").write_text('{"when": "31/08/2026", "rep": "Dana"}\n', encoding="utf-8")
    with pytest.raises(CallLogError, match=r"calls\.jsonl:1: .*YYYY-MM-DD HH:MM"):
        read_calls(tmp_path / "calls.jsonl")


def test_append_repairs_a_missing_final_newline(tmp_path):
    p = tmp_path / "calls.jsonl"
    p.write_text('{"when": "2026-08-31 14:05", "rep": "Dana"}', encoding="utf-8")
    c = append_call(p, Call(when=parse_when("2026-09-01 10:00"), rep="Kim"))
    assert c.line == 2
    assert [x.rep for x in read_calls(p)] == ["Dana", "Kim"]


def test_empty_log_lists_nothing(tmp_path):
    res = runner.invoke(app, ["calls", "list", "--data", str(tmp_path)])
    assert res.exit_code == 0 and "No calls logged." in res.output
    assert render_calls([]) == "No calls logged.\n"


def _walk(cmd, path=()):
    yield path, cmd
    for name, sub in getattr(cmd, "commands", {}).items():
        yield from _walk(sub, (*path, name))


def test_every_report_command_and_option_has_help():
    import typer.main

    root = typer.main.get_command(app)
    seen = set()
    for path, cmd in _walk(root):
        if not path or path[0] not in ("proof", "calls"):
            continue
        seen.add(path)
        assert cmd.help, f"{' '.join(path)} has no help"
        for p in cmd.params:
            if p.name != "help":
                assert getattr(p, "help", None), f"{' '.join(path)} {p.name} has no help"
        res = runner.invoke(app, [*path, "--help"])
        assert res.exit_code == 0 and "Usage:" in res.output
    assert seen >= {("proof",), ("calls",), ("calls", "add"), ("calls", "list")}
