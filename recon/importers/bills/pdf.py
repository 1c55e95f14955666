"""Health Connector bill PDFs: bytes -> pages of placed text (pypdfium2's text boxes; OCR for a page
with no text layer) -> bills (importer.PagedBillImporter, grouping.read_bills).

Input: a PDF file (text layer, or image-only scans: OCR'd with tesseract). Output: ImportResult with
kind "bill_pdf" (see grouping.py). A page's text is read by position: pdfium's text rectangles and the
text in each, grouped into rows by height on the page and into cells by the gaps between them, so a
label is paired with the value beside or under it whatever order the file draws them in (~1.5 ms a
page). pdfplumber is not used: its extract_words costs ~30 ms a page against pdfium's ~2 ms.

Rejections (InputError): "PDF is encrypted (password protected)", "PDF is corrupt or truncated:
<detail>", and grouping's "not a Health Connector bill ..." (for a PDF of something else).
"""
from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

from recon.cache import ParseCache
from recon.errors import InputError, ParseError
from recon.importers.bills.guard import shared_reader
from recon.importers.bills.importer import PagedBillImporter
from recon.importers.bills.lines import Line, new_line
from recon.importers.bills.pages import Flat, PageText, flatten, unflatten
from recon.importers.bills.vocabulary import Vocabulary

log = logging.getLogger(__name__)

PARSER_VERSION = "bill_pdf/2"
OCR_DPI = 300                  # render scale for OCR; image-only pages are rendered at their own
OCR_MIN_DPI = 200              # resolution when it is lower (more pixels add nothing, cost time)
MIN_TEXT_CHARS = 20            # a text layer with fewer non-space characters counts as none
PDF_MAGIC_WINDOW = 1024        # "%PDF-" may follow junk bytes within the first 1 KiB
EOF_WINDOW = 2048              # "%%EOF" must be within the last 2 KiB (else truncated)

# Bounds no real bill file reaches, so that a hostile or broken file cannot take the machine's
# memory or an hour of OCR: pages per file, scanned pages OCR'd per file, a page's size, pixels
# rendered for OCR.
MAX_PAGES = 500
MAX_OCR_PAGES = 60
MAX_PAGE_INCHES = 40                 # a bill is letter size; a poster-sized page is not a bill page
MAX_OCR_PIXELS = 40_000_000          # a letter page at 300 dpi is 8.4 million
ENCRYPTED = "PDF is encrypted (password protected)"
CORRUPT = "PDF is corrupt or truncated"


class BillPdfImporter(PagedBillImporter):
    """Reads Connector bill PDFs. ``cache``: keeps per-page text (and OCR) across runs."""

    def __init__(self, cache: ParseCache | None = None, vocabulary: Vocabulary | None = None,
                 ocr: bool = True) -> None:
        super().__init__(cache, vocabulary)
        self.ocr = ocr

    def identify(self, path: Path, head: bytes) -> bool:
        """Any PDF: whether it is a Connector bill is decided (and explained) by extract."""
        return isinstance(head, bytes | bytearray) and b"%PDF-" in head[:PDF_MAGIC_WINDOW]

    def _salt(self) -> str:
        from recon.importers.bills.ocr import ocr_settings
        return f"{PARSER_VERSION};ocr={self.ocr};{ocr_settings()};dpi={OCR_DPI}/{OCR_MIN_DPI}"

    def _extract_pages(self, data: bytes, display: str) -> tuple[list[PageText], list[str]]:
        """The file's pages, read in the bounded child (guard.py) that every importer shares."""
        return unflatten(shared_reader(_read_pdf_flat)(data, display, self.ocr, display=display))


def _read_pdf_flat(data: bytes, display: str, ocr: bool) -> Flat:
    return flatten(*read_pdf_pages(data, display, ocr))


