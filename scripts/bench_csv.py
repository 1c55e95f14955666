"""Benchmark: CsvBankImporter().extract on a generated Chase-checking-like CSV vs a stdlib floor.

Input: --rows N (default 1,000,000), --repeat K (default 3). Output: median seconds for the floor
(csv.reader reading the date, description and amount columns as strings) and for the importer
(auto-detected profile, dates, Decimal amounts, BankRecords, running balances), and their ratio.
The file is written to a temporary folder and removed afterwards.
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

from recon.importers.csv_bank import CsvBankImporter

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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000, help="data rows to generate")
    ap.add_argument("--repeat", type=int, default=3, help="timed runs of each reader")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "chase.csv"
        generate(path, args.rows)
        times: dict[str, list[float]] = {"floor": [], "importer": []}
        for _ in range(args.repeat):
            for name, fn in (("floor", floor), ("importer", importer)):
                t0 = time.perf_counter()
                n = fn(path)
                times[name].append(time.perf_counter() - t0)
                assert n == args.rows, (name, n)
        f, i = statistics.median(times["floor"]), statistics.median(times["importer"])
        print(f"rows: {args.rows:,}  size: {path.stat().st_size / 1e6:.1f} MB")
        print(f"floor (csv.reader, 3 string columns): {f:.3f} s")
        print(f"CsvBankImporter().extract:             {i:.3f} s")
        print(f"ratio: {i / f:.2f}x (goal <= 1.5x)")


if __name__ == "__main__":
    main()
