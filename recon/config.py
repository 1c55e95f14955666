"""Every tolerance and threshold, named with its unit, and the user's recon.toml.

recon.toml (all sections optional):

    [[accounts]]                 # billing accounts and whose they are
    number = "712345678"
    owner = "Jane Doe"
    plan = "health"
    plan_end = "2026-12-31"      # coverage ends (draws for later months are unmatched charges)
    autopay = [{ start = "2026-01-01", end = "2026-08-15" }]   # AutoPay periods (end = cancelled)

    [aliases]
    connector = ["MA CONNECTOR PMT"]          # extra payee names that mean the Connector
    not_connector = ["COMMONWEALTH HEALTH ALL"]  # names that never do

    [tolerances]
    amount_cents = 0
    autopay_window_business_days = 3

    [[overrides]]                # link a transaction to a bill / mark not the Connector's / accept
    link = { transaction = "t-...", bill = "b-..." }
    [[overrides]]
    not_connector = "t-..."
    [[overrides]]
    accept = { type = "late_payment", billing_account = "712345678", coverage_month = "2026-04" }
    note = "Connector confirmed on call 2026-05-02, case 12345"
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from recon.errors import ConfigError


@dataclass(frozen=True, slots=True)
class Tolerances:
    # Exact by default: a one-cent difference is a real difference on a premium bill.
    amount_cents: int = 0
    # AutoPay is initiated on the 22nd; real debits post 22nd-27th, i.e. within ~3 business days.
    autopay_window_business_days: int = 3
    # How far before a bill's date a payment may still be meant for it. The bill is generated on the
    # 1st, so 0: an earlier payment pays what is open then, and only an exact amount prepays it.
    pay_before_bill_days: int = 0
    # A payment (not an AutoPay draw) made after a paid bill's due date and this many days or fewer
    # before the next bill of that amount is generated pays that bill early; it is no duplicate.
    prepay_window_days: int = 10
    # A return/reversal follows its debit within this many business days (R01/R02/R03 ~2; allow slack).
    return_window_business_days: int = 7
    # R05/R07/R10/R11 returns may arrive up to 60 days later.
    late_return_window_days: int = 60
    # A check not cashed this many days after it was written is worth a call.
    check_uncashed_days: int = 14
    # A mailed check counts on its written date; allow this many business days to reach the Connector.
    check_mail_business_days: int = 6
    # rapidfuzz score (0-100) at which a payee is taken as a weak Connector name variant.
    weak_name_score: int = 88
    # Same-day cut-off for online payments (Eastern), from the Connector's FAQ [unverified].
    same_day_cutoff: str = "18:00"
    # Days a bill's "payments received" may lag behind a bank posting (posting on the bill date).
    bill_posting_lag_days: int = 1


@dataclass(frozen=True, slots=True)
class AutopayPeriod:
    start: date | None
    end: date | None


@dataclass(frozen=True, slots=True)
class AccountConfig:
    number: str
    owner: str | None = None
    plan: str | None = None
    plan_end: date | None = None
    autopay: tuple[AutopayPeriod, ...] = ()


@dataclass(frozen=True, slots=True)
class Override:
    kind: str                        # link | not_connector | accept
    transaction: str | None = None
    bill: str | None = None
    finding_type: str | None = None
    billing_account: str | None = None
    coverage_month: str | None = None
    note: str = ""


@dataclass(frozen=True, slots=True)
class Config:
    tolerances: Tolerances = field(default_factory=Tolerances)
    accounts: tuple[AccountConfig, ...] = ()
    connector_aliases: tuple[str, ...] = ()
    not_connector_aliases: tuple[str, ...] = ()
    overrides: tuple[Override, ...] = ()
    profile_dirs: tuple[Path, ...] = ()
    path: str | None = None

    def account(self, number: str) -> AccountConfig | None:
        for a in self.accounts:
            if a.number == number:
                return a
        return None


def _date(v: Any, path: str, key: str) -> date:
    if isinstance(v, date):
        return v
    try:
        return datetime.strptime(str(v), "%Y-%m-%d").date()
    except ValueError as exc:
        raise ConfigError(f"expected a date YYYY-MM-DD, got {v!r}", path=path, key=key) from exc


def _find_line(text: str, key: str) -> int | None:
    leaf = key.split(".")[-1].split("[")[0]
    for i, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if (stripped.startswith(leaf) or f"{leaf} =" in line or f"{leaf}=" in line
                or stripped.strip("[]").strip() == leaf):
            return i
    return None


def load_config(path: Path | None) -> Config:
    """Read recon.toml; a missing path gives the defaults. Mistakes raise ConfigError(path, key)."""
    if path is None:
        return Config()
    p = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read config: {exc.strerror or exc}", path=p) from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"at line (\d+)", str(exc))
        line = int(m.group(1)) if m else None
        raise ConfigError(f"not valid TOML: {exc}", path=p, line=line) from exc
    try:
        return _build(data, p, path.parent)
    except ConfigError as exc:
        if exc.line is None and exc.key:
            exc.line = _find_line(text, exc.key)
        raise


_KNOWN_TOP = {"accounts", "aliases", "tolerances", "overrides", "profiles"}
# Every key each table may hold: anything else is a mistake (a typo such as `ends` for `end`
# would otherwise be ignored and silently change the result).
_KNOWN_KEYS = {
    "accounts": {"number", "owner", "plan", "plan_end", "autopay"},
    "autopay": {"start", "end"},
    "aliases": {"connector", "not_connector"},
    "profiles": {"dirs"},
    "overrides": {"link", "not_connector", "accept", "note"},
    "link": {"transaction", "bill"},
    "accept": {"type", "billing_account", "coverage_month"},
}


def _check_keys(table: Any, kind: str, p: str, key: str) -> None:
    """ConfigError for a key ``kind`` tables do not have, with the closest known key."""
    import difflib

    if not isinstance(table, dict):
        raise ConfigError(f"expected a table of {kind} settings, got {table!r}", path=p, key=key)
    known = _KNOWN_KEYS[kind]
    for k in table:
        if k not in known:
            near = difflib.get_close_matches(k, sorted(known), n=1)
            hint = f"; did you mean {near[0]!r}?" if near else f" (known: {', '.join(sorted(known))})"
            raise ConfigError(f"unknown key {k!r}{hint}", path=p, key=f"{key}.{k}" if key else k)


def _check_all_keys(data: dict[str, Any], p: str) -> None:
    import difflib

    for k in data:
        if k not in _KNOWN_TOP:
            near = difflib.get_close_matches(k, sorted(_KNOWN_TOP), n=1)
            hint = f"; did you mean {near[0]!r}?" if near else f" (known: {', '.join(sorted(_KNOWN_TOP))})"
            raise ConfigError(f"unknown section {k!r}{hint}", path=p, key=k)
    for i, a in enumerate(data.get("accounts", [])):
        _check_keys(a, "accounts", p, f"accounts[{i}]")
        for j, per in enumerate(a.get("autopay", [])):
            _check_keys(per, "autopay", p, f"accounts[{i}].autopay[{j}]")
    for name in ("aliases", "profiles"):
        if name in data:
            _check_keys(data[name], name, p, name)
    for i, o in enumerate(data.get("overrides", [])):
        _check_keys(o, "overrides", p, f"overrides[{i}]")
        for name in ("link", "accept"):
            if isinstance(o.get(name), dict):
                _check_keys(o[name], name, p, f"overrides[{i}].{name}")


def _build(data: dict[str, Any], p: str, base: Path) -> Config:
    _check_all_keys(data, p)
    tol_data = data.get("tolerances", {})
    defaults = Tolerances()
    tol_kwargs: dict[str, Any] = {}
    for k, v in tol_data.items():
        if not hasattr(defaults, k):
            raise ConfigError(f"unknown tolerance {k!r}", path=p, key=f"tolerances.{k}")
        want = type(getattr(defaults, k))
        if want is int and (not isinstance(v, int) or isinstance(v, bool) or v < 0):
            raise ConfigError(f"expected a whole number >= 0, got {v!r}", path=p, key=f"tolerances.{k}")
        if want is str and not isinstance(v, str):
            raise ConfigError(f"expected text, got {v!r}", path=p, key=f"tolerances.{k}")
        tol_kwargs[k] = v
    accounts = []
    for i, a in enumerate(data.get("accounts", [])):
        key = f"accounts[{i}]"
        num = str(a.get("number", ""))
        if not num.isdigit() or len(num) != 9 or not num.startswith("7"):
            raise ConfigError(f"billing account number must be 9 digits starting with 7, got {num!r}",
                              path=p, key=f"{key}.number")
        periods = []
        for j, per in enumerate(a.get("autopay", [])):
            periods.append(AutopayPeriod(
                start=_date(per["start"], p, f"{key}.autopay[{j}].start") if per.get("start") else None,
                end=_date(per["end"], p, f"{key}.autopay[{j}].end") if per.get("end") else None))
        plan = a.get("plan")
        if plan not in (None, "health", "dental"):
            raise ConfigError(f"plan must be 'health' or 'dental', got {plan!r}", path=p, key=f"{key}.plan")
        accounts.append(AccountConfig(
            number=num, owner=a.get("owner"), plan=plan,
            plan_end=_date(a["plan_end"], p, f"{key}.plan_end") if a.get("plan_end") else None,
            autopay=tuple(periods)))
    aliases = data.get("aliases", {})
    overrides = []
    for i, o in enumerate(data.get("overrides", [])):
        key = f"overrides[{i}]"
        note = str(o.get("note", ""))
        if "link" in o:
            link = o["link"]
            if not isinstance(link, dict) or "transaction" not in link or "bill" not in link:
                raise ConfigError("link needs { transaction = ..., bill = ... }", path=p, key=f"{key}.link")
            overrides.append(Override("link", transaction=link["transaction"], bill=link["bill"], note=note))
        elif "not_connector" in o:
            overrides.append(Override("not_connector", transaction=str(o["not_connector"]), note=note))
        elif "accept" in o:
            acc = o["accept"]
            if not isinstance(acc, dict) or "type" not in acc:
                raise ConfigError("accept needs { type = ..., billing_account = ..., coverage_month = ... }",
                                  path=p, key=f"{key}.accept")
            overrides.append(Override("accept", finding_type=acc["type"],
                                      billing_account=acc.get("billing_account"),
                                      coverage_month=acc.get("coverage_month"), note=note))
        else:
            raise ConfigError("an override needs one of link, not_connector, accept", path=p, key=key)
    prof_dirs = tuple((base / d) for d in data.get("profiles", {}).get("dirs", []))
    return Config(tolerances=Tolerances(**tol_kwargs), accounts=tuple(accounts),
                  connector_aliases=tuple(aliases.get("connector", [])),
                  not_connector_aliases=tuple(aliases.get("not_connector", [])),
                  overrides=tuple(overrides), profile_dirs=prof_dirs, path=p)
