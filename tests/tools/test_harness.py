"""The one way to run the function outside Lambda: its context, its cold start and its events."""

from __future__ import annotations

import base64
import json
import os
import re
import sys
import uuid
from typing import Any

import pytest

from ctr_enrichment.config import ConfigError
from ctr_enrichment_tools.harness import (
    EXAMPLE_ARRIVAL_MS,
    HANDLER,
    FirehoseEvents,
    KinesisStream,
    LambdaContext,
    cold_start,
    firehose_event,
    kinesis_stream_arn,
    patched_environ,
)
from tests.support.ctrs import CUSTOMER_RULE, caller, load_json
from tests.support.function import decoded_documents, emitted_lines, invoke

RULES = json.dumps([CUSTOMER_RULE], ensure_ascii=False)


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_context_has_the_runtime_s_attributes_and_its_time_runs_down() -> None:
    clock = Clock()
    context = LambdaContext(remaining_ms=1_500, function_name="fn", region="eu-west-1", memory_mb=512, clock=clock)
    assert context.function_name == "fn" and context.function_version == "$LATEST"
    assert context.invoked_function_arn == "arn:aws:lambda:eu-west-1:000000000000:function:fn"
    assert context.memory_limit_in_mb == "512"  # the runtime reads it from the environment: a string
    assert uuid.UUID(context.aws_request_id).version == 4
    assert context.log_group_name == "/aws/lambda/fn"
    assert re.fullmatch(r"\d{4}/\d{2}/\d{2}/\[\$LATEST\][0-9a-f]{32}", context.log_stream_name)
    assert (context.identity, context.client_context) == (None, None)
    assert context.get_remaining_time_in_millis() == 1_500
    clock.now += 1.25
    assert context.get_remaining_time_in_millis() == 250
    clock.now += 5
    assert context.get_remaining_time_in_millis() == 0  # never negative
    assert LambdaContext().get_remaining_time_in_millis() > 59_000  # the module's default timeout, 60 s


