"""Data generators for scripts/bench.py: households on disk, an organisation in memory or as a CSV.

Sizes (the issue "Fast at household and organisation scale"):
  * household year: 2,000 bank transactions (OFX January-June, Chase CSV July-December) and 24 bill
    PDFs (a subsidised health plan on AutoPay, a dental plan paid online), plus recon.toml;
  * household over N years: the same, N times (10,000 transactions and 120 bills for five years);
  * organisation: 100,000 billing accounts x 12 monthly bills, built as Bill objects in memory (1.2M
    PDFs cannot be rendered in a benchmark), 1,000,000 Connector draws as Transactions (stage bench)
    or as rows of a 1,000,000-row Chase CSV (whole run).

Bank rows reuse scripts/make_samples.py (Chase long-form ACH descriptions with unique trace
numbers, the OFX and Chase CSV writers); bills are rendered by tests.support.bill_render.write_bill_pdf.
Money is Decimal throughout. Every generator is deterministic (seeded).
"""
from __future__ import annotations

import random
import sys
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import make_samples as ms

from recon.model import AchFields, Bill, BillPayment, Source, Transaction

D = Decimal
HEALTH, DENTAL = ms.HEALTH, ms.DENTAL
H_SHARE, H_PREMIUM, H_CREDIT, H_SUBSIDY = D("412.00"), D("612.00"), D("150.00"), D("50.00")
D_SHARE = D("38.50")

_STORES = ["STOP & SHOP {n:04d} ARLINGTON MA", "MARKET BASKET #{n} SOMERVILLE MA", "WHOLE FOODS MKT {n}",
           "CVS/PHARMACY #{n:05d}", "SHELL OIL {n:08d} ARLINGTON MA", "AMAZON.COM*{n:06X} AMZN.COM/BILL WA",
           "DUNKIN #{n:06d} ARLINGTON MA", "TARGET T-{n:04d} WATERTOWN MA", "MBTA CHARLIE {n:04d} BOSTON MA",
           "STARBUCKS STORE {n:05d} BOSTON MA", "UBER *TRIP {n:06X} HELP.UBER.COM CA"]
_MONTHLY = [(1, "-1850.00", "ZELLE PAYMENT TO PINE ST PROPERTIES LLC", "QUICKPAY_DEBIT"),
            (5, None, "EVERSOURCE ENERGY PAYMENT PPD ID: 1041234567", "ACH_DEBIT"),
            (8, "-89.99", "COMCAST CABLE COMM 800-266-2278 MA", "DEBIT_CARD"),
            (16, "-132.40", "GEICO AUTO INSURANCE PPD ID: 5310001234", "ACH_DEBIT"),
            (18, "-60.00", "DELTA DENTAL OF MA PREMIUM", "ACH_DEBIT")]


def _month_days(year: int, month: int) -> int:
    return ((date(year + (month == 12), month % 12 + 1, 1)) - timedelta(days=1)).day


def household_rows(year: int, n: int, rng: random.Random) -> list[ms.Row]:
    """n bank rows for one calendar year: 24 Connector draws, payroll, bills, card purchases."""
    rows: list[ms.Row] = []
    for m in range(1, 13):
        d_h, d_d = date(year, m, 22), date(year, m, 12)
        rows.append(ms.Row(d_h, -H_SHARE, ms.chase_ach("COMMONWEALTH HEA", "AUTOPAY", d_h, "PPD")))
        rows.append(ms.Row(d_d, -D_SHARE, ms.chase_ach("COMMONWEALTH HEA", "WEB PMT", d_d, "WEB")))
        for day, amt, text, kind in _MONTHLY:
            amount = D(amt) if amt else D(f"-{rng.randint(60, 140)}.{rng.randint(0, 99):02d}")
            rows.append(ms.Row(date(year, m, day), amount, text, kind))
        cha = date(year, m, 13)   # Commonwealth Health Alliance: the same 16-character cut
        rows.append(ms.Row(cha, D("-45.00"), ms.chase_ach("COMMONWEALTH HEA", "MEMBERPREM", cha, "PPD",
                                                          "SD0091", ms.CHA_CO_ID)))
        for day in (1, 15):
            pd = date(year, m, day)
            rows.append(ms.Row(pd, D("2150.00"), ms.chase_ach("ACME ROBOTICS IN", "PAYROLL", pd, "PPD",
                                                              "E0042", "9111111111"), "ACH_CREDIT"))
    while len(rows) < n:
        m = rng.randint(1, 12)
        d = date(year, m, rng.randint(1, _month_days(year, m)))
        text = rng.choice(_STORES).format(n=rng.randint(1, 400))
        rows.append(ms.Row(d, D(f"-{rng.randint(2, 180)}.{rng.randint(0, 99):02d}"), text, "DEBIT_CARD"))
    rows.sort(key=lambda r: (r.day, r.amount, r.text))
    for i, r in enumerate(rows):
        r.fitid = f"{r.day:%Y%m%d}{i:05d}"
    return rows[:n] if len(rows) > n else rows


