"""File -> its importer, or a rejection. Kinds come from content, not only the extension."""
from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from recon.errors import AmbiguousFormat, InputError, UnknownFormat
from recon.importers import all_importers
from recon.importers.base import HEAD_BYTES, Importer

# Files never worth reporting (editor/OS droppings, recon's own config and call log); anything
# else unreadable is rejected loudly.
IGNORED_NAMES = {".DS_Store", "Thumbs.db", "desktop.ini", "recon.toml", "calls.jsonl", "calls.csv"}
IGNORED_DIRS = {".git", "__pycache__", ".recon-cache"}
# The largest input read: an organisation's year of a million bank rows is about 225 MB; a file
# over this is refused before it is read (reading it whole would take the memory budget).
MAX_INPUT_BYTES = 512 * 1024 * 1024


def discover(paths: list[Path]) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Files and folders (walked recursively, following links to folders) -> (the sorted unique
    files to read, and every other path met with why it is not read). Nothing walked is dropped in
    silence: a pipe or device (opening one would hang), a folder that cannot be listed, a link that
    leads back into a folder already walked (a loop), a broken link."""
    found: set[Path] = set()
    skipped: dict[Path, str] = {}
    walked: set[Path] = set()      # real paths of the folders walked: a link loop is seen once

    def visit(p: Path) -> None:
        try:
            st = p.stat()
        except OSError as exc:
            skipped[p] = ("a link that leads back to itself (a loop): not read" if exc.errno == errno.ELOOP
                          else "a link to nothing (broken link)" if p.is_symlink()
                          else f"cannot read: {exc.strerror or exc}")
            return
        if stat.S_ISDIR(st.st_mode):
            try:
                real = p.resolve()
            except (RuntimeError, OSError):
                skipped[p] = "a link that leads back to itself (a loop): not read"
                return
            if real in walked:
                skipped[p] = f"a link to a folder already read ({real.name}): not read twice"
                return
            walked.add(real)
            try:
                entries = sorted(os.scandir(p), key=lambda e: e.name)
            except OSError as exc:
                skipped[p] = f"cannot read folder: {exc.strerror or exc}"
                return
            for e in entries:
                if e.name.startswith(".") or e.name in IGNORED_NAMES or e.name in IGNORED_DIRS:
                    continue
                visit(Path(e.path))
        elif stat.S_ISREG(st.st_mode):
            found.add(p)
        else:
            skipped[p] = "not a regular file (a pipe, socket or device): not read"

    for p in paths:
        if not p.exists() and not p.is_symlink():
            found.add(p)       # identify rejects it with "file does not exist"
        else:
            visit(p)
    return sorted(found, key=str), sorted(skipped.items(), key=lambda x: str(x[0]))


def identify(path: Path, display: str, importers: list[Importer] | None = None,
             forced_kind: str | None = None) -> Importer:
    """Ask every importer; exactly one must claim the file."""
    if not path.exists():
        raise InputError("file does not exist", path=display)
    if not path.is_file():
        raise InputError("not a regular file (a folder, pipe or device): not read", path=display)
    size = path.stat().st_size
    if size > MAX_INPUT_BYTES:
        raise InputError(f"file is {size / 1e6:,.0f} MB; recon reads files of up to "
                         f"{MAX_INPUT_BYTES / 1e6:,.0f} MB", path=display,
                         hint="split the export into smaller date ranges")
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
