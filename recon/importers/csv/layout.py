"""File bytes -> (Rows, Layout): which profile claims the file, or the generic reader's layout.

Input: the file's bytes (or its head), the profiles to try and a forced profile (``--profile``).
Output: the file split into Rows and the Layout to read them with. Only the first
HEADER_SEARCH_ROWS + 2 x SAMPLE_ROWS rows are looked at, so a file's head gives the same layout
as the whole file (which lets the columnar kernel decide on a head).
"""
from __future__ import annotations

from recon.errors import ParseError
from recon.importers.csv.infer import find_header, infer_layout
from recon.importers.csv.profile_match import dates_fit, layout_from_profile, profile_matches, signs_fit
from recon.importers.csv.rules import HEADER_SEARCH_ROWS, Layout
from recon.importers.delimited import CsvSyntaxError, Rows, read_rows, trimmed_cells
from recon.profiles import Profile


def match_profile(profiles: list[Profile], rows: Rows) -> tuple[Profile, int | None] | None:
    """The best-matching profile and its header row index (None for header-less ones)."""
    best: tuple[int, Profile, int | None] | None = None
    for prof in profiles:
        hit = profile_matches(prof, rows)
        if hit is None:
            continue
        score, idx = hit
        if not dates_fit(prof, rows, idx) or not signs_fit(prof, rows, idx):
            continue
        if best is None or score > best[0]:
            best = (score, prof, idx)
    return None if best is None else (best[1], best[2])


def read_layout(data: bytes, profiles: list[Profile], forced: Profile | None,
                display: str) -> tuple[Rows, Layout]:
    """Split ``data`` into rows and decide the layout (a profile's, or inferred)."""
    rows = _split(data, forced, display)
    prof, header_idx = forced, None
    if prof is None:
        hit = match_profile(profiles, rows)
        if hit is not None:
            prof, header_idx = hit
            if prof.encoding or (prof.delimiter and prof.delimiter != rows.delimiter):
                rows = read_rows(data, prof.delimiter, prof.encoding)
    else:
        m = profile_matches(prof, rows)
        header_idx = m[1] if m else None
    if prof is not None:
        return rows, layout_from_profile(prof, rows, header_idx, display)
    rows = _central_european_retry(data, rows)
    return rows, infer_layout(rows, display)


def _split(data: bytes, forced: Profile | None, display: str) -> Rows:
    try:
        rows = read_rows(data, forced.delimiter if forced else None, forced.encoding if forced else None)
    except CsvSyntaxError as exc:
        raise ParseError(str(exc), path=display, line=exc.line, value=exc.text,
                         rule="fields are separated by the delimiter; quotes inside a quoted "
                              "field must be doubled",
                         hint="re-export the file, or fix the quoting on that line") from exc
    if not rows.cells:
        raise ParseError("file has no rows", path=display)
    return rows


def _central_european_retry(data: bytes, rows: Rows) -> Rows:
    """A single-byte file whose header is only found when read as cp1250 (Czech, Hungarian
    banks): the rows as cp1250."""
    if rows.codec in ("cp1252", "latin-1") and find_header(
            [trimmed_cells(r) for r in rows.cells[:HEADER_SEARCH_ROWS]]) is None:
        alt = read_rows(data, rows.delimiter, "cp1250")
        if find_header([trimmed_cells(r) for r in alt.cells[:HEADER_SEARCH_ROWS]]) is not None:
            return alt
    return rows
