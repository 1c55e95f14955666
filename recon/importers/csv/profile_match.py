"""Profiles against a file: does a profile claim these rows, and the Layout it gives them.

Input: a validated ``Profile`` (recon.profiles) and a file's ``Rows``. Output:
``profile_matches`` -> (specificity score, header row index) or None; ``dates_fit`` and
``signs_fit`` -> whether the first data rows fit the profile's date format and sign rule (content
decides over a generic header); ``layout_from_profile`` -> the Layout with the profile's column
names resolved against the header row.
"""
from __future__ import annotations

import re

from recon.errors import ParseError
from recon.importers.csv.infer import decide_mark
from recon.importers.csv.names import PAYEE_NAMES, has_digit, role_of
from recon.importers.csv.rules import BALANCE_ROW, HEADER_SEARCH_ROWS, TOTAL_ROW, Layout
from recon.importers.date_cells import compile_date_format
from recon.importers.delimited import Rows, cell_at, clean_cell, norm_name, trimmed_cells
from recon.profiles import Profile


def profile_matches(prof: Profile, rows: Rows) -> tuple[int, int | None] | None:
    """(specificity score, header row index) when ``prof`` identifies this file, else None."""
    n = min(len(rows.cells), HEADER_SEARCH_ROWS)
    if not prof.header:
        rx = prof._compiled.get("row") or prof._compiled.setdefault(
            "row", re.compile(prof.identify_row_regex or "$^"))
        d = rows.delimiter
        data = [r for r in rows.cells[:n] if any(c.strip() for c in r)]
        if not data:
            return None
        ok = sum(1 for r in data if rx.search(d.join(_quote(c, d) for c in r)) or
                 rx.search(d.join(r)))
        return (1, None) if ok >= max(1, int(len(data) * 0.8)) else None
    want = tuple(c.lower() for c in prof.identify_header) if prof.identify_header else None
    cols = {c.lower() for c in prof.identify_columns}
    hrx = None
    if prof.identify_header_regex:
        hrx = prof._compiled.get("hdr") or prof._compiled.setdefault(
            "hdr", re.compile(prof.identify_header_regex))
    for i in range(n):
        cells = trimmed_cells(rows.cells[i])
        if len(cells) < 2:
            continue
        low = tuple(c.lower() for c in cells)
        score = 0
        if want is not None:
            if low != want:
                continue
            score += 100 + len(want)
        if hrx is not None:
            if not hrx.search(rows.delimiter.join(cells)):
                continue
            score += 50
        if cols:
            if not cols.issubset(low):
                continue
            score += 10 + len(cols)
        if score:
            return score, i
    return None


# A sign written out in the amount cell: DR/CR before or after the number, a trailing minus,
# parentheses, a sign next to a currency symbol ("$-412.00", "-$412.00"), a leading plus. Such a
# cell states its own sign (DR/CR: the account holder's view), which a purchases-positive card
# export never needs (it writes bare numbers, with a leading minus on its credits).
EXPLICIT_SIGN = re.compile(r"^\s*(?:(?:CR|DR)\b|\(|\+|[$€£]\s*[-+]|-\s*[$€£])"
                           r"|(?:\b(?:CR|DR)\.?|-|\))\s*$", re.IGNORECASE)
# Descriptions a card statement never has: payroll and direct deposits, ACH entries, checks,
# ATM and branch deposits or withdrawals, transfers between a bank's own accounts.
BANK_ONLY_ROW = re.compile(
    r"\bPAYROLL\b|\bDIRECT\s+DEP(?:OSIT)?\b|\bDIR\s+DEP\b|\bACH\s+(?:DEBIT|CREDIT|DR|CR|W/?D|"
    r"WITHDRAWAL|DEPOSIT|TRANSFER|PMT|PAYMENT)\b|\b(?:PPD|CCD)\s+ID\b|\bINDN:|"
    r"^(?:CHECK|CHK)\s*(?:#|NO\.?)?\s*\d|^ATM\s+(?:WITHDRAWAL|W/?D|DEPOSIT|CASH)\b|"
    r"^(?:MOBILE\s+|REMOTE\s+|BRANCH\s+|ATM\s+)?DEPOSIT\b|"
    r"^(?:ONLINE\s+)?TRANSFER\s+(?:FROM|TO)\s+(?:SAV|CHK|CHECKING|SAVINGS|SHARE)", re.IGNORECASE)
