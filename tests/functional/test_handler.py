"""lambda_handler end to end against moto: every record answered, in order, with the documented outcome."""

from __future__ import annotations

import base64
import json
import re
import time
from typing import Any

import pytest
from botocore.exceptions import ConnectionClosedError

from ctr_enrichment.config import ConfigError, load_settings
from ctr_enrichment.pipeline import Enricher, LookupUnavailableError
from ctr_enrichment_tools.harness import LambdaContext, cold_start, firehose_event
from devtools.dynalite import create_table, put_items
from tests.support.ctrs import CTR_FIXTURES, CUSTOMER_RULE, CUSTOMER_TABLE, caller, load_json
from tests.support.faults import Hang, dynamodb_error_response, inject_fault
from tests.support.function import decoded_documents, emf_line, emitted_lines, invoke

ACME = "+14155550123"
SAMPLE = "+81312345678"
UNKNOWN = "+819000000000"
AGENT_RULE = {
    "name": "agent",
    "source": "Agent.Username",
    "table": "ctr-agents",
    "key": "username",
    "target": "AgentProfile",
    "normalize": "none",
}


def without_added_fields(document: dict[str, Any], target: str = "Customer") -> dict[str, Any]:
    return {name: value for name, value in document.items() if name not in {target, "EnrichmentStatus"}}


def test_the_recorded_firehose_event_is_enriched_record_by_record(
    moto_table: Any, start_function: Any, capsys: Any
) -> None:
    handler = start_function()
    event = load_json("firehose_event")
    response = invoke(handler, event)
    documents = decoded_documents(response)
    assert [r["result"] for r in response["records"]] == ["Ok"] * 7 + ["ProcessingFailed"]
    by_channel = dict(zip(CTR_FIXTURES, documents[:7], strict=True))
    assert by_channel["ctr_inbound_voice"]["Customer"] == {"CompanyName": "株式会社サンプル商事", "Tier": "gold"}
    assert by_channel["ctr_outbound_voice"]["Customer"] == {"CompanyName": "Acme Corporation", "Tier": "silver"}
    assert by_channel["ctr_transfer"]["EnrichmentStatus"] == {"customer": "found"}
    assert by_channel["ctr_callback"]["Customer"]["CompanyName"] == "Globex Ltd"
    for name in ("ctr_chat", "ctr_task", "ctr_email"):
        assert by_channel[name]["EnrichmentStatus"] == {"customer": "skipped"}
        assert "Customer" not in by_channel[name]
    for name, document in by_channel.items():
        assert without_added_fields(document) == load_json(name)  # nothing else changed, caller number kept
    assert response["records"][7]["data"] == event["records"][7]["data"]
    metrics = emf_line(capsys.readouterr().out)
    assert {
        k: metrics[k] for k in ("Records", "Found", "NotFound", "Skipped", "ProcessingFailed", "DynamoDBCalls")
    } == {"Records": 8, "Found": 4, "NotFound": 0, "Skipped": 3, "ProcessingFailed": 1, "DynamoDBCalls": 1}


def test_an_unknown_caller_gets_a_null_target_and_not_found(moto_table: Any, start_function: Any) -> None:
    (document,) = decoded_documents(invoke(start_function(), firehose_event([caller(UNKNOWN)])))
    assert document["Customer"] is None
    assert document["EnrichmentStatus"] == {"customer": "not_found"}
    assert document["CustomerEndpoint"]["Address"] == UNKNOWN


@pytest.mark.parametrize(
    "ctr",
    [
        {"ContactId": "no-endpoint"},
        {"ContactId": "c1", "CustomerEndpoint": None},
        {"ContactId": "c2", "CustomerEndpoint": {"Address": None}},
        {"ContactId": "c3", "CustomerEndpoint": {"Address": ""}},
        {"ContactId": "c4", "CustomerEndpoint": {"Address": 81312345678}},
        {"ContactId": "c5", "CustomerEndpoint": {"Address": "Softphone", "Type": "TELEPHONE_NUMBER"}},
        {"ContactId": "c6", "CustomerEndpoint": {"Address": "taro.yamada@example.co.jp", "Type": "EMAIL_ADDRESS"}},
        {"ContactId": "c7", "CustomerEndpoint": "+81312345678"},
    ],
)
def test_records_with_nothing_to_look_up_are_skipped_and_cost_no_call(
    moto_table: Any, start_function: Any, capsys: Any, ctr: dict[str, Any]
) -> None:
    response = invoke(start_function(), firehose_event([ctr]))
    (document,) = decoded_documents(response)
    assert document == {**ctr, "EnrichmentStatus": {"customer": "skipped"}}
    metrics = emf_line(capsys.readouterr().out)
    assert (metrics["Skipped"], metrics["DynamoDBCalls"]) == (1, 0)


