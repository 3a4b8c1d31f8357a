"""The replay's events: input records buffered into invocations the way Firehose buffers them.

Firehose buffers incoming records and invokes the function synchronously with each buffer (the events
themselves are built by ``harness.FirehoseEvents``, as for every other run of the function). The buffer size
is the processor parameter ``BufferSizeInMBs``: 0.2 to 3 MB, 1 MB by default (the module's
``processor_buffering_size_mb``).

A batch is closed before a record would take its data past the buffer size, so no event carries more than
that (a record larger than the whole buffer travels alone), and before the serialised event would pass
the synchronous invocation limit of Lambda (6 MB; counted as 6,000,000 bytes, like the function's response).
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from ctr_enrichment_tools.harness import FirehoseEvents
from ctr_enrichment_tools.inputs import InputRecord

MIB = 1024 * 1024
DEFAULT_BUFFER_MB = 1.0
MIN_BUFFER_MB = 0.2
MAX_BUFFER_MB = 3.0
MAX_REQUEST_BYTES = 6_000_000
# The name the replay gives the function and its stream (no real one is behind it).
REPLAY_NAME = "ctr-enrichment-replay"
_SEPARATOR = len(", ")


def buffer_size_bytes(megabytes: float) -> int:
    """The processing buffer in bytes; Firehose accepts 0.2 to 3 MB (counted here in MiB)."""
    if not MIN_BUFFER_MB <= megabytes <= MAX_BUFFER_MB:
        raise ValueError(f"the buffer size must be from {MIN_BUFFER_MB} to {MAX_BUFFER_MB} MB, got {megabytes:g}")
    return int(megabytes * MIB)


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


class EventBuffer:
    """Packs records into events (built by ``FirehoseEvents``), one buffer at a time; ``add`` returns a full one."""

    def __init__(
        self,
        *,
        buffer_size: int,
        events: FirehoseEvents,
        max_request_bytes: int = MAX_REQUEST_BYTES,
        record_ids: Iterator[str] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.buffer_size = buffer_size
        self.events = events
        self.max_request_bytes = max_request_bytes
        self._record_ids = record_ids or RecordIds()
        self._clock = clock
        self._start()

    def _start(self) -> None:
        self._entries: list[dict[str, Any]] = []
        self._event = self.events.event(self._entries)
        self._sources: list[InputRecord] = []
        self._data_bytes = 0
        self._request_bytes = len(json.dumps(self._event))

    def add(self, record: InputRecord) -> FirehoseBatch | None:
        """Buffer a record; returns the previous batch if this record did not fit in it."""
        arrival_ms = record.arrival_ms if record.arrival_ms is not None else int(self._clock() * 1000)
        entry = self.events.record(record.data, record_id=next(self._record_ids), arrival_ms=arrival_ms)
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
            event=self._event,
            sources=tuple(self._sources),
            data_bytes=self._data_bytes,
            request_bytes=self._request_bytes,
        )
        self._start()
        return batch


def build_events(records: Iterable[InputRecord], buffer: EventBuffer) -> Iterator[FirehoseBatch]:
    """Every batch of ``records``, in order, as soon as it is full."""
    for record in records:
        batch = buffer.add(record)
        if batch is not None:
            yield batch
    last = buffer.flush()
    if last is not None:
        yield last
