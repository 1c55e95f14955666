"""Regenerate samples/: a realistic household year, byte for byte.

Usage: python scripts/make_samples.py [OUTDIR]   (default: samples)

The household (Jane and Sam Doe, Arlington MA) has two Connector billing accounts: a ConnectorCare
health plan (member's share $412.00 after $150.00 tax credit and $50.00 state subsidy) on AutoPay,
and a dental plan ($38.50) paid online, dropped at the end of September. One Chase checking account
is exported as OFX (January-September) and as Chase CSV (September-November: September overlaps).
A check register lists the checks. Around the Connector payments: payroll, rent, groceries,
utilities, other insurers and look-alike payees.

Planted on purpose (each is a finding the demo shows; tests/test_samples.py asserts exactly these):
  balance_discrepancy      the 2026-04-01 health bill forgets the 2026-03-24 AutoPay draw (the
                           2026-05-01 bill corrects it: reported as low); the 2026-11-01 bill
                           forgets check 1051 (not corrected: high)
  autopay_amount_mismatch  2026-04-24 AutoPay draws $412.00 while that bill asks $824.00
  returned_payment         2026-05-26 AutoPay draw returned R01 on 2026-05-28 (June coverage)
  late_payment             June coverage paid 2026-06-10 after the return (one debit for health + dental)
  duplicate_draw           2026-07-10 manual payment plus 2026-07-24 AutoPay (refunded 2026-07-31);
                           2026-10-23 AutoPay after check 1051 had paid October's bill
  autopay_after_cancellation  that 2026-10-23 draw came after AutoPay was cancelled 2026-08-31
  partial_payment          dental August coverage: $20.00 of $38.50
  unpaid_bill              dental September coverage: nothing paid
  coverage_at_risk         dental, as of 2026-11-23
  unmatched_charge         2026-10-14 bill-pay to the Connector for dental after the plan ended
  check_not_cashed         check 1055 (dental balance) written 2026-11-02, not cleared
"""
from __future__ import annotations

import json
import random
import sys
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from recon.model import Bill, BillPayment, Source
from tests.support.bill_render import write_bill_pdf

D = Decimal
HEALTH = "712345678"
DENTAL = "798765432"
CONNECTOR_CO_ID = "1043123456"
CHA_CO_ID = "9876500001"        # Commonwealth Health Alliance: same 16-character cut, not the Connector
ACCOUNT_NO = "000000482913557"  # the household's checking account (reports show ****3557)


@dataclass
class Row:
    """One bank transaction."""

    day: date
    amount: Decimal
    text: str
    kind: str = "ACH_DEBIT"        # Chase 'Type' column
    check: str | None = None
    fitid: str = ""


_trace_seq = [0]


def chase_ach(name: str, entry: str, day: date, sec: str = "WEB", ind_id: str = "1234567890123",
              co_id: str = CONNECTOR_CO_ID) -> str:
    """Chase long form (domain.md): ORIG CO NAME:... TRACE#:<15 digits> ..."""
    _trace_seq[0] += 1
    trace = f"021000021{_trace_seq[0]:06d}"
    yymmdd = day.strftime("%y%m%d")
    return (f"ORIG CO NAME:{name:<16} ORIG ID:{co_id} DESC DATE:{yymmdd} CO ENTRY DESCR:{entry:<10}"
            f"SEC:{sec} TRACE#:{trace} EED:{yymmdd} IND ID:{ind_id} IND NAME:JANE DOE TRN:"
            f"{_trace_seq[0]:010d}TC")