def test_malformed_records_fail_alone_with_their_original_data_and_a_log_line(
    moto_table: Any, start_function: Any, capsys: Any
) -> None:
    payloads: list[Any] = [caller(SAMPLE), b"not json", b"[1, 2]", b"", b'{"a": "\xff"}', caller(ACME)]
    event = firehose_event(payloads)
    event["records"][1]["data"] = "%%% not base64 %%%"
    response = invoke(start_function(), event)
    assert [r["result"] for r in response["records"]] == ["Ok"] + ["ProcessingFailed"] * 4 + ["Ok"]
    for original, answered in zip(event["records"][1:5], response["records"][1:5], strict=True):
        assert answered["data"] == original["data"]
    logs = [
        line for line in emitted_lines(capsys.readouterr().out) if line.get("message") == "record failed processing"
    ]
    assert [(line["recordId"], line["reason"].split(":")[0]) for line in logs] == [
        ("record-00001", "data is not valid base64"),
        ("record-00002", "data is a JSON array, not an object"),
        ("record-00003", "data is empty"),
        ("record-00004", "data is not valid UTF-8 (byte 7)"),
    ]
    assert all(line["level"] == "WARNING" and line["aws_request_id"] for line in logs)


def test_documents_nested_right_at_the_interpreters_limit_never_crash_the_batch(
    moto_table: Any, start_function: Any, capsys: Any
) -> None:
    # Multi-line, so they must be re-serialised, at depths where parsing still works but writing may not.
    payloads = [
        ('{"ContactId":"deep","a":\n' + '{"a":\n' * depth + "1" + "}" * (depth + 1)).encode()
        for depth in range(900, 1000, 4)
    ]
    event = firehose_event([*payloads, caller(SAMPLE)])
    response = invoke(start_function(), event)
    results = [r["result"] for r in response["records"]]
    assert results[-1] == "Ok" and "ProcessingFailed" in results
    for original, answered in zip(event["records"], response["records"], strict=True):
        if answered["result"] == "ProcessingFailed":
            assert answered["data"] == original["data"]
    reasons = {line["reason"] for line in emitted_lines(capsys.readouterr().out) if "reason" in line}
    assert "data is JSON nested too deeply to re-serialise" in reasons


def test_duplicate_callers_are_looked_up_once(moto_table: Any, start_function: Any, capsys: Any) -> None:
    numbers = [SAMPLE, "+81 3-1234-5678", ACME, UNKNOWN] * 75
    response = invoke(start_function(), firehose_event([caller(n) for n in numbers]))
    documents = decoded_documents(response)
    assert [d["EnrichmentStatus"]["customer"] for d in documents[:4]] == ["found", "found", "found", "not_found"]
    assert documents[1]["Customer"]["CompanyName"] == "株式会社サンプル商事"
    assert emf_line(capsys.readouterr().out)["DynamoDBCalls"] == 1


def test_unicode_survives_as_utf8_not_escapes(moto_table: Any, start_function: Any) -> None:
    ctr = caller(SAMPLE, Attributes={"お客様名": "山田 太郎", "emoji": "📞"})
    response = invoke(start_function(), firehose_event([ctr]))
    raw = base64.b64decode(response["records"][0]["data"])
    assert "株式会社サンプル商事".encode() in raw
    assert "山田 太郎".encode() in raw and "📞".encode() in raw
    assert b"\\u" not in raw


