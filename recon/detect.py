"""File -> its importer, or a rejection. Kinds come from content, not only the extension."""
from __future__ import annotations

import os
from pathlib import Path

from recon.errors import AmbiguousFormat, InputError, UnknownFormat
from recon.importers import all_importers
from recon.importers.base import HEAD_BYTES, Importer

# Files never worth reporting (editor/OS droppings, recon's own config and call log); anything
# else unreadable is rejected loudly.
IGNORED_NAMES = {".DS_Store", "Thumbs.db", "desktop.ini", "recon.toml", "calls.jsonl", "calls.csv"}
IGNORED_DIRS = {".git", "__pycache__", ".recon-cache"}


def discover(paths: list[Path]) -> list[Path]:
    """Files and folders (walked recursively) -> sorted unique file list."""
    found: set[Path] = set()
    for p in paths:
        if p.is_dir():
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if d not in IGNORED_DIRS and not d.startswith("."))
                for f in files:
                    if f in IGNORED_NAMES or f.startswith("."):
                        continue
                    found.add(Path(root) / f)
        else:
            found.add(p)
    return sorted(found, key=lambda x: str(x))


def identify(path: Path, display: str, importers: list[Importer] | None = None,
             forced_kind: str | None = None) -> Importer:
    """Ask every importer; exactly one must claim the file."""
    if not path.exists():
        raise InputError("file does not exist", path=display)
    try:
        with path.open("rb") as fh:
            head = fh.read(HEAD_BYTES)
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror or exc}", path=display) from exc
    if not head:
        raise UnknownFormat("file is empty", path=display)
    imps = importers if importers is not None else all_importers()
    if forced_kind:
        imps = [i for i in imps if i.kind == forced_kind]
    claimants = [imp for imp in imps if _safe_identify(imp, path, head)]
    if not claimants:
        raise UnknownFormat(
            "not a recognised bank export (OFX/QFX/QBO, bank CSV), check register or Connector bill "
            "(PDF, or a JPEG/PNG/TIFF scan or photo)",
            path=display,
            hint="run `recon profiles` to see the CSV layouts recon knows",
        )
    if len(claimants) > 1:
        raise AmbiguousFormat(
            "file looks like several kinds: " + ", ".join(c.kind for c in claimants), path=display
        )
    return claimants[0]


def _safe_identify(imp: Importer, path: Path, head: bytes) -> bool:
    try:
        return bool(imp.identify(path, head))
    except Exception:  # identify must never raise; a buggy one simply does not claim
        return False
