"""Health Connector bill PDFs -> Bill records (one per bill, however many a file holds).

Input: a PDF file (text layer, or image-only scans: OCR'd with tesseract). Output: ImportResult with
kind "bill_pdf", one `Bill` per bill in page order (Source.page = the bill's first page, 1-based)
and notes (pages OCR'd, bills that could not be read, every bill warning with its page).

Stages: bytes -> per-page lines (pypdfium2 text, ~1-2 ms a page; OCR for a page without text),
cached by content hash in a ParseCache -> fields per page (recon.bills.fields, the vocabulary) ->
pages grouped into bills at each new statement (a statement header with a new billing account and
bill date, or a header after a finished coupon) -> Bill values -> recon.bills.validate warnings.

pdfplumber is not used: word positions are not needed, because the field finder reads labels and
values in text order (two columns come out of pdfium on one line, in reading order), and
pdfplumber costs ~50 ms a page against pdfium's ~2 ms.

Rejections (InputError): "PDF is encrypted (password protected)", "PDF is corrupt or truncated:
<detail>", "not a Health Connector bill (no billing account number or Connector name found)".
"""
from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from recon.bills.fields import Found, Hit, Line, Vocabulary, _new_line, find_fields, load_vocabulary
from recon.bills.validate import INCONSISTENT, OCR_CONFIDENCE_MIN, UNREAD_LINES, low_confidence, validate_bill
from recon.cache import ParseCache, bytes_key
from recon.dates import coverage_month_for_bill, parse_month
from recon.errors import InputError, MissingField, ParseError, UnknownFormat
from recon.model import Bill, ImportResult, Source

log = logging.getLogger(__name__)

PARSER_VERSION = "bill_pdf/2"
OCR_DPI = 300                  # render scale for OCR; image-only pages are rendered at their own
OCR_MIN_DPI = 200              # resolution when it is lower (more pixels add nothing, cost time)
MIN_TEXT_CHARS = 20            # a text layer with fewer non-space characters counts as none
PDF_MAGIC_WINDOW = 1024        # "%PDF-" may follow junk bytes within the first 1 KiB
EOF_WINDOW = 2048              # "%%EOF" must be within the last 2 KiB (else truncated)

NOT_A_BILL = "not a Health Connector bill (no billing account number or Connector name found)"
ENCRYPTED = "PDF is encrypted (password protected)"
CORRUPT = "PDF is corrupt or truncated"
UNREADABLE_PAGE = "unreadable (no text could be read from the page); not part of any bill"
LETTER = "a Connector letter or notice, not a bill (no amount due, payment coupon or coverage month)"

REQUIRED = ("billing_account", "bill_date", "due_date", "coverage_month", "amount_due")
OPTIONAL = ("enrollment_id", "subscriber_id", "plan", "plan_name", "carrier", "subscriber_name",
            "members", "previous_balance", "payments_received", "adjustments", "premium",
            "tax_credit", "state_subsidy", "current_charges")
_BARE_ACCOUNT = re.compile(r"(?<![\d-])7\d{8}(?![\d-])")
_BARE_REFID = re.compile(r"\bRef\s?[I1l|]D_?(\d{6,})\b", re.IGNORECASE)


@dataclass
class PageText:
    number: int                  # 1-based
    lines: list[Line]
    ocr: bool = False


@dataclass
class _PageFields:
    page: PageText
    found: Found
    coupon_from: int             # first coupon line (len(lines) when none)


@dataclass
class _BillPages:
    pages: list[_PageFields] = field(default_factory=list)
    key: tuple[Any, Any] | None = None

    @property
    def has_coupon(self) -> bool:
        return any(p.coupon_from < len(p.page.lines) for p in self.pages)