def connector_rows() -> list[Row]:
    rows: list[Row] = []

    def ach(day: date, amount: str, entry: str, sec: str = "WEB") -> None:
        rows.append(Row(day, D(amount), chase_ach("COMMONWEALTH HEA", entry, day, sec)))

    # Health AutoPay (PPD) and dental web payments, month by month.
    ach(date(2026, 1, 14), "-38.50", "WEB PMT")
    ach(date(2026, 1, 23), "-412.00", "AUTOPAY", "PPD")
    ach(date(2026, 2, 12), "-38.50", "WEB PMT")
    ach(date(2026, 2, 24), "-412.00", "AUTOPAY", "PPD")
    ach(date(2026, 3, 13), "-38.50", "WEB PMT")
    ach(date(2026, 3, 24), "-412.00", "AUTOPAY", "PPD")
    ach(date(2026, 4, 14), "-38.50", "WEB PMT")
    ach(date(2026, 4, 24), "-412.00", "AUTOPAY", "PPD")      # bill asked 824.00
    ach(date(2026, 5, 13), "-38.50", "WEB PMT")
    ach(date(2026, 5, 26), "-412.00", "AUTOPAY", "PPD")      # returned R01
    rows.append(Row(date(2026, 5, 28), D("412.00"),
                    "RETURN OF ACH DEBIT COMMONWEALTH HEA AUTOPAY R01 INSUFFICIENT FUNDS", "ACH_CREDIT"))
    rows.append(Row(date(2026, 5, 28), D("-34.00"), "RETURNED ITEM FEE", "FEE_TRANSACTION"))
    ach(date(2026, 6, 10), "-450.50", "WEB PMT")             # health 412.00 + dental 38.50
    ach(date(2026, 6, 24), "-412.00", "AUTOPAY", "PPD")
    ach(date(2026, 7, 10), "-412.00", "WEB PMT")             # manual ...
    ach(date(2026, 7, 15), "-20.00", "WEB PMT")              # dental partial
    ach(date(2026, 7, 24), "-412.00", "AUTOPAY", "PPD")      # ... plus AutoPay: duplicate
    rows.append(Row(date(2026, 7, 31), D("412.00"),
                    chase_ach("COMMONWEALTH HEA", "REFUND", date(2026, 7, 31), "PPD"), "ACH_CREDIT"))
    ach(date(2026, 8, 24), "-412.00", "AUTOPAY", "PPD")
    rows.append(Row(date(2026, 9, 18), D("-412.00"), "CHECK 1043", "CHECK_PAID", check="1043"))
    rows.append(Row(date(2026, 10, 14), D("-38.50"), "ONLINE PMT MA HEALTH CONNECTOR CONF# 88412", "BILLPAY"))
    rows.append(Row(date(2026, 10, 16), D("-412.00"), "CHECK 1051", "CHECK_PAID", check="1051"))
    ach(date(2026, 10, 23), "-412.00", "AUTOPAY", "PPD")     # after cancellation, after check 1051
    return rows


def household_rows(rng: random.Random) -> list[Row]:
    rows: list[Row] = []
    d = date(2026, 1, 2)
    while d <= date(2026, 11, 22):
        if d.weekday() == 4 and (d - date(2026, 1, 2)).days % 14 == 0:   # biweekly payroll
            rows.append(Row(d, D("2150.00"), chase_ach("ACME ROBOTICS IN", "PAYROLL", d, "PPD",
                                                       "E0042", "9111111111"), "ACH_CREDIT"))
        if d.day == 1:
            rows.append(Row(d, D("-1850.00"), "ZELLE PAYMENT TO PINE ST PROPERTIES LLC", "QUICKPAY_DEBIT"))
        if d.day == 5:
            rows.append(Row(d, D(f"-{rng.randint(60, 140)}.{rng.randint(0, 99):02d}"),
                            "EVERSOURCE ENERGY PAYMENT PPD ID: 1041234567", "ACH_DEBIT"))
        if d.day == 8:
            rows.append(Row(d, D("-89.99"), "COMCAST CABLE COMM 800-266-2278 MA", "DEBIT_CARD"))
        if d.day == 12:
            rows.append(Row(d, D("-45.00"), chase_ach("COMMONWEALTH HEA", "MEMBERPREM", d, "PPD",
                                                      "SD0091", CHA_CO_ID), "ACH_DEBIT"))
        if d.day == 16:
            rows.append(Row(d, D("-132.40"), "GEICO AUTO INSURANCE PPD ID: 5310001234", "ACH_DEBIT"))
        if d.day == 20 and d.month in (4, 9):
            rows.append(Row(d, D("-212.00"), "COMM OF MASS EFT DOR TAX PMT", "ACH_DEBIT"))
        if d.day == 18:
            rows.append(Row(d, D("-60.00"), "DELTA DENTAL OF MA PREMIUM", "ACH_DEBIT"))
        if d.weekday() == 5:
            for _ in range(rng.randint(1, 3)):
                store = rng.choice(["STOP & SHOP 0443 ARLINGTON MA", "MARKET BASKET #71 SOMERVILLE MA",
                                    "WHOLE FOODS MKT ARLINGTON", "CVS/PHARMACY #01234"])
                rows.append(Row(d, D(f"-{rng.randint(8, 160)}.{rng.randint(0, 99):02d}"), store, "DEBIT_CARD"))
        if d.day == 3 and d.month == 3:
            # Two identical coffee purchases on one day: two real transactions, never merged.
            rows += [Row(d, D("-4.75"), "DUNKIN #334455 ARLINGTON MA", "DEBIT_CARD")] * 2
        if d.day == 27 and d.month in (2, 6, 10):
            rows.append(Row(d, D("-75.00"), "CHECK 1044" if d.month == 2 else
                            ("CHECK 1048" if d.month == 6 else "CHECK 1052"), "CHECK_PAID",
                            check={2: "1044", 6: "1048", 10: "1052"}[d.month]))
        d += timedelta(days=1)
    return rows


