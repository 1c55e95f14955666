"""OFX / QFX / QBO export (bytes on disk) -> ImportResult of BankRecords, StatementBalances and notes.

One reader for OFX 1.x SGML and OFX 2.x XML (QFX and QBO are OFX with vendor tags). It does not use
an SGML or XML parser: real exports break both (unclosed leaves, empty leaves, tags left open, raw
``&``, bytes after ``</OFX>``, wrong encoding declarations; see ../shared/corpus/README.md). Instead it
makes one linear pass:

1. Structure: one regex scan over the few aggregate tags that matter (``OFX``, ``STMTRS``, ``CCSTMTRS``,
   ``INVSTMTRS``, ``STMTTRN``, ``BANKTRANLIST``, ``LEDGERBAL``, ``AVAILBAL``, ``BANKACCTFROM``,
   ``CCACCTFROM``, ``STATUS`` ...). Every other tag is a leaf or a small aggregate whose leaves are read
   from the text between two structural tags.
2. Leaves: inside one such span every ``<TAG>value`` pair is taken, the value running to the next
   ``<``. So an empty leaf (``<NAME></STMTTRN>`` or ``<NAME>`` then ``<MEMO>``) is just an empty value,
   closing tags are optional, a value may sit on the next line, and ``<!-- comments -->`` end a value.

Dates are the first 8 digits of ``DTPOSTED`` (no time-zone conversion). Amounts are Decimals exactly as
written (comma decimals read as ``.``, ``-0`` is 0). A file that cannot be read correctly raises
ParseError naming the element, the transaction (number, FITID) and its line.
"""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from recon.errors import InputError, ParseError
from recon.importers.base import decode_bytes, looks_binary, squash
from recon.model import BankRecord, ImportResult, Source, StatementBalance, fast_constructor, gc_paused
from recon.money import AmountError, parse_amount

# The aggregates the structure pass follows. Everything else is read as leaves between them.
_STRUCT_PATTERN = (
    r"<(/?)(OFX|SONRS|STMTTRNRS|CCSTMTTRNRS|INVSTMTTRNRS|STMTRS|CCSTMTRS|INVSTMTRS"
    r"|BANKTRANLIST|INVTRANLIST|LEDGERBAL|AVAILBAL|BANKACCTFROM|CCACCTFROM|INVACCTFROM|STATUS"
    r"|ACCTINFORS)\s*(/?)>"
)
_STRUCT = re.compile(_STRUCT_PATTERN)
_STRUCT_I = re.compile(_STRUCT_PATTERN, re.IGNORECASE)
# A leaf: the tag and the text up to the next "<" (closing tags, "/>" and "<!" never match).
_LEAF = re.compile(r"<([A-Za-z][A-Za-z0-9_.]*)>([^<]*)")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_CDATA = re.compile(r"<!\[CDATA\[(.*?)\]\]>", re.DOTALL)
_ENTITY = re.compile(r"&(?:(amp|lt|gt|quot|apos|nbsp)|#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6}));")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'", "nbsp": "\u00a0"}
_AMOUNT = re.compile(r"[+-]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)")
_ONLY_DOT = re.compile(r"[+-]?\s*[.,]?\s*")

# Identification: an OFX header line, an OFX 2 processing instruction, the root or a transaction tag.
_IDENTIFY = re.compile(
    r"(?im)^[\s\x00]*(?:<!--\s*)?OFXHEADER\s*[:=]|<\?OFX\b|<OFX\s*>|<STMTTRN\s*>|<BANKMSGSRSV1\s*>"
    r"|<CREDITCARDMSGSRSV1\s*>"
)
_HEAD_CHARSET = re.compile(rb"CHARSET\s*:\s*([A-Za-z0-9_.-]+)", re.IGNORECASE)
_HEAD_ENCODING = re.compile(rb"(?:ENCODING\s*:\s*|encoding\s*=\s*[\"'])([A-Za-z0-9_.-]+)", re.IGNORECASE)
_HEAD_VERSION = re.compile(r"\bVERSION\s*[:=]\s*\"?\s*([0-9]+)", re.IGNORECASE)
_XMLDECL = re.compile(r"<\?xml\b[^>]*>", re.IGNORECASE)
_ROOT = re.compile(r"<OFX\s*>", re.IGNORECASE)

