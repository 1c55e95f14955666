"""Private numbers masked and control characters removed in text shown to people (recon.privacy)."""
from __future__ import annotations

import pytest

from recon.privacy import for_people, mask_numbers, strip_controls


@pytest.mark.parametrize("text, keep, expected", [
    ("row 14: 02/30/2026,ACH DEBIT 000000482913557,-412.00", (), "row 14: 02/30/2026,ACH DEBIT ****3557,-412.00"),
    ("routing 021000021 account 123456789012", (), "routing ****0021 account ****9012"),
    ("billing account 712345678, trace 021000021234567", {"712345678", "021000021234567"},
     "billing account 712345678, trace 021000021234567"),
    ("t20260123-41200-1 paid", (), "t20260123-41200-1 paid"),            # a date inside an id
    ("check 1043 for $412.00", (), "check 1043 for $412.00"),            # short numbers stay
    ("card 4111111111111111", (), "card ****1111"),
])
def test_long_digit_runs_are_masked_unless_evidence(text, keep, expected):
    assert mask_numbers(text, keep) == expected


def test_escape_codes_and_control_characters_are_removed():
    assert strip_controls("\x1b[31mCOMMONWEALTH HEA\x1b[0m\x07 PREMIUM") == "COMMONWEALTH HEA PREMIUM"
    assert strip_controls("bank\nfile.csv", newlines=False) == "bank file.csv"
    assert for_people("acct 00012345678\r\n\x1b[2J") == "acct ****5678\n"


def test_reports_show_no_full_bank_account_number(tmp_path):
    from recon.api import run
    from recon.config import load_config
    from recon.report import write_outputs
    from recon.report.table import render
    from tests.conftest import AS_OF, SAMPLES

    report = run([SAMPLES], AS_OF, load_config(SAMPLES / "recon.toml"), strict=True).report
    full = {t.account for t in report.transactions if t.account and len(t.account) >= 8}
    assert full, "the samples hold bank account numbers"
    texts = [render(report, verbose=True)] + [p.read_text(encoding="utf-8")
                                             for p in write_outputs(report, tmp_path)]
    for text in texts:
        for acct in full:
            assert acct not in text
