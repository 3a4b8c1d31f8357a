"""Batched, parallel DynamoDB lookups that always finish before the deadline.

Distinct keys are packed into BatchGetItem requests of at most 100 keys (several tables may share one
request). A request is sent as soon as it is full, so the first answers arrive while the rest of the batch
is still being decoded; requests run in parallel, and UnprocessedKeys are retried with capped exponential
backoff and full jitter. The caller waits only until the deadline: a request still in flight then is
reported as failed, never waited for, and none is sent once it has passed.

DynamoDB answers for a whole request: a table it will not read (missing, not permitted, in another Region)
fails the keys of every table in it. Such a request is split by table and each part tried on its own, so
one bad table costs only its own keys.
"""

from __future__ import annotations

import functools
import random
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

from ctr_enrichment.deadline import Deadline
from ctr_enrichment.dynamodb import (
    LOOKUP_CONCURRENCY,
    Item,
    RequestItems,
    TableKey,
    TableQuery,
    describe_error,
    is_retryable,
    read_response,
    request_keys,
)

MAX_KEYS_PER_REQUEST = 100
MAX_ATTEMPTS = 8
BACKOFF_BASE_SECONDS = 0.025
BACKOFF_CAP_SECONDS = 1.0

DEADLINE_BEFORE_CALL = "deadline reached before DynamoDB answered"


@dataclass(slots=True)
class LookupResult:
    """Found items by (table, key) (None = not in the table), keys that could not be looked up, and why."""

    items: dict[TableKey, Item | None] = field(default_factory=dict)
    failed: dict[TableKey, str] = field(default_factory=dict)
    calls: int = 0

    def merge(self, other: LookupResult) -> None:
        self.items.update(other.items)
        self.failed.update(other.failed)
        self.calls += other.calls


class RequestPacker:
    """Packs keys, in the order given, into BatchGetItem ``RequestItems`` of at most 100 keys."""

    def __init__(self, queries: Mapping[str, TableQuery]) -> None:
        self._queries = queries
        self._keys: dict[str, list[str]] = {}
        self._size = 0

    def add(self, table: str, key: str) -> RequestItems | None:
        """Add a key; returns the request once it is full."""
        self._keys.setdefault(table, []).append(key)
        self._size += 1
        return self.flush() if self._size == MAX_KEYS_PER_REQUEST else None

    def flush(self) -> RequestItems | None:
        """The request holding the keys added since the last one, if any."""
        if not self._size:
            return None
        request = {table: self._queries[table].request(keys) for table, keys in self._keys.items()}
        self._keys, self._size = {}, 0
        return request


def backoff_delay(attempt: int, rng: random.Random) -> float:
    """Full-jitter exponential backoff: uniform in [0, min(cap, base * 2**attempt)]."""
    return rng.uniform(0, min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2**attempt))


def _attempt(
    client: Any, pending: dict[str, Any], queries: Mapping[str, TableQuery], result: LookupResult
) -> tuple[dict[str, Any], str, bool]:
    """One BatchGetItem call. Returns what is still pending, why, and whether another try may help."""
    result.calls += 1
    try:
        response = client.batch_get_item(RequestItems=pending)
    except Exception as error:
        return pending, describe_error(error), is_retryable(error)
    found, unprocessed = read_response(response, queries)
    result.items.update(found)
    return unprocessed, "UnprocessedKeys", bool(unprocessed)


