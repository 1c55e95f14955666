"""Decoded OFX text -> ImportResult: the walk over the STMTTRN blocks and the read of each one.

The blocks are found by one scan for ``<STMTTRN>``; a block ends at ``</STMTTRN`` or, when the close
tag is missing, at the next structural tag. Only the text around blocks (statement headers, balances,
the gaps after close tags that hold more tags) goes to the structure scanner, so the cost per
transaction is a handful of C-level string operations plus the record.

Inside a block every ``<TAG>value`` pair is taken, the value running to the next ``<``: an empty leaf
(``<NAME></STMTTRN>`` or ``<NAME>`` then ``<MEMO>``) is an empty value, closing tags are optional, a
value may sit on the next line. Dates are the first 8 digits of ``DTPOSTED`` (no time-zone
conversion); amounts are Decimals exactly as written (comma decimals read as ``.``, ``-0`` is 0). A
transaction without a usable date or amount is a problem that rejects the file, naming it (number,
FITID) and its line.

This is the hot path (100k transactions in well under a second): repeated values are cached per file,
DTPOSTED by its raw text and by its first 8 characters (the date is read from those alone), NAME and
TRNTYPE by their raw text (payees repeat; memos and FITIDs rarely do, so they are not cached). The
caches by raw text stop growing at _CACHE_MAX values (unique timestamps or payees).
"""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from recon.importers.base import CONTROL, damaged_layout_error, damaged_note, has_control, squash
from recon.importers.ofx.scan import StructureScanner, has_mixed_case_tags
from recon.importers.ofx.statement import Document, Statement
from recon.importers.ofx.values import (
    LEAF,
    leaf_text,
    leaf_text_fast,
    parse_date8,
    parse_odd_amount,
    parse_plain_amount,
    squash_text,
    unescape,
)
from recon.model import BankRecord, ImportResult, Source, fast_constructor

_TRN_OPEN = re.compile(r"<STMTTRN\s*/?>")
_TRN_OPEN_I = re.compile(r"<STMTTRN\s*/?>", re.IGNORECASE)
_TRN_CLOSE_I = re.compile(r"</STMTTRN\s*>", re.IGNORECASE)
_CACHE_MAX = 4096  # distinct raw values kept per cache (DTPOSTED, NAME, TRNTYPE) while a file is read

_new_record = fast_constructor(BankRecord)
_new_source = fast_constructor(Source)


def read_statements(text: str, display: str, nl: str) -> ImportResult:
    """Decoded OFX text (comments and CDATA already stripped) -> ImportResult; ParseError if unreadable."""
    if has_control(text):
        _check_structure(text, display, nl)
    doc = Document(text, display)
    mixed = has_mixed_case_tags(text)
    _TransactionReader(doc, StructureScanner(doc, nl, mixed), nl, mixed).walk()
    return doc.result()


def _check_structure(text: str, display: str, nl: str) -> None:
    """A control character outside the transaction blocks (in the header, the account, the balances:
    what every transaction is read with) rejects the file, naming the line. One inside a block only
    leaves that block out (see walk); NULs after the document or at a line's end are padding.
    Linear: a control character inside a block moves the search past that block's end."""
    end = text.upper().rfind("</OFX>")
    m = CONTROL.search(text)
    while m is not None:
        p = m.start()
        if 0 <= end < p:
            return
        if m.group() == "\x00" and text[p + 1:p + 2] in ("", "\r", "\n", "\x00"):
            m = CONTROL.search(text, p + 1)
            continue
        opened = text.rfind("<STMTTRN>", 0, p)
        if opened > text.rfind("</STMTTRN>", 0, p):
            close = text.find("</STMTTRN>", p)
            m = CONTROL.search(text, close) if close >= 0 else None
            continue
        raise damaged_layout_error(text.count(nl, 0, p) + 1, m.group(), display)


