"""A bank's description of an ACH entry (one text line) -> AchFields, or None if it is not ACH-like.

Each bank wraps the NACHA fields (company name, 16 characters; company entry description; company id;
individual id and name; SEC code; trace number, 15 digits; effective date) in its own way
(../shared/domain.md, "How payments appear at the bank"):

- Chase long:  ``ORIG CO NAME:COMMONWEALTH HEA ORIG ID:1234567890 DESC DATE:260324 CO ENTRY DESCR:PREMIUM
  SEC:WEB TRACE#:021000021234567 EED:260324 IND ID:RefID123 IND NAME:JANE DOE TRN:0831234567TC``
- Chase short: ``COMMONWEALTH HEA PREMIUM PPD ID: 1043123456``
- Bank of America: ``COMMONWEALTH HEA DES:PREMIUM ID:7123456789 INDN:JANE DOE CO ID:1043123456 WEB``
- PNC: ``ACH DEBIT WEB COMMONWEALTH HEA PREMIUM 7123456789``, ``ACH WEB-SINGLE 12345678 COMMONWEALTH HEA``,
  and the business-account form ``ACH DEBIT RECEIVED - Cust ID: ... Desc: ... Comp Name: ... Comp ID: ...
  SEC: PPD Cust Name: ...``
- TD Bank: ``ACH DEBIT, COMMONWEALTH HEA PREMIUM ...``, ``ELECTRONIC PMT-WEB, COMMONWEALTH HEA ...``
- credit unions: ``EFT ACH COMMONWEALTH HEA ...``, ``ACH Debit COMMONWEALTH HEA - PREMIUM``
- Wells Fargo runs the fields together: ``COMMONWEALTH HEA PREMIUM 260324 7123456789 JANE DOE``

Parsing is not classification: any company is parsed (Commonwealth Health Alliance shares the
16-character cut ``COMMONWEALTH HEA``). Values are kept as written; ``effective_date`` is the YYMMDD text.
"""
from __future__ import annotations

import re
import sys
from datetime import date

from recon.model import AchFields, fast_constructor

_NAME_WIDTH = 16  # the NACHA company name field

# Labelled fields, longest wording first where two share a start. None: a label whose value is dropped.
_LABELS: dict[str, str | None] = {
    "ORIG CO NAME": "company_name", "ORIG ID": "company_id", "DESC DATE": "descriptive_date",
    "CO ENTRY DESCR": "entry_description", "SEC": "sec_code", "EED": "effective_date",
    "IND ID": "individual_id", "IND NAME": "individual_name", "TRN": None,
    "CO ID": "company_id", "INDN": "individual_name", "DES": "entry_description", "ID": "individual_id",
    "COMP NAME": "company_name", "COMP ID": "company_id", "DESC": "entry_description",
    "CUST ID": "individual_id", "CUST NAME": "individual_name", "BATCH DISCR": None, "ADDENDA": None,
    "PPD ID": "company_id", "WEB ID": "company_id", "CCD ID": "company_id", "TEL ID": "company_id",
    "CO NAME": "company_name", "ENTRY DESCR": "entry_description", "INDIVIDUAL ID": "individual_id",
    "INDIVIDUAL NAME": "individual_name", "EFF DATE": "effective_date",
}
# Labels too generic to make a line ACH-like on their own ("ID:" appears in card and P2P text too).
_WEAK_LABELS = {"ID", "DESC", "TRN", "ADDENDA", "DES"}
_LABEL_RE = re.compile(
    r"(?<![A-Za-z0-9#])("
    + "|".join(re.escape(k).replace(r"\ ", r"\s+") for k in sorted(_LABELS, key=len, reverse=True))
    + r")\s*:\s*",
    re.IGNORECASE,
)
_TRACE_RE = re.compile(
    r"\bTRACE\s*(?:#|NO\.?|NUMBER|NUM)?\s*[:#]?\s*(\d{15})(?!\d)", re.IGNORECASE)