def test_several_rules_on_several_tables_each_report_a_status(moto_table: Any, start_function: Any) -> None:
    create_table(moto_table, "ctr-agents", key="username")
    put_items(moto_table, "ctr-agents", [{"username": "suzuki.hanako", "Team": "請求", "Site": "Osaka"}])
    handler = start_function([CUSTOMER_RULE, AGENT_RULE])
    inbound, chat = load_json("ctr_inbound_voice"), load_json("ctr_chat")
    chat["Agent"]["Username"] = "unknown.agent"
    documents = decoded_documents(invoke(handler, firehose_event([inbound, chat])))
    assert documents[0]["AgentProfile"] == {"Team": "請求", "Site": "Osaka"}  # every attribute except the key
    assert documents[0]["EnrichmentStatus"] == {"customer": "found", "agent": "found"}
    assert documents[1]["EnrichmentStatus"] == {"customer": "skipped", "agent": "not_found"}
    assert documents[1]["AgentProfile"] is None


def test_rules_sharing_a_table_share_one_request(moto_table: Any, start_function: Any, capsys: Any) -> None:
    tier_rule = {**CUSTOMER_RULE, "name": "tier", "target": "Segment", "attributes": {"Level": "Tier"}}
    handler = start_function([{**CUSTOMER_RULE, "attributes": {"CompanyName": "契約者会社名"}}, tier_rule])
    (document,) = decoded_documents(invoke(handler, firehose_event([caller(SAMPLE)])))
    assert document["Customer"] == {"CompanyName": "株式会社サンプル商事"}
    assert document["Segment"] == {"Level": "gold"}
    assert document["EnrichmentStatus"] == {"customer": "found", "tier": "found"}
    assert emf_line(capsys.readouterr().out)["DynamoDBCalls"] == 1


def test_a_target_blocked_by_a_non_object_value_is_skipped_not_overwritten(
    moto_table: Any, start_function: Any, capsys: Any
) -> None:
    handler = start_function([{**CUSTOMER_RULE, "target": "Enrichment.Customer"}])
    ctrs = [caller(SAMPLE, Enrichment="legacy text"), caller(SAMPLE, Enrichment={"Other": 1})]
    blocked, open_object = decoded_documents(invoke(handler, firehose_event(ctrs)))
    assert blocked["Enrichment"] == "legacy text"
    assert blocked["EnrichmentStatus"] == {"customer": "skipped"}
    assert open_object["Enrichment"] == {
        "Other": 1,
        "Customer": {"CompanyName": "株式会社サンプル商事", "Tier": "gold"},
    }
    lines = emitted_lines(capsys.readouterr().out)
    assert any(line.get("message", "").startswith("target path is blocked") for line in lines)


def test_a_warm_invocation_answers_from_the_cache(moto_table: Any, start_function: Any, capsys: Any) -> None:
    handler = start_function()
    event = firehose_event([caller(SAMPLE), caller(ACME), caller(UNKNOWN), caller(SAMPLE)])
    first = invoke(handler, event)
    cold = emf_line(capsys.readouterr().out)
    second = invoke(handler, event)
    warm = emf_line(capsys.readouterr().out)
    assert (cold["DynamoDBCalls"], cold["CacheHits"]) == (1, 0)
    assert (warm["DynamoDBCalls"], warm["CacheHits"]) == (0, 3)  # distinct keys; the unknown caller too
    assert decoded_documents(first) == decoded_documents(second)


def test_cache_entries_expire_after_the_ttl(moto_table: Any) -> None:
    now = [0.0]
    settings = load_settings({"ENRICHMENT_RULES": json.dumps([CUSTOMER_RULE]), "CACHE_TTL_SECONDS": "60"})
    enricher = Enricher(settings, clock=lambda: now[0])
    event = firehose_event([caller(UNKNOWN)])
    enricher.handle(event, LambdaContext())
    put_items(moto_table, CUSTOMER_TABLE, [{"number": UNKNOWN, "契約者会社名": "新規顧客株式会社"}])
    now[0] = 59.0
    (cached,) = decoded_documents(enricher.handle(event, LambdaContext()))
    now[0] = 60.0
    (fresh,) = decoded_documents(enricher.handle(event, LambdaContext()))
    assert cached["EnrichmentStatus"] == {"customer": "not_found"}
    assert fresh["Customer"] == {"CompanyName": "新規顧客株式会社"}


def throttle_always(request: Any, **_: Any) -> Any:
    return dynamodb_error_response(request, "ProvisionedThroughputExceededException")


