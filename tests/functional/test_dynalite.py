"""Integration against dynalite, a real DynamoDB-compatible HTTP server that rejects what DynamoDB rejects."""

from __future__ import annotations

from typing import Any

from ctr_enrichment_tools.harness import LambdaContext, firehose_event
from devtools.dynalite import create_table, put_items
from tests.support.ctrs import CUSTOMER_RULE, caller
from tests.support.function import decoded_documents, emf_line, emitted_lines

SAMPLE = "+81312345678"


def rule_for(table: str, **changes: Any) -> dict[str, Any]:
    return {**CUSTOMER_RULE, "table": table, **changes}


def test_found_and_unknown_callers_over_real_http(dynalite_table: str, start_function: Any, capsys: Any) -> None:
    handler = start_function([rule_for(dynalite_table)])
    response = handler(firehose_event([caller(SAMPLE), caller("+819000000000")]), LambdaContext())
    documents = decoded_documents(response)
    assert documents[0]["Customer"] == {"CompanyName": "株式会社サンプル商事", "Tier": "gold"}
    assert documents[1]["Customer"] is None
    assert emf_line(capsys.readouterr().out)["DynamoDBCalls"] == 1


def test_a_large_batch_with_duplicates_is_split_into_valid_requests(
    dynalite: Any, dynalite_table: str, start_function: Any, capsys: Any
) -> None:
    known = [f"+8150000{i:04d}" for i in range(250)]
    put_items(dynalite, dynalite_table, [{"number": n, "契約者会社名": f"会社{n[-4:]}"} for n in known])
    numbers = known + [f"+8159999{i:04d}" for i in range(230)]
    records = [caller(n) for n in numbers] + [caller(n) for n in numbers[:300]]  # 300 repeat callers
    handler = start_function([rule_for(dynalite_table)])
    response = handler(firehose_event(records), LambdaContext())
    documents = decoded_documents(response)
    statuses = [d["EnrichmentStatus"]["customer"] for d in documents]
    assert statuses.count("found") == 250 + 250 and statuses.count("not_found") == 230 + 50
    assert documents[7]["Customer"] == {"CompanyName": "会社0007"}
    assert emf_line(capsys.readouterr().out)["DynamoDBCalls"] == 5  # 480 distinct keys / 100


def test_keys_dynamodb_would_reject_are_skipped_so_the_rest_still_resolve(
    dynalite_table: str, start_function: Any, capsys: Any
) -> None:
    handler = start_function([rule_for(dynalite_table, normalize="none")])
    records = [caller(SAMPLE), caller("9" * 2049)]
    documents = decoded_documents(handler(firehose_event(records), LambdaContext()))
    assert [d["EnrichmentStatus"]["customer"] for d in documents] == ["found", "skipped"]
    assert emf_line(capsys.readouterr().out)["LookupErrors"] == 0


def test_unprocessed_keys_from_a_response_over_1_mb_are_fetched_by_retrying(
    dynalite: Any, dynalite_table: str, start_function: Any, capsys: Any
) -> None:
    big = [f"+8160000{i:04d}" for i in range(30)]
    put_items(dynalite, dynalite_table, [{"number": n, "Notes": "x" * 100_000} for n in big])  # 3 MB in all
    handler = start_function([rule_for(dynalite_table, attributes=None)])
    documents = decoded_documents(handler(firehose_event([caller(n) for n in big]), LambdaContext()))
    assert all(d["Customer"] == {"Notes": "x" * 100_000} for d in documents)
    assert emf_line(capsys.readouterr().out)["DynamoDBCalls"] >= 3


def test_a_missing_table_is_a_lookup_error_with_the_service_message(
    dynalite: Any, start_function: Any, capsys: Any
) -> None:
    handler = start_function([rule_for("no-such-table")])
    documents = decoded_documents(handler(firehose_event([caller(SAMPLE)]), LambdaContext()))
    assert documents[0]["EnrichmentStatus"] == {"customer": "error"}
    (failure,) = [
        line for line in emitted_lines(capsys.readouterr().out) if line.get("message") == "DynamoDB lookups failed"
    ]
    assert failure["reasons"] == ["ResourceNotFoundException: Requested resource not found"]


def test_a_table_whose_key_is_not_a_string_is_reported_not_crashed(
    dynalite: Any, start_function: Any, capsys: Any
) -> None:
    dynalite.create_table(
        TableName="numeric-keys",
        KeySchema=[{"AttributeName": "number", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "number", "AttributeType": "N"}],
        BillingMode="PAY_PER_REQUEST",
    )
    handler = start_function([rule_for("numeric-keys")])
    documents = decoded_documents(handler(firehose_event([caller(SAMPLE)]), LambdaContext()))
    assert documents[0]["EnrichmentStatus"] == {"customer": "error"}
    out = capsys.readouterr().out
    assert "ValidationException" in out


def test_a_table_created_with_another_key_name_is_reported_not_crashed(
    dynalite: Any, start_function: Any, capsys: Any
) -> None:
    create_table(dynalite, "phone-keys", key="phone")
    handler = start_function([rule_for("phone-keys")])
    documents = decoded_documents(handler(firehose_event([caller(SAMPLE)]), LambdaContext()))
    assert documents[0]["EnrichmentStatus"] == {"customer": "error"}
    assert "ValidationException" in capsys.readouterr().out