# The Connector's names as banks print them (the ACH cut "COMMONWEALTH HEA", "HEALTH CONNECTOR");
# the classifier proper lives in normalize, this only spots its premiums while identifying.
CONNECTOR_NAME = re.compile(r"COMMONWEALTH\s*HEA(?![A-Z])|COMMONWEALTH\s+HEALTH\s+INS|"
                            r"HEALTH\s*CONNECTOR", re.IGNORECASE)


def _header_is_generic(cells: list[str]) -> bool:
    """Every name in the header row is one plain bank exports use too (a date, a description, an
    amount, a balance, a status...): the header alone says nothing about who issued the file.
    Names such as "Card Member", "Account #" or "Extended Details" are an issuer's own."""
    for c in cells:
        role = role_of(c)
        if role is None:
            if norm_name(c) not in PAYEE_NAMES:
                return False
        elif role[0] == "account":
            return False
    return True


def signs_fit(prof: Profile, rows: Rows, header_idx: int | None) -> bool:
    """A card layout that writes purchases positive (style "negated") claims a file only when its
    content reads like such a card export. "Date,Description,Amount" is Amex's header but also a
    plain bank export's, where money out is already negative; negating those signs turns every
    debit into a credit. The content contradicts the card layout when

    - an amount states its sign explicitly (EXPLICIT_SIGN: "412.00 DR", "412.00-", "(412.00)",
      "$-412.00"): a bank's way of writing money out;
    - more amounts are negative than positive (a card's rows are mostly purchases);
    - a Connector premium is written negative (on a card, paying the premium is a purchase);
    - a row is something no card statement has (BANK_ONLY_ROW: payroll, ACH entries, checks...).

    When the header row holds nothing but generic names (_header_is_generic), the header is no
    evidence of a card, so the content must also show it: more positive amounts than negative, or
    a description matching the profile's identify.evidence_rows (the issuer's own wording).
    """
    if prof.amount_style != "negated" or header_idx is None:
        return True
    j = prof.columns.get("amount")
    names = [clean_cell(c).lower() for c in rows.cells[header_idx]]
    if not isinstance(j, str) or j.lower() not in names:
        return True
    j = names.index(j.lower())
    dcol = prof.columns.get("description")
    dname = dcol[0] if isinstance(dcol, tuple) else dcol
    dj = names.index(dname.lower()) if isinstance(dname, str) and dname.lower() in names else None
    evidence = prof._compiled.get("evidence")
    if evidence is None:
        evidence = prof._compiled.setdefault("evidence", [re.compile(x) for x in prof.identify_evidence_rows])
    neg = pos = 0
    seen = False
    for r in rows.cells[header_idx + 1:header_idx + 201]:
        v = clean_cell(cell_at(r, j))
        if not v or not has_digit(v):
            continue
        if EXPLICIT_SIGN.search(v):
            return False
        negative = v[:1] == "-"
        neg += negative
        pos += not negative
        if dj is not None:
            raw = clean_cell(cell_at(r, dj))
            desc = " ".join(raw.upper().split())
            if BANK_ONLY_ROW.search(desc):
                return False
            if negative and CONNECTOR_NAME.search(desc):
                return False
            seen = seen or any(rx.search(raw) for rx in evidence)
    if neg > pos:
        return False
    if neg == pos and not seen and _header_is_generic(trimmed_cells(rows.cells[header_idx])):
        return False  # no evidence either way: the header is any bank's, read by the generic reader
    return True


