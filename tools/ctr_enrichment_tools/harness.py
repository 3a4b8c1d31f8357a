"""Running the function outside Lambda: its context, its cold start, and the events Firehose sends it.

The one way the tests, the benchmark, the demo and ``ctr-enrichment replay`` run the handler:

- ``cold_start(environment)`` is Lambda's INIT: the handler module is executed afresh with the function's
  environment and builds its own ``Enricher`` (settings, DynamoDB client, cache). Nothing process-wide is
  reset, reused or registered: every cold start is a new function beside the others, as every execution
  environment is in Lambda.
- ``LambdaContext`` is the context object the Python runtime passes, whose remaining time runs down.
- ``FirehoseEvents`` and ``firehose_event`` build transformation events shaped as Firehose sends them, from a
  Direct PUT stream (the default) or from a Kinesis data stream (``source=KinesisStream(...)``).

It imports nothing but the standard library until ``cold_start`` runs the handler, so that a benchmark that
times INIT times the function's imports, not the harness's.
"""

from __future__ import annotations

import base64
import importlib.util
import itertools
import json
import os
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from types import ModuleType
from typing import Any, Protocol

# The module's handler setting (aws_lambda_function.handler): module path, then the function Lambda calls.
HANDLER = "ctr_enrichment.handler.lambda_handler"
FUNCTION_NAME = "ctr-enrichment"
REGION = "ap-northeast-1"
# No real account or stream is behind a run outside Lambda; this one keeps the ARNs well formed.
ACCOUNT_ID = "000000000000"
# The module's lambda_timeout_seconds default; Firehose allows a transformation at most 300 s.
TIMEOUT_SECONDS = 60.0
# The smallest memory the module allows, which the function also assumes without AWS_LAMBDA_FUNCTION_MEMORY_SIZE.
MEMORY_MB = 128
# 2025-11-20T01:15:02Z: a fixed arrival time, so that events built for tests are the same on every run.
EXAMPLE_ARRIVAL_MS = 1763601302000


def lambda_arn(region: str = REGION, function_name: str = FUNCTION_NAME) -> str:
    return f"arn:aws:lambda:{region}:{ACCOUNT_ID}:function:{function_name}"


def delivery_stream_arn(region: str = REGION, stream_name: str = FUNCTION_NAME) -> str:
    return f"arn:aws:firehose:{region}:{ACCOUNT_ID}:deliverystream/{stream_name}"


def kinesis_stream_arn(region: str = REGION, stream_name: str = "connect-ctr") -> str:
    return f"arn:aws:kinesis:{region}:{ACCOUNT_ID}:stream/{stream_name}"


# --- The context ---------------------------------------------------------------------------------------------


class LambdaContext:
    """The context object of one invocation, with the attributes the Python runtime (awslambdaric) gives it.

    Its remaining time starts at ``remaining_ms`` (by default the function's whole timeout) when it is made,
    and runs down with ``clock``, as an invocation's does from the moment Lambda hands it to the handler.
    """

    def __init__(
        self,
        *,
        remaining_ms: float = TIMEOUT_SECONDS * 1000,
        function_name: str = FUNCTION_NAME,
        region: str = REGION,
        memory_mb: int = MEMORY_MB,
        aws_request_id: str | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.function_name = function_name
        self.function_version = "$LATEST"
        self.invoked_function_arn = lambda_arn(region, function_name)
        self.memory_limit_in_mb = str(memory_mb)  # a string, as the runtime reads it from the environment
        self.aws_request_id = aws_request_id or str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{function_name}"
        self.log_stream_name = f"{time.strftime('%Y/%m/%d', time.gmtime())}/[$LATEST]{uuid.uuid4().hex}"
        self.identity = None
        self.client_context = None
        self._clock = clock
        self._ends_at = clock() + remaining_ms / 1000

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._ends_at - self._clock()) * 1000))


# --- The cold start ------------------------------------------------------------------------------------------


@contextmanager
def patched_environ(changes: Mapping[str, str | None]) -> Iterator[None]:
    """Set each variable to its value (None: unset it) for the duration of the block, then put back what was.

    The function reads its configuration from the environment during INIT, and boto3 reads the endpoint,
    region and credentials from it when the client is made.
    """
    saved = {name: os.environ.get(name) for name in changes}
    try:
        for name, value in changes.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@dataclass(frozen=True, slots=True)
class LambdaFunction:
    """A function after INIT: its handler module (its own, from one cold start) and the handler Lambda calls."""

    module: ModuleType
    handler: Callable[[Any, Any], Any]

    def __call__(self, event: Any, context: Any) -> Any:
        return self.handler(event, context)


def cold_start(environment: Mapping[str, str | None] | None = None, *, handler: str = HANDLER) -> LambdaFunction:
    """Run INIT: execute the handler's module afresh with ``environment`` over ``os.environ`` (None unsets).

    ``handler`` is the function's handler setting, ``module.function``. The module is executed as a new module
    object that is not registered in ``sys.modules``, so the function holds its own settings, client and cache,
    and no earlier cold start (or import) is touched. The environment is applied for INIT only: the function
    reads it there (its settings, and boto3 the endpoint, region and credentials of the client it builds), and
    the caller's environment is back as it was when this returns. Raises what INIT raises, e.g. ``ConfigError``.
    """
    module_name, _, function_name = handler.rpartition(".")
    spec = importlib.util.find_spec(module_name)
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(f"no module {module_name!r} for the handler {handler!r}")
    module = importlib.util.module_from_spec(spec)
    with patched_environ(environment or {}):
        spec.loader.exec_module(module)
    return LambdaFunction(module, getattr(module, function_name))