def register_rows() -> list[tuple[str, str, str, str, str]]:
    """(number, date written, payee, amount, memo)."""
    return [
        ("1044", "02/21/2026", "Arlington Youth Soccer", "75.00", "spring season"),
        ("1048", "06/20/2026", "Arlington Youth Soccer", "75.00", "fall season"),
        ("1043", "09/14/2026", "MA Health Connector", "412.00", "Acct 712345678 October premium"),
        ("1051", "10/12/2026", "MA Health Connector", "412.00", "Acct 712345678 November premium"),
        ("1052", "10/21/2026", "Town of Arlington", "75.00", "water bill"),
        ("1055", "11/02/2026", "MA Health Connector", "57.00", "Acct 798765432 dental balance"),
    ]


# ------------------------------------------------------------------ bills

def health_bills() -> list[Bill]:
    premium, credit, subsidy, share = D("612.00"), D("150.00"), D("50.00"), D("412.00")
    # (bill month, previous balance, payments received, itemised payments, adjustments, amount due)
    plan = [
        (1, None, None, (), None, share),
        (2, D("412.00"), D("412.00"), ((date(2026, 1, 23), "412.00", "AutoPay"),), D("0.00"), share),
        (3, D("412.00"), D("412.00"), ((date(2026, 2, 24), "412.00", "AutoPay"),), D("0.00"), share),
        (4, D("412.00"), D("0.00"), (), D("0.00"), D("824.00")),    # forgot the 03/24 draw
        (5, D("824.00"), D("412.00"), ((date(2026, 4, 24), "412.00", "AutoPay"),), D("-412.00"), share),
        (6, D("412.00"), D("412.00"), ((date(2026, 5, 26), "412.00", "AutoPay"),), D("412.00"),
         D("824.00")),                                                    # returned payment re-billed
        (7, D("824.00"), D("824.00"), ((date(2026, 6, 10), "412.00", "Online payment"),
                                       (date(2026, 6, 24), "412.00", "AutoPay")), D("0.00"), share),
        (8, D("412.00"), D("824.00"), ((date(2026, 7, 10), "412.00", "Online payment"),
                                       (date(2026, 7, 24), "412.00", "AutoPay")), D("412.00"), share),
        (9, D("412.00"), D("412.00"), ((date(2026, 8, 24), "412.00", "AutoPay"),), D("0.00"), share),
        (10, D("412.00"), D("412.00"), ((date(2026, 9, 16), "412.00", "Check #1043"),), D("0.00"), share),
        # Forgets check 1051 (it shows the AutoPay of 10/23 only), so it asks $412.00 again.
        (11, D("412.00"), D("412.00"), ((date(2026, 10, 23), "412.00", "AutoPay"),), D("0.00"),
         D("412.00")),
    ]
    bills = []
    for month, prev, received, items, adj, due in plan:
        bd = date(2026, month, 1)
        cov = date(2026 + (month == 12), month % 12 + 1, 1)
        bills.append(Bill(
            source=Source(path=""), billing_account=HEALTH, bill_date=bd, due_date=date(2026, month, 23),
            coverage_month=f"{cov:%Y-%m}", amount_due=due, enrollment_id="RefID_1234567890123",
            subscriber_id="712345678901", plan="health", plan_name="Tufts Health Direct Silver A II",
            carrier="Tufts Health Plan", subscriber_name="Jane Doe", members=("Jane Doe", "Sam Doe"),
            previous_balance=prev, payments_received=received,
            payment_items=tuple(BillPayment(d, D(a), desc) for d, a, desc in items),
            adjustments=adj, premium=premium, tax_credit=credit, state_subsidy=subsidy,
            current_charges=share, autopay=month <= 8))
    return bills


