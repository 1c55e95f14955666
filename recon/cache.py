"""A per-file parse cache keyed by content hash, so a re-run skips files that did not change.

Input: a cache folder, keys from `content_key(path, salt)` (sha256 of the file's bytes plus a salt
that names the parser and its version), and the bytes a parser wants to keep (e.g. a PDF's per-page
text as JSON). Output: those bytes back on a later run, or None.

Writes are atomic (a temporary file in the same folder, then os.replace), so a crash or a parallel
run never leaves a half-written entry; a reader sees the old entry, the new one, or none. A cache
entry that cannot be read is treated as absent: the cache is an optimisation, never a source of
truth.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

_CHUNK = 1 << 20


def content_key(path: Path, salt: str) -> str:
    """sha256 hex of the file's bytes and ``salt`` (include the parser name and version in it)."""
    h = hashlib.sha256()
    h.update(salt.encode("utf-8"))
    h.update(b"\x00")
    with Path(path).open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def bytes_key(data: bytes, salt: str) -> str:
    """content_key for bytes already in memory (same value as for a file holding ``data``)."""
    h = hashlib.sha256()
    h.update(salt.encode("utf-8"))
    h.update(b"\x00")
    h.update(data)
    return h.hexdigest()


class ParseCache:
    """Entries are files ``<dir>/<key[:2]>/<key>``; keys are hex digests."""

    def __init__(self, dir: Path) -> None:
        self.dir = Path(dir)
        self.broken: str | None = None     # why entries can no longer be written (run goes on without)

    def _path(self, key: str) -> Path:
        if not key or not all(c in "0123456789abcdef" for c in key):
            raise ValueError(f"cache key must be a lowercase hex digest, got {key!r}")
        return self.dir / key[:2] / key

    def get(self, key: str) -> bytes | None:
        """The bytes stored under ``key``, or None."""
        try:
            return self._path(key).read_bytes()
        except OSError:
            return None

    def put(self, key: str, data: bytes) -> None:
        """Store ``data`` under ``key`` atomically (tmp file + os.replace). A cache that cannot be
        written (read-only folder, full disk) is not an error of the file being read: the entry is
        not kept, ``broken`` says why, and later puts are skipped."""
        if self.broken is not None:
            return
        target = self._path(key)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=target.parent)
        except OSError as exc:
            self.broken = f"{self.dir}: {exc.strerror or exc}"
            return
        try:
            self._write(fd, tmp, target, data)
        except OSError as exc:
            self.broken = f"{self.dir}: {exc.strerror or exc}"

    def _write(self, fd: int, tmp: str, target: Path, data: bytes) -> None:
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, target)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