# Investment transaction aggregates directly inside INVTRANLIST (counted, never imported here).
_INVTRAN = re.compile(
    r"<(?:BUYDEBT|BUYMF|BUYOPT|BUYOTHER|BUYSTOCK|CLOSUREOPT|INCOME|INVEXPENSE|JRNLFUND|JRNLSEC"
    r"|MARGININTEREST|REINVEST|RETOFCAP|SELLDEBT|SELLMF|SELLOPT|SELLOTHER|SELLSTOCK|SPLIT|TRANSFER"
    r"|INVBANKTRAN)\s*>",
    re.IGNORECASE,
)

_TRN_OPEN = re.compile(r"<STMTTRN\s*/?>")
_TRN_OPEN_I = re.compile(r"<STMTTRN\s*/?>", re.IGNORECASE)
_TRN_CLOSE_I = re.compile(r"</STMTTRN\s*>", re.IGNORECASE)
_MIXED_ROOT = re.compile(r"<(?!OFX)[Oo][Ff][Xx]\s*>")
_ENDS_STATEMENT = frozenset({"STMTRS", "CCSTMTRS", "INVSTMTRS", "STMTTRNRS", "CCSTMTTRNRS", "INVSTMTTRNRS",
                             "OFX"})
_KIND = {"STMTRS": "bank", "CCSTMTRS": "card", "INVSTMTRS": "investment"}
_MAX_LISTED = 8
_CACHE_MAX = 4096  # distinct raw values kept per cache (DTPOSTED, NAME, TRNTYPE) while a file is read


_new_record = fast_constructor(BankRecord)
_new_source = fast_constructor(Source)


def _unescape(s: str) -> str:
    """Decode the XML/SGML entities OFX uses, once ("&amp;lt;" -> "&lt;"); a raw "&" stays."""

    def one(m: re.Match[str]) -> str:
        if m.group(1):
            return _ENTITIES[m.group(1)]
        code = int(m.group(2)) if m.group(2) else int(m.group(3), 16)
        try:
            return chr(code)
        except (ValueError, OverflowError):
            return m.group(0)

    return _ENTITY.sub(one, s)


def _text(v: str | None) -> str:
    """A leaf value -> its text: stripped, entities decoded (None -> "")."""
    if not v:
        return ""
    v = v.strip()
    if "&" in v:
        v = _unescape(v).strip()
    return v


def _squash(s: str) -> str:
    """squash() for a stripped value, skipping the regex when there is nothing to collapse."""
    if "  " in s or "\t" in s or "\n" in s or "\r" in s:
        return squash(s)
    return s


def _text_fast(v: str) -> str:
    """_text() for the hot path: the common "&amp;"-only case is a plain replace."""
    v = v.strip()
    if "&" in v:
        if v.count("&") == v.count("&amp;") and "&amp;#" not in v:
            return v.replace("&amp;", "&")
        return _unescape(v).strip()
    return v


def _mask(account: str | None) -> str:
    """An account id as it may appear in notes and messages: last 4 characters only."""
    if not account:
        return "(no account id)"
    return "…" + account[-4:] if len(account) > 4 else "…" + account


def _leaves(span: str) -> dict[str, str]:
    """The leaf elements of one span, tag (upper case) -> raw value (last one wins)."""
    pairs = _LEAF.findall(span)
    d = dict(pairs)
    if pairs and not pairs[0][0].isupper():
        d = {k.upper(): v for k, v in pairs}
    return d


def _where(trn_no: int, fitid: str | None, line: int) -> str:
    return f"STMTTRN #{trn_no}" + (f" (FITID {fitid})" if fitid else "") + f", line {line}"