def test_lookup_errors_deliver_unenriched_records_by_default(moto_table: Any, start_function: Any, capsys: Any) -> None:
    handler = start_function()
    inject_fault(handler.module.ENRICHER.client, throttle_always)
    response = invoke(handler, firehose_event([caller(SAMPLE), caller(None)]), remaining_ms=1500)
    documents = decoded_documents(response)
    assert [r["result"] for r in response["records"]] == ["Ok", "Ok"]
    assert documents[0]["EnrichmentStatus"] == {"customer": "error"}
    assert "Customer" not in documents[0]
    assert documents[1]["EnrichmentStatus"] == {"customer": "skipped"}
    lines = emitted_lines(capsys.readouterr().out)
    (failure,) = [line for line in lines if line.get("message") == "DynamoDB lookups failed"]
    assert failure["reasons"][0].startswith("ProvisionedThroughputExceededException: injected fault")
    metrics = emf_line("\n".join(json.dumps(line) for line in lines))
    assert metrics["LookupErrors"] == 1 and metrics["DynamoDBCalls"] >= 2  # retried before giving up


def test_lookup_errors_can_fail_the_affected_records(moto_table: Any, start_function: Any, capsys: Any) -> None:
    handler = start_function(ON_LOOKUP_ERROR="processing_failed")
    inject_fault(
        handler.module.ENRICHER.client,
        lambda request, **_: dynamodb_error_response(request, "InternalServerError", 500),
    )
    event = firehose_event([caller(SAMPLE), caller(None)])
    response = invoke(handler, event, remaining_ms=1500)
    assert [r["result"] for r in response["records"]] == ["ProcessingFailed", "Ok"]
    assert response["records"][0]["data"] == event["records"][0]["data"]
    assert emf_line(capsys.readouterr().out)["ProcessingFailed"] == 1


def test_lookup_errors_can_make_firehose_retry_the_batch(moto_table: Any, start_function: Any, capsys: Any) -> None:
    handler = start_function(ON_LOOKUP_ERROR="retry_batch")

    def reset(request: Any, **_: Any) -> None:
        raise ConnectionClosedError(endpoint_url=request.url)

    inject_fault(handler.module.ENRICHER.client, reset)
    with pytest.raises(LookupUnavailableError, match="ON_LOOKUP_ERROR=retry_batch"):
        handler(firehose_event([caller(SAMPLE)]), LambdaContext(remaining_ms=1500))
    assert emf_line(capsys.readouterr().out)["LookupErrors"] == 1  # metrics are written before raising


def test_unprocessed_keys_are_retried_until_resolved(moto_table: Any, start_function: Any, capsys: Any) -> None:
    handler = start_function()
    attempts: list[int] = []

    def unprocessed_first(request: Any, **_: Any) -> Any:
        attempts.append(1)
        if len(attempts) > 1:
            return None  # let moto answer
        from botocore.awsrequest import AWSResponse

        from tests.support.faults import Body

        body = json.dumps({"Responses": {}, "UnprocessedKeys": json.loads(request.body)["RequestItems"]})
        return AWSResponse(request.url, 200, {"Content-Type": "application/x-amz-json-1.0"}, Body(body.encode()))

    inject_fault(handler.module.ENRICHER.client, unprocessed_first)
    documents = decoded_documents(invoke(handler, firehose_event([caller(SAMPLE), caller(UNKNOWN)])))
    assert [d["EnrichmentStatus"]["customer"] for d in documents] == ["found", "not_found"]
    assert emf_line(capsys.readouterr().out)["DynamoDBCalls"] == 2


def test_the_answer_comes_before_the_deadline_when_dynamodb_hangs(moto_table: Any, start_function: Any) -> None:
    handler = start_function()
    hang = Hang()
    hang.install(handler.module.ENRICHER.client)
    started = time.monotonic()
    response = invoke(handler, firehose_event([caller(SAMPLE)] * 3), remaining_ms=1000)
    assert time.monotonic() - started < 1.0
    assert [d["EnrichmentStatus"] for d in decoded_documents(response)] == [{"customer": "error"}] * 3
    hang.release()