def read_pdf_pages(data: bytes, display: str, ocr: bool) -> tuple[list[PageText], list[str]]:
    """PDF bytes -> per-page placed lines (OCR for a page without text when ``ocr``) and notes.
    Runs in the bounded child: a file that asks for too much memory or time costs only itself."""
    import pypdfium2 as pdfium
    from pypdfium2 import raw

    if b"%PDF-" not in data[:PDF_MAGIC_WINDOW]:
        raise ParseError(f"{CORRUPT}: no %PDF header", path=display)
    if b"%%EOF" not in data[-EOF_WINDOW:]:
        raise ParseError(f"{CORRUPT}: no %%EOF marker at the end (the file was cut short)",
                         path=display, hint="download or scan the bill again")
    try:
        doc = _open_document(data)
    except pdfium.PdfiumError as exc:
        msg = str(exc)
        if "password" in msg.lower():
            raise InputError(ENCRYPTED, path=display,
                             hint="save an unprotected copy (print to PDF) and read that") from exc
        raise ParseError(f"{CORRUPT}: {msg}", path=display) from exc
    pages: list[PageText] = []
    notes: list[str] = []
    helper = None                    # a PdfDocument of the same bytes, for the pages to OCR
    count = raw.FPDF_GetPageCount(doc)
    if count > MAX_PAGES:
        raw.FPDF_CloseDocument(doc)
        raise ParseError(f"PDF has {count} pages; recon reads bill files of up to {MAX_PAGES} pages",
                         path=display, hint="split the file, or keep only the bills")
    ocr_done = 0
    try:
        for i in range(count):
            try:
                lines = _page_rows(doc, i)
            except pdfium.PdfiumError as exc:
                raise ParseError(f"{CORRUPT}: page {i + 1}: {exc}", path=display, page=i + 1) from exc
            if _has_text("".join(ln.text for ln in lines)):
                pages.append(PageText(i + 1, lines))
            elif ocr and ocr_done >= MAX_OCR_PAGES:
                notes.append(f"page {i + 1}: no text layer, and {MAX_OCR_PAGES} scanned pages were already "
                             "read from this file: not read")
                pages.append(PageText(i + 1, []))
            elif ocr:
                if helper is None:
                    helper = pdfium.PdfDocument(data)
                page = helper[i]
                ocr_done += 1
                pages.append(_ocr_page(page, i + 1, notes))
                page.close()
            else:
                notes.append(f"page {i + 1}: no text layer (OCR disabled); page skipped")
                pages.append(PageText(i + 1, []))
    finally:
        if helper is not None:
            helper.close()
        raw.FPDF_CloseDocument(doc)
    return pages, notes

def _ocr_page(page: Any, number: int, notes: list[str]) -> PageText:
    from recon.importers.bills.ocr import OcrUnavailable, read_page_image

    width_pt, height_pt = page.get_size()
    if max(width_pt, height_pt) > MAX_PAGE_INCHES * 72:
        notes.append(f"page {number}: {width_pt / 72:.0f} x {height_pt / 72:.0f} inches, larger than any "
                     "bill page: not read")
        return PageText(number, [], ocr=True)
    dpi = _render_dpi(page)
    pixels = (width_pt / 72 * dpi) * (height_pt / 72 * dpi)
    if pixels > MAX_OCR_PIXELS:
        dpi = int(dpi * (MAX_OCR_PIXELS / pixels) ** 0.5)
    image = page.render(scale=dpi / 72, grayscale=True).to_pil()
    try:
        lines, how = read_page_image(image, number)     # straightened / turned when needed
    except OcrUnavailable as exc:
        notes.append(f"page {number}: no text layer and OCR is unavailable: {exc}")
        return PageText(number, [], ocr=True)
    notes.append(f"page {number}: no text layer; read by OCR at {dpi} dpi" + "".join(f"; {h}" for h in how))
    return PageText(number, lines, ocr=True)


def _has_text(text: str) -> bool:
    """At least MIN_TEXT_CHARS non-space characters: ``len("".join(text.split())) >= MIN_TEXT_CHARS``,
    decided on the first 256 characters when they suffice (a prefix never has more)."""
    return len("".join(text[:256].split())) >= MIN_TEXT_CHARS or len("".join(text.split())) >= MIN_TEXT_CHARS


def _open_document(data: bytes) -> Any:
    """``pdfium.PdfDocument(data).raw`` without the helper object (its finalizer and bookkeeping
    cost ~15 us a file): the same call and the same PdfiumError as pypdfium2 5.x's _open_pdf for
    bytes (FPDF_LoadMemDocument64, then a page count under 1 is a failure with FPDF_GetLastError's
    reason). The caller keeps ``data`` alive and closes the document (FPDF_CloseDocument).
    """
    import pypdfium2 as pdfium
    import pypdfium2.internal as pdfium_i
    from pypdfium2 import raw

    doc = raw.FPDF_LoadMemDocument64(data, len(data), None)
    if raw.FPDF_GetPageCount(doc) < 1:
        err_code = raw.FPDF_GetLastError()
        if doc:
            raw.FPDF_CloseDocument(doc)
        raise pdfium.PdfiumError(f"Failed to load document (PDFium: {pdfium_i.ErrorToStr.get(err_code)}).",
                                 err_code=err_code)
    return doc


