"""JSON text in and out: numbers keep every digit, the C encoder does the work wherever it can."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ctr_enrichment.jsontext import DECODER, dumps_compact, parse_number, to_utf8


@pytest.mark.parametrize(
    ("text", "expected"),
    [("0.5", 0.5), ("0.000000000000000001", 1e-18), ("1E5", 100000.0), ("-12345678901234.5", -12345678901234.5)],
)
def test_numbers_of_at_most_15_significant_digits_stay_floats(text: str, expected: float) -> None:
    value = parse_number(text)
    assert type(value) is float and value == expected


@pytest.mark.parametrize("text", ["1234567890123456.7", "0.1000000000000000", "9007199254740.993"])
def test_numbers_of_more_than_15_significant_digits_are_decimals(text: str) -> None:
    value = parse_number(text)
    assert isinstance(value, Decimal) and str(value) == text


def test_numbers_with_more_digits_than_a_double_become_decimals_and_are_written_back_exactly() -> None:
    document = DECODER.decode('{"a":[1234567890123456.78,{"b":-9.8765432109876543210E-100}],"c":0.1,"d":"株"}')
    assert document["a"][0] == Decimal("1234567890123456.78")
    assert dumps_compact(document) == '{"a":[1234567890123456.78,{"b":-9.8765432109876543210E-100}],"c":0.1,"d":"株"}'
    assert dumps_compact(document, ascii_only=True).endswith('"d":"\\u682a"}')


def test_out_of_range_numbers_are_refused() -> None:
    for text in ("1e400", "-1.00000000000000000000e400"):
        with pytest.raises(ValueError, match="out of range"):
            parse_number(text)


def test_what_json_cannot_hold_is_a_type_error_in_both_writers() -> None:
    with pytest.raises(TypeError, match="set is not JSON serializable"):
        dumps_compact({"a": {1}})
    with pytest.raises(TypeError, match="set is not JSON serializable"):
        dumps_compact({"exact": Decimal("0.12345678901234567"), "a": [{1}]})


def test_lone_surrogates_become_escapes_in_utf8_output() -> None:
    assert to_utf8({"a": "\ud800", "b": "株"}) == b'{"a":"\\ud800","b":"\\u682a"}'
    assert to_utf8({"b": "株"}) == '{"b":"株"}'.encode()
