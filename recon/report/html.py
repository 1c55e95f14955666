"""Report -> report.html: one self-contained page a person can read, print or email.

Input: a ``Report`` (recon.model) and an output folder.
Output: OUTDIR/report.html, written atomically, byte-identical for the same inputs.

The page holds, per billing account, a month-by-month ledger (coverage month, bill date, due date,
amount due, billed, paid, status, and each payment with date, amount, method, trace or check
number, bank account last four and where it appears in the exports), an inline SVG chart of billed
against paid per coverage month, and the findings with their evidence (bank file and line or FITID,
bill file and page). Nothing is fetched: CSS and SVG are inline, fonts are the reader's own, no
scripts. Bank account numbers appear masked to the last four digits only. It prints cleanly: the
first account follows the overview on page 1, every later account starts a new page, and table rows
are not split.

Every screen: text and badges meet WCAG AA contrast (4.5:1), chart colours 3:1 against the page. At
phone widths (<= 640 px) table rows stack, one cell a line under its column name, so the page never
scrolls sideways; the chart scales to the width and, when it has more months than that leaves
legible, scrolls sideways inside its own figure (the page does not). tests/report/test_html_browser.py
measures all of this in headless Chromium at 390 px, 1280 px and in print.

Per account the totals say what was billed, what was drawn from the bank, what came back (returned
by the bank, refunded by the Connector), what went to the bills and what the Connector still holds
beyond them (recon.report.table.account_money), so an unrefunded second draw is not hidden behind
"billed = paid".
"""
from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from html import escape
from pathlib import Path

from recon.model import Finding, Report
from recon.money import dollars
from recon.privacy import for_people
from recon.report.csv_out import LedgerRow, PaymentLine, bill_where, finding_evidence, findings_for, ledger
from recon.report.json_report import write_atomic
from recon.report.table import AccountMoney, account_money, money_words

ZERO = Decimal(0)

STATUS_WORDS = {
    "paid": "paid", "late": "paid late", "partial": "partly paid", "unpaid": "unpaid",
    "open": "not yet due", "credit": "credit, nothing due",
}
STATUS_COLOURS = {  # paid bar colour by the month's status (each >= 3:1 against white)
    "paid": "#2e7d32", "credit": "#2e7d32", "late": "#9a5800", "partial": "#c62828",
    "unpaid": "#c62828", "open": "#7b8794",
}
BILLED_COLOUR = "#4a6fa5"

