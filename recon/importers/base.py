"""The importer protocol and the byte-decoding rules shared by text importers."""
from __future__ import annotations

import codecs
import re
from pathlib import Path
from typing import Protocol

from recon.model import ImportResult

HEAD_BYTES = 8192


class Importer(Protocol):
    kind: str  # "ofx" | "csv" | "check_register" | "bill_pdf"

    def identify(self, path: Path, head: bytes) -> bool:
        """True when the content (not only the name) is this importer's kind. Never raises."""
        ...

    def extract(self, path: Path, display: str) -> ImportResult:
        """Read the file. ``display`` is the path as shown in reports and errors.

        Raises InputError (or a subclass) for a file that cannot be read.
        """
        ...


_ALIASES = {
    "8859-1": "latin-1", "iso-8859-1": "latin-1", "iso8859-1": "latin-1", "latin1": "latin-1",
    "1252": "cp1252", "windows-1252": "cp1252", "win1252": "cp1252", "ansi": "cp1252",
    "usascii": "ascii", "us-ascii": "ascii", "none": "", "utf8": "utf-8", "unicode": "utf-8",
    "1250": "cp1250", "windows-1250": "cp1250",
}


def normalise_charset(name: str | None) -> str | None:
    """A declared charset name -> a Python codec name, or None if unknown/absent."""
    if not name:
        return None
    n = name.strip().lower()
    n = _ALIASES.get(n, n)
    if not n:
        return None
    try:
        return codecs.lookup(n).name
    except LookupError:
        return None


def decode_bytes(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode export bytes; returns (text, codec used).

    Order (a declaration is a hint that the bytes can overrule): BOM; NULs at alternate
    positions mean UTF-16; strict UTF-8; the declared single-byte charset; cp1252; latin-1
    (which never fails). Stray NULs in single-byte text are kept: a NUL in a header or after the
    document is ignored by its reader, one inside a transaction marks it damaged (``has_control``).
    """
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        return data.decode("utf-16", errors="replace"), "utf-16"
    sample = data[:4000]
    if len(sample) >= 4:
        even_nul = sample[0::2].count(0)
        odd_nul = sample[1::2].count(0)
        half = len(sample) // 2
        if odd_nul > half * 0.4 and even_nul < half * 0.1:
            return data.decode("utf-16-le", errors="replace"), "utf-16-le"
        if even_nul > half * 0.4 and odd_nul < half * 0.1:
            return data.decode("utf-16-be", errors="replace"), "utf-16-be"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    codec = normalise_charset(declared)
    if codec and codec not in ("utf-8", "ascii") and not codec.startswith("utf-16"):
        try:
            return data.decode(codec), codec
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


# Control characters no bank export holds inside a transaction (TAB, LF and CR are text).
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def has_control(text: str) -> bool:
    """True when ``text`` holds a control character: the bytes were damaged (or are not text)."""
    return CONTROL.search(text) is not None


def damaged_note(line: int, text: str) -> str:
    """The note for a row or block left out because a control character damaged it."""
    ch = CONTROL.search(text)
    code = f"0x{ord(ch.group()):02x}" if ch else "?"
    return f"line {line}: damaged (a control character, {code}, inside it): not read"


def damaged_layout_line(rows: list[list[str]], lines: list[int]) -> tuple[int, str] | None:
    """(line, text) of the first row of a header or preamble that holds a control character,
    or None. These rows decide how every other row is read, so such a file is not read at all.
    NULs at the end of a line are padding some exporters write, not damage."""
    for row, line in zip(rows, lines):
        text = " ".join(row).rstrip("\x00")
        if has_control(text):
            return line, text
    return None


def damaged_layout_error(line: int, text: str, display: str):
    from recon.errors import ParseError

    ch = CONTROL.search(text)
    code = f"0x{ord(ch.group()):02x}" if ch else "?"
    return ParseError(f"the file is damaged: a control character ({code}) in a part that decides how "
                      "every row is read (a header, an account, a statement); not read", path=display, line=line,
                      hint="download the export again")


def looks_binary(head: bytes) -> bool:
    """True for content that is clearly not text (PDF, images, archives)."""
    if head.startswith((b"%PDF", b"PK\x03\x04", b"\x89PNG", b"\xff\xd8\xff", b"GIF8")):
        return True
    return False


_WS = re.compile(r"\s+")


def squash(text: str) -> str:
    """Collapse whitespace runs to one space and strip."""
    return _WS.sub(" ", text).strip()