def _date8(s: str) -> date | None:
    """The calendar date in the first 8 digits of an OFX datetime, or None if there is none."""
    d8 = s[:8]
    if len(d8) != 8 or not d8.isdigit():
        return None
    try:
        return date(int(d8[:4]), int(d8[4:6]), int(d8[6:8]))
    except ValueError:
        return None


class _Statement:
    """State of one STMTRS / CCSTMTRS / INVSTMTRS while it is being read."""

    __slots__ = (
        "account",
        "corrections",
        "has_acct",
        "has_ledger",
        "has_tranlist",
        "inv_start",
        "kind",
        "line",
        "n_inv",
        "n_trn",
        "number",
        "records",
        "tag",
    )

    def __init__(self, tag: str, number: int, line: int) -> None:
        self.tag = tag
        self.kind = _KIND[tag]
        self.number = number
        self.line = line
        self.account: str | None = None
        self.has_acct = False
        self.has_tranlist = False
        self.has_ledger = False
        self.n_trn = 0
        self.n_inv = 0
        self.inv_start: int | None = None
        self.records: list[BankRecord] = []
        # (index in records, CORRECTACTION, CORRECTFITID, STMTTRN number)
        self.corrections: list[tuple[int, str, str | None, int]] = []


class OfxImporter:
    """OFX 1.x SGML, OFX 2.x XML, QFX and QBO bank and card statements."""

    kind = "ofx"

    def identify(self, path: Path, head: bytes) -> bool:
        """True when the head bytes hold an OFX header, ``<?OFX``, ``<OFX>`` or ``<STMTTRN>``."""
        try:
            if not head or looks_binary(head):
                return False
            text, _ = decode_bytes(head)
            return _IDENTIFY.search(text) is not None
        except Exception:  # noqa: BLE001 - identify never raises
            return False

    def extract(self, path: Path, display: str) -> ImportResult:
        """Read every bank and card transaction of the file (see the module docstring)."""
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read file: {exc.strerror or exc}", path=display) from exc
        # Several acyclic objects per transaction, all kept: with the cyclic GC running, its full
        # collections rescan the growing heap (measured: 12% of the time on 100k transactions, most
        # of the growth in us per transaction from 10k to 100k). See model.gc_paused; the CSV
        # importer does the same.
        with gc_paused():
            return parse_ofx_bytes(data, display)


def _declared_charset(data: bytes) -> str | None:
    head = data[:4096]
    m = _HEAD_CHARSET.search(head)
    if m and m.group(1).upper() not in (b"NONE", b""):
        return m.group(1).decode("ascii")
    m = _HEAD_ENCODING.search(head)
    if m and m.group(1).upper() not in (b"USASCII", b"NONE"):
        return m.group(1).decode("ascii")
    return None


def _has_mixed_root(text: str) -> bool:
    """``_MIXED_ROOT.search(text) is not None``, without the regex scan in the usual case.

    The regex visits every "<" (3-4% of a run). A match "<" + (o|O)(f|F)(x|X) other than "OFX"
    has a lower-case o, f or x one, two or three characters after its "<", so it suffices to try the
    regex at those places, found by one-character searches (memchr). Text with many of those letters
    (lower-case memos) falls back to the plain scan after a few tries.
    """
    budget = 64
    for ch, back in (("o", 1), ("f", 2), ("x", 3)):
        i = text.find(ch)
        while i >= 0:
            j = i - back
            if j >= 0 and text[j] == "<" and _MIXED_ROOT.match(text, j):
                return True
            budget -= 1
            if not budget:
                return _MIXED_ROOT.search(text) is not None
            i = text.find(ch, i + 1)
    return False


def _line_of(text: str, pos: int, nl: str) -> int:
    return text.count(nl, 0, pos) + 1


