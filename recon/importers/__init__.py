"""Importers: one per input kind. Each reads a file and returns an ImportResult; none judges.

The registry order matters only for tie messages; `detect.identify` asks every importer.
"""
from __future__ import annotations

from pathlib import Path

from recon.importers.base import Importer


def all_importers(profile: str | None = None, profile_dirs: tuple[Path, ...] = (),
                  cache_dir: Path | None = None) -> list[Importer]:
    """Every importer, each constructed lazily (heavy libraries load inside extract).

    Args:
        profile: force this bank CSV profile (``--profile``).
        profile_dirs: folders of user CSV profiles.
        cache_dir: where the bill parse cache lives (None: no cache).
    """
    from recon.importers.bills import BillImageImporter, BillPdfImporter
    from recon.importers.csv import CsvBankImporter
    from recon.importers.ofx import OfxImporter
    from recon.importers.register import CheckRegisterImporter

    cache = None
    if cache_dir is not None:
        from recon.cache import ParseCache

        cache = ParseCache(cache_dir)
    return [OfxImporter(), CheckRegisterImporter(), CsvBankImporter(profile=profile, profile_dirs=profile_dirs),
            BillPdfImporter(cache=cache), BillImageImporter(cache=cache)]
