"""recon.toml: good files load; mistakes stop with the file, line and key."""
from __future__ import annotations

from datetime import date

import pytest

from recon.config import load_config
from recon.errors import ConfigError


def test_sample_config_loads(tmp_path):
    p = tmp_path / "recon.toml"
    p.write_text('[[accounts]]\nnumber = "712345678"\nplan = "health"\n'
                 'autopay = [{ start = "2026-01-01", end = "2026-08-31" }]\n'
                 '[tolerances]\ncheck_uncashed_days = 21\n'
                 '[[overrides]]\nnot_connector = "t20260312-4500-1"\nnote = "CHA premium"\n')
    cfg = load_config(p)
    assert cfg.accounts[0].autopay[0].end == date(2026, 8, 31)
    assert cfg.tolerances.check_uncashed_days == 21
    assert cfg.overrides[0].kind == "not_connector"


@pytest.mark.parametrize("text, key, line", [
    ('[[accounts]]\nnumber = "12345"\n', "accounts[0].number", 2),
    ('[tolerances]\nfoo = 3\n', "tolerances.foo", 2),
    ('[tolerances]\ncheck_uncashed_days = "two weeks"\n', "tolerances.check_uncashed_days", 2),
    ('[[accounts]]\nnumber = "712345678"\nplan_end = "30/09/2026"\n', "accounts[0].plan_end", 3),
    ('[[overrides]]\nnote = "x"\n', "overrides[0]", None),
])
def test_bad_config_names_file_key_and_line(tmp_path, text, key, line):
    p = tmp_path / "recon.toml"
    p.write_text(text)
    with pytest.raises(ConfigError) as e:
        load_config(p)
    assert e.value.key == key
    assert str(p) in str(e.value)
    if line is not None:
        assert e.value.line == line


def test_invalid_toml_reports_line(tmp_path):
    p = tmp_path / "recon.toml"
    p.write_text('[accounts\n')
    with pytest.raises(ConfigError) as e:
        load_config(p)
    assert e.value.line == 1


@pytest.mark.parametrize("toml, key, hint", [
    ('[[accounts]]\nnumber = "712345678"\nautopay = [{start = "2026-01-01", ends = "2026-08-31"}]\n',
     "accounts[0].autopay[0].ends", "did you mean 'end'?"),
    ('[[accounts]]\nnumber = "712345678"\nplna = "health"\n', "accounts[0].plna", "did you mean 'plan'?"),
    ('[alias]\nconnector = ["MA CONNECTOR"]\n', "alias", "did you mean 'aliases'?"),
    ('[[overrides]]\naccept = { type = "late_payment", month = "2026-04" }\n',
     "overrides[0].accept.month", "known:"),
])
def test_an_unknown_key_is_an_error_with_its_line_and_the_closest_key(tmp_path, toml, key, hint):
    p = tmp_path / "recon.toml"
    p.write_text(toml)
    with pytest.raises(ConfigError) as exc:
        load_config(p)
    e = exc.value
    assert e.key == key and hint in str(e) and e.line is not None and e.line >= 1


def test_a_dangling_override_stops_the_run(tmp_path):
    from datetime import date

    from recon.api import run

    p = tmp_path / "recon.toml"
    p.write_text('[[overrides]]\nnot_connector = "t20260101-99999-1"\nnote = "typo"\n')
    with pytest.raises(ConfigError) as exc:
        run([tmp_path / "in"], date(2026, 3, 1), load_config(p))
    assert "no transaction 't20260101-99999-1' in this run" in str(exc.value) and exc.value.line == 2


def test_an_accept_of_a_finding_type_recon_does_not_make_stops_the_run(tmp_path):
    from datetime import date

    from recon.api import run

    p = tmp_path / "recon.toml"
    p.write_text('[[overrides]]\naccept = { type = "late_paymnet" }\n')
    with pytest.raises(ConfigError) as exc:
        run([tmp_path / "in"], date(2026, 3, 1), load_config(p))
    assert "did you mean 'late_payment'?" in str(exc.value)