def test_the_response_never_exceeds_six_million_bytes(moto_table: Any, start_function: Any, capsys: Any) -> None:
    notes = "備考" * 50_000  # 300 KB of UTF-8 per customer
    put_items(moto_table, CUSTOMER_TABLE, [{"number": SAMPLE, "契約者会社名": "株式会社サンプル商事", "Notes": notes}])
    handler = start_function([{**CUSTOMER_RULE, "attributes": {"CompanyName": "契約者会社名", "Notes": "Notes"}}])
    padding = "x" * 260_000
    event = firehose_event([caller(SAMPLE, Padding=padding) for _ in range(16)])  # ~5.6 MB of input
    response = invoke(handler, event)
    assert len(json.dumps(response).encode()) <= 6_000_000
    results = [r["result"] for r in response["records"]]
    enriched = results.count("Ok")
    assert 0 < enriched < 16 and results == ["Ok"] * enriched + ["ProcessingFailed"] * (16 - enriched)
    for original, answered in zip(event["records"][enriched:], response["records"][enriched:], strict=True):
        assert answered["data"] == original["data"]
    out = capsys.readouterr().out
    assert emf_line(out)["Oversize"] == 16 - enriched
    assert any(
        line.get("count") == 16 - enriched for line in emitted_lines(out) if "6,000,000" in line.get("message", "")
    )


@pytest.mark.parametrize(
    ("rules_text", "message"),
    [
        ("customer", "ENRICHMENT_RULES is not valid JSON"),
        ("[]", "ENRICHMENT_RULES must be a non-empty JSON list"),
        (json.dumps([{k: v for k, v in CUSTOMER_RULE.items() if k != "key"}]), "missing required field(s) 'key'"),
        (json.dumps([{**CUSTOMER_RULE, "normalize": "e164"}]), "field 'normalize' must be one of 'phone', 'email'"),
        (json.dumps([CUSTOMER_RULE, {**CUSTOMER_RULE, "target": "Other"}]), "rule name 'customer' is used twice"),
        (json.dumps([{**CUSTOMER_RULE, "source": "CustomerEndpoint..Address"}]), "is not a valid dotted path"),
        (json.dumps([{**CUSTOMER_RULE, "sourse": "CustomerEndpoint.Address"}]), "unknown field(s) 'sourse'"),
    ],
)
def test_a_bad_configuration_stops_the_cold_start_with_a_clear_message(
    rules_text: str, message: str, capsys: Any
) -> None:
    with pytest.raises(ConfigError) as raised:
        cold_start({"ENRICHMENT_RULES": rules_text})
    assert message in str(raised.value)
    (line,) = emitted_lines(capsys.readouterr().out)
    assert line["level"] == "ERROR" and line["message"] == "invalid configuration" and message in line["error"]


def test_a_missing_rules_variable_stops_the_cold_start() -> None:
    with pytest.raises(ConfigError, match="ENRICHMENT_RULES is not set"):
        cold_start({"ENRICHMENT_RULES": None})


def test_an_event_without_records_is_refused(moto_table: Any, start_function: Any) -> None:
    with pytest.raises(ValueError, match="no 'records' list"):
        start_function()({"invocationId": "x"}, LambdaContext())


def test_an_empty_batch_gets_an_empty_answer(moto_table: Any, start_function: Any, capsys: Any) -> None:
    assert invoke(start_function(), firehose_event([])) == {"records": []}
    assert emf_line(capsys.readouterr().out)["Records"] == 0


def test_emf_metrics_name_the_namespace_and_function(moto_table: Any, start_function: Any, capsys: Any) -> None:
    invoke(start_function(METRICS_NAMESPACE="Contact/Center"), firehose_event([caller(SAMPLE)]), function_name="fn")
    metrics = emf_line(capsys.readouterr().out)
    (directive,) = metrics["_aws"]["CloudWatchMetrics"]
    assert directive["Namespace"] == "Contact/Center"
    assert directive["Dimensions"] == [["FunctionName"]]
    assert metrics["FunctionName"] == "fn"
    names = {m["Name"] for m in directive["Metrics"]}
    assert names == {
        "Records",
        "Found",
        "NotFound",
        "Skipped",
        "LookupErrors",
        "ProcessingFailed",
        "Dropped",
        "NonCtrRecords",
        "Oversize",
        "DynamoDBCalls",
        "CacheHits",
        "Duration",
    }
    assert all(isinstance(metrics[name], int | float) for name in names)
    assert metrics["Duration"] > 0


