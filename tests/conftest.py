"""Shared fixtures: the samples folder, the demo's as-of date, a strict run, the report schema."""
from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
AS_OF = date(2026, 11, 23)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite golden expected files for a reviewer to read")


@pytest.fixture(autouse=True)
def _fresh_bill_reader():
    """Bill files are read in a forked child shared by the process (recon/importers/bills/guard.py),
    which sees the process as it was when forked: ending it after each test lets the next test's
    monkeypatches (bounds, OCR stand-ins) reach the child it forks."""
    yield
    from recon.importers.bills.guard import close_shared

    close_shared()


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


def corpus_dir() -> Path | None:
    env = os.environ.get("RECON_CORPUS")
    p = Path(env) if env else ROOT.parent / "shared" / "corpus"
    return p if (p / "truth.tsv").exists() else None


@pytest.fixture(scope="session")
def report_schema() -> dict:
    return json.loads((ROOT / "recon" / "schema" / "report.schema.json").read_text())


@pytest.fixture(scope="session")
def validate_report(report_schema):
    import jsonschema

    validator = jsonschema.Draft202012Validator(report_schema)

    def check(data: dict) -> None:
        errors = sorted(validator.iter_errors(data), key=lambda e: list(e.path))
        assert not errors, "report.json does not match its schema:\n" + "\n".join(
            f"  {'/'.join(map(str, e.path))}: {e.message}" for e in errors[:10])

    return check
