"""DynamoDB as the function speaks it: the client, the BatchGetItem request and response format, errors.

Everything about the wire format lives here: how a table is queried (its key and projection), how keys are
written into a request and read back out of one, how a response's items and ``UnprocessedKeys`` are read,
and what each attribute-value type becomes in JSON.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, HTTPClientError, IncompleteReadError
from botocore.exceptions import ConnectionError as BotocoreConnectionError

from ctr_enrichment.config import Rule
from ctr_enrichment.jsontext import parse_number

# Lookups run this many requests at once; the HTTP connection pool is sized to match so no thread waits
# for a connection. A 3 MB Firehose batch of ~2 KB CTRs has at most ~15 chunks of 100 distinct keys.
LOOKUP_CONCURRENCY = 16
CONNECT_TIMEOUT_SECONDS = 1.0
READ_TIMEOUT_SECONDS = 3.0

_RETRYABLE_CODES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "RequestLimitExceeded",
        "InternalServerError",
        "InternalFailure",
        "ServiceUnavailable",
        "LimitExceededException",
    }
)


def make_client() -> Any:
    """A DynamoDB client; the Enricher makes its one during INIT (module import), where it costs no invocation.

    botocore's own retries are off: they do not know the Lambda deadline, so the lookup retries itself.
    Client-side parameter validation is off too: this module builds every request itself, DynamoDB
    validates them anyway, and botocore's validation was ~40 % of the CPU of a 100-key BatchGetItem.
    The endpoint follows the standard ``AWS_ENDPOINT_URL_DYNAMODB`` variable (local servers, replays).
    """
    config = Config(
        connect_timeout=CONNECT_TIMEOUT_SECONDS,
        read_timeout=READ_TIMEOUT_SECONDS,
        retries={"total_max_attempts": 1},
        max_pool_connections=LOOKUP_CONCURRENCY,
        parameter_validation=False,
    )
    return boto3.session.Session().client("dynamodb", config=config)


TableKey = tuple[str, str]
Item = dict[str, Any]
# BatchGetItem's ``RequestItems``: table -> {"Keys": [...], "ProjectionExpression": ..., ...}.
RequestItems = dict[str, Any]


@dataclass(frozen=True, slots=True)
class TableQuery:
    """How one table is read: its partition key and the attributes wanted (None = the whole item)."""

    table: str
    key: str
    projection: tuple[str, ...] | None

    def request(self, keys: Iterable[str]) -> dict[str, Any]:
        """This table's part of ``RequestItems``: the keys, and the projection through attribute-name placeholders
        (any attribute name is legal there, reserved words and non-ASCII included)."""
        request: dict[str, Any] = {"Keys": [{self.key: {"S": key}} for key in keys]}
        if self.projection is not None:
            names = {"#k": self.key} | {f"#a{i}": name for i, name in enumerate(self.projection)}
            request["ProjectionExpression"] = ", ".join(names)
            request["ExpressionAttributeNames"] = names
        return request


def table_queries(rules: Iterable[Rule]) -> dict[str, TableQuery]:
    """One query per table; rules sharing a table share a projection (the union of what they need)."""
    keys: dict[str, str] = {}
    projections: dict[str, list[str] | None] = {}
    for rule in rules:
        keys[rule.table] = rule.key
        if rule.attributes is None:
            projections[rule.table] = None
        elif projections.get(rule.table, []) is not None:
            projections.setdefault(rule.table, []).extend(attribute for _, attribute in rule.attributes)
    return {
        table: TableQuery(
            table,
            keys[table],
            None if wanted is None else tuple(dict.fromkeys(a for a in wanted if a != keys[table])),
        )
        for table, wanted in projections.items()
    }


def request_keys(request_items: RequestItems, queries: Mapping[str, TableQuery]) -> list[TableKey]:
    """Every (table, key) a request asks for, in its order."""
    return [
        (table, key_item[queries[table].key]["S"])
        for table, request in request_items.items()
        for key_item in request["Keys"]
    ]


def read_response(
    response: Mapping[str, Any], queries: Mapping[str, TableQuery]
) -> tuple[dict[TableKey, Item], RequestItems]:
    """The items a BatchGetItem response holds by (table, key), and its ``UnprocessedKeys`` as the request to retry."""
    found: dict[TableKey, Item] = {}
    for table, items in response.get("Responses", {}).items():
        query = queries[table]
        for item in items:
            value = {name: from_attribute_value(av) for name, av in item.items()}
            # The query's own name object: one string shared by every cached key of the table.
            found[(query.table, value[query.key])] = value
    # The retry is rebuilt from our own query: servers do not all echo the projection back with the keys.
    unprocessed = {
        table: queries[table].request(key[queries[table].key]["S"] for key in request["Keys"])
        for table, request in (response.get("UnprocessedKeys") or {}).items()
    }
    return found, unprocessed


def _number(text: str) -> int | float | Decimal:
    """DynamoDB numbers carry up to 38 significant digits: integers stay ints, others keep every digit."""
    try:
        return int(text)
    except ValueError:
        return parse_number(text)


def _base64(payload: bytes) -> str:
    return base64.b64encode(payload).decode("ascii")


_DECODERS: dict[str, Any] = {
    "S": lambda payload: payload,
    "BOOL": lambda payload: payload,
    "NULL": lambda _: None,
    "N": _number,
    "B": _base64,
    "SS": list,
    "NS": lambda payload: [_number(item) for item in payload],
    "BS": lambda payload: [_base64(item) for item in payload],
    "M": lambda payload: {name: from_attribute_value(item) for name, item in payload.items()},
    "L": lambda payload: [from_attribute_value(item) for item in payload],
}


def from_attribute_value(value: dict[str, Any]) -> Any:
    """Turn a DynamoDB attribute value into JSON-ready Python (binary becomes base64 text)."""
    ((kind, payload),) = value.items()
    decoder = _DECODERS.get(kind)
    if decoder is None:
        raise ValueError(f"unknown DynamoDB attribute type {kind!r}")
    return decoder(payload)


def is_retryable(error: BaseException) -> bool:
    """Throttling, server-side faults and network trouble are worth another try; bad requests are not."""
    if isinstance(error, ClientError):
        code = error.response.get("Error", {}).get("Code", "")
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        return code in _RETRYABLE_CODES or status >= 500
    return isinstance(error, BotocoreConnectionError | HTTPClientError | IncompleteReadError)


def describe_error(error: BaseException) -> str:
    if isinstance(error, ClientError):
        details = error.response.get("Error", {})
        return f"{details.get('Code', 'ClientError')}: {details.get('Message', '')}".rstrip(": ")
    if isinstance(error, BotoCoreError):
        return f"{type(error).__name__}: {error}"
    return repr(error)
