"""Importers: one per input kind. Each reads a file and returns an ImportResult; none judges.

The registry order matters only for tie messages; `detect.identify` asks every importer.
"""
from __future__ import annotations

from recon.importers.base import Importer


def all_importers() -> list[Importer]:
    """Every importer, each constructed lazily (heavy libraries load inside extract)."""
    from recon.importers.bill_pdf import BillPdfImporter
    from recon.importers.check_register import CheckRegisterImporter
    from recon.importers.csv_bank import CsvBankImporter
    from recon.importers.ofx import OfxImporter

    return [OfxImporter(), CheckRegisterImporter(), CsvBankImporter(), BillPdfImporter()]
