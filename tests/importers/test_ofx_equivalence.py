"""The OFX importer reads exactly what the importer before its hot-path rewrite read.

tests/importers/ofx_reference.py is that earlier importer, verbatim. Each input here goes through both
and the results must be equal: the ImportResult (every record with its Source, the balances, the notes)
or the error (type, message, fields). Inputs: the benchmark's generated files, every OFX / QFX / QBO
file of the shared corpus, and a few hundred generated documents mixing the quirks the importer handles
(unclosed and closed leaves, entities, comments, CDATA, odd amounts and dates, corrections, several
statements, lower- and mixed-case tags, CR and CRLF line ends, ...).
"""
from __future__ import annotations

import itertools
import random
import re
import sys
from pathlib import Path

import pytest

from recon.errors import InputError
from recon.importers import ofx
from recon.importers.ofx import OfxImporter
from tests.corpus.truth import CORPUS
from tests.importers import ofx_reference

ROOT = Path(__file__).resolve().parents[2]


def outcome(importer: object, path: Path) -> object:
    try:
        return importer.extract(path, path.name)  # type: ignore[attr-defined]
    except InputError as exc:
        return (type(exc).__name__, str(exc), vars(exc))


def assert_same(path: Path) -> None:
    new, old = outcome(OfxImporter(), path), outcome(ofx_reference.OfxImporter(), path)
    if new != old and not isinstance(new, tuple) and not isinstance(old, tuple):
        for a, b in zip(new.records, old.records):  # type: ignore[attr-defined]
            assert a == b, f"{path.name}: first differing record"
    assert new == old, path.name


# -- the benchmark files ---------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 3000])
def test_bench_files(tmp_path: Path, n: int) -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import bench_ofx
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    for path in bench_ofx.write_files(tmp_path, n).values():
        assert len(OfxImporter().extract(path, path.name).records) == n
        assert_same(path)


# -- the corpus --------------------------------------------------------------------------------------


def corpus_files() -> list[Path]:
    if not (CORPUS / "files").is_dir():
        return []
    return sorted(p for p in (CORPUS / "files").rglob("*")
                  if p.is_file() and p.suffix.lower() in (".ofx", ".qfx", ".qbo"))


@pytest.mark.skipif(not corpus_files(), reason="../shared/corpus not found (env RECON_CORPUS overrides)")
def test_corpus_files() -> None:
    files = corpus_files()
    assert len(files) > 20
    for path in files:
        assert_same(path)


# -- generated quirky documents ----------------------------------------------------------------------

_NAMES = ["COMMONWEALTH HEA", "Whole Foods Mkt", "BARNES &amp; NOBLE", "AT&amp;T *BILL", "A &lt;B&gt; C",
          "TAB\tSEP", "two  spaces", "", "  padded  ", "&#65;&#x42;C", "raw & amp", "caf\u00e9 cr\u00e8me",
          "NBSP\u00a0IN", "PAYROLL", "CHECK 1043", "x" * 40, "ofx shop", "Thanks!"]
_MEMOS = [None, "", "REF 1", "COMMONWEALTH HEA PREMIUM", "line\nbreak", "  lead", "&amp;&amp;", "Thanks!",
          "TAB\tSEP more", "PAYROLL ACME", "&#10;new", "memo <!-- c --> after"]
_AMOUNTS = ["-412.00", "150.5", "+12", "-0", "-0.00", "0", "1,5", "-1.234,56", "1,234.56", "1 234.56",
            ".5", "-.5", "5.", ".", "-", "\u0663\u0664", " 7.25 "]
_BAD_AMOUNTS = ["$120", "12x", "", "1e5", "NaN", "+-1"]
_DATES = ["20260324120000", "20260324", "20260324120000.000[-5:EST]", "20260324235959[+9:JST]",
          "  20260401", "20260324\n"]
_BAD_DATES = ["20260231", "2026032", "", "20261301", "abcdefgh"]
_TYPES = ["DEBIT", "CREDIT", "CHECK", "", " XFER ", None]
_CHECKS = [None, "0", "000", "1043", " 0101 ", "&amp;1"]


