"""What every bill importer shares: a file's bytes -> pages (cached by content hash) -> bills.

Input: a bill file (PDF, or an image: the subclass in pdf.py or image.py turns its bytes into
`PageText`). Output: ImportResult of kind "bill_pdf" from grouping.read_bills. The pages of a file
read before (the same bytes and the same reading settings, `_salt`) come from the ParseCache, so a
re-run neither re-reads text nor re-runs OCR. A file not in the cache is read in a forked child with
a memory and a time limit (guard.py), so a decompression bomb costs only that file.
"""
from __future__ import annotations

import logging
from pathlib import Path

from recon.cache import ParseCache, bytes_key
from recon.errors import InputError
from recon.importers.bills.grouping import read_bills
from recon.importers.bills.pages import PageText, pages_from_json, pages_to_json
from recon.importers.bills.vocabulary import Vocabulary, load_vocabulary
from recon.model import ImportResult

log = logging.getLogger(__name__)


class PagedBillImporter:
    """File bytes -> per-page lines (cached by content hash) -> bills through read_bills. Subclasses
    say how bytes become pages (`_extract_pages`) and what, besides the bytes, the cached result
    depends on (`_salt`)."""

    kind = "bill_pdf"

    def __init__(self, cache: ParseCache | None = None, vocabulary: Vocabulary | None = None) -> None:
        self.cache = cache
        self.vocabulary = vocabulary

    def extract(self, path: Path, display: str) -> ImportResult:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read file: {exc.strerror or exc}", path=display) from exc
        pages, notes = self.read_pages(data, display)
        return read_bills(pages, display, self.vocabulary or load_vocabulary(), notes)

    def _salt(self) -> str:
        raise NotImplementedError

    def _extract_pages(self, data: bytes, display: str) -> tuple[list[PageText], list[str]]:
        raise NotImplementedError

    def read_pages(self, data: bytes, display: str) -> tuple[list[PageText], list[str]]:
        """Bytes -> per-page lines and notes, from the cache when the same bytes were read before."""
        key = bytes_key(data, self._salt()) if self.cache else None
        if self.cache and key:
            cached = self.cache.get(key)
            if cached is not None:
                try:
                    return pages_from_json(cached)
                except (ValueError, KeyError, TypeError):
                    log.warning("ignoring unreadable cache entry %s", key)
        pages, notes = self._extract_pages(data, display)
        if self.cache and key:
            self.cache.put(key, pages_to_json(pages, notes))
        return pages, notes
