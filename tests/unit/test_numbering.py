"""National numbers from the table in numbering.json, held against libphonenumber itself (``phonenumbers``).

The function converts an E.164 caller into the number as dialled inside the rule's country without carrying
libphonenumber (``make bench`` says why): ``numbering.json`` holds the trunk prefixes and, where a country
writes some numbers without it, libphonenumber's formats. These tests compare the conversion with
``format_number(NATIONAL)`` of the pinned library, digits only, for the example number of every number type of
every region the table supports, and check that the committed table is what the generator makes of that library.
"""

from __future__ import annotations

import re
import subprocess
import sys

import phonenumbers
import pytest
from phonenumbers import PhoneNumberFormat, PhoneNumberType
from phonenumbers.phonemetadata import PhoneMetadata
from phonenumbers.phonenumberutil import _choose_formatting_pattern_for_number

from ctr_enrichment.phone import country_calling_code, national_plan, normalize_email, numbering, to_national
from tests.support import REPO

TYPES = [getattr(PhoneNumberType, name) for name in dir(PhoneNumberType) if name.isupper()]


def national_digits(number: phonenumbers.PhoneNumber) -> str:
    return re.sub(r"\D", "", phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL))


def has_a_format(number: phonenumbers.PhoneNumber) -> bool:
    """Whether libphonenumber knows a national format for the number (else it prints the bare NSN)."""
    code = number.country_code
    metadata = PhoneMetadata.metadata_for_region_or_calling_code(code, phonenumbers.region_code_for_country_code(code))
    nsn = phonenumbers.national_significant_number(number)
    return _choose_formatting_pattern_for_number(metadata.number_format, nsn) is not None


def test_the_committed_table_is_what_the_generator_makes_of_the_pinned_library() -> None:
    result = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "gen_numbering.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert numbering()["phonenumbers_version"] == phonenumbers.__version__


def test_every_example_number_of_every_region_converts_as_libphonenumber_writes_it() -> None:
    compared, mismatches, without_format = 0, [], []
    for region in numbering()["countries"]:
        plan = national_plan(region)
        for number_type in TYPES:
            example = phonenumbers.example_number_for_type(region, number_type)
            if example is None:
                continue
            e164 = phonenumbers.format_number(example, PhoneNumberFormat.E164)
            if not has_a_format(example):
                without_format.append(e164)  # the trunk prefix by design, where libphonenumber prints it bare
                assert to_national(e164, plan) == plan.trunk_prefix + e164[len(plan.calling_code) :]
                continue
            compared += 1
            if to_national(e164, plan) != national_digits(example):
                mismatches.append((region, number_type, e164, national_digits(example), to_national(e164, plan)))
    assert mismatches == []
    assert compared > 1000 and len(numbering()["countries"]) > 240
    assert len(without_format) < compared / 20  # the exception, not the rule


@pytest.mark.parametrize(
    ("country", "e164", "national"),
    [
        ("JP", "+81312345678", "0312345678"),  # Tokyo
        ("JP", "+819012345678", "09012345678"),  # mobile 090
        ("JP", "+818012345678", "08012345678"),  # mobile 080
        ("JP", "+817012345678", "07012345678"),  # mobile 070
        ("JP", "+815012345678", "05012345678"),  # IP phone 050
        ("JP", "+81120123456", "0120123456"),  # freephone 0120
        ("JP", "+81570123456", "0570123456"),  # navi dial 0570
        ("GB", "+442079460958", "02079460958"),
        ("GB", "+447400123456", "07400123456"),
        ("DE", "+49301234567", "0301234567"),  # Berlin, 7-digit subscriber
        ("DE", "+4930123456", "030123456"),  # variable length
        ("DE", "+4915123456789", "015123456789"),  # mobile
        ("US", "+12025550143", "2025550143"),  # NANP: no trunk prefix
        ("US", "+14165550100", "4165550100"),  # a Canadian caller: the same plan (+1)
        ("CA", "+12025550143", "2025550143"),
        ("AU", "+61212345678", "0212345678"),
        ("AU", "+611800123456", "1800123456"),  # freecall: no trunk prefix in Australia
        ("IT", "+390612345678", "0612345678"),  # Italy: the 0 belongs to the number
        ("RU", "+79123456789", "89123456789"),  # trunk prefix 8
        ("CN", "+8613123456789", "13123456789"),  # mobile without the trunk prefix
        ("CN", "+861012345678", "01012345678"),  # Beijing with it
    ],
)
def test_the_issues_numbers_convert_as_dialled_in_their_country(country: str, e164: str, national: str) -> None:
    assert to_national(e164, national_plan(country)) == national
    assert national_digits(phonenumbers.parse(e164)) == national


@pytest.mark.parametrize(
    ("country", "number"),
    [
        ("JP", "+12025550143"),  # a caller from another country stays E.164
        ("US", "+81312345678"),
        ("GB", "+4930123456"),
        ("JP", "0312345678"),  # no country code: taken as already national
        ("JP", "+8"),  # shorter than the calling code
    ],
)
def test_numbers_outside_the_plans_calling_code_are_left_as_they_are(country: str, number: str) -> None:
    assert to_national(number, national_plan(country)) == number


def test_regions_of_a_shared_calling_code_share_one_plan_and_unknown_regions_have_none() -> None:
    assert national_plan("US") == national_plan("CA") == national_plan("PR")
    assert country_calling_code("GB") == country_calling_code("JE") == "44"
    assert country_calling_code("XX") is None and country_calling_code("jp") is None
    assert "AR" in numbering()["left_out"] and country_calling_code("AR") is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("taro.yamada@example.co.jp", "taro.yamada@example.co.jp"),
        ("  Taro.Yamada@Example.CO.JP\n", "taro.yamada@example.co.jp"),
        ("ÜSER@Example.de", "üser@example.de"),
        ("Softphone", None),
        ("+81312345678", None),
    ],
)
def test_email_addresses_are_trimmed_and_lower_cased_as_a_whole(raw: str, expected: str | None) -> None:
    assert normalize_email(raw) == expected
