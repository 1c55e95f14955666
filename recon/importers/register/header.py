"""Check register headers: which columns a register names, and whether a header row is one.

Input: a header row's cells. Output: ``roles_of`` -> {role: column index} for number, date,
payee, amount and memo; ``looks_like_check_register`` -> True for a register's header (and for no
bank export's: the bank CSV importer asks it too, so exactly one of the two claims a file).
"""
from __future__ import annotations

from recon.importers.delimited import norm_name

NUMBER_NAMES = {"number", "check", "check number", "check no", "check num", "check nr", "num",
                "no", "chk", "chk no", "cheque", "cheque no", "cheque number", "check or slip",
                "checknumber", "nr"}
DATE_NAMES = {"date", "date written", "written", "written date", "date issued", "issued",
              "check date", "date of check"}
PAYEE_NAMES = {"payee", "pay to", "paid to", "pay to the order of", "to", "payee name", "recipient"}
AMOUNT_NAMES = {"amount", "check amount", "amt", "amount paid", "payment", "sum"}
MEMO_NAMES = {"memo", "for", "note", "notes", "description", "memo line"}
# Bank-export-only columns: a file with these is a bank statement, not a register.
BANK_ONLY = {"posting date", "post date", "posted date", "balance", "running bal", "running balance",
             "details", "transaction type", "debit", "credit", "withdrawal", "deposit",
             "withdrawals", "deposits", "runningbalance", "status"}


def roles_of(header_cells: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for j, cell in enumerate(header_cells):
        n = norm_name(cell)
        for role, names in (("number", NUMBER_NAMES), ("date", DATE_NAMES), ("payee", PAYEE_NAMES),
                            ("amount", AMOUNT_NAMES), ("memo", MEMO_NAMES)):
            if n in names and role not in found:
                found[role] = j
                break
    return found


def looks_like_check_register(header_cells: list[str]) -> bool:
    """True for a register header: a check-number, a payee and an amount column, and none of the
    bank-only columns (posting date, balance, debit/credit...)."""
    normed = {norm_name(c) for c in header_cells}
    if normed & BANK_ONLY:
        return False
    roles = roles_of(header_cells)
    return {"number", "payee", "amount"} <= roles.keys()