def household_bills(year: int, first: bool) -> list[Bill]:
    """12 health + 12 dental bills for one year; the ledger adds up (each month paid in full)."""
    out = []
    for m in range(1, 13):
        bd, due = date(year, m, 1), date(year, m, 23)
        cov = date(year + (m == 12), m % 12 + 1, 1)
        opening = first and m == 1
        prev_h = date(year - (m == 1), (m - 2) % 12 + 1, 22)
        prev_d = date(year - (m == 1), (m - 2) % 12 + 1, 12)
        out.append(Bill(
            source=Source(""), billing_account=HEALTH, bill_date=bd, due_date=due,
            coverage_month=f"{cov:%Y-%m}", amount_due=H_SHARE, enrollment_id="RefID_1234567890123",
            subscriber_id="712345678901", plan="health", plan_name="Tufts Health Direct Silver A II",
            carrier="Tufts Health Plan", subscriber_name="Jane Doe", members=("Jane Doe", "Sam Doe"),
            previous_balance=None if opening else H_SHARE, payments_received=None if opening else H_SHARE,
            payment_items=() if opening else (BillPayment(prev_h, H_SHARE, "AutoPay"),),
            adjustments=None if opening else D("0.00"), premium=H_PREMIUM, tax_credit=H_CREDIT,
            state_subsidy=H_SUBSIDY, current_charges=H_SHARE, autopay=True))
        out.append(Bill(
            source=Source(""), billing_account=DENTAL, bill_date=bd, due_date=due,
            coverage_month=f"{cov:%Y-%m}", amount_due=D_SHARE, enrollment_id="RefID_1234567890777",
            subscriber_id="712345678901", plan="dental", plan_name="Altus Dental Family Plan",
            carrier="Altus Dental", subscriber_name="Jane Doe", members=("Jane Doe", "Sam Doe"),
            previous_balance=None if opening else D_SHARE, payments_received=None if opening else D_SHARE,
            payment_items=() if opening else (BillPayment(prev_d, D_SHARE, "Online payment"),),
            adjustments=None if opening else D("0.00"), premium=D_SHARE, current_charges=D_SHARE,
            autopay=False))
    return out


CONFIG = '''[[accounts]]
number = "712345678"
owner = "Jane Doe"
plan = "health"
autopay = [{ start = "2000-01-01" }]

[[accounts]]
number = "798765432"
owner = "Jane Doe"
plan = "dental"
'''