def parse_ofx_bytes(data: bytes, display: str) -> ImportResult:
    """OFX bytes -> ImportResult. ``display`` names the file in errors, notes and Sources."""
    text, _codec = decode_bytes(data, _declared_charset(data))
    nl = "\n" if "\n" in text or "\r" not in text else "\r"

    root = _ROOT.search(text)
    if root is None:
        what = "no <OFX> root element"
        if "<STMTTRN" in text.upper():
            what += " (transaction tags without an OFX document around them: damaged or garbled file)"
        raise ParseError(what, path=display, rule="an OFX file has one <OFX> ... </OFX> document")

    # Header (OFX 1 "KEY:VALUE" lines, possibly inside a comment, or the OFX 2 <?OFX ...?> PI).
    header = _XMLDECL.sub("", text[: root.start()])
    mv = _HEAD_VERSION.search(header)
    if mv:
        version = mv.group(1)
        if len(version) != 3 or version[0] not in "12":
            raise ParseError(
                f"unsupported OFX version {version} in the header VERSION",
                path=display, line=_line_of(text, text.find(mv.group(0)), nl), value=mv.group(0).strip(),
                rule="OFX 1.x SGML versions are 1xx (102-160), OFX 2.x XML versions 2xx (200-220)",
            )

    # '"!" in text' first: a one-character search is a memchr, "<!" a far slower two-character scan
    # (about 1% of the run), and most exports have no "!" at all.
    if "!" in text and "<!" in text:
        # Comments become their line breaks (line numbers stay right); CDATA becomes escaped text.
        text = _COMMENT.sub(lambda m: nl * m.group(0).count(nl), text)
        text = _CDATA.sub(
            lambda m: m.group(1).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"), text
        )
    reader = _Reader(text, display, nl)
    reader.run()
    return reader.result()


