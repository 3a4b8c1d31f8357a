"""Batched lookups: request packing, retries with backoff, and the deadline (botocore Stubber and moto)."""

from __future__ import annotations

import json
import random
import time
from collections.abc import Iterable, Mapping
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from ctr_enrichment.deadline import Deadline
from ctr_enrichment.lookup import (
    BACKOFF_CAP_SECONDS,
    MAX_ATTEMPTS,
    LookupResult,
    LookupStream,
    RequestItems,
    RequestPacker,
    TableQuery,
    backoff_delay,
    fetch_request,
    get_executor,
)
from tests.support.ctrs import CUSTOMER_TABLE
from tests.support.faults import Hang

CUSTOMERS = TableQuery(CUSTOMER_TABLE, "number", ("契約者会社名", "Tier"))
ACCOUNTS = TableQuery("ctr-accounts", "account_id", None)
NO_DEADLINE = Deadline(time.monotonic() + 3600)  # no test runs for an hour


def build_requests(wanted: Mapping[TableQuery, Iterable[str]]) -> list[RequestItems]:
    """Every request the packer makes for ``wanted``, in order."""
    packer = RequestPacker({query.table: query for query in wanted})
    requests = [request for query, keys in wanted.items() for key in keys if (request := packer.add(query.table, key))]
    last = packer.flush()
    return [*requests, last] if last else requests


def lookup(client: Any, wanted: Mapping[TableQuery, Iterable[str]], deadline: Deadline) -> LookupResult:
    """Every answer of a LookupStream for ``wanted``, merged."""
    stream = LookupStream({query.table: query for query in wanted}, client, get_executor(), deadline)
    for query, keys in wanted.items():
        for key in keys:
            stream.want(query.table, key)
    result = LookupResult()
    for partial in stream.finish():
        result.merge(partial)
    return result


def keys(prefix: str, count: int) -> list[str]:
    return [f"{prefix}{i:04d}" for i in range(count)]


def test_keys_are_packed_into_requests_of_at_most_100_across_tables() -> None:
    requests = build_requests({CUSTOMERS: keys("+81", 150), ACCOUNTS: keys("A", 60)})
    sizes = [sum(len(table["Keys"]) for table in request.values()) for request in requests]
    assert sizes == [100, 100, 10]
    assert set(requests[1]) == {CUSTOMER_TABLE, "ctr-accounts"}
    assert len(requests[1][CUSTOMER_TABLE]["Keys"]) == 50
    assert requests[0][CUSTOMER_TABLE]["Keys"][0] == {"number": {"S": "+810000"}}


def test_projection_uses_placeholders_so_any_attribute_name_works() -> None:
    (request,) = build_requests({CUSTOMERS: ["+81"], ACCOUNTS: ["A1"]})
    assert request[CUSTOMER_TABLE]["ProjectionExpression"] == "#k, #a0, #a1"
    assert request[CUSTOMER_TABLE]["ExpressionAttributeNames"] == {"#k": "number", "#a0": "契約者会社名", "#a1": "Tier"}
    assert "ProjectionExpression" not in request["ctr-accounts"]


def test_nothing_wanted_means_no_request() -> None:
    assert build_requests({CUSTOMERS: []}) == []


def test_backoff_is_jittered_exponential_and_capped() -> None:
    rng = random.Random(7)
    for attempt in range(1, 20):
        delays = [backoff_delay(attempt, rng) for _ in range(200)]
        assert all(0 <= d <= min(BACKOFF_CAP_SECONDS, 0.025 * 2**attempt) for d in delays)
        assert len(set(delays)) > 150  # jitter, not a fixed schedule


@pytest.fixture
def stubbed() -> Any:
    client = boto3.client("dynamodb")
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


def item(number: str, company: str) -> dict[str, Any]:
    return {"number": {"S": number}, "契約者会社名": {"S": company}}


def run(client: Any, wanted: list[str], deadline: Deadline = NO_DEADLINE) -> tuple[Any, list[float]]:
    sleeps: list[float] = []
    (request,) = build_requests({CUSTOMERS: wanted})
    result = fetch_request(
        client, request, {CUSTOMER_TABLE: CUSTOMERS}, deadline, rng=random.Random(1), sleep=sleeps.append
    )
    return result, sleeps


