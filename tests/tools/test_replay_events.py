"""The replay's event buffer: Firehose-shaped events, batched by the processing buffer, never over Lambda's 6 MB."""

from __future__ import annotations

import base64
import json
import re
import uuid
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ctr_enrichment_tools.firehose_events import (
    MAX_REQUEST_BYTES,
    MIB,
    EventBuffer,
    FirehoseBatch,
    RecordIds,
    buffer_size_bytes,
    build_events,
)
from ctr_enrichment_tools.harness import FirehoseEvents
from ctr_enrichment_tools.inputs import MAX_RECORD_BYTES, InputRecord
from tests.support.ctrs import CTR_FIXTURES, load_json

REGION = "ap-northeast-1"
NOW_MS = 1763601302000


def batches(records: list[InputRecord], buffer_size: int, **options: object) -> list[FirehoseBatch]:
    events = FirehoseEvents(region=REGION)
    buffer = EventBuffer(buffer_size=buffer_size, events=events, clock=lambda: NOW_MS / 1000, **options)  # type: ignore[arg-type]
    return list(build_events(records, buffer))


def check_batches(records: list[InputRecord], result: list[FirehoseBatch], buffer_size: int, max_request: int) -> None:
    """Everything a batch must satisfy, as Firehose and Lambda see it."""
    sent = [source for batch in result for source in batch.sources]
    assert sent == records  # every record exactly once, in order
    ids = [entry["recordId"] for batch in result for entry in batch.event["records"]]
    assert len(set(ids)) == len(ids)
    for batch in result:
        event = batch.event
        assert list(event) == ["invocationId", "deliveryStreamArn", "region", "records"]
        assert event["region"] == REGION
        assert re.fullmatch(r"arn:aws:firehose:ap-northeast-1:\d{12}:deliverystream/[\w-]+", event["deliveryStreamArn"])
        assert uuid.UUID(event["invocationId"]).version == 4
        assert len(event["records"]) == len(batch.sources) >= 1
        for entry, source in zip(event["records"], batch.sources, strict=True):
            assert list(entry) == ["recordId", "approximateArrivalTimestamp", "data"]
            assert base64.b64decode(entry["data"], validate=True) == source.data
            expected_arrival = source.arrival_ms if source.arrival_ms is not None else NOW_MS
            assert entry["approximateArrivalTimestamp"] == expected_arrival
        assert batch.data_bytes == sum(len(source.data) for source in batch.sources)
        assert batch.request_bytes == len(json.dumps(event)) <= max_request
        if len(batch.sources) > 1:  # only a record bigger than the whole buffer may travel alone over it
            assert batch.data_bytes <= buffer_size
    for earlier, later in pairwise(result):  # a batch is closed only when the next record did not fit
        first_next = later.sources[0]
        would_be = json.dumps({**earlier.event, "records": [*earlier.event["records"], later.event["records"][0]]})
        assert earlier.data_bytes + len(first_next.data) > buffer_size or len(would_be) > max_request


def test_the_default_buffer_batches_realistic_ctrs_by_one_mib() -> None:
    ctrs = [json.dumps(load_json(name), separators=(",", ":")).encode() for name in CTR_FIXTURES]
    records = [InputRecord(ctrs[i % len(ctrs)], f"ctrs.ndjson:{i + 1}") for i in range(1000)]  # ~2.7 MB
    result = batches(records, buffer_size_bytes(1))
    assert len(result) == 3
    check_batches(records, result, MIB, MAX_REQUEST_BYTES)
    assert all(batch.data_bytes > MIB - 3000 for batch in result[:-1])  # full, give or take one CTR


# Records up to 4,000 bytes always fit a 7,000-byte event alone, as a 1,000 KiB record always fits 6 MB.
@given(
    sizes=st.lists(st.integers(min_value=0, max_value=4000), min_size=1, max_size=60),
    buffer_size=st.integers(min_value=1, max_value=20_000),
    max_request=st.integers(min_value=7_000, max_value=60_000),
    with_arrival=st.lists(st.booleans(), min_size=60, max_size=60),
)
def test_batches_respect_the_buffer_and_the_request_limit_and_keep_every_record(
    sizes: list[int], buffer_size: int, max_request: int, with_arrival: list[bool]
) -> None:
    records = [
        InputRecord(bytes([65 + i % 26]) * size, f"f:{i}", 1_700_000_000_000 + i if with_arrival[i] else None)
        for i, size in enumerate(sizes)
    ]
    result = batches(records, buffer_size, max_request_bytes=max_request)
    check_batches(records, result, buffer_size, max_request)


def test_tiny_records_are_held_back_by_the_six_megabyte_request_not_the_buffer() -> None:
    # 3 MiB of 4-byte records would be a 70 MB event: base64 and the per-record JSON dominate.
    records = [InputRecord(b"{}\r\n", f"f:{i}") for i in range(60_000)]
    result = batches(records, buffer_size_bytes(3))
    check_batches(records, result, 3 * MIB, MAX_REQUEST_BYTES)
    assert len(result) == 2
    assert result[0].request_bytes > MAX_REQUEST_BYTES - 200
    assert result[0].data_bytes < MIB


def test_a_record_larger_than_the_buffer_travels_alone() -> None:
    big = InputRecord(b"x" * MAX_RECORD_BYTES, "big:1")
    small = [InputRecord(b'{"n":1}', "small:1"), InputRecord(b'{"n":2}', "small:2")]
    result = batches([small[0], big, small[1]], buffer_size_bytes(0.2))
    assert [batch.sources for batch in result] == [(small[0],), (big,), (small[1],)]


def test_record_ids_look_like_firehose_ids_and_run_on_across_events() -> None:
    records = [InputRecord(b"x" * 100, f"f:{i}") for i in range(10)]
    result = batches(records, 250, record_ids=RecordIds("4" * 44))
    ids = [entry["recordId"] for batch in result for entry in batch.event["records"]]
    assert ids == [f"{'4' * 44}{n:012d}" for n in range(1, 11)]
    assert [len(batch.sources) for batch in result] == [2, 2, 2, 2, 2]
    assert len({batch.event["invocationId"] for batch in result}) == 5
    fresh = RecordIds()
    first, second = next(fresh), next(fresh)
    assert re.fullmatch(r"\d{56}", first) and int(second) == int(first) + 1


def test_nothing_in_gives_no_event() -> None:
    assert batches([], MIB) == []


@pytest.mark.parametrize(("megabytes", "expected"), [(0.2, 209_715), (1, 1_048_576), (3, 3_145_728)])
def test_the_buffer_size_is_the_firehose_processor_range(megabytes: float, expected: int) -> None:
    assert buffer_size_bytes(megabytes) == expected


@pytest.mark.parametrize("megabytes", [0.1, 3.5, 0])
def test_buffer_sizes_firehose_refuses_are_refused(megabytes: float) -> None:
    with pytest.raises(ValueError, match=r"from 0\.2 to 3\.0 MB"):
        buffer_size_bytes(megabytes)