def test_a_record_id_holding_a_lone_surrogate_cannot_crash_the_batch(
    moto_table: Any, start_function: Any, capsys: Any
) -> None:
    # capsys's stdout is strict UTF-8, like the runtime's: a lone surrogate cannot be written to it as is.
    event = firehose_event([b"not json", caller(SAMPLE)], ids=["\ud800", "\udfff-2"])
    response = invoke(start_function(), event)
    assert [r["result"] for r in response["records"]] == ["ProcessingFailed", "Ok"]
    lines = emitted_lines(capsys.readouterr().out)
    (failure,) = [line for line in lines if line.get("message") == "record failed processing"]
    assert failure["recordId"] == "\ud800"


def test_undecodable_data_that_json_escapes_cannot_push_the_response_over_the_limit(
    moto_table: Any, start_function: Any, capsys: Any
) -> None:
    notes = "備考" * 50_000  # 300 KB of UTF-8: each enriched record grows by 400 KB of base64
    put_items(moto_table, CUSTOMER_TABLE, [{"number": SAMPLE, "契約者会社名": "株式会社サンプル商事", "Notes": notes}])
    handler = start_function([{**CUSTOMER_RULE, "attributes": {"CompanyName": "契約者会社名", "Notes": "Notes"}}])
    event = firehose_event([caller(SAMPLE, Padding="x" * 250_000) for _ in range(8)] + [b"placeholder"])
    event["records"][-1]["data"] = "\x01" * 400_000  # not base64: echoed as is, 2.4 MB once JSON-escaped
    assert len(json.dumps(event).encode()) < 5_200_000  # a request Lambda accepts
    response = invoke(handler, event)
    for ascii_only in (True, False):  # the runtime's marshaller, python3.12 and the others
        assert len(json.dumps(response, ensure_ascii=ascii_only).encode()) <= 6_000_000
    assert response["records"][-1] == {
        "recordId": event["records"][-1]["recordId"],
        "result": "ProcessingFailed",
        "data": event["records"][-1]["data"],
    }
    results = [r["result"] for r in response["records"][:8]]
    assert "Ok" in results and "ProcessingFailed" in results
    capsys.readouterr()


@pytest.mark.parametrize("policy", ["deliver_unenriched", "processing_failed"])
def test_a_table_dynamodb_refuses_does_not_fail_the_keys_of_another_table(
    moto_table: Any, start_function: Any, capsys: Any, policy: str
) -> None:
    # The agent table does not exist (a typo, another Region, no permission: DynamoDB refuses the request).
    handler = start_function([CUSTOMER_RULE, AGENT_RULE], ON_LOOKUP_ERROR=policy)
    voice = caller(SAMPLE)  # no agent: only the customer table is needed
    inbound = load_json("ctr_inbound_voice")  # a customer and an agent
    response = invoke(handler, firehose_event([voice, inbound]))
    documents = decoded_documents(response)
    assert documents[0]["Customer"]["CompanyName"] == "株式会社サンプル商事"
    assert documents[0]["EnrichmentStatus"] == {"customer": "found", "agent": "skipped"}
    if policy == "deliver_unenriched":
        assert documents[1]["EnrichmentStatus"] == {"customer": "found", "agent": "error"}
        assert documents[1]["Customer"]["CompanyName"] == "株式会社サンプル商事"
    else:
        assert [r["result"] for r in response["records"]] == ["Ok", "ProcessingFailed"]
    out = capsys.readouterr().out
    (failure,) = [line for line in emitted_lines(out) if line.get("message") == "DynamoDB lookups failed"]
    assert failure["keys"] == 1 and failure["reasons"][0].startswith("ResourceNotFoundException")
    assert (emf_line(out)["Found"], emf_line(out)["LookupErrors"]) == (2, 1)  # one error: the agent's key


def without_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    names = [name for name, _ in pairs]
    assert len(names) == len(set(names)), f"duplicate keys in {names}"
    return dict(pairs)


def strictly_decoded(response: dict[str, Any]) -> list[Any]:
    """Like decoded_documents, refusing a document that repeats a key (json.loads would keep the last)."""
    decoded_documents(response)
    return [
        json.loads(base64.b64decode(r["data"]), object_pairs_hook=without_duplicate_keys) for r in response["records"]
    ]


