"""A photo or scan of a Health Connector bill saved as an image (JPEG, PNG, TIFF) -> Bill records.

Input: an image file, one page per frame (a multi-page TIFF is several pages). Output: the same
ImportResult as a scanned bill PDF, with kind "bill_pdf" (report.json's input kinds are
ofx|csv|check_register|bill_pdf|unknown: an image bill is a bill, reported as one).

Stages: bytes -> per frame: EXIF orientation applied (phones store the camera's rotation there),
scaled to a page width OCR reads well (a 12-megapixel photo is cut down, a small image enlarged),
then ocr.read_page_image (grey, deskew, 180-degree retry only when the first reading is
poor) -> per-page lines, cached by content hash like the PDF pages -> grouping.read_bills (the same
field finder, grouping, letter rejection and validation as every other bill).

Rejections: "image is corrupt or truncated: <detail>", "cannot read an image bill: <why OCR is
unavailable>", and read_bills' "not a Health Connector bill ..." (a letter, a photo of something else).
"""
from __future__ import annotations

import io
import logging
from pathlib import Path

from recon.errors import InputError, ParseError
from recon.importers.bills.guard import shared_reader
from recon.importers.bills.importer import PagedBillImporter
from recon.importers.bills.pages import Flat, PageText, flatten, unflatten

log = logging.getLogger(__name__)

PARSER_VERSION = "bill_image/1"
MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")
PAGE_MAX_SIDE = 3300        # pixels on the long side: a letter page at 300 dpi (more adds only time)
PAGE_MIN_SIDE = 2000        # a smaller image is enlarged to this (about 180 dpi for a letter page)
MAX_PAGES = 20
CORRUPT = "image is corrupt or truncated"
NO_OCR = "cannot read an image bill"


class BillImageImporter(PagedBillImporter):
    """Reads photos and image scans of Connector bills (JPEG/PNG/TIFF). ``cache``: keeps OCR lines."""

    def identify(self, path: Path, head: bytes) -> bool:
        return isinstance(head, bytes | bytearray) and any(bytes(head[:8]).startswith(m) for m in MAGIC)

    def _salt(self) -> str:
        from recon.importers.bills.ocr import ocr_settings

        return f"{PARSER_VERSION};{ocr_settings()};side={PAGE_MIN_SIDE}-{PAGE_MAX_SIDE}"

    def _extract_pages(self, data: bytes, display: str) -> tuple[list[PageText], list[str]]:
        """The image's pages, read in the bounded child (guard.py) that every importer shares."""
        return unflatten(shared_reader(_ocr_frames_flat)(data, display, display=display))


def _ocr_frames_flat(data: bytes, display: str) -> Flat:
    return flatten(*_ocr_frames(data, display))


def _ocr_frames(data: bytes, display: str) -> tuple[list[PageText], list[str]]:
    from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

    from recon.importers.bills.ocr import OcrUnavailable, read_page_image, tesseract_missing_reason

    reason = tesseract_missing_reason()
    if reason:
        raise InputError(f"{NO_OCR}: {reason}", path=display)
    pages: list[PageText] = []
    notes: list[str] = []
    try:
        with Image.open(io.BytesIO(data)) as img:
            for n, frame in enumerate(ImageSequence.Iterator(img), 1):
                if n > MAX_PAGES:
                    notes.append(f"only the first {MAX_PAGES} pages of the image were read")
                    break
                frame.load()
                page = ImageOps.exif_transpose(frame) or frame
                page, how = _fit(page)
                try:
                    lines, done = read_page_image(page, n)
                except OcrUnavailable as exc:
                    raise InputError(f"{NO_OCR}: {exc}", path=display) from exc
                notes.append(f"page {n}: image ({img.format}, {frame.width}x{frame.height} px) read by OCR"
                             + "".join(f"; {h}" for h in (*how, *done)))
                pages.append(PageText(n, lines, ocr=True))
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError) as exc:
        raise ParseError(f"{CORRUPT}: {exc}", path=display,
                         hint="save or scan the bill again (JPEG, PNG or TIFF)") from exc
    return pages, notes


def _fit(image):  # type: ignore[no-untyped-def]
    """Scale so that the long side is within [PAGE_MIN_SIDE, PAGE_MAX_SIDE] pixels."""
    from PIL import Image

    from recon.importers.bills.ocr import to_grey

    grey = to_grey(image)
    side = max(grey.size)
    if side > PAGE_MAX_SIDE:
        f = PAGE_MAX_SIDE / side
    elif 0 < side < PAGE_MIN_SIDE:
        f = PAGE_MIN_SIDE / side
    else:
        return grey, []
    size = (max(1, round(grey.width * f)), max(1, round(grey.height * f)))
    return grey.resize(size, Image.Resampling.LANCZOS), [f"scaled to {size[0]}x{size[1]} px"]


__all__ = ["BillImageImporter"]