class PagedBillImporter:
    """What every bill importer shares: file bytes -> per-page lines (cached by content hash) ->
    bills through read_bills. Subclasses say how bytes become pages (`_extract_pages`) and what,
    besides the bytes, the cached result depends on (`_salt`)."""

    kind = "bill_pdf"

    def __init__(self, cache: ParseCache | None = None, vocabulary: Vocabulary | None = None) -> None:
        self.cache = cache
        self.vocabulary = vocabulary

    def extract(self, path: Path, display: str) -> ImportResult:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read file: {exc.strerror or exc}", path=display) from exc
        pages, notes = self.read_pages(data, display)
        return read_bills(pages, display, self.vocabulary or load_vocabulary(), notes)

    def _salt(self) -> str:
        raise NotImplementedError

    def _extract_pages(self, data: bytes, display: str) -> tuple[list[PageText], list[str]]:
        raise NotImplementedError

    def read_pages(self, data: bytes, display: str) -> tuple[list[PageText], list[str]]:
        """Bytes -> per-page lines and notes, from the cache when the same bytes were read before."""
        key = bytes_key(data, self._salt()) if self.cache else None
        if self.cache and key:
            cached = self.cache.get(key)
            if cached is not None:
                try:
                    return _pages_from_json(cached)
                except (ValueError, KeyError, TypeError):
                    log.warning("ignoring unreadable cache entry %s", key)
        pages, notes = self._extract_pages(data, display)
        if self.cache and key:
            self.cache.put(key, _pages_to_json(pages, notes))
        return pages, notes


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
        from recon.bills.ocr import ocr_settings
        return f"{PARSER_VERSION};ocr={self.ocr};{ocr_settings()};dpi={OCR_DPI}/{OCR_MIN_DPI}"

    def _extract_pages(self, data: bytes, display: str) -> tuple[list[PageText], list[str]]:
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
        try:
            for i in range(raw.FPDF_GetPageCount(doc)):
                try:
                    lines = _page_rows(doc, i)
                except pdfium.PdfiumError as exc:
                    raise ParseError(f"{CORRUPT}: page {i + 1}: {exc}", path=display, page=i + 1) from exc
                if _has_text("".join(ln.text for ln in lines)):
                    pages.append(PageText(i + 1, lines))
                elif self.ocr:
                    if helper is None:
                        helper = pdfium.PdfDocument(data)
                    page = helper[i]
                    pages.append(self._ocr_page(page, i + 1, notes))
                    page.close()
                else:
                    notes.append(f"page {i + 1}: no text layer (OCR disabled); page skipped")
                    pages.append(PageText(i + 1, []))
        finally:
            if helper is not None:
                helper.close()
            raw.FPDF_CloseDocument(doc)
        return pages, notes

    def _ocr_page(self, page: Any, number: int, notes: list[str]) -> PageText:
        from recon.bills.ocr import OcrUnavailable, read_page_image

        dpi = _render_dpi(page)
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
        out.append(_new_line(text, number, (), tuple(spans)))
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


def _pages_to_json(pages: list[PageText], notes: list[str]) -> bytes:
    return json.dumps({
        "version": PARSER_VERSION,
        "notes": notes,
        "pages": [{"n": p.number, "ocr": p.ocr,
                   "lines": [[ln.text, [list(w) for w in ln.words], [list(c) for c in ln.cells]]
                             for ln in p.lines]} for p in pages],
    }, separators=(",", ":")).encode("utf-8")


def _pages_from_json(data: bytes) -> tuple[list[PageText], list[str]]:
    obj = json.loads(data)
    if obj.get("version") != PARSER_VERSION:
        raise ValueError("cache version")
    pages = [PageText(p["n"], [Line(t, p["n"], tuple((int(s), int(e), float(c)) for s, e, c in w),
                                    tuple((int(s), int(e), float(a), float(b)) for s, e, a, b in cells))
                               for t, w, cells in p["lines"]], p["ocr"]) for p in obj["pages"]]
    return pages, list(obj["notes"])


# ---------------------------------------------------------------- pages -> bills

