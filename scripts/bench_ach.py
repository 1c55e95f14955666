"""Bench recon.normalize.ach.parse_ach against the old parser kept as recon.normalize.ach._parse_ach_reference.

    python scripts/bench_ach.py [--n 100000] [--runs 7]

Data sets: "org" = n Chase long-form descriptions from benchgen.org_description (unique traces, the
bulk at organisation scale); "forms" = the bank forms of tests/unit/test_ach.py; "corpus" = every
description (and payee, memo) that recon's importers read from ../shared/corpus and samples/ (skipped
when absent). Timing: runs interleaved old/new rounds over the whole set and quotes medians in us per
call and the old/new ratio. Memory: tracemalloc bytes retained per call while holding the results of
the org set (and the peak during the loop).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
import tracemalloc
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT))

import benchgen  # noqa: E402

from recon.normalize import ach  # noqa: E402

NEW = ach.parse_ach
OLD = getattr(ach, "_parse_ach_reference", ach.parse_ach)


def org(n: int) -> list[str]:
    out = []
    for seq in range(n):
        i = seq % 100_000
        day = date(benchgen.ORG_YEAR, 1 + seq // 100_000 % 12, 22)
        out.append(benchgen.org_description(benchgen.org_account(i), day, seq))
    return out


def forms() -> list[str]:
    sys.path.insert(0, str(ROOT / "tests" / "unit"))
    import test_ach
    return [c[0] for c in test_ach.CASES]


def corpus() -> list[str]:
    from recon.importers.csv_bank import CsvBankImporter
    from recon.importers.ofx import OfxImporter
    roots = [ROOT.parent / "shared" / "corpus" / "files", ROOT / "samples"]
    seen: set[str] = set()
    for root in roots:
        for p in sorted(root.rglob("*")) if root.is_dir() else ():
            suf = p.suffix.lower()
            imp = CsvBankImporter() if suf == ".csv" else OfxImporter() if suf in (".ofx", ".qfx", ".qbo") else None
            if imp is None:
                continue
            try:
                recs = imp.extract(p, p.name).records
            except Exception:  # noqa: BLE001 - broken fixtures are part of the corpus
                continue
            for r in recs:
                for v in (r.description, r.payee, r.memo):
                    if v:
                        seen.add(v)
    return sorted(seen)


def timed(fn, data: list[str]) -> float:
    t = time.perf_counter()
    for d in data:
        fn(d)
    return time.perf_counter() - t


def bench(name: str, data: list[str], runs: int, reps: int) -> None:
    if not data:
        print(f"{name}: no data")
        return
    work = data * reps
    old_t, new_t = [], []
    for r in range(runs):  # interleaved, alternating who goes first
        pair = [("old", OLD), ("new", NEW)] if r % 2 == 0 else [("new", NEW), ("old", OLD)]
        for who, fn in pair:
            (old_t if who == "old" else new_t).append(timed(fn, work))
    per = 1e6 / len(work)
    o, n = statistics.median(old_t) * per, statistics.median(new_t) * per
    ratios = [a / b for a, b in zip(old_t, new_t)]
    print(f"{name:7s} {len(data):7d} descr  old {o:7.2f} us  new {n:7.2f} us  "
          f"ratio {statistics.median(ratios):5.2f}x (median of {runs} paired runs)")


def memory(fn, data: list[str]) -> tuple[float, float]:
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    kept = [fn(d) for d in data]
    cur, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del kept
    return (cur - base) / len(data), (peak - base) / len(data)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=7)
    a = ap.parse_args()
    o, f, c = org(a.n), forms(), corpus()
    same = sum(OLD(d) == NEW(d) for d in (*o[:20000], *f, *c))
    print(f"results equal on {same}/{min(len(o), 20000) + len(f) + len(c)} descriptions")
    bench("org", o[:20000], a.runs, 1)
    bench("forms", f, a.runs, 500)
    bench("corpus", c, a.runs, 20)
    for who, fn in (("old", OLD), ("new", NEW)):
        kept, peak = memory(fn, o)
        print(f"memory {who}: {kept:6.0f} bytes/call kept, peak {peak:6.0f} (org, {len(o)} calls)")


if __name__ == "__main__":
    main()