# Colours: white on --high 5.6:1, on --medium 5.6:1, on --low 5.1:1; --muted on --band 5.4:1.
CSS = """
:root { --ink: #1d2430; --muted: #5b6573; --rule: #d5dae1; --high: #c62828; --medium: #9a5800;
  --low: #4a6fa5; --paper: #ffffff; --band: #f3f5f8; }
* { box-sizing: border-box; }
html { background: var(--paper); }
body { margin: 0 auto; max-width: 1180px; padding: 24px 28px 48px; color: var(--ink); overflow-wrap: break-word;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
.table-scroll { overflow-x: auto; max-width: 100%; }
td, article.finding p, ul.evidence li { overflow-wrap: anywhere; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 0 0 6px; padding-top: 8px; border-top: 3px solid var(--ink); }
h3 { font-size: 16px; margin: 22px 0 8px; }
p.lead, p.meta { color: var(--muted); margin: 0 0 12px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 14px; }
th, td { text-align: left; vertical-align: top; padding: 5px 7px; border-bottom: 1px solid var(--rule); }
th { background: var(--band); font-weight: 600; font-size: 12px; text-transform: uppercase;
  letter-spacing: .03em; }
td.money, th.money { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
th.money { white-space: normal; }
td.date { white-space: nowrap; }
tr { break-inside: avoid; page-break-inside: avoid; }
thead { display: table-header-group; }
ul.payments, ul.evidence { margin: 0; padding-left: 16px; }
ul.payments li { margin: 0 0 4px; }
th.payments { width: 50%; text-transform: none; letter-spacing: 0; }
.where { color: var(--muted); font-size: 12px; word-break: break-all; }
.status { font-weight: 600; white-space: nowrap; }
.status-paid, .status-credit { color: #2e7d32; }
.status-late { color: var(--medium); }
.status-partial, .status-unpaid { color: var(--high); }
.status-open { color: var(--muted); }
section.account { margin: 28px 0 36px; }
figure.chart { margin: 8px 0 4px; overflow-x: auto; max-width: 100%; }
figure.chart figcaption { color: var(--muted); font-size: 12px; }
svg.chart { display: block; width: 100%; height: auto; }
svg.chart text { font: 15px system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; fill: #3a4350; }
ul.legend { list-style: none; margin: 4px 0; padding: 0; display: flex; flex-wrap: wrap; gap: 2px 14px;
  font-size: 12px; }
ul.legend .swatch { display: inline-block; width: 10px; height: 10px; margin-right: 5px; vertical-align: -1px; }
ul.money-flow { margin: 4px 0 10px; padding-left: 18px; }
ul.money-flow li.held { font-weight: 600; }
article.finding { border-left: 4px solid var(--low); background: var(--band); padding: 8px 12px;
  margin: 0 0 10px; break-inside: avoid; page-break-inside: avoid; }
article.finding.sev-high { border-left-color: var(--high); }
article.finding.sev-medium { border-left-color: var(--medium); }
article.finding h4 { margin: 0 0 4px; font-size: 14px; }
article.finding p { margin: 0 0 4px; }
.badge { display: inline-block; padding: 0 6px; border-radius: 3px; color: #fff; font-size: 11px;
  text-transform: uppercase; letter-spacing: .04em; background: var(--low); }
.sev-high .badge { background: var(--high); }
.sev-medium .badge { background: var(--medium); }
.accepted { color: var(--muted); font-style: italic; }
nav ul { margin: 4px 0 0; padding-left: 18px; }
footer { margin-top: 32px; color: var(--muted); font-size: 12px; }
@media screen and (max-width: 640px) {
  body { padding: 16px 12px 32px; }
  table.stack, table.stack tbody, table.stack tr, table.stack td { display: block; width: 100%; }
  table.stack thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  table.stack tr { border-bottom: 2px solid var(--rule); padding: 4px 0; }
  table.stack td { border: 0; padding: 2px 4px; text-align: left; }
  table.stack td.money { text-align: left; }
  table.stack td[data-label]::before { content: attr(data-label) ": "; font-weight: 600; color: var(--muted); }
}
@media print {
  @page { size: letter; margin: 12mm; }
  html, body { background: #fff; }
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  nav { display: none; }
  section.account ~ section.account, section.inputs { break-before: page; page-break-before: always;
    margin-top: 0; }
  table { font-size: 9pt; }
  th, td { padding: 3px 4px; }
  th { font-size: 7.5pt; letter-spacing: 0; }
  .table-scroll, figure.chart { overflow: visible; }
  svg.chart { min-width: 0 !important; }
  h2, h3, figure.chart { break-after: avoid; page-break-after: avoid; }
  figure.chart { break-inside: avoid; page-break-inside: avoid; }
  .where { font-size: 8.5pt; }
}
"""


def _e(v: object) -> str:
    return escape("" if v is None else str(v), quote=True)


def _money_td(v: Decimal | None, label: str = "") -> str:
    lab = f' data-label="{_e(label)}"' if label else ""
    return f'<td class="money"{lab}>{_e(dollars(v)) if v is not None else ""}</td>'


def _td(label: str, content: str, cls: str = "") -> str:
    """A cell that names its column (shown before it when rows stack on a narrow screen)."""
    c = f' class="{cls}"' if cls else ""
    return f'<td{c} data-label="{_e(label)}">{content}</td>'


def _table(cls: str, head: str, body: list[str]) -> str:
    """A table whose rows stack on narrow screens, in a box that scrolls rather than the page."""
    return (f'<div class="table-scroll"><table class="{cls} stack"><thead><tr>{head}</tr></thead><tbody>'
            + "".join(body) + "</tbody></table></div>")


def _payment_li(p: PaymentLine) -> str:
    t = p.transaction
    bits = [f'<span class="date">{_e(t.date.isoformat())}</span>', _e(dollars(p.amount))]
    if -t.amount != p.amount:
        bits[-1] += f" (of {_e(dollars(-t.amount))})"
    if p.reference.startswith(p.method):
        bits.append(_e(p.reference))          # "check #1043", not "check · check #1043"
    else:
        bits.append(_e(p.method))
        if p.reference:
            bits.append(_e(p.reference))
    if t.date_written:
        bits.append(f"written {_e(t.date_written.isoformat())}")
    if p.bank_account:
        bits.append(f"bank account {_e(p.bank_account)}")
    return (f'<li class="payment" data-transaction-id="{_e(t.id)}">{" · ".join(bits)}'
            f'<div class="where">{_e(p.where)}</div></li>')