def read_bills(pages: list[PageText], display: str, vocab: Vocabulary | None = None,
               notes: list[str] | None = None) -> ImportResult:
    """Per-page lines -> ImportResult (pure: no PDF library; tests feed text fixtures here)."""
    vocab = vocab or load_vocabulary()
    notes = list(notes or [])
    per_page = []
    for p in pages:
        found = find_fields(p.lines, vocab)
        coupon = found.markers.get("coupon_marker")
        per_page.append(_PageFields(p, found, coupon[0] if coupon else len(p.lines)))
    if not any(pf.found.markers.get("connector_name") for pf in per_page):
        raise UnknownFormat(NOT_A_BILL, path=display)

    groups: list[_BillPages] = []
    broken = False                   # the page before could not be read: nothing continues past it
    letters: list[int] = []
    for pf in per_page:
        if not pf.page.lines:
            notes.append(f"page {pf.page.number}: {UNREADABLE_PAGE}")
            broken = True
            continue
        if _is_letter(pf):
            notes.append(f"page {pf.page.number}: {LETTER}")
            letters.append(pf.page.number)
            broken = True
            continue
        acct = _first(pf, "billing_account", coupon=False)
        bdate = _first(pf, "bill_date", coupon=False)
        header = bool(pf.found.markers.get("statement_header"))
        key = (acct.value if acct else None, bdate.value if bdate else None)
        cur = groups[-1] if groups else None
        starts = (cur is None or broken
                  or (acct is not None and bdate is not None and key != cur.key)
                  or (header and cur.has_coupon and bdate is not None))
        broken = False
        if starts:
            groups.append(_BillPages([pf], key))
        else:
            cur.pages.append(pf)  # type: ignore[union-attr]
            if cur.key and cur.key[0] is None and acct is not None:  # type: ignore[union-attr]
                cur.key = (acct.value, cur.key[1])  # type: ignore[union-attr]

    bills: list[Bill] = []
    for g in groups:
        try:
            bill = _build_bill(g, display)
        except MissingField as exc:
            notes.append(f"page {g.pages[0].page.number}: {exc.message}")
            continue
        bills.append(bill)
        notes.extend(f"page {bill.source.page}: {w}" for w in bill.warnings)
    if not bills:
        if not any(_first(pf, "billing_account", coupon=None) for pf in per_page) and not letters:
            raise UnknownFormat(NOT_A_BILL, path=display)
        if letters and not groups:
            raise UnknownFormat(f"not a Health Connector bill: {LETTER}", path=display)
        raise MissingField("no complete bill found: " + "; ".join(notes), path=display)
    return ImportResult(kind="bill_pdf", bills=tuple(bills), notes=tuple(notes))


def _is_letter(pf: _PageFields) -> bool:
    """A Connector page that is no part of a bill: a letter or notice (a premium change, a past-due
    warning) shows no amount due, no payment coupon, no coverage month, no statement heading and
    no itemised payments."""
    f = pf.found
    return not (f.hits.get("amount_due") or f.hits.get("coverage_month") or f.payment_items
                or f.markers.get("coupon_marker") or f.markers.get("statement_header"))


def _first(pf: _PageFields, name: str, coupon: bool | None) -> Hit | None:
    """First hit of ``name`` on a page: statement part (coupon=False), coupon (True) or either (None)."""
    for h in pf.found.hits.get(name, ()):
        in_coupon = h.line >= pf.coupon_from
        if coupon is None or in_coupon == coupon:
            return h
    return None


