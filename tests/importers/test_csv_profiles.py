"""Built-in CSV profiles: every profile has a synthetic sample that it detects and reads exactly;
user profile folders; malformed profiles; forcing a profile."""
from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from recon.errors import ConfigError
from recon.importers.csv import CsvBankImporter
from recon.profiles import describe_profiles, load_profiles

SAMPLES = Path(__file__).resolve().parent / "profile_samples"
BUILTIN = sorted(p.name for p in load_profiles())


def expected_rows(name: str) -> list[dict[str, str]]:
    with (SAMPLES / f"{name}.expected.tsv").open(newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))


def test_at_least_the_required_banks():
    for want in ("chase-checking", "chase-card", "bofa-checking", "wells-fargo", "citi-checking",
                 "capitalone-360", "capitalone-card", "usbank", "pnc", "td-bank", "citizens",
                 "santander", "ally", "discover", "amex", "usaa", "navy-federal",
                 "schwab-checking", "fidelity", "dcu", "cu-debit-credit"):
        assert want in BUILTIN


@pytest.mark.parametrize("name", BUILTIN)
def test_profile_sample_detected_and_read_exactly(name):
    path = SAMPLES / f"{name}.csv"
    assert path.exists(), f"profile {name} has no sample in {SAMPLES}"
    imp = CsvBankImporter()
    assert imp.identify(path, path.read_bytes()[:8192])
    res = imp.extract(path, path.name)
    assert res.notes[0] == f"layout: {name}"
    exp = expected_rows(name)
    assert len(res.records) == len(exp)
    for rec, row in zip(res.records, exp):
        assert rec.source.line == int(row["line"])
        assert rec.date == date.fromisoformat(row["date"])
        assert rec.amount == Decimal(row["amount"])
        assert row["desc"] in rec.description


@pytest.mark.parametrize("name", BUILTIN)
def test_every_profile_has_a_commented_sample_row(name):
    src = next(p.source for p in load_profiles() if p.name == name)
    assert "# sample:" in Path(src).read_text()


def test_describe_profiles_lists_files():
    rows = describe_profiles()
    assert {r[0] for r in rows} == set(BUILTIN)
    assert all(r[2].endswith(".toml") and r[1] for r in rows)


USER_PROFILE = '''# sample: 2026-03-02|PREMIUM|412.00|D
name = "mybank"
description = "My credit union, pipe-delimited"
delimiter = "|"
date_format = "%Y-%m-%d"
[identify]
header = "When|What|How much|DC"
[columns]
date = "When"
description = "What"
amount = "How much"
type = "DC"
[amount]
style = "type_column"
debit_values = ["D"]
credit_values = ["C"]
'''


def test_user_profile_folder_is_picked_up(tmp_path):
    folder = tmp_path / "profiles"
    folder.mkdir()
    (folder / "mybank.toml").write_text(USER_PROFILE)
    data = tmp_path / "export.csv"
    data.write_text("When|What|How much|DC\n2026-03-02|PREMIUM|412.00|D\n2026-03-03|PAY|10.00|C\n")
    imp = CsvBankImporter(profile_dirs=(folder,))
    assert "mybank" in [p.name for p in imp.profiles]
    assert imp.identify(data, data.read_bytes())
    res = imp.extract(data, "export.csv")
    assert res.notes[0] == "layout: mybank"
    assert [r.amount for r in res.records] == [Decimal("-412.00"), Decimal("10.00")]
    assert any(r[0] == "mybank" for r in describe_profiles((folder,)))


def test_extends_overrides_and_merges(tmp_path):
    folder = tmp_path / "p"
    folder.mkdir()
    (folder / "child.toml").write_text('''name = "chase-checking-iso"
extends = "chase-checking"
description = "Chase checking with ISO dates"
date_format = "%Y-%m-%d"
[identify]
header = "Details,Posting Date,Description,Amount,Type,Balance,Check or Slip #,Extra"
''')
    prof = next(p for p in load_profiles((folder,)) if p.name == "chase-checking-iso")
    assert prof.date_format == "%Y-%m-%d"
    assert prof.columns["check_number"] == "Check or Slip #"   # inherited
    assert prof.identify_header[-1] == "Extra"                  # not inherited


