"""The Health Connector bill importers (PDF, and photos or scans saved as images); this package only
re-exports them.

Modules, in reading order: pdf (PDF bytes -> pages of placed text, OCR for pages without text) and
image (image bytes -> OCR'd pages), both through importer (pages cached by content hash); grouping
(pages -> bills: letters, unreadable pages), finder (a page's lines -> labelled values, using
vocabulary, values, tables and lines), build (the fields of one bill -> a Bill: fallbacks, the
bill's arithmetic, OCR confidence), validate (a Bill -> warnings), ocr (a page image -> lines).
vocabulary.toml holds every wording of every field: a new bill wording is an entry there.
"""
from __future__ import annotations

from recon.importers.bills.image import BillImageImporter
from recon.importers.bills.pdf import BillPdfImporter

__all__ = ["BillImageImporter", "BillPdfImporter"]