def fetch_request(
    client: Any,
    request_items: dict[str, Any],
    queries: Mapping[str, TableQuery],
    deadline: Deadline,
    *,
    rng: random.Random,
    sleep: Callable[[float], None] = time.sleep,
) -> LookupResult:
    """Run one BatchGetItem request to completion: retried until resolved, out of attempts or out of time."""
    result = LookupResult()
    pending, reason, refused = request_items, "", False
    for attempt in range(1, MAX_ATTEMPTS + 1):
        if deadline.expired():
            reason = DEADLINE_BEFORE_CALL
            break
        pending, reason, retry = _attempt(client, pending, queries, result)
        if not retry:
            refused = bool(pending)  # an error no retry can fix: the whole request was refused
            break
        if attempt == MAX_ATTEMPTS:
            reason += f" (gave up after {attempt} attempts)"
            break
        delay = backoff_delay(attempt, rng)
        if delay >= deadline.remaining():
            reason += " (no time left to retry)"
            break
        sleep(delay)
    if refused and len(pending) > 1:  # find out which table it was: each one on its own
        for table, request in pending.items():
            result.merge(fetch_request(client, {table: request}, queries, deadline, rng=rng, sleep=sleep))
        pending = {}
    for table_key in request_keys(pending, queries):
        result.failed[table_key] = reason
    for table_key in request_keys(request_items, queries):
        if table_key not in result.items and table_key not in result.failed:
            result.items[table_key] = None
    return result


@functools.cache
def get_executor() -> Executor:
    """One worker pool per process, as large as the client's connection pool."""
    return ThreadPoolExecutor(max_workers=LOOKUP_CONCURRENCY, thread_name_prefix="ctr-lookup")


_RNG = random.Random()  # noqa: S311 - jitter, not cryptography


class LookupStream:
    """Sends a BatchGetItem as soon as 100 keys are wanted and hands back each answer when it arrives.

    Every wanted key comes back exactly once, in some LookupResult, as found, not found or failed. Without a
    client (``client`` None: it could not be built, ``client_error`` says why) every key fails with that reason.
    """

    def __init__(
        self,
        queries: Mapping[str, TableQuery],
        client: Any,
        executor: Executor,
        deadline: Deadline,
        *,
        client_error: str = "no DynamoDB client",
        rng: random.Random = _RNG,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._queries = queries
        self._packer = RequestPacker(queries)
        self._client = client
        self._client_error = client_error
        self._executor = executor
        self._deadline = deadline
        self._rng = rng
        self._sleep = sleep
        self._in_flight: dict[Future[LookupResult], RequestItems] = {}
        self._settled: list[LookupResult] = []

    def want(self, table: str, key: str) -> None:
        request = self._packer.add(table, key)
        if request is not None:
            self._send(request)

    def _send(self, request: RequestItems) -> None:
        if self._client is None:  # e.g. no Region configured: these keys fail, no record is lost
            self._settled.append(self._failure(request, self._client_error))
            return
        if self._deadline.expired():  # not even a thread is started for a call that would come too late
            self._settled.append(self._failure(request, DEADLINE_BEFORE_CALL))
            return
        future = self._executor.submit(
            fetch_request, self._client, request, self._queries, self._deadline, rng=self._rng, sleep=self._sleep
        )
        self._in_flight[future] = request

    def _failure(self, request: RequestItems, reason: str, calls: int = 0) -> LookupResult:
        return LookupResult(failed=dict.fromkeys(request_keys(request, self._queries), reason), calls=calls)

    def _collect(self, future: Future[LookupResult]) -> LookupResult:
        request = self._in_flight.pop(future)
        try:
            return future.result()
        except Exception as error:  # a defect in a worker must not lose the batch
            return self._failure(request, f"lookup failed: {error!r}")

    def ready(self) -> list[LookupResult]:
        """The answers that have arrived so far, without waiting."""
        results, self._settled = self._settled, []
        results.extend(self._collect(future) for future in [f for f in self._in_flight if f.done()])
        return results

    def finish(self) -> Iterator[LookupResult]:
        """Send what is left and yield every outstanding answer, or a failure for it at the deadline."""
        request = self._packer.flush()
        if request is not None:
            self._send(request)
        yield from self.ready()
        while self._in_flight:
            timeout = max(0.0, self._deadline.remaining())
            done, _ = wait(self._in_flight, timeout, return_when=FIRST_COMPLETED)
            if not done:
                break
            yield from (self._collect(future) for future in done)
        for future, request in list(self._in_flight.items()):
            del self._in_flight[future]
            # A request that could not be cancelled is in flight: it was sent, its answer comes too late.
            calls = 0 if future.cancel() else 1
            yield self._failure(request, "deadline reached while waiting for DynamoDB", calls)