def _ledger_table(rows: list[LedgerRow]) -> str:
    head = ('<th>Coverage month</th><th>Bill date</th><th>Due date</th>'
            '<th class="money">Amount due</th><th class="money">Billed</th><th class="money">Paid</th>'
            '<th>Status</th><th class="payments">Payments (date · amount · method · reference · bank account; '
            'where in the exports)</th>')
    out = []
    for row in rows:
        b = row.bill
        pays = ("<ul class=\"payments\">" + "".join(_payment_li(p) for p in row.payments) + "</ul>"
                if row.payments else f'<div class="none status-{_e(row.status)}">no payment allocated</div>')
        out.append(
            f'<tr class="bill" data-bill-id="{_e(row.ref.id)}" data-coverage-month="{_e(b.coverage_month)}">'
            + _td("Coverage month", _e(b.coverage_month), "date") + _td("Bill date", _e(b.bill_date.isoformat()), "date")
            + _td("Due date", _e(b.due_date.isoformat()), "date") + _money_td(b.amount_due, "Amount due")
            + _money_td(row.state.charge, "Billed") + _money_td(row.paid, "Paid")
            + _td("Status", f'<span class="status status-{_e(row.status)}">'
                  f'{_e(STATUS_WORDS.get(row.status, row.status))}</span>')
            + _td("Payments", f'{pays}<div class="where">bill: {_e(bill_where(b))}</div>') + "</tr>")
    return _table("ledger", head, out)


def _nice_ceiling(v: Decimal) -> Decimal:
    """A round axis maximum at or above v (1, 2, 2.5, 5 x 10^n)."""
    if v <= 0:
        return Decimal(100)
    exp = len(str(int(v))) - 1
    base = Decimal(10) ** exp
    for m in (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10)):
        if v <= m * base:
            return m * base
    return Decimal(10) * base  # pragma: no cover


def _worst(statuses: list[str]) -> str:
    order = ["unpaid", "partial", "late", "open", "paid", "credit"]
    return min(statuses, key=lambda s: order.index(s) if s in order else len(order))


def chart_svg(rows: list[LedgerRow]) -> str:
    """Billed against paid per coverage month: one pair of bars per month, inline SVG."""
    months: dict[str, list[LedgerRow]] = defaultdict(list)
    for row in rows:
        months[row.bill.coverage_month].append(row)
    keys = sorted(months)
    data = []
    for k in keys:
        billed = sum((max(r.state.charge, ZERO) for r in months[k]), ZERO)
        paid = sum((max(r.paid, ZERO) for r in months[k]), ZERO)
        data.append((k, billed, paid, _worst([r.status for r in months[k]])))
    top = _nice_ceiling(max([ZERO, *(d[1] for d in data), *(d[2] for d in data)]))
    left, right, top_pad, bottom = 78, 12, 14, 50
    slot = 46
    width = max(360, left + right + slot * len(data))
    height = 250
    plot_h = height - top_pad - bottom

    def y(v: Decimal) -> float:
        # Screen geometry only: the one place a Decimal becomes a float, to place a bar in pixels.
        return top_pad + plot_h - float(v / top) * plot_h

    # Scales with the page down to 60% (text stays >= 9 px); below that its figure scrolls sideways.
    parts = [(f'<svg class="chart" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
              f'style="max-width: {width}px; min-width: {width * 3 // 5}px" role="img" data-months="{len(data)}" '
              f'aria-label="Billed and paid per coverage month">')]
    for i in range(5):
        v = top * i / 4
        yy = y(v)
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{yy:.1f}" y2="{yy:.1f}" '
                     f'stroke="#d5dae1" stroke-width="1"/>')
        parts.append(f'<text x="{left - 6}" y="{yy + 4:.1f}" text-anchor="end">{_e(dollars(v))}</text>')
    bar = 18
    for n, (k, billed, paid, status) in enumerate(data):
        x0 = left + slot * n + (slot - 2 * bar - 4) / 2
        parts.append(f'<g class="month" data-month="{_e(k)}" data-billed="{billed:.2f}" data-paid="{paid:.2f}" '
                     f'data-status="{_e(status)}">')
        for cls, v, x, colour, label in (("billed", billed, x0, BILLED_COLOUR, "billed"),
                                         ("paid", paid, x0 + bar + 4, STATUS_COLOURS.get(status, "#7b8794"),
                                          "paid")):
            yy = y(v)
            h = max(float(top_pad + plot_h) - yy, 0.0)
            if cls == "paid" and v == 0 and billed > 0:
                h, yy = 2.0, float(top_pad + plot_h) - 2.0   # a 2-pixel stub marks an empty month
            parts.append(f'<rect class="bar {cls}" x="{x:.1f}" y="{yy:.1f}" width="{bar}" height="{h:.1f}" '
                         f'fill="{colour}"><title>{_e(k)} {label} {_e(dollars(v))}</title></rect>')
        cx = x0 + bar + 2
        parts.append(f'<text x="{cx:.1f}" y="{height - bottom + 18}" text-anchor="middle">{_e(k[5:])}'
                     f'<tspan x="{cx:.1f}" dy="17">{_e(k[:4])}</tspan></text></g>')
    base = top_pad + plot_h
    parts.append(f'<line x1="{left}" x2="{width - right}" y1="{base}" y2="{base}" stroke="#5b6573"/>')
    parts.append("</svg>")
    return "".join(parts)


