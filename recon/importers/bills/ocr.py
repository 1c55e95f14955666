"""A page image -> text lines with per-word confidences, through the tesseract command.

Input: a PIL image of one page (rendered by pdf.py with pypdfium2, or a scan or photo from image.py). Output: a list of
`recon.importers.bills.lines.Line`, each with its text (words joined by single spaces) and, per word, the
character span in that text and tesseract's confidence (0-100).

tesseract is called directly (``tesseract stdin stdout --psm 4 tsv``) rather than via pytesseract
so the child process can be given OMP_THREAD_LIMIT=1: on a 2-core machine tesseract's own
threading made a page 1.5x slower. psm 4 (one column of text of variable sizes) keeps two-column
label/value rows on one line and, unlike psm 6, does not turn ruled lines into junk words.

Scans and photos (`read_page_image`): the image is made 8-bit grey (1-bit scans are smoothed a
little, colour photos flattened on white), straightened when the text lines lean by SKEW_MIN_DEG
or more (the angle found by row-profile sharpness on a reduced copy, ~10-30 ms a page, so it runs on
every page), then OCR'd once. Only a page that reads poorly (mean word confidence under
LOW_CONFIDENCE) costs more: it is read again turned 180 degrees and the better reading is kept;
when both are poor, tesseract's orientation detection (--psm 0) is asked about 90/270 degrees.
"""
from __future__ import annotations

import io
import os
import shutil
import subprocess
from typing import TYPE_CHECKING

from recon.importers.bills.lines import Line

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


PREPARE_VERSION = "prep/1"       # grey + 1-bit smoothing + deskew + 180/OSD retry (bump on change)
SKEW_MAX_DEG = 10.0              # the widest lean looked for
SKEW_MIN_DEG = 0.5               # a smaller lean is left alone (tesseract copes with it)
SKEW_WORK_WIDTH = 700            # the reduced copy the lean is measured on (pixels wide)
DESKEW_CROP_MARGIN = 40         # pixels of white kept around the ink after a turn
_INK_LUT = [255 if v > 64 else 0 for v in range(256)]   # inverted grey -> ink mask (for getbbox)
LOW_CONFIDENCE = 60.0            # mean word confidence under which a page's orientation is doubted
MIN_WORDS = 8                    # fewer words than this is a poor reading too


def ocr_settings() -> str:
    """What changes OCR output: part of the cache key."""
    return f"tesseract psm={TESSERACT_PSM} lang={TESSERACT_LANG} {PREPARE_VERSION}"


def to_grey(image: Image) -> Image:
    """Any PIL image -> 8-bit grey ("L"): transparency flattened on white, 1-bit scans smoothed
    (a hard black/white edge makes tesseract drop thin strokes)."""
    from PIL import Image as PILImage
    from PIL import ImageFilter

    if image.mode == "1":
        return image.convert("L").filter(ImageFilter.GaussianBlur(1.0))
    if image.mode == "L" and len(image.getcolors(4) or ()) in (1, 2):   # a 1-bit scan rendered grey
        return image.filter(ImageFilter.GaussianBlur(1.0))
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        flat = PILImage.new("RGBA", rgba.size, (255, 255, 255, 255))
        flat.alpha_composite(rgba)
        return flat.convert("L")
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        import numpy as np

        arr = np.asarray(image, dtype=np.float64)
        hi = float(arr.max()) or 1.0
        return PILImage.fromarray((arr * (255.0 / hi)).astype(np.uint8), mode="L")
    return image if image.mode == "L" else image.convert("L")