def _leaf(rng: random.Random, tag: str, value: str, xml: bool, lower: bool) -> str:
    t = tag.lower() if lower else tag
    close = xml or rng.random() < 0.1
    sep = "\n" if rng.random() < 0.2 else ""
    return f"<{t}>{sep}{value}" + (f"</{t}>" if close else "")


def _trn(rng: random.Random, i: int, xml: bool, lower: bool, fitids: list[str], bad: float) -> str:
    parts = []
    fitid = rng.choice([f"F{i}", f"F{i}", f" F{i} ", f"F\n{i}", "", f"F&amp;{i}", f"F\t{i}"])
    day = rng.choice(_BAD_DATES) if rng.random() < bad else f"202603{rng.randint(1, 31):02d}{rng.randint(0, 23):02d}"
    amount = rng.choice(_BAD_AMOUNTS) if rng.random() < bad else rng.choice(_AMOUNTS[:6] * 5 + _AMOUNTS)
    fields = [("TRNTYPE", rng.choice(_TYPES)), ("DTPOSTED", rng.choice([day, rng.choice(_DATES)])),
              ("TRNAMT", amount), ("FITID", fitid),
              ("NAME", rng.choice(_NAMES + [None])), ("MEMO", rng.choice(_MEMOS)),
              ("CHECKNUM", rng.choice(_CHECKS))]
    if fitids and rng.random() < 0.08:
        fields.append(("CORRECTACTION", rng.choice(["REPLACE", "DELETE", "delete", "BOGUS"])))
        fields.append(("CORRECTFITID", rng.choice(fitids + ["NOPE"])))
    if rng.random() < 0.05:
        fields.append(("FITID", f"G{i}"))  # a repeated leaf: the last one wins
    if rng.random() < 0.3:
        rng.shuffle(fields)
    if rng.random() < bad:
        fields = [f for f in fields if f[0] != rng.choice(["DTPOSTED", "TRNAMT"])]
    fitids.append(fitid.strip())
    for tag, value in fields:
        if value is not None:
            parts.append(_leaf(rng, tag, value, xml, lower))
    nl = "\n" if rng.random() < 0.8 else ""
    open_tag = rng.choice(["<STMTTRN>"] * 10 + ["<STMTTRN >"])
    close_tag = "" if (not xml and rng.random() < 0.05) else "</STMTTRN>"
    if lower:
        open_tag, close_tag = open_tag.lower(), close_tag.lower()
    return open_tag + nl + nl.join(parts) + nl + close_tag + nl


def _statement(rng: random.Random, k: int, xml: bool, lower: bool, bad: float) -> str:
    kind = rng.choice(["STMTRS"] * 5 + ["CCSTMTRS", "INVSTMTRS"])
    wrap = {"STMTRS": "STMTTRNRS", "CCSTMTRS": "CCSTMTTRNRS", "INVSTMTRS": "INVSTMTTRNRS"}[kind]
    acct = {"STMTRS": "BANKACCTFROM", "CCSTMTRS": "CCACCTFROM", "INVSTMTRS": "INVACCTFROM"}[kind]
    fitids: list[str] = []
    trns = [_trn(rng, k * 1000 + i, xml, lower, fitids, bad) for i in range(rng.randint(0, 25))]
    acct_block = f"<{acct}><BANKID>1<ACCTID>{rng.choice(['123456789', '', '42'])}</{acct}>\n"
    if kind == "INVSTMTRS":
        body = (acct_block + "<INVTRANLIST><DTSTART>20260101<BUYSTOCK><INVTRAN><FITID>1</INVTRAN></BUYSTOCK>"
                "<INVBANKTRAN>" + "".join(trns[:2]) + "</INVBANKTRAN></INVTRANLIST>\n")
    else:
        gap = "<!-- a comment -->\n" if rng.random() < 0.1 else ""
        mid = len(trns) // 2
        late_acct = rng.random() < 0.1
        body = ("" if late_acct else acct_block) + (
            "<BANKTRANLIST><DTSTART>20260301<DTEND>20260331\n" if rng.random() < 0.95 else "")
        body += "".join(trns[:mid]) + gap + (acct_block if late_acct else "") + "".join(trns[mid:])
        body += "</BANKTRANLIST>\n"
        if rng.random() < 0.8:
            body += f"<LEDGERBAL><BALAMT>{rng.choice(['1000.00', '1,5', '-0', 'x', ''])}<DTASOF>20260331</LEDGERBAL>\n"
        if rng.random() < 0.2:
            body += "<AVAILBAL><BALAMT>5<DTASOF>2026</AVAILBAL>\n"
    out = (f"<{wrap}><TRNUID>1<STATUS><CODE>{rng.choice(['0', '0', '2000'])}<SEVERITY>INFO"
           f"<MESSAGE>m</STATUS>\n<{kind}><CURDEF>USD\n{body}</{kind}></{wrap}>\n")
    return out.lower() if lower and rng.random() < 0.5 else out


