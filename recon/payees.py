"""Connector descriptor vocabulary: how the Connector's name appears at banks, and near misses.

Data, not logic: classify.py reads these. Patterns are matched on upper-cased, single-spaced text.
"""
from __future__ import annotations

# The Connector's legal name shown in full (or nearly): decisive on its own.
STRONG_FULL = (
    r"COMMONWEALTH HEALTH INS(?:URANCE)?(?: CONN(?:ECTOR)?)?",
    r"HEALTH INSURANCE CONNECTOR",
)
# The 16-character ACH company-name cut. Shared with Commonwealth Health Alliance etc., so it is
# only a candidate until amount, date window or the company id corroborates it.
STRONG_CUT = r"COMMONWEALTH HEA(?![A-Z])"
# Weaker names (bill-pay payees typed by the member, a future processor) [unverified].
WEAK = ("HEALTH CONNECTOR", "MA HEALTH CONNEC", "MA HEALTH CONNECTOR", "MAHEALTHCONNECTOR",
        "MASS HEALTH CONNECTOR", "MASSACHUSETTS HEALTH CONNECTOR")
# Near misses that must never be taken for the Connector (checked before anything else).
NEGATIVE = (
    r"COMMONWEALTH HEALTH(?! INS)", r"COMMONWEALTH HEALTH ALL", r"COMMONWEALTH CARE ALLIANCE",
    r"COMM OF MASS", r"COMMONWEALTH OF MASS", r"MASSHEALTH", r"MASS HEALTH(?! CONNECTOR)",
    r"VERMONT HEALTH CONNECT", r"MARYLAND HEALTH CONNECTION", r"CONNECT FOR HEALTH",
    r"ACCESS HEALTH CT", r"CONNECTICARE", r"BCBS", r"BLUE CROSS", r"HARVARD PILGRIM", r"TUFTS HEALTH",
    r"HEALTH NEW ENGLAND", r"FALLON", r"WELLSENSE", r"MASS GENERAL BRIGHAM", r"DELTA DENTAL",
    r"ALTUS DENTAL", r"COBRA", r"COMCAST",
)
# Words that make a Connector credit a return of an earlier debit rather than a refund.
RETURN_WORDS = r"\b(?:RETURN(?:ED)?|REVERSAL|REVERSED|RTN|NSF|R0[1-9]|R1[0-1]|UNPAID ITEM|CHARGEBACK)\b"
# Descriptions that say the draw is AutoPay (recurring).
AUTOPAY_WORDS = r"\b(?:AUTO ?PAY|AUTOPAY|RECURRING|AUTO DEBIT|AUTOMATIC)\b"
# Bank fee lines that accompany a returned debit (reported with the return, never allocated).
FEE_WORDS = r"\b(?:NSF|RETURNED ITEM FEE|INSUFFICIENT FUNDS FEE|RETURN(?:ED)? ITEM CHARGE)\b"
