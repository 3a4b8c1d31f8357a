"""Keeping the response under Lambda's synchronous payload limit.

Enrichment makes records bigger. Firehose sends up to 6 MB of input; a response over Lambda's limit fails the
whole invocation, so records that no longer fit are returned as ProcessingFailed with their original data:
Firehose writes them to the backup bucket's processing-failed/ prefix, where they can be replayed.

Sizes are counted as the bytes the Lambda runtime sends. Its marshaller (awslambdaric,
``lambda_runtime_marshaller.py``) is simplejson's ``JSONEncoder`` with its defaults: ", " and ": " separators
and ``ensure_ascii`` (escaped non-ASCII; on python3.12, ``ensure_ascii=False``, never longer), then UTF-8.
Everything the function writes itself is base64 (ASCII, never escaped); only record ids and data that was
not base64 can need escapes, and those are measured with the same escaping.
"""

from __future__ import annotations

import binascii
import json
from typing import Any

from ctr_enrichment.records import TransformedRecord

MAX_RESPONSE_BYTES = 6_000_000

_ENVELOPE = len('{"records": []}')
_SEPARATOR = len(", ")
_FIXED = len('{"recordId": , "result": "", "data": ""}')


def _is_base64(text: str) -> bool:
    try:
        binascii.a2b_base64(text, strict_mode=True)
    except (binascii.Error, ValueError):
        return False
    return True


def _unsendable(record: TransformedRecord) -> bool:
    """An echoed original holding a lone surrogate: python3.12's runtime (ensure_ascii=False) cannot encode
    the response to UTF-8 and would fail the whole invocation. Only data that is not base64 can hold one."""
    original = record.original
    if original.isascii() or not (record.result == "ProcessingFailed" and record.data == original):
        return False
    try:
        original.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def fit_response(records: list[TransformedRecord], limit: int = MAX_RESPONSE_BYTES) -> tuple[list[dict[str, Any]], int]:
    """The wire records, each as enriched or as its original, so that the response stays within ``limit``.

    Space is reserved for every record's original first, so a large record early in the batch can never
    starve a later one. Returns the records in input order and how many were sent as their original
    instead of their enriched form.

    Should even the originals not fit (only data that is not base64 can grow that much once escaped, and
    Firehose always sends base64), such records are answered ProcessingFailed with empty data, the largest
    first, until the rest fits; so is data holding a lone surrogate, which one runtime cannot send at all.
    No byte of a real Firehose record is ever withheld.
    """
    count = len(records)
    separators = _SEPARATOR * max(0, count - 1)
    # One json.dumps over all ids measures every id exactly as the runtime will write it.
    ids = len(json.dumps([record.record_id for record in records])) - len("[]") - separators
    sizes = [record.original_size for record in records]
    minimum = _ENVELOPE + separators + count * (_FIXED + len("ProcessingFailed")) + ids + sum(sizes)
    withheld = {index for index, record in enumerate(records) if _unsendable(record)}
    minimum -= sum(sizes[index] for index in withheld)
    if minimum > limit:
        for index in sorted(range(count), key=sizes.__getitem__, reverse=True):
            if minimum <= limit:
                break
            if sizes[index] and index not in withheld and not _is_base64(records[index].original):
                withheld.add(index)
                minimum -= sizes[index]
    budget = limit - minimum
    wire: list[dict[str, Any]] = []
    fell_back = 0
    for index, record in enumerate(records):
        if index in withheld:
            wire.append({"recordId": record.record_id, "result": "ProcessingFailed", "data": ""})
            continue
        if record.result == "ProcessingFailed" and record.data == record.original:
            wire.append(record.to_wire())  # already counted in the minimum
            continue
        # The record id is the same in both forms, so only the result and the data change the size; the
        # function's own data is base64, which JSON never escapes.
        growth = len(record.result) + len(record.data) - len("ProcessingFailed") - sizes[index]
        if growth <= budget:
            budget -= growth
            wire.append(record.to_wire())
        else:
            fell_back += 1
            wire.append(record.as_original())
    return wire, fell_back
