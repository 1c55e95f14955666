"""Benchmark: CsvBankImporter().extract on a Chase-checking CSV vs a stdlib floor.

Input: --rows N (default 1,000,000) rows generated into a temporary folder, or --file PATH (an
existing Chase-checking export such as bench-data/org-bank-1000000.csv, read in place);
--repeat K (default 3). Output: median seconds for the floor (csv.reader reading the date,
description and amount columns as strings) and for the importer (auto-detected profile, every
date and amount parsed and checked, errors raised at import, running balances), their paired
ratio (the goal), and an informational figure for extract + iterating every record (records may
be built lazily on first access; that figure shows what materialising all of them costs).
Runs are interleaved (floor, importer, importer+iterate, floor, ...) so load on the machine
hits all three alike.
"""
from __future__ import annotations

import argparse
import csv
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from recon.importers.csv import CsvBankImporter

HEADER = "Details,Posting Date,Description,Amount,Type,Balance,Check or Slip #\n"
PAYEES = ["STARBUCKS STORE 12345 SEATTLE WA", "ORIG CO NAME:COMMONWEALTH HEA ORIG ID:1234 SEC:WEB",
          "ACME CORP PAYROLL PPD ID: 123", "DISCOVER E-PAYMENT 1234 WEB ID: 2510020",
          "VENMO PAYMENT 1027 WEB ID: 3264681992", "CHECK 1043", "KROGER #1234 CINCINNATI OH"]


def generate(path: Path, rows: int) -> None:
    rnd = random.Random(7)
    bal = 100000.0
    with path.open("w", newline="") as fh:
        fh.write(HEADER)
        for i in range(rows):
            m, d = 1 + (i // 28) % 12, 1 + i % 28
            cents = rnd.randint(-50000, 30000)
            bal += cents / 100
            desc = PAYEES[i % len(PAYEES)]
            kind = "CREDIT" if cents > 0 else "DEBIT"
            chk = "1043" if desc == "CHECK 1043" else ""
            fh.write(f'{kind},{m:02d}/{d:02d}/2026,"{desc}",{cents / 100:.2f},ACH_{kind},'
                     f'{bal:.2f},{chk},\n')


def floor(path: Path) -> int:
    n = 0
    with path.open(newline="") as fh:
        r = csv.reader(fh)
        next(r)
        for row in r:
            _ = (row[1], row[2], row[3])
            n += 1
    return n


def importer(path: Path) -> int:
    return len(CsvBankImporter().extract(path, path.name).records)


def importer_iterate(path: Path) -> int:
    """extract, then build every BankRecord (what a consumer that walks all records pays)."""
    n = 0
    for _ in CsvBankImporter().extract(path, path.name).records:
        n += 1
    return n


def run(path: Path, repeat: int) -> None:
    times: dict[str, list[float]] = {"floor": [], "importer": [], "iterate": []}
    counts: dict[str, int] = {}
    for _ in range(repeat):
        for name, fn in (("floor", floor), ("importer", importer), ("iterate", importer_iterate)):
            t0 = time.perf_counter()
            counts[name] = fn(path)
            times[name].append(time.perf_counter() - t0)
    assert counts["importer"] == counts["iterate"], counts
    f, i, it = (statistics.median(times[k]) for k in ("floor", "importer", "iterate"))
    paired = statistics.median(b / a for a, b in zip(times["floor"], times["importer"]))
    paired_it = statistics.median(b / a for a, b in zip(times["floor"], times["iterate"]))
    print(f"rows: {counts['floor']:,} (records {counts['importer']:,})  "
          f"size: {path.stat().st_size / 1e6:.1f} MB  repeat: {repeat}")
    print(f"floor (csv.reader, 3 string columns): {f:.3f} s")
    print(f"CsvBankImporter().extract:             {i:.3f} s")
    print(f"ratio: {i / f:.2f}x of medians, {paired:.2f}x paired median (goal <= 1.5x)")
    print(f"extract + iterate every record:        {it:.3f} s  ({paired_it:.2f}x paired; informational)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000, help="data rows to generate")
    ap.add_argument("--file", type=Path, help="time this existing CSV instead of a generated one")
    ap.add_argument("--repeat", type=int, default=3, help="timed runs of each reader")
    args = ap.parse_args()
    if args.file is not None:
        run(args.file, args.repeat)
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "chase.csv"
        generate(path, args.rows)
        run(path, args.repeat)


if __name__ == "__main__":
    main()
