"""Phone canonicalisation changes formatting only, and says None for what is not a phone number."""

from __future__ import annotations

import pytest

from ctr_enrichment.phone import normalize_phone


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("+81312345678", "+81312345678"),
        ("+81 3-1234-5678", "+81312345678"),
        ("+1 (415) 555.0123", "+14155550123"),
        ("0081312345678", "+81312345678"),
        ("  03-1234-5678 ", "0312345678"),
        ("＋８１ ３－１２３４－５６７８", "+81312345678"),  # full-width, as typed on Japanese keyboards
        ("+81\u00a03\u20101234\u22125678", "+81312345678"),  # no-break space, hyphen, minus sign
        ("+1", "+1"),  # odd lengths are not judged
        ("12", "12"),
        ("+123456789012345678901234567890", "+123456789012345678901234567890"),
    ],
)
def test_formatting_is_canonicalised_and_length_is_never_judged(raw: str, expected: str) -> None:
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize(
    "raw",
    ["Softphone", "taro.yamada@example.co.jp", "", "   ", "+", "00", "++81", "+81 3 1234 5678 ext 9", "٣١٢٣", "1+2"],
)
def test_values_that_are_not_phone_numbers_give_none(raw: str) -> None:
    assert normalize_phone(raw) is None