def test_each_cold_start_is_a_function_of_its_own_that_leaves_the_process_as_it_found_it(
    moto_table: Any, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    monkeypatch.delenv("LOG_LEVEL", raising=False)
    before = dict(os.environ)
    debug = cold_start({"ENRICHMENT_RULES": RULES, "LOG_LEVEL": "DEBUG"})
    quiet = cold_start({"ENRICHMENT_RULES": RULES})
    assert dict(os.environ) == before  # the environment was the function's during INIT only
    assert HANDLER.rpartition(".")[0] not in sys.modules  # nothing registered for a later import to find
    assert debug.module is not quiet.module
    first, second = debug.module.ENRICHER, quiet.module.ENRICHER
    assert first.cache is not second.cache and first.client is not second.client
    assert first.settings.log_level == "DEBUG" and second.settings.log_level == "INFO"

    event = firehose_event([caller("+81312345678")])
    invoke(debug, event)
    assert [line["level"] for line in emitted_lines(capsys.readouterr().out) if "level" in line] == ["DEBUG", "INFO"]
    invoke(quiet, event)  # a cold cache of its own: it asks DynamoDB, where the other would answer from memory
    lines = emitted_lines(capsys.readouterr().out)
    assert [line["level"] for line in lines if "level" in line] == ["INFO"]
    assert [(line["DynamoDBCalls"], line["CacheHits"]) for line in lines if "_aws" in line] == [(1, 0)]
    assert len(first.cache) == len(second.cache) == 1


def test_a_cold_start_runs_the_handler_the_function_names(moto_table: Any) -> None:
    function = cold_start({"ENRICHMENT_RULES": RULES}, handler="ctr_enrichment.handler.lambda_handler")
    assert function.handler is function.module.lambda_handler
    (document,) = decoded_documents(invoke(function, firehose_event([caller("+81312345678")])))
    assert document["EnrichmentStatus"] == {"customer": "found"}
    with pytest.raises(ModuleNotFoundError, match=r"ctr_enrichment\.no_such_module"):
        cold_start({"ENRICHMENT_RULES": RULES}, handler="ctr_enrichment.no_such_module.lambda_handler")


def test_a_failed_cold_start_raises_what_init_raises_and_restores_the_environment(capsys: Any) -> None:
    before = dict(os.environ)
    with pytest.raises(ConfigError, match="ENRICHMENT_RULES must be a non-empty JSON list"):
        cold_start({"ENRICHMENT_RULES": "[]", "AWS_DEFAULT_REGION": None})
    assert dict(os.environ) == before
    (line,) = emitted_lines(capsys.readouterr().out)
    assert line["message"] == "invalid configuration"


def test_patched_environ_sets_unsets_and_restores_even_on_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HARNESS_KEPT", "before")
    monkeypatch.delenv("HARNESS_NEW", raising=False)
    with pytest.raises(RuntimeError), patched_environ({"HARNESS_KEPT": None, "HARNESS_NEW": "during"}):
        assert "HARNESS_KEPT" not in os.environ and os.environ["HARNESS_NEW"] == "during"
        raise RuntimeError
    assert os.environ["HARNESS_KEPT"] == "before" and "HARNESS_NEW" not in os.environ


def test_an_event_is_shaped_as_firehose_sends_it() -> None:
    payloads: list[Any] = [b"\x00raw", "株式会社", {"ContactId": "c1", "Name": "山田"}]
    event = firehose_event(payloads)
    assert list(event) == ["invocationId", "deliveryStreamArn", "region", "records"]
    assert uuid.UUID(event["invocationId"]).version == 4
    assert event["deliveryStreamArn"] == "arn:aws:firehose:ap-northeast-1:000000000000:deliverystream/ctr-enrichment"
    assert event["region"] == "ap-northeast-1"
    assert [list(record) for record in event["records"]] == [["recordId", "approximateArrivalTimestamp", "data"]] * 3
    assert [record["recordId"] for record in event["records"]] == ["record-00000", "record-00001", "record-00002"]
    arrivals = [record["approximateArrivalTimestamp"] for record in event["records"]]
    assert arrivals == [EXAMPLE_ARRIVAL_MS, EXAMPLE_ARRIVAL_MS + 1, EXAMPLE_ARRIVAL_MS + 2]
    data = [base64.b64decode(record["data"], validate=True) for record in event["records"]]
    assert data == [b"\x00raw", "株式会社".encode(), '{"ContactId":"c1","Name":"山田"}'.encode()]
    assert firehose_event([b"{}"], ids=["49656"])["records"][0]["recordId"] == "49656"
    with pytest.raises(ValueError):
        firehose_event([b"{}", b"{}"], ids=["only-one"])


def test_a_hand_made_record_keeps_the_data_it_is_given() -> None:
    events = FirehoseEvents(region="us-east-1", stream_arn="arn:aws:firehose:us-east-1:111122223333:deliverystream/s")
    record = events.encoded_record("%%% not base64 %%%", record_id="r", arrival_ms=5)
    assert record == {"recordId": "r", "approximateArrivalTimestamp": 5, "data": "%%% not base64 %%%"}
    event = events.event([record], invocation_id="i")
    assert event == {
        "invocationId": "i",
        "deliveryStreamArn": "arn:aws:firehose:us-east-1:111122223333:deliverystream/s",
        "region": "us-east-1",
        "records": [record],
    }


class StreamSource:
    """A stand-in for a Kinesis-stream source: the fields such a source adds go where Firehose puts them."""

    def event_fields(self) -> dict[str, Any]:
        return {"sourceKinesisStreamArn": "arn:aws:kinesis:ap-northeast-1:000000000000:stream/ctr"}

    def record_fields(self, record_id: str, arrival_ms: int) -> dict[str, Any]:
        return {"kinesisRecordMetadata": {"approximateArrivalTimestamp": arrival_ms, "partitionKey": record_id}}


def test_a_record_source_adds_its_fields_to_the_event_and_each_record() -> None:
    event = firehose_event([b"{}"], events=FirehoseEvents(source=StreamSource()))
    assert list(event) == ["invocationId", "deliveryStreamArn", "sourceKinesisStreamArn", "region", "records"]
    (record,) = event["records"]
    assert record["kinesisRecordMetadata"] == {
        "approximateArrivalTimestamp": EXAMPLE_ARRIVAL_MS,
        "partitionKey": "record-00000",
    }


def test_a_kinesis_stream_source_shapes_events_as_the_recorded_kinesis_sourced_event() -> None:
    """The same keys, in the same places, as tests/events/firehose_kinesis_event.json (Powertools'
    kinesisFirehoseKinesisEvent.json shape); sequence numbers increase; shards are taken in turn."""
    stream = kinesis_stream_arn(stream_name="shared")
    event = firehose_event([b"{}", b"{}", b"{}"], events=FirehoseEvents(source=KinesisStream(stream, shard_count=2)))
    recorded = load_json("firehose_kinesis_event")
    assert sorted(event) == sorted(recorded)
    assert event["sourceKinesisStreamArn"] == "arn:aws:kinesis:ap-northeast-1:000000000000:stream/shared"
    assert [sorted(record) for record in event["records"]] == [sorted(recorded["records"][0])] * 3
    metadata = [record["kinesisRecordMetadata"] for record in event["records"]]
    assert all(sorted(m) == sorted(recorded["records"][0]["kinesisRecordMetadata"]) for m in metadata)
    assert [m["shardId"] for m in metadata] == ["shardId-000000000000", "shardId-000000000001", "shardId-000000000000"]
    numbers = [int(m["sequenceNumber"]) for m in metadata]
    assert numbers == [numbers[0], numbers[0] + 1, numbers[0] + 2] and len(str(numbers[0])) == 56
    arrivals = [record["approximateArrivalTimestamp"] for record in event["records"]]
    assert [m["approximateArrivalTimestamp"] for m in metadata] == arrivals
    assert all(m["subsequenceNumber"] == "" and uuid.UUID(m["partitionKey"]) for m in metadata)
    again = firehose_event([b"{}"], events=FirehoseEvents(source=KinesisStream(stream)))
    assert again["records"][0]["kinesisRecordMetadata"] == metadata[0]  # the same on every run
    assert KinesisStream().stream_arn == "arn:aws:kinesis:ap-northeast-1:000000000000:stream/connect-ctr"
    with pytest.raises(ValueError, match="at least one shard"):
        KinesisStream(shard_count=0)