# --- The events ----------------------------------------------------------------------------------------------

# What a record carries before base64: bytes as they are, text as UTF-8, an object as one line of compact JSON
# (as Amazon Connect writes a CTR).
Payload = bytes | str | Mapping[str, Any]


def payload_bytes(payload: Payload) -> bytes:
    if isinstance(payload, bytes):
        return payload
    if isinstance(payload, str):
        return payload.encode("utf-8")
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class RecordSource(Protocol):
    """Where the delivery stream's records come from, which decides the fields Firehose adds about them."""

    def event_fields(self) -> dict[str, Any]: ...

    def record_fields(self, record_id: str, arrival_ms: int) -> dict[str, Any]: ...


@dataclass(frozen=True, slots=True)
class DirectPut:
    """Records put into the stream by PutRecord(Batch), as Amazon Connect does: nothing more is said about them.

    A delivery stream that reads a Kinesis data stream says more: see ``KinesisStream``.
    """

    def event_fields(self) -> dict[str, Any]:
        return {}

    def record_fields(self, record_id: str, arrival_ms: int) -> dict[str, Any]:
        return {}


DIRECT_PUT = DirectPut()

# The first sequence number of Powertools' kinesisFirehoseKinesisEvent.json: shaped like Kinesis's (56 digits).
FIRST_SEQUENCE_NUMBER = 49546986683135544286507457936321625675700192471156785154


class KinesisStream:
    """Records a delivery stream reads from a Kinesis data stream (the module's ``kinesis_source``).

    Firehose then names the stream in the event (``sourceKinesisStreamArn``) and adds each record's
    ``kinesisRecordMetadata``: its shard, partition key, the stream's arrival time and its sequence numbers, as in
    the Firehose event Powertools records (``tests/events/kinesisFirehoseKinesisEvent.json`` of
    aws-powertools/powertools-lambda-python). Sequence numbers increase record by record; records are spread over
    ``shard_count`` shards in turn, and each gets a partition key derived from its ``recordId``, so that events built
    for tests are the same on every run.
    """

    def __init__(
        self, stream_arn: str | None = None, *, shard_count: int = 1, first_sequence_number: int = FIRST_SEQUENCE_NUMBER
    ) -> None:
        if shard_count < 1:
            raise ValueError(f"a stream has at least one shard, got {shard_count}")
        self.stream_arn = stream_arn or kinesis_stream_arn()
        self.shard_count = shard_count
        self._sequence_numbers = itertools.count(first_sequence_number)
        self._records = itertools.count()

    def event_fields(self) -> dict[str, Any]:
        return {"sourceKinesisStreamArn": self.stream_arn}

    def record_fields(self, record_id: str, arrival_ms: int) -> dict[str, Any]:
        return {
            "kinesisRecordMetadata": {
                "shardId": f"shardId-{next(self._records) % self.shard_count:012d}",
                "partitionKey": str(uuid.uuid5(uuid.NAMESPACE_URL, record_id)),
                "approximateArrivalTimestamp": arrival_ms,
                "sequenceNumber": str(next(self._sequence_numbers)),
                "subsequenceNumber": "",
            }
        }


class FirehoseEvents:
    """Builds the events Firehose invokes a transformation function with.

    An event is ``invocationId``, ``deliveryStreamArn``, ``region`` and ``records`` (and what the source adds);
    each record a ``recordId``, an ``approximateArrivalTimestamp`` in milliseconds and its ``data`` in base64.
    """

    def __init__(
        self, *, region: str = REGION, stream_arn: str | None = None, source: RecordSource = DIRECT_PUT
    ) -> None:
        self.region = region
        self.stream_arn = stream_arn or delivery_stream_arn(region)
        self.source = source

    def record(self, payload: Payload, *, record_id: str, arrival_ms: int) -> dict[str, Any]:
        data = base64.b64encode(payload_bytes(payload)).decode("ascii")
        return self.encoded_record(data, record_id=record_id, arrival_ms=arrival_ms)

    def encoded_record(self, data: object, *, record_id: str, arrival_ms: int) -> dict[str, Any]:
        """A record whose ``data`` is given as sent: base64 text, or anything at all in a hand-made event."""
        return {
            "recordId": record_id,
            "approximateArrivalTimestamp": arrival_ms,
            "data": data,
            **self.source.record_fields(record_id, arrival_ms),
        }

    def event(self, records: list[dict[str, Any]], *, invocation_id: str | None = None) -> dict[str, Any]:
        return {
            "invocationId": invocation_id or str(uuid.uuid4()),
            "deliveryStreamArn": self.stream_arn,
            **self.source.event_fields(),
            "region": self.region,
            "records": records,
        }


def firehose_event(
    payloads: Iterable[Payload],
    *,
    ids: Sequence[str] | None = None,
    first_arrival_ms: int = EXAMPLE_ARRIVAL_MS,
    events: FirehoseEvents | None = None,
) -> dict[str, Any]:
    """One event carrying ``payloads`` in order: ids ``record-00000``, ... unless given; arrivals 1 ms apart."""
    events = events or FirehoseEvents()
    payloads = list(payloads)
    ids = ids if ids is not None else [f"record-{i:05d}" for i in range(len(payloads))]
    return events.event(
        [
            events.record(payload, record_id=record_id, arrival_ms=first_arrival_ms + i)
            for i, (record_id, payload) in enumerate(zip(ids, payloads, strict=True))
        ]
    )