LEGEND = [(BILLED_COLOUR, "billed (member's share)"), ("#2e7d32", "paid on time"),
          (STATUS_COLOURS["late"], "paid late"), ("#c62828", "unpaid / partly paid"), ("#7b8794", "not yet due")]


def legend_html() -> str:
    """The chart's legend as text beside colour swatches (wraps on a narrow screen)."""
    return ('<ul class="legend">' + "".join(f'<li><span class="swatch" style="background: {c}"></span>{_e(t)}</li>'
                                            for c, t in LEGEND) + "</ul>")


def _finding_article(report: Report, f: Finding) -> str:
    head = [f'<span class="badge">{_e(f.severity)}</span> {_e(f.type.replace("_", " "))}']
    if f.coverage_month:
        head.append(_e(f.coverage_month))
    if f.amount is not None and f.amount != ZERO:
        head.append(_e(dollars(f.amount)))
    ev = finding_evidence(report, f)
    evidence = ("<ul class=\"evidence\">" + "".join(f"<li>{_e(e)}</li>" for e in ev) + "</ul>") if ev else ""
    accepted = f'<p class="accepted">Accepted: {_e(f.accepted)}</p>' if f.accepted else ""
    g = next((g for g in report.guidance if g.type == f.type), None)
    todo = (f'<p class="next"><strong>What to do:</strong> {_e(g.next_step)}. '
            f'<strong>Have at hand:</strong> {_e(g.have_at_hand)}.</p>') if g and not f.accepted else ""
    return (f'<article class="finding sev-{_e(f.severity)}" data-type="{_e(f.type)}" '
            f'data-billing-account="{_e(f.billing_account or "")}" '
            f'data-coverage-month="{_e(f.coverage_month or "")}">'
            f'<h4>{" · ".join(head)}</h4><p>{_e(f.message)}</p>{accepted}{todo}{evidence}</article>')


def _findings_block(report: Report, findings: list[Finding]) -> str:
    if not findings:
        return '<h3>Findings</h3><p class="meta">No findings for this account.</p>'
    return (f'<h3>Findings ({len(findings)})</h3>'
            + "".join(_finding_article(report, f) for f in findings))


def _overview(report: Report, books: dict[str, list[LedgerRow]], accounts: list[str]) -> str:
    """One row per account: its months, billed and paid, and the bank side: drawn, returned,
    refunded, and what the Connector holds beyond the bills."""
    money = account_money(report)
    head = ('<th>Billing account</th><th>Plan</th><th>Months</th><th class="money">Billed</th>'
            '<th class="money">Paid toward bills</th><th class="money">Drawn from the bank</th>'
            '<th class="money">Returned by the bank</th><th class="money">Refunded</th>'
            '<th class="money">Held beyond the bills</th><th>Findings</th>')
    body = []
    for a in accounts:
        rows = books.get(a, [])
        plan = next((x.bill.plan for x in rows if x.bill.plan), "") or ""
        fs = findings_for(report, a)
        high = sum(1 for f in fs if f.severity == "high")
        months = f"{rows[0].bill.coverage_month} to {rows[-1].bill.coverage_month}" if rows else "-"
        body.append(_overview_row(money.get(a) or AccountMoney(a), f'<a href="#account-{_e(a)}">{_e(a)}</a>',
                                  plan, months, f"{len(fs)} ({high} high)"))
    loose = money.get(None)
    if loose is not None and (loose.drawn or loose.returned or loose.refunded):
        body.append(_overview_row(loose, "none named", "", "-", ""))
    return _table("overview", head, body)


