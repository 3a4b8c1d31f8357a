"""Firehose data-transformation events, built from input records the way Firehose builds them.

Firehose buffers incoming records and invokes the function synchronously with each buffer: an event of
``invocationId``, ``deliveryStreamArn``, ``region`` and ``records``, each record a ``recordId``, an
``approximateArrivalTimestamp`` (ms) and its ``data`` in base64. The buffer size is the processor parameter
``BufferSizeInMBs``: 0.2 to 3 MB, 1 MB by default (the module's ``processor_buffering_size_mb``).

A batch is closed before a record would take its data past the buffer size, so no event carries more than
that (a record larger than the whole buffer travels alone), and before the serialised event would pass
the synchronous invocation limit of Lambda (6 MB; counted as 6,000,000 bytes, like the function's response).
"""

from __future__ import annotations

import base64
import json
import secrets
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from ctr_enrichment_tools.inputs import InputRecord

MIB = 1024 * 1024
DEFAULT_BUFFER_MB = 1.0
MIN_BUFFER_MB = 0.2
MAX_BUFFER_MB = 3.0
MAX_REQUEST_BYTES = 6_000_000
# The replay has no real stream or function; these placeholders keep the ARNs well formed.
REPLAY_ACCOUNT_ID = "000000000000"
REPLAY_NAME = "ctr-enrichment-replay"
_SEPARATOR = len(", ")


def buffer_size_bytes(megabytes: float) -> int:
    """The processing buffer in bytes; Firehose accepts 0.2 to 3 MB (counted here in MiB)."""
    if not MIN_BUFFER_MB <= megabytes <= MAX_BUFFER_MB:
        raise ValueError(f"the buffer size must be from {MIN_BUFFER_MB} to {MAX_BUFFER_MB} MB, got {megabytes:g}")
    return int(megabytes * MIB)


def delivery_stream_arn(region: str) -> str:
    return f"arn:aws:firehose:{region}:{REPLAY_ACCOUNT_ID}:deliverystream/{REPLAY_NAME}"


def lambda_arn(region: str) -> str:
    return f"arn:aws:lambda:{region}:{REPLAY_ACCOUNT_ID}:function:{REPLAY_NAME}"


class RecordIds:
    """Record ids shaped like Firehose's (56 decimal digits), unique and increasing within one replay."""

    def __init__(self, prefix: str | None = None) -> None:
        self._prefix = prefix if prefix is not None else f"{secrets.randbelow(10**44):044d}"
        self._next = 0

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        self._next += 1
        return f"{self._prefix}{self._next:012d}"


@dataclass(frozen=True, slots=True)
class FirehoseBatch:
    """One invocation: the event, the input record behind each of its records (same order) and its sizes."""

    event: dict[str, Any]
    sources: tuple[InputRecord, ...]
    data_bytes: int
    request_bytes: int


class EventBuilder:
    """Packs records into events, one buffer at a time; ``add`` returns an event when one is full."""

    def __init__(
        self,
        *,
        buffer_size: int,
        region: str,
        stream_arn: str | None = None,
        max_request_bytes: int = MAX_REQUEST_BYTES,
        record_ids: Iterator[str] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.buffer_size = buffer_size
        self.region = region
        self.stream_arn = stream_arn or delivery_stream_arn(region)
        self.max_request_bytes = max_request_bytes
        self._record_ids = record_ids or RecordIds()
        self._clock = clock
        self._start()

    def _start(self) -> None:
        self._invocation_id = str(uuid.uuid4())
        self._entries: list[dict[str, Any]] = []
        self._sources: list[InputRecord] = []
        self._data_bytes = 0
        envelope = {
            "invocationId": self._invocation_id,
            "deliveryStreamArn": self.stream_arn,
            "region": self.region,
            "records": [],
        }
        self._request_bytes = len(json.dumps(envelope))

    def add(self, record: InputRecord) -> FirehoseBatch | None:
        """Buffer a record; returns the previous batch if this record did not fit in it."""
        entry = {
            "recordId": next(self._record_ids),
            "approximateArrivalTimestamp": record.arrival_ms
            if record.arrival_ms is not None
            else int(self._clock() * 1000),
            "data": base64.b64encode(record.data).decode("ascii"),
        }
        entry_bytes = len(json.dumps(entry))
        closed = None
        if self._entries and (
            self._data_bytes + len(record.data) > self.buffer_size
            or self._request_bytes + _SEPARATOR + entry_bytes > self.max_request_bytes
        ):
            closed = self.flush()
        separator = _SEPARATOR if self._entries else 0
        if self._request_bytes + separator + entry_bytes > self.max_request_bytes:
            raise ValueError(f"{record.location}: the record alone does not fit in {self.max_request_bytes:,} bytes")
        self._entries.append(entry)
        self._sources.append(record)
        self._data_bytes += len(record.data)
        self._request_bytes += separator + entry_bytes
        return closed

    def flush(self) -> FirehoseBatch | None:
        """The batch buffered so far, if any; the next record starts a new one."""
        if not self._entries:
            return None
        batch = FirehoseBatch(
            event={
                "invocationId": self._invocation_id,
                "deliveryStreamArn": self.stream_arn,
                "region": self.region,
                "records": self._entries,
            },
            sources=tuple(self._sources),
            data_bytes=self._data_bytes,
            request_bytes=self._request_bytes,
        )
        self._start()
        return batch


def build_events(records: Iterable[InputRecord], builder: EventBuilder) -> Iterator[FirehoseBatch]:
    """Every batch of ``records``, in order, as soon as it is full."""
    for record in records:
        batch = builder.add(record)
        if batch is not None:
            yield batch
    last = builder.flush()
    if last is not None:
        yield last
