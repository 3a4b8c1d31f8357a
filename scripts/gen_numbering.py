"""Generate lambda_src/ctr_enrichment/numbering.json, the numbering plans the function converts callers with.

A rule with ``key_format = "national"`` looks a caller up by the number as dialled inside the rule's country:
``+81312345678`` becomes ``0312345678`` in Japan, ``+442079460958`` ``02079460958`` in the UK, ``+12025550143``
``2025550143`` in the NANP. That is libphonenumber's NATIONAL format without its separators: a national
prefix (the trunk prefix) and the national significant number (NSN), the digits after the calling code.
Whether the trunk prefix is written depends on the number in some countries (Australia's 1800 numbers, China's
mobiles, Japan's NSNs that start with 0), which libphonenumber decides with its list of number formats.

This script reads that metadata from the pinned ``phonenumbers`` package (the Python port of libphonenumber,
a development dependency; the function does not carry it) and writes, for each calling code:

* ``trunk_prefix``: the prefix libphonenumber writes before a national number (``""`` in the NANP);
* ``formats`` (only where some formats write another prefix than the trunk prefix, or none): libphonenumber's
  ordered ``[leading digits, pattern, prefix]`` list, cut after its last such format, which
  ``ctr_enrichment.phone`` walks exactly as libphonenumber's ``_choose_formatting_pattern_for_number`` does.

A calling code is left out when its NATIONAL format is not the prefix plus the NSN: a format that writes
digits of its own (Argentina's mobile ``15``) or drops some (a pattern with digits outside its groups).
Regions sharing a calling code (US and CA on +1, GB and JE on +44) share its entry, as libphonenumber formats
every number of a calling code with the metadata of its main region.

    .venv/bin/python scripts/gen_numbering.py          # rewrite the file
    .venv/bin/python scripts/gen_numbering.py --check  # exit 1 when the file differs (tests/unit/test_numbering.py)
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from importlib.metadata import version
from pathlib import Path
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

import phonenumbers
from phonenumbers.phonemetadata import NumberFormat, PhoneMetadata

OUTPUT = Path(__file__).resolve().parents[1] / "lambda_src" / "ctr_enrichment" / "numbering.json"
_GROUP_REFERENCE = re.compile(r"\\(\d)")


class Unsupported(Exception):
    """The calling code's NATIONAL format is not a prefix plus the NSN."""


def prefix_of(number_format: NumberFormat) -> str:
    """The digits a format's national-prefix rule writes before the first group (``0\\1`` -> ``0``)."""
    rule = number_format.national_prefix_formatting_rule
    if not rule:
        return ""
    before, reference, after = rule.partition("\\1")
    if not reference or re.search(r"\d", after):
        raise Unsupported(f"national prefix rule {rule!r} does not end with the first group")
    return re.sub(r"\D", "", before)


def check_keeps_every_digit(number_format: NumberFormat) -> None:
    """The format writes each captured group once, in order, and nothing else; the pattern is only groups."""
    for op, argument in sre_parse.parse(number_format.pattern):
        if op is not sre_parse.SUBPATTERN or argument[0] is None:
            raise Unsupported(f"pattern {number_format.pattern} matches digits outside its groups")
    groups = re.compile(number_format.pattern).groups
    references = [int(number) for number in _GROUP_REFERENCE.findall(number_format.format)]
    if references != list(range(1, groups + 1)):
        raise Unsupported(f"format {number_format.format} does not write groups 1-{groups} in order")
    if re.search(r"\d", _GROUP_REFERENCE.sub("", number_format.format)):
        raise Unsupported(f"format {number_format.format} writes digits of its own")


def calling_code_entry(metadata: PhoneMetadata) -> dict[str, Any]:
    formats = list(metadata.number_format)
    for number_format in formats:
        check_keeps_every_digit(number_format)
    prefixes = [prefix_of(number_format) for number_format in formats]
    used = [prefix for prefix in prefixes if prefix]
    national = metadata.national_prefix or ""
    trunk = national if national in used else max(set(used), key=used.count) if used else ""
    entry: dict[str, Any] = {"trunk_prefix": trunk}
    differing = [index for index, prefix in enumerate(prefixes) if prefix != trunk]
    if differing:
        entry["formats"] = [
            [
                number_format.leading_digits_pattern[-1] if number_format.leading_digits_pattern else None,
                number_format.pattern,
                prefix,
            ]
            for number_format, prefix in zip(formats[: differing[-1] + 1], prefixes, strict=False)
        ]
    return entry


def build() -> dict[str, Any]:
    countries: dict[str, str] = {}
    calling_codes: dict[str, dict[str, Any]] = {}
    left_out: dict[str, str] = {}
    for code in sorted(phonenumbers.COUNTRY_CODE_TO_REGION_CODE):
        regions = [region for region in phonenumbers.COUNTRY_CODE_TO_REGION_CODE[code] if region != "001"]
        if not regions:
            continue  # non-geographic (+800, +882, ...): no country, no national format
        # What format_number(NATIONAL) uses for every number of this calling code: the main region's metadata.
        metadata = PhoneMetadata.metadata_for_region_or_calling_code(code, regions[0])
        try:
            calling_codes[str(code)] = calling_code_entry(metadata)
        except Unsupported as why:
            for region in regions:
                left_out[region] = f"+{code}: {why}"
            continue
        for region in regions:
            countries[region] = str(code)
    return {
        "_comment": (
            "Generated by scripts/gen_numbering.py from the phonenumbers package (libphonenumber's metadata); "
            "do not edit. countries: ISO 3166 region -> calling code. calling_codes: the trunk prefix that "
            "libphonenumber's NATIONAL format writes before a national number, and, where some numbers take "
            "another prefix or none, its ordered [leading digits, pattern, prefix] formats, read by "
            "ctr_enrichment/phone.py. Regions left out: their national format is not a prefix plus the number."
        ),
        "phonenumbers_version": version("phonenumbers"),
        "countries": dict(sorted(countries.items())),
        "calling_codes": dict(sorted(calling_codes.items(), key=lambda item: int(item[0]))),
        "left_out": dict(sorted(left_out.items())),
    }


def render(document: dict[str, Any]) -> str:
    """One line per calling code and a compact countries map: small in the zip, readable in a diff."""
    lines = ["{"]
    for field in ("_comment", "phonenumbers_version"):
        lines.append(f"  {json.dumps(field)}: {json.dumps(document[field], ensure_ascii=False)},")
    lines.append(f'  "countries": {json.dumps(document["countries"], separators=(",", ":"))},')
    lines.append('  "calling_codes": {')
    entries = [
        f"    {json.dumps(code)}: {json.dumps(entry, separators=(',', ':'))}"
        for code, entry in document["calling_codes"].items()
    ]
    lines.append(",\n".join(entries))
    lines.append("  },")
    lines.append(f'  "left_out": {json.dumps(document["left_out"], ensure_ascii=False, indent=4)[:-1]}  }}')
    lines.append("}")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="only compare; exit 1 when the file is out of date")
    args = parser.parse_args()
    text = render(build())
    if args.check:
        if OUTPUT.read_text(encoding="utf-8") != text:
            print(f"{OUTPUT} is out of date: run scripts/gen_numbering.py", file=sys.stderr)
            return 1
        return 0
    OUTPUT.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
