"""Text shown to a person -> the same text with private numbers masked and control characters gone.

Bank statements hold private data. In every message, note and text a person reads (the terminal,
report.html, summary.txt, the CSVs, the proof packet, report.json's messages, the log), every run of 8 or more digits
is shown by its last four ("****1234"), except the numbers a member needs as evidence: the
Connector's billing account numbers and enrollment IDs, ACH trace numbers, check numbers and FITIDs
of the run, and YYYYMMDD dates. Control characters (terminal escape codes, a newline inside a file name) are
removed, so nothing echoed can rewrite a terminal or forge a line in a log.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import datetime

_RUN = re.compile(r"(?<!\d)\d{8,}(?!\d)")
# C0 and C1 controls but tab and newline, and DEL; an ANSI escape sequence is removed whole.
_ESCAPE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[@-Z\\-_]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _is_yyyymmdd(s: str) -> bool:
    if not s.startswith(("19", "20")):
        return False
    try:
        datetime.strptime(s, "%Y%m%d")
    except ValueError:
        return False
    return True


def mask_numbers(text: str, keep: Iterable[str] | Callable[[], Iterable[str]] = ()) -> str:
    """Every run of 8+ digits not in ``keep`` (and not a YYYYMMDD date) -> "****" + its last four.
    ``keep`` may be a function, called only when the text has such a run (most texts have none)."""
    if _RUN.search(text) is None:
        return text
    if callable(keep):
        keep = keep()
    kept = keep if isinstance(keep, (set, frozenset)) else set(keep)

    def sub(m: re.Match[str]) -> str:
        s = m.group(0)
        if s in kept or (len(s) == 8 and _is_yyyymmdd(s)):
            return s
        return "****" + s[-4:]

    return _RUN.sub(sub, text)


def strip_controls(text: str, newlines: bool = True) -> str:
    """Without terminal escape sequences and control characters (newlines kept unless told)."""
    text = _CONTROL.sub("", _ESCAPE.sub("", text))
    return text if newlines else text.replace("\n", " ").replace("\t", " ")


def for_people(text: str, keep: Iterable[str] | Callable[[], Iterable[str]] = ()) -> str:
    """Both: what every output a person reads applies to its text."""
    return mask_numbers(strip_controls(text), keep)


def last4(account: str | None) -> str | None:
    """The last four digits of a bank account id (what every output shows of it)."""
    if not account:
        return None
    digits = re.sub(r"\D", "", account)
    return (digits or account)[-4:]
