"""Scenario builder: bank rows and bills generated from a short description.

    s = Scenario('''
        account H 712345678 412.00 subsidized
        bills H 2026-01..2026-04
        autopay H 2026-01-23 412.00
        web H 2026-02-20 412.00
        check H 1043 written 2026-03-14 cleared 2026-03-18 412.00
        return 2026-03-26 of 2026-03-24
        forget 2026-03-24
    ''')
    result = s.run(as_of=date(2026, 5, 1))

Lines (one per event; '#' starts a comment):
  account KEY NUMBER SHARE [subsidized]     a billing account and its monthly member's share
  bills KEY YYYY-MM..YYYY-MM                bills dated the 1st of each month (coverage the next)
  autopay KEY DATE AMOUNT                   an AutoPay draw (Chase long form, CO ENTRY DESCR:AUTOPAY)
  web KEY DATE AMOUNT                       an online one-time payment
  pay KEY DATE AMOUNT TEXT...               a payment to that account, the bank showing TEXT
  debit DATE AMOUNT TEXT...                 any bank debit with that description
  credit DATE AMOUNT TEXT...                any bank credit
  check KEY NUM written DATE cleared DATE AMOUNT   a check in the register and at the bank
  return DATE of DATE                        the debit of the second date comes back
  refund KEY DATE AMOUNT                    a refund credit from the Connector
  forget DATE                               the next bill does not credit that payment
  fix DATE on YYYY-MM                       that month's bill puts a forgotten payment right (a credit adjustment)
  mailed KEY NUM written DATE AMOUNT        a check in the register that never reached the bank
  misapply DATE to KEY                      the Connector credits that payment to another account
  phantom KEY YYYY-MM AMOUNT                that month's bill adds AMOUNT to its previous balance
  share KEY YYYY-MM AMOUNT                  from that bill month on, the member's share changes
  overlap                                   every bank row also appears in a second (CSV) export
  file NAME                                 following bank rows go to that export

Bills follow the Connector's ledger: previous balance = last amount due; payments received =
payments posted since the last bill (less forgotten ones); adjustments = returned payments and
refunds; amount due = previous - received + adjustments + share.
"""
from __future__ import annotations

import shlex
import textwrap
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from recon.api import RunResult, reconcile
from recon.config import AccountConfig, AutopayPeriod, Config
from recon.model import BankRecord, Bill, CheckEntry, ImportResult, InputResult, Source

D = Decimal


def _d(s: str) -> date:
    return datetime.strptime(s, "%Y-%m-%d").date()


@dataclass
class _Acct:
    number: str
    share: Decimal
    subsidized: bool
    months: list[tuple[int, int]] = field(default_factory=list)


