"""Fixtures for the report tests: one strict run on the samples, shared by the session."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import AS_OF, SAMPLES

FULL_BANK_ACCOUNT = "000000482913557"   # scripts/make_samples.py ACCOUNT_NO; reports show ****3557
HEALTH, DENTAL = "712345678", "798765432"


@pytest.fixture(scope="session")
def sample_result():
    from recon.api import run
    from recon.config import load_config

    return run([SAMPLES], AS_OF, load_config(SAMPLES / "recon.toml"), strict=True)


@pytest.fixture(scope="session")
def html_dir(sample_result, tmp_path_factory) -> Path:
    from recon.report.html import write_html

    out = tmp_path_factory.mktemp("html")
    write_html(sample_result.report, out)
    return out
