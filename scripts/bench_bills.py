"""Benchmark the bill reader: rendered text bills -> ms per page, cold and with the cache warm.

Input: none (bills are rendered into a temporary folder: N one-page bill files across the three
layouts, plus one merged file of N pages). Output: figures printed to stdout:
  * cold: extraction (pypdfium2) + field finding + validation per one-page file, median and p90 ms;
  * warm: the same files again through a warm ParseCache (hash + cached text + fields);
  * merged: one N-page file, total ms / pages;
  * paired: --runs interleaved runs over the files of --bills DIR (default: the N rendered files)
    of BillPdfImporter().extract per file against the floor of scripts/bench.py's bench_bills
    (pypdfium2 alone: PdfDocument(bytes), get_textpage().get_text_range() per page): median
    ms/page of each and the median of the run-by-run ratio;
  * ocr (with --ocr): seconds for one scanned page.
Goal: <= 3 ms/page for text bills.

Usage: python scripts/bench_bills.py [--pages 200] [--bills DIR] [--runs 9] [--ocr]
"""
from __future__ import annotations

import argparse
import gc
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from recon.cache import ParseCache
from recon.importers.bills import BillPdfImporter
from recon.model import Bill, BillPayment, Source
from tests.support.bill_render import LAYOUTS, write_bill_pdf

GOAL_MS = 3.0


def sample_bill(i: int) -> Bill:
    month = i % 12 + 1
    year = 2022 + (i // 12) % 5
    due = Decimal(300 + i % 50) + Decimal("0.25")
    return Bill(
        source=Source("bench.pdf"), billing_account=f"7{i % 100000000:08d}", bill_date=date(year, month, 1),
        due_date=date(year, month, 23),
        coverage_month=f"{year + (month == 12):04d}-{month % 12 + 1:02d}", amount_due=due,
        enrollment_id=f"RefID_{1000000000000 + i}", subscriber_id=f"7{i:011d}", plan="health",
        plan_name="ConnectorCare Plan Type 2B", carrier="Tufts Health Direct", subscriber_name="Jane Q. Doe",
        members=("Jane Q. Doe", "John Doe"), previous_balance=due, payments_received=due,
        payment_items=(BillPayment(date(year, month, 1), due, "AutoPay payment"),),
        adjustments=Decimal("0.00"), premium=due + 500, tax_credit=Decimal("400.00"),
        state_subsidy=Decimal("100.00"), current_charges=due, autopay=True)


def timed(imp: BillPdfImporter, files: list[Path]) -> list[float]:
    out = []
    for f in files:
        t = time.perf_counter()
        r = imp.extract(f, f.name)
        out.append((time.perf_counter() - t) * 1000)
        assert len(r.bills) == 1 and not r.bills[0].warnings, (f, r.bills[0].warnings)
    return out


def paired(files: list[Path], runs: int) -> tuple[float, float, float]:
    """(recon ms/page, floor ms/page, median recon/floor ratio) over ``runs`` interleaved runs."""
    import pypdfium2 as pdfium

    def recon() -> None:
        imp = BillPdfImporter()
        for f in files:
            imp.extract(f, f.name)

    def floor() -> None:
        for f in files:
            doc = pdfium.PdfDocument(f.read_bytes())
            for page in doc:
                page.get_textpage().get_text_range()

    tr: list[float] = []
    tf: list[float] = []
    for _ in range(runs):
        for fn, out in ((recon, tr), (floor, tf)):
            gc.collect()
            t = time.perf_counter()
            fn()
            out.append(time.perf_counter() - t)
    pages = len(files)
    return (statistics.median(tr) / pages * 1000, statistics.median(tf) / pages * 1000,
            statistics.median(a / b for a, b in zip(tr, tf, strict=True)))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=200, help="text bill pages to render (default 200)")
    ap.add_argument("--bills", type=Path, help="one-page bill PDFs for the paired runs (default: the rendered ones)")
    ap.add_argument("--runs", type=int, default=9, help="interleaved paired runs against the floor (default 9)")
    ap.add_argument("--ocr", action="store_true", help="also time one scanned page through OCR")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        files = []
        for i in range(args.pages):
            f = root / f"bill-{i:04d}.pdf"
            write_bill_pdf(f, [sample_bill(i)], layout=LAYOUTS[i % len(LAYOUTS)])
            files.append(f)
        BillPdfImporter().extract(files[0], "warmup")            # import pypdfium2, compile vocabulary
        cold = timed(BillPdfImporter(), files)
        cache = ParseCache(root / "cache")
        timed(BillPdfImporter(cache=cache), files)               # fill the cache
        warm = timed(BillPdfImporter(cache=cache), files)
        merged = root / "merged.pdf"
        write_bill_pdf(merged, [replace(sample_bill(i)) for i in range(args.pages)], layout="2024")
        t = time.perf_counter()
        r = BillPdfImporter().extract(merged, "merged.pdf")
        merged_ms = (time.perf_counter() - t) * 1000
        assert len(r.bills) == args.pages

        def q(xs: list[float], p: float) -> float:
            return sorted(xs)[min(len(xs) - 1, int(len(xs) * p))]

        print(f"text bills, {args.pages} one-page files (layouts {', '.join(LAYOUTS)}):")
        print(f"  cold  median {statistics.median(cold):.2f} ms/page   p90 {q(cold, 0.9):.2f}")
        print(f"  warm  median {statistics.median(warm):.2f} ms/page   p90 {q(warm, 0.9):.2f}  (cache hit)")
        print(f"  merged file of {args.pages} pages: {merged_ms / args.pages:.2f} ms/page")
        verdict = "met" if statistics.median(cold) <= GOAL_MS else "NOT met"
        print(f"  goal <= {GOAL_MS} ms/page (cold median): {verdict}")
        pfiles = sorted(args.bills.glob("*.pdf")) if args.bills else files
        ms, floor_ms, ratio = paired(pfiles, args.runs)
        print(f"  paired, {args.runs} runs over {len(pfiles)} files: recon {ms:.2f} ms/page, floor (pypdfium2 "
              f"text only) {floor_ms:.2f} ms/page, ratio {ratio:.2f}x")
        if args.ocr:
            scan = root / "scan.pdf"
            write_bill_pdf(scan, [sample_bill(1)], layout="2024", scanned=True)
            t = time.perf_counter()
            BillPdfImporter().extract(scan, "scan.pdf")
            print(f"  OCR: {time.perf_counter() - t:.2f} s for one scanned page")


if __name__ == "__main__":
    main()
