"""The replay's runs of the function: it reads why records and lookups failed from the function's own lines."""

from __future__ import annotations

import json
from typing import Any

import pytest

from ctr_enrichment.outcomes import FailureReason, LogMessage
from ctr_enrichment_tools.errors import ReplayError
from ctr_enrichment_tools.harness import LambdaContext, firehose_event
from ctr_enrichment_tools.lambda_runner import Invocation, invoke, parse_output, start_function
from tests.support.ctrs import CUSTOMER_RULE, caller
from tests.support.faults import dynamodb_error_response, inject_fault


def throttled(request: Any, **_: Any) -> Any:
    return dynamodb_error_response(request, "ProvisionedThroughputExceededException")


def test_each_failed_record_gets_the_reason_the_function_logged_for_it(
    moto_table: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ENRICHMENT_RULES", json.dumps([CUSTOMER_RULE]))
    monkeypatch.setenv("ON_LOOKUP_ERROR", "processing_failed")
    function = start_function()
    inject_fault(function.module.ENRICHER.client, throttled)
    event = firehose_event([caller("+81312345678"), b"[1]", b"placeholder"])
    event["records"][2]["data"] = "\ud800 is not base64"  # a hand-made event: no runtime could send it back
    invocation = invoke(function, event, LambdaContext(remaining_ms=1_500))
    assert invocation.error is None and invocation.response is not None
    assert [record["result"] for record in invocation.response["records"]] == ["ProcessingFailed"] * 3
    assert invocation.failure_reasons == {
        "record-00000": FailureReason.LOOKUP_FAILED,
        "record-00001": FailureReason.NOT_AN_OBJECT.format(kind="a JSON array"),
        "record-00002": LogMessage.WITHHELD,
    }
    (reason,) = set(invocation.lookup_failures)
    assert reason.startswith("ProvisionedThroughputExceededException: injected fault")
    assert invocation.metrics["ProcessingFailed"] == 3 and invocation.metrics["LookupErrors"] == 1
    assert capsys.readouterr().out == ""  # the function's lines were kept, not printed


def test_lines_that_are_not_the_function_s_are_ignored() -> None:
    output = "\n".join(["not json", "[1, 2]", json.dumps({"message": LogMessage.RECORD_FAILED}), "{}"])
    invocation = parse_output(Invocation(None, None, output))
    assert (invocation.metrics, invocation.failure_reasons, invocation.lookup_failures) == ({}, {}, [])


def test_an_exception_is_a_failed_invocation(moto_table: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENRICHMENT_RULES", json.dumps([CUSTOMER_RULE]))
    invocation = invoke(start_function(), {"invocationId": "no records"}, LambdaContext())
    assert invocation.response is None
    assert invocation.error == "ValueError: event is not a Firehose transformation event: it has no 'records' list"


def test_a_configuration_the_function_refuses_is_one_replay_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ENRICHMENT_RULES", "[]")
    with pytest.raises(ReplayError, match=r"^invalid configuration: ENRICHMENT_RULES must be a non-empty JSON list"):
        start_function()
    assert capsys.readouterr().out == ""  # the function's own log line of it is not printed
