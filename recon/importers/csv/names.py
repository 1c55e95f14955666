"""Bank CSV vocabulary: column names -> roles, type-column markers -> signs, amount-shaped cells.

Input: a header cell or a data cell. Output: ``role_of(name)`` -> (role, rank) for the generic
reader's column mapping (English, Dutch, German, French, Portuguese, Czech, Hungarian, Afrikaans
names), ``type_sign(value)`` -> +1/-1/0, ``looks_like_amount``/``has_digit`` content tests.
"""
from __future__ import annotations

import re

from recon.importers.delimited import norm_name

# rank 1 = posting/booking date (what truth and OFX DTPOSTED use), 2 = a transaction date,
# 3 = value/settlement dates (used only when nothing else has dates).
DATE_NAMES: dict[str, int] = {
    "posting date": 1, "post date": 1, "posted date": 1, "date posted": 1, "booking date": 1,
    "buchungstag": 1, "buchungsdatum": 1, "boekdatum": 1, "boekingsdatum": 1,
    "datum zauctovani": 1, "konyveles datuma": 1, "data lancamento": 1, "data de lancamento": 1,
    "fecha contable": 1, "date operation": 1, "date de comptabilisation": 1,
    "date": 2, "datum": 2, "data": 2, "fecha": 2, "datum provedeni": 2, "run date": 2,
    "transaction date": 2, "transaction_date": 2, "trans date": 2, "txn date": 2, "tran date": 2,
    "date completed": 2, "created": 2, "datetime": 2, "date de l execution": 2,
    "transactiedatum": 2, "datum transactie": 2, "datum van transactie": 2, "date processed": 2,
    "completed date": 2, "date time": 2, "started date": 2, "timestamp": 2, "dia": 2,
    "value date": 3, "valutadatum": 3, "wertstellung": 3, "wert": 3, "valuta": 3,
    "date valeur": 3, "rentedatum": 3, "settlement date": 3, "data do balancete": 3,
    "data valor": 3, "fecha valor": 3, "journal date": 3,
}
AMOUNT_NAMES = {
    "amount", "transaction amount", "amount total", "bedrag", "betrag", "montant", "valor",
    "osszeg", "zauctovana castka", "importe", "amt", "value", "net amount", "castka", "kwota",
    "amount usd", "amount eur", "amount gbp", "bedrag eur", "betrag eur", "montant eur",
    "umsatz", "mutatie", "local amount", "amount in usd",
}
DEBIT_NAMES = {
    "debit", "debits", "debit amount", "withdrawal", "withdrawals", "withdrawal amount", "soll",
    "debet", "debito", "money out", "paid out", "outflow", "charges", "debit amt", "uitgaven",
    "af", "ausgang", "retrait", "withdrawals debits", "withdrawals and debits",
}
CREDIT_NAMES = {
    "credit", "credits", "credit amount", "deposit", "deposits", "deposit amount", "haben",
    "credito", "money in", "paid in", "inflow", "credit amt", "inkomsten", "bij", "eingang",
    "deposits credits", "deposits and credits", "payments credits",
}
BALANCE_NAMES = (
    "running bal", "running balance", "runningbalance", "balance", "saldo", "kontostand",
    "saldo na trn", "ending balance", "cash balance", "solde", "available balance",
    "ending daily balance", "saldo apos", "zustatek", "egyenleg",
)
TYPE_NAMES = {
    "type", "transaction type", "tran type", "trans type", "details", "creditdebet",
    "credit debet", "af bij", "debit credit", "credit debit", "dc", "d c", "cr dr", "dr cr",
    "credit debit indicator", "debit credit indicator", "soll haben", "s h", "indicator",
}
CHECK_NAMES = {
    "check or slip", "check", "check number", "checknumber", "check no", "check num",
    "chk", "chk no", "cheque", "cheque number", "check serial number", "check slip",
    "cheque no", "serial number", "check nr",
}
ACCOUNT_NAMES = {
    "account", "account number", "account no", "rekening", "rekeningnummer", "kontonummer",
    "iban bban", "iban", "cislo uctu", "szamlaszam", "card no", "card number", "account name",
    "card", "card member", "konto",
}
MEMO_NAMES = {
    "memo", "notes", "note", "mededelingen", "verwendungszweck", "remarque", "comments",
    "comment", "zprava", "poznamka", "kozlemeny", "extended details", "reference", "narrative",
}
PAYEE_NAMES = (
    "description", "transaction description", "payee", "name", "merchant", "naam omschrijving",
    "naam tegenpartij", "tegenrekeninghouder", "auftraggeber empfanger", "beguenstigter",
    "historico", "omschrijving", "omschrijving 1", "details", "detail", "libelle", "action",
    "nazev protiuctu", "partner nev", "beskrywing1", "item1", "to", "counterparty",
    "contrepartie de l operation", "original description", "buchungstext", "narration",
    "particulars", "felhasznalonev", "transaction details",
)
STATUS_NAMES = {"status", "state", "transaction status"}
# Metadata columns that never belong in a description.
EXCLUDED_TEXT = {
    "currency", "munt", "devise", "devise du compte", "waehrung", "wahrung", "mena", "devizanem",
    "valutacode", "category", "categorie", "kategorie", "kategorie transakce", "labels", "time",
    "time zone", "status", "symbol", "security type", "type group", "instructed currency",
    "bic", "bic tegenpartij", "local currency", "emoji", "receipt", "funding source", "code",
    "mutatiesoort", "betaalwijze", "type betaling", "branch code", "bank code", "currency code",
    "original currency", "short name", "information mode", "cislo uctu", "iban bban",
    "tegenrekening iban bban", "tegenrekening", "tegenrekeningnummer", "rekening",
    "partner iban szama", "partner szamlaszama", "partner bankkodja", "volgnr", "batch id",
    "machtigingsnummer", "incassant id", "referentie", "transactiereferentie", "id",
    "receipt id", "account key", "document number", "shared item", "own item", "sort code",
    "bank rtn", "card ending", "address", "city state", "zip code", "country", "reference number",
    "szamlaszam", "account number", "account", "card no", "kontonummer", "numero de compte",
    "annee reference", "numero do documento", "dependencia origem",
}


