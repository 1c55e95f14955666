"""Fixtures for the batch tests: DATA_DIR copies of the sample household (inbox, recon.toml)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import SAMPLES


@pytest.fixture(scope="session")
def _warm_cache(tmp_path_factory) -> Path:
    """A parse cache filled once, so each DATA_DIR copy reads the bill PDFs fast."""
    from recon.api import run
    from recon.config import load_config
    from tests.conftest import AS_OF

    cache = tmp_path_factory.mktemp("cache") / ".recon-cache"
    run([SAMPLES], AS_OF, load_config(SAMPLES / "recon.toml"), cache_dir=cache)
    return cache


@pytest.fixture
def data_dir(tmp_path: Path, _warm_cache: Path) -> Path:
    """DATA_DIR with inbox/bank, inbox/bills (copied from samples/) and recon.toml; no reports yet."""
    d = tmp_path / "connector"
    (d / "inbox").mkdir(parents=True)
    shutil.copytree(SAMPLES / "bank", d / "inbox" / "bank")
    shutil.copytree(SAMPLES / "bills", d / "inbox" / "bills")
    shutil.copy(SAMPLES / "recon.toml", d / "recon.toml")
    shutil.copytree(_warm_cache, d / ".recon-cache")
    return d
