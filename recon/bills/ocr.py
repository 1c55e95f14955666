"""A page image -> text lines with per-word confidences, through the tesseract command.

Input: a PIL image of one page (rendered by bill_pdf.py with pypdfium2). Output: a list of
`recon.bills.fields.Line`, each with its text (words joined by single spaces) and, per word, the
character span in that text and tesseract's confidence (0-100).

tesseract is called directly (``tesseract stdin stdout --psm 4 tsv``) rather than via pytesseract
so the child process can be given OMP_THREAD_LIMIT=1: on a 2-core machine tesseract's own
threading made a page 1.5x slower. psm 4 (one column of text of variable sizes) keeps two-column
label/value rows on one line and, unlike psm 6, does not turn ruled lines into junk words.
"""
from __future__ import annotations

import io
import os
import shutil
import subprocess
from typing import TYPE_CHECKING

from recon.bills.fields import Line

if TYPE_CHECKING:  # pragma: no cover
    from PIL.Image import Image

TESSERACT = "tesseract"
TESSERACT_PSM = 4
TESSERACT_LANG = "eng"
TESSERACT_TIMEOUT_S = 120


class OcrUnavailable(RuntimeError):
    """tesseract is not installed (or not runnable)."""


def tesseract_missing_reason() -> str | None:
    """None when tesseract can run; otherwise why not, in words."""
    if shutil.which(TESSERACT) is None:
        return ("tesseract is not installed (Debian: apt-get install tesseract-ocr tesseract-ocr-eng; "
                "`make deps` does it)")
    return None


def ocr_settings() -> str:
    """What changes OCR output: part of the cache key."""
    return f"tesseract psm={TESSERACT_PSM} lang={TESSERACT_LANG}"


def ocr_image(image: Image, page: int) -> list[Line]:
    """OCR one page image; ``page`` is the 1-based page number the lines belong to."""
    reason = tesseract_missing_reason()
    if reason:
        raise OcrUnavailable(reason)
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    env = dict(os.environ)
    env["OMP_THREAD_LIMIT"] = "1"
    try:
        proc = subprocess.run(
            [TESSERACT, "stdin", "stdout", "--psm", str(TESSERACT_PSM), "-l", TESSERACT_LANG, "tsv"],
            input=buf.getvalue(), capture_output=True, env=env, timeout=TESSERACT_TIMEOUT_S, check=False)
    except OSError as exc:
        raise OcrUnavailable(f"tesseract could not be run: {exc}") from exc
    if proc.returncode != 0:
        raise OcrUnavailable(f"tesseract failed: {proc.stderr.decode('utf-8', 'replace').strip()[:300]}")
    return parse_tsv(proc.stdout.decode("utf-8", "replace"), page)


def parse_tsv(tsv: str, page: int) -> list[Line]:
    """tesseract TSV output -> lines (in tesseract's reading order) with word spans and confidences."""
    rows = tsv.splitlines()
    if not rows:
        return []
    head = rows[0].split("\t")
    col = {name: i for i, name in enumerate(head)}
    groups: dict[tuple[int, int, int], list[tuple[str, float]]] = {}
    order: list[tuple[int, int, int]] = []
    for r in rows[1:]:
        cells = r.split("\t")
        if len(cells) < len(head) or cells[col["level"]] != "5":
            continue
        word = cells[col["text"]].strip()
        if not word:
            continue
        key = (int(cells[col["block_num"]]), int(cells[col["par_num"]]), int(cells[col["line_num"]]))
        if key not in groups:
            groups[key] = []
            order.append(key)
        groups[key].append((word, max(0.0, float(cells[col["conf"]]))))
    lines = []
    for key in order:
        text_parts, spans, pos = [], [], 0
        for word, conf in groups[key]:
            if text_parts:
                pos += 1
            spans.append((pos, pos + len(word), conf))
            text_parts.append(word)
            pos += len(word)
        lines.append(Line(" ".join(text_parts), page, tuple(spans)))
    return lines


def span_confidence(line: Line, start: int, end: int) -> float | None:
    """The lowest word confidence (0-100) over characters [start, end) of an OCR'd line."""
    confs = [c for (s, e, c) in line.words if s < end and e > start]
    return min(confs) if confs else None
