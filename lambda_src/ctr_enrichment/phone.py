"""Phone number canonicalisation, and the conversion of a caller to the way a table writes its numbers.

``normalize_phone`` canonicalises formatting only (separators, full-width digits, a leading international
``00``). The length is never judged: numbering plans differ, and a number we would call "too short" may be a
real extension.

``to_national`` turns an E.164 caller into the number as dialled inside a country, for a rule with
``key_format = "national"``: ``+81312345678`` -> ``0312345678``, ``+442079460958`` -> ``02079460958``,
``+12025550143`` -> ``2025550143``. It is libphonenumber's NATIONAL format without separators, computed from
``numbering.json`` (generated from libphonenumber's metadata by scripts/gen_numbering.py) instead of the
library: the same answer for every number the metadata knows a format for, at a fraction of the package size,
import time and per-record cost (``make bench``). A number that matches none of its country's formats (not a
valid number there) gets the trunk prefix, where libphonenumber would print it bare.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


def normalize_email(raw: str) -> str | None:
    """The address trimmed and lower-cased as a whole, or None when it has no ``@``.

    RFC 5321 (2.4) lets the receiving host treat the local part as case-sensitive, but mail systems and
    customer masters treat ``Taro.Yamada@Example.co.jp`` and ``taro.yamada@example.co.jp`` as one address,
    so the function (and ``load-customers``) key both ways of writing it alike.
    """
    text = raw.strip().lower()
    return text if "@" in text else None


@functools.cache
def numbering() -> dict[str, Any]:
    """numbering.json, read once and only by a process whose rules convert numbers (or name a country)."""
    return json.loads((Path(__file__).with_name("numbering.json")).read_text(encoding="utf-8"))


@dataclass(frozen=True, slots=True)
class NationalPlan:
    """How the numbers of one calling code are written nationally."""

    calling_code: str  # with its "+": "+81"
    trunk_prefix: str  # "0"; "" in the NANP
    # libphonenumber's formats in its order, (leading digits, whole pattern, prefix), cut after the last one
    # whose prefix is not the trunk prefix; empty when every format writes the trunk prefix.
    formats: tuple[tuple[str | None, str, str], ...]
    # The leading digits of those other formats together: a number that does not start so takes the trunk
    # prefix without a walk through the formats (None: some have no leading digits, so always walk).
    other_prefix_leading: re.Pattern[str] | None

    def prefix_for(self, national_number: str) -> str:
        """The prefix the first format that fits the number writes (libphonenumber's choice of format)."""
        if not self.formats or (
            self.other_prefix_leading is not None and not self.other_prefix_leading.match(national_number)
        ):
            return self.trunk_prefix
        for leading, pattern, prefix in _compiled(self.formats):
            if (leading is None or leading.match(national_number)) and pattern.fullmatch(national_number):
                return prefix
        return self.trunk_prefix


@functools.cache
def _compiled(
    formats: tuple[tuple[str | None, str, str], ...],
) -> tuple[tuple[re.Pattern[str] | None, re.Pattern[str], str], ...]:
    """The formats' patterns, compiled the first time a number needs the walk (most callers never do)."""
    return tuple(
        (None if leading is None else re.compile(leading), re.compile(pattern), prefix)
        for leading, pattern, prefix in formats
    )


def country_calling_code(country: str) -> str | None:
    """The calling code of an ISO 3166 alpha-2 region ("JP" -> "81"), or None when numbering.json lacks it."""
    return numbering()["countries"].get(country)


@functools.cache
def national_plan(country: str) -> NationalPlan:
    """The plan of the country's calling code (KeyError for a country numbering.json does not list)."""
    code = numbering()["countries"][country]
    entry = numbering()["calling_codes"][code]
    formats = tuple((leading, pattern, prefix) for leading, pattern, prefix in entry.get("formats", ()))
    trunk = entry["trunk_prefix"]
    others = [leading for leading, _, prefix in formats if prefix != trunk]
    union = None
    if formats and all(leading is not None for leading in others):
        union = re.compile("|".join(f"(?:{leading})" for leading in others))
    return NationalPlan("+" + code, trunk, formats, union)


def to_national(number: str, plan: NationalPlan) -> str:
    """A canonical number (``normalize_phone``'s result) as the plan's country writes it.

    Callers of the plan's calling code become national numbers (``+81312345678`` -> ``0312345678``, also for
    the other regions of a shared code: +1 is the whole NANP). Anything else is returned as it is: callers from
    other countries stay E.164 (a national-format table keeps its foreign customers under their E.164 key), and
    a number without a country code is taken as already national.
    """
    if not number.startswith(plan.calling_code):
        return number
    national_number = number[len(plan.calling_code) :]
    return plan.prefix_for(national_number) + national_number
