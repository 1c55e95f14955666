"""Every finding a check makes has a registry entry, and the README's table lists every type."""
from __future__ import annotations

import re
from pathlib import Path

from recon.checks import CHECKS, FINDING_TYPES

README = Path(__file__).resolve().parents[2] / "README.md"


def test_every_check_module_type_is_registered():
    made = set()
    for check in CHECKS:
        src = Path(check.__code__.co_filename).read_text(encoding="utf-8")
        made |= set(re.findall(r'type="([a-z_]+)"', src))
    assert made and made <= set(FINDING_TYPES)


def test_readme_table_lists_every_registered_type():
    text = README.read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `([a-z_]+)` \(", text, re.MULTILINE))
    assert listed == set(FINDING_TYPES)


def test_entries_say_what_to_do():
    for t in FINDING_TYPES.values():
        assert t.severity in ("high", "medium", "low")
        assert t.label and t.meaning and t.next_step and t.have_at_hand
    assert {t.type for t in FINDING_TYPES.values() if t.dispute} >= {"duplicate_draw", "unmatched_charge"}
