"""The Firehose transformation wire format: decoding input records and building output records."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from ctr_enrichment.jsontext import DECODER
from ctr_enrichment.outcomes import FailureReason

Result = Literal["Ok", "Dropped", "ProcessingFailed"]
RESULTS: frozenset[str] = frozenset(("Ok", "Dropped", "ProcessingFailed"))

_JSON_WHITESPACE = b" \t\r\n"
_JSON_KINDS = {
    list: "a JSON array",
    str: "a JSON string",
    int: "a JSON number",
    float: "a JSON number",
    Decimal: "a JSON number",
    bool: "a JSON boolean",
    type(None): "JSON null",
}


def wire_length(text: str) -> int:
    """The bytes ``text`` takes inside a JSON string as the runtime writes it (ensure_ascii: the widest)."""
    return len(json.dumps(text)) - 2


@dataclass(frozen=True, slots=True)
class TransformedRecord:
    """One output record, and the input data it falls back to. It cannot be built with an invalid result."""

    record_id: Any
    result: Result
    data: str
    original: str
    # The bytes `original` takes in the response once JSON-escaped (without its quotes), as the runtime writes it.
    original_size: int

    def __post_init__(self) -> None:
        if self.result not in RESULTS:
            raise ValueError(f"result must be one of {sorted(RESULTS)}, got {self.result!r}")

    def to_wire(self) -> dict[str, Any]:
        return {"recordId": self.record_id, "result": self.result, "data": self.data}

    def as_original(self) -> dict[str, Any]:
        """The wire form that returns the input untouched, for Firehose's processing-failed/ prefix."""
        return {"recordId": self.record_id, "result": "ProcessingFailed", "data": self.original}


@dataclass(slots=True)
class DecodedRecord:
    """A record whose data is a JSON object."""

    record_id: Any
    original: str
    # The decoded bytes without surrounding whitespace; kept so a single-line input can be extended in place.
    raw: bytes
    # The parsed object; the pipeline lets go of it as soon as the record can be answered from `raw` alone.
    document: dict[str, Any] | None

    @property
    def single_line(self) -> bool:
        return b"\n" not in self.raw and b"\r" not in self.raw

    @property
    def original_size(self) -> int:
        return len(self.original)  # valid base64: nothing in it is escaped in the response


@dataclass(frozen=True, slots=True)
class DecodeFailure:
    record_id: Any
    original: str
    reason: str

    @property
    def original_size(self) -> int:
        """What the original takes in the response: the runtime JSON-escapes data that is not base64."""
        if self.reason == FailureReason.NOT_BASE64:
            return wire_length(self.original)
        return len(self.original)


# What makes a record a contact trace record. Amazon Connect writes `ContactId` at the top of every CTR; the other
# records a shared Kinesis data stream carries have none there (agent events: `AgentARN`, `EventType`, and contact IDs
# only inside `CurrentAgentSnapshot.Contacts`). One dictionary lookup per record, on the object already parsed.
CONTACT_ID_FIELD = "ContactId"


def is_contact_record(document: dict[str, Any]) -> bool:
    """True for a contact trace record: a JSON object whose top-level ``ContactId`` is a non-empty string."""
    contact_id = document.get(CONTACT_ID_FIELD)
    return isinstance(contact_id, str) and contact_id != ""


@dataclass(frozen=True, slots=True)
class NotAContactRecord:
    """A record that is a JSON object but no contact trace record: answered by ON_NON_CTR_RECORD, never enriched."""

    record_id: Any
    original: str

    @property
    def original_size(self) -> int:
        return len(self.original)  # it decoded, so it is base64: nothing in it is escaped in the response


def decode_record(record: object) -> DecodedRecord | DecodeFailure:
    """Decode one Firehose input record; every way it can be malformed becomes a DecodeFailure with a reason."""
    if not isinstance(record, dict):
        return DecodeFailure(None, "", FailureReason.RECORD_NOT_AN_OBJECT.format(kind=type(record).__name__))
    record_id = record.get("recordId")
    data = record.get("data")
    if not isinstance(data, str):
        return DecodeFailure(record_id, "", FailureReason.NO_DATA)
    try:
        # strict_mode rejects what b64decode would silently skip, without b64decode's per-call regex.
        raw = binascii.a2b_base64(data, strict_mode=True)
    except (binascii.Error, ValueError):
        return DecodeFailure(record_id, data, FailureReason.NOT_BASE64)
    raw = raw.strip(_JSON_WHITESPACE)
    if not raw:
        return DecodeFailure(record_id, data, FailureReason.EMPTY)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        return DecodeFailure(record_id, data, FailureReason.NOT_UTF8.format(byte=error.start))
    if text.startswith("\ufeff"):
        return DecodeFailure(record_id, data, FailureReason.NOT_JSON.format(error="Unexpected UTF-8 BOM"))
    try:
        # The text has no surrounding whitespace left, so raw_decode must consume all of it.
        document, end = DECODER.raw_decode(text)
    except RecursionError:
        return DecodeFailure(record_id, data, FailureReason.NESTED_TOO_DEEPLY)
    except ValueError as error:
        return DecodeFailure(record_id, data, FailureReason.NOT_JSON.format(error=error))
    if end != len(text):
        return DecodeFailure(
            record_id, data, FailureReason.NOT_JSON.format(error=f"extra data after the value at char {end}")
        )
    if not isinstance(document, dict):
        return DecodeFailure(record_id, data, FailureReason.NOT_AN_OBJECT.format(kind=_JSON_KINDS[type(document)]))
    return DecodedRecord(record_id, data, raw, document)


def encode_data(payload: bytes) -> str:
    return base64.b64encode(payload).decode("ascii")