class _Reader:
    """One pass over the decoded text: structure tokens, spans between them, transactions."""

    def __init__(self, text: str, display: str, nl: str) -> None:
        self.text = text
        self.display = display
        self.nl = nl
        self.notes: list[str] = []
        self.balances: list[StatementBalance] = []
        self.problems: list[tuple[int, str]] = []
        self.statements: list[_Statement] = []
        self.cur: _Statement | None = None
        self.context = "file"
        self.saw_acctinfo = False
        self.saw_close_root = False
        self.n_trn = 0                       # STMTTRN blocks in file order (numbers in messages)
        self.date_cache: dict[str, date | None] = {}
        # Tags in a case other than upper (rare): case-insensitive patterns and upper-cased keys.
        self.mixed = _has_mixed_root(text) or (
            "<STMTTRN" not in text and "<stmttrn" in text.lower())
        self.struct = _STRUCT_I if self.mixed else _STRUCT

    # -- structure -------------------------------------------------------------------------------

    def run(self) -> None:
        """Walk the file: structure between transactions, each STMTTRN block read in place.

        The blocks are found by one scan for ``<STMTTRN>``; a block ends at ``</STMTTRN`` or, when the
        close tag is missing, at the next structural tag. Only the text around blocks (statement
        headers, balances, the gaps after close tags that hold more tags) is scanned for structure,
        so the cost per transaction is a handful of C-level string operations plus the record.

        The transaction itself is read inline (this loop is the hot path: a method call and the
        attribute lookups per row cost as much as the field work). Per row: one findall over the
        block, a dict, the fields, two records. Repeated values are cached per file: DTPOSTED by its
        raw text and by its first 8 characters (the date is read from those alone), NAME and TRNTYPE
        by their raw text (payees repeat; memos and FITIDs rarely do, so they are not cached). The
        caches by raw text stop growing at _CACHE_MAX values (unique timestamps or payees).
        """
        text, nl = self.text, self.nl
        n = len(text)
        mixed = self.mixed
        trn_iter = (_TRN_OPEN_I if mixed else _TRN_OPEN).finditer(text)
        m = next(trn_iter, None)
        line = self.scan(0, m.start() if m else n, 1)
        struct_search = self.struct.search
        close_search = _TRN_CLOSE_I.search if mixed else None
        find = text.find
        count = text.count
        leaves = _LEAF.findall
        display = self.display
        notes = self.notes
        new_record, new_source = _new_record, _new_source
        dates = self.date_cache               # raw DTPOSTED -> date (None: not a date)
        dates8: dict[str, date | None] = {}   # its stripped first 8 characters -> date or None
        names: dict[str, tuple[str, str]] = {}  # raw NAME -> (payee, payee squashed)
        trntypes: dict[str, str | None] = {}  # raw TRNTYPE -> TRNTYPE (one string object per value)
        n_trn = self.n_trn
        st = self.cur
        records_append = st.records.append if st is not None else None
        account = st.account if st is not None else None
        # "while True" on purpose: CPython 3.11 specialises ("quickens") a code object after a few calls
        # or JUMP_BACKWARDs, and "while m is not None:" compiles to a conditional backward jump that
        # does not count, so this loop, run once per file, would stay unspecialised (about 10% more
        # instructions per transaction, measured with valgrind).
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
            if e < 0:
                ms = struct_search(text, body_start, piece_end)
                e = ms.start() if ms else piece_end
            n_trn += 1
            if st is None:
                notes.append(f"STMTTRN #{n_trn} (line {at}) is outside any bank or card statement: not read")
            elif st.kind == "investment":
                n_trn -= 1  # an INVBANKTRAN's STMTTRN: counted with the investment transactions
            else:
                # -- one transaction: the leaves of text[body_start:e] ------------------------------
                st.n_trn += 1
                if mixed:
                    d = {t.upper(): v for t, v in leaves(text, body_start, e)}
                else:
                    d = dict(leaves(text, body_start, e))
                fitid = d.get("FITID")
                if fitid is not None:
                    fitid = fitid.strip()
                    if "&" in fitid:
                        fitid = _unescape(fitid)
                    if not fitid.isprintable() and ("\n" in fitid or "\r" in fitid or "\t" in fitid):
                        fitid = squash(fitid)
                    fitid = fitid or None
                raw = d.get("DTPOSTED")
                dt = dates.get(raw)  # type: ignore[arg-type]
                if dt is None and raw is not None:
                    d8 = raw.strip()[:8]
                    dt = dates8.get(d8)
                    if dt is None:
                        dt = dates8[d8] = _date8(d8)
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
                    amount = self.bad_fields(raw, raw_amt, n_trn, fitid, at)
                if dt is not None and amount is not None:
                    v = d.get("NAME")
                    nc = names.get(v)  # type: ignore[arg-type]
                    if nc is None:
                        name = v.strip() if v else ""
                        if "&" in name:
                            name = _text_fast(name)
                        nc = (name, _squash(name))
                        if v is not None and len(names) < _CACHE_MAX:
                            names[v] = nc
                    name, sn = nc
                    v = d.get("MEMO")
                    if v:
                        memo = v.strip()
                        if "&" in memo:
                            memo = _text_fast(memo)
                    else:
                        memo = ""
                    if memo:
                        sm = _squash(memo)
                        desc = sm if sm.startswith(sn) else sn + " " + sm  # no NAME: sn is "", desc is sm
                    else:
                        desc = sn
                    check = d.get("CHECKNUM")
                    if check is not None:
                        check = _text_fast(check)
                        if not check.strip("0"):
                            check = None
                    v = d.get("TRNTYPE")
                    if v is None:
                        trntype = None
                    else:
                        trntype = trntypes.get(v, v)
                        if trntype is v and len(trntypes) < _CACHE_MAX:
                            trntype = trntypes[v] = v.strip() or None
                        elif trntype is v:
                            trntype = v.strip() or None
                    # Positional, in the field order of recon.model (see recon.model.fast_constructor).
                    records_append(new_record(new_source(display, at, None, fitid), dt, amount, desc,  # type: ignore[misc]
                                              account, name, memo, check, trntype, fitid))
                    action = d.get("CORRECTACTION")
                    if action is not None:
                        st.corrections.append((len(st.records) - 1, _text(action).upper(),
                                               _text(d.get("CORRECTFITID")) or None, n_trn))
            if e < piece_end and find("<", e + 1, piece_end) >= 0:
                self.n_trn = n_trn
                line = self.scan(e, piece_end, line + count(nl, m.start(), e))
                st = self.cur  # the scan may open or close a statement or read its account
                records_append = st.records.append if st is not None else None
                account = st.account if st is not None else None
            else:
                line += count(nl, m.start(), piece_end)
            m = nm
        self.n_trn = n_trn
        if self.cur is not None:
            self.finish_statement(self.cur, n)
            self.cur = None

    def scan(self, a: int, b: int, line: int) -> int:
        """Structural tags in text[a:b] and the leaves after them; returns the line number at b."""
        text, nl = self.text, self.nl
        owner: str | None = None
        pos = a
        for m in self.struct.finditer(text, a, b):
            start = m.start()
            if owner is not None:
                self.content(owner, text[pos:start], line)
            line += text.count(nl, pos, start)
            pos = m.end()
            closing, tag, selfclose = m.group(1), m.group(2), m.group(3)
            if not tag.isupper():
                tag = tag.upper()
            owner = self.token(tag, bool(closing), bool(selfclose), start, pos, line)
            line += text.count(nl, start, pos)
        if owner is not None:
            self.content(owner, text[pos:b], line)
        return line + text.count(nl, pos, b)

    def token(self, tag: str, closing: bool, selfclose: bool, start: int, end: int,
              line: int) -> str | None:
        """Handle one structural tag; returns the tag if the following text is its content."""
        cur = self.cur
        if closing:
            if tag in _ENDS_STATEMENT:
                if cur is not None:
                    self.finish_statement(cur, start)
                    self.cur = None
                if tag == "OFX":
                    self.saw_close_root = True
            elif tag == "INVTRANLIST" and cur is not None and cur.inv_start is not None:
                cur.n_inv += len(_INVTRAN.findall(self.text, cur.inv_start, start))
                cur.inv_start = None
            return None
        if tag in _KIND:
            if cur is not None:
                self.finish_statement(cur, start)
            self.cur = _Statement(tag, len(self.statements) + 1, line)
            self.statements.append(self.cur)
            self.context = f"{tag} {self.cur.number}"
            return None
        if selfclose:
            if tag in ("LEDGERBAL", "AVAILBAL"):
                self.notes.append(f"{tag} at line {line} is empty (<{tag}/>): no balance read")
            return None
        if tag == "BANKTRANLIST":
            if cur is not None:
                cur.has_tranlist = True
        elif tag == "INVTRANLIST":
            if cur is not None:
                cur.inv_start = end
        elif tag in ("BANKACCTFROM", "CCACCTFROM", "INVACCTFROM", "LEDGERBAL", "AVAILBAL"):
            if cur is not None:
                if tag == "LEDGERBAL":
                    cur.has_ledger = True
                return tag
        elif tag == "STATUS":
            return tag
        elif tag == "SONRS":
            self.context = "signon"
        elif tag in ("STMTTRNRS", "CCSTMTTRNRS", "INVSTMTTRNRS"):
            if cur is not None:
                self.finish_statement(cur, start)
                self.cur = None
            self.context = f"statement response {tag}"
        elif tag == "ACCTINFORS":
            self.saw_acctinfo = True
        return None

    def finish_statement(self, st: _Statement, end: int) -> None:
        if st.kind == "investment":
            if st.inv_start is not None:
                st.n_inv += len(_INVTRAN.findall(self.text, st.inv_start, end))
                st.inv_start = None
            return
        if not (st.has_tranlist or st.has_ledger or st.n_trn):
            self.problems.append((st.line, (
                f"{st.tag} (statement {st.number}, line {st.line}) has no BANKTRANLIST, no LEDGERBAL "
                f"and no STMTTRN{'' if st.has_acct else ' and no account'}: a truncated or malformed "
                "statement")))

    # -- content -----------------------------------------------------------------------------------

    def content(self, owner: str, span: str, line: int) -> None:
        """The leaves of an account, balance or status aggregate."""
        d = _leaves(span)
        st = self.cur
        if owner in ("BANKACCTFROM", "CCACCTFROM", "INVACCTFROM"):
            if st is not None:
                st.account = _text(d.get("ACCTID")) or None
                st.has_acct = st.account is not None
        elif owner in ("LEDGERBAL", "AVAILBAL"):
            bal_kind = "ledger" if owner == "LEDGERBAL" else "available"
            label = f"{owner} of {st.tag} {st.number} (line {line})" if st else f"{owner} (line {line})"
            amt_text = _text(d.get("BALAMT"))
            if not amt_text:
                self.notes.append(f"{label} has no BALAMT value: no {bal_kind} balance read")
                return
            try:
                amount = _balance_amount(amt_text)
            except AmountError:
                self.notes.append(f"{label}: BALAMT {amt_text!r} is not an amount: no {bal_kind} balance read")
                return
            self.balances.append(StatementBalance(
                source=Source(path=self.display, line=line), account=st.account if st else None,
                date=_date8(_text(d.get("DTASOF"))), amount=amount, kind=bal_kind,
            ))
        elif owner == "STATUS":
            code = _text(d.get("CODE"))
            if code and code.strip("0"):
                sev = _text(d.get("SEVERITY")) or "?"
                msg = _text(d.get("MESSAGE"))
                self.notes.append(f"{self.context} STATUS code {code} severity {sev}"
                                  + (f": {msg}" if msg else "") + f" (line {line})")

    def bad_fields(self, raw_date: str | None, raw_amt: str | None, n_trn: int, fitid: str | None,
                   line: int) -> Decimal | None:
        """Explain a transaction whose DTPOSTED or TRNAMT is not plain; the amount if it is usable."""
        bad: list[str] = []
        where = f"STMTTRN #{n_trn}" + (f" (FITID {fitid})" if fitid else "") + f", line {line}"
        if raw_date is None:
            bad.append("no DTPOSTED")
        else:
            ds = raw_date.strip()
            if _date8(ds) is None:
                bad.append("empty DTPOSTED" if not ds else f"DTPOSTED {ds!r} is not a valid date (YYYYMMDD...)")
        amount: Decimal | None = None
        if raw_amt is None:
            bad.append("no TRNAMT")
        else:
            a = raw_amt.strip()
            if _AMOUNT.fullmatch(a):
                amount = Decimal(a.replace(",", "."))
                amount = abs(amount) if not amount else amount
            else:
                amount = _odd_amount(_text(a), where, bad, self.notes)
        if bad:
            self.problems.append((line, f"{where}: " + ", ".join(bad)))
            return None
        return amount

    # -- result ----------------------------------------------------------------------------------

    def result(self) -> ImportResult:
        notes = self.notes
        if self.problems:
            problems = sorted(self.problems)
            listed = "; ".join(p for _, p in problems[:_MAX_LISTED])
            more = f"; and {len(problems) - _MAX_LISTED} more" if len(problems) > _MAX_LISTED else ""
            raise ParseError(
                f"{len(problems)} problem(s) reading the OFX statement: {listed}{more}",
                path=self.display, line=problems[0][0],
                rule="each STMTTRN needs DTPOSTED (YYYYMMDD...) and a numeric TRNAMT; each statement a "
                     "BANKTRANLIST or LEDGERBAL",
            )
        if not self.saw_close_root:
            notes.append("file ends without </OFX>: it may be truncated")
        records: list[BankRecord] = []
        for st in self.statements:
            if st.kind == "investment":
                notes.append(f"investment statement (INVSTMTRS {st.number}, account {_mask(st.account)}): "
                             f"{st.n_inv} investment transactions not imported")
                continue
            if not st.has_tranlist and st.n_trn == 0:
                notes.append(f"{st.tag} {st.number} (account {_mask(st.account)}) has no BANKTRANLIST: "
                             "no transactions")
            records.extend(_apply_corrections(st, notes) if st.corrections else st.records)
        if not self.statements:
            why = "account information response" if self.saw_acctinfo else (
                "server error response" if any("STATUS code" in n for n in notes)
                else "no STMTRS or CCSTMTRS")
            notes.insert(0, f"no statement in file ({why}): 0 transactions")
        return ImportResult(kind="ofx", records=tuple(records), balances=tuple(self.balances),
                            notes=tuple(notes))