def generated_document(seed: int) -> bytes:
    rng = random.Random(seed)
    xml = rng.random() < 0.4
    lower = rng.random() < 0.1
    bad = 0.03 if rng.random() < 0.3 else 0.0
    head = ('<?xml version="1.0" encoding="UTF-8"?>\n<?OFX OFXHEADER="200" VERSION="211"?>\n' if xml else
            "OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nENCODING:USASCII\nCHARSET:1252\n\n")
    root = rng.choice(["<OFX>"] * 12 + ["<ofx>", "<Ofx>", "<OFX >"])
    parts = [head, root, "\n<SIGNONMSGSRSV1><SONRS><STATUS><CODE>0<SEVERITY>INFO</STATUS></SONRS>"
                         "</SIGNONMSGSRSV1>\n<BANKMSGSRSV1>"]
    if rng.random() < 0.05:
        parts.append("<STMTTRN><DTPOSTED>20260101<TRNAMT>1</STMTTRN>\n")  # outside any statement
    for k in range(rng.choice([1, 1, 1, 2, 3])):
        parts.append(_statement(rng, k, xml, lower, bad))
    if rng.random() < 0.1:
        parts.append("<![CDATA[ a < b & c ]]>")
    parts.append("</BANKMSGSRSV1>\n")
    if rng.random() < 0.95:
        parts.append("</OFX>\n")
    text = "".join(parts)
    if rng.random() < 0.15:
        text = text.replace("\n", "\r\n")
    elif rng.random() < 0.05:
        text = text.replace("\n", "\r")
    return text.encode(rng.choice(["utf-8", "utf-8", "cp1252"]), errors="replace")


def test_generated_documents(tmp_path: Path) -> None:
    kinds: dict[str, int] = {}
    for seed in range(400):
        path = tmp_path / f"g{seed}.ofx"
        path.write_bytes(generated_document(seed))
        assert_same(path)
        res = outcome(OfxImporter(), path)
        key = "error" if isinstance(res, tuple) else ("records" if res.records else "empty")  # type: ignore[attr-defined]
        kinds[key] = kinds.get(key, 0) + 1
    assert kinds.get("records", 0) > 200 and kinds.get("error", 0) > 20, kinds  # both paths exercised


# -- the mixed-case root test ------------------------------------------------------------------------


def test_has_mixed_root_is_the_regex_search() -> None:
    alphabet = "<>oOfFxX \n/"
    for k in range(1, 7):
        for chars in itertools.product(alphabet, repeat=k):
            s = "".join(chars)
            assert ofx._has_mixed_root(s) == (ofx._MIXED_ROOT.search(s) is not None), repr(s)


@pytest.mark.parametrize("tail, expected", [("<ofx>", True), ("<OFX>", False), ("<oFx \n>", True), ("", False)])
def test_has_mixed_root_after_many_lower_case_letters(tail: str, expected: bool) -> None:
    # More candidate letters than the budget: the plain regex scan decides.
    text = "<OFX>" + "<MEMO>box of food\n" * 100 + tail
    assert ofx._has_mixed_root(text) is expected
    assert ofx._has_mixed_root(tail + "<MEMO>box of food\n" * 100) is expected
    assert re.search(r"[ofx]", text)


def test_generated_documents_with_full_caches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ofx, "_CACHE_MAX", 2)  # the per-file caches fill at once: the uncached paths
    for seed in range(0, 400, 5):
        path = tmp_path / f"g{seed}.ofx"
        path.write_bytes(generated_document(seed))
        assert_same(path)
