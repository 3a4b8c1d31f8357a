"""DynamoDB attribute values, error classification and the process-wide client."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from botocore.exceptions import (
    ClientError,
    ConnectionClosedError,
    EndpointConnectionError,
    NoCredentialsError,
    ReadTimeoutError,
)

from ctr_enrichment import dynamodb
from ctr_enrichment.dynamodb import describe_error, from_attribute_value, is_retryable
from tests.support.faults import dynamodb_error_response


def test_numbers_keep_every_digit_dynamodb_stores() -> None:
    # DynamoDB numbers carry up to 38 significant digits; a float keeps 15 to 17.
    for text in ("9007199254740.993", "12345678901234.567", "1234567890123456789012345678.9012345678"):
        value = from_attribute_value({"N": text})
        assert value == Decimal(text) and str(value) == text
    assert (
        from_attribute_value({"N": "12345678901234567890123456789012345678"}) == 12345678901234567890123456789012345678
    )
    assert from_attribute_value({"NS": ["0.12345678901234567", "0.5"]}) == [Decimal("0.12345678901234567"), 0.5]
    assert type(from_attribute_value({"N": "0.5"})) is float  # what a float holds exactly stays a float


def test_attribute_values_become_json_ready_python() -> None:
    item = {
        "S": {"S": "株式会社サンプル"},
        "N": {"N": "42"},
        "F": {"N": "1.50"},
        "BOOL": {"BOOL": True},
        "NULL": {"NULL": True},
        "M": {"M": {"inner": {"L": [{"N": "1"}, {"S": "two"}]}}},
        "SS": {"SS": ["a", "b"]},
        "NS": {"NS": ["1", "2.5"]},
        "B": {"B": b"\x00\x01"},
        "BS": {"BS": [b"\xff"]},
    }
    assert {name: from_attribute_value(value) for name, value in item.items()} == {
        "S": "株式会社サンプル",
        "N": 42,
        "F": 1.5,
        "BOOL": True,
        "NULL": None,
        "M": {"inner": [1, "two"]},
        "SS": ["a", "b"],
        "NS": [1, 2.5],
        "B": "AAE=",
        "BS": ["/w=="],
    }


def test_an_unknown_attribute_type_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown DynamoDB attribute type 'X'"):
        from_attribute_value({"X": "?"})


def client_error(code: str, status: int) -> ClientError:
    return ClientError(
        {"Error": {"Code": code, "Message": "msg"}, "ResponseMetadata": {"HTTPStatusCode": status}}, "BatchGetItem"
    )


@pytest.mark.parametrize(
    ("error", "retryable"),
    [
        (client_error("ProvisionedThroughputExceededException", 400), True),
        (client_error("ThrottlingException", 400), True),
        (client_error("RequestLimitExceeded", 400), True),
        (client_error("InternalServerError", 500), True),
        (client_error("Unknown", 503), True),
        (client_error("ValidationException", 400), False),
        (client_error("ResourceNotFoundException", 400), False),
        (client_error("AccessDeniedException", 400), False),
        (EndpointConnectionError(endpoint_url="http://127.0.0.1:1"), True),
        (ConnectionClosedError(endpoint_url="http://127.0.0.1:1"), True),
        (ReadTimeoutError(endpoint_url="http://127.0.0.1:1"), True),
        (NoCredentialsError(), False),
        (ValueError("bug"), False),
    ],
)
def test_only_transient_failures_are_retried(error: Exception, retryable: bool) -> None:
    assert is_retryable(error) is retryable


def test_errors_are_described_for_the_logs() -> None:
    assert describe_error(client_error("ThrottlingException", 400)) == "ThrottlingException: msg"
    assert describe_error(NoCredentialsError()) == "NoCredentialsError: Unable to locate credentials"
    assert describe_error(ValueError("x")) == "ValueError('x')"


def test_the_client_has_explicit_timeouts_and_no_hidden_retries() -> None:
    config = dynamodb.make_client().meta.config
    assert (config.connect_timeout, config.read_timeout) == (1.0, 3.0)
    assert config.retries["total_max_attempts"] == 1
    assert config.max_pool_connections == dynamodb.LOOKUP_CONCURRENCY


def test_the_client_skips_botocore_parameter_validation() -> None:
    sent: list[bytes] = []

    def capture(request: Any, **_: Any) -> Any:
        sent.append(request.body)
        return dynamodb_error_response(request, "ValidationException")

    client = dynamodb.make_client()
    client.meta.events.register_first("before-send.dynamodb.BatchGetItem", capture)
    with pytest.raises(ClientError, match="ValidationException"):  # DynamoDB's own answer, not botocore's
        client.batch_get_item(RequestItems={"t": {"Keys": [{"number": {"S": 123}}]}})
    assert b'"S": 123' in sent[0]
