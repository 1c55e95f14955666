"""Records passed between pipeline stages: plain frozen dataclasses with provenance.

Sign convention: negative amount = money leaving the bank account. Importers flip signs; nothing
downstream does.
"""
from __future__ import annotations

import dataclasses
import gc
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Source:
    """Where a record came from: file path plus line (CSV, 1-based physical), page (PDF) or FITID."""

    path: str
    line: int | None = None
    page: int | None = None
    fitid: str | None = None


@dataclass(frozen=True, slots=True)
class BankRecord:
    """One row of one bank export, as the file says it (no judgement)."""

    source: Source
    date: date
    amount: Decimal
    description: str                 # all text fields joined (payee/name, memo), single-spaced
    account: str | None = None       # the bank account id as written (never printed unmasked)
    payee: str = ""                  # OFX NAME / CSV description column
    memo: str = ""                   # OFX MEMO / CSV memo column
    check_number: str | None = None
    trntype: str | None = None       # OFX TRNTYPE or CSV type column, as written
    fitid: str | None = None
    pending: bool = False


@dataclass(frozen=True, slots=True)
class StatementBalance:
    """A balance the export states (OFX LEDGERBAL, a CSV running balance)."""

    source: Source
    account: str | None
    date: date | None
    amount: Decimal
    kind: str = "ledger"             # "ledger" | "available" | "running"


@dataclass(frozen=True, slots=True)
class CheckEntry:
    """One row of the member's check register: a check written (amount positive = paid out)."""

    source: Source
    number: str
    date_written: date
    payee: str
    amount: Decimal
    memo: str = ""


@dataclass(frozen=True, slots=True)
class BillPayment:
    """One payment itemised on a bill under "payments received"."""

    date: date | None
    amount: Decimal                  # positive
    description: str = ""


OCR_CONFIDENCE_MIN = 80.0   # tesseract word confidence (0-100) under which a bill field is uncertain


