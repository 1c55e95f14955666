"""OFX / QFX / QBO export (bytes on disk) -> ImportResult of BankRecords, StatementBalances and notes.

One reader for OFX 1.x SGML and OFX 2.x XML (QFX and QBO are OFX with vendor tags), in three steps:
header.read_document (charset, root, version, comments; bytes -> text), transactions.read_statements
(the STMTTRN blocks, with scan.StructureScanner for the aggregates between them, filling a
statement.Document), and Document.result (corrections, notes; -> ImportResult or ParseError).
"""
from __future__ import annotations

from pathlib import Path

from recon.errors import InputError, ParseError
from recon.importers.base import decode_bytes, looks_binary
from recon.importers.ofx.header import looks_like_ofx, read_document
from recon.importers.ofx.transactions import read_statements
from recon.model import ImportResult, gc_paused

# Every transaction of an OFX file is built and kept (about 6 bytes of memory per byte of file:
# 189 MB, 1.2 million transactions, peaked at 1.17 GB), so a file above this would pass the 2 GiB
# budget. A member's statement is kilobytes; an organisation's large exports are CSV, read by columns.
MAX_OFX_BYTES = 256 << 20


class OfxImporter:
    """OFX 1.x SGML, OFX 2.x XML, QFX and QBO bank and card statements."""

    kind = "ofx"

    def identify(self, path: Path, head: bytes) -> bool:
        """True when the head bytes hold an OFX header, ``<?OFX``, ``<OFX>`` or ``<STMTTRN>``."""
        try:
            if not head or looks_binary(head):
                return False
            text, _ = decode_bytes(head)
            return looks_like_ofx(text)
        except Exception:  # noqa: BLE001 - identify never raises
            return False

    def extract(self, path: Path, display: str) -> ImportResult:
        """Read every bank and card transaction of the file (see the module docstring)."""
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read file: {exc.strerror or exc}", path=display) from exc
        if len(data) > MAX_OFX_BYTES:
            raise ParseError(f"OFX file of {len(data) >> 20} MiB; recon reads OFX files of up to "
                             f"{MAX_OFX_BYTES >> 20} MiB (about 1.6 million transactions)", path=display,
                             hint="export a shorter period, or the same account as CSV")
        # Several acyclic objects per transaction, all kept: with the cyclic GC running, its full
        # collections rescan the growing heap (measured: 12% of the time on 100k transactions, most
        # of the growth in us per transaction from 10k to 100k). See model.gc_paused; the CSV
        # importer does the same.
        with gc_paused():
            return parse_ofx_bytes(data, display)


def parse_ofx_bytes(data: bytes, display: str) -> ImportResult:
    """OFX bytes -> ImportResult. ``display`` names the file in errors, notes and Sources."""
    text, nl = read_document(data, display)
    return read_statements(text, display, nl)
