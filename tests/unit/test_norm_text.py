"""norm_text: the upper-cased, single-spaced form every descriptor rule matches on."""
from __future__ import annotations

import re
import sys

from recon.normalize.transactions import norm_text


def test_norm_text_collapses_every_kind_of_whitespace_like_the_regex_did():
    ws = "".join(chr(i) for i in range(sys.maxunicode + 1) if re.match(r"\s", chr(i)))
    assert len(ws) > 20   # tabs, newlines, no-break and ideographic spaces, ...
    text = f"{ws}commonwealth{ws}hea{ws[::-1]}Autopay ß{ws}"
    assert norm_text(text) == re.sub(r"\s+", " ", text.upper()).strip() == "COMMONWEALTH HEA AUTOPAY SS"
