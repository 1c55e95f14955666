"""Report -> report.json ("recon.report/1", ../shared/design/report-schema.md).

Deterministic: every list sorted, keys sorted, money as two-decimal strings, so the same inputs give
a byte-identical file whatever the order they were given in. Bank account numbers are masked to the
last four digits; Connector billing account numbers are not.
"""
from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from operator import attrgetter
from pathlib import Path
from typing import Any

from recon.model import Report, Source
from recon.money import format_money
from recon.privacy import for_people, last4
from recon.sorting import sorted_by

SCHEMA_ID = "recon.report/1"


def _m(v) -> str | None:
    return None if v is None else format_money(v)


def mask_account(account: str | None) -> str | None:
    tail = last4(account)
    return f"****{tail}" if tail else None


def _source(s: Source) -> dict[str, Any]:
    return {"path": s.path, "fitid": s.fitid, "line": s.line}


def sections(r: Report) -> dict[str, Any]:
    """The report in schema order: scalars as values, lists as generators of item dicts. Messages,
    errors, notes and warnings are text for people (recon.privacy); paths stay as given."""
    keep = r.evidence_numbers      # called only for a text with a long number
    return {
        "schema": SCHEMA_ID,
        "as_of": r.as_of.isoformat(),
        "inputs": (
            {"path": i.path, "kind": i.kind, "status": i.status,
             "error": None if i.error is None else for_people(i.error, keep), "records": i.records,
             "notes": [for_people(n, keep) for n in i.notes]}
            for i in sorted(r.inputs, key=lambda i: i.path)
        ),
        "transactions": (
            {"id": t.id, "date": t.date.isoformat(), "amount": format_money(t.amount),
             "description": t.description, "check_number": t.check_number, "role": t.role,
             "sources": [_source(s) for s in t.sources],
             "bank_account": mask_account(t.account), "trace_number": t.trace,
             "date_written": t.date_written.isoformat() if t.date_written else None,
             "classified_by": t.classified_by}
            for t in sorted_by(r.transactions, attrgetter("date"), attrgetter("id"))
        ),
        "bills": (
            {"id": ref.id, "billing_account": b.billing_account, "enrollment_id": b.enrollment_id,
             "plan": b.plan, "bill_date": b.bill_date.isoformat(), "due_date": b.due_date.isoformat(),
             "coverage_month": b.coverage_month, "amount_due": format_money(b.amount_due),
             "previous_balance": _m(b.previous_balance), "payments_received": _m(b.payments_received),
             "adjustments": _m(b.adjustments), "premium": _m(b.premium), "subsidy": _m(b.subsidy),
             "source": {"path": b.source.path, "page": b.source.page or 1},
             "sources": [{"path": c.path, "page": c.page or 1} for c in (b.source, *b.copies)],
             "warnings": [for_people(w, keep) for w in b.warnings]}
            for ref in sorted(r.bills, key=lambda x: x.id) for b in [ref.bill]
        ),
        "matches": (
            {"transaction_id": a.transaction_id, "bill_id": a.bill_id, "amount": format_money(a.amount),
             "confidence": a.confidence, "reason": a.reason, "override": a.override}
            for a in sorted_by(r.matches, attrgetter("transaction_id"), attrgetter("bill_id"))
        ),
        "findings": (
            {"type": f.type, "severity": f.severity, "billing_account": f.billing_account,
             "coverage_month": f.coverage_month, "amount": _m(f.amount),
             "transaction_ids": list(f.transaction_ids), "bill_ids": list(f.bill_ids),
             "message": for_people(f.message, keep), "accepted": f.accepted}
            for f in sort_findings(r.findings)
        ),
    }


def to_dict(r: Report) -> dict[str, Any]:
    """The report as plain JSON data, in schema order."""
    return {k: (v if isinstance(v, str) else list(v)) for k, v in sections(r).items()}


_SEV = {"high": 0, "medium": 1, "low": 2}


def sort_findings(findings):
    return sorted(findings, key=lambda f: (f.billing_account or "", f.coverage_month or "",
                                           _SEV.get(f.severity, 3), f.type, f.message))


def _item_encoder():
    """One value -> compact JSON text, with the C encoder built once (not once per item)."""
    from json import encoder as std

    if std.c_make_encoder is None:  # pragma: no cover - CPython always has it
        return json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode

    def fail(o):
        raise TypeError(f"not JSON serialisable: {type(o).__name__}")

    c = std.c_make_encoder(None, fail, std.encode_basestring, None, ": ", ", ", False, False, False)
    return lambda value: "".join(c(value, 0))


def iter_json(r: Report) -> Iterator[str]:
    """report.json text in pieces: one top-level key per line and one list item per line.

    Each item is encoded by the C JSON encoder (``json.dumps`` with ``indent`` falls back to the
    pure-Python one, which took most of an organisation-sized run) and written as it is made, so
    the whole document is never held in memory; one item per line still diffs and greps well.
    """
    enc = _item_encoder()
    yield "{\n"
    items = list(sections(r).items())
    for n, (key, value) in enumerate(items):
        comma = "," if n + 1 < len(items) else ""
        if isinstance(value, str):
            yield f"  {enc(key)}: {enc(value)}{comma}\n"
            continue
        first = True
        for item in value:
            yield (f"  {enc(key)}: [\n    " if first else ",\n    ") + enc(item)
            first = False
        yield (f"  {enc(key)}: []{comma}\n" if first else f"\n  ]{comma}\n")
    yield "}\n"


def dumps(r: Report) -> str:
    return "".join(iter_json(r))


def write_atomic(path: Path, text: str | Iterable[str]) -> None:
    """Write text (or its pieces) so a killed run leaves either the old file or the new one, whole."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            if isinstance(text, str):
                fh.write(text)
            else:
                fh.writelines(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_report(r: Report, outdir: Path) -> Path:
    path = outdir / "report.json"
    write_atomic(path, iter_json(r))
    return path