def estimate_skew(image: Image) -> float:
    """The angle (degrees, for ``image.rotate``) that levels the page's text lines; 0.0 when unsure.

    The ink pixels of a reduced copy are projected onto rows at each candidate angle; level text
    gives the sharpest row profile (largest sum of squared row counts). Coarse 0.5-degree steps over
    +-SKEW_MAX_DEG, then 0.05-degree steps around the best.
    """
    import numpy as np

    grey = to_grey(image)
    factor = max(1, -(-grey.width // SKEW_WORK_WIDTH))
    small = grey.reduce(factor) if factor > 1 else grey
    arr = np.asarray(small, dtype=np.uint8)
    if arr.size == 0:
        return 0.0
    cut = min(128.0, float(np.median(arr)) * 0.6)
    ys, xs = np.nonzero(arr < cut)
    if len(ys) < 200:
        return 0.0
    if len(ys) > 60000:                       # plenty: every k-th ink pixel
        step = len(ys) // 60000 + 1
        ys, xs = ys[::step], xs[::step]
    xs = xs.astype(np.float64) - arr.shape[1] / 2.0
    ys = ys.astype(np.float64) - arr.shape[0] / 2.0
    span = int(np.hypot(*arr.shape)) + 4

    def sharpness(deg: float) -> float:
        # Each pixel's weight split between the two rows it falls between: with whole-row rounding
        # the unturned grid (0 degrees) wins on aliasing alone.
        t = np.deg2rad(deg)
        pos = ys * np.cos(t) - xs * np.sin(t) + span / 2
        rows = np.floor(pos)
        frac = pos - rows
        rows = rows.astype(np.int64)
        counts = np.bincount(rows, 1.0 - frac, minlength=span + 1) + np.bincount(rows + 1, frac, minlength=span + 1)
        return float(np.dot(counts, counts))

    coarse = np.arange(-SKEW_MAX_DEG, SKEW_MAX_DEG + 1e-9, 0.5)
    best = max(coarse, key=sharpness)
    fine = np.arange(best - 0.5, best + 0.5 + 1e-9, 0.05)
    best = float(max(fine, key=sharpness))
    if sharpness(best) <= sharpness(0.0) * 1.02:    # no clear lean: leave the page as it is
        return 0.0
    return round(best, 2)


def deskew(image: Image) -> tuple[Image, float]:
    """``image`` levelled (grey, rotated with white fill) and the angle used (0.0: unchanged)."""
    from PIL import Image as PILImage
    from PIL import ImageOps

    grey = to_grey(image)
    angle = estimate_skew(grey)
    if abs(angle) < SKEW_MIN_DEG:
        return grey, 0.0
    turned = grey.rotate(angle, resample=PILImage.Resampling.BILINEAR, expand=True, fillcolor=255)
    # Cut the white wedges the turn added (tesseract's time grows with the area it lays out).
    box = ImageOps.invert(turned).point(_INK_LUT).getbbox()
    if box:
        m = DESKEW_CROP_MARGIN
        turned = turned.crop((max(0, box[0] - m), max(0, box[1] - m),
                              min(turned.width, box[2] + m), min(turned.height, box[3] + m)))
    return turned, angle


def reading_quality(lines: list[Line]) -> float:
    """Mean word confidence (0-100); 0 for fewer than MIN_WORDS words."""
    confs = [c for ln in lines for (_, _, c) in ln.words]
    if len(confs) < MIN_WORDS:
        return 0.0
    return sum(confs) / len(confs)


def read_page_image(image: Image, page: int) -> tuple[list[Line], list[str]]:
    """A scanned or photographed page -> lines, with notes on what was done to read it.

    One tesseract pass for a page that reads well; a second (turned 180 degrees) only when the
    first reads poorly, and tesseract's orientation detection only when both do.
    """
    from PIL import Image as PILImage

    notes: list[str] = []
    img, angle = deskew(image)
    if angle:
        notes.append(f"straightened by {angle:+.1f} degrees")
    lines = ocr_image(img, page)
    quality = reading_quality(lines)
    if quality >= LOW_CONFIDENCE:
        return lines, notes
    turned = img.transpose(PILImage.Transpose.ROTATE_180)
    lines180 = ocr_image(turned, page)
    q180 = reading_quality(lines180)
    if q180 > quality:
        lines, quality = lines180, q180
        notes.append("page was upside down; read turned 180 degrees")
    if quality >= LOW_CONFIDENCE:
        return lines, notes
    rotate = detect_rotation(img)
    if rotate in (90, 270):
        side = img.transpose(PILImage.Transpose.ROTATE_270 if rotate == 90 else PILImage.Transpose.ROTATE_90)
        side_lines = ocr_image(side, page)
        if reading_quality(side_lines) > quality:
            lines, quality = side_lines, reading_quality(side_lines)
            notes.append(f"page was sideways; read turned {rotate} degrees")
    if quality < LOW_CONFIDENCE:
        notes.append(f"poor OCR reading (mean word confidence {quality:.0f})")
    return lines, notes


def detect_rotation(image: Image) -> int | None:
    """tesseract's orientation detection (--psm 0): clockwise degrees to turn the page upright."""
    try:
        out = _run_tesseract(image, ["--psm", "0"])
    except OcrUnavailable:
        return None
    for row in out.splitlines():
        if row.startswith("Rotate:"):
            try:
                return int(row.split(":", 1)[1].strip()) % 360
            except ValueError:
                return None
    return None


def ocr_image(image: Image, page: int) -> list[Line]:
    """OCR one page image; ``page`` is the 1-based page number the lines belong to."""
    tsv = _run_tesseract(image, ["--psm", str(TESSERACT_PSM), "-l", TESSERACT_LANG, "tsv"])
    return parse_tsv(tsv, page)


def _run_tesseract(image: Image, args: list[str]) -> str:
    reason = tesseract_missing_reason()
    if reason:
        raise OcrUnavailable(reason)
    buf = io.BytesIO()
    # Binary PNM (PGM for grey): tesseract reads the same pixels as from PNG (the same TSV out),
    # without the ~0.1-0.2 s a noisy 200-dpi page costs to compress and decompress as PNG.
    image.save(buf, format="PPM")
    env = dict(os.environ)
    env["OMP_THREAD_LIMIT"] = "1"
    try:
        proc = subprocess.run([TESSERACT, "stdin", "stdout", *args], input=buf.getvalue(),
                              capture_output=True, env=env, timeout=TESSERACT_TIMEOUT_S, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise OcrUnavailable(f"tesseract could not be run: {exc}") from exc
    if proc.returncode != 0:
        raise OcrUnavailable(f"tesseract failed: {proc.stderr.decode('utf-8', 'replace').strip()[:300]}")
    return proc.stdout.decode("utf-8", "replace")


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