class Scenario:
    def __init__(self, text: str) -> None:
        self.accounts: dict[str, _Acct] = {}
        self.bank: dict[str, list[tuple[date, Decimal, str, str | None, str | None]]] = {}
        self.register: list[CheckEntry] = []
        self.forgotten: set[date] = set()
        self.fixes: dict[str, list[date]] = {}
        self.returns: list[tuple[date, date]] = []
        self.overlap = False
        self.misapplied: dict[date, str] = {}
        self.phantom: dict[tuple[str, str], Decimal] = {}
        self.share_from: dict[str, list[tuple[str, Decimal]]] = {}
        self.autopay_accounts: set[str] = set()
        self._file = "bank.ofx"
        self._trace = 0
        for raw in textwrap.dedent(text).splitlines():
            line = raw.split("#", 1)[0].strip() if not raw.strip().startswith("check") else raw.strip()
            if line:
                self._line(shlex.split(line))

    # -------------------------------------------------------------- parsing
    def _row(self, day: date, amount: Decimal, text: str, check: str | None = None,
             account_key: str | None = None) -> None:
        self.bank.setdefault(self._file, []).append((day, amount, text, check, account_key))

    def _ach(self, entry: str, day: date) -> str:
        self._trace += 1
        yymmdd = day.strftime("%y%m%d")
        return (f"ORIG CO NAME:COMMONWEALTH HEA ORIG ID:1043123456 DESC DATE:{yymmdd} CO ENTRY DESCR:{entry} "
                f"SEC:PPD TRACE#:021000021{self._trace:06d} EED:{yymmdd} IND ID:1234567890123 "
                f"IND NAME:JANE DOE TRN:{self._trace:010d}TC")

    def _line(self, w: list[str]) -> None:
        op = w[0]
        if op == "account":
            self.accounts[w[1]] = _Acct(w[2], D(w[3]), "subsidized" in w[4:])
        elif op == "bills":
            a, b = w[2].split("..")
            y, m = map(int, a.split("-"))
            y2, m2 = map(int, b.split("-"))
            while (y, m) <= (y2, m2):
                self.accounts[w[1]].months.append((y, m))
                y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        elif op == "autopay":
            self.autopay_accounts.add(w[1])
            self._row(_d(w[2]), -D(w[3]), self._ach("AUTOPAY", _d(w[2])), account_key=w[1])
        elif op == "web":
            self._row(_d(w[2]), -D(w[3]), self._ach("WEB PMT", _d(w[2])), account_key=w[1])
        elif op == "pay":
            self._row(_d(w[2]), -D(w[3]), " ".join(w[4:]), account_key=w[1])
        elif op == "debit":
            self._row(_d(w[1]), -D(w[2]), " ".join(w[3:]))
        elif op == "credit":
            self._row(_d(w[1]), D(w[2]), " ".join(w[3:]))
        elif op == "check":
            key, num, written, cleared, amount = w[1], w[2], _d(w[4]), _d(w[6]), D(w[7])
            self.register.append(CheckEntry(Source("register.csv", line=len(self.register) + 2), num, written,
                                            "MA Health Connector", amount,
                                            f"Acct {self.accounts[key].number}"))
            self._row(cleared, -amount, f"CHECK {num}", check=num, account_key=key)
        elif op == "return":
            self.returns.append((_d(w[1]), _d(w[3])))
            debit = next(r for f in self.bank.values() for r in f if r[0] == _d(w[3]) and r[1] < 0)
            self._row(_d(w[1]), -debit[1], "RETURN OF ACH DEBIT COMMONWEALTH HEA R01 INSUFFICIENT FUNDS")
        elif op == "refund":
            self._row(_d(w[2]), D(w[3]), self._ach("REFUND", _d(w[2])), account_key=w[1])
        elif op == "fix":
            self.fixes.setdefault(w[3], []).append(_d(w[1]))
        elif op == "forget":
            self.forgotten.add(_d(w[1]))
        elif op == "mailed":
            key, num, written, amount = w[1], w[2], _d(w[4]), D(w[5])
            self.register.append(CheckEntry(Source("register.csv", line=len(self.register) + 2), num, written,
                                            "MA Health Connector", amount,
                                            f"Acct {self.accounts[key].number}"))
        elif op == "misapply":
            self.misapplied[_d(w[1])] = w[3]
        elif op == "phantom":
            self.phantom[(w[1], w[2])] = D(w[3])
        elif op == "share":
            self.share_from.setdefault(w[1], []).append((w[2], D(w[3])))
        elif op == "overlap":
            self.overlap = True
        elif op == "file":
            self._file = w[1]
        else:
            raise ValueError(f"unknown scenario line: {' '.join(w)}")

    # -------------------------------------------------------------- building
    def bills(self) -> list[Bill]:
        out = []
        rows = [r for f in self.bank.values() for r in f]
        returned = {d for _, d in self.returns}
        for key, acct in sorted(self.accounts.items()):
            prev_due: Decimal | None = None
            prev_date: date | None = None
            for y, m in acct.months:
                bd = date(y, m, 1)
                cov = date(y + (m == 12), m % 12 + 1, 1)
                received = adjustments = None
                share = acct.share
                for month, amount in sorted(self.share_from.get(key, [])):
                    if f"{bd:%Y-%m}" >= month:
                        share = amount
                if prev_date is not None:
                    def owner(r):
                        return self.misapplied.get(r[0], r[4])
                    mine = [r for r in rows if owner(r) == key and prev_date <= r[0] < bd]
                    received = sum((-r[1] for r in mine if r[1] < 0 and r[0] not in self.forgotten), D(0))
                    adjustments = sum((-r[1] for r in mine if r[1] < 0 and r[0] in returned), D(0))
                    adjustments += sum((r[1] for r in mine if r[1] > 0), D(0))
                    for fixed in self.fixes.get(f"{bd:%Y-%m}", []):
                        adjustments += next(r[1] for r in rows if r[0] == fixed and r[1] < 0)
                    prev_due += self.phantom.get((key, f"{bd:%Y-%m}"), D(0))
                    due = prev_due - received + adjustments + share
                else:
                    due = share
                out.append(Bill(
                    source=Source(f"bills/{key}-{bd:%Y-%m}.pdf", page=1), billing_account=acct.number,
                    bill_date=bd, due_date=date(y, m, 23), coverage_month=f"{cov:%Y-%m}", amount_due=due,
                    plan="health", previous_balance=prev_due, payments_received=received,
                    adjustments=adjustments, current_charges=share,
                    tax_credit=D("100.00") if acct.subsidized else None,
                    premium=share + (D("100.00") if acct.subsidized else 0),
                    autopay=key in self.autopay_accounts))
                prev_due, prev_date = due, bd
        return out

    def imports(self) -> list[tuple[InputResult, ImportResult]]:
        out = []
        files = dict(self.bank)
        if self.overlap:
            files = {**files, "bank-copy.csv": [r for f in self.bank.values() for r in f]}
        for name, rows in sorted(files.items()):
            recs = []
            for i, (day, amount, text, check, _) in enumerate(rows):
                is_ofx = name.endswith(".ofx")
                recs.append(BankRecord(
                    source=Source(name, line=None if is_ofx else i + 2, fitid=f"F{i:04d}" if is_ofx else None),
                    date=day, amount=amount, description=text, account="000123456789",
                    check_number=check, fitid=f"F{i:04d}" if is_ofx else None))
            res = ImportResult(kind="ofx" if name.endswith(".ofx") else "csv", records=tuple(recs))
            out.append((InputResult(name, res.kind, "ok", None, res.count), res))
        bills = tuple(self.bills())
        res = ImportResult(kind="bill_pdf", bills=bills)
        out.append((InputResult("bills", "bill_pdf", "ok", None, len(bills)), res))
        if self.register:
            res = ImportResult(kind="check_register", checks=tuple(self.register))
            out.append((InputResult("register.csv", "check_register", "ok", None, len(self.register)), res))
        return out

    def config(self, **extra) -> Config:
        accounts = tuple(AccountConfig(number=a.number, autopay=(AutopayPeriod(None, None),)
                                       if k in self.autopay_accounts else ())
                         for k, a in sorted(self.accounts.items()))
        return Config(accounts=extra.pop("accounts", accounts), **extra)

    def run(self, as_of: date, config: Config | None = None) -> RunResult:
        return reconcile(self.imports(), as_of, config or self.config())


def finding_types(result: RunResult) -> list[tuple[str, str | None]]:
    return sorted((f.type, f.coverage_month) for f in result.report.findings)


def assert_every_cent_accounted_for(report) -> None:
    """Every cent of every Connector debit is allocated to a bill or named in a finding."""
    from collections import Counter

    allocated: Counter = Counter()
    for m in report.matches:
        allocated[m.transaction_id] += m.amount
    named = {tid for f in report.findings for tid in f.transaction_ids}
    for t in report.transactions:
        if t.amount < 0:
            assert allocated[t.id] <= -t.amount, (t, allocated[t.id])
            assert allocated[t.id] == -t.amount or t.id in named, (t, allocated[t.id])
