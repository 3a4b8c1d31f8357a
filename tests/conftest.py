"""Shared fixtures: CTR and event fixtures, a Lambda context, moto and dynalite tables, a fresh handler."""

from __future__ import annotations

import base64
import importlib
import json
import os
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import boto3
import pytest
from hypothesis import settings
from moto import mock_aws

from ctr_enrichment_tools.local_dynamodb import Dynalite, create_table, put_items

# `ci` (the default, in `make test`): a fixed seed, so a run is repeatable. `fuzz` (`make fuzz`): many more
# examples, fresh randomness each run; a failure prints the blob that reproduces it.
settings.register_profile("ci", max_examples=300, derandomize=True, deadline=None, print_blob=True)
settings.register_profile("fuzz", max_examples=4000, deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

EVENTS = Path(__file__).parent / "events"
CUSTOMER_TABLE = "ctr-customers"
CTR_FIXTURES = (
    "ctr_inbound_voice",
    "ctr_outbound_voice",
    "ctr_transfer",
    "ctr_callback",
    "ctr_chat",
    "ctr_task",
    "ctr_email",
)
CUSTOMER_RULE: dict[str, Any] = {
    "name": "customer",
    "source": "CustomerEndpoint.Address",
    "table": CUSTOMER_TABLE,
    "key": "number",
    "attributes": {"CompanyName": "契約者会社名", "Tier": "Tier"},
    "target": "Customer",
    "normalize": "phone",
}


def load_json(name: str) -> Any:
    return json.loads((EVENTS / f"{name}.json").read_text(encoding="utf-8"))


def to_bytes(payload: bytes | str | dict[str, Any]) -> bytes:
    if isinstance(payload, bytes):
        return payload
    if isinstance(payload, str):
        return payload.encode("utf-8")
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def firehose_event(payloads: list[bytes | str | dict[str, Any]], ids: list[str] | None = None) -> dict[str, Any]:
    """A Firehose transformation event carrying the given payloads, as Firehose shapes it."""
    ids = ids or [f"record-{i:05d}" for i in range(len(payloads))]
    return {
        "invocationId": str(uuid.uuid4()),
        "deliveryStreamArn": "arn:aws:firehose:ap-northeast-1:123456789012:deliverystream/ctr-enrichment",
        "region": "ap-northeast-1",
        "records": [
            {
                "recordId": record_id,
                "approximateArrivalTimestamp": 1763601302000 + i,
                "data": base64.b64encode(to_bytes(payload)).decode("ascii"),
            }
            for i, (record_id, payload) in enumerate(zip(ids, payloads, strict=True))
        ],
    }


def invoke(handler: Any, event: dict[str, Any], **context: Any) -> dict[str, Any]:
    """Call the handler as Lambda does: the response must serialise, and answer every record in order."""
    response = handler.lambda_handler(event, LambdaContext(**context))
    json.dumps(response)  # what the Lambda runtime does with it; a failure here is a lost batch
    assert [r["recordId"] for r in response["records"]] == [r["recordId"] for r in event["records"]]
    return response


def decoded_documents(response: dict[str, Any]) -> list[Any]:
    """The JSON document of each Ok record (None for the others), after checking the wire shape."""
    documents = []
    for record in response["records"]:
        assert set(record) == {"recordId", "result", "data"}
        raw = base64.b64decode(record["data"], validate=True)
        if record["result"] == "Ok":
            text = raw.decode("utf-8")
            assert "\n" not in text
            documents.append(json.loads(text))
        else:
            documents.append(None)
    return documents


def caller(number: str | None, **extra: Any) -> dict[str, Any]:
    """A minimal voice CTR from ``number`` (None: a contact without a customer endpoint, like a chat)."""
    endpoint = None if number is None else {"Address": number, "Type": "TELEPHONE_NUMBER"}
    return {"ContactId": str(uuid.uuid4()), "Channel": "VOICE", "CustomerEndpoint": endpoint, **extra}


class LambdaContext:
    """The attributes of the Lambda context object the handler reads."""

    def __init__(self, remaining_ms: float = 60_000, function_name: str = "ctr-enrichment") -> None:
        self.function_name = function_name
        self.aws_request_id = str(uuid.uuid4())
        self._ends_at = time.monotonic() + remaining_ms / 1000

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._ends_at - time.monotonic()) * 1000))


def emitted_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def emf_line(text: str) -> dict[str, Any]:
    (line,) = [line for line in emitted_lines(text) if "_aws" in line]
    return line


