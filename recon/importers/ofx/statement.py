"""What one OFX file says, collected while it is read -> ImportResult (or the ParseError it deserves).

``Statement`` is one STMTRS / CCSTMTRS / INVSTMTRS: its account, its records and their CORRECTACTION
rows. ``Document`` is the whole file: the statements, balances (LEDGERBAL / AVAILBAL), STATUS notes and
the problems that reject the file. The scanner and the transaction reader fill them; ``result`` turns
them into the ImportResult, applying REPLACE / DELETE corrections within each statement.
"""
from __future__ import annotations

import re

from recon.errors import ParseError
from recon.importers.ofx.values import leaf_text, mask_account, parse_balance_amount, parse_date8
from recon.model import BankRecord, ImportResult, Source, StatementBalance
from recon.money import AmountError

STATEMENT_KINDS = {"STMTRS": "bank", "CCSTMTRS": "card", "INVSTMTRS": "investment"}
ACCOUNT_TAGS = ("BANKACCTFROM", "CCACCTFROM", "INVACCTFROM")
BALANCE_TAGS = ("LEDGERBAL", "AVAILBAL")
_MAX_LISTED = 8  # problems quoted in the ParseError; the rest are counted

# Investment transaction aggregates directly inside INVTRANLIST (counted, never imported here).
_INVTRAN = re.compile(
    r"<(?:BUYDEBT|BUYMF|BUYOPT|BUYOTHER|BUYSTOCK|CLOSUREOPT|INCOME|INVEXPENSE|JRNLFUND|JRNLSEC"
    r"|MARGININTEREST|REINVEST|RETOFCAP|SELLDEBT|SELLMF|SELLOPT|SELLOTHER|SELLSTOCK|SPLIT|TRANSFER"
    r"|INVBANKTRAN)\s*>",
    re.IGNORECASE,
)


class Statement:
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
        self.kind = STATEMENT_KINDS[tag]
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

    def count_investment_transactions(self, text: str, end: int) -> None:
        """Count the investment transactions of an open INVTRANLIST up to ``end`` and close it."""
        if self.inv_start is not None:
            self.n_inv += len(_INVTRAN.findall(text, self.inv_start, end))
            self.inv_start = None


