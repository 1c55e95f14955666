"""parse_ach (fast path, prefilter, interning) returns what the general parser returns.

recon.normalize.ach._parse_ach_reference is the general parser as it was before the fast path; every
description of the tests, samples/, the shared corpus (skipped when absent), the organisation bench
and hypothesis-made variants of each bank form must parse to an equal AchFields (or both None).
"""
from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recon.importers.csv_bank import CsvBankImporter
from recon.importers.ofx import OfxImporter
from recon.normalize import ach
from recon.normalize.ach import _parse_ach_reference, parse_ach
from tests.corpus.truth import CORPUS, SKIP
from tests.unit.test_ach import CASES

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import benchgen  # noqa: E402

NOT_ACH = ["", "   ", "CHECK 1043", "WHOLE FOODS MKT 342", "PAYPAL ID: 12345", "ACHIEVE FITNESS CENTER",
           "DEPOSIT ID NUMBER 12345", "POS PURCHASE TRACE 123", "ONLINE PMT MA HEALTH CONNECTOR"]
TRACES = ["TRACE#:021000021234567", "TRACE# 021000021234567", "TRACE NO. 021000021234567",
          "Trace Number: 021000021234567", "TRACE#:0210000212345678"]


def same(description: str) -> None:
    assert parse_ach(description) == _parse_ach_reference(description), description


def descriptions_of(root: Path) -> list[str]:
    """Descriptions, payees and memos recon's CSV and OFX importers read from the files under root."""
    out: set[str] = set()
    for p in sorted(root.rglob("*")):
        suf = p.suffix.lower()
        imp = CsvBankImporter() if suf == ".csv" else OfxImporter() if suf in (".ofx", ".qfx", ".qbo") else None
        if imp is None:
            continue
        try:
            records = imp.extract(p, p.name).records
        except Exception:  # noqa: BLE001 - the corpus holds deliberately broken files
            continue
        for r in records:
            out.update(v for v in (r.description, r.payee, r.memo) if v)
    return sorted(out)


@pytest.mark.parametrize("description", [c[0] for c in CASES] + NOT_ACH
                         + [f"EFT ACH COMMONWEALTH HEA PREMIUM {t}" for t in TRACES])
def test_unit_cases(description: str) -> None:
    same(description)


LONG = ("ORIG CO NAME:COMMONWEALTH HEA ORIG ID:1043123456 DESC DATE:260324 CO ENTRY DESCR:AUTOPAY   "
        "SEC:PPD TRACE#:021000021234567 EED:260324 IND ID:710000001 IND NAME:JANE DOE TRN:0831234567TC")
EDGES = [
    LONG,
    LONG.replace("EED:260324", "EED:"),                           # the descriptive date stands in
    LONG.replace("DESC DATE:260324", "DESC DATE:      "),
    LONG.replace("SEC:PPD", "SEC:"),
    LONG.replace("SEC:PPD", "SEC:").replace("TRN:0831234567TC", "TRN:0831234567TC WEB"),
    LONG.replace("TRN:0831234567TC", "TRN:0831234567TC web"),
    LONG.replace("TRN:0831234567TC", "TRN:"),
    LONG.replace("SEC:PPD", "SEC:ppd"),
    LONG.replace("IND NAME:JANE DOE", "IND NAME:JANE  DOE"),      # two spaces inside a value
    LONG.replace("IND NAME:JANE DOE", "IND NAME:JANE\tDOE"),
    LONG.replace("IND NAME:JANE DOE", "IND NAME:TRACE DOE"),
    LONG.replace("IND NAME:JANE DOE", "IND NAME:JANE TRACE 021000029999999"),
    LONG.replace("COMMONWEALTH HEA", "ACME TRACE 021000029999999"),
    LONG.replace("COMMONWEALTH HEA", "ACME SEC ORIG"),
    LONG.replace("COMMONWEALTH HEA", "ACME CO"),
    LONG.replace("COMMONWEALTH HEA", "ÉLAN"),
    LONG.replace("IND ID:710000001", "IND ID:PPD ID"),
    LONG.replace("IND ID:710000001", "IND ID:X-CO"),
    LONG.replace("TRACE#:021000021234567", "TRACE#:0210000212345678"),
    LONG.replace("TRACE#:021000021234567", "TRACE#:02100002123456"),
    LONG.replace("TRACE#:021000021234567", "TRACE#: 021000021234567"),
    LONG.replace("TRACE#:021000021234567", "TRACE#:021000021234567X"),
    LONG.replace("ORIG ID:", "orig id:"),
    LONG.replace("ORIG ID:", "ORIG  ID:"),
    LONG.replace("ORIG ID:", "ORIG ID :"),
    LONG.replace(" ORIG ID:", "ORIG ID:"),
    LONG.replace("EED:", "EFF DATE:"),
    LONG + " ",
    LONG + " WEB",
    "  " + LONG,
    LONG.replace(" IND NAME:JANE DOE", ""),
    "ORIG CO NAME:" + ":".join([""] * 10),
    "ORIG CO NAME: ORIG ID: DESC DATE: CO ENTRY DESCR: SEC: TRACE#:021000021234567 EED: IND ID: IND NAME: TRN:",
    "ORIG CO NAME: ORIG ID: DESC DATE: CO ENTRY DESCR: SEC: TRACE#:021000021234567 EED: IND ID: IND NAME: TRN: X WEB",
]


