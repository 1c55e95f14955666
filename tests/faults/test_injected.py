"""Fault injection, end to end: each case copies the samples, breaks one thing, runs `recon run` and
checks the documented outcome: the exit status, no traceback, the broken input's status and where
the fault is, and nothing else changed in report.json (compared with a reference run: the samples
as they are, or with the damaged row or block removed cleanly).

Cases: a CSV cut inside its last row, an OFX transaction block with a damaged tag, a symlink loop,
a link back up, a FIFO, a folder that cannot be listed, a decompression-bomb PDF, a poster-sized
page. A full disk, an unwritable cache (tests/faults/test_outputs.py) and a batch killed between
its renames (tests/batch/test_batch.py) are tested beside the code they exercise.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from fpdf import FPDF
from typer.testing import CliRunner

from recon.cli.app import app
from tests.conftest import SAMPLES

runner = CliRunner()
AS_OF = "2026-11-23"
CHASE = "bank/Chase4913_Activity_20260901_20261122.CSV"
QFX = "bank/chase-checking-2026-01-to-09.qfx"


def copy_samples(root: Path) -> Path:
    dest = root / "samples"
    shutil.copytree(SAMPLES, dest)
    return dest


def run_report(folder: Path, out: Path) -> tuple[int, str, dict]:
    res = runner.invoke(app, ["run", str(folder), "--out", str(out), "--as-of", AS_OF,
                              "--config", str(folder / "recon.toml"), "--no-cache"])
    assert "Traceback" not in res.output, res.output
    data = json.loads((out / "report.json").read_text()) if (out / "report.json").exists() else {}
    return res.exit_code, res.output, data


def relative(report: dict, folder: Path) -> dict:
    """report.json with the copied folder's path taken out, so two copies compare equal."""
    return json.loads(json.dumps(report).replace(str(folder) + "/", ""))


def split_inputs(report: dict, paths: set[str]) -> tuple[dict, list[dict]]:
    """(the report without the inputs at ``paths``, those inputs)."""
    rest = dict(report)
    rest["inputs"] = [i for i in report["inputs"] if i["path"] not in paths]
    return rest, [i for i in report["inputs"] if i["path"] in paths]


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("reference")
    folder = copy_samples(root)
    code, _, report = run_report(folder, root / "out")
    assert code == 0
    return relative(report, folder)


def faulty(tmp_path: Path, break_it) -> tuple[int, str, dict]:
    folder = copy_samples(tmp_path)
    break_it(folder)
    code, output, report = run_report(folder, tmp_path / "out")
    return code, output, relative(report, folder)


# ---------------------------------------------------------------- damaged rows and blocks


def test_a_csv_cut_inside_its_last_row_is_the_file_without_that_row_plus_a_note(tmp_path, reference):
    data = (SAMPLES / CHASE).read_bytes()
    last = data.rstrip(b"\r\n").rfind(b"\n") + 1
    line_no = data[:last].count(b"\n") + 1

    def cut(folder: Path) -> None:
        (folder / CHASE).write_bytes(data[:last + 20])                 # inside the date / description

    def without_row(folder: Path) -> None:
        (folder / CHASE).write_bytes(data[:last])

    code, output, report = faulty(tmp_path / "cut", cut)
    _, _, clean = faulty(tmp_path / "clean", without_row)
    assert code == 0
    rest, (inp,) = split_inputs(report, {CHASE})
    clean_rest, (clean_inp,) = split_inputs(clean, {CHASE})
    assert rest == clean_rest                                          # nothing else changed
    assert inp["status"] == "ok" and inp["records"] == clean_inp["records"]
    assert f"line {line_no}: the file ends inside this row" in " ".join(inp["notes"])
    assert f"line {line_no}" in output                                 # in the summary, not only -v


def _payment_block(text: str, reference: dict) -> tuple[int, int]:
    """(start, end) of the <STMTTRN> block of the first Connector transaction the reference run
    read from the QFX (found by its FITID)."""
    fitid = next(s["fitid"] for t in reference["transactions"] for s in t["sources"] if s["path"] == QFX)
    at = text.index(f"<FITID>{fitid}")
    start = text.rindex("<STMTTRN>", 0, at)
    return start, text.index("</STMTTRN>", at) + len("</STMTTRN>")


def test_an_ofx_block_with_a_damaged_tag_is_named_and_never_a_transaction(tmp_path, reference):
    text = (SAMPLES / QFX).read_text(encoding="latin-1")
    start, end = _payment_block(text, reference)
    line_no = text[:start].count("\n") + 1

    def damage(folder: Path) -> None:
        (folder / QFX).write_text(text[:start] + "<STMTTRX>" + text[start + 9:], encoding="latin-1")

    def without_block(folder: Path) -> None:
        blank = "\n" * text[start:end].count("\n")                  # the lines after keep their numbers
        (folder / QFX).write_text(text[:start] + blank + text[end:], encoding="latin-1")

    code, output, report = faulty(tmp_path / "damaged", damage)
    _, _, clean = faulty(tmp_path / "clean", without_block)
    assert code == 0
    assert len(clean["transactions"]) == len(reference["transactions"]) - 1   # the block was a payment
    rest, (inp,) = split_inputs(report, {QFX})
    clean_rest, _ = split_inputs(clean, {QFX})
    assert rest == clean_rest                                          # the damaged block is no transaction
    assert inp["status"] == "ok"
    (note,) = [n for n in inp["notes"] if "outside a <STMTTRN> block" in n]
    at = int(note.split(":")[0].removeprefix("line "))
    assert line_no <= at < line_no + text[start:end].count("\n")        # a line of the damaged block
    assert "outside a <STMTTRN> block" in output


