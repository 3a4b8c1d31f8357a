"""Records from a Kinesis data stream that carries more than contact trace records, through the real handler.

A delivery stream that reads a Kinesis data stream (the module's ``kinesis_source``) hands the function events with
``sourceKinesisStreamArn`` and each record's ``kinesisRecordMetadata``; a stream Amazon Connect shares with its agent
event stream also carries agent events (``AgentARN``, ``EventType``, no top-level ``ContactId``). Contact trace records
are enriched as from Direct PUT; every other JSON object gets the result ON_NON_CTR_RECORD names, is never enriched, and
is counted; every record is answered exactly once, in order.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from ctr_enrichment.config import ConfigError
from ctr_enrichment_tools.harness import FirehoseEvents, KinesisStream, firehose_event, kinesis_stream_arn
from tests.support.ctrs import caller, load_json
from tests.support.function import decoded_documents, emf_line, emitted_lines, invoke

SAMPLE = "+81312345678"
ACME = "+14155550123"


def test_the_recorded_kinesis_sourced_event_is_enriched_and_its_agent_events_delivered_untouched(
    moto_table: Any, start_function: Any, capsys: Any
) -> None:
    event = load_json("firehose_kinesis_event")
    assert event["sourceKinesisStreamArn"].startswith("arn:aws:kinesis:")
    assert all("kinesisRecordMetadata" in record for record in event["records"])
    response = invoke(start_function(), event)

    assert [r["result"] for r in response["records"]] == ["Ok"] * 5
    voice, state_change, chat, heart_beat, outbound = decoded_documents(response)
    assert voice["Customer"] == {"CompanyName": "株式会社サンプル商事", "Tier": "gold"}
    assert outbound["Customer"]["CompanyName"] == "Acme Corporation"
    assert chat["EnrichmentStatus"] == {"customer": "skipped"}
    # The agent events come back byte for byte: no EnrichmentStatus, nothing looked up, although the heart beat
    # carries a ContactId inside CurrentAgentSnapshot.Contacts.
    for index, document in ((1, state_change), (3, heart_beat)):
        assert response["records"][index]["data"] == event["records"][index]["data"]
        assert "EnrichmentStatus" not in document and document["EventType"] in {"STATE_CHANGE", "HEART_BEAT"}
    lines = emitted_lines(capsys.readouterr().out)
    (summary,) = [line for line in lines if line.get("message") == "batch transformed"]
    assert (summary["records"], summary["ok"], summary["non_ctr_records"], summary["dropped"]) == (5, 5, 2, 0)
    metrics = emf_line("\n".join(json.dumps(line) for line in lines))
    assert (metrics["Records"], metrics["NonCtrRecords"], metrics["Found"], metrics["Skipped"]) == (5, 2, 2, 1)
    assert metrics["DynamoDBCalls"] == 1  # the agent events cost no lookup


def mixed_batch() -> tuple[dict[str, Any], list[str]]:
    """CTRs, agent events and a malformed record, as a Kinesis-sourced delivery stream hands them over."""
    payloads: list[Any] = [
        caller(SAMPLE),
        load_json("agent_event_state_change"),
        caller(ACME),
        load_json("agent_event_heart_beat"),
        b"not json",
        {"ContactId": None, "EventType": "LOGIN"},  # a ContactId that names no contact
        caller(None),
        {"ContactId": "", "Note": "empty"},
    ]
    kinds = ["ctr", "other", "ctr", "other", "malformed", "other", "ctr", "other"]
    events = FirehoseEvents(source=KinesisStream(kinesis_stream_arn(stream_name="shared"), shard_count=2))
    return firehose_event(payloads, events=events), kinds


@pytest.mark.parametrize(
    ("policy", "other_result"),
    [(None, "Ok"), ("deliver_unenriched", "Ok"), ("drop", "Dropped"), ("processing_failed", "ProcessingFailed")],
)
def test_every_record_of_a_mixed_batch_is_answered_once_in_order_as_the_policy_says(
    moto_table: Any, start_function: Any, capsys: Any, policy: str | None, other_result: str
) -> None:
    event, kinds = mixed_batch()
    handler = start_function(**({"ON_NON_CTR_RECORD": policy} if policy else {}))
    response = invoke(handler, event)

    expected = {"ctr": "Ok", "other": other_result, "malformed": "ProcessingFailed"}
    assert [r["result"] for r in response["records"]] == [expected[kind] for kind in kinds]
    for kind, sent, answered in zip(kinds, event["records"], response["records"], strict=True):
        assert set(answered) == {"recordId", "result", "data"}  # the Kinesis metadata is not echoed
        data = json.loads(base64.b64decode(answered["data"])) if answered["result"] == "Ok" else None
        if kind == "ctr":
            assert "EnrichmentStatus" in data
        else:  # delivered, dropped or failed: always with its own data, never enriched
            assert answered["data"] == sent["data"]
    lines = emitted_lines(capsys.readouterr().out)
    failed = [line for line in lines if line.get("message") == "record failed processing"]
    not_ctr = [line for line in failed if "ON_NON_CTR_RECORD" in line["reason"]]
    assert len(not_ctr) == (4 if other_result == "ProcessingFailed" else 0)
    assert [line["recordId"] for line in not_ctr] == [
        r["recordId"] for r, kind in zip(event["records"], kinds, strict=True) if kind == "other"
    ][: len(not_ctr)]
    (summary,) = [line for line in lines if line.get("message") == "batch transformed"]
    results = [r["result"] for r in response["records"]]
    assert summary["records"] == 8 and summary["non_ctr_records"] == 4
    assert (summary["ok"], summary["dropped"], summary["processing_failed"]) == (
        results.count("Ok"),
        results.count("Dropped"),
        results.count("ProcessingFailed"),
    )
    metrics = emf_line("\n".join(json.dumps(line) for line in lines))
    assert (metrics["NonCtrRecords"], metrics["Dropped"], metrics["ProcessingFailed"]) == (
        4,
        results.count("Dropped"),
        results.count("ProcessingFailed"),
    )
    assert (metrics["Found"], metrics["Skipped"], metrics["DynamoDBCalls"]) == (2, 1, 1)


def test_records_from_direct_put_that_are_not_contact_records_are_handled_alike(
    moto_table: Any, start_function: Any
) -> None:
    event = firehose_event([load_json("agent_event_state_change"), caller(SAMPLE)])
    response = invoke(start_function(ON_NON_CTR_RECORD="drop"), event)
    assert [r["result"] for r in response["records"]] == ["Dropped", "Ok"]
    assert response["records"][0]["data"] == event["records"][0]["data"]


def test_an_unknown_policy_stops_the_cold_start_with_the_choices(moto_table: Any, start_function: Any) -> None:
    with pytest.raises(ConfigError, match=r"ON_NON_CTR_RECORD must be one of deliver_unenriched, drop, "):
        start_function(ON_NON_CTR_RECORD="Dropped")
