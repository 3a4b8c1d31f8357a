"""The alarms watch metrics that exist: what Terraform plans against what the handler and AWS publish.

A real plan of the module (the offline stand-in in CI) with alarms on; the function's alarms on its own metrics are
compared with the EMF line the handler writes when it runs with exactly the planned environment and function name,
so a renamed metric, namespace or dimension on either side fails here.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from ctr_enrichment_tools.harness import firehose_event
from devtools.dynalite import create_table
from tests.support.ctrs import caller
from tests.support.function import emf_line, invoke
from tests.support.terraform import checked, copy_module, plan, planned, run_terraform

pytestmark = pytest.mark.terraform

INPUTS: dict[str, Any] = {
    "name": "acme-ctr",
    "opensearch_public_endpoint_enabled": True,
    "metrics_namespace": "Contact Centre/CTR",
    "lambda_timeout_seconds": 90,
    "create_alarms": True,
    "alarm_sns_topic_arn": "arn:aws:sns:us-east-1:123456789012:ctr-alarms",
}


@pytest.fixture(scope="module")
def alarm_plan(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    workdir = copy_module(tmp_path_factory.mktemp("terraform") / "module")
    checked(run_terraform(workdir, "init", "-backend=false", "-input=false", "-no-color"))
    return plan(workdir, "alarms", INPUTS)


def alarms(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        change["index"]: change["change"]["after"]
        for change in document["resource_changes"]
        if change["address"].startswith("aws_cloudwatch_metric_alarm.this[")
    }


@pytest.fixture
def emitted_metrics(alarm_plan: dict[str, Any], start_function: Any, moto_table: Any, capsys: Any) -> dict[str, Any]:
    """The EMF document the handler writes, run with the planned environment under the planned function name."""
    function = planned(alarm_plan, "aws_lambda_function.this")
    environment = function["environment"][0]["variables"]
    rules = json.loads(environment["ENRICHMENT_RULES"])
    create_table(moto_table, rules[0]["table"], key=rules[0]["key"])
    handler = start_function(rules, **{k: v for k, v in environment.items() if k != "ENRICHMENT_RULES"})
    capsys.readouterr()
    invoke(handler, firehose_event([caller("+81 3-1234-5678"), b"not json"]), function_name=function["function_name"])
    return emf_line(capsys.readouterr().out)


def test_the_function_metric_alarms_watch_what_the_handler_emits(
    alarm_plan: dict[str, Any], emitted_metrics: dict[str, Any]
) -> None:
    (directive,) = emitted_metrics["_aws"]["CloudWatchMetrics"]
    emitted_names = {metric["Name"] for metric in directive["Metrics"]}
    on_function_metrics = {key: a for key, a in alarms(alarm_plan).items() if a["namespace"] == directive["Namespace"]}

    assert directive["Namespace"] == "Contact Centre/CTR"
    assert {a["metric_name"] for a in on_function_metrics.values()} == {"ProcessingFailed", "LookupErrors"}
    for key, alarm in on_function_metrics.items():
        assert alarm["metric_name"] in emitted_names, key
        assert [sorted(alarm["dimensions"])] == directive["Dimensions"], key
        assert alarm["dimensions"] == {name: emitted_metrics[name] for name in alarm["dimensions"]}, key
    assert emitted_metrics["ProcessingFailed"] == 1  # the invalid record: the metric the alarm watches moves


def test_the_aws_metric_alarms_name_the_planned_function_and_stream(alarm_plan: dict[str, Any]) -> None:
    function = planned(alarm_plan, "aws_lambda_function.this")
    stream = planned(alarm_plan, "aws_kinesis_firehose_delivery_stream.this")
    by_key = alarms(alarm_plan)

    assert set(by_key) == {
        "lambda-errors",
        "lambda-throttles",
        "lambda-duration",
        "processing-failed",
        "lookup-errors",
        "delivery-success",
        "data-freshness",
    }
    for key in ("lambda-errors", "lambda-throttles", "lambda-duration"):
        assert (by_key[key]["namespace"], by_key[key]["dimensions"]) == (
            "AWS/Lambda",
            {"FunctionName": function["function_name"]},
        )
    for key in ("delivery-success", "data-freshness"):
        assert (by_key[key]["namespace"], by_key[key]["dimensions"]) == (
            "AWS/Firehose",
            {"DeliveryStreamName": stream["name"]},
        )
    assert by_key["lambda-duration"]["threshold"] == function["timeout"] * 1000 * 0.8
    assert all(a["alarm_actions"] == [INPUTS["alarm_sns_topic_arn"]] for a in by_key.values())


def test_alarm_names_are_unique_and_within_cloudwatch_limits(alarm_plan: dict[str, Any]) -> None:
    names = [a["alarm_name"] for a in alarms(alarm_plan).values()]
    assert len(set(names)) == len(names)
    assert all(1 <= len(name) <= 255 for name in names)
    assert all(name.startswith("acme-ctr-") for name in names)
