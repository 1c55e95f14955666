"""Faults while writing: a full disk leaves the previous run's outputs whole (exit 2 with a
message); a parse cache that cannot be written is skipped with a warning, and the run goes on."""
from __future__ import annotations

import errno
import json

from typer.testing import CliRunner

from recon.cli.app import app
from tests.conftest import SAMPLES

runner = CliRunner()
ARGS = ["--as-of", "2026-11-23", "--config", str(SAMPLES / "recon.toml")]


def test_a_full_disk_leaves_the_previous_outputs_as_they_were(tmp_path, monkeypatch):
    out = tmp_path / "out"
    assert runner.invoke(app, ["run", str(SAMPLES / "bank"), "--out", str(out), *ARGS]).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}

    import recon.report.html as html

    def full_disk(*a, **k):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(html, "write_html", full_disk)   # the last output of the list fails
    res = runner.invoke(app, ["run", str(SAMPLES), "--out", str(out), *ARGS])
    assert res.exit_code == 2
    assert "No space left on device" in res.output and "left as they were" in res.output
    after = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    assert after == before                                # no new report.json beside an old report.html
    assert not [p for p in out.iterdir() if p.name.startswith(".recon-new-")]


def test_an_unwritable_cache_is_skipped_with_a_warning(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / ".recon-cache").write_text("not a folder")     # mkdir of the cache fails
    res = runner.invoke(app, ["run", str(SAMPLES), "--out", str(out), *ARGS])
    assert res.exit_code == 0, res.output
    assert "cannot write the parse cache" in res.output
    data = json.loads((out / "report.json").read_text())
    assert len(data["bills"]) > 10
    assert not any("internal error" in (i["error"] or "") for i in data["inputs"])


def test_a_cache_that_fails_half_way_does_not_fail_the_file(tmp_path):
    from recon.cache import ParseCache

    cache = ParseCache(tmp_path / "c")
    (tmp_path / "c").write_text("a file where the folder should be")
    cache.put("ab" * 32, b"x")                              # does not raise
    assert cache.broken and cache.get("ab" * 32) is None


def test_the_call_log_and_the_batch_log_are_readable_by_the_member_only(tmp_path):
    import stat
    from datetime import datetime

    from recon.jobs.batch import batch_log
    from recon.jobs.calls import append_call
    from recon.model import Call

    log = tmp_path / "calls.jsonl"
    append_call(log, Call(datetime(2026, 11, 2, 10, 30), rep="Dana"))
    with batch_log(tmp_path / "reports"):
        pass
    for p in (log, tmp_path / "reports" / "recon.log"):
        assert stat.S_IMODE(p.stat().st_mode) == 0o600, p
