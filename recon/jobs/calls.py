"""The call log: calls.jsonl (one JSON object per line, UTF-8, append-only) <-> Call records.

Input: a folder (``--data``) holding ``calls.jsonl``, or the fields of one call to add.
Output: ``Call`` records sorted by time; appending writes one line and never rewrites the file.

A member fixing a billing error must keep a log of every call: date and time, the representative's
first name and ID, the department, what was said, what was promised and the case number
(domain.md, "What members go through"). The detect stage ignores files named calls.jsonl, so the
log can live beside the bank exports and bills.

One line, as written (keys in this order; empty fields are ""):

    {"when": "2026-08-31 14:05", "account": "712345678", "rep": "Dana", "rep_id": "D4471",
     "department": "Billing", "said": "...", "promised": "...", "case": "CS-20260831-0042"}
"""
from __future__ import annotations

import json
import os
import re
from datetime import datetime
from pathlib import Path

from recon.model import WHEN_FORMAT, Call

CALLS_FILE = "calls.jsonl"
_BILLING_ACCOUNT = re.compile(r"^7\d{8}$")
FIELDS = ("when", "account", "rep", "rep_id", "department", "said", "promised", "case")


class CallLogError(ValueError):
    """Bad input for the call log: a date that does not parse, a malformed line in calls.jsonl."""


def parse_when(text: str) -> datetime:
    """'YYYY-MM-DD HH:MM' (also 'YYYY-MM-DDTHH:MM') -> datetime; CallLogError with the expected form."""
    value = text.strip()
    for fmt in (WHEN_FORMAT, "%Y-%m-%dT%H:%M"):
        try:
            return datetime.strptime(value, fmt)
        except ValueError:
            continue
    raise CallLogError(f'expected a date and time "YYYY-MM-DD HH:MM" (e.g. "2026-08-31 14:05"), '
                       f"got {text!r}")


def check_account(account: str | None) -> str | None:
    """A Connector billing account number is 9 digits starting with 7 (domain.md)."""
    if account is None or account.strip() == "":
        return None
    a = account.strip()
    if not _BILLING_ACCOUNT.match(a):
        raise CallLogError(f"a billing account number is 9 digits starting with 7 (like 712345678), "
                           f"got {account!r}")
    return a


def calls_path(data_dir: Path) -> Path:
    return data_dir / CALLS_FILE


def append_call(path: Path, call: Call) -> Call:
    """Append one call as one line; the existing lines are never rewritten.

    Returns the call with its line number in the file.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    existing = path.read_bytes() if path.exists() else b""
    prefix = b"" if not existing or existing.endswith(b"\n") else b"\n"
    line_no = existing.count(b"\n") + (1 if prefix else 0) + 1
    # Readable by the member only: the log holds what was said about their coverage.
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    os.chmod(path, 0o600)
    with os.fdopen(fd, "ab") as fh:
        fh.write(prefix + call.to_json().encode("utf-8") + b"\n")
        fh.flush()
        os.fsync(fh.fileno())
    return Call(call.when, call.rep, call.rep_id, call.department, call.said, call.promised, call.case,
                call.account, line_no)


def _text(obj: dict, key: str, where: str) -> str:
    v = obj.get(key, "")
    if v is None:
        return ""
    if not isinstance(v, str):
        raise CallLogError(f"{where}: {key!r} must be text, got {v!r}")
    return v


def read_calls(path: Path) -> list[Call]:
    """Every call in ``path``, sorted by time (then line); no file means no calls.

    Raises CallLogError naming ``path:line`` for a line that is not a call.
    """
    if not path.exists():
        return []
    calls = []
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise CallLogError(f"{path}: not UTF-8 text ({exc})") from None
    for n, raw in enumerate(text.splitlines(), 1):
        if not raw.strip():
            continue
        where = f"{path}:{n}"
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise CallLogError(f"{where}: not a JSON object ({exc.msg})") from None
        if not isinstance(obj, dict):
            raise CallLogError(f"{where}: not a JSON object")
        try:
            when = parse_when(_text(obj, "when", where))
        except CallLogError as exc:
            raise CallLogError(f"{where}: {exc}") from None
        account = _text(obj, "account", where).strip() or None
        calls.append(Call(when=when, rep=_text(obj, "rep", where), rep_id=_text(obj, "rep_id", where),
                          department=_text(obj, "department", where), said=_text(obj, "said", where),
                          promised=_text(obj, "promised", where), case=_text(obj, "case", where),
                          account=account, line=n))
    return sorted(calls, key=lambda c: (c.when, c.line or 0))


def calls_for(calls: list[Call], account: str | None) -> list[Call]:
    """Calls about ``account``, plus calls that name no account (they may be about any); all if None."""
    if account is None:
        return list(calls)
    return [c for c in calls if c.account in (None, account)]


def render_calls(calls: list[Call]) -> str:
    """Plain-text table sorted by time: one row per call, what was said/promised indented below."""
    if not calls:
        return "No calls logged.\n"
    head = ("when", "account", "representative", "department", "case")
    rows = [(c.when.strftime(WHEN_FORMAT), c.account or "-",
             (c.rep + (f" (ID {c.rep_id})" if c.rep_id else "")).strip() or "-",
             c.department or "-", c.case or "-") for c in calls]
    widths = [max(len(head[i]), *(len(r[i]) for r in rows)) for i in range(len(head))]

    def fmt(r: tuple[str, ...]) -> str:
        return "  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip()

    out = [fmt(head), fmt(tuple("-" * w for w in widths))]
    for c, r in zip(calls, rows):
        out.append(fmt(r))
        if c.said:
            out.append(f"    said:     {c.said}")
        if c.promised:
            out.append(f"    promised: {c.promised}")
    return "\n".join(out) + "\n"
