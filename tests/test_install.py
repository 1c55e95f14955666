"""recon installs like any command-line tool: a wheel built from the repository, installed into a
fresh virtual environment, gives a `recon` on PATH that knows its version and runs the samples
(the packaged data, help text, profiles, vocabulary and schema, included)."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_installs_and_runs(tmp_path):
    dist = tmp_path / "dist"
    src = tmp_path / "src"     # a copy: building writes build/ and *.egg-info beside the sources
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(
        ".venv", ".git", "bench-data", "out", "build", "*.egg-info", "__pycache__", ".hypothesis", "samples"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
                    "-w", str(dist), str(src)], check=True, capture_output=True)
    (wheel,) = dist.glob("connector_recon-*.whl")
    env_dir = tmp_path / "env"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    site = next(env_dir.glob("lib/python*/site-packages"))
    # The dependencies come from this test's environment (no network); recon itself from the wheel.
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-index",
                    "--target", str(site), str(wheel)], check=True, capture_output=True)
    py = env_dir / "bin" / "python"
    # pip --target writes no console script: run the entry point the wheel declares.
    entry = "from recon.cli.entry import main; main()"
    res = subprocess.run([str(py), "-c", f"import sys; sys.argv = ['recon', '--version']; {entry}"],
                         capture_output=True, text=True, check=True, cwd=tmp_path)
    assert res.stdout.startswith("recon ")
    check = subprocess.run([str(py), "-c", "import recon, sys; print(recon.__file__)"], capture_output=True,
                           text=True, check=True, cwd=tmp_path)
    assert check.stdout.strip().startswith(str(site)), "recon must come from the wheel"
    out = tmp_path / "out"
    run = subprocess.run([str(py), "-c", "import sys; sys.argv = ['recon', 'run', sys.argv[1], '--out', "
                          f"sys.argv[2], '--as-of', '2026-11-23']; {entry}", str(ROOT / "samples"), str(out)],
                         capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 0, run.stderr[-2000:]
    assert json.loads((out / "report.json").read_text())["bills"]
    entry_points = [n for n in __import__("zipfile").ZipFile(wheel).namelist() if n.endswith("entry_points.txt")]
    assert entry_points and "recon = recon.cli.entry:main" in __import__("zipfile").ZipFile(wheel).read(
        entry_points[0]).decode()
