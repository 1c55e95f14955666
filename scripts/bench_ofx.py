"""Benchmark: generated OFX files of N transactions -> a timing table on stdout (exit 1 if too slow).

Writes an OFX 1.x SGML file (unclosed leaves) and an OFX 2.x XML file of N transactions (and N/10, to
show linearity) into a temporary folder, then times, in-process with time.perf_counter (median of
``--repeat`` runs):

- ``OfxImporter().extract``: the real importer, producing BankRecords and balances;
- the regex floor: read + decode the bytes and one ``re.finditer`` pass that extracts DTPOSTED, TRNAMT,
  FITID, NAME and MEMO per transaction as strings (no validation, no Decimal, no records);
- optionally (``--ofxparse``) ofxparse's ``OfxParser.parse`` on files of at most ``--ofxparse-max``
  transactions (it is quadratic on SGML, so 100k transactions take many minutes).

Exit status 1 when the importer takes more than ``--max-ratio`` (default 3) times the regex floor.

    .venv/bin/python scripts/bench_ofx.py [--n 100000] [--repeat 3] [--ofxparse]
"""
from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from recon.importers.ofx import OfxImporter

_SGML_HEAD = """OFXHEADER:100
DATA:OFXSGML
VERSION:102
SECURITY:NONE
ENCODING:USASCII
CHARSET:1252
COMPRESSION:NONE
OLDFILEUID:NONE
NEWFILEUID:NONE

"""
_XML_HEAD = """<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<?OFX OFXHEADER="200" VERSION="211" SECURITY="NONE" OLDFILEUID="NONE" NEWFILEUID="NONE"?>
"""
_PAYEES = ["COMMONWEALTH HEA", "WHOLE FOODS MKT 342", "SHELL OIL 5744", "PAYROLL DES:DIRECT DEP",
           "AMAZON.COM AMZN.COM/BILL", "BARNES &amp; NOBLE", "CHECK 1043", "NATIONAL GRID"]


