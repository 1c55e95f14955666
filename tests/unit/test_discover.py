"""Every path walked is read or listed with why not: pipes, link loops, links back up, broken links,
folders that cannot be listed; none of them crashes or hangs a run."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from recon.detect import discover
from tests.conftest import SAMPLES


@pytest.fixture
def odd_folder(tmp_path: Path) -> Path:
    root = tmp_path / "in"
    (root / "sub").mkdir(parents=True)
    qfx = next((SAMPLES / "bank").glob("*.qfx"))
    (root / "sub" / qfx.name).write_bytes(qfx.read_bytes())
    os.symlink("..", root / "sub" / "up")               # back to a folder already walked
    os.symlink("self", root / "self")                  # a link to itself
    os.symlink("nowhere.csv", root / "gone.csv")       # broken
    os.mkfifo(root / "pipe")                           # opening it would block forever
    return root


def test_odd_paths_are_listed_with_why_and_real_files_read(odd_folder: Path):
    files, skipped = discover([odd_folder])
    assert [f.name for f in files] == ["chase-checking-2026-01-to-09.qfx"]
    why = {p.name: w for p, w in skipped}
    assert "pipe" in why["pipe"] and "loop" in why["self"] and "broken" in why["gone.csv"]
    assert "already read" in why["up"]


def test_a_folder_that_cannot_be_listed_is_listed(odd_folder: Path, monkeypatch):
    real_scandir = os.scandir

    def scandir(path):
        if Path(path).name == "sub":
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    files, skipped = discover([odd_folder])
    assert files == []
    assert any(p.name == "sub" and "Permission denied" in w for p, w in skipped)


def test_run_on_an_odd_folder_completes_and_lists_every_path(odd_folder: Path):
    from datetime import date

    from recon.api import run

    report = run([odd_folder], date(2026, 11, 23), strict=True).report
    status = {Path(i.path).name: i.status for i in report.inputs}
    assert status == {"chase-checking-2026-01-to-09.qfx": "ok", "pipe": "rejected", "self": "rejected",
                      "gone.csv": "rejected", "up": "rejected"}
