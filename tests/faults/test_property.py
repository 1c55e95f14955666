"""Property: damaging one input file changes nothing about the other files' transactions, checks and
bills, and never yields a transaction (or a register check) that is not in the intact file.

Damage is a truncation anywhere, or one byte replaced by a byte no text export holds (a control
character: NUL, SOH, BS, SUB, ESC, DEL). A byte replaced by another printable one (a 4 turned into a
5) is a different, valid file: no reader can tell it from what the bank wrote, so it is not in the
property. The rules that make it hold: a row or OFX block holding a control character is damaged
and not read (a note names its line), a control character in a CSV header or the lines above it
rejects the file (they decide how every row is read), a last row the file ends inside is not read,
and an OFX transaction block the file ends inside is not read. "In the intact file" means every
field equal but the line number and, for the last row of a file cut inside its last, free-text
field, that text, which may be cut short (nothing can tell where such a field ends). A damaged bill PDF yields no
transaction and leaves the other files alone; what it yields itself is its own bill, read as far as
its damaged pages allow and checked by the bill's own arithmetic like any other.
"""
from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recon.api import read_inputs
from recon.config import Config
from tests.conftest import SAMPLES

FILES = ("bank/Chase4913_Activity_20260901_20261122.CSV", "bank/chase-checking-2026-01-to-09.qfx",
         "bank/check-register-2026.csv", "bills/health-2026-02.pdf")
DAMAGE = (0x00, 0x01, 0x08, 0x1A, 0x1B, 0x7F)


def contents(folder: Path, cache: Path, files: tuple[str, ...] = FILES) -> dict[str, tuple]:
    """Per input file: (records, checks, bills) as read."""
    out = {}
    for inp, res in read_inputs([folder / f for f in files], Config(), cache_dir=cache):
        key = str(Path(inp.path).relative_to(folder))
        out[key] = (res.records, res.checks, res.bills) if res is not None else ((), (), ())
    return out


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> tuple[Path, Path, dict[str, tuple]]:
    root = tmp_path_factory.mktemp("property")
    folder = root / "in"
    for f in FILES:
        (folder / f).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(SAMPLES / f, folder / f)
    cache = root / "cache"
    intact = contents(folder, cache)
    assert all(any(parts) for parts in intact.values())        # each file yields something
    return folder, cache, intact


def check_damage(world, name: str, damaged: bytes, others: bool = True) -> None:
    """Read the folder with ``name`` damaged (only that file unless ``others``) and check both halves."""
    folder, cache, intact = world
    path = folder / name
    original = path.read_bytes()
    path.write_bytes(damaged)
    try:
        got = contents(folder, cache, FILES if others else (name,))
    finally:
        path.write_bytes(original)
    for other in FILES if others else ():
        if other != name:
            assert got[other] == intact[other], other           # nothing about another file changed
    for part, whole in zip(got[name][:2], intact[name][:2]):    # transactions and checks
        new = [x for x in part if not in_intact(x, whole)]
        assert not new, new[:1]                                  # nothing that is not in the intact file


TEXT = ("description", "payee", "memo")


def in_intact(x, whole) -> bool:
    """``x`` is one of ``whole``: every field equal but its place (a damaged line break moves the
    line numbers after it) and its text, which may be cut short where the file ends inside the last
    field of its last row (a free-text field has no end to check; the date, amount and number before
    it are whole)."""
    bare = replace(x, source=None, **{f: None for f in TEXT if hasattr(x, f)})
    for y in whole:
        if replace(y, source=None, **{f: None for f in TEXT if hasattr(y, f)}) == bare and all(
                getattr(y, f).startswith(getattr(x, f)) for f in TEXT if hasattr(x, f)):
            return True
    return False


@settings(max_examples=120, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])   # the same examples in CI as here
@given(data=st.data())
def test_one_damaged_byte_or_a_truncation_misreads_nothing(world, data):
    name = data.draw(st.sampled_from(FILES), label="file")
    original = (SAMPLES / name).read_bytes()
    at = data.draw(st.integers(0, len(original) - 1), label="position")
    if data.draw(st.booleans(), label="truncate"):
        damaged = original[:at]
    else:
        damaged = original[:at] + bytes([data.draw(st.sampled_from(DAMAGE), label="byte")]) + original[at + 1:]
    check_damage(world, name, damaged)


@pytest.mark.parametrize("name", FILES[:3])
def test_a_cut_at_every_byte_of_the_last_transactions_misreads_nothing(world, name):
    original = (SAMPLES / name).read_bytes()
    body = original.rstrip(b"\r\n")
    if name.endswith(".qfx"):                                    # the last <STMTTRN> block
        start = body.rfind(b"<STMTTRN>")
        end = body.find(b"</STMTTRN>", body.rfind(b"<STMTTRN>")) + 12
    else:                                                        # the last two lines
        start, end = body.rfind(b"\n", 0, body.rfind(b"\n")) + 1, len(original) + 1
    for cut in range(start, end):
        check_damage(world, name, original[:cut], others=False)


@pytest.mark.parametrize("name", FILES[:3])
@pytest.mark.parametrize("where", ["first line", "a Connector row"])
def test_a_control_byte_in_every_place_of_a_line_misreads_nothing(world, name, where):
    original = (SAMPLES / name).read_bytes()
    text = original.upper()
    if where == "first line":                                   # the header (or the OFX header)
        start, end = 0, text.find(b"\n")
    else:
        at = max(text.find(b"COMMONWEALTH HEA"), text.find(b"HEALTH CONNECTOR"))
        start, end = text.rfind(b"\n", 0, at) + 1, text.find(b"\n", at)
    for i in range(start, end):
        for byte in (b"\x00", b"\x1a"):
            check_damage(world, name, original[:i] + byte + original[i + 1:], others=False)
