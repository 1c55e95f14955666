"""scripts/bench.py --quick --no-org runs to the end and prints its summary (no timing asserted)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_bench_quick_completes(tmp_path: Path) -> None:
    p = subprocess.run([sys.executable, str(ROOT / "scripts" / "bench.py"), "--quick", "--no-org",
                        "--repeat", "1", "--data", str(tmp_path / "data")],
                       capture_output=True, text=True, timeout=120, check=False)
    assert p.returncode == 0, p.stderr[-2000:]
    assert "summary (" in p.stdout
    assert "household year, cold run" in p.stdout
    assert "passed," in p.stdout