@pytest.mark.parametrize("description", EDGES)
def test_chase_long_edges(description: str) -> None:
    same(description)


def test_samples() -> None:
    found = descriptions_of(ROOT / "samples")
    assert found, "samples/ holds bank exports"
    for d in found:
        same(d)


@pytest.mark.skipif(not (CORPUS / "files").is_dir(), reason=SKIP)
def test_corpus() -> None:
    found = descriptions_of(CORPUS / "files")
    assert len(found) > 100
    for d in found:
        same(d)


def test_org_descriptions_take_the_fast_path() -> None:
    for seq in range(0, 3000, 7):
        d = benchgen.org_description(benchgen.org_account(seq), date(2025, 1 + seq % 12, 22), seq)
        assert ach._fast_chase_long(d) is not None, d
        same(d)


def test_repeating_values_are_shared() -> None:
    a = parse_ach(benchgen.org_description("710000001", date(2025, 1, 22), 1))
    b = parse_ach(benchgen.org_description("710000001", date(2025, 1, 22), 2))
    assert a is not None and b is not None and a.trace_number != b.trace_number
    for name in ("company_name", "entry_description", "company_id", "individual_id", "sec_code",
                 "effective_date"):
        assert getattr(a, name) is getattr(b, name), name
    c = parse_ach("COMMONWEALTH HEA DES:PREMIUM ID:7123456789 INDN:JANE DOE CO ID:1043123456 WEB")
    d = parse_ach("COMMONWEALTH HEA DES:PREMIUM ID:7123456789 INDN:JANE DOE CO ID:1043123456 WEB")
    assert c is not None and d is not None and c.individual_name is d.individual_name


# ------------------------------------------------------------------ hypothesis variants

SPACE = st.sampled_from([" "] * 12 + ["  ", "   ", "\t", " \u00a0"])
WORDS = ["COMMONWEALTH", "HEA", "PREMIUM", "AUTOPAY", "JANE", "DOE", "Q", "PUBLIC", "WEB", "PPD", "CCD",
         "TEL", "web", "ID", "CO", "SEC", "ORIG", "IND", "NAME", "DESC", "DATE", "TRN", "EED", "TRACE",
         "trace", "#", "TRACE#", "-", "ACH", "DEBIT", "EFT", "X#", "A-B", "O'NEIL", "DOE,JANE", "MAR",
         "2026", "260324", "261399", "1043123456", "7123456789", "RefID123", "0831234567TC",
         "021000021234567", "0210000212345678", "XXXXX56789", "E0042", "ÉLAN", "ſEC", "CO:", ":"]
WORD = st.one_of(st.sampled_from(WORDS), st.text("ABCXYZ0123456789#&.,'-:", min_size=1, max_size=8))
VALUE = st.lists(WORD, min_size=0, max_size=4)
LABEL_TEXTS = sorted(ach._LABELS) + ["TRACE#", "TRACE NO", "Trace Number"]


@st.composite
def spaced(draw, words: list[str], space=SPACE) -> str:
    out = ""
    for i, w in enumerate(words):
        out += (draw(space) if i else "") + w
    return out


@st.composite
def label(draw, text: str, case: bool = True, space=SPACE) -> str:
    words = text.split()
    if case:
        words = [draw(st.sampled_from([w, w.lower(), w.title()])) for w in words]
    return (draw(spaced(words, space)) + draw(st.sampled_from(["", " "]) if case else st.just(""))
            + ":" + draw(st.sampled_from(["", " ", "  "])))


KINDS = ["spacing", "case", "missing", "value", "extra", "sec_at_end", "stray", "ends"]