def role_of(name: str) -> tuple[str, int] | None:
    """Column name -> (role, rank) from the vocabulary, or None. Lower rank wins."""
    n = norm_name(name)
    if not n:
        return None
    if n in DATE_NAMES:
        return ("date", DATE_NAMES[n])
    if n in DEBIT_NAMES or n.startswith(("debit ", "withdrawal")):
        return ("debit", 1)
    if n in CREDIT_NAMES or n.startswith(("credit amount", "deposit")):
        return ("credit", 1)
    if n in AMOUNT_NAMES:
        return ("amount", 1 if n == "amount" else 2)
    if n.startswith(("amount ", "bedrag ", "betrag ")) or n.endswith(" amount"):
        return ("amount", 3)
    if n in TYPE_NAMES:
        return ("type", 1)
    if n in CHECK_NAMES:
        return ("check_number", 1)
    if n in STATUS_NAMES:
        return ("status", 1)
    for i, b in enumerate(BALANCE_NAMES):
        if n == b or n.startswith(b + " "):
            if any(w in n for w in ("initial", "final", "opening", "closing", "before")):
                return None
            return ("balance", i)
    if n in ACCOUNT_NAMES:
        return ("account", 1)
    if n in MEMO_NAMES:
        return ("memo", 1)
    if n.endswith(" date") or n.endswith(" datum") or n.startswith("date "):
        return ("date", 4 if "initial" not in n and "final" not in n else 9)
    return None


# ---------------------------------------------------------------------------------------------
# Type-column vocabulary (sign from a debit/credit marker)
# ---------------------------------------------------------------------------------------------

DEBIT_WORDS = frozenset({
    "debit", "d", "dr", "db", "af", "debet", "soll", "s", "withdrawal", "dbit", "-", "out", "debito",
})
CREDIT_WORDS = frozenset({
    "credit", "c", "cr", "bij", "haben", "h", "deposit", "+", "in", "credito",
})


def type_sign(value: str) -> int:
    """+1 for a credit marker, -1 for a debit marker, 0 for anything else."""
    v = value.strip().lower()
    if v in DEBIT_WORDS:
        return -1
    if v in CREDIT_WORDS:
        return 1
    return 0


def looks_like_amount(s: str) -> bool:
    """Cheap content test: an amount-shaped cell ("-1,234.56", "$5", "(12.00)", "10,00-", "5 CR")."""
    return bool(_RE_AMOUNTISH.match(s.strip()))


_RE_AMOUNTISH = re.compile(
    r"^[+\-(]?\s*[$€£]?\s*[+\-]?\s*(?:\d{1,3}(?:[,.' ]\d{3})+|\d+)?(?:[.,]\d+)?\)?\s*-?"
    r"(?:\s*(?:CR|DR))?$", re.IGNORECASE)


def has_digit(s: str) -> bool:
    return any(ch.isdigit() for ch in s)

