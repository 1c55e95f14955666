"""The Connector under other names (issue 13 item 7): shortened and abbreviated forms of its legal
name and its common names are recognised word by word; the near misses stay out."""
from __future__ import annotations

import pytest

from recon.config import Config
from recon.normalize import payees
from recon.normalize.transactions import Classifier, norm_text

# (payee as a bank export or a check register might show it, expected level)
CONNECTOR = [
    # the legal name, whole or cut at any length from the third word on
    ("Commonwealth Health Insurance Connector Authority", "full"),
    ("COMMONWEALTH HEALTH INSURANCE CONNECTOR", "full"),
    ("COMMONWEALTH HEALTH INSURAN", "full"),
    ("Commonwealth Health Insur", "full"),
    ("Commonwealth Health Ins", "full"),
    ("Commonwealth Health Ins Conn", "full"),
    ("Commonwealth Health Insurance Conn Auth", "full"),
    # words abbreviated (prefixes, contractions), with punctuation and case variation
    ("Commonwealth Hlth Ins Connector Auth", "full"),
    ("Comm Health Ins. Conn. Auth.", "full"),
    ("COMM. HEALTH INS. CONNECTOR", "full"),
    ("Cmwlth Hlth Ins Conn Auth", "full"),
    ("Commonwlth Health Ins Cnctr", "full"),
    ("commonwealth health ins conn", "full"),
    ("Commonwealth-Health-Insurance-Connector", "full"),
    ("Health Insurance Connector Authority", "full"),
    ("Hlth Ins Conn Auth", "full"),
    ("Commonwealth Health Connector", "full"),
    # misspelt words (a member's handwriting typed in a register)
    ("Comonwealth Helth Insurance Connector", "full"),
    ("Commonwealth Health Insurence Conector", "full"),
    # inside a bank's wrapping
    ("ACH DEBIT COMMONWEALTH HEALTH INS CONN PREMIUM PPD ID: 0000000000", "full"),
    ("Online Payment Commonwealth Hlth Ins Conn 09/22", "full"),
    # common names (weak: amount and date must corroborate)
    ("Health Connector", "weak"),
    ("Health Connector Authority", "weak"),
    ("MA Health Connector", "weak"),
    ("MA HEALTH CONNEC", "weak"),
    ("MA Hlth Connector", "weak"),
    ("Mass Health Connector", "weak"),
    ("Mass. Health Conn.", "weak"),
    ("Massachusetts Health Connector", "weak"),
    ("MAHEALTHCONNECTOR", "weak"),
    ("MassachusettsHealthConnector", "weak"),
    ("Health Conn", "weak"),
    ("MA Health Conector", "weak"),
    ("Comm Health Ins", "weak"),          # "Comm" may be community: only with INS, and weakly
    ("BILL PAY MA HEALTH CONNECTOR 123", "weak"),
    # the 16-character ACH cut keeps its own level (amount and date decide)
    ("COMMONWEALTH HEA", "cut"),
    ("Commonwealth Hea", "cut"),
    ("ORIG CO NAME:COMMONWEALTH HEA ORIG ID:0000000000 DESC DATE:260922 CO ENTRY DESCR:PREMIUM", "cut"),
    ("EFT ACH COMMONWEALTH HEA PREMIUM", "cut"),
]

NOT_CONNECTOR = [
    "Commonwealth Health",
    "COMMONWEALTH HEALTH ALLIANCE",
    "Commonwealth Health All",
    "Commonwealth Health I",
    "Commonwealth Health Plan",
    "Commonwealth Health Inc",
    "Commonwealth Care Alliance",
    "COMMONWEALTH CARE ALLIANCE PREMIUM",
    "COMM OF MASS EFT",
    "COMM OF MASS TAX RFD",
    "MassHealth",
    "MASSHEALTH PREMIUM",
    "Mass Health",
    "Vermont Health Connect",
    "Health Connect",
    "Maryland Health Connection",
    "Health Connection",
    "Connect for Health CO",
    "Connect for Health Colorado",
    "Access Health CT",
    "ConnectiCare",
    "Connecticut Health Ins",
    "BCBS MA",
    "Blue Cross Blue Shield of MA",
    "Harvard Pilgrim",
    "Harvard Pilgrim Health Care",
    "Tufts Health",
    "Tufts Health Plan",
    "Health New England",
    "Fallon",
    "Fallon Health",
    "WellSense",
    "WellSense Health Plan",
    "Mass General Brigham Health Plan",
    "Delta Dental",
    "Altus Dental",
    "COBRA",
    "COBRA Administrators",
    "Comcast",
    "Comcast Cable",
    "Comm Health Center",
    "Community Health Ctr",
    "Community Health Cntr",
    "Commonwealth Health Institute",
    "Commonwealth Edison",
    "Commonwealth Financial",
    "Health Insurance",
    "Health Authority",
    "Home Depot",
]


@pytest.mark.parametrize(("payee", "level"), CONNECTOR)
def test_connector_forms(payee: str, level: str) -> None:
    got, reason = payees.classify_name(norm_text(payee))
    assert got == level, (payee, got, reason)
    assert reason


@pytest.mark.parametrize("payee", NOT_CONNECTOR)
def test_near_misses_stay_out(payee: str) -> None:
    got, reason = payees.classify_name(norm_text(payee))
    assert got in ("negative", "none"), (payee, got, reason)


@pytest.mark.parametrize(("payee", "level"), CONNECTOR)
def test_classifier_uses_the_rules(payee: str, level: str) -> None:
    assert Classifier(Config()).classify(payee).level == level


def test_near_misses_named_in_the_reason() -> None:
    level, reason = payees.classify_name(norm_text("Commonwealth Health Alliance"))
    assert level == "negative" and "COMMONWEALTH HEALTH" in reason
    level, reason = payees.classify_name(norm_text("BCBS MA Health Connector"))
    assert level == "negative" and "BCBS" in reason


def test_fuzzy_cutoff_is_the_configured_score() -> None:
    # "Connecter" is 89 from "CONNECTOR" (neither a prefix nor a contraction): in at 88, out at 95
    assert payees.classify_name("HEALTH INSURANCE CONNECTER", 88)[0] == "full"
    assert payees.classify_name("HEALTH INSURANCE CONNECTER", 95)[0] == "none"


def test_digits_do_not_matter() -> None:
    # The classifier folds digits to 0 before its cache: no rule may depend on them.
    for text in ("COMMONWEALTH HEALTH INS 12345", "MA HEALTH CONNECTOR 987"):
        assert payees.classify_name(text)[0] == payees.classify_name(text.translate(str.maketrans("123456789", "0" * 9)))[0]