def _body(n: int, xml: bool) -> str:
    """The OFX document (from <OFX>) with n transactions; SGML leaves are left unclosed."""

    def leaf(tag: str, value: str) -> str:
        return f"<{tag}>{value}</{tag}>" if xml else f"<{tag}>{value}"

    out = ["<OFX>\n<SIGNONMSGSRSV1><SONRS><STATUS>", leaf("CODE", "0"), leaf("SEVERITY", "INFO"),
           "</STATUS>", leaf("DTSERVER", "20260331120000.000[-5:EST]"), leaf("LANGUAGE", "ENG"),
           "</SONRS></SIGNONMSGSRSV1>\n<BANKMSGSRSV1><STMTTRNRS>", leaf("TRNUID", "1"),
           "<STATUS>", leaf("CODE", "0"), leaf("SEVERITY", "INFO"), "</STATUS>\n<STMTRS>",
           leaf("CURDEF", "USD"), "<BANKACCTFROM>", leaf("BANKID", "011000138"),
           leaf("ACCTID", "000123456789"), leaf("ACCTTYPE", "CHECKING"), "</BANKACCTFROM>\n<BANKTRANLIST>",
           leaf("DTSTART", "20200101"), leaf("DTEND", "20260331"), "\n"]
    for i in range(n):
        day = 1 + i % 28
        month = 1 + (i // 28) % 12
        cents = (i * 7919) % 100000
        amount = f"-{cents // 100}.{cents % 100:02d}" if i % 5 else f"{cents // 100}.{cents % 100:02d}"
        payee = _PAYEES[i % len(_PAYEES)]
        out.append(
            "<STMTTRN>\n"
            f"{leaf('TRNTYPE', 'DEBIT' if i % 5 else 'CREDIT')}\n"
            f"{leaf('DTPOSTED', f'2025{month:02d}{day:02d}120000.000[-5:EST]')}\n"
            f"{leaf('TRNAMT', amount)}\n"
            f"{leaf('FITID', f'2025{i:010d}')}\n"
            f"{leaf('NAME', payee)}\n"
            f"{leaf('MEMO', f'{payee} REF {i}')}\n"
            "</STMTTRN>\n"
        )
    out += ["</BANKTRANLIST>\n<LEDGERBAL>", leaf("BALAMT", "1234.56"), leaf("DTASOF", "20260331"),
            "</LEDGERBAL>\n</STMTRS></STMTTRNRS></BANKMSGSRSV1>\n</OFX>\n"]
    return "".join(out)


def write_files(folder: Path, n: int) -> dict[str, Path]:
    """Write sgml-<n>.ofx and xml-<n>.ofx into folder."""
    files = {}
    for kind, head, xml in (("1.x SGML", _SGML_HEAD, False), ("2.x XML", _XML_HEAD, True)):
        p = folder / f"{'sgml' if not xml else 'xml'}-{n}.ofx"
        p.write_text(head + _body(n, xml), encoding="ascii")
        files[kind] = p
    return files


_FLOOR = re.compile(r"<(STMTTRN|DTPOSTED|TRNAMT|FITID|NAME|MEMO)>([^<]*)")


def regex_floor(path: Path) -> list[dict[str, str]]:
    """The floor: bytes -> text -> one finditer pass collecting the five fields per transaction."""
    text = path.read_bytes().decode("utf-8")
    out: list[dict[str, str]] = []
    cur: dict[str, str] = {}
    for m in _FLOOR.finditer(text):
        tag = m.group(1)
        if tag == "STMTTRN":
            cur = {}
            out.append(cur)
        else:
            cur[tag] = m.group(2).strip()
    return out


def run_importer(path: Path) -> int:
    return len(OfxImporter().extract(path, path.name).records)


def run_ofxparse(path: Path) -> int:
    import warnings

    from ofxparse import OfxParser  # only the benchmark imports it

    warnings.filterwarnings("ignore", module="ofxparse")
    warnings.filterwarnings("ignore", message=".*XML document.*")
    with path.open("rb") as fh:
        ofx = OfxParser.parse(fh)
    return sum(len(a.statement.transactions) for a in ofx.accounts)


def median_times(fns: list[Callable[[Path], object]], path: Path, repeat: int) -> list[float]:
    """Median wall time of each function on path; runs are interleaved so load spikes hit all alike."""
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(repeat):
        for i, fn in enumerate(fns):
            t0 = time.perf_counter()
            fn(path)
            times[i].append(time.perf_counter() - t0)
    return [statistics.median(t) for t in times]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=100_000, help="transactions per file (default 100000)")
    ap.add_argument("--repeat", type=int, default=3, help="runs per measurement; the median is shown")
    ap.add_argument("--max-ratio", type=float, default=3.0, help="fail above this importer/floor ratio")
    ap.add_argument("--ofxparse", action="store_true",
                    help="also time ofxparse (one run) on the files of at most --ofxparse-max transactions")
    ap.add_argument("--ofxparse-max", type=int, default=10_000,
                    help="largest file ofxparse is timed on (it is quadratic on SGML; default 10000)")
    args = ap.parse_args(argv)

    sizes = sorted({max(1, args.n // 10), args.n})
    worst = 0.0
    rows = []
    per_txn: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            for kind, path in write_files(Path(tmp), n).items():
                got = run_importer(path)
                floor_n = len(regex_floor(path))
                if got != n or floor_n != n:
                    print(f"count mismatch on {kind} n={n}: importer {got}, floor {floor_n}", file=sys.stderr)
                    return 2
                t_imp, t_floor = median_times([run_importer, regex_floor], path, args.repeat)
                ratio = t_imp / t_floor
                t_ofxparse = None
                if args.ofxparse and n <= args.ofxparse_max:
                    t_ofxparse = median_times([run_ofxparse], path, 1)[0]
                worst = max(worst, ratio) if n == args.n else worst
                per_txn.setdefault(kind, []).append(t_imp / n * 1e6)
                rows.append((kind, n, path.stat().st_size / 1e6, t_imp, t_floor, ratio, t_ofxparse))
    print(f"{'format':<9} {'txns':>8} {'MB':>6} {'importer ms':>12} {'regex ms':>9} {'ratio':>6} "
          f"{'ofxparse ms':>12}")
    for kind, n, mb, t_imp, t_floor, ratio, t_op in rows:
        op = f"{t_op * 1000:12.0f}" if t_op is not None else f"{'-':>12}"
        print(f"{kind:<9} {n:>8} {mb:6.1f} {t_imp * 1000:12.0f} {t_floor * 1000:9.0f} {ratio:6.2f} {op}")
    for kind, us in per_txn.items():
        print(f"linearity {kind}: " + ", ".join(f"{u:.2f} us/txn" for u in us)
              + (f" (growth {us[-1] / us[0]:.2f}x per transaction from N/10 to N)" if len(us) > 1 else ""))
    if worst > args.max_ratio:
        print(f"FAIL: importer/floor ratio {worst:.2f} > {args.max_ratio}", file=sys.stderr)
        return 1
    print(f"OK: worst importer/floor ratio at N={args.n} is {worst:.2f} (limit {args.max_ratio})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