def household(outdir: Path, years: int = 1, rows_per_year: int = 2000, first_year: int = 2022,
              seed: int = 20260101) -> dict[str, int]:
    """Write a household's bank exports and bill PDFs under outdir; return counts written."""
    from tests.support.bill_render import LAYOUTS, write_bill_pdf

    rng = random.Random(seed)
    (outdir / "bank").mkdir(parents=True, exist_ok=True)
    (outdir / "bills").mkdir(exist_ok=True)
    n_rows = n_bills = 0
    balance = D("5000.00")
    for y in range(first_year, first_year + years):
        rows = household_rows(y, rows_per_year, rng)
        n_rows += len(rows)
        h1 = [r for r in rows if r.day.month <= 6]
        h2 = [r for r in rows if r.day.month > 6]
        (outdir / "bank" / f"chase-checking-{y}-h1.qfx").write_bytes(
            ms._ofx_text(h1, date(y, 1, 1), date(y, 6, 30)).encode())
        balance += sum((r.amount for r in h1), D(0))
        (outdir / "bank" / f"Chase4913_Activity_{y}0701_{y}1231.CSV").write_bytes(
            ms._chase_csv(h2, balance).encode())
        balance += sum((r.amount for r in h2), D(0))
        for i, b in enumerate(household_bills(y, first=y == first_year)):
            write_bill_pdf(outdir / "bills" / f"{b.plan}-{b.bill_date:%Y-%m}.pdf", [b],
                           layout=LAYOUTS[(i // 2) % len(LAYOUTS)])
            n_bills += 1
    (outdir / "recon.toml").write_text(CONFIG)
    return {"bank_rows": n_rows, "bills": n_bills}


# ------------------------------------------------------------------ organisation

ORG_YEAR = 2025
_ORG_SOURCE = Source("org/bills.pdf")


def org_account(i: int) -> str:
    return f"7{10_000_000 + i:08d}"


def org_share(i: int) -> Decimal:
    return D(f"{37 + i % 400}.{(i * 7) % 100:02d}")


def org_bills(accounts: int = 100_000, months: int = 12) -> list[Bill]:
    """accounts x months bills (shared small objects keep 1.2M bills within memory)."""
    shares = {}
    dates = {m: (date(ORG_YEAR, m, 1), date(ORG_YEAR, m, 23),
                 f"{ORG_YEAR + (m == 12)}-{m % 12 + 1:02d}") for m in range(1, months + 1)}
    out = []
    for i in range(accounts):
        acct = org_account(i)
        share = org_share(i)
        share = shares.setdefault(share, share)
        for m in range(1, months + 1):
            bd, due, cov = dates[m]
            out.append(Bill(source=_ORG_SOURCE, billing_account=acct, bill_date=bd, due_date=due,
                            coverage_month=cov, amount_due=share, plan="health", current_charges=share,
                            autopay=True))
    return out


def org_description(acct: str, day: date, seq: int) -> str:
    """Chase long form with a unique trace and the billing account as the ACH individual id."""
    yymmdd = f"{day:%y%m%d}"
    return (f"ORIG CO NAME:COMMONWEALTH HEA ORIG ID:{ms.CONNECTOR_CO_ID} DESC DATE:{yymmdd} "
            f"CO ENTRY DESCR:AUTOPAY   SEC:PPD TRACE#:021000021{seq % 1_000_000:06d} EED:{yymmdd} "
            f"IND ID:{acct} IND NAME:MEMBER {seq % 100_000:05d} TRN:{seq:010d}TC")


def org_draws(accounts: int = 100_000, draws: int = 1_000_000) -> Iterator[tuple[int, str, date, Decimal]]:
    """(seq, account, posting date, amount) for `draws` AutoPay draws, month by month."""
    months = -(-draws // accounts)
    seq = 0
    for m in range(1, months + 1):
        day = date(ORG_YEAR, m, 22)
        for i in range(accounts):
            if seq >= draws:
                return
            yield seq, org_account(i), day, -org_share(i)
            seq += 1


def org_transactions(accounts: int = 100_000, draws: int = 1_000_000) -> list[Transaction]:
    """The draws as normalised Transactions (billing_account_hint set), for the match stage bench."""
    ach = AchFields(company_name="COMMONWEALTH HEA", entry_description="AUTOPAY",
                    company_id=ms.CONNECTOR_CO_ID, sec_code="PPD")
    src = Source("org/bank.csv")
    out = []
    for seq, acct, day, amount in org_draws(accounts, draws):
        out.append(Transaction(
            id=f"t{day:%Y%m%d}-{int(-amount * 100)}-{seq}", date=day, amount=amount,
            description=org_description(acct, day, seq), role="payment", sources=(src,), ach=ach,
            classified_by="ACH company name \"COMMONWEALTH HEA\"; amount fits a bill", autopay=True,
            billing_account_hint=acct))
    return out


def org_bank_csv(path: Path, rows: int = 1_000_000, accounts: int = 100_000, other_share: float = 0.1,
                 seed: int = 7) -> int:
    """A Chase checking CSV of `rows` rows: Connector draws for the accounts plus other activity.

    Returns the number of Connector draws written."""
    rng = random.Random(seed)
    n_draws = int(rows * (1 - other_share))
    balance = D("100000000.00")
    n = 0
    with path.open("w", newline="") as fh:
        fh.write("Details,Posting Date,Description,Amount,Type,Balance,Check or Slip #\r\n")
        draws = org_draws(accounts, n_draws)
        for seq, acct, day, amount in draws:
            balance += amount
            fh.write(f'DEBIT,{day:%m/%d/%Y},"{org_description(acct, day, seq)}",{amount},ACH_DEBIT,'
                     f'{balance},,\r\n')
            n += 1
            if rng.random() < other_share / (1 - other_share) and n < rows:
                text = rng.choice(_STORES).format(n=rng.randint(1, 400))
                amt = D(f"-{rng.randint(2, 180)}.{rng.randint(0, 99):02d}")
                balance += amt
                fh.write(f'DEBIT,{day:%m/%d/%Y},"{text}",{amt},DEBIT_CARD,{balance},,\r\n')
                n += 1
        while n < rows:
            text = rng.choice(_STORES).format(n=rng.randint(1, 400))
            fh.write(f'DEBIT,12/30/{ORG_YEAR},"{text}",-1.00,DEBIT_CARD,{balance},,\r\n')
            n += 1
    return n_draws


def descriptions(n: int = 1_000_000, seed: int = 3) -> list[str]:
    """n realistic bank descriptions: most texts repeat; Chase long-form lines carry unique traces."""
    rng = random.Random(seed)
    out = []
    pool = [s.format(n=k) for s in _STORES for k in range(1, 60)] + [t for _, _, t, _ in _MONTHLY]
    pool += ["ONLINE PMT MA HEALTH CONNECTOR CONF# 88412", "CHECK 1043", "COMM OF MASS EFT DOR TAX PMT",
             "MASSHEALTH PREMIUM", "BLUE CROSS BLUE SHIELD MA PREMIUM", "HEALTH CONNECTOR PAYMENT"]
    day = date(ORG_YEAR, 3, 22)
    for i in range(n):
        r = rng.random()
        if r < 0.25:
            out.append(ms.chase_ach("COMMONWEALTH HEA", "AUTOPAY", day, "PPD", f"{1_000_000 + i}"))
        elif r < 0.35:
            out.append(ms.chase_ach("ACME ROBOTICS IN", "PAYROLL", day, "PPD", "E0042", "9111111111"))
        else:
            out.append(rng.choice(pool))
    return out