def test_found_and_not_found_keys_are_told_apart(stubbed: Any) -> None:
    client, stubber = stubbed
    (request,) = build_requests({CUSTOMERS: ["+1", "+2"]})
    stubber.add_response(
        "batch_get_item", {"Responses": {CUSTOMER_TABLE: [item("+1", "Acme")]}}, {"RequestItems": request}
    )
    result, sleeps = run(client, ["+1", "+2"])
    assert result.items == {
        (CUSTOMER_TABLE, "+1"): {"number": "+1", "契約者会社名": "Acme"},
        (CUSTOMER_TABLE, "+2"): None,
    }
    assert (result.failed, result.calls, sleeps) == ({}, 1, [])


def test_unprocessed_keys_are_retried_with_backoff_and_keep_their_projection(stubbed: Any) -> None:
    client, stubber = stubbed
    # As dynalite answers: the unprocessed keys come back without the projection that was asked for.
    unprocessed = {CUSTOMER_TABLE: {"Keys": [{"number": {"S": "+2"}}]}}
    stubber.add_response(
        "batch_get_item",
        {"Responses": {CUSTOMER_TABLE: [item("+1", "Acme")]}, "UnprocessedKeys": unprocessed},
    )
    (retry,) = build_requests({CUSTOMERS: ["+2"]})
    assert "ProjectionExpression" in retry[CUSTOMER_TABLE]
    stubber.add_response(
        "batch_get_item", {"Responses": {CUSTOMER_TABLE: [item("+2", "Globex")]}}, {"RequestItems": retry}
    )
    result, sleeps = run(client, ["+1", "+2"])
    assert result.items[(CUSTOMER_TABLE, "+2")] == {"number": "+2", "契約者会社名": "Globex"}
    assert (result.failed, result.calls, len(sleeps)) == ({}, 2, 1)


def test_throttling_is_retried_then_succeeds(stubbed: Any) -> None:
    client, stubber = stubbed
    stubber.add_client_error("batch_get_item", "ProvisionedThroughputExceededException", http_status_code=400)
    stubber.add_client_error("batch_get_item", "InternalServerError", http_status_code=500)
    stubber.add_response("batch_get_item", {"Responses": {CUSTOMER_TABLE: []}})
    result, sleeps = run(client, ["+1"])
    assert result.items == {(CUSTOMER_TABLE, "+1"): None}
    assert (result.calls, len(sleeps)) == (3, 2)


def test_unprocessed_keys_on_every_attempt_fail_after_the_attempt_limit(stubbed: Any) -> None:
    client, stubber = stubbed
    unprocessed = {CUSTOMER_TABLE: {"Keys": [{"number": {"S": "+1"}}]}}
    for _ in range(MAX_ATTEMPTS):
        stubber.add_response("batch_get_item", {"Responses": {}, "UnprocessedKeys": unprocessed})
    result, sleeps = run(client, ["+1"])
    assert result.failed == {(CUSTOMER_TABLE, "+1"): f"UnprocessedKeys (gave up after {MAX_ATTEMPTS} attempts)"}
    assert result.items == {}
    assert (result.calls, len(sleeps)) == (MAX_ATTEMPTS, MAX_ATTEMPTS - 1)


def test_a_request_error_that_retrying_cannot_fix_fails_at_once(stubbed: Any) -> None:
    client, stubber = stubbed
    stubber.add_client_error("batch_get_item", "ResourceNotFoundException", "Requested resource not found")
    result, sleeps = run(client, ["+1", "+2"])
    assert set(result.failed.values()) == {"ResourceNotFoundException: Requested resource not found"}
    assert len(result.failed) == 2
    assert (result.calls, sleeps) == (1, [])


def test_no_call_is_made_once_the_deadline_has_passed(stubbed: Any) -> None:
    client, _ = stubbed
    result, _ = run(client, ["+1"], Deadline(time.monotonic() - 1))
    assert result.failed == {(CUSTOMER_TABLE, "+1"): "deadline reached before DynamoDB answered"}
    assert result.calls == 0