class Document:
    """Everything read from one file so far: statements, balances, notes, problems."""

    def __init__(self, text: str, display: str) -> None:
        self.text = text
        self.display = display
        self.notes: list[str] = []
        self.balances: list[StatementBalance] = []
        self.problems: list[tuple[int, str]] = []   # (line, message): any one rejects the file
        self.statements: list[Statement] = []
        self.cur: Statement | None = None
        self.context = "file"                        # what a STATUS belongs to, in its note
        self.saw_acctinfo = False
        self.saw_close_root = False

    # -- statements --------------------------------------------------------------------------------

    def open_statement(self, tag: str, start: int, line: int) -> None:
        """A STMTRS / CCSTMTRS / INVSTMTRS opens (ending any statement left open)."""
        if self.cur is not None:
            self.finish_statement(self.cur, start)
        self.cur = Statement(tag, len(self.statements) + 1, line)
        self.statements.append(self.cur)
        self.context = f"{tag} {self.cur.number}"

    def end_statement(self, end: int) -> None:
        """The open statement, if any, ends at ``end``."""
        if self.cur is not None:
            self.finish_statement(self.cur, end)
            self.cur = None

    def finish_statement(self, st: Statement, end: int) -> None:
        """Count an investment statement's transactions; a bank/card one with nothing in it is a problem."""
        if st.kind == "investment":
            st.count_investment_transactions(self.text, end)
            return
        if not (st.has_tranlist or st.has_ledger or st.n_trn):
            self.problems.append((st.line, (
                f"{st.tag} (statement {st.number}, line {st.line}) has no BANKTRANLIST, no LEDGERBAL "
                f"and no STMTTRN{'' if st.has_acct else ' and no account'}: a truncated or malformed "
                "statement")))

    # -- aggregates of leaves ------------------------------------------------------------------------

    def read_account(self, d: dict[str, str]) -> None:
        """BANKACCTFROM / CCACCTFROM / INVACCTFROM leaves: the open statement's ACCTID."""
        st = self.cur
        if st is not None:
            st.account = leaf_text(d.get("ACCTID")) or None
            st.has_acct = st.account is not None

    def read_balance(self, owner: str, d: dict[str, str], line: int) -> None:
        """LEDGERBAL / AVAILBAL leaves -> a StatementBalance, or a note saying why there is none."""
        st = self.cur
        bal_kind = "ledger" if owner == "LEDGERBAL" else "available"
        label = f"{owner} of {st.tag} {st.number} (line {line})" if st else f"{owner} (line {line})"
        amt_text = leaf_text(d.get("BALAMT"))
        if not amt_text:
            self.notes.append(f"{label} has no BALAMT value: no {bal_kind} balance read")
            return
        try:
            amount = parse_balance_amount(amt_text)
        except AmountError:
            self.notes.append(f"{label}: BALAMT {amt_text!r} is not an amount: no {bal_kind} balance read")
            return
        self.balances.append(StatementBalance(
            source=Source(path=self.display, line=line), account=st.account if st else None,
            date=parse_date8(leaf_text(d.get("DTASOF"))), amount=amount, kind=bal_kind,
        ))

    def read_status(self, d: dict[str, str], line: int) -> None:
        """STATUS leaves: a non-zero CODE becomes a note naming where it was."""
        code = leaf_text(d.get("CODE"))
        if code and code.strip("0"):
            sev = leaf_text(d.get("SEVERITY")) or "?"
            msg = leaf_text(d.get("MESSAGE"))
            self.notes.append(f"{self.context} STATUS code {code} severity {sev}"
                              + (f": {msg}" if msg else "") + f" (line {line})")

    # -- the result ----------------------------------------------------------------------------------

    def result(self) -> ImportResult:
        """The ImportResult of the file; raises ParseError when any problem was found."""
        self._raise_problems()
        notes = self.notes
        if not self.saw_close_root:
            notes.append("file ends without </OFX>: it may be truncated")
        records: list[BankRecord] = []
        for st in self.statements:
            if st.kind == "investment":
                notes.append(f"investment statement (INVSTMTRS {st.number}, account "
                             f"{mask_account(st.account)}): {st.n_inv} investment transactions not imported")
                continue
            if not st.has_tranlist and st.n_trn == 0:
                notes.append(f"{st.tag} {st.number} (account {mask_account(st.account)}) has no "
                             "BANKTRANLIST: no transactions")
            records.extend(apply_corrections(st, notes) if st.corrections else st.records)
        if not self.statements:
            why = "account information response" if self.saw_acctinfo else (
                "server error response" if any("STATUS code" in n for n in notes)
                else "no STMTRS or CCSTMTRS")
            notes.insert(0, f"no statement in file ({why}): 0 transactions")
        return ImportResult(kind="ofx", records=tuple(records), balances=tuple(self.balances),
                            notes=tuple(notes))

    def _raise_problems(self) -> None:
        """One ParseError listing the first problems in line order, if there are any."""
        if not self.problems:
            return
        problems = sorted(self.problems)
        listed = "; ".join(p for _, p in problems[:_MAX_LISTED])
        more = f"; and {len(problems) - _MAX_LISTED} more" if len(problems) > _MAX_LISTED else ""
        raise ParseError(
            f"{len(problems)} problem(s) reading the OFX statement: {listed}{more}",
            path=self.display, line=problems[0][0],
            rule="each STMTTRN needs DTPOSTED (YYYYMMDD...) and a numeric TRNAMT; each statement a "
                 "BANKTRANLIST or LEDGERBAL",
        )


def apply_corrections(st: Statement, notes: list[str]) -> list[BankRecord]:
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
