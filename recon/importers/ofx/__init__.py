"""The OFX / QFX / QBO importer (see importer.py); this package only re-exports it.

Modules, in reading order: importer (the Importer: identify, extract), header (bytes -> text: charset,
root, version, comments), transactions (the STMTTRN walk and the hot per-transaction read), scan (the
structural tags between transactions), statement (statements, balances, notes, corrections -> the
ImportResult), values (leaf text, dates, amounts).
"""
from __future__ import annotations

from recon.importers.ofx.importer import OfxImporter

__all__ = ["OfxImporter"]