# ---------------------------------------------------------------- odd things in the folder


def _only_additions(report: dict, reference: dict, added: set[str]) -> list[dict]:
    """Assert the report is the reference plus rejected inputs at ``added``; return those inputs."""
    rest, extra = split_inputs(report, added)
    assert rest == reference                                           # nothing else changed
    assert sorted(i["path"] for i in extra) == sorted(added)
    assert all(i["status"] == "rejected" and i["records"] == 0 for i in extra)
    return extra


def test_link_loops_and_links_back_up_are_listed_once_with_why(tmp_path, reference):
    def links(folder: Path) -> None:
        os.symlink("..", folder / "bills" / "up")
        os.symlink("loop-b", folder / "bank" / "loop-a")
        os.symlink("loop-a", folder / "bank" / "loop-b")

    code, output, report = faulty(tmp_path, links)
    assert code == 0
    extra = _only_additions(report, reference, {"bills/up", "bank/loop-a", "bank/loop-b"})
    why = {i["path"]: i["error"] for i in extra}
    assert "already read" in why["bills/up"] and "loop" in why["bank/loop-a"]


def test_a_fifo_is_listed_and_never_opened(tmp_path, reference):
    folder = copy_samples(tmp_path)
    os.mkfifo(folder / "bank" / "statement.csv")
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "recon", "run", str(folder), "--out", str(out), "--as-of",
                           AS_OF, "--config", str(folder / "recon.toml"), "--no-cache"],
                          capture_output=True, text=True, timeout=120)       # a hang fails here
    assert proc.returncode == 0 and "Traceback" not in proc.stderr
    report = relative(json.loads((out / "report.json").read_text()), folder)
    (pipe,) = _only_additions(report, reference, {"bank/statement.csv"})
    assert "pipe" in pipe["error"]


def test_a_folder_that_cannot_be_listed_is_listed(tmp_path, reference, monkeypatch):
    real_scandir = os.scandir

    def scandir(path="."):
        if isinstance(path, str | os.PathLike) and Path(path).name == "locked":
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    def locked(folder: Path) -> None:
        (folder / "locked").mkdir()
        monkeypatch.setattr(os, "scandir", scandir)     # root reads a chmod 000 folder anyway

    code, _, report = faulty(tmp_path, locked)
    assert code == 0
    (inp,) = _only_additions(report, reference, {"locked"})
    assert "Permission denied" in inp["error"]


# ---------------------------------------------------------------- resource abuse


def bomb_pdf(path: Path, megabytes: int = 64, draws: int = 100) -> Path:
    """A PDF of about 1.5 KB whose one page draws the same content stream ``draws`` times; the
    stream is compressed twice and expands to ``megabytes`` MB: reading it asks for 6.4 GB."""
    content = b"BT /F1 12 Tf 72 700 Td (Health Connector) Tj ET\n" + b" " * (megabytes << 20)
    packed = zlib.compress(zlib.compress(content, 9), 9)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents ["
        + b" ".join([b"4 0 R"] * draws) + b"] /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter [/FlateDecode /FlateDecode] >>\nstream\n" % len(packed) + packed + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path


def test_a_decompression_bomb_pdf_is_rejected_and_costs_only_itself(tmp_path, reference):
    code, output, report = faulty(tmp_path, lambda folder: bomb_pdf(folder / "bills" / "statement.pdf"))
    assert (tmp_path / "samples" / "bills" / "statement.pdf").stat().st_size < 4096
    assert code == 0
    (inp,) = _only_additions(report, reference, {"bills/statement.pdf"})
    assert "needs more than 1024 MiB of memory" in inp["error"] and "decompression bomb" in inp["error"]
    assert "statement.pdf" in output


def test_a_poster_sized_page_is_not_rendered_and_the_file_is_rejected(tmp_path, reference):
    def poster(folder: Path) -> None:
        pdf = FPDF(unit="in", format=(200, 200))
        pdf.add_page()
        pdf.output(str(folder / "bills" / "poster.pdf"))

    code, _, report = faulty(tmp_path, poster)
    assert code == 0
    (inp,) = _only_additions(report, reference, {"bills/poster.pdf"})
    assert "not a Health Connector bill" in inp["error"]


def test_the_memory_bound_holds_for_the_whole_run(tmp_path):
    # The bomb asks for 6.4 GB; recon (parent and reading child together) stays under 2 GiB.
    folder = tmp_path / "in"
    folder.mkdir()
    bomb_pdf(folder / "bomb.pdf")
    code = ("import resource, subprocess, sys\n"
            f"p = subprocess.run([sys.executable, '-m', 'recon', 'run', {str(folder)!r}, '--out', "
            f"{str(tmp_path / 'out')!r}, '--as-of', '{AS_OF}', '--no-cache'], capture_output=True)\n"
            "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024\n"
            "print(p.returncode, peak)\n")
    rc, peak = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              timeout=120, check=True).stdout.split()
    assert rc == "0" and int(peak) < 2 * 2**30, peak