def _page_rows(doc: Any, index: int) -> list[Line]:
    """The rows of page ``index`` with their cells placed: pdfium's text rectangles (a run of text
    of one text object on one line, ``FPDFText_CountRects``/``GetRect``) and the text in each
    (``GetBoundedText``), grouped into rows by height on the page and into cells by the gaps between
    them (see _rows). Reading by position pairs a label with the value beside or
    under it whatever order the file draws them in (a column of labels, then a column of values).
    ~1.5 ms a page. Raises PdfiumError when the page cannot be loaded."""
    import ctypes

    import pypdfium2 as pdfium
    from pypdfium2 import raw

    page = raw.FPDF_LoadPage(doc, index)
    if not page:
        raise pdfium.PdfiumError("Failed to load page.")
    try:
        textpage = raw.FPDFText_LoadPage(page)
        if not textpage:
            raise pdfium.PdfiumError("Failed to load text page.")
        try:
            boxes = [ctypes.c_double() for _ in range(4)]
            left, top, right, bottom = boxes
            size = 2048
            buffer = (ctypes.c_ushort * size)()
            pieces: list[tuple[float, float, float, float, str]] = []
            for k in range(raw.FPDFText_CountRects(textpage, 0, -1)):
                if not raw.FPDFText_GetRect(textpage, k, left, top, right, bottom):
                    continue
                box = (left.value, top.value, right.value, bottom.value)
                got = raw.FPDFText_GetBoundedText(textpage, *box, buffer, size)
                if got >= size:
                    need = raw.FPDFText_GetBoundedText(textpage, *box, None, 0)
                    big = (ctypes.c_ushort * (need + 1))()
                    got = raw.FPDFText_GetBoundedText(textpage, *box, big, need + 1)
                    text = memoryview(big)[:got].tobytes().decode("utf-16-le", "ignore")
                else:
                    text = memoryview(buffer)[:got].tobytes().decode("utf-16-le", "ignore")
                text = text.replace("\r", " ").replace("\n", " ").replace("\x00", "")
                if text.strip():
                    pieces.append((box[0], box[2], box[1], box[3], text))
            return _rows(pieces, index + 1)
        finally:
            raw.FPDFText_ClosePage(textpage)
    finally:
        raw.FPDF_ClosePage(page)



_CELL_SPLIT = re.compile(r"[^ \t]+(?: [^ \t]+)*")
CELL_GAP = 0.9       # a gap wider than this many text heights starts a new cell
WORD_GAP = 0.12      # a gap wider than this many text heights is a space between words


def _rows(pieces: list[tuple[float, float, float, float, str]], number: int) -> list[Line]:
    """Text pieces (x0, x1, top, bottom, text; PDF coordinates, y up) -> rows top to bottom, each a
    Line whose cells are the pieces' runs of words left to right, pieces closer than a word gap
    joined into one cell."""
    pieces = sorted(pieces, key=lambda p: -(p[2] + p[3]))
    rows: list[list[tuple[float, float, float, float, str]]] = []
    centre = height = 0.0
    for p in pieces:
        c, h = (p[2] + p[3]) / 2, max(p[2] - p[3], 1.0)
        if rows and abs(c - centre) <= 0.4 * max(h, height):
            rows[-1].append(p)
        else:
            rows.append([p])
            centre, height = c, h
    out: list[Line] = []
    for row in rows:
        parts: list[tuple[float, float, float, str]] = []        # (x0, x1, height, text) per run
        for x0, x1, top, bottom, text in sorted(row, key=lambda p: p[0]):
            per = (x1 - x0) / max(len(text), 1)
            for m in _CELL_SPLIT.finditer(text):
                parts.append((x0 + m.start() * per, x0 + m.end() * per, top - bottom, m.group(0)))
        parts.sort(key=lambda q: q[0])
        cells: list[list[Any]] = []
        for x0, x1, h, text in parts:
            if cells:
                last = cells[-1]
                gap = x0 - last[1]
                if gap <= CELL_GAP * max(h, last[2]):
                    last[3] += (" " if gap > WORD_GAP * max(h, last[2]) else "") + text
                    last[1] = max(last[1], x1)
                    continue
            cells.append([x0, x1, h, text])
        text = ""
        spans = []
        for x0, x1, _h, t in cells:
            if text:
                text += "   "
            spans.append((len(text), len(text) + len(t), round(x0, 2), round(x1, 2)))
            text += t
        out.append(new_line(text, number, (), tuple(spans)))
    return out



def _render_dpi(page: Any) -> int:
    """OCR_DPI, or an image-only page's own resolution when lower (but at least OCR_MIN_DPI)."""
    import pypdfium2 as pdfium
    from pypdfium2 import raw

    try:
        width_in = page.get_width() / 72
        best = 0
        for obj in page.get_objects(filter=[raw.FPDF_PAGEOBJ_IMAGE], max_depth=1):
            px, _ = obj.get_px_size()
            best = max(best, int(px / width_in))
        if best:
            return max(OCR_MIN_DPI, min(OCR_DPI, best))
    except (pdfium.PdfiumError, AttributeError, ValueError, ZeroDivisionError) as exc:
        log.debug("image resolution unknown (%s); OCR at %d dpi", exc, OCR_DPI)
    return OCR_DPI