def _build_bill(g: _BillPages, display: str) -> Bill:
    first_page = g.pages[0].page.number
    values: dict[str, Any] = {}
    where: dict[str, tuple[_PageFields, Hit]] = {}
    repeats: dict[str, list[Any]] = {}
    coupon: dict[str, Any] = {}
    coupon_where: dict[str, tuple[_PageFields, Hit]] = {}
    for pf in g.pages:
        for name, hits in pf.found.hits.items():
            for h in hits:
                if h.line >= pf.coupon_from:
                    if name not in coupon:
                        coupon[name] = h.value
                        coupon_where[name] = (pf, h)
                elif name not in values:
                    values[name] = h.value
                    where[name] = (pf, h)
                else:
                    repeats.setdefault(name, []).append(h.value)
    warnings: list[str] = []
    any_ocr = any(pf.page.ocr for pf in g.pages)

    # Required fields: from the statement, else the coupon, else the monthly cycle (with a warning).
    for name in ("billing_account", "amount_due", "due_date"):
        if name not in values and name in coupon:
            values[name] = coupon[name]
            where[name] = coupon_where[name]
            warnings.append(f"{name} not found on the statement; read from the coupon")
    if "billing_account" not in values:
        text = "\n".join(ln.text for pf in g.pages for ln in pf.page.lines)
        m = _BARE_ACCOUNT.search(text)
        if not m:
            raise MissingField("no billing account number found for the bill", path=display,
                               page=first_page)
        values["billing_account"] = m.group(0)
        warnings.append(f"billing_account {m.group(0)} found by its pattern, without a label")
    if "enrollment_id" not in values:
        text = "\n".join(ln.text for pf in g.pages for ln in pf.page.lines)
        m = _BARE_REFID.search(text)
        if m:
            values["enrollment_id"] = f"RefID_{m.group(1)}"
    if "bill_date" not in values and "coverage_month" in values:
        cm = parse_month(values["coverage_month"])
        prev = date(cm.year - 1, 12, 1) if cm.month == 1 else date(cm.year, cm.month - 1, 1)
        values["bill_date"] = prev
        warnings.append(f"bill_date not found; assumed {prev.isoformat()} (1st of the month before coverage)")
    if "bill_date" not in values:
        raise MissingField("no bill date found for the bill", path=display, page=first_page)
    bd: date = values["bill_date"]
    if "coverage_month" not in values:
        values["coverage_month"] = coverage_month_for_bill(bd)
        warnings.append(f"coverage_month not found; assumed {values['coverage_month']} (month after the bill date)")
    if "due_date" not in values:
        values["due_date"] = bd.replace(day=23)
        warnings.append(f"due_date not found; assumed {values['due_date'].isoformat()} (23rd of the bill month)")
    _split_subsidy(values, where, repeats, warnings)
    unread = {h.field for pf in g.pages for h in pf.found.misses if h.line < pf.coupon_from}
    unlabelled = [(label, amount) for pf in g.pages for line, label, amount in pf.found.unread_money
                  if line < pf.coupon_from and amount]
    derived = _derive(values, unread, warnings, unlabelled)
    if "amount_due" not in values:
        raise MissingField("no amount due found for the bill", path=display, page=first_page)

    # Itemised payments and AutoPay wording (statement part only).
    items = []
    autopay: bool | None = None
    for pf in g.pages:
        items.extend(p for p, line in pf.found.payment_items if line < pf.coupon_from)
        if any(i < pf.coupon_from for i in pf.found.markers.get("autopay_off", ())):
            autopay = False
        elif autopay is None and any(i < pf.coupon_from for i in pf.found.markers.get("autopay_on", ())):
            autopay = True

    # OCR confidence per field (0-100 in messages; Bill.confidence holds 0-1).
    conf: dict[str, float] = {}
    if any_ocr:
        from recon.bills.ocr import span_confidence

        for prefix, table in (("", where), ("coupon.", coupon_where)):
            for name, (pf, h) in table.items():
                if not pf.page.ocr:
                    continue
                c = span_confidence(pf.page.lines[h.line], h.start, h.end)
                if c is not None:
                    conf[prefix + name] = c
        for name, c in low_confidence(conf, sorted(conf)):
            if name.startswith("coupon."):
                continue
            warnings.append(f"reading uncertain: OCR confidence {c:.0f} on {name} "
                            f"(read as {_show(values.get(name))}; threshold {OCR_CONFIDENCE_MIN:.0f})")

    bill = Bill(
        source=Source(path=display, page=first_page),
        billing_account=values["billing_account"],
        bill_date=bd,
        due_date=values["due_date"],
        coverage_month=values["coverage_month"],
        amount_due=values["amount_due"],
        payment_items=tuple(items),
        autopay=autopay,
        confidence=tuple(sorted((k, round(v / 100.0, 4)) for k, v in conf.items())),
        derived=derived,
        **{k: values.get(k) for k in OPTIONAL if k != "members"},
        members=tuple(values.get("members") or ()),
        warnings=tuple(warnings),
    )
    warnings.extend(validate_bill(bill, coupon=coupon, repeats=repeats, confidence=conf))
    return _replace_warnings(bill, tuple(dict.fromkeys(warnings)))


ARITHMETIC = ("previous_balance", "payments_received", "adjustments", "current_charges", "amount_due")


def _split_subsidy(values: dict[str, Any], where: dict[str, Any], repeats: dict[str, list[Any]],
                   warnings: list[str]) -> None:
    """A subsidy total ("Total Subsidy", or a subsidy of no stated kind) -> the part of it not shown
    as tax credit or state subsidy (the state subsidy when neither is shown); both shown and a total
    that differs from their sum is a warning."""
    repeats.pop("subsidy_total", None)
    total = values.pop("subsidy_total", None)
    at = where.pop("subsidy_total", None)
    if total is None:
        return
    tc, ss = values.get("tax_credit"), values.get("state_subsidy")
    if tc is not None and ss is not None:
        if tc + ss != total:
            warnings.append(f"{INCONSISTENT}: tax credit {tc:.2f} + state subsidy {ss:.2f} = {tc + ss:.2f} "
                            f"but the subsidy total shows {total:.2f} (fields: tax_credit, state_subsidy)")
        return
    name, rest = ("state_subsidy", total - (tc or 0)) if ss is None else ("tax_credit", total - ss)
    if rest < 0:
        warnings.append(f"{INCONSISTENT}: the subsidy total {total:.2f} is less than the part shown "
                        f"({(tc if ss is None else ss):.2f})")
        return
    if rest or (tc is None and ss is None):
        values[name] = rest
        if at is not None:
            where[name] = at


