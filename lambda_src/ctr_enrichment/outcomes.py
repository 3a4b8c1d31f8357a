"""What the function says about its work: why a record fails processing, and the messages of its log lines.

One definition for the function, which writes them, and for the tools that read its log (``ctr-enrichment
replay`` reports why each record failed): a message reworded here is reworded for both, never for one only.

A record answered ``ProcessingFailed`` gets one WARNING line, ``LogMessage.RECORD_FAILED``, with its
``recordId`` and a ``reason`` made from one of the ``FailureReason`` templates, with two exceptions: the
records the response could not hold enriched are counted (the Oversize metric, one ``OVERSIZE`` line), and data
no runtime could send back gets a ``WITHHELD`` line with its ``recordId``. Lookups that failed are summed up in
one ``LOOKUPS_FAILED`` line per invocation, with their distinct ``reasons``.
"""

from __future__ import annotations

from enum import StrEnum


class FailureReason(StrEnum):
    """Why a record is answered ``ProcessingFailed``; templates with ``{fields}`` are filled with ``format``."""

    RECORD_NOT_AN_OBJECT = "record is a {kind}, not an object"
    NO_DATA = "record has no 'data' string"
    NOT_BASE64 = "data is not valid base64"
    EMPTY = "data is empty"
    NOT_UTF8 = "data is not valid UTF-8 (byte {byte})"
    NOT_JSON = "data is not valid JSON: {error}"
    NESTED_TOO_DEEPLY = "data is JSON nested too deeply"
    NOT_AN_OBJECT = "data is {kind}, not an object"
    LOOKUP_FAILED = "lookup failed and ON_LOOKUP_ERROR=processing_failed"
    NOT_A_CONTACT_RECORD = (
        "data is not a contact trace record (no 'ContactId' string at its top level) and "
        "ON_NON_CTR_RECORD=processing_failed"
    )
    NESTED_TOO_DEEPLY_TO_WRITE = "data is JSON nested too deeply to re-serialise"
    # Counted, not logged per record: the Oversize metric and one OVERSIZE line per invocation.
    OVERSIZE = "the enriched record did not fit in the 6,000,000-byte response (Oversize)"


class LogMessage(StrEnum):
    """The ``message`` of each line the function writes (its EMF metrics line aside)."""

    INVALID_CONFIGURATION = "invalid configuration"
    CLIENT_UNAVAILABLE = "DynamoDB client unavailable; every lookup will fail"
    BATCH_TRANSFORMED = "batch transformed"
    RECORD_TRANSFORMED = "record transformed"
    RECORD_FAILED = "record failed processing"
    LOOKUPS_FAILED = "DynamoDB lookups failed"
    OVERSIZE = "records returned as their original data to keep the response under 6,000,000 bytes"
    WITHHELD = (
        "record answered without its data: it is not base64, and would not fit the 6,000,000-byte response once "
        "escaped, or holds a lone surrogate the runtime cannot send"
    )
    TARGET_BLOCKED = "target path is blocked by a non-object value; rule skipped"
    TARGET_NOT_AN_OBJECT = "target holds a value that is not an object; rule skipped"
    TARGET_KEYS_KEPT = "target already holds some of the found attributes; the record's values are kept"
