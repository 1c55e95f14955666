"""Report + one billing account + the call log -> proof.pdf, the packet a member sends or reads
from on the phone to a Connector billing supervisor.

Input: a ``Report``, a billing account number, an optional coverage-month range, the calls
(recon.jobs.calls) and, optionally, the account holder's name.
Output: PDF bytes (``build_proof``) or OUTDIR/proof.pdf written atomically (``write_proof``).

The packet holds, for every coverage month, the bill (date, amount due, due date, where it was
read), what was paid toward it and whether the amount due was met (packet.standing), and each
payment toward it (date, amount, method, ACH trace or check number, bank account last four, where
it appears in the bank exports); the discrepancies (the findings about that account) each with
its evidence and what the letter does with it; the call log as a timeline; a dispute letter to the
Connector's payment address with one item per disputed event (proof.dispute); and, enclosed, the
bank export rows of every transaction cited with the bill page each is compared with
(proof.exports).

Modules: packet (selection), standing (a bill's status against its amount due), dispute (the
letter's items), exports (the bank rows), layout and letter (the PDF, fpdf2, DejaVu Sans embedded).
"""
from __future__ import annotations

from recon.report.proof.layout import build_proof, write_proof
from recon.report.proof.packet import (
    Packet,
    UnknownAccount,
    accounts_in,
    parse_month_arg,
    select,
    type_label,
)

__all__ = ["Packet", "UnknownAccount", "accounts_in", "build_proof", "parse_month_arg", "select",
           "type_label", "write_proof"]