@st.composite
def chase_long(draw) -> str:
    """Chase's long form, each kind of variation switched on or off (a few at a time)."""
    kinds = draw(st.sets(st.sampled_from(KINDS), max_size=3))
    space = SPACE if "spacing" in kinds else st.just(" ")
    parts = []
    fields = [("ORIG CO NAME", ["COMMONWEALTH", "HEA"]), ("ORIG ID", ["1043123456"]),
              ("DESC DATE", ["260324"]), ("CO ENTRY DESCR", ["PREMIUM"]), ("SEC", ["WEB"]),
              ("TRACE#", ["021000021234567"]), ("EED", ["260324"]), ("IND ID", ["RefID123"]),
              ("IND NAME", ["JANE", "DOE"]), ("TRN", ["0831234567TC"])]
    for lab, value in fields:
        if "missing" in kinds and draw(st.integers(0, 3)) == 0:
            continue  # a missing label
        if "value" in kinds and draw(st.integers(0, 3)) == 0:
            value = draw(VALUE)  # another value, maybe empty, maybe label-like
        lab_text = ("TRACE#:" if lab == "TRACE#" and draw(st.booleans())
                    else draw(label(lab, "case" in kinds, space)))
        parts.append(lab_text + draw(spaced(value, space)))
        if "extra" in kinds and draw(st.integers(0, 6)) == 0:  # an extra label
            parts.append(draw(label(draw(st.sampled_from(LABEL_TEXTS)), "case" in kinds, space))
                         + draw(spaced(draw(VALUE), space)))
    if "sec_at_end" in kinds:
        parts.append(draw(st.sampled_from(["WEB", "PPD", "ccd", "ACH", "X WEB"])))
    if "stray" in kinds:
        parts.insert(draw(st.integers(0, len(parts))), draw(spaced(draw(VALUE), space)))
    text = draw(spaced(parts, space))
    if "ends" in kinds:
        text = draw(st.sampled_from(["", " ", "\t", "X "])) + text + draw(st.sampled_from(["", " ", "\t", ":"]))
    return text


@st.composite
def other_form(draw) -> str:
    company = draw(st.sampled_from(["COMMONWEALTH HEA", "HARVARD PILGRIM", "COMM OF MASS EFT", "COMCAST"]))
    descr = draw(st.sampled_from(["PREMIUM", "AUTOPAY", "CHA PREM", "WEB PMT", ""]))
    num = draw(st.sampled_from(["7123456789", "12345678", "XXXXX56789", "0012345"]))
    payer = draw(st.sampled_from(["JANE DOE", "DOE,JANE", "JOHN Q PUBLIC"]))
    sec = draw(st.sampled_from(["WEB", "PPD", "CCD", "TEL", "web"]))
    yymmdd = draw(st.sampled_from(["260324", "261399", "250122"]))
    forms = [
        f"{company} {descr} {sec} ID: 1043123456",
        f"{company} DES:{descr} ID:{num} INDN:{payer} CO ID:1043123456 {sec}",
        f"ACH DEBIT {sec} {company} {descr} {num}",
        f"ACH {sec}-SINGLE {num} {company}",
        f"ACH DEBIT RECEIVED - Cust ID: {num} Desc: {descr} Comp Name: {company} Comp ID: 1043123456 "
        f"Batch Discr: MAR 2026 SEC: {sec} Cust Name: {payer} Addenda: No Addenda",
        f"ACH DEBIT, {company} {descr} {num}",
        f"ELECTRONIC PMT-{sec}, {company} {descr} {num}",
        f"EFT ACH {company} {descr}",
        f"ACH Debit {company} - {descr}",
        f"{company} {descr} {yymmdd} {num} {payer}",
        f"{company} {descr} {yymmdd} {num} {payer} Trace Number: 021000029876543",
        f"{company} {descr}",
        f"POS {company} {num}",
    ]
    words = draw(st.sampled_from(forms)).split()
    if draw(st.integers(0, 3)) == 0:
        i = draw(st.integers(0, len(words)))
        words[i:i] = draw(VALUE)
    if draw(st.booleans()):
        words = [draw(st.sampled_from([w, w.lower(), w.title()])) for w in words]
    return draw(spaced(words))


SETTINGS = settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(chase_long())
def test_chase_long_variants(description: str) -> None:
    same(description)


@SETTINGS
@given(other_form())
def test_other_bank_forms(description: str) -> None:
    same(description)


@SETTINGS
@given(st.lists(st.one_of(WORD, st.sampled_from(LABEL_TEXTS).map(lambda t: t + ":")), max_size=14)
       .map(" ".join))
def test_word_soup(description: str) -> None:
    same(description)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_any_text(description: str) -> None:
    same(description)


def test_fast_labels_are_no_other_labels_last_words() -> None:
    """Why the fast path finds the general parser's labels: none of them ends another label."""
    fast = [lab for lab in ach._FAST_LABELS if lab != "TRACE#"]
    for lab in fast:
        assert lab in ach._LABELS
        assert not [k for k in ach._LABELS if k != lab and (" " + k).endswith(" " + lab)], lab
        assert not [k for k in fast if k != lab and k.startswith(lab + " ")], lab