def _derive(values: dict[str, Any], unread: set[str], warnings: list[str],
            unlabelled: list[tuple[str, Decimal]] = ()) -> tuple[str, ...]:  # type: ignore[assignment]
    """The bill's own arithmetic, previous balance - payments received + adjustments + charges =
    amount due, fills the one figure that could not be read when every other is known; a figure
    that stays unknown is named in a warning (never taken as 0). Adjustments the bill does not print
    at all count as none; charges are the current charges, else premium less subsidies.

    ``unlabelled``: the bill's amount lines whose label is no vocabulary wording (label, amount).
    They are not taken as 0 where they matter: a missing figure (other than the charges) is derived
    only when one of them shows it; when every figure was read and the arithmetic does not hold,
    the current charges are taken from the arithmetic (what the bill asks for the month, which the
    matcher charges) and the bill carries an UNREAD_LINES warning naming them, so that the gap is
    not reported as a discrepancy. Only a bill whose every amount line was read has its gap checked.
    Returns the names of the derived fields (Bill.derived)."""
    shown_lines = "; ".join(f'"{label}" {amount:.2f}' for label, amount in unlabelled)
    charges = values.get("current_charges")
    if charges is None and values.get("premium") is not None:
        charges = values["premium"] - (values.get("tax_credit") or 0) - (values.get("state_subsidy") or 0)
    terms: dict[str, Decimal | None] = {
        "previous_balance": values.get("previous_balance"), "payments_received": values.get("payments_received"),
        "adjustments": values.get("adjustments"), "current_charges": charges, "amount_due": values.get("amount_due")}
    if terms["adjustments"] is None and "adjustments" not in unread:
        terms["adjustments"] = Decimal(0)
    unknown = [k for k, v in terms.items() if v is None]
    shown = [k for k in unknown if k in unread or k == "amount_due"]
    if len(unknown) == 1:
        name = unknown[0]
        pb, pr, adj, ch, due = (terms[k] for k in ARITHMETIC)
        if name == "previous_balance":
            value = due + pr - adj - ch   # type: ignore[operator]
        elif name == "payments_received":
            value = pb + adj + ch - due   # type: ignore[operator]
        elif name == "adjustments":
            value = due - pb + pr - ch    # type: ignore[operator]
        elif name == "current_charges":
            value = due - pb + pr - adj   # type: ignore[operator]
        else:
            value = pb - pr + adj + ch    # type: ignore[operator]
        printed = None
        if unlabelled and name != "current_charges":
            printed = next((label for label, amount in unlabelled if abs(amount) == abs(value)), None)
        if (printed is not None or not unlabelled or name == "current_charges") \
                and (name != "payments_received" or value >= 0):
            values[name] = value
            warnings.append(f"{name} derived from the bill's arithmetic "
                            "(previous balance - payments received + adjustments + charges = amount due)"
                            + (f'; printed as "{printed}"' if printed else ""))
            if unlabelled and printed is None:
                warnings.append(f"{UNREAD_LINES}: {shown_lines} (labels not recognised; part of the "
                                f"derived {name})")
            return (name,)
    elif not unknown and unlabelled:
        pb, pr, adj, ch, due = (terms[k] for k in ARITHMETIC)
        expected = pb - pr + adj + ch     # type: ignore[operator]
        gap = due - expected              # type: ignore[operator]
        if gap and not (expected < 0 and due == 0):     # a credit shown as $0.00 due is no gap
            cc = due - pb + pr - adj      # type: ignore[operator]
            was = values.get("current_charges")
            values["current_charges"] = cc
            warnings.append(
                f"{UNREAD_LINES}: {shown_lines} (labels not recognised); without them the bill's arithmetic "
                f"is off by {gap:.2f}, so current_charges is taken from it as {cc:.2f} (amount due - previous "
                "balance + payments received - adjustments)"
                + (f"; current charges printed as {was:.2f}" if was is not None else ""))
            return ("current_charges",)
        return ()
    if unlabelled:
        warnings.append(f"{UNREAD_LINES}: {shown_lines} (labels not recognised); the bill's arithmetic "
                        "cannot be checked")
    for name in shown:
        if name in unread:
            warnings.append(f"{name} could not be read (its label is on the bill; the value is unreadable "
                            "or ambiguous)")
    return ()


def _replace_warnings(bill: Bill, warnings: tuple[str, ...]) -> Bill:
    from dataclasses import replace

    if warnings == bill.warnings:   # none (the usual case): the same bill, without a copy
        return bill
    return replace(bill, warnings=warnings)


def _show(v: Any) -> str:
    if isinstance(v, Decimal):
        return f"{v:.2f}"
    if isinstance(v, date):
        return v.isoformat()
    return str(v)


__all__ = ["BillPdfImporter", "PageText", "read_bills"]