def test_found_data_merges_into_an_object_already_at_the_target_keeping_the_ctrs_keys(
    moto_table: Any, start_function: Any, capsys: Any
) -> None:
    capabilities = {"Video": "SEND", "ScreenShare": "SEND"}
    ctrs = [
        caller(SAMPLE, Customer={"Capabilities": capabilities, "CompanyName": "From the contact"}),
        caller(SAMPLE, Customer={}),
        caller(SAMPLE, Customer=None),  # null: nothing there yet
    ]
    event = firehose_event(ctrs, ids=["video-1", "empty-1", "null-1"])
    collided, empty, null = strictly_decoded(invoke(start_function(), event))  # single-line input: no repeated key
    assert collided["Customer"] == {"Capabilities": capabilities, "CompanyName": "From the contact", "Tier": "gold"}
    assert empty["Customer"] == null["Customer"] == {"CompanyName": "株式会社サンプル商事", "Tier": "gold"}
    assert [d["EnrichmentStatus"] for d in (collided, empty, null)] == [{"customer": "found"}] * 3
    warnings = [line for line in emitted_lines(capsys.readouterr().out) if line.get("level") == "WARNING"]
    (warning,) = warnings
    assert (warning["recordId"], warning["rule"], warning["keys"]) == ("video-1", "customer", ["CompanyName"])
    assert "kept" in warning["message"]


def test_a_target_holding_something_other_than_an_object_is_skipped_with_a_warning(
    moto_table: Any, start_function: Any, capsys: Any
) -> None:
    values: list[Any] = ["legacy text", ["a"], 7, False]
    event = firehose_event([caller(SAMPLE, Customer=value) for value in values])
    documents = strictly_decoded(invoke(start_function(), event))
    assert [d["Customer"] for d in documents] == values
    assert [d["EnrichmentStatus"] for d in documents] == [{"customer": "skipped"}] * 4
    warnings = [line for line in emitted_lines(capsys.readouterr().out) if line.get("level") == "WARNING"]
    assert [(w["recordId"], w["rule"], w["target"]) for w in warnings] == [
        (f"record-{i:05d}", "customer", "Customer") for i in range(4)
    ]


def test_an_unknown_caller_leaves_a_value_already_at_the_target_untouched(moto_table: Any, start_function: Any) -> None:
    values: list[Any] = [{"Capabilities": {"Video": "SEND"}}, "legacy text", None]
    event = firehose_event([caller(UNKNOWN, Customer=value) for value in values])
    documents = strictly_decoded(invoke(start_function(), event))
    assert [d["Customer"] for d in documents] == values
    assert [d["EnrichmentStatus"] for d in documents] == [{"customer": "not_found"}] * 3


def test_a_nested_target_merges_and_never_nulls_what_is_there(
    moto_table: Any, start_function: Any, capsys: Any
) -> None:
    handler = start_function([{**CUSTOMER_RULE, "target": "Enrichment.Customer"}])
    ctrs = [
        caller(SAMPLE, Enrichment={"Customer": {"Tier": "platinum", "Since": 2019}}),
        caller(UNKNOWN, Enrichment={"Customer": {"Since": 2020}}),
    ]
    merged, unknown = strictly_decoded(invoke(handler, firehose_event(ctrs)))
    assert merged["Enrichment"]["Customer"] == {
        "Tier": "platinum",
        "Since": 2019,
        "CompanyName": "株式会社サンプル商事",
    }
    assert unknown["Enrichment"]["Customer"] == {"Since": 2020}
    (warning,) = [line for line in emitted_lines(capsys.readouterr().out) if line.get("level") == "WARNING"]
    assert warning["keys"] == ["Tier"]


EXACT_NUMBERS = {
    "Sixteen": "9007199254740.993",
    "Seventeen": "12345678901234.567",
    "ThirtyEight": "1234567890123456789012345678.9012345678",
    "Tiny": "-9.8765432109876543210987654321098765432E-100",
    "Integer38": "12345678901234567890123456789012345678",
}


