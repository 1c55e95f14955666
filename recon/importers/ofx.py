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
from recon.model import BankRecord, ImportResult, Source, StatementBalance
from recon.money import AmountError, parse_amount

# The aggregates the structure pass follows. Everything else is read as leaves between them.
_STRUCT = re.compile(
    r"<(/?)(OFX|SONRS|STMTTRNRS|CCSTMTTRNRS|INVSTMTTRNRS|STMTRS|CCSTMTRS|INVSTMTRS|STMTTRN"
    r"|BANKTRANLIST|INVTRANLIST|LEDGERBAL|AVAILBAL|BANKACCTFROM|CCACCTFROM|INVACCTFROM|STATUS"
    r"|ACCTINFORS)\s*(/?)>",
    re.IGNORECASE,
)
# A leaf: the tag and the text up to the next "<" (closing tags, "/>" and "<!" never match).
_LEAF = re.compile(r"<([A-Za-z][A-Za-z0-9_.]*)>([^<]*)")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_CDATA = re.compile(r"<!\[CDATA\[(.*?)\]\]>", re.DOTALL)
_ENTITY = re.compile(r"&(?:(amp|lt|gt|quot|apos|nbsp)|#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6}));")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'", "nbsp": "\u00a0"}
_WS_RUN = re.compile(r"\s{2,}|[\t\r\n\f\v]")
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

_KIND = {"STMTRS": "bank", "CCSTMTRS": "card", "INVSTMTRS": "investment"}
_MAX_LISTED = 8


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
    return squash(s) if _WS_RUN.search(s) else s


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

    __slots__ = ("tag", "kind", "number", "line", "account", "has_acct", "has_tranlist",
                 "has_ledger", "n_trn", "n_inv", "inv_start", "records")

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
        self.records: list[tuple[BankRecord, str | None, str | None, int]] = []


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
        except Exception:  # identify never raises
            return False

    def extract(self, path: Path, display: str) -> ImportResult:
        """Read every bank and card transaction of the file (see the module docstring)."""
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read file: {exc.strerror or exc}", path=display) from exc
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


def _line_of(text: str, pos: int, nl: str) -> int:
    return text.count(nl, 0, pos) + 1