def dental_bills() -> list[Bill]:
    fee = D("38.50")
    plan = [
        (1, None, None, (), None, fee),
        (2, fee, fee, ((date(2026, 1, 14), "38.50"),), D("0.00"), fee),
        (3, fee, fee, ((date(2026, 2, 12), "38.50"),), D("0.00"), fee),
        (4, fee, fee, ((date(2026, 3, 13), "38.50"),), D("0.00"), fee),
        (5, fee, fee, ((date(2026, 4, 14), "38.50"),), D("0.00"), fee),
        (6, fee, fee, ((date(2026, 5, 13), "38.50"),), D("0.00"), fee),
        (7, fee, fee, ((date(2026, 6, 10), "38.50"),), D("0.00"), fee),
        (8, fee, D("20.00"), ((date(2026, 7, 15), "20.00"),), D("0.00"), D("57.00")),
    ]
    bills = []
    for month, prev, received, items, adj, due in plan:
        bd = date(2026, month, 1)
        cov = date(2026, month + 1, 1)
        bills.append(Bill(
            source=Source(path=""), billing_account=DENTAL, bill_date=bd, due_date=date(2026, month, 23),
            coverage_month=f"{cov:%Y-%m}", amount_due=due, enrollment_id="RefID_1234567890777",
            subscriber_id="712345678901", plan="dental", plan_name="Altus Dental Family Plan",
            carrier="Altus Dental", subscriber_name="Jane Doe", members=("Jane Doe", "Sam Doe"),
            previous_balance=prev, payments_received=received,
            payment_items=tuple(BillPayment(d, D(a), "Online payment") for d, a in items),
            adjustments=adj, premium=fee, current_charges=fee, autopay=False))
    return bills


# ------------------------------------------------------------------ writers

def _ofx_text(rows: list[Row], start: date, end: date) -> str:
    def esc(s: str) -> str:
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    lines = ["OFXHEADER:100", "DATA:OFXSGML", "VERSION:102", "SECURITY:NONE", "ENCODING:USASCII",
             "CHARSET:1252", "COMPRESSION:NONE", "OLDFILEUID:NONE", "NEWFILEUID:NONE", "",
             "<OFX>", "<SIGNONMSGSRSV1><SONRS><STATUS><CODE>0<SEVERITY>INFO</STATUS>",
             f"<DTSERVER>{end:%Y%m%d}120000[-5:EST]<LANGUAGE>ENG<FI><ORG>B1<FID>10898</FI>"
             "<INTU.BID>10898</SONRS></SIGNONMSGSRSV1>",
             "<BANKMSGSRSV1><STMTTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS>",
             "<STMTRS><CURDEF>USD<BANKACCTFROM><BANKID>021000021<ACCTID>" + ACCOUNT_NO +
             "<ACCTTYPE>CHECKING</BANKACCTFROM>",
             f"<BANKTRANLIST><DTSTART>{start:%Y%m%d}120000[-5:EST]<DTEND>{end:%Y%m%d}120000[-5:EST]"]
    balance = D("5000.00")
    for r in rows:
        balance += r.amount
        trntype = {"ACH_CREDIT": "CREDIT", "CHECK_PAID": "CHECK", "FEE_TRANSACTION": "FEE",
                   "DEBIT_CARD": "POS"}.get(r.kind, "DEBIT")
        lines.append("<STMTTRN>")
        lines.append(f"<TRNTYPE>{trntype}")
        lines.append(f"<DTPOSTED>{r.day:%Y%m%d}120000[-5:EST]")
        lines.append(f"<TRNAMT>{r.amount}")
        lines.append(f"<FITID>{r.fitid}")
        if r.check:
            lines.append(f"<CHECKNUM>{r.check}")
        lines.append(f"<NAME>{esc(r.text[:32])}")
        if len(r.text) > 32:
            lines.append(f"<MEMO>{esc(r.text)}")
        lines.append("</STMTTRN>")
    lines += ["</BANKTRANLIST>", f"<LEDGERBAL><BALAMT>{balance}<DTASOF>{end:%Y%m%d}120000[-5:EST]</LEDGERBAL>",
              "</STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>", ""]
    return "\r\n".join(lines)


def _chase_csv(rows: list[Row], opening: Decimal) -> str:
    """Chase checking CSV: note the trailing comma on data rows but not on the header."""
    out = ["Details,Posting Date,Description,Amount,Type,Balance,Check or Slip #"]
    balance = opening
    for r in rows:
        balance += r.amount
        details = "CREDIT" if r.amount > 0 else ("CHECK" if r.check else "DEBIT")
        desc = r.text.replace('"', "'")
        out.append(f'{details},{r.day:%m/%d/%Y},"{desc}",{r.amount},{r.kind},{balance},{r.check or ""},')
    return "\r\n".join(reversed(out[1:])).join([out[0] + "\r\n", "\r\n"])


