"""Report -> terminal text: per billing account a month-by-month table, then findings by severity.

Plain text (no colour codes), so it reads the same in a terminal, a pipe or a cron mail.
"""
from __future__ import annotations

from decimal import Decimal

from recon.model import Report
from recon.money import dollars
from recon.privacy import for_people
from recon.report.json_report import sort_findings


def summary_rows(report: Report) -> list[tuple[str, str, str, str, str, str]]:
    """(account, coverage month, amount due, billed, paid, status) for every bill."""
    rows = []
    for ref in sorted(report.bills, key=lambda r: (r.bill.billing_account, r.bill.coverage_month, r.id)):
        s = report.status_of(ref.id)
        rows.append((ref.bill.billing_account, ref.bill.coverage_month, dollars(ref.bill.amount_due),
                     dollars(s.charge), dollars(s.paid), s.status))
    return rows


def render(report: Report, verbose: bool = False, quiet: bool = False) -> str:
    out: list[str] = []
    rejected = [i for i in report.inputs if i.status == "rejected"]
    ok = [i for i in report.inputs if i.status == "ok"]
    if not quiet:
        out.append(f"recon report as of {report.as_of.isoformat()}: {len(ok)} file(s) read, "
                   f"{len(rejected)} rejected; {len(report.transactions)} Connector transaction(s), "
                   f"{len(report.bills)} bill(s).")
        out.append("")
        current = None
        header = f"  {'month':<8} {'amount due':>11} {'billed':>10} {'paid':>10}  status"
        for acct, month, due, billed, paid, status in summary_rows(report):
            if acct != current:
                if current is not None:
                    out.append("")
                plan = next((r.bill.plan for r in report.bills if r.bill.billing_account == acct), None)
                out.append(f"Billing account {acct}" + (f" ({plan})" if plan else ""))
                out.append(header)
                current = acct
            out.append(f"  {month:<8} {due:>11} {billed:>10} {paid:>10}  {status}")
        out.append("")
    findings = sort_findings(report.findings)
    by_sev = {"high": [], "medium": [], "low": []}
    for f in findings:
        by_sev.setdefault(f.severity, []).append(f)
    if not findings and not report.transactions and not report.bills:
        out.append("No Connector payments and no Connector bills were found in these files: nothing "
                   "to reconcile. (Bills are PDFs from the Health Connector; payments show as "
                   "COMMONWEALTH HEA or a check in your register.)")
    elif not findings:
        out.append("No findings: every Connector debit pays a bill and every bill is paid.")
    else:
        shown = by_sev["high"] if quiet else findings
        out.append(f"High-severity findings ({len(shown)} of {len(findings)}):" if quiet
                   else f"Findings ({len(findings)}):")
        for sev in ("high", "medium", "low"):
            if quiet and sev != "high":
                continue
            for f in by_sev[sev]:
                amount = f" {dollars(f.amount)}" if f.amount is not None and f.amount != Decimal(0) else ""
                where = " ".join(x for x in (f.billing_account, f.coverage_month) if x)
                out.append(f"  [{sev}] {f.type}{amount}{(' ' + where) if where else ''}")
                out.append(f"      {f.message}")
                if f.accepted:
                    out.append(f"      accepted: {f.accepted}")
                if verbose and (f.transaction_ids or f.bill_ids):
                    out.append(f"      ids: {', '.join([*f.transaction_ids, *f.bill_ids])}")
    out.extend(next_steps(report, {f.type for f in (by_sev["high"] if quiet else findings)}))
    if report.transactions and not report.bills:
        out.append("")
        out.append("No Connector bill was read, so no payment can be matched to a bill: add the bill "
                   "PDFs (or scans) to the inputs.")
    left_out = [(i.path, n) for i in report.inputs if i.status == "ok" for n in i.notes if "not read" in n]
    if left_out:
        out.append("")
        out.append(f"Read, with {len(left_out)} part(s) left out (incomplete or unreadable; never counted):")
        for p, n in left_out:
            out.append(f"  {p}: {n}")
    if rejected:
        out.append("")
        out.append("Rejected inputs:")
        for i in sorted(rejected, key=lambda i: i.path):
            out.append("  " + (i.error or i.path).replace("\n", "\n  "))
    if verbose:
        notes = [(i.path, n) for i in report.inputs for n in i.notes] + [("", n) for n in report.notes]
        if notes:
            out.append("")
            out.append("Notes:")
            for p, n in notes:
                out.append(f"  {p + ': ' if p and not n.startswith(p) else ''}{n}")
    return for_people("\n".join(out), report.evidence_numbers) + "\n"


def next_steps(report: Report, types: set[str]) -> list[str]:
    """What to do about each type of finding shown, and whom to call (from the finding registry)."""
    steps = [g for g in report.guidance if g.type in types]
    if not steps:
        return []
    out = ["", "What to do:"]
    for g in steps:
        out.append(f"  {g.label} ({g.type}): {g.next_step}.")
        out.append(f"      Have at hand: {g.have_at_hand}.")
    if report.contact:
        out.append(f"  Whom to call: {report.contact}")
    return out

