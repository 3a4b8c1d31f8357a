"""Reading and writing a lookup table in batches, for ``load-customers``.

``BatchGetItem`` (100 keys a request) to compare what the master wants with what the table holds, ``Scan`` of
the keys alone for ``--prune``, and ``BatchWriteItem`` (25 puts or deletes a request, the service maximum).
What DynamoDB leaves unprocessed is sent again with the function's capped exponential backoff and full jitter
(``ctr_enrichment.lookup.backoff_delay``) until it is done or the attempts run out, which stops the load with
one line: the items written so far stay written, and a second run picks up the rest (it is idempotent).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import BotoCoreError, ClientError

from ctr_enrichment.dynamodb import TableQuery, describe_error
from ctr_enrichment.lookup import MAX_KEYS_PER_REQUEST, backoff_delay
from ctr_enrichment_tools.errors import ToolError

MAX_WRITES_PER_REQUEST = 25  # BatchWriteItem's maximum (DynamoDB API reference)
MAX_ATTEMPTS = 10

_SERIALIZER = TypeSerializer()
_DESERIALIZER = TypeDeserializer()
_RNG = random.Random()  # noqa: S311 - jitter, not cryptography


class TableError(ToolError):
    """DynamoDB refused a read or a write, or kept items unprocessed through every attempt."""


def _chunks(values: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


class LookupTable:
    """One table, by name or ARN, and its partition key attribute."""

    def __init__(
        self,
        client: Any,
        table: str,
        key: str,
        *,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random = _RNG,
    ) -> None:
        self.client = client
        self.table = table
        self.key = key
        self.calls: dict[str, int] = {"BatchGetItem": 0, "BatchWriteItem": 0, "Scan": 0}
        self._sleep = sleep
        self._rng = rng

    def _call(self, operation: str, **request: Any) -> dict[str, Any]:
        self.calls[operation] += 1
        method = {"BatchGetItem": "batch_get_item", "BatchWriteItem": "batch_write_item", "Scan": "scan"}[operation]
        try:
            return getattr(self.client, method)(**request)
        except (ClientError, BotoCoreError) as error:
            raise TableError(f"{operation} on table {self.table!r} failed: {describe_error(error)}") from None

    def _backoff(self, attempt: int, operation: str, left: int) -> None:
        if attempt == MAX_ATTEMPTS:
            raise TableError(
                f"{operation} on table {self.table!r} left {left} item(s) unprocessed after {attempt} attempts "
                "(throttled?): what was written stays; run the same command again to finish"
            )
        self._sleep(backoff_delay(attempt, self._rng))

    def get(self, keys: Iterable[str]) -> dict[str, dict[str, Any]]:
        """The items the table holds for these keys, as plain Python (numbers as Decimal)."""
        query = TableQuery(self.table, self.key, None)
        found: dict[str, dict[str, Any]] = {}
        for chunk in _chunks(list(keys), MAX_KEYS_PER_REQUEST):
            pending: dict[str, Any] = {self.table: query.request(chunk)}
            for attempt in range(1, MAX_ATTEMPTS + 1):
                response = self._call("BatchGetItem", RequestItems=pending)
                for items in response.get("Responses", {}).values():
                    for item in items:
                        plain = {name: _DESERIALIZER.deserialize(value) for name, value in item.items()}
                        found[plain[self.key]] = plain
                pending = response.get("UnprocessedKeys") or {}
                if not pending:
                    break
                self._backoff(attempt, "BatchGetItem", sum(len(r["Keys"]) for r in pending.values()))
        return found

    def scan_keys(self) -> list[str]:
        """Every key in the table (a Scan that reads the partition key alone)."""
        request: dict[str, Any] = {
            "TableName": self.table,
            "ProjectionExpression": "#k",
            "ExpressionAttributeNames": {"#k": self.key},
        }
        keys: list[str] = []
        while True:
            response = self._call("Scan", **request)
            keys.extend(item[self.key]["S"] for item in response.get("Items", []) if "S" in item.get(self.key, {}))
            if "LastEvaluatedKey" not in response:
                return keys
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def write(
        self, puts: list[dict[str, Any]], deletes: list[str], progress: Callable[[int], None] | None = None
    ) -> None:
        """Put and delete, 25 a request; ``progress`` hears how many are done after each request."""
        requests = [{"PutRequest": {"Item": serialize(item)}} for item in puts]
        requests += [{"DeleteRequest": {"Key": {self.key: {"S": key}}}} for key in deletes]
        done = 0
        for chunk in _chunks(requests, MAX_WRITES_PER_REQUEST):
            pending: list[dict[str, Any]] = chunk
            for attempt in range(1, MAX_ATTEMPTS + 1):
                response = self._call("BatchWriteItem", RequestItems={self.table: pending})
                pending = (response.get("UnprocessedItems") or {}).get(self.table, [])
                if not pending:
                    break
                self._backoff(attempt, "BatchWriteItem", len(pending))
            done += len(chunk)
            if progress is not None:
                progress(done)


def serialize(item: dict[str, Any]) -> dict[str, Any]:
    """An item of plain Python values (str, int, Decimal, bool, lists, maps) as DynamoDB attribute values."""
    return {name: _SERIALIZER.serialize(value) for name, value in item.items()}
