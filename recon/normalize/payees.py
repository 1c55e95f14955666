"""Connector descriptor vocabulary: how the Connector's name appears at banks, and near misses.

The patterns below are matched on upper-cased, single-spaced text; `classify_name` applies them
together with the word-by-word rule for shortened and abbreviated forms of the Connector's name
(normalize.Classifier calls it after the user's aliases).
"""
from __future__ import annotations

import re

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


# ---------------------------------------------------------------- the Connector's name, word by word
#
# Banks' cleaned-up payees and check registers shorten the legal name word by word ("Commonwealth
# Health Ins Conn", "Comm Health Ins. Conn. Auth.", "Commonwealth Hlth Ins Connector Auth") or use
# a common name ("Mass Health Connector", "MA Hlth Connector", "Health Connector Authority"). So a
# description is read as tokens (letters and digits; punctuation is a separator) and a run of
# consecutive tokens is matched, in order, against the words of the name:
#
#     [MA | MASS | MASSACHUSETTS]  COMMONWEALTH  HEALTH  INSURANCE  CONNECTOR  AUTHORITY
#
# A token stands for a word when it is the word, a prefix of it at least MIN_PREFIX long ("COMM",
# "INS", "CONN", "AUTH"; a cut in the middle of a word as in "INSURAN"), a contraction (first and
# last letters kept, the rest a subsequence, 4+ letters and 2/5 of the word: "HLTH", "CMWLTH",
# "CNCTR", "AUTHY"; not "CTR"/"CNTR", which are "center"), or a misspelling
# within the fuzzy cutoff (rapidfuzz ratio, tokens of 5+ letters). Which words a run holds decides:
#
#   full  COMMONWEALTH HEALTH INSURANCE (COMMONWEALTH not shortened below MIN_FULL_COMMONWEALTH, so
#         "Comm" = community is not enough), or HEALTH INSURANCE CONNECTOR, or COMMONWEALTH HEALTH
#         CONNECTOR: the legal name, decisive on its own (as the STRONG_FULL patterns were).
#   weak  HEALTH CONNECTOR (with or without MA/MASS, AUTHORITY), "Comm Health Ins": a common name,
#         which amount and date must corroborate.
#
# Near misses stay out by construction: "Commonwealth Health (Alliance)" has no INSURANCE or
# CONNECTOR word; "Health Connect" (Vermont's exchange, cut) is not taken unless MA/MASS/COMMONWEALTH
# qualifies it; "Connection", "Connecticut", "ConnectiCare" are not CONNECTOR; "Inc" is not a
# contraction of INSURANCE (last letters differ). A weak run is still refused when a NEGATIVE
# pattern matches what is left of the text around it. The 16-character ACH cut COMMONWEALTH HEA
# holds two words only and keeps its own level ("cut").

NAME_WORDS = ("MA", "COMMONWEALTH", "HEALTH", "INSURANCE", "CONNECTOR", "AUTHORITY")
_Q, _C, _H, _I, _N, _A = range(6)
MIN_PREFIX = {"COMMONWEALTH": 4, "HEALTH": 3, "INSURANCE": 3, "CONNECTOR": 4, "AUTHORITY": 4}
MIN_FULL_COMMONWEALTH = 6          # "COMMON", "COMMONW", ... or a contraction such as CMWLTH
STATE_WORDS = ("MA", "MASS", "MASSACHUSETTS", "MASSACHUSETT", "MASSACHUS")
AMBIGUOUS_CONNECTOR = ("CONNECT",)  # the whole word of other exchanges (Vermont Health Connect)
FUZZY_MIN_LEN = 5
MIN_CONTRACTION = 4
NOT_CONTRACTIONS = ("CNTR", "CENTR")   # center, not connector
# Run-together forms ("MAHEALTHCONNECTOR", "HEALTHCONNECTOR", "COMMONWEALTHHEALTHINS").
_COMPOUND = re.compile(r"^(MASSACHUSETTS|MASS|MA|COMMONWEALTH)?(HEALTH|HLTH)(INSURANCE|INS)?(CONN[A-Z]*)?$")
_TOKEN = re.compile(r"[A-Z0-9]+")
# Every level needs a HEALTH word, and every form of it starts a token with H (or follows MA/MASS/
# COMMONWEALTH in a run-together token): text without one skips the word-by-word reading.
_HEALTH_GATE = re.compile(r"(?<![A-Z0-9])(?:MASSACHUSETTS|MASS|MA|COMMONWEALTH)?H")
_NEG_RE = re.compile("|".join(NEGATIVE))
_CUT_RE = re.compile(STRONG_CUT)
_WEAK_COMPACT = tuple(w.replace(" ", "") for w in WEAK)
_rapidfuzz = None