@pytest.fixture(autouse=True)
def aws_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Dummy credentials and a region; never a real AWS account. Each cold start builds its own client."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "ap-northeast-1")
    for name in (
        "AWS_PROFILE",
        "AWS_SESSION_TOKEN",
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_DYNAMODB",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def moto_table() -> Iterator[Any]:
    """A moto DynamoDB with the customer table seeded from tests/events/customers.json."""
    with mock_aws():
        client = boto3.client("dynamodb")
        create_table(client, CUSTOMER_TABLE)
        put_items(client, CUSTOMER_TABLE, load_json("customers"))
        yield client


@pytest.fixture
def load_handler(monkeypatch: pytest.MonkeyPatch) -> Callable[..., ModuleType]:
    """Import ctr_enrichment.handler afresh (a cold start) with the given rules and settings."""

    def load(rules: list[dict[str, Any]] | None = None, **settings: Any) -> ModuleType:
        monkeypatch.setenv("ENRICHMENT_RULES", json.dumps(rules or [CUSTOMER_RULE], ensure_ascii=False))
        for name, value in settings.items():
            monkeypatch.setenv(name, str(value))
        sys.modules.pop("ctr_enrichment.handler", None)
        return importlib.import_module("ctr_enrichment.handler")

    return load


@pytest.fixture(scope="session")
def dynalite_server() -> Iterator[Dynalite]:
    """One real dynalite server for the session, on a free 127.0.0.1 port."""
    with Dynalite() as server:
        yield server


@pytest.fixture
def dynalite(dynalite_server: Dynalite, monkeypatch: pytest.MonkeyPatch) -> Any:
    """A client for the session's dynalite, which the handler also uses (AWS_ENDPOINT_URL_DYNAMODB)."""
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", dynalite_server.endpoint)
    return boto3.client("dynamodb", endpoint_url=dynalite_server.endpoint)


@pytest.fixture
def dynalite_table(dynalite: Any) -> str:
    """A fresh, seeded customer table in dynalite (its own name per test)."""
    table = f"ctr-customers-{uuid.uuid4().hex[:12]}"
    create_table(dynalite, table)
    put_items(dynalite, table, load_json("customers"))
    return table


class _Body:
    """The raw-stream interface botocore reads an HTTP body through."""

    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._body


def dynamodb_error_response(request: Any, code: str, status: int = 400, message: str = "injected fault") -> Any:
    """An HTTP error response exactly as DynamoDB sends it, for botocore to parse into a ClientError."""
    from botocore.awsrequest import AWSResponse

    body = json.dumps({"__type": f"com.amazonaws.dynamodb.v20120810#{code}", "message": message}).encode()
    headers = {"Content-Type": "application/x-amz-json-1.0", "x-amzn-RequestId": "injected"}
    return AWSResponse(request.url, status, headers, _Body(body))


class Hang:
    """A before-send hook that holds each request until released, like a server that does not answer.

    Release it before the test ends, so that the held request still meets the mocked service rather than
    escaping to the network after the mock has gone.
    """

    def __init__(self) -> None:
        self._released = threading.Event()
        self._finished = threading.Semaphore(0)
        self.held = 0

    def __call__(self, **_: Any) -> None:
        self.held += 1
        self._released.wait(30)

    def install(self, client: Any) -> None:
        inject_fault(client, self)
        client.meta.events.register("after-call.dynamodb.BatchGetItem", lambda **_: self._finished.release())

    def release(self) -> None:
        self._released.set()
        for _ in range(self.held):
            assert self._finished.acquire(timeout=10), "a held request never finished"


def inject_fault(client: Any, hook: Callable[..., Any]) -> None:
    """Run ``hook(request=...)`` before each BatchGetItem is sent; a response it returns replaces the server's."""
    client.meta.events.register_first("before-send.dynamodb.BatchGetItem", hook)


@pytest.fixture(scope="session")
def aws_rules_plans() -> Any:
    """The AWS-rules layer's plans: every configuration in tests/aws_rules/plans.py, planned once, in parallel."""
    from tests.aws_rules import plans, report

    try:
        planned = plans.build_plans()
    except RuntimeError as error:
        pytest.fail(str(error), pytrace=False)
    report.add(
        f"AWS rules layer: {len(planned.results)} configurations planned in {planned.seconds:.1f} s "
        f"({sum(r.document is None for r in planned.results.values())} refused at plan time)."
    )
    return planned


@pytest.fixture(scope="session")
def aws_rules_mapping() -> Any:
    from tests.aws_rules.mapping import load_mapping

    return load_mapping()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """The AWS-rules layer's coverage: what the mapping checks, and its gaps, stay visible in every run."""
    from tests.aws_rules import report

    if report.LINES:
        terminalreporter.section("AWS rules layer")
        for line in report.LINES:
            terminalreporter.write_line(line)
