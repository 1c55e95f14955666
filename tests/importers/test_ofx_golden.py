"""OFX golden files: each input in tests/importers/ofx_golden/ -> its frozen ``<name>.expected.tsv``.

The expected files were written once by the importer as it was before its package split and are the
contract for any rewrite: every record field (with its Source), every balance, every note, or the
error (type, message, fields), and what ``identify`` says. ``pytest --update-golden`` rewrites them for
a reviewer to read; a test never creates one silently. See ofx_golden/README.md for where the inputs
came from.
"""
from __future__ import annotations

import dataclasses
import difflib
import json
from pathlib import Path

import pytest

from recon.errors import InputError
from recon.importers.ofx import OfxImporter

GOLDEN = Path(__file__).resolve().parent / "ofx_golden"
INPUTS = sorted(p for p in GOLDEN.iterdir() if p.suffix.lower() in (".ofx", ".qfx", ".qbo"))


def _cell(value: object) -> str:
    """One TSV cell: JSON, so None, "" and values with tabs or line breaks stay distinct and visible."""
    if value is None or isinstance(value, (bool, int)):
        return json.dumps(value)
    return json.dumps(str(value), ensure_ascii=False)


def _rows(kind: str, items: tuple[object, ...]) -> list[str]:
    """A header row and one row per dataclass item, its Source spread into path/line/page/fitid."""
    if not items:
        return []
    names = [f.name for f in dataclasses.fields(items[0])]  # type: ignore[arg-type]
    head = [f"source.{f.name}" if n == "source" else n
            for n in names for f in (dataclasses.fields(items[0].source) if n == "source" else [None])]  # type: ignore[attr-defined]
    out = [f"#{kind}\t" + "\t".join(head)]
    for item in items:
        cells = []
        for n in names:
            v = getattr(item, n)
            cells += [_cell(getattr(v, f.name)) for f in dataclasses.fields(v)] if n == "source" else [_cell(v)]
        out.append(f"{kind}\t" + "\t".join(cells))
    return out


def render(path: Path) -> str:
    """What OfxImporter makes of one file, as the text of its expected file."""
    imp = OfxImporter()
    lines = [f"identify\t{_cell(imp.identify(path, path.read_bytes()[:8192]))}"]
    try:
        res = imp.extract(path, path.name)
    except InputError as exc:
        lines.append(f"error\t{type(exc).__name__}\t{_cell(str(exc))}")
        lines += [f"error.{k}\t{_cell(v)}" for k, v in sorted(vars(exc).items())]
        return "\n".join(lines) + "\n"
    lines.append(f"kind\t{_cell(res.kind)}")
    lines += _rows("record", res.records)
    lines += _rows("balance", res.balances)
    lines += [f"note\t{_cell(n)}" for n in res.notes]
    assert not (res.checks or res.bills)
    return "\n".join(lines) + "\n"


def expected_path(path: Path) -> Path:
    return path.with_name(path.name + ".expected.tsv")


def assert_golden(path: Path, update: bool) -> None:
    got, exp = render(path), expected_path(path)
    if update:
        exp.write_text(got, encoding="utf-8", newline="\n")
        return
    assert exp.exists(), f"{exp.name} missing: run pytest --update-golden and review it"
    want = exp.read_text(encoding="utf-8")
    if got != want:
        diff = "".join(difflib.unified_diff(want.splitlines(True), got.splitlines(True), exp.name, "now"))
        pytest.fail(f"{path.name} differs from its golden file:\n{diff}")


def test_golden_inputs_present() -> None:
    assert len(INPUTS) >= 20
    assert not [p.name for p in GOLDEN.glob("*.expected.tsv")
                if not (GOLDEN / p.name.removesuffix(".expected.tsv")).exists()], "orphan expected files"


@pytest.mark.parametrize("path", INPUTS, ids=lambda p: p.name)
def test_ofx_golden(path: Path, update_golden: bool) -> None:
    assert_golden(path, update_golden)


@pytest.mark.parametrize("path", INPUTS, ids=lambda p: p.name)
def test_ofx_golden_with_full_caches(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The per-file value caches full from the start (every value takes the uncached path): same output."""
    monkeypatch.setattr("recon.importers.ofx.transactions._CACHE_MAX", 2)
    assert_golden(path, update=False)