def _is_subsequence(small: str, big: str) -> bool:
    it = iter(big)
    return all(ch in it for ch in small)


def _token_word(token: str, word: str, fuzzy_cutoff: float) -> bool:
    """Whether ``token`` (upper case, letters) stands for the name word ``word``."""
    if token == word:
        return True
    if len(token) >= MIN_PREFIX[word] and word.startswith(token):
        return True
    if (len(token) >= max(MIN_CONTRACTION, (2 * len(word) + 4) // 5) and token[0] == word[0]
            and token[-1] == word[-1] and len(token) < len(word) and token not in NOT_CONTRACTIONS
            and _is_subsequence(token, word)):
        return True
    if len(token) >= FUZZY_MIN_LEN and token[0] == word[0]:
        global _rapidfuzz
        if _rapidfuzz is None:
            from rapidfuzz import fuzz, utils

            _rapidfuzz = (fuzz, utils)
        fuzz, utils = _rapidfuzz
        return fuzz.ratio(token, word, processor=utils.default_process, score_cutoff=fuzzy_cutoff) > 0
    return False


def _word_of(token: str, after: int, fuzzy_cutoff: float) -> int | None:
    """The first name word after index ``after`` that ``token`` stands for, or None."""
    if token in STATE_WORDS:
        return _Q if after < _Q else None
    if token.isalpha():
        for w in range(max(after + 1, _C), len(NAME_WORDS)):
            if _token_word(token, NAME_WORDS[w], fuzzy_cutoff):
                return w
    return None


def _tokens(text: str) -> list[str]:
    out: list[str] = []
    for t in _TOKEN.findall(text):
        m = _COMPOUND.match(t) if len(t) >= 10 else None
        if m:
            out.extend(g for g in m.groups() if g)
        else:
            out.append(t)
    return out


def name_runs(text: str, fuzzy_cutoff: float = 88) -> list[tuple[int, int, dict[int, str]]]:
    """Runs of consecutive tokens matching the name's words in order: (first, end, {word: token})."""
    toks = _tokens(text)
    runs = []
    i = 0
    while i < len(toks):
        words: dict[int, str] = {}
        last = -1
        j = i
        while j < len(toks):
            w = _word_of(toks[j], last, fuzzy_cutoff)
            if w is None:
                break
            words[w] = toks[j]
            last = w
            j += 1
        if len(words) >= 2:
            runs.append((i, j, words))
            i = j
        else:
            i += 1
    return runs


def _run_level(words: dict[int, str]) -> str | None:
    c, h, i, n = (words.get(k) for k in (_C, _H, _I, _N))
    qualified = _Q in words or c is not None
    if n in AMBIGUOUS_CONNECTOR and not qualified:
        n = None
    if h and i and n and n not in AMBIGUOUS_CONNECTOR:
        return "full"
    if c and h and i:
        return "full" if len(c) >= MIN_FULL_COMMONWEALTH or not c.startswith("COMM") else "weak"
    if c and h and n:
        return "full" if n not in AMBIGUOUS_CONNECTOR else "weak"
    if h and n:
        return "weak"
    return None


def classify_name(text: str, fuzzy_cutoff: float = 88) -> tuple[str, str]:
    """A description (upper case, single-spaced) -> (level, reason) as far as its words tell.

    level: "full" (the legal name, shortened or not), "negative" (a near miss), "cut" (the
    16-character ACH cut), "weak" (a common name of the Connector) or "none".
    """
    runs = name_runs(text, fuzzy_cutoff) if _HEALTH_GATE.search(text) else []
    best: tuple[str, str] | None = None
    for _, _, words in runs:
        level = _run_level(words)
        if level == "full":
            return "full", "payee is the Connector's legal name"
        if level == "weak" and best is None:
            best = (level, " ".join(words[k] for k in sorted(words)))
    rest = text
    if best is not None:
        toks = _tokens(text)
        keep = [t for k, t in enumerate(toks) if not any(a <= k < b for a, b, w in runs if _run_level(w))]
        rest = " ".join(keep)
    neg = _NEG_RE.search(rest)
    if neg:
        return "negative", f'near miss "{neg.group(0)}" is not the Connector'
    if _CUT_RE.search(text):
        return "cut", 'ACH company name "COMMONWEALTH HEA"'
    if best is not None:
        return "weak", f'payee "{best[1]}"'
    compact = text.replace(" ", "")
    for w, c in zip(WEAK, _WEAK_COMPACT):
        if w in text or c in compact:
            return "weak", f'payee "{w}"'
    return "none", ""
