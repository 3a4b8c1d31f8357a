"""Phone number canonicalisation.

Only formatting is canonicalised (separators, full-width digits, a leading international ``00``). The length
is never judged: numbering plans differ, and a number we would call "too short" may be a real extension.
"""

from __future__ import annotations

import unicodedata

# Characters people and systems put inside phone numbers; NFKC already maps full-width forms onto these.
_SEPARATORS = str.maketrans("", "", " \t-.()/\u00a0\u2010\u2011\u2012\u2013\u2014\u2212")


def normalize_phone(raw: str) -> str | None:
    """Return the number as ``+<digits>`` or ``<digits>``, or None when it is not a phone number at all."""
    if raw[:1] == "+" and raw[1:].isdigit() and raw.isascii():
        return raw  # already E.164, as Amazon Connect writes it: the common case, kept cheap
    text = raw.strip()
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    text = text.translate(_SEPARATORS)
    if text.startswith("00"):
        text = "+" + text[2:]
    digits = text[1:] if text.startswith("+") else text
    if not digits or not (digits.isascii() and digits.isdigit()):
        return None
    return text