# SEC codes (NACHA standard entry classes) a bank may print after or before the fields.
_SEC = {"PPD", "WEB", "CCD", "TEL", "CIE", "ARC", "BOC", "POP", "RCK", "CTX", "IAT", "PBR", "PPR"}
# Prefixes banks put before the company name; the group, when present, is the SEC code.
_PREFIX_RE = re.compile(
    r"^(?:"
    r"ACH\s+(?:DEBIT|CREDIT|DR|CR|PMT|PAYMENT|WITHDRAWAL|DEPOSIT)\b(?:\s+RECEIVED\b)?[\s,:-]*"
    r"(?:(PPD|WEB|CCD|TEL)\b)?"
    r"|ACH\s+(PPD|WEB|CCD|TEL)(?:-(?:SINGLE|RECUR|RECURRING|ONE\s*TIME))?\b"
    r"|ELECTRONIC\s+(?:PMT|PAYMENT|DEBIT|WITHDRAWAL)(?:-(PPD|WEB|CCD|TEL))?\s*,?"
    r"|(?:EFT|E-?PAYMENT|PREAUTHORIZED|PRE-AUTH(?:ORIZED)?)\s+(?:ACH|DEBIT|DR|PMT|WD)\b(?:\s+(?:DEBIT|DR|PMT|WD)\b)?"
    r"|EFT\b|ACH\b"
    r")[\s,:-]*",
    re.IGNORECASE,
)
# Common company entry descriptions: a word from this list ends an unlabelled company name early.
_ENTRY_WORDS = {"PREMIUM", "PREM", "PAYMENT", "PAYMENTS", "PMT", "PYMT", "AUTOPAY", "AUTO-PAY", "EPAY",
                "E-PAYMENT", "WEBPAY", "BILLPAY", "ONLINEPMT", "ONLINE", "DEBIT", "INS"}
_DIGITISH = re.compile(r"[A-Za-z]*\d[A-Za-z0-9]*")


def _yymmdd(s: str) -> bool:
    if len(s) != 6 or not s.isdigit():
        return False
    try:
        date(2000 + int(s[:2]), int(s[2:4]), int(s[4:]))
    except ValueError:
        return False
    return True


def _split_name(words: list[str]) -> tuple[str, list[str]]:
    """Leading words that fit the 16-character company name field -> (name, remaining words)."""
    if not words:
        return "", []
    taken = [words[0]]
    for w in words[1:]:
        if w.upper() in _ENTRY_WORDS or w == "-" or _DIGITISH.fullmatch(w):
            break
        if len(" ".join([*taken, w])) > _NAME_WIDTH:
            break
        taken.append(w)
    return " ".join(taken), words[len(taken):]


def _parse_rest(words: list[str], out: dict[str, str]) -> bool:
    """Words after an unlabelled company name: entry description, date, ids, payer name.

    Returns True when the words have the Wells Fargo run-together shape (YYMMDD then an id).
    """
    if words and words[0] == "-":
        words = words[1:]
    if words and words[-1].upper() in _SEC:
        out.setdefault("sec_code", words[-1].upper())
        words = words[:-1]
    first_num = next((i for i, w in enumerate(words) if _DIGITISH.fullmatch(w)), len(words))
    descr = [w for w in words[:first_num] if w != "-"]
    if descr:
        out.setdefault("entry_description", " ".join(descr))
    nums: list[str] = []
    i = first_num
    while i < len(words) and _DIGITISH.fullmatch(words[i]):
        nums.append(words[i])
        i += 1
    tail = words[i:]
    run_together = False
    if len(nums) >= 2 and _yymmdd(nums[0]):
        out.setdefault("effective_date", nums[0])
        nums = nums[1:]
        run_together = True
    for n in nums:
        if len(n) == 15 and n.isdigit():
            out.setdefault("trace_number", n)
        elif "individual_id" not in out:
            out["individual_id"] = n
        else:
            out.setdefault("company_id", n)
    if tail and nums and all(re.fullmatch(r"[A-Za-z][A-Za-z.,'&-]*", w) for w in tail):
        out.setdefault("individual_name", " ".join(tail))
    return run_together


