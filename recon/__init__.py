"""recon: reconcile a household's bank records with its Massachusetts Health Connector bills.

Public API: :func:`run`, :class:`Report`, :class:`ReconError`.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from recon.errors import ReconError

__all__ = ["ReconError", "Report", "run"]
__version__ = "0.1.0"

if TYPE_CHECKING:  # pragma: no cover
    from recon.api import run
    from recon.model import Report


def __getattr__(name: str) -> Any:
    # Lazy: `recon --help` must not import pandas & co.
    if name == "run":
        from recon.api import run

        return run
    if name == "Report":
        from recon.model import Report

        return Report
    raise AttributeError(name)
