"""The DynamoDB client, attribute-value decoding and error classification."""

from __future__ import annotations

import base64
from decimal import Decimal
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, HTTPClientError, IncompleteReadError
from botocore.exceptions import ConnectionError as BotocoreConnectionError

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