def test_no_retry_is_started_that_would_end_after_the_deadline(stubbed: Any) -> None:
    client, stubber = stubbed
    stubber.add_client_error("batch_get_item", "ThrottlingException", http_status_code=400)
    result, sleeps = run(client, ["+1"], Deadline(time.monotonic() + 0.001))
    assert result.failed[(CUSTOMER_TABLE, "+1")].startswith("ThrottlingException")
    assert (result.calls, sleeps) == (1, [])


def test_parallel_lookup_against_moto_resolves_every_key(moto_table: Any) -> None:
    wanted = ["+81312345678", "+14155550123", *keys("+4900", 250)]
    result = lookup(moto_table, {CUSTOMERS: wanted}, NO_DEADLINE)
    assert result.calls == 3
    assert result.failed == {}
    assert result.items[(CUSTOMER_TABLE, "+81312345678")] == {
        "number": "+81312345678",
        "契約者会社名": "株式会社サンプル商事",
        "Tier": "gold",
    }
    assert sum(value is None for value in result.items.values()) == 250


def test_a_request_still_in_flight_at_the_deadline_is_reported_failed_not_waited_for(moto_table: Any) -> None:
    hang = Hang()
    hang.install(moto_table)
    started = time.monotonic()
    result = lookup(moto_table, {CUSTOMERS: ["+81312345678"]}, Deadline(time.monotonic() + 0.2))
    assert time.monotonic() - started < 0.9
    assert result.failed == {(CUSTOMER_TABLE, "+81312345678"): "deadline reached while waiting for DynamoDB"}
    assert result.calls == 1
    hang.release()


def test_a_defect_in_a_worker_fails_its_keys_instead_of_the_batch(moto_table: Any) -> None:
    def corrupt(**_: Any) -> None:
        raise AssertionError("boom")  # not a botocore error: the kind of bug nobody planned for

    moto_table.meta.events.register("before-call.dynamodb.BatchGetItem", corrupt)
    result = lookup(moto_table, {CUSTOMERS: ["+1", "+2"]}, NO_DEADLINE)
    assert set(result.failed) == {(CUSTOMER_TABLE, "+1"), (CUSTOMER_TABLE, "+2")}
    assert set(result.failed.values()) == {"AssertionError('boom')"}


def test_an_item_that_cannot_be_decoded_fails_its_request_instead_of_the_batch(moto_table: Any) -> None:
    from botocore.awsrequest import AWSResponse

    from tests.support.faults import Body

    def unknown_type(request: Any, **_: Any) -> Any:  # an attribute type this botocore does not model
        body = {"Responses": {CUSTOMER_TABLE: [{"number": {"S": "+1"}, "Future": {"Z": "?"}}]}}
        return AWSResponse(request.url, 200, {}, Body(json.dumps(body).encode()))

    moto_table.meta.events.register_first("before-send.dynamodb.BatchGetItem", unknown_type)
    result = lookup(moto_table, {CUSTOMERS: ["+1", "+2"]}, NO_DEADLINE)
    assert set(result.failed) == {(CUSTOMER_TABLE, "+1"), (CUSTOMER_TABLE, "+2")}
    assert all(reason.startswith("lookup failed: ValueError") for reason in result.failed.values())


def test_a_request_refused_for_one_table_is_split_so_the_other_tables_keys_are_answered(stubbed: Any) -> None:
    client, stubber = stubbed
    (request,) = build_requests({CUSTOMERS: ["+1"], ACCOUNTS: ["A1"]})
    stubber.add_client_error("batch_get_item", "AccessDeniedException", "not authorized on ctr-accounts")
    stubber.add_response(
        "batch_get_item",
        {"Responses": {CUSTOMER_TABLE: [item("+1", "Acme")]}},
        {"RequestItems": {CUSTOMER_TABLE: request[CUSTOMER_TABLE]}},
    )
    stubber.add_client_error("batch_get_item", "AccessDeniedException", "not authorized on ctr-accounts")
    result = fetch_request(
        client, request, {CUSTOMER_TABLE: CUSTOMERS, "ctr-accounts": ACCOUNTS}, NO_DEADLINE, rng=random.Random(1)
    )
    assert result.items == {(CUSTOMER_TABLE, "+1"): {"number": "+1", "契約者会社名": "Acme"}}
    assert result.failed == {("ctr-accounts", "A1"): "AccessDeniedException: not authorized on ctr-accounts"}
    assert result.calls == 3
