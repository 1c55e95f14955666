"""The structure scanner: the structural tags of a text range -> Document updates.

It does not use an SGML or XML parser: real exports break both (unclosed leaves, empty leaves, tags
left open, raw ``&``, bytes after ``</OFX>``). One regex finds the few aggregate tags that matter
(``OFX``, ``STMTRS``, ``CCSTMTRS``, ``INVSTMTRS``, ``BANKTRANLIST``, ``LEDGERBAL``, ``AVAILBAL``,
``BANKACCTFROM``, ``CCACCTFROM``, ``STATUS`` ...); every other tag is a leaf or a small aggregate
whose leaves are read from the text between two structural tags (see values.leaves).
"""
from __future__ import annotations

import re

from recon.importers.ofx.statement import ACCOUNT_TAGS, BALANCE_TAGS, STATEMENT_KINDS, Document
from recon.importers.ofx.values import leaves

# The aggregates the structure pass follows. Everything else is read as leaves between them.
_STRUCT_PATTERN = (
    r"<(/?)(OFX|SONRS|STMTTRNRS|CCSTMTTRNRS|INVSTMTTRNRS|STMTRS|CCSTMTRS|INVSTMTRS"
    r"|BANKTRANLIST|INVTRANLIST|LEDGERBAL|AVAILBAL|BANKACCTFROM|CCACCTFROM|INVACCTFROM|STATUS"
    r"|ACCTINFORS)\s*(/?)>"
)
_STRUCT = re.compile(_STRUCT_PATTERN)
_STRUCT_I = re.compile(_STRUCT_PATTERN, re.IGNORECASE)
# A transaction's amount where no transaction block is open (inside a bank or card statement).
_STRAY = re.compile(r"<TRNAMT>")
_STRAY_I = re.compile(r"<TRNAMT>", re.IGNORECASE)
_MIXED_ROOT = re.compile(r"<(?!OFX)[Oo][Ff][Xx]\s*>")
_ENDS_STATEMENT = frozenset({"STMTRS", "CCSTMTRS", "INVSTMTRS", "STMTTRNRS", "CCSTMTTRNRS", "INVSTMTTRNRS",
                             "OFX"})
_RESPONSE_TAGS = ("STMTTRNRS", "CCSTMTTRNRS", "INVSTMTTRNRS")


def has_mixed_root(text: str) -> bool:
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


def has_mixed_case_tags(text: str) -> bool:
    """True when tags are in a case other than upper (rare): then patterns ignore case, keys are upper-cased."""
    return has_mixed_root(text) or ("<STMTTRN" not in text and "<stmttrn" in text.lower())


class StructureScanner:
    """Structural tags in ranges of one text -> statements, accounts, balances, STATUS notes in a Document."""

    def __init__(self, doc: Document, nl: str, mixed: bool) -> None:
        self.doc = doc
        self.text = doc.text
        self.nl = nl
        self.struct = _STRUCT_I if mixed else _STRUCT

    def scan(self, a: int, b: int, line: int) -> int:
        """Structural tags in text[a:b] and the leaves after them; returns the line number at b."""
        text, nl = self.text, self.nl
        self.stray_transactions(a, b, line)
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
            if closing:
                self.close_tag(tag, start)
                owner = None
            else:
                owner = self.open_tag(tag, bool(selfclose), start, pos, line)
            line += text.count(nl, start, pos)
        if owner is not None:
            self.content(owner, text[pos:b], line)
        return line + text.count(nl, pos, b)

    def stray_transactions(self, a: int, b: int, line: int) -> None:
        """Transaction data between the <STMTTRN> blocks (a block whose opening tag is damaged):
        never a transaction, always a note with its line, so nothing is dropped in silence."""
        text = self.text
        find = _STRAY_I if self.struct is _STRUCT_I else _STRAY
        for m in find.finditer(text, a, b):
            at = line + text.count(self.nl, a, m.start())
            self.doc.notes.append(f"line {at}: transaction data outside a <STMTTRN> block (a damaged "
                                  f"tag?): not read: {text[m.start():m.start() + 60]!r}")

    def close_tag(self, tag: str, start: int) -> None:
        """A closing structural tag: a statement (or the file) ends, or an INVTRANLIST does."""
        doc = self.doc
        if tag in _ENDS_STATEMENT:
            doc.end_statement(start)
            if tag == "OFX":
                doc.saw_close_root = True
        elif tag == "INVTRANLIST" and doc.cur is not None:
            doc.cur.count_investment_transactions(self.text, start)

    def open_tag(self, tag: str, selfclose: bool, start: int, end: int, line: int) -> str | None:
        """An opening structural tag; returns the tag if the text after it is its content."""
        doc = self.doc
        cur = doc.cur
        if tag in STATEMENT_KINDS:
            doc.open_statement(tag, start, line)
            return None
        if selfclose:
            if tag in BALANCE_TAGS:
                doc.notes.append(f"{tag} at line {line} is empty (<{tag}/>): no balance read")
            return None
        if tag == "BANKTRANLIST":
            if cur is not None:
                cur.has_tranlist = True
        elif tag == "INVTRANLIST":
            if cur is not None:
                cur.inv_start = end
        elif tag in ACCOUNT_TAGS or tag in BALANCE_TAGS:
            if cur is not None:
                if tag == "LEDGERBAL":
                    cur.has_ledger = True
                return tag
        elif tag == "STATUS":
            return tag
        elif tag == "SONRS":
            doc.context = "signon"
        elif tag in _RESPONSE_TAGS:
            doc.end_statement(start)
            doc.context = f"statement response {tag}"
        elif tag == "ACCTINFORS":
            doc.saw_acctinfo = True
        return None

    def content(self, owner: str, span: str, line: int) -> None:
        """The leaves of an account, balance or status aggregate."""
        d = leaves(span)
        if owner in ACCOUNT_TAGS:
            self.doc.read_account(d)
        elif owner in BALANCE_TAGS:
            self.doc.read_balance(owner, d, line)
        elif owner == "STATUS":
            self.doc.read_status(d, line)