class _TransactionReader:
    """The walk over one file's STMTTRN blocks, with the per-file value caches."""

    def __init__(self, doc: Document, scanner: StructureScanner, nl: str, mixed: bool) -> None:
        self.doc = doc
        self.scanner = scanner
        self.nl = nl
        self.mixed = mixed
        self.display = doc.display
        self.dates: dict[str, date | None] = {}         # raw DTPOSTED -> date (None: not a date)
        self.dates8: dict[str, date | None] = {}        # its stripped first 8 characters -> date or None
        self.names: dict[str, tuple[str, str]] = {}     # raw NAME -> (payee, payee squashed)
        self.trntypes: dict[str, str | None] = {}       # raw TRNTYPE -> TRNTYPE (one string object per value)

    def walk(self) -> None:
        """Every STMTTRN block in file order, the structure between them scanned as it comes."""
        doc, scan, nl = self.doc, self.scanner.scan, self.nl
        text = doc.text
        n = len(text)
        trn_iter = (_TRN_OPEN_I if self.mixed else _TRN_OPEN).finditer(text)
        m = next(trn_iter, None)
        line = scan(0, m.start() if m else n, 1)
        struct_search = self.scanner.struct.search
        close_search = _TRN_CLOSE_I.search if self.mixed else None
        find, count, leaves = text.find, text.count, LEAF.findall
        mixed, read, notes = self.mixed, self.read_transaction, doc.notes
        n_trn = 0  # STMTTRN blocks in file order (numbers in messages)
        damaged = has_control(text)  # bytes no export holds: the blocks that hold them are not read
        # "while True" on purpose: CPython 3.11 specialises ("quickens") a code object after a few calls
        # or JUMP_BACKWARDs, and "while m is not None:" compiles to a conditional backward jump that
        # does not count, so this loop, run once per file, would stay unspecialised.
        while True:
            if m is None:
                break
            at = line
            body_start = m.end()
            nm = next(trn_iter, None)
            piece_end = nm.start() if nm is not None else n
            if close_search is None:
                e = find("</STMTTRN>", body_start, piece_end)
            else:
                mc = close_search(text, body_start, piece_end)
                e = mc.start() if mc else -1
            cut = False
            if e < 0:  # no close tag: the block ends at the next structural tag
                ms = struct_search(text, body_start, piece_end)
                e = ms.start() if ms else piece_end
                cut = ms is None and nm is None   # ... or the file ends inside it
            n_trn += 1
            st = doc.cur
            if st is None:
                notes.append(f"STMTTRN #{n_trn} (line {at}) is outside any bank or card statement: not read")
            elif st.kind == "investment":
                n_trn -= 1  # an INVBANKTRAN's STMTTRN: counted with the investment transactions
            elif cut:
                notes.append(f"line {at}: the file ends inside this transaction (STMTTRN #{n_trn}, no "
                             "</STMTTRN>): not read, the file may be cut off")
            elif damaged and has_control(text[body_start:e]):
                notes.append(damaged_note(at, text[body_start:e]) + f" (STMTTRN #{n_trn})")
            else:
                st.n_trn += 1
                if mixed:
                    read({t.upper(): v for t, v in leaves(text, body_start, e)}, st, at, n_trn)
                else:
                    read(dict(leaves(text, body_start, e)), st, at, n_trn)
            if e < piece_end and find("<", e + 1, piece_end) >= 0:
                line = scan(e, piece_end, line + count(nl, m.start(), e))
            else:
                line += count(nl, m.start(), piece_end)
            m = nm
        doc.end_statement(n)

    def read_transaction(self, d: dict[str, str], st: Statement, at: int, n_trn: int) -> None:
        """One STMTTRN's leaves -> its FITID, date and amount, then its record (or a problem noted)."""
        fitid = d.get("FITID")
        if fitid is not None:
            fitid = fitid.strip()
            if "&" in fitid:
                fitid = unescape(fitid)
            if not fitid.isprintable() and ("\n" in fitid or "\r" in fitid or "\t" in fitid):
                fitid = squash(fitid)
            fitid = fitid or None
        raw = d.get("DTPOSTED")
        dates = self.dates
        dt = dates.get(raw)  # type: ignore[arg-type]
        if dt is None and raw is not None:
            d8 = raw.strip()[:8]
            dates8 = self.dates8
            dt = dates8.get(d8)
            if dt is None:
                dt = dates8[d8] = parse_date8(d8)
            if len(dates) < _CACHE_MAX:
                dates[raw] = dt
        raw_amt = d.get("TRNAMT")
        amount: Decimal | None = None
        if raw_amt is not None:
            a = raw_amt.strip()
            if "," in a:
                a = a.replace(",", ".")
            # Plain "[+-]digits[.digits]" (str tests are cheaper than a regex); others go the slow way.
            if (a[1:] if a[:1] in "+-" else a).replace(".", "", 1).isdecimal():
                amount = Decimal(a)
                if not amount:
                    amount = abs(amount)  # "-0" and "-0.00" are zero
        if dt is None or amount is None:
            amount = self.explain_bad_fields(raw, raw_amt, n_trn, fitid, at)
            if dt is None or amount is None:
                return
        self.add_record(d, st, at, fitid, dt, amount, n_trn)

    def add_record(self, d: dict[str, str], st: Statement, at: int, fitid: str | None, dt: date,
                   amount: Decimal, n_trn: int) -> None:
        """The text fields of one STMTTRN -> its BankRecord, appended to the statement (and its correction)."""
        v = d.get("NAME")
        names = self.names
        nc = names.get(v)  # type: ignore[arg-type]
        if nc is None:
            name = v.strip() if v else ""
            if "&" in name:
                name = leaf_text_fast(name)
            nc = (name, squash_text(name))
            if v is not None and len(names) < _CACHE_MAX:
                names[v] = nc
        name, sn = nc
        v = d.get("MEMO")
        if v:
            memo = v.strip()
            if "&" in memo:
                memo = leaf_text_fast(memo)
        else:
            memo = ""
        if memo:
            sm = squash_text(memo)
            desc = sm if sm.startswith(sn) else sn + " " + sm  # no NAME: sn is "", desc is sm
        else:
            desc = sn
        check = d.get("CHECKNUM")
        if check is not None:
            check = leaf_text_fast(check)
            if not check.strip("0"):
                check = None
        v = d.get("TRNTYPE")
        if v is None:
            trntype = None
        else:
            trntypes = self.trntypes
            trntype = trntypes.get(v, v)
            if trntype is v and len(trntypes) < _CACHE_MAX:
                trntype = trntypes[v] = v.strip() or None
            elif trntype is v:
                trntype = v.strip() or None
        records = st.records
        # Positional, in the field order of recon.model (see recon.model.fast_constructor).
        records.append(_new_record(_new_source(self.display, at, None, fitid), dt, amount, desc,  # type: ignore[misc]
                                   st.account, name, memo, check, trntype, fitid))
        action = d.get("CORRECTACTION")
        if action is not None:
            st.corrections.append((len(records) - 1, leaf_text(action).upper(),
                                   leaf_text(d.get("CORRECTFITID")) or None, n_trn))

    def explain_bad_fields(self, raw_date: str | None, raw_amt: str | None, n_trn: int, fitid: str | None,
                           line: int) -> Decimal | None:
        """Explain a transaction whose DTPOSTED or TRNAMT is not plain; the amount if it is usable."""
        bad: list[str] = []
        where = f"STMTTRN #{n_trn}" + (f" (FITID {fitid})" if fitid else "") + f", line {line}"
        if raw_date is None:
            bad.append("no DTPOSTED")
        else:
            ds = raw_date.strip()
            if parse_date8(ds) is None:
                bad.append("empty DTPOSTED" if not ds else f"DTPOSTED {ds!r} is not a valid date (YYYYMMDD...)")
        amount: Decimal | None = None
        if raw_amt is None:
            bad.append("no TRNAMT")
        else:
            a = raw_amt.strip()
            amount = parse_plain_amount(a)
            if amount is None:
                amount = parse_odd_amount(leaf_text(a), where, bad, self.doc.notes)
        if bad:
            self.doc.problems.append((line, f"{where}: " + ", ".join(bad)))
            return None
        return amount