def _overview_row(m: AccountMoney, account: str, plan: str, months: str, findings: str) -> str:
    return (f'<tr class="account-total" data-account="{_e(m.account or "")}" data-billed="{m.billed:.2f}" '
            f'data-paid="{m.to_bills:.2f}" data-drawn="{m.drawn:.2f}" data-returned="{m.returned:.2f}" '
            f'data-refunded="{m.refunded:.2f}" data-held="{m.held:.2f}">'
            + _td("Billing account", account) + _td("Plan", _e(plan)) + _td("Months", _e(months))
            + _money_td(m.billed, "Billed") + _money_td(m.to_bills, "Paid toward bills")
            + _money_td(m.drawn, "Drawn from the bank") + _money_td(m.returned, "Returned by the bank")
            + _money_td(m.refunded, "Refunded") + _money_td(m.held, "Held beyond the bills")
            + _td("Findings", _e(findings)) + "</tr>")


def _money_flow(m: AccountMoney | None) -> str:
    if m is None:
        return ""
    items = []
    for w in money_words(m):
        cls = ' class="held"' if w.startswith(("Held", "Second")) and m.held > 0 else ""
        items.append(f"<li{cls}>{_e(w)}</li>")
    return '<h3>Money for this account</h3><ul class="money-flow">' + "".join(items) + "</ul>"


def render_html(report: Report) -> str:
    """The whole page as text (deterministic)."""
    r = report
    books = ledger(report)
    ok = [i for i in r.inputs if i.status == "ok"]
    rejected = [i for i in r.inputs if i.status == "rejected"]
    accounts = sorted(set(books) | {f.billing_account for f in r.findings if f.billing_account})
    out = ['<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>Health Connector payments as of {_e(r.as_of.isoformat())}</title>",
           f"<style>{CSS}</style></head><body>",
           "<header><h1>Health Connector premiums: bills and payments</h1>",
           (f'<p class="lead">As of {_e(r.as_of.isoformat())}: {len(ok)} file(s) read, {len(rejected)} '
           f"rejected; {len(r.transactions)} Connector transaction(s), {len(r.bills)} bill(s), "
           f"{len(r.findings)} finding(s).</p>")]
    out.append(_overview(report, books, accounts) + "</header>")
    money = account_money(report)
    for a in accounts:
        rows = books.get(a, [])
        plan = next((x.bill.plan for x in rows if x.bill.plan), None)
        carrier = next((x.bill.plan_name or x.bill.carrier for x in rows
                        if x.bill.plan_name or x.bill.carrier), None)
        title = f"Billing account {a}" + (f" ({plan})" if plan else "")
        out.append(f'<section class="account" id="account-{_e(a)}" data-account="{_e(a)}"><h2>{_e(title)}</h2>')
        if carrier:
            out.append(f'<p class="meta">{_e(carrier)}</p>')
        out.append(_money_flow(money.get(a)))
        if rows:
            out.append(f'<figure class="chart">{chart_svg(rows)}{legend_html()}<figcaption>Billed (the member\'s '
                       f"share of the premium for the coverage month) against paid toward it, per coverage month."
                       f"</figcaption></figure>")
            out.append("<h3>Month by month</h3>")
            out.append(_ledger_table(rows))
        else:
            out.append('<p class="meta">No bill was read for this account.</p>')
        out.append(_findings_block(report, findings_for(report, a)))
        out.append("</section>")
    general = findings_for(report, None)
    if general:
        out.append('<section class="account" id="account-none" data-account="">'
                   "<h2>Findings not tied to a billing account</h2>")
        out.append("".join(_finding_article(report, f) for f in general))
        out.append("</section>")
    files = [f'<tr>{_td("File", _e(i.path), "where")}{_td("Kind", _e(i.kind))}{_td("Status", _e(i.status))}'
             f'{_td("Records", str(i.records), "money")}{_td("Error", _e(i.error or ""))}</tr>'
             for i in sorted(r.inputs, key=lambda i: i.path)]
    out.append('<section class="inputs"><h3>Files read</h3>'
               + _table("inputs", '<th>File</th><th>Kind</th><th>Status</th><th class="money">Records</th>'
                        "<th>Error</th>", files) + "</section>")
    if r.contact:
        out.append(f'<section class="contact"><h2>Whom to call</h2><p>{_e(r.contact)}</p></section>')
    out.append("<footer>Made by recon. Bank account numbers are shown by their last four digits only; "
               "Connector billing account numbers in full.</footer></body></html>\n")
    return for_people("\n".join(out), report.evidence_numbers)


def write_html(report: Report, outdir: Path) -> Path:
    """Write OUTDIR/report.html and return its path."""
    path = outdir / "report.html"
    write_atomic(path, render_html(report))
    return path
