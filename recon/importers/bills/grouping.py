"""Pages -> bills: the field finder on every page, pages grouped into bills, letters and unreadable
pages set aside, each group built into a Bill.

Input: a file's `PageText` list (text fixtures in tests, pdf.py, image.py). Output: ImportResult of
kind "bill_pdf", one `Bill` per bill in page order (Source.page = the bill's first page, 1-based),
and notes (pages OCR'd, bills that could not be read, every bill warning with its page).

A new bill starts at each new statement: a statement header with a new billing account and bill
date, or a header after a finished coupon. A page that could not be read, or a Connector letter (no
amount due, coupon, coverage month, statement heading or itemised payment), is part of no bill and
ends the bill before it.

Rejections: UnknownFormat "not a Health Connector bill (no billing account number or Connector name
found)" (or "...: a Connector letter or notice ..."), MissingField "no complete bill found: ...".
Pure: no PDF library.
"""
from __future__ import annotations

from recon.errors import MissingField, UnknownFormat
from recon.importers.bills.build import build_bill
from recon.importers.bills.finder import find_fields
from recon.importers.bills.lines import Hit
from recon.importers.bills.pages import BillPages, PageFields, PageText
from recon.importers.bills.vocabulary import Vocabulary, load_vocabulary
from recon.model import Bill, ImportResult

NOT_A_BILL = "not a Health Connector bill (no billing account number or Connector name found)"
UNREADABLE_PAGE = "unreadable (no text could be read from the page); not part of any bill"
LETTER = "a Connector letter or notice, not a bill (no amount due, payment coupon or coverage month)"


def read_bills(pages: list[PageText], display: str, vocab: Vocabulary | None = None,
               notes: list[str] | None = None) -> ImportResult:
    """Per-page lines -> ImportResult (pure: no PDF library; tests feed text fixtures here)."""
    vocab = vocab or load_vocabulary()
    notes = list(notes or [])
    per_page = [_page_fields(p, vocab) for p in pages]
    if not any(pf.found.markers.get("connector_name") for pf in per_page):
        raise UnknownFormat(NOT_A_BILL, path=display)
    groups, letters = _group_pages(per_page, notes)
    bills = _build_bills(groups, display, notes)
    if not bills:
        if not any(_first(pf, "billing_account", coupon=None) for pf in per_page) and not letters:
            raise UnknownFormat(NOT_A_BILL, path=display)
        if letters and not groups:
            raise UnknownFormat(f"not a Health Connector bill: {LETTER}", path=display)
        raise MissingField("no complete bill found: " + "; ".join(notes), path=display)
    return ImportResult(kind="bill_pdf", bills=tuple(bills), notes=tuple(notes))


def _page_fields(page: PageText, vocab: Vocabulary) -> PageFields:
    found = find_fields(page.lines, vocab)
    coupon = found.markers.get("coupon_marker")
    return PageFields(page, found, coupon[0] if coupon else len(page.lines))


def _group_pages(per_page: list[PageFields], notes: list[str]) -> tuple[list[BillPages], list[int]]:
    """Pages -> the pages of each bill, and the page numbers of letters (noted, like unreadable pages)."""
    groups: list[BillPages] = []
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
            groups.append(BillPages([pf], key))
        else:
            cur.pages.append(pf)  # type: ignore[union-attr]
            if cur.key and cur.key[0] is None and acct is not None:  # type: ignore[union-attr]
                cur.key = (acct.value, cur.key[1])  # type: ignore[union-attr]
    return groups, letters


def _build_bills(groups: list[BillPages], display: str, notes: list[str]) -> list[Bill]:
    """Each group -> a Bill (a group missing a required field is noted, not built); warnings noted."""
    bills: list[Bill] = []
    for g in groups:
        try:
            bill = build_bill(g, display)
        except MissingField as exc:
            notes.append(f"page {g.pages[0].page.number}: {exc.message}")
            continue
        bills.append(bill)
        notes.extend(f"page {bill.source.page}: {w}" for w in bill.warnings)
    return bills


def _is_letter(pf: PageFields) -> bool:
    """A Connector page that is no part of a bill: a letter or notice (a premium change, a past-due
    warning) shows no amount due, no payment coupon, no coverage month, no statement heading and
    no itemised payments."""
    f = pf.found
    return not (f.hits.get("amount_due") or f.hits.get("coverage_month") or f.payment_items
                or f.markers.get("coupon_marker") or f.markers.get("statement_header"))


def _first(pf: PageFields, name: str, coupon: bool | None) -> Hit | None:
    """First hit of ``name`` on a page: statement part (coupon=False), coupon (True) or either (None)."""
    for h in pf.found.hits.get(name, ()):
        in_coupon = h.line >= pf.coupon_from
        if coupon is None or in_coupon == coupon:
            return h
    return None
