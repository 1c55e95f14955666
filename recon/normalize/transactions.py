"""Records -> Connector Transactions: classify, merge overlapping exports, tie checks.

Input: every BankRecord and CheckEntry read (with provenance) and the bills (for corroboration).
Output: Transactions with role payment/return/refund, each listing every Source it was seen in,
plus notes on look-alikes that were set aside.

Overlap rule (report-schema.md): the same real transaction seen in TWO exports is one transaction;
identical rows inside ONE export are separate transactions. So a record merges only with a
transaction that no earlier record of its own file has already claimed.
"""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import groupby

import recon.normalize.payees as payees
from recon.config import Config
from recon.model import AchFields, BankRecord, Bill, CheckEntry, Source, Transaction, fast_constructor
from recon.normalize.ach import parse_ach
from recon.privacy import last4

_RETURN = re.compile(payees.RETURN_WORDS)
_AUTOPAY = re.compile(payees.AUTOPAY_WORDS)
_CHECK_DESC = re.compile(r"^(?:CHECK|CHK|CHQ)\s*#?\s*(\d{1,8})\b")
# The bank's own charge when a payment comes back ("NSF FEE RETURNED ACH COMMONWEALTH HEA",
# "RETURNED ITEM FEE"): it names the Connector's payment but is money the bank took, never a
# payment to the Connector (domain.md, "Returned debits").
_BANK_FEE = re.compile(r"\b(?:NSF|INSUFFICIENT\s+FUNDS?|RETURNED\s+ITEM|RETURN(?:ED)?\s+(?:ACH|ITEM|PAYMENT|CHECK)|"
                       r"OVERDRAFT|OD)\b.*\bFEE\b|\bFEE\b.*\b(?:NSF|INSUFFICIENT|RETURN(?:ED)?|OVERDRAFT)\b",
                       re.IGNORECASE)
_BILLING_ACCT = re.compile(r"(?<!\d)7\d{8}(?!\d)")
_FOLD_DIGITS = bytes.maketrans(b"123456789", b"000000000")
_new_transaction = fast_constructor(Transaction)


def norm_text(s: str) -> str:
    """Upper-case, single-spaced: the form every descriptor rule matches on."""
    # str.split() splits on exactly the characters regex \s matches in str patterns (checked over
    # every code point), and is several times faster than a regex substitution.
    return " ".join(s.upper().split())


@dataclass(frozen=True, slots=True)
class Verdict:
    """How a description relates to the Connector."""

    level: str          # "full" | "cut" | "weak" | "alias" | "negative" | "none"
    reason: str