@pytest.mark.parametrize("body, key", [
    ('name = "bad"\ndescription = "x"\ndate_format = "%m/%d/%Y"\n[columns]\ndate = "Date"\namount = "A"\n',
     "identify"),
    ('name = "bad"\ndescription = "x"\ndate_format = "%m/%d/%Y"\n[identify]\nheader = "Date,A"\n'
     '[columns]\ndate = "Date"\namount = "A"\n[amount]\nstyle = "sideways"\n', "amount.style"),
    ('name = "bad"\ndescription = "x"\ndate_format = "mm/dd"\n[identify]\nheader = "Date,A"\n'
     '[columns]\ndate = "Date"\namount = "A"\n', "date_format"),
    ('name = "bad"\ndescription = "x"\ndate_format = "%m/%d/%Y"\n[identify]\nheader = "Date,A"\n'
     '[columns]\ndate = "Date"\nammount = "A"\n', "columns.ammount"),
    ('name = "bad"\ndescription = "x"\ndate_format = "%m/%d/%Y"\n[identify]\nheader = "Date,A"\n'
     '[columns]\ndate = "Date"\ndebit = "A"\n[amount]\nstyle = "debit_credit"\n', "columns.credit"),
    ('name = "bad"\ndescription = "x"\ndate_format = "%m/%d/%Y"\nextends = "nope"\n[identify]\n'
     'header = "Date,A"\n[columns]\ndate = "Date"\namount = "A"\n', "extends"),
    ('name = "bad"\ndescription = "x"\ndate_format = "%m/%d/%Y"\n[identify]\nheader_regex = "(("\n'
     '[columns]\ndate = "Date"\namount = "A"\n', "identify.header_regex"),
])
def test_malformed_profile_names_file_and_key(tmp_path, body, key):
    (tmp_path / "bad.toml").write_text(body)
    with pytest.raises(ConfigError) as exc:
        load_profiles((tmp_path,))
    assert exc.value.key == key
    assert exc.value.path == str(tmp_path / "bad.toml")


def test_invalid_toml_is_config_error(tmp_path):
    (tmp_path / "broken.toml").write_text("name = \n")
    with pytest.raises(ConfigError) as exc:
        load_profiles((tmp_path,))
    assert exc.value.path == str(tmp_path / "broken.toml")


def test_forcing_a_profile(tmp_path):
    data = tmp_path / "x.csv"
    # a Discover file: forced as discover (negated) vs detected
    data.write_text("Trans. Date,Post Date,Description,Amount,Category\n"
                    "03/05/2026,03/06/2026,GROCER,54.21,Food\n")
    assert CsvBankImporter(profile="discover").extract(data, "x").records[0].amount == Decimal("-54.21")
    with pytest.raises(ConfigError) as exc:
        CsvBankImporter(profile="nonesuch")
    assert "known profiles" in str(exc.value)


def test_forced_profile_that_fits_no_row_is_rejected(tmp_path):
    from recon.errors import ParseError

    p = tmp_path / "chase.csv"
    p.write_text("Details,Posting Date,Description,Amount,Type,Balance,Check or Slip #\n"
                 "DEBIT,11/21/2026,\"CVS/PHARMACY #01234\",-14.73,DEBIT_CARD,19441.03,,\n")
    with pytest.raises(ParseError) as e:
        CsvBankImporter(profile="wells-fargo").extract(p, "chase.csv")
    assert "profile 'wells-fargo' does not fit this file" in str(e.value)
    assert str(e.value).startswith("chase.csv")


def test_a_plain_bank_export_with_amex_header_keeps_its_signs(tmp_path):
    # "Date,Description,Amount" is Amex's header (purchases positive) and a plain bank export's.
    p = tmp_path / "bank.csv"
    p.write_text("Date,Description,Amount\n03/24/2026,COMMONWEALTH HEA PREMIUM,-412.00\n"
                 "03/25/2026,STOP & SHOP,-54.20\n03/26/2026,PAYROLL,2150.00\n")
    res = CsvBankImporter().extract(p, "bank.csv")
    assert [str(r.amount) for r in res.records] == ["-412.00", "-54.20", "2150.00"]
    amex = tmp_path / "amex.csv"
    amex.write_text("Date,Description,Amount\n01/18/2026,SIMPLY NOODLES,62.50\n01/19/2026,PAYMENT - THANK YOU,-500.00\n"
                    "01/20/2026,SHELL OIL,41.00\n")
    res = CsvBankImporter().extract(amex, "amex.csv")
    assert [str(r.amount) for r in res.records] == ["-62.50", "500.00", "-41.00"]
    assert res.notes[0] == "layout: amex"