def build(outdir: Path) -> list[Path]:
    rng = random.Random(20260101)
    rows = sorted(connector_rows() + household_rows(rng), key=lambda r: (r.day, r.amount, r.text))
    for i, r in enumerate(rows):
        r.fitid = f"2026{r.day:%m%d}{i:05d}"
    outdir.mkdir(parents=True, exist_ok=True)
    (outdir / "bank").mkdir(exist_ok=True)
    (outdir / "bills").mkdir(exist_ok=True)
    written: list[Path] = []

    def put(rel: str, text: str) -> None:
        p = outdir / rel
        p.write_bytes(text.encode("utf-8"))
        written.append(p)

    ofx_rows = [r for r in rows if r.day <= date(2026, 9, 30)]
    put("bank/chase-checking-2026-01-to-09.qfx", _ofx_text(ofx_rows, date(2026, 1, 1), date(2026, 9, 30)))
    csv_rows = [r for r in rows if r.day >= date(2026, 9, 1)]
    opening = D("5000.00") + sum((r.amount for r in rows if r.day < date(2026, 9, 1)), D(0))
    put("bank/Chase4913_Activity_20260901_20261122.CSV", _chase_csv(csv_rows, opening))
    reg = ["Check Number,Date Written,Payee,Amount,Memo"]
    reg += [f'{n},{d},{p},{a},"{m}"' for n, d, p, a, m in register_rows()]
    put("bank/check-register-2026.csv", "\n".join(reg) + "\n")

    health = health_bills()
    dental = dental_bills()
    for b in health:
        layout = "2024" if b.bill_date.month <= 2 else "2026"
        p = outdir / "bills" / f"health-{b.bill_date:%Y-%m}.pdf"
        write_bill_pdf(p, [b], layout=layout, scanned=b.bill_date.month == 3)
        written.append(p)
    p = outdir / "bills" / "dental-2026-all-bills.pdf"          # a year merged into one file
    write_bill_pdf(p, dental, layout="2022")
    written.append(p)
    put("recon.toml", CONFIG)
    put("calls.jsonl", "".join(json.dumps(c, ensure_ascii=False) + "\n" for c in CALLS))
    put("bills/electric-bill-notes.txt", "Eversource account 5550-1234: call about the October estimate.\n")
    return written


CALLS = [
    {"when": "2026-04-09 10:12", "account": HEALTH, "rep": "Marisol", "rep_id": "M2231",
     "department": "Billing", "said": "The 03/24 AutoPay of $412.00 does not show on the April bill.",
     "promised": "Payment research ticket opened; credit within 10 business days.",
     "case": "CS-20260409-0117"},
    {"when": "2026-06-02 16:40", "account": HEALTH, "rep": "Kevin", "rep_id": "K0987",
     "department": "Billing", "said": "AutoPay of 05/26 returned R01 (insufficient funds).",
     "promised": "Pay $412.00 online before 06/23 to keep June coverage; no late fee.",
     "case": "CS-20260602-0311"},
    {"when": "2026-08-31 14:05", "account": HEALTH, "rep": "Dana", "rep_id": "D4471",
     "department": "Billing", "said": "Cancel AutoPay; I will pay by check from September.",
     "promised": "AutoPay cancelled effective today; confirmation letter by mail.",
     "case": "CS-20260831-0042"},
    {"when": "2026-10-26 09:30", "account": HEALTH, "rep": "Dana", "rep_id": "D4471",
     "department": "Billing Supervisor", "said": "AutoPay drew $412.00 on 10/23 after cancellation.",
     "promised": "Refund request submitted.", "case": "CS-20261026-0009"},
]

CONFIG = '''# recon configuration for the sample household (see README: "The config file").
[[accounts]]
number = "712345678"
owner = "Jane Doe"
plan = "health"
# AutoPay set up in January, cancelled on the phone on 2026-08-31 (call log in calls.jsonl).
autopay = [{ start = "2026-01-01", end = "2026-08-31" }]

[[accounts]]
number = "798765432"
owner = "Jane Doe"
plan = "dental"
plan_end = "2026-09-30"
'''

if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "samples")
    for path in build(target):
        print(path)
