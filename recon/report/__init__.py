"""Reporters: a run's result -> files and terminal text. The only stage besides importers that does I/O.

json_report.py  report.json (the public schema, recon/schema/report.schema.json)
csv_out.py      findings.csv, ledger.csv, matches.csv, and the ledger/evidence model the others read
html.py         report.html
table.py        the terminal summary
proof.py        the proof packet (PDF) for one billing account

``write_outputs`` is the one list of files a run writes: `recon run` and `recon batch` both use it
(the batch adds its own summary and change files beside them).
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from recon.model import Report


def write_outputs(report: Report, outdir: Path) -> list[Path]:
    """Write report.json, findings.csv, ledger.csv, matches.csv and report.html into ``outdir``."""
    from recon.report import csv_out, html, json_report

    return [json_report.write_report(report, outdir), *csv_out.write_outputs(report, outdir),
            html.write_html(report, outdir)]