def test_dynamodb_numbers_are_written_with_every_digit(moto_table: Any, start_function: Any) -> None:
    from decimal import Decimal

    item = {"number": SAMPLE, **{name: Decimal(text) for name, text in EXACT_NUMBERS.items()}}
    item["Set"] = {Decimal("0.12345678901234567"), Decimal("2")}
    put_items(moto_table, CUSTOMER_TABLE, [item])
    handler = start_function([{**CUSTOMER_RULE, "attributes": None}])
    multi_line = json.dumps(caller(SAMPLE), indent=1).encode()  # re-serialised, not extended in place
    response = invoke(handler, firehose_event([caller(SAMPLE), multi_line]))
    for record in response["records"]:
        text = base64.b64decode(record["data"]).decode()
        for name, number in EXACT_NUMBERS.items():
            assert f'"{name}":{number}' in text
        customer = json.loads(text, parse_float=Decimal)["Customer"]
        assert sorted(customer["Set"]) == [Decimal("0.12345678901234567"), 2]


def test_numbers_in_a_reserialised_ctr_keep_every_digit(moto_table: Any, start_function: Any) -> None:
    ctr = b'{\n "ContactId": "c1",\n "Cost": 1234567890123456.78,\n "Small": 0.1,\n "Big": 12345678901234567890,\n' + (
        b' "CustomerEndpoint": {"Address": "+81312345678"}\n}'
    )
    (document,) = [base64.b64decode(r["data"]) for r in invoke(start_function(), firehose_event([ctr]))["records"]]
    assert b'"Cost":1234567890123456.78,"Small":0.1,"Big":12345678901234567890,' in document


def test_an_escaped_lone_surrogate_in_a_target_stops_the_cold_start_with_a_config_error(capsys: Any) -> None:
    rules = json.dumps([{**CUSTOMER_RULE, "target": "\ud800"}])  # "\\ud800" in JSON
    with pytest.raises(ConfigError, match=re.escape("(rule 'customer'): field 'target'")):
        cold_start({"ENRICHMENT_RULES": rules})
    (line,) = emitted_lines(capsys.readouterr().out)
    assert line["message"] == "invalid configuration" and "field 'target'" in line["error"]


def test_each_record_gets_a_debug_line_and_each_invocation_one_info_summary(
    moto_table: Any, start_function: Any, capsys: Any
) -> None:
    event = firehose_event([caller(SAMPLE), caller(UNKNOWN), b"oops"])
    invoke(start_function(LOG_LEVEL="DEBUG"), event)
    lines = emitted_lines(capsys.readouterr().out)
    debug = [line for line in lines if line.get("level") == "DEBUG"]
    # One line per record, as each is finished: a record that waits for DynamoDB comes after one that did not.
    assert {line["recordId"]: (line["result"], line["statuses"]) for line in debug} == {
        "record-00000": ("Ok", {"customer": "found"}),
        "record-00001": ("Ok", {"customer": "not_found"}),
        "record-00002": ("ProcessingFailed", {}),
    }
    assert len(debug) == 3
    (summary,) = [line for line in lines if line.get("level") == "INFO"]
    assert summary["message"] == "batch transformed"
    assert (summary["records"], summary["ok"], summary["processing_failed"]) == (3, 2, 1)
    assert (summary["found"], summary["not_found"], summary["dynamodb_calls"]) == (1, 1, 1)
    assert summary["cache_entries"] == 2 and summary["cache_bytes"] > 0 and summary["duration_ms"] > 0


def test_the_default_level_writes_the_summary_but_no_per_record_line(
    moto_table: Any, start_function: Any, capsys: Any
) -> None:
    invoke(start_function(), firehose_event([caller(SAMPLE)] * 5))
    levels = [line.get("level") for line in emitted_lines(capsys.readouterr().out) if "_aws" not in line]
    assert levels == ["INFO"]


def test_data_no_runtime_could_send_back_is_answered_empty_with_a_log_line(
    moto_table: Any, start_function: Any, capsys: Any
) -> None:
    event = firehose_event([caller(SAMPLE), b"placeholder"])
    event["records"][1]["data"] = "\ud800 is not base64"  # a hand-made event: Firehose always sends base64
    response = invoke(start_function(), event)
    assert [(r["result"], r["data"]) for r in response["records"][1:]] == [("ProcessingFailed", "")]
    json.dumps(response, ensure_ascii=False).encode("utf-8")  # what python3.12's runtime does with it
    lines = emitted_lines(capsys.readouterr().out)
    (warning,) = [line for line in lines if line.get("message", "").startswith("record answered without its data")]
    assert warning["recordId"] == "record-00001"