def parse_ofx_bytes(data: bytes, display: str) -> ImportResult:
    """OFX bytes -> ImportResult. ``display`` names the file in errors, notes and Sources."""
    text, _codec = decode_bytes(data, _declared_charset(data))
    nl = "\n" if "\n" in text or "\r" not in text else "\r"
    notes: list[str] = []

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
                path=display, line=_line_of(text, mv.start(), nl), value=mv.group(0).strip(),
                rule="OFX 1.x SGML versions are 1xx (102-160), OFX 2.x XML versions 2xx (200-220)",
            )

    if "<!" in text:
        # Comments become their line breaks (line numbers stay right); CDATA becomes escaped text.
        text = _COMMENT.sub(lambda m: nl * m.group(0).count(nl), text)
        text = _CDATA.sub(
            lambda m: m.group(1).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"), text
        )

    records_out: list[BankRecord] = []
    balances: list[StatementBalance] = []
    problems: list[tuple[int, str]] = []
    statements: list[_Statement] = []
    cur: _Statement | None = None
    context = "file"          # "signon" or "statement response" for STATUS notes
    saw_acctinfo = False
    saw_close_root = False
    n_trn_total = 0           # every STMTTRN in file order (the number used in messages)
    stray_trn = 0
    line_pos, line_no = 0, 1
    # A structural open tag whose content (text up to the next structural tag) is still to be read.
    pending: str | None = None
    pending_at = 0
    pending_line = 0
    pending_no = 0
    date_cache: dict[str, date | None] = {}
    src_path = display

    def finish_statement(st: _Statement, end: int) -> None:
        if st.kind == "investment":
            if st.inv_start is not None:
                st.n_inv += len(_INVTRAN.findall(text, st.inv_start, end))
                st.inv_start = None
            return
        if not (st.has_tranlist or st.has_ledger or st.n_trn):
            problems.append((st.line, (
                f"{st.tag} (statement {st.number}, line {st.line}) has no BANKTRANLIST, no LEDGERBAL "
                f"and no STMTTRN{'' if st.has_acct else ' and no account'}: a truncated or malformed "
                "statement")))

    def read_span(kind: str, span: str, at_line: int, trn_no: int) -> None:
        nonlocal cur
        st = cur
        if kind == "STMTTRN":
            d = _leaves(span)
            fitid = _text(d.get("FITID")) or None
            if fitid is not None and _WS_RUN.search(fitid):
                fitid = squash(fitid)
            bad: list[str] = []
            raw_date = d.get("DTPOSTED")
            dt: date | None = None
            if raw_date is None:
                bad.append("no DTPOSTED")
            else:
                ds = raw_date.strip()
                dt = date_cache.get(ds[:8], False)  # type: ignore[assignment]
                if dt is False:
                    dt = date_cache[ds[:8]] = _date8(ds)
                if dt is None:
                    bad.append("empty DTPOSTED" if not ds
                               else f"DTPOSTED {ds!r} is not a valid date (YYYYMMDD...)")
            raw_amt = d.get("TRNAMT")
            amount: Decimal | None = None
            if raw_amt is None:
                bad.append("no TRNAMT")
            else:
                amt_text = raw_amt.strip()
                if _AMOUNT.fullmatch(amt_text):
                    amount = Decimal(amt_text.replace(",", ".") if "," in amt_text else amt_text)
                    if not amount:
                        amount = abs(amount)
                else:
                    amount = _odd_amount(amt_text, _where(trn_no, fitid, at_line), bad, notes)
            if bad or dt is None or amount is None:
                problems.append((at_line, f"{_where(trn_no, fitid, at_line)}: " + ", ".join(bad)))
                return
            name = _text(d.get("NAME"))
            memo = _text(d.get("MEMO"))
            if memo:
                sm = _squash(memo)
                if name:
                    sn = _squash(name)
                    desc = sm if sm.startswith(sn) else sn + " " + sm
                else:
                    desc = sm
            else:
                desc = _squash(name)
            check = d.get("CHECKNUM")
            if check is not None:
                check = _text(check)
                if not check.strip("0"):
                    check = None
            trntype = d.get("TRNTYPE")
            if trntype is not None:
                trntype = _text(trntype) or None
            rec = BankRecord(
                source=Source(path=src_path, line=at_line, fitid=fitid),
                date=dt, amount=amount, description=desc, account=st.account if st else None,
                payee=name, memo=memo, check_number=check, trntype=trntype, fitid=fitid,
            )
            action = d.get("CORRECTACTION")
            if action is not None and st is not None:
                st.records.append((rec, _text(action).upper() or None, _text(d.get("CORRECTFITID")) or None,
                                   trn_no))
            elif st is not None:
                st.records.append((rec, None, None, trn_no))
        elif kind in ("BANKACCTFROM", "CCACCTFROM", "INVACCTFROM"):
            d = _leaves(span)
            if st is not None:
                st.account = _text(d.get("ACCTID")) or None
                st.has_acct = st.account is not None
        elif kind in ("LEDGERBAL", "AVAILBAL"):
            d = _leaves(span)
            bal_kind = "ledger" if kind == "LEDGERBAL" else "available"
            label = f"{kind} of {st.tag if st else 'statement'} {st.number if st else ''} (line {at_line})"
            amt_text = _text(d.get("BALAMT"))
            if not amt_text:
                notes.append(f"{label} has no BALAMT value: no {bal_kind} balance read")
                return
            try:
                amount = _balance_amount(amt_text)
            except AmountError:
                notes.append(f"{label}: BALAMT {amt_text!r} is not an amount: no {bal_kind} balance read")
                return
            balances.append(StatementBalance(
                source=Source(path=src_path, line=at_line), account=st.account if st else None,
                date=_date8(_text(d.get("DTASOF"))), amount=amount, kind=bal_kind,
            ))
        elif kind == "STATUS":
            d = _leaves(span)
            code = _text(d.get("CODE"))
            if code and code.strip("0"):
                sev = _text(d.get("SEVERITY")) or "?"
                msg = _text(d.get("MESSAGE"))
                notes.append(f"{context} STATUS code {code} severity {sev}" + (f": {msg}" if msg else "")
                             + f" (line {at_line})")

    for m in _STRUCT.finditer(text):
        start = m.start()
        if pending is not None:
            read_span(pending, text[pending_at:start], pending_line, pending_no)
            pending = None
        closing, tag, selfclose = m.group(1), m.group(2), m.group(3)
        if not tag.isupper():
            tag = tag.upper()
        if closing:
            if tag in ("STMTRS", "CCSTMTRS", "INVSTMTRS", "STMTTRNRS", "CCSTMTTRNRS", "INVSTMTTRNRS",
                       "OFX"):
                if cur is not None:
                    finish_statement(cur, start)
                    cur = None
                if tag == "OFX":
                    saw_close_root = True
            elif tag == "INVTRANLIST" and cur is not None and cur.inv_start is not None:
                cur.n_inv += len(_INVTRAN.findall(text, cur.inv_start, start))
                cur.inv_start = None
            continue
        if tag == "STMTTRN":
            n_trn_total += 1
            line_no += text.count(nl, line_pos, start)
            line_pos = start
            if cur is None:
                stray_trn += 1
                notes.append(f"STMTTRN #{n_trn_total} (line {line_no}) is outside any bank or card "
                             "statement: not read")
                continue
            if cur.kind == "investment":
                continue
            cur.n_trn += 1
            if selfclose:
                problems.append((line_no, f"STMTTRN #{n_trn_total}, line {line_no}: empty <STMTTRN/>"))
                continue
            pending, pending_at, pending_line, pending_no = tag, m.end(), line_no, n_trn_total
            continue
        if tag in _KIND:
            if cur is not None:
                finish_statement(cur, start)
            line_no += text.count(nl, line_pos, start)
            line_pos = start
            cur = _Statement(tag, len(statements) + 1, line_no)
            statements.append(cur)
            context = f"{tag} {cur.number}"
            continue
        if selfclose:
            if tag in ("LEDGERBAL", "AVAILBAL"):
                notes.append(f"{tag} is empty (<{tag}/>): no balance read")
            continue
        if tag in ("BANKTRANLIST",):
            if cur is not None:
                cur.has_tranlist = True
        elif tag == "INVTRANLIST":
            if cur is not None:
                cur.inv_start = m.end()
        elif tag in ("BANKACCTFROM", "CCACCTFROM", "INVACCTFROM", "LEDGERBAL", "AVAILBAL", "STATUS"):
            if cur is not None or tag == "STATUS":
                if tag == "LEDGERBAL" and cur is not None:
                    cur.has_ledger = True
                line_no += text.count(nl, line_pos, start)
                line_pos = start
                pending, pending_at, pending_line, pending_no = tag, m.end(), line_no, 0
        elif tag == "SONRS":
            context = "signon"
        elif tag in ("STMTTRNRS", "CCSTMTTRNRS", "INVSTMTTRNRS"):
            if cur is not None:
                finish_statement(cur, start)
                cur = None
            context = f"statement response {tag}"
        elif tag == "ACCTINFORS":
            saw_acctinfo = True
    if pending is not None:
        read_span(pending, text[pending_at:], pending_line, pending_no)
    if cur is not None:
        finish_statement(cur, len(text))

    if problems:
        problems.sort()
        listed = "; ".join(p for _, p in problems[:_MAX_LISTED])
        more = f"; and {len(problems) - _MAX_LISTED} more" if len(problems) > _MAX_LISTED else ""
        raise ParseError(
            f"{len(problems)} problem(s) reading the OFX statement: {listed}{more}",
            path=display, line=problems[0][0],
            rule="each STMTTRN needs DTPOSTED (YYYYMMDD...) and a numeric TRNAMT; each statement a "
                 "BANKTRANLIST or LEDGERBAL",
        )

    if not saw_close_root:
        notes.append("file ends without </OFX>: it may be truncated")

    for st in statements:
        if st.kind == "investment":
            notes.append(f"investment statement (INVSTMTRS {st.number}, account {_mask(st.account)}): "
                         f"{st.n_inv} investment transactions not imported")
            continue
        if not st.has_tranlist and st.n_trn == 0:
            notes.append(f"{st.tag} {st.number} (account {_mask(st.account)}) has no BANKTRANLIST: "
                         "no transactions")
        records_out.extend(_apply_corrections(st, notes))

    if not statements:
        why = "account information response" if saw_acctinfo else (
            "server error response" if any("STATUS code" in n for n in notes) else "no STMTRS or CCSTMTRS")
        notes.insert(0, f"no statement in file ({why}): 0 transactions")
    return ImportResult(kind="ofx", records=tuple(records_out), balances=tuple(balances),
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
    """Apply CORRECTACTION REPLACE/DELETE records to the earlier rows they name (same statement)."""
    if not any(action for _, action, _, _ in st.records):
        return [r for r, _, _, _ in st.records]
    out: list[BankRecord | None] = []
    by_fitid: dict[str, list[int]] = {}
    for rec, action, target, no in st.records:
        idxs = by_fitid.get(target or "", []) if action else []
        if action in ("REPLACE", "DELETE") and target and idxs:
            i = idxs.pop()
            old = out[i]
            out[i] = rec if action == "REPLACE" else None
            notes.append(f"STMTTRN #{no} ({action} of FITID {target}) revises the earlier row "
                         f"(line {old.source.line if old else '?'}): "
                         + ("replaced by the correction" if action == "REPLACE" else "deleted"))
            if action == "REPLACE" and rec.fitid:
                by_fitid.setdefault(rec.fitid, []).append(i)
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