class Classifier:
    """Description -> Verdict; caches per distinct normalised text (1M rows, few distinct payees)."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self._cache: dict[str, Verdict] = {}
        self._user_neg = [norm_text(a) for a in config.not_connector_aliases]
        self._user_pos = [norm_text(a) for a in config.connector_aliases]
        self._raw_cache: dict[bytes, Verdict] = {}
        words = [*self._user_neg, *self._user_pos, *payees.WEAK]      # substring / fuzzy matched
        patterns = [*payees.NEGATIVE, *payees.STRONG_FULL, payees.STRONG_CUT]   # regexes
        self._fold = not any(any(ch.isdigit() for ch in w) for w in words + patterns) and \
            not any(tok in p for p in patterns for tok in ("\\", ".", "[^"))   # nothing matches a digit

    def classify(self, description: str) -> Verdict:
        if self._fold:
            # Every ASCII digit -> "0" before the cache: trace numbers, dates and store numbers no
            # longer make each text distinct. Safe because no pattern, vocabulary word or user alias
            # contains a digit (checked in __init__), so no match, matched text or fuzzy score can
            # depend on which digit stands where; norm_text commutes with the mapping.
            # (bytes.translate is ~10x faster than str.translate; in UTF-8 the bytes 1-9 are only
            # ever ASCII digits.)
            raw = description.encode("utf-8", "surrogatepass").translate(_FOLD_DIGITS)
            v = self._raw_cache.get(raw)
            if v is None:
                v = self._classify_text(norm_text(raw.decode("utf-8", "surrogatepass")))
                self._raw_cache[raw] = v
            return v
        return self._classify_text(norm_text(description))

    def _classify_text(self, key: str) -> Verdict:
        v = self._cache.get(key)
        if v is None:
            v = self._classify(key)
            self._cache[key] = v
        return v

    def _classify(self, text: str) -> Verdict:
        for a in self._user_neg:
            if a and a in text:
                return Verdict("negative", f'user alias: "{a}" is not the Connector')
        for a in self._user_pos:
            if a and a in text:
                return Verdict("alias", f'user alias "{a}"')
        # The name rules (legal name, shortened or abbreviated, near misses, the ACH cut, common
        # names; rapidfuzz for misspelt words) live in recon.normalize.payees.
        level, reason = payees.classify_name(text, self.config.tolerances.weak_name_score)
        return Verdict(level, reason)


def _check_number(r: BankRecord) -> str | None:
    if r.check_number and r.check_number.strip("0"):
        return r.check_number.lstrip("0") or r.check_number
    d = r.description
    c = d[:1]
    if c.isspace():
        c = d.lstrip()[:1]
    if c not in ("c", "C"):   # _CHECK_DESC needs C... first: skip norm_text for most rows
        return None
    m = _CHECK_DESC.match(norm_text(r.description))
    return m.group(1) if m else None


@dataclass(slots=True)
class _Pending:
    """A transaction being assembled from one or more records: the first (and its file's index)
    plus, rarely, the same transaction seen in other exports (``more``)."""

    fi: int
    first: BankRecord
    verdict: Verdict | None = None
    check_number: str | None = None
    register: CheckEntry | None = None
    ach: AchFields | None = None
    reason: str = ""
    more: list[tuple[int, BankRecord]] | None = None

    @property
    def records(self) -> list[tuple[int, BankRecord]]:
        return [(self.fi, self.first), *(self.more or ())]


def _compatible(a: BankRecord, b: BankRecord, cn_a: str | None, cn_b: str | None) -> bool:
    """Could two records from different exports be the same real transaction?"""
    if a.date != b.date or a.amount != b.amount:
        return False
    la, lb = last4(a.account), last4(b.account)
    if la and lb and la != lb:
        return False
    if a.fitid and b.fitid and la and lb:
        # Two OFX exports of one account: (account, FITID) decides, confirmed by the date and
        # amount compared above, since some banks reuse FITIDs.
        return a.fitid == b.fitid
    if cn_a or cn_b:
        return cn_a == cn_b
    ta, tb = norm_text(a.description), norm_text(b.description)
    if not ta or not tb:
        return True
    head = min(len(ta), len(tb), 16)
    if ta[:head] == tb[:head] or ta in tb or tb in ta:
        return True
    from rapidfuzz import fuzz, utils

    return fuzz.token_set_ratio(ta, tb, processor=utils.default_process, score_cutoff=80) > 0


def merge_records(files: list[list[tuple[BankRecord, Verdict | None, str | None]]]) -> list[_Pending]:
    """Merge the kept records (record, verdict, check number) across exports, in path order."""
    merged: list[_Pending] = []
    # (date, amount) -> the one pending with that key, or a list once there are several
    by_key: dict[tuple[date, Decimal], _Pending | list[_Pending]] = {}
    for fi in range(len(files)):
        kept, files[fi] = files[fi], []     # each file's list is let go once merged
        claimed: set[int] = set()
        for r, verdict, cn in kept:
            target = None
            key = (r.date, r.amount)
            got = by_key.get(key)
            for cand in () if got is None else got if isinstance(got, list) else (got,):
                if id(cand) in claimed or cand.fi == fi or (
                        cand.more and any(f == fi for f, _ in cand.more)):
                    continue
                if _compatible(cand.first, r, cand.check_number, cn):
                    target = cand
                    break
            if target is None:
                target = _Pending(fi, r, verdict=verdict, check_number=cn)
                merged.append(target)
                if got is None:
                    by_key[key] = target
                elif isinstance(got, list):
                    got.append(target)
                else:
                    by_key[key] = [got, target]
            else:
                if verdict is not None and (target.verdict is None or target.verdict.level == "none"):
                    target.verdict = verdict
                if target.more is None:
                    target.more = []
                target.more.append((fi, r))
            claimed.add(id(target))
    return merged


def _bill_amounts(bills: list[Bill]) -> set[Decimal]:
    """Amounts a real Connector payment plausibly has: amounts due, charges, sums per cycle, items."""
    out: set[Decimal] = set()
    by_date: dict[date, list[Decimal]] = defaultdict(list)
    seen: set[tuple] = set()   # an organisation's bills repeat a few money shapes many times
    for b in bills:
        shape = (b.amount_due, b.current_charges, b.premium, b.tax_credit, b.state_subsidy)
        if shape not in seen:
            seen.add(shape)
            for v in (b.amount_due, b.current_charges, b.premium and b.subsidy is not None and
                      (b.premium - (b.subsidy or 0))):
                if isinstance(v, Decimal) and v > 0:
                    out.add(v)
        if b.amount_due > 0:
            by_date[b.bill_date].append(b.amount_due)
        for item in b.payment_items:
            out.add(item.amount)
    for amounts in by_date.values():
        out.add(sum(amounts, Decimal(0)))
    return out


@dataclass(frozen=True, slots=True)
class NormalizeResult:
    transactions: tuple[Transaction, ...]
    notes: tuple[str, ...]
    uncashed_checks: tuple[CheckEntry, ...] = ()   # Connector checks in the register, not at the bank
    bank_fees: tuple[BankRecord, ...] = ()          # the bank's fees for a returned Connector payment


def _is_connector_check(c: CheckEntry, clf: Classifier, bill_accounts: set[str]) -> str | None:
    v = clf.classify(c.payee)
    if v.level in ("full", "cut", "weak", "alias"):
        return f"check register payee {c.payee!r}"
    m = _BILLING_ACCT.search(c.memo or "")
    if m and (not bill_accounts or m.group(0) in bill_accounts):
        return f"check register memo names billing account {m.group(0)}"
    return None


def normalize(files: Sequence[Sequence[BankRecord]], checks: list[CheckEntry], bills: list[Bill],
              config: Config) -> NormalizeResult:
    """Classify and merge. ``files`` holds each bank export's records, in path order."""
    clf = Classifier(config)
    notes: list[str] = []
    bill_accounts = {b.billing_account for b in bills}
    fees: list[BankRecord] = []
    pending = merge_records(_connector_records(files, clf, notes, fees))
    used_register: set[int] = set()
    candidates = _tie_checks(pending, checks, bills, clf, used_register)
    del pending
    txs = _corroborate(candidates, bills, notes)
    del candidates     # txs holds the only references now: _finish lets each go once built
    uncashed = tuple(c for c in checks if id(c) not in used_register
                     and _is_connector_check(c, clf, bill_accounts))
    return NormalizeResult(transactions=tuple(_finish(txs, {a: a for a in bill_accounts})),
                           notes=tuple(sorted(set(notes))), uncashed_checks=uncashed,
                           bank_fees=tuple(fees))


def _connector_records(files: Sequence[Sequence[BankRecord]], clf: Classifier, notes: list[str],
                       fees: list[BankRecord]) -> list[list[tuple[BankRecord, Verdict | None, str | None]]]:
    """Per file, the records that may be the Connector's: (record, name verdict, check number).

    One pass over every record; only the kept ones stay referenced (a file's records may be built
    on demand, e.g. RecordColumns, so nothing here may rely on a record's identity across passes)."""
    kept_files: list[list[tuple[BankRecord, Verdict | None, str | None]]] = []
    for recs in files:
        kept: list[tuple[BankRecord, Verdict | None, str | None]] = []
        for r in recs:
            cn = _check_number(r)
            if cn is not None and r.amount < 0:
                kept.append((r, None, cn))
                continue
            v = clf.classify(r.description)
            if v.level in ("full", "cut", "weak", "alias"):
                if r.amount < 0 and _BANK_FEE.search(r.description):
                    notes.append(f"{r.source.path}:{r.source.line or r.source.fitid}: a bank fee for a returned "
                                 f"payment ({norm_text(r.description)[:40]!r}), not a payment to the Connector")
                    fees.append(r)
                    continue
                kept.append((r, v, None))
            elif v.level == "negative" and "COMMONWEALTH HEA" in norm_text(r.description):
                notes.append(f"{r.source.path}:{r.source.line or r.source.fitid}: "
                             f"{v.reason}; not counted as a Connector payment")
        kept_files.append(kept)
    return kept_files


def _tie_checks(pending: list[_Pending], checks: list[CheckEntry], bills: list[Bill], clf: Classifier,
                used_register: set[int]) -> list[_Pending]:
    """The Connector's candidates: named ones, and checks tied to it by the member's register (or
    listed on a bill's payments received). Register entries used are added to ``used_register``."""
    bill_accounts = {b.billing_account for b in bills}
    register: dict[str, list[CheckEntry]] = defaultdict(list)
    for c in checks:
        register[c.number.lstrip("0") or c.number].append(c)
    # Check numbers the bills list among payments received (a second witness for a check).
    bill_check_numbers: set[str] = set()
    for b in bills:
        for item in b.payment_items:
            for m in re.finditer(r"(?:CHECK|CHK)\s*#?\s*(\d{1,8})", item.description.upper()):
                bill_check_numbers.add(m.group(1).lstrip("0"))
    candidates: list[_Pending] = []
    for p in pending:
        if p.verdict is not None:
            candidates.append(p)
            continue
        entries = [c for c in register.get(p.check_number or "", []) if id(c) not in used_register]
        entry = next((c for c in entries if c.amount == -p.first.amount), None)
        why = _is_connector_check(entry, clf, bill_accounts) if entry else None
        if entry is not None and why:
            used_register.add(id(entry))
            p.register = entry
            p.verdict = Verdict("check", why)
            candidates.append(p)
        elif p.check_number in bill_check_numbers:
            p.verdict = Verdict("check", f"check {p.check_number} is listed on a bill's payments received")
            candidates.append(p)
    return candidates


def _corroborate(candidates: list[_Pending], bills: list[Bill], notes: list[str]) -> list[_Pending]:
    """Keep a "cut"/"weak" name only when an amount fits a bill or its ACH company id is that of
    corroborated Connector debits; each kept one gets its reason in words."""
    amounts = _bill_amounts(bills)
    for p in candidates:
        p.ach = parse_ach(p.first.description)
    good_ids: set[str] = set()
    for p in candidates:
        a = p.ach
        if p.verdict and p.verdict.level in ("full", "alias") or (-p.first.amount in amounts):
            if a and a.company_id:
                good_ids.add(a.company_id)
    txs: list[_Pending] = []
    reasons: dict[str, str] = {}   # one string object per distinct wording (900k draws, a few texts)
    for p in candidates:
        r = p.first
        v = p.verdict
        assert v is not None
        reason = v.reason
        a = p.ach
        if v.level in ("cut", "weak"):
            if abs(r.amount) in amounts:
                reason += "; amount fits a bill"
            elif a and a.company_id and good_ids and a.company_id not in good_ids:
                notes.append(f"{r.source.path}:{r.source.line or r.source.fitid}: "
                             f"{norm_text(r.description)[:40]!r} has company id ending "
                             f"{a.company_id[-4:]}, unlike the Connector's debits; not counted")
                continue
            elif a and a.company_id and a.company_id in good_ids:
                reason += "; same ACH company id as corroborated Connector debits"
            else:
                reason += "; name only (no bill amount fits)"
        p.reason = reasons.setdefault(reason, reason)
        txs.append(p)
    return txs


def _finish(txs: list[_Pending], accounts: dict[str, str]) -> list[Transaction]:
    """Pending -> Transactions with their ids; empties ``txs`` as it goes (each pending and its
    records are let go once built). ``accounts`` maps each billing account to its one string
    object, shared by every hint that names it."""
    built: list[Transaction] = []
    for i in range(len(txs)):
        p, txs[i] = txs[i], None  # type: ignore[call-overload]
        r = p.first
        if not p.more:
            sources = [r.source]
            desc = r.description
            account = r.account or None
        else:
            sources = sorted({rec.source for _, rec in p.records}, key=_source_key)
            # Prefer the longest description seen (CSV keeps what OFX NAME cuts at 32 characters).
            desc = max((rec.description for _, rec in p.records), key=lambda d: (len(d), d))
            account = next((rec.account for _, rec in p.records if rec.account), None)
        if p.register is not None:
            sources = sorted(set(sources) | {p.register.source}, key=_source_key)
        text = norm_text(r.description)
        if r.amount < 0:
            role = "payment"
        elif _RETURN.search(text):
            role = "return"
        else:
            role = "refund"   # may become "return" once paired with a debit (match stage)
        hint_text = " ".join([desc] + ([p.register.memo] if p.register else []))
        hint = _BILLING_ACCT.search(hint_text)
        built.append(Transaction(
            id="", date=r.date, amount=r.amount, description=desc, role=role, sources=tuple(sources),
            check_number=p.check_number, account=account, ach=p.ach,
            date_written=p.register.date_written if p.register else None,
            classified_by=p.reason, autopay=bool(_AUTOPAY.search(text)),
            billing_account_hint=accounts.get(hint.group(0), hint.group(0)) if hint else None))
    # Order by (date, amount, check number, normalised description): sorted on the first three,
    # then each tie group on the text, so only a group's texts are alive at once (900k at scale).
    def head(t: Transaction) -> tuple:
        return (t.date, t.amount, t.check_number or "")

    built.sort(key=head)
    grouped: list[Transaction] = []
    for _, run in groupby(built, key=head):
        ties = list(run)
        if len(ties) > 1:
            ties.sort(key=lambda t: norm_text(t.description))
        grouped.extend(ties)
    built = grouped
    counts: dict[tuple[date, Decimal], int] = defaultdict(int)
    cents_of: dict[Decimal, int] = {}
    for i, t in enumerate(built):
        key = (t.date, t.amount)
        k = counts[key] = counts[key] + 1
        cents = cents_of.get(t.amount)
        if cents is None:
            cents = cents_of[t.amount] = int(abs(t.amount) * 100)
        tid = f"t{t.date:%Y%m%d}-{'c' if t.amount > 0 else ''}{cents}-{k}"
        built[i] = _with_id(t, tid)   # in place: the id-less one is freed at once
    return built


def _with_id(t: Transaction, tid: str) -> Transaction:
    return _new_transaction(tid, t.date, t.amount, t.description, t.role, t.sources, t.check_number,
                            t.account, t.ach, t.date_written, t.classified_by, t.autopay,
                            t.billing_account_hint)


def _source_key(s: Source) -> tuple[str, int, str]:
    return (s.path, s.line or 0, s.fitid or "")