def _parse_fields(description: str) -> AchFields | None:
    """The general parser (every layout); parse_ach must return what this returns."""
    s = " ".join((description or "").split())
    if not s:
        return None
    out: dict[str, str] = {}
    ach_like = False

    m = _TRACE_RE.search(s)
    if m:
        out["trace_number"] = m.group(1)
        s = (s[: m.start()] + " " + s[m.end():]).strip()
        ach_like = True

    labels = list(_LABEL_RE.finditer(s))
    head = s[: labels[0].start()].strip() if labels else s
    for k, lm in enumerate(labels):
        key = " ".join(lm.group(1).upper().split())
        end = labels[k + 1].start() if k + 1 < len(labels) else len(s)
        value = s[lm.end():end].strip()
        if key not in _WEAK_LABELS:
            ach_like = True
        if key in ("PPD ID", "WEB ID", "CCD ID", "TEL ID"):
            out.setdefault("sec_code", key.split()[0])
        if k + 1 == len(labels):  # the last value may end with the SEC code ("CO ID:1043123456 WEB")
            parts = value.rsplit(" ", 1)
            if len(parts) == 2 and parts[1].upper() in _SEC and _LABELS.get(key) != "sec_code":
                out.setdefault("sec_code", parts[1].upper())
                value = parts[0]
        target = _LABELS.get(key)
        if target and value:
            if target == "sec_code":
                value = value.upper()
            if target == "trace_number":
                continue
            out.setdefault(target, value)

    pm = _PREFIX_RE.match(head)
    if pm and pm.end() > 0:
        ach_like = True
        sec = next((g for g in pm.groups() if g), None)
        if sec:
            out.setdefault("sec_code", sec.upper())
        head = head[pm.end():].strip()

    words = head.split()
    if words and "company_name" not in out:
        if words[0].upper() in _SEC:  # "ACH DEBIT, WEB COMMONWEALTH HEA"
            out.setdefault("sec_code", words[0].upper())
            words = words[1:]
        if words and words[0].isdigit() and len(words) > 1:  # PNC: "ACH WEB-SINGLE 12345678 COMPANY"
            out.setdefault("individual_id", words[0])
            words = words[1:]
        name, rest = _split_name(words)
        if name:
            out["company_name"] = name
        if _parse_rest(rest, out):
            ach_like = True
    elif words and "entry_description" not in out:
        out["entry_description"] = head

    if "descriptive_date" in out:
        descriptive = out.pop("descriptive_date")
        out.setdefault("effective_date", descriptive)
    if not ach_like or not out:
        return None
    return AchFields(**out)


_make_ach = fast_constructor(AchFields)
_intern = sys.intern
# Necessary for the parser to call a line ACH-like: a label (a colon), a trace or a run-together
# date (6 digits in a row), or a bank prefix at the start. Most bank rows are not ACH at all.
_MAYBE_ACH = re.compile(r"\d{6}|^\s*(?:ACH|EFT|ELECTRONIC|E-?PAYMENT|PRE)", re.IGNORECASE)


def _interned(f: AchFields) -> AchFields:
    """The same fields, the repeating values shared (sys.intern), the trace number as it is."""
    return _make_ach(
        f.company_name and _intern(f.company_name), f.entry_description and _intern(f.entry_description),
        f.company_id and _intern(f.company_id), f.individual_id and _intern(f.individual_id),
        f.individual_name and _intern(f.individual_name), f.trace_number,
        f.sec_code and _intern(f.sec_code), f.effective_date and _intern(f.effective_date))


def parse_ach(description: str) -> AchFields | None:
    """Parse the ACH fields out of one bank description line; None when nothing ACH-like is found.

    A line with no colon, no run of 6 digits and no ACH prefix is not ACH-like; the values that
    repeat from line to line (all but the trace number) are interned (an organisation's year holds
    900,000 of them).
    """
    if not description:
        return None
    if ":" not in description and _MAYBE_ACH.search(description) is None:
        return None  # no label, no trace, no run-together date, no bank prefix
    f = _parse_fields(description)
    return None if f is None else _interned(f)
