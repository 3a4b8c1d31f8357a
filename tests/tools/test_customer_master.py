"""Reading customer masters and turning what they hold into keys, without DynamoDB: every way it can go wrong."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ctr_enrichment.config import parse_rules
from ctr_enrichment_tools import customer_keys as forms
from ctr_enrichment_tools.customer_keys import NotAKey, PhoneKeys, email_key
from ctr_enrichment_tools.customer_master import MasterError, detect_encoding, read_master


def write(tmp_path: Path, name: str, data: bytes | str) -> str:
    path = tmp_path / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return str(path)


def test_encodings_are_detected_as_excel_and_crm_exports_write_them() -> None:
    assert detect_encoding("顧客".encode("utf-8-sig")) == "utf-8-sig"
    assert detect_encoding("顧客".encode()) == "utf-8"
    assert detect_encoding("顧客①".encode("cp932")) == "cp932"
    assert detect_encoding(b"plain ascii") == "utf-8"
    with pytest.raises(MasterError, match="neither UTF-8 nor CP932"):
        detect_encoding(b"\x81\x20")  # a CP932 lead byte without its trail byte


def test_csv_rows_keep_their_line_numbers_across_quoted_line_breaks_and_blank_lines(tmp_path: Path) -> None:
    text = 'name,phone\r\n"Two\r\nlines",03-1234-5678\r\n\r\n,\r\nLast , 0312345678 \r\n'
    master = read_master(write(tmp_path, "m.csv", text))
    assert (master.format, master.encoding, master.columns) == ("csv", "utf-8", ("name", "phone"))
    assert [(row.line, row.values) for row in master.rows] == [
        (2, {"name": "Two\r\nlines", "phone": "03-1234-5678"}),
        (6, {"name": "Last", "phone": "0312345678"}),
    ]
    assert master.location(master.rows[1]).endswith("m.csv:6")


def test_the_format_comes_from_the_suffix_or_the_content(tmp_path: Path) -> None:
    assert read_master(write(tmp_path, "a", "name\tphone\nX\t1\n")).format == "tsv"
    assert read_master(write(tmp_path, "b", "name,phone\nX,1\n")).format == "csv"
    assert read_master(write(tmp_path, "c", ' [{"phone": "1"}]')).format == "json"
    assert read_master(write(tmp_path, "d", '{"phone": "1"}\n')).format == "ndjson"
    assert read_master(write(tmp_path, "e.jsonl", '{"phone": "1"}\n\n{"phone": "2"}\n')).rows[1].line == 3
    assert read_master(write(tmp_path, "f.json", "[]")).rows == ()


@pytest.mark.parametrize(
    ("name", "data", "options", "message"),
    [
        ("empty.csv", "", {}, "is empty: a master starts with a header row"),
        ("blank.csv", "name,,phone\n", {}, "header column 2 has no name"),
        ("twice.csv", "phone,phone\n", {}, "header names column 'phone' twice"),
        ("quote.csv", 'name\n"open\n', {"format": "csv"}, None),  # csv reads to the end: one row
        ("bad.json", "[{}, 3]", {}, "line 1: each customer must be a JSON object, got int"),
        ("bad2.json", '{"a": 1}', {}, "a JSON master is an array of customer objects"),
        ("bad3.json", "[{} {}]", {}, "line 1: expected ',' or ']' after a customer"),
        ("bad4.json", "[{}]\n[]", {}, "line 2: extra data after the array"),
        ("bad5.json", '[{"a": }]', {}, "line 1: not valid JSON"),
        ("bad.ndjson", '{"a": 1}\n{"a": \n', {}, "line 2: not valid JSON"),
        ("two.ndjson", '{"a": 1} {"a": 2}\n', {}, "line 1: one customer object per line (NDJSON), found more"),
        ("enc.csv", "a\n", {"encoding": "klingon"}, "--encoding 'klingon' is not an encoding Python knows"),
        ("sjis.csv", "a\nー\n".encode("cp932"), {"encoding": "utf-8"}, "line 2 is not utf-8 (byte 2)"),
    ],
)
def test_a_master_that_cannot_be_read_stops_with_its_name_and_the_line(
    tmp_path: Path, name: str, data: str | bytes, options: dict[str, str], message: str | None
) -> None:
    path = write(tmp_path, name, data)
    if message is None:
        assert len(read_master(path, **options).rows) == 1
        return
    with pytest.raises(MasterError) as raised:
        read_master(path, **options)
    assert str(raised.value).startswith(f"{path}: ") and message in str(raised.value)


def test_missing_files_and_directories_are_one_line(tmp_path: Path) -> None:
    with pytest.raises(MasterError, match="no such file"):
        read_master(str(tmp_path / "nope.csv"))
    with pytest.raises(MasterError, match="is a directory"):
        read_master(str(tmp_path))


def test_a_master_can_come_from_standard_input(monkeypatch: pytest.MonkeyPatch) -> None:
    class Stdin:
        buffer = type("Buffer", (), {"read": staticmethod(lambda: b"name,phone\nX,0312345678\n")})()

    monkeypatch.setattr("sys.stdin", Stdin())
    master = read_master("-")
    assert (master.name, master.format, len(master.rows)) == ("-", "csv", 1)


def phone_keys(default_country: str | None, **fields: object) -> PhoneKeys:
    rule = {"name": "c", "source": "A.Address", "target": "C", "table": "customers", "key": "k", "normalize": "phone"}
    (parsed,) = parse_rules(json.dumps([{**rule, **fields}]))
    return PhoneKeys(parsed, default_country)


@pytest.mark.parametrize(
    ("written", "form"),
    [
        ("+81312345678", forms.FORM_E164),
        ("+81 3-1234-5678", forms.FORM_INTERNATIONAL),
        ("010 81 3 1234 5678", forms.FORM_INTERNATIONAL_PREFIX),
        ("81312345678", forms.FORM_COUNTRY_CODE_WITHOUT_PLUS),
        ("０３－１２３４－５６７８", forms.FORM_FULL_WIDTH),
        ("03-1234-5678 内線 12", forms.FORM_EXTENSION),
        ("03-1234-5678 ext. 12", forms.FORM_EXTENSION),
        ("03(1234)5678", forms.FORM_PARENTHESES),
        ("03-1234-5678", forms.FORM_HYPHENS),
        ("03 1234 5678", forms.FORM_SPACES),
        ("03.1234.5678", forms.FORM_OTHER_SEPARATORS),
        ("0312345678", forms.FORM_DIGITS),
        ("312345678", forms.FORM_NO_TRUNK_PREFIX),
    ],
)
def test_each_written_form_is_recognised_and_keyed_alike(written: str, form: str) -> None:
    key = phone_keys("JP", key_format="national", country="JP").key(written)
    assert (key.key, key.form, key.e164) == ("0312345678", form, "+81312345678")


@pytest.mark.parametrize(
    ("written", "country", "why"),
    [
        ("03-1234-5678", None, "no country code (+81...): pass --country"),
        ("+999 1234 5678", "JP", "the number's country code does not exist"),
        ("abc", "JP", "not a phone number"),
        ("1", "JP", "not a phone number"),
        ("0" * 30, "JP", "too long to be a phone number"),
        ("03-1234-567", "JP", "not a valid number of JP"),
        ("+1 202 555 01431", "JP", "too long for a number of US"),
        ("+44 20", "JP", "too short for a number of GB"),
    ],
)
def test_what_is_not_a_number_of_its_country_says_why(written: str, country: str | None, why: str) -> None:
    with pytest.raises(NotAKey, match=why.replace("(", r"\(").replace(")", r"\)").replace("+", r"\+")):
        phone_keys(country).key(written)


def test_an_e164_rule_keys_every_number_in_e164_whatever_the_country() -> None:
    keys = phone_keys("JP")
    assert keys.key("03-1234-5678").key == "+81312345678"
    assert keys.key("+1 (202) 555-0143").key == "+12025550143"


@pytest.mark.parametrize(
    ("written", "key", "form"),
    [
        ("taro.yamada@example.co.jp", "taro.yamada@example.co.jp", forms.FORM_EMAIL),
        ("Taro.Yamada@Example.co.jp", "taro.yamada@example.co.jp", forms.FORM_EMAIL_CAPITALS),
        ("ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ", "taro@example.jp", forms.FORM_EMAIL_FULL_WIDTH),
    ],
)
def test_addresses_are_folded_trimmed_and_lower_cased(written: str, key: str, form: str) -> None:
    assert (email_key(written).key, email_key(written).form) == (key, form)


@pytest.mark.parametrize("written", ["taro", "@example.jp", "taro@", "a@b@c", "taro yamada@example.jp"])
def test_what_is_not_an_address_is_refused(written: str) -> None:
    with pytest.raises(NotAKey, match="not an email address"):
        email_key(written)