@dataclass(frozen=True, slots=True)
class Bill:
    """One Connector bill, as read from a PDF (fields the bill does not show are None)."""

    source: Source
    billing_account: str
    bill_date: date
    due_date: date
    coverage_month: str              # "YYYY-MM"
    amount_due: Decimal              # negative = credit balance
    enrollment_id: str | None = None
    subscriber_id: str | None = None
    plan: str | None = None          # "health" | "dental"
    plan_name: str | None = None
    carrier: str | None = None
    subscriber_name: str | None = None
    members: tuple[str, ...] = ()
    previous_balance: Decimal | None = None
    payments_received: Decimal | None = None   # positive
    payment_items: tuple[BillPayment, ...] = ()
    adjustments: Decimal | None = None          # signed: + raises what is owed
    premium: Decimal | None = None              # gross monthly premium
    tax_credit: Decimal | None = None
    state_subsidy: Decimal | None = None
    current_charges: Decimal | None = None      # premium - subsidies (member's share)
    autopay: bool | None = None                 # bill says AutoPay will draw
    warnings: tuple[str, ...] = ()
    copies: tuple[Source, ...] = ()             # the same bill read again from other files/pages
    confidence: tuple[tuple[str, float], ...] = ()  # per-field confidence (OCR); empty = text layer
    derived: tuple[str, ...] = ()    # fields computed from the bill's arithmetic rather than read

    def uncertain(self, *names: str) -> list[str]:
        """The fields among ``names`` that OCR read under OCR_CONFIDENCE_MIN (none on a text layer):
        no finding rests on them; the bill's warnings name them."""
        if not self.confidence:
            return []
        conf = dict(self.confidence)
        return [n for n in names if n in conf and conf[n] * 100 < OCR_CONFIDENCE_MIN]

    @property
    def subsidy(self) -> Decimal | None:
        if self.tax_credit is None and self.state_subsidy is None:
            return None
        return (self.tax_credit or Decimal(0)) + (self.state_subsidy or Decimal(0))


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What one importer read from one file."""

    kind: str
    records: tuple[BankRecord, ...] = ()
    checks: tuple[CheckEntry, ...] = ()
    bills: tuple[Bill, ...] = ()
    balances: tuple[StatementBalance, ...] = ()
    notes: tuple[str, ...] = ()      # what was not read and why, warnings

    @property
    def count(self) -> int:
        return len(self.records) + len(self.checks) + len(self.bills)


@dataclass(frozen=True, slots=True)
class InputResult:
    """One input file's outcome, as listed under report.json's `inputs`."""

    path: str
    kind: str                        # ofx | csv | check_register | bill_pdf | unknown
    status: str                      # ok | rejected
    error: str | None
    records: int
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class AchFields:
    """Fields parsed out of an ACH description (each bank wraps them differently)."""

    company_name: str | None = None
    entry_description: str | None = None
    company_id: str | None = None
    individual_id: str | None = None
    individual_name: str | None = None
    trace_number: str | None = None
    sec_code: str | None = None
    effective_date: str | None = None


@dataclass(frozen=True, slots=True)
class Transaction:
    """A real bank transaction classified as Connector-related (overlapping exports merged)."""

    id: str
    date: date
    amount: Decimal
    description: str
    role: str                        # payment | return | refund
    sources: tuple[Source, ...]
    check_number: str | None = None
    account: str | None = None       # bank account id (masked on output)
    ach: AchFields | None = None
    date_written: date | None = None  # checks: from the register
    classified_by: str = ""          # why it is the Connector's, in words
    autopay: bool = False            # description says AutoPay / recurring
    billing_account_hint: str | None = None  # a billing account named by a check memo or description

    @property
    def trace(self) -> str | None:
        return self.ach.trace_number if self.ach else None


@dataclass(frozen=True, slots=True)
class Allocation:
    transaction_id: str
    bill_id: str
    amount: Decimal                  # positive: how much of the debit pays this bill
    confidence: float
    reason: str
    override: bool = False


@dataclass(frozen=True, slots=True)
class Finding:
    type: str
    severity: str                    # high | medium | low
    message: str
    billing_account: str | None = None
    coverage_month: str | None = None
    amount: Decimal | None = None
    transaction_ids: tuple[str, ...] = ()
    bill_ids: tuple[str, ...] = ()
    accepted: str | None = None      # override note when the user accepted the finding


@dataclass(frozen=True, slots=True)
class BillRef:
    """A bill with its content-derived id."""

    id: str
    bill: Bill


@dataclass(frozen=True, slots=True)
class FindingType:
    type: str
    severity: str            # the usual severity: high | medium | low
    label: str               # a few words for tables and headings
    meaning: str
    next_step: str           # whom to call and what to ask
    have_at_hand: str        # what to give them
    dispute: str             # what a dispute letter asks for it ("Please ..."); "" = not disputed


@dataclass(frozen=True, slots=True)
class BillStatus:
    """A bill's standing after the match: the month's charge, what paid it by the due date and
    after, and its status (paid | late | partial | unpaid | open | credit | unknown)."""

    bill_id: str
    charge: Decimal
    paid_on_time: Decimal
    paid_late: Decimal
    status: str

    @property
    def paid(self) -> Decimal:
        return self.paid_on_time + self.paid_late


@dataclass(frozen=True)
class Report:
    """The whole result of a run: everything the report writers read."""

    as_of: date
    inputs: tuple[InputResult, ...]
    transactions: tuple[Transaction, ...]
    bills: tuple[BillRef, ...]
    matches: tuple[Allocation, ...]
    findings: tuple[Finding, ...]
    balances: tuple[StatementBalance, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)
    statuses: tuple[BillStatus, ...] = ()        # one per bill, in bill id order
    refunds: tuple[tuple[str, str], ...] = ()    # (duplicate debit id, the Connector's refund id)
    guidance: tuple[FindingType, ...] = ()       # what to do, for each finding type present
    contact: str = ""                            # whom to call (recon.checks.registry)
    # Indexes the writers build once over this report (recon.report.csv_out._lookup).
    cache: dict = field(default_factory=dict, init=False, compare=False, repr=False)

    def status_of(self, bill_id: str) -> BillStatus:
        index = self.cache.get(BillStatus)
        if index is None:
            index = self.cache[BillStatus] = {s.bill_id: s for s in self.statuses}
        return index[bill_id]

    def evidence_numbers(self) -> frozenset[str]:
        """The long numbers a member needs as evidence, shown in full in every output (recon.privacy):
        billing account numbers and enrollment IDs, ACH trace numbers, check numbers and FITIDs of
        this run."""
        got = self.cache.get("evidence_numbers")
        if got is None:
            nums = {r.bill.billing_account for r in self.bills}
            # The enrollment ID a member pays with online ("RefID" then digits).
            nums.update("".join(ch for ch in r.bill.enrollment_id if ch.isdigit())
                        for r in self.bills if r.bill.enrollment_id)
            for t in self.transactions:
                nums.update(x for x in (t.trace, t.check_number) if x)
                nums.update(s.fitid for s in t.sources if s.fitid)
            got = self.cache["evidence_numbers"] = frozenset(nums)
        return got


def fast_constructor(cls: type) -> Callable[..., object]:
    """A faster positional constructor for a frozen slots dataclass without __post_init__.

    The generated __init__ of a frozen dataclass sets each field through object.__setattr__ by
    name; setting the slot descriptors directly builds an identical (equal, same hash) object in
    about 60% of the time, which matters at 100k records. Anything else falls back to the class.
    """
    fields = dataclasses.fields(cls)
    if hasattr(cls, "__post_init__") or not all(
        hasattr(cls.__dict__.get(f.name), "__set__") for f in fields
    ):
        return cls
    names = [f.name for f in fields]
    params = []
    for f in fields:
        if f.default is not dataclasses.MISSING:
            params.append(f"{f.name}=_d_{f.name}")
        elif f.default_factory is not dataclasses.MISSING:
            return cls
        else:
            params.append(f.name)
    src = f"def make({', '.join(params)}):\n    o = _new(_cls)\n"
    src += "".join(f"    _s_{n}(o, {n})\n" for n in names) + "    return o\n"
    ns: dict[str, object] = {"_new": object.__new__, "_cls": cls}
    for f in fields:
        ns[f"_s_{f.name}"] = cls.__dict__[f.name].__set__
        if f.default is not dataclasses.MISSING:
            ns[f"_d_{f.name}"] = f.default
    exec(src, ns)  # noqa: S102 - source built above from the dataclass's own field names
    return ns["make"]  # type: ignore[return-value]


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a stage builds many records: they are acyclic, and at
    organisation scale collections over them cost as much as the work. Nests; restores the state."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


WHEN_FORMAT = "%Y-%m-%d %H:%M"    # a logged call's time, to the minute


@dataclass(frozen=True, slots=True)
class Call:
    """One call to the Connector, as the member logged it."""

    when: datetime                   # local time, to the minute
    rep: str = ""                    # representative's first name
    rep_id: str = ""                 # representative's ID / operator number
    department: str = ""
    said: str = ""                   # what was said (the member's summary)
    promised: str = ""               # what the Connector promised (refund, correction, call back)
    case: str = ""                   # case / ticket / reference number
    account: str | None = None       # billing account the call was about
    line: int | None = None          # 1-based line in calls.jsonl (None before it is written)

    def to_json(self) -> str:
        data = {"when": self.when.strftime(WHEN_FORMAT), "account": self.account or "",
                "rep": self.rep, "rep_id": self.rep_id, "department": self.department,
                "said": self.said, "promised": self.promised, "case": self.case}
        return json.dumps(data, ensure_ascii=False, sort_keys=False)
