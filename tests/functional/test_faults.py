"""Fault injection: whatever DynamoDB does, no record is lost and the answer comes before the deadline.

Each fault is played against a real dynalite server, through a TCP proxy that resets, black-holes or delays
connections, or through botocore hooks that return the error responses DynamoDB sends. Each is run under
every ON_LOOKUP_ERROR policy.
"""

from __future__ import annotations

import base64
import json
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import boto3
import pytest

from ctr_enrichment import dynamodb
from ctr_enrichment.lookup import MAX_ATTEMPTS
from ctr_enrichment.pipeline import LookupUnavailableError
from ctr_enrichment_tools.harness import firehose_event
from devtools.dynalite import Dynalite, create_table, put_items
from devtools.fault_proxy import FaultProxy
from tests.support.ctrs import CUSTOMER_RULE, caller, load_json
from tests.support.faults import dynamodb_error_response, inject_fault
from tests.support.function import emf_line, emitted_lines, invoke

REMAINING_MS = 1200  # what the context says is left; the answer must come before it runs out
KNOWN = [customer["number"] for customer in load_json("customers")]
UNKNOWN = [f"+8190000{i:04d}" for i in range(117)]
POLICIES = ["deliver_unenriched", "processing_failed", "retry_batch"]


def batch() -> dict[str, Any]:
    """150 records: 120 distinct callers (two BatchGetItem requests), repeats, chats and malformed data."""
    callers = [caller(n) for n in KNOWN + UNKNOWN] + [caller(n) for n in (KNOWN + UNKNOWN)[:20]]
    chats: list[Any] = [load_json("ctr_chat")] * 5
    return firehose_event(callers + chats + [b"{oops"] * 5)


@contextmanager
def dynalite_behind(
    server: Dynalite, proxy_mode: str = "latency", rtt_ms: float = 0.0, **_: Any
) -> Iterator[tuple[Any, str, str]]:
    """A fresh seeded table on ``server``, reached through a fault proxy: (admin client, table, endpoint)."""
    client = boto3.client("dynamodb", endpoint_url=server.endpoint)
    table = f"customers-{uuid.uuid4().hex[:8]}"
    create_table(client, table)
    put_items(client, table, load_json("customers"))
    with FaultProxy(server.port, rtt_ms=rtt_ms, mode=proxy_mode) as proxy:  # type: ignore[arg-type]
        yield client, table, proxy.endpoint


def throttling(request: Any, **_: Any) -> Any:
    return dynamodb_error_response(request, "ProvisionedThroughputExceededException")


def server_errors(request: Any, **_: Any) -> Any:
    return dynamodb_error_response(request, "InternalServerError", 500)


def big_items(client: Any, table: str) -> None:
    """Items of 390 KB: dynalite answers at most 1 MB per request and returns the rest as UnprocessedKeys."""
    # 40 items at 3 per answer need 14 attempts: more than MAX_ATTEMPTS, so some keys always fail.
    put_items(client, table, [{"number": n, "Notes": "x" * 390_000} for n in KNOWN + UNKNOWN[:37]])


def kill_on_second_request(server: Dynalite) -> Callable[..., None]:
    sent: list[int] = []

    def hook(**_: Any) -> None:
        sent.append(1)
        if len(sent) == 2:
            server.stop()  # the server dies with the batch half looked up

    return hook


FAULTS: dict[str, dict[str, Any]] = {
    "throttling": {"hook": throttling},
    "server_errors": {"hook": server_errors},
    "connection_resets": {"proxy_mode": "reset"},
    "read_timeouts": {"proxy_mode": "blackhole", "read_timeout": 0.25},
    "slow_responses": {"rtt_ms": 4_000},
    "unprocessed_keys_every_attempt": {"seed": big_items, "attributes": None},
    "server_dies_mid_batch": {"kill": True},
}


