"""Decoding Firehose input: every malformed record becomes a failure with a reason, never an exception."""

from __future__ import annotations

import base64

import pytest

from ctr_enrichment.records import (
    DecodedRecord,
    DecodeFailure,
    TransformedRecord,
    decode_record,
    encode_data,
    is_contact_record,
)
from ctr_enrichment_tools.harness import FirehoseEvents
from tests.support.ctrs import CTR_FIXTURES, load_json


def record(data: object, record_id: str = "r1") -> dict[str, object]:
    return FirehoseEvents().encoded_record(data, record_id=record_id, arrival_ms=1)


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def test_a_json_object_decodes_with_its_trimmed_bytes() -> None:
    decoded = decode_record(record(b64(b' {"ContactId":"c1","Name":"\xe6\xa0\xaa"}\n')))
    assert isinstance(decoded, DecodedRecord)
    assert decoded.document == {"ContactId": "c1", "Name": "株"}
    assert decoded.raw == b'{"ContactId":"c1","Name":"\xe6\xa0\xaa"}'
    assert decoded.single_line
    assert decoded.record_id == "r1"


def test_multi_line_json_is_decoded_but_not_single_line() -> None:
    decoded = decode_record(record(b64(b'{\n  "a": 1\n}')))
    assert isinstance(decoded, DecodedRecord)
    assert not decoded.single_line


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (None, "record has no 'data' string"),
        (12, "record has no 'data' string"),
        ("not base64!", "data is not valid base64"),
        ("eyJhIjoxfQ", "data is not valid base64"),  # missing padding
        ("ｅｙＪ", "data is not valid base64"),
        (b64(b""), "data is empty"),
        (b64(b" \n\t"), "data is empty"),
        (b64(b'{"a":"\xff"}'), "data is not valid UTF-8 (byte 6)"),
        (b64(b'{"a":1'), "data is not valid JSON: Expecting ',' delimiter"),
        (b64(b'{"a":NaN}'), "data is not valid JSON: NaN is not allowed in JSON"),
        (b64(b'{"a":-1e400}'), "data is not valid JSON: number -1e400 is out of range"),
        (b64(b'{"a":1} {"b":2}'), "data is not valid JSON: extra data after the value at char 7"),
        (b64(b"\xef\xbb\xbf{}"), "data is not valid JSON: Unexpected UTF-8 BOM"),
        (b64(b"[1,2]"), "data is a JSON array, not an object"),
        (b64(b'"text"'), "data is a JSON string, not an object"),
        (b64(b"null"), "data is JSON null, not an object"),
        (b64(b"12.5"), "data is a JSON number, not an object"),
        (b64(b"true"), "data is a JSON boolean, not an object"),
        (b64(b"[" * 100_000 + b"]" * 100_000), "data is JSON nested too deeply"),
    ],
)
def test_malformed_data_gives_a_reason_and_keeps_the_original(data: object, reason: str) -> None:
    decoded = decode_record(record(data))
    assert isinstance(decoded, DecodeFailure)
    assert decoded.reason.startswith(reason)
    assert decoded.record_id == "r1"
    assert decoded.original == (data if isinstance(data, str) else "")


def test_a_record_that_is_not_an_object_fails_without_an_id() -> None:
    decoded = decode_record(["not", "a", "record"])
    assert decoded == DecodeFailure(None, "", "record is a list, not an object")


def test_transformed_records_cannot_carry_an_invalid_result() -> None:
    with pytest.raises(ValueError, match="result must be one of"):
        TransformedRecord("r1", "Failed", "", "", 0)  # type: ignore[arg-type]
    assert TransformedRecord("r1", "Dropped", "", "x", 1).to_wire() == {
        "recordId": "r1",
        "result": "Dropped",
        "data": "",
    }


def test_encode_data_is_base64() -> None:
    assert encode_data("株".encode()) == "5qCq"


@pytest.mark.parametrize("name", CTR_FIXTURES)
def test_every_channel_s_contact_trace_record_is_a_contact_record(name: str) -> None:
    assert is_contact_record(load_json(name))


@pytest.mark.parametrize(
    "document",
    [
        load_json("agent_event_state_change"),
        load_json("agent_event_heart_beat"),  # a ContactId only inside CurrentAgentSnapshot.Contacts
        {},
        {"ContactId": None},
        {"ContactId": ""},
        {"ContactId": 7},
        {"ContactId": ["c1"]},
        {"ContactId": {"Id": "c1"}},
        {"contactId": "c1"},  # JSON keys are case-sensitive
        {"Contact": {"ContactId": "c1"}},
    ],
)
def test_objects_without_a_contact_id_string_at_the_top_are_not_contact_records(document: dict[str, object]) -> None:
    assert not is_contact_record(document)
