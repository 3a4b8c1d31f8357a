"""Keeping the response under Lambda's synchronous payload limit.

Enrichment makes records bigger. Firehose sends up to 6 MB of input; a response over Lambda's limit fails the
whole invocation, so records that no longer fit are returned as ProcessingFailed with their original data:
Firehose writes them to the backup bucket's processing-failed/ prefix, where they can be replayed.
"""

from __future__ import annotations

import json
from typing import Any

from ctr_enrichment.records import TransformedRecord

MAX_RESPONSE_BYTES = 6_000_000

# Sizes are measured as the Lambda runtime's json.dumps would write them with its widest settings
# (", " and ": " separators, non-ASCII escaped), so the real payload is never larger than counted.
_ENVELOPE = len('{"records": []}')
_SEPARATOR = len(", ")
_FIXED = len('{"recordId": , "result": "", "data": ""}')


def fit_response(records: list[TransformedRecord], limit: int = MAX_RESPONSE_BYTES) -> tuple[list[dict[str, Any]], int]:
    """The wire records, each as enriched or as its original, so that the response stays within ``limit``.

    Space is reserved for every record's original first, so a large record early in the batch can never
    starve a later one. Returns the records in input order and how many were sent as their original
    instead of their enriched form.
    """
    count = len(records)
    separators = _SEPARATOR * max(0, count - 1)
    # One json.dumps over all ids measures every id exactly as the runtime will write it.
    ids = len(json.dumps([record.record_id for record in records])) - len("[]") - separators
    originals = sum(len(record.original) for record in records)
    minimum = _ENVELOPE + separators + count * (_FIXED + len("ProcessingFailed")) + ids + originals
    budget = limit - minimum
    wire: list[dict[str, Any]] = []
    fell_back = 0
    for record in records:
        # The record id is the same in both forms, so only the result and the data change the size.
        growth = len(record.result) + len(record.data) - len("ProcessingFailed") - len(record.original)
        already_original = record.result == "ProcessingFailed" and record.data == record.original
        if already_original or growth <= budget:
            budget -= growth
            wire.append(record.to_wire())
        else:
            fell_back += 1
            wire.append(record.as_original())
    return wire, fell_back