def run(
    fault: str,
    policy: str,
    server: Dynalite,
    start_function: Any,
    monkeypatch: pytest.MonkeyPatch,
    *,
    remaining_ms: int = REMAINING_MS,
) -> tuple[Any, float, dict[str, Any]]:
    """Invoke the handler on ``batch()`` with the fault in place; returns (response or error, seconds, event)."""
    spec = FAULTS[fault]
    with dynalite_behind(server, **spec) as (client, table, endpoint):
        if "seed" in spec:
            spec["seed"](client, table)
        monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", endpoint)
        if "read_timeout" in spec:
            monkeypatch.setattr(dynamodb, "READ_TIMEOUT_SECONDS", spec["read_timeout"])
        attributes = spec.get("attributes", CUSTOMER_RULE["attributes"])
        handler = start_function([{**CUSTOMER_RULE, "table": table, "attributes": attributes}], ON_LOOKUP_ERROR=policy)
        if "hook" in spec:
            inject_fault(handler.module.ENRICHER.client, spec["hook"])
        if spec.get("kill"):
            inject_fault(handler.module.ENRICHER.client, kill_on_second_request(server))
        event = batch()
        started = time.monotonic()
        try:
            outcome: Any = invoke(handler, event, remaining_ms=remaining_ms)
        except LookupUnavailableError as error:
            outcome = error
        return outcome, time.monotonic() - started, event


@pytest.fixture
def server(request: pytest.FixtureRequest, dynalite_server: Dynalite) -> Iterator[Dynalite]:
    """The session's dynalite, or a server of the test's own when the test is going to kill it."""
    if "server_dies" not in request.node.name:
        yield dynalite_server
        return
    with Dynalite() as own:
        yield own


@pytest.mark.parametrize("policy", POLICIES)
@pytest.mark.parametrize("fault", list(FAULTS))
def test_no_record_is_lost_and_the_answer_beats_the_deadline(  # noqa: PLR0917 - pytest passes fixtures by position
    fault: str, policy: str, server: Dynalite, start_function: Any, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    outcome, elapsed, event = run(fault, policy, server, start_function, monkeypatch)
    assert elapsed < REMAINING_MS / 1000, f"answered after {elapsed:.2f} s"
    lines = emitted_lines(capsys.readouterr().out)
    metrics = emf_line("\n".join(json.dumps(line) for line in lines))
    (failure,) = [line for line in lines if line.get("message") == "DynamoDB lookups failed"]
    assert failure["keys"] > 0 and failure["reasons"] and failure["policy"] == policy
    assert metrics["Records"] == 150 and metrics["LookupErrors"] > 0

    if policy == "retry_batch":
        assert isinstance(outcome, LookupUnavailableError)  # Firehose retries the whole batch
        return
    records = outcome["records"]
    assert len(records) == 150
    statuses, refused = [], 0
    for original, answered in zip(event["records"], records, strict=True):
        payload = base64.b64decode(original["data"])
        if answered["result"] == "ProcessingFailed":
            assert answered["data"] == original["data"]  # the original, for the processing-failed/ prefix
            refused += payload != b"{oops"
            continue
        assert payload != b"{oops"
        document = json.loads(base64.b64decode(answered["data"]))
        status = document["EnrichmentStatus"]["customer"]
        statuses.append(status)
        if status == "error":
            assert policy == "deliver_unenriched" and "Customer" not in document
        elif status == "skipped":
            assert document["CustomerEndpoint"] is None
        else:
            assert status in {"found", "not_found"}
    if fault != "unprocessed_keys_every_attempt":  # the only fault with items big enough to overflow 6 MB
        assert metrics["Oversize"] == 0
    if policy == "processing_failed":
        assert "error" not in statuses
        assert refused == metrics["LookupErrors"] + metrics["Oversize"]
    else:  # an enriched record that no longer fits goes out as its original, whatever its status
        assert refused == metrics["Oversize"]
        assert statuses.count("error") <= metrics["LookupErrors"] <= statuses.count("error") + refused
    assert statuses.count("skipped") == metrics["Skipped"] == 5
    assert metrics["ProcessingFailed"] == 5 + refused


def test_partial_faults_still_deliver_what_was_found(
    server: Dynalite, start_function: Any, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    # Time enough for every attempt: the keys still unprocessed after the last one fail, the rest are found.
    run(
        "unprocessed_keys_every_attempt", "deliver_unenriched", server, start_function, monkeypatch, remaining_ms=10_000
    )
    metrics = emf_line(capsys.readouterr().out)
    assert metrics["Found"] > 0 and metrics["LookupErrors"] > 0  # progress on every attempt, never all of it
    assert metrics["DynamoDBCalls"] >= MAX_ATTEMPTS + 1  # the first request used them all, the second one call