def dates_fit(prof: Profile, rows: Rows, header_idx: int | None) -> bool:
    """A profile only claims a file whose first data rows fit its explicit date format."""
    parse = prof._compiled.get("date") or prof._compiled.setdefault(
        "date", compile_date_format(prof.date_format))
    j = prof.columns.get("date")
    start = 0 if header_idx is None else header_idx + 1
    if not isinstance(j, int):
        names = [clean_cell(c).lower() for c in rows.cells[header_idx or 0]]
        if not isinstance(j, str) or j.lower() not in names:
            return False
        j = names.index(j.lower())
    tried = ok = 0
    for r in rows.cells[start:start + 60]:
        v = clean_cell(cell_at(r, j))
        if not v or not v[0].isdigit():
            continue
        tried += 1
        try:
            parse(v)
            ok += 1
        except ValueError:
            pass
        if tried >= 10:
            break
    return tried == 0 or ok >= 0.8 * tried


def _quote(c: str, d: str) -> str:
    return '"' + c.replace('"', '""') + '"'


def layout_from_profile(prof: Profile, rows: Rows, header_idx: int | None, display: str) -> Layout:
    """Resolve a profile's column names against the file's header row."""
    names: list[str] = []
    if prof.header:
        if header_idx is None:
            raise ParseError(f"header row of profile {prof.name} not found", path=display,
                             rule=f"profile {prof.name} ({prof.source})",
                             hint="run without --profile to let recon detect the layout")
        names = [clean_cell(c).replace("\x00", "") for c in rows.cells[header_idx]]
        index = {}
        for j, nm in enumerate(names):
            index.setdefault(nm.lower(), j)
        start = header_idx + 1
    else:
        index = {}
        start = 0

    required = {"date", {"debit_credit": "debit", "type_column": "type"}.get(prof.amount_style, "amount"),
                "credit" if prof.amount_style == "debit_credit" else "amount"}

    def col(role: str) -> int | None:
        v = prof.columns.get(role)
        if v is None:
            return None
        if isinstance(v, tuple):
            v = v[0]
        return _resolve(v, optional=role not in required)

    def cols(role: str) -> list[int]:
        v = prof.columns.get(role)
        if v is None:
            return []
        items = v if isinstance(v, tuple) else (v,)
        return [j for j in (_resolve(x, optional=True) for x in items) if j is not None]

    def _resolve(v: str | int, optional: bool = False) -> int | None:
        if isinstance(v, int):
            return v
        j = index.get(v.lower())
        if j is None and not optional:
            raise ParseError(f"column {v!r} of profile {prof.name} not in the header", path=display,
                             line=rows.lines[header_idx] if header_idx is not None else None,
                             rule=f"profile {prof.name} ({prof.source})")
        return j

    fmt = prof.date_format
    style = prof.amount_style
    lay = Layout(
        name=prof.name, start=start, width=len(names), date_col=col("date") or 0,
        parse_date=compile_date_format(fmt), date_rule=f"date format {fmt} (profile {prof.name})",
        style=style,
        amount_col=col("amount"), debit_col=col("debit"), credit_col=col("credit"),
        sign_col=col("type") if style == "type_column" else None,
        debit_values=frozenset(prof.debit_values), credit_values=frozenset(prof.credit_values),
        decimal_mark=prof.decimal_mark or ".",
        payee_cols=cols("payee") or cols("description")[:1],
        memo_cols=cols("memo"),
        check_col=col("check_number"), trntype_col=col("type"), account_col=col("account"),
        balance_col=col("balance"), status_col=col("status"),
        header=[n.lower() for n in names] if names else None,
        header_line=rows.lines[header_idx] if header_idx is not None else None,
        names=names,
        balance_rx=[re.compile(r, re.IGNORECASE) for r in prof.balance_rows] or [BALANCE_ROW],
        skip_rx=[re.compile(r, re.IGNORECASE) for r in prof.skip_rows] or [TOTAL_ROW],
        pending_values=frozenset(prof.pending_values),
    )
    text = cols("description") + cols("payee") + cols("memo")
    seen: set[int] = set()
    lay.text_cols = [j for j in text if not (j in seen or seen.add(j))]
    if prof.decimal_mark is None:
        lay.decimal_mark = decide_mark(rows, lay)
    if lay.start < len(rows.cells) and prof.header is False and lay.width == 0:
        lay.width = max(len(r) for r in rows.cells[:50])
    return lay


