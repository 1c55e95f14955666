"""The bank export rows behind the transactions a packet cites, as they stand in the files.

Input: the Report and the transactions cited. Output: one ``ExportRow`` per place a transaction
was seen (file + line or FITID) with the exported text: the CSV record (its physical line, and the
next ones while a quoted field is open), or the OFX ``<STMTTRN>`` block holding the FITID (its
lines joined by spaces). The files are read again here, with the importers' own decoding
(recon.importers), when the packet is made: the run has just read them, and nothing of the
exported text needs to be kept on every transaction of a run for the few a packet cites. A file
that cannot be read again, or no longer holds the row, is said so instead of the text.

The text is shown as a person reads it (recon.privacy): every run of 8+ digits is cut to its last
four except the evidence numbers (billing account, trace, check numbers, FITIDs) and the OFX dates.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from recon.model import Report, Source, Transaction
from recon.privacy import for_people

_DT = re.compile(r"<DT[A-Z]*>\s*(\d{8,14})", re.IGNORECASE)
_OPEN = re.compile(r"<STMTTRN>", re.IGNORECASE)
_CLOSE = re.compile(r"</STMTTRN>|<STMTTRN>|</BANKTRANLIST>", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class ExportRow:
    txn_id: str
    source: Source
    text: str | None           # masked exported text; None when it could not be read again
    problem: str = ""          # why the text is missing


class _Files:
    """Each file read and decoded once per packet."""

    def __init__(self) -> None:
        self.texts: dict[tuple[str, str], tuple[str, str] | Exception] = {}

    def text(self, path: str, kind: str) -> tuple[str, str]:
        key = (path, kind)
        if key not in self.texts:
            try:
                data = Path(path).read_bytes()
                if kind == "ofx":
                    from recon.importers.ofx.header import read_document

                    self.texts[key] = read_document(data, path)
                else:
                    from recon.importers.delimited import decode

                    self.texts[key] = (decode(data)[0], "\n")
            except Exception as exc:   # noqa: BLE001 - any failure is shown as "not readable"
                self.texts[key] = exc
        got = self.texts[key]
        if isinstance(got, Exception):
            raise got
        return got


def _ofx_block(text: str, nl: str, s: Source) -> str | None:
    """The <STMTTRN> block holding the FITID, nearest the source's line."""
    hits = [m.start() for m in re.finditer(r"<FITID>\s*" + re.escape(s.fitid or "") + r"(?![\w])",
                                           text, re.IGNORECASE)]
    if not hits:
        return None
    if s.line:
        hits.sort(key=lambda pos: abs(text.count(nl, 0, pos) + 1 - s.line))
    pos = hits[0]
    start = max((m.start() for m in _OPEN.finditer(text, 0, pos)), default=pos)
    end_m = _CLOSE.search(text, pos)
    end = end_m.end() if end_m and end_m.group(0).upper() == "</STMTTRN>" else (end_m.start() if end_m else len(text))
    return " ".join(part.strip() for part in text[start:end].split(nl) if part.strip())


def _csv_record(text: str, line: int) -> str | None:
    lines = text.split("\n")
    if not 1 <= line <= len(lines):
        return None
    out = [lines[line - 1]]
    n = line
    while sum(x.count('"') for x in out) % 2 and n < len(lines):
        out.append(lines[n])
        n += 1
    return "\n".join(out)


def _verify(t: Transaction, s: Source, raw: str) -> bool:
    """The row still says what the run read: its amount (without sign or thousands separators)."""
    amount = f"{abs(t.amount):.2f}"
    flat = raw.replace(",", "").replace(" ", "")
    return amount in flat or amount.rstrip("0").rstrip(".") in flat or s.fitid is not None


def export_rows(report: Report, txns: list[Transaction]) -> tuple[ExportRow, ...]:
    files = _Files()
    out = []
    for t in sorted(txns, key=lambda t: (t.date, t.id)):
        for s in t.sources:
            kind = "ofx" if s.fitid else "csv"
            try:
                text, nl = files.text(s.path, kind)
            except Exception as exc:   # noqa: BLE001
                out.append(ExportRow(t.id, s, None, f"the file cannot be read again ({type(exc).__name__})"))
                continue
            raw = _ofx_block(text, nl, s) if s.fitid else (_csv_record(text, s.line) if s.line else None)
            if raw is None or not _verify(t, s, raw):
                out.append(ExportRow(t.id, s, None, "the file no longer holds this row"))
                continue
            keep = set(report.evidence_numbers()) | {m.group(1) for m in _DT.finditer(raw)}
            out.append(ExportRow(t.id, s, for_people(raw, keep)))
    return tuple(out)