def _odd_amount(amt_text: str, where: str, bad: list[str], notes: list[str]) -> Decimal | None:
    """A TRNAMT outside the plain pattern: thousands marks, blanks and a dot, or not a number."""
    if not amt_text:
        bad.append("empty TRNAMT")
        return None
    if _ONLY_DOT.fullmatch(amt_text):
        notes.append(f"{where}: TRNAMT {amt_text!r} has no digits: read as 0")
        return Decimal(0)
    compact = amt_text.replace(" ", "")
    if re.fullmatch(r"[+-]?[0-9][0-9.,]*", compact):
        try:
            return abs(v) if not (v := parse_amount(compact)) else v
        except AmountError:
            pass
    bad.append(f"TRNAMT {amt_text!r} is not an OFX amount")
    return None


def _balance_amount(s: str) -> Decimal:
    s = s.replace(" ", "")
    if _AMOUNT.fullmatch(s):
        try:
            v = Decimal(s.replace(",", "."))
        except InvalidOperation as exc:  # pragma: no cover - the pattern guards
            raise AmountError(s) from exc
        return abs(v) if not v else v
    if re.fullmatch(r"[+-]?[0-9][0-9.,]*", s):
        return parse_amount(s)
    raise AmountError(s)


def _apply_corrections(st: _Statement, notes: list[str]) -> list[BankRecord]:
    """Apply CORRECTACTION REPLACE/DELETE records to the earlier rows they name (same statement).

    REPLACE puts the correcting row in the place of the earlier row with FITID = CORRECTFITID;
    DELETE removes that row, and the delete record itself (an instruction, not a transaction). A
    correction naming no earlier row is kept as a transaction (REPLACE) or dropped (DELETE), with a note.
    """
    actions = {i: (action, target, no) for i, action, target, no in st.corrections}
    out: list[BankRecord | None] = []
    by_fitid: dict[str, list[int]] = {}
    for i, rec in enumerate(st.records):
        action, target, no = actions.get(i, ("", None, 0))
        idxs = by_fitid.get(target, []) if (action in ("REPLACE", "DELETE") and target) else []
        if idxs:
            j = idxs.pop()
            old = out[j]
            out[j] = rec if action == "REPLACE" else None
            notes.append(f"STMTTRN #{no} ({action} of FITID {target}) revises the earlier row at line "
                         f"{old.source.line if old else '?'}: "
                         + ("replaced by the correction" if action == "REPLACE" else "deleted"))
            if action == "REPLACE" and rec.fitid:
                by_fitid.setdefault(rec.fitid, []).append(j)
            continue
        if action == "DELETE":
            notes.append(f"STMTTRN #{no} (DELETE of FITID {target}): the row it deletes is not in this "
                         "statement; the delete record is not a transaction and was not imported")
            continue
        if action:
            notes.append(f"STMTTRN #{no} (CORRECTACTION {action}, CORRECTFITID {target}): no earlier row "
                         "with that FITID in this statement; kept as a transaction")
        if rec.fitid:
            by_fitid.setdefault(rec.fitid, []).append(len(out))
        out.append(rec)
    return [r for r in out if r is not None]
