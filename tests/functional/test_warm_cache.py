"""Cold start and warm cache: the client is built during INIT, the cache is bounded, expires and remembers misses."""

from __future__ import annotations

import gc
import time
import tracemalloc
from typing import Any

import botocore.session
import pytest

from ctr_enrichment_tools.harness import firehose_event
from devtools.dynalite import put_items
from tests.support.ctrs import CUSTOMER_RULE, caller, load_json
from tests.support.function import decoded_documents, emf_line, emitted_lines, invoke

SAMPLE = "+81312345678"
UNKNOWN = "+819000000000"


@pytest.fixture
def clients_built(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The service name of every botocore client built from now on."""
    built: list[str] = []
    create_client = botocore.session.Session.create_client

    def counting(self: Any, service_name: str, *args: Any, **kwargs: Any) -> Any:
        built.append(service_name)
        return create_client(self, service_name, *args, **kwargs)

    monkeypatch.setattr(botocore.session.Session, "create_client", counting)
    return built


def test_the_client_is_built_during_init_and_reused_by_every_invocation(
    dynalite_table: str, start_function: Any, clients_built: list[str], capsys: Any
) -> None:
    handler = start_function([{**CUSTOMER_RULE, "table": dynalite_table}])
    assert clients_built == ["dynamodb"]  # at import: the INIT phase, outside any invocation's timeout
    invoke(handler, firehose_event([caller(SAMPLE)]))
    invoke(handler, firehose_event([caller("+81312345679")]))
    assert clients_built == ["dynamodb"]
    assert emf_line(capsys.readouterr().out.splitlines()[-1])["DynamoDBCalls"] == 1


def test_no_client_is_built_and_no_call_made_once_the_deadline_has_passed(
    dynalite_table: str, start_function: Any, clients_built: list[str], capsys: Any
) -> None:
    handler = start_function([{**CUSTOMER_RULE, "table": dynalite_table}])
    built_at_init = len(clients_built)
    # 50 ms left is less than the safety margin: the deadline has passed before the first record is read.
    response = invoke(handler, firehose_event([caller(SAMPLE), caller(UNKNOWN), b"oops"]), remaining_ms=50)
    assert len(clients_built) == built_at_init
    assert [r["result"] for r in response["records"]] == ["Ok", "Ok", "ProcessingFailed"]
    assert [d["EnrichmentStatus"] for d in decoded_documents(response)[:2]] == [{"customer": "error"}] * 2
    out = capsys.readouterr().out
    assert emf_line(out)["DynamoDBCalls"] == 0
    (failure,) = [line for line in emitted_lines(out) if line.get("message") == "DynamoDB lookups failed"]
    assert failure["reasons"] == ["deadline reached before DynamoDB answered"]


@pytest.mark.parametrize(
    "case",
    [
        ({"AWS_DEFAULT_REGION": None, "AWS_CONFIG_FILE": "/nonexistent"}, "NoRegionError"),
        ({"AWS_ENDPOINT_URL_DYNAMODB": "not a url"}, "Invalid endpoint"),
    ],
)
def test_a_client_that_cannot_be_built_at_init_fails_lookups_per_key_not_the_function(
    moto_table: Any,
    start_function: Any,
    monkeypatch: pytest.MonkeyPatch,
    capsys: Any,
    case: tuple[dict[str, str | None], str],
) -> None:
    environment, reason = case
    for name, value in environment.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    handler = start_function()  # the function starts
    response = invoke(handler, firehose_event([caller(SAMPLE), load_json("ctr_chat")]))
    assert [d["EnrichmentStatus"] for d in decoded_documents(response)] == [
        {"customer": "error"},
        {"customer": "skipped"},
    ]
    (failure,) = [
        line for line in emitted_lines(capsys.readouterr().out) if line.get("message") == "DynamoDB lookups failed"
    ]
    assert reason in failure["reasons"][0]


def test_memory_stays_flat_over_many_invocations_with_ever_new_callers(
    dynalite_table: str, start_function: Any, capsys: Any
) -> None:
    handler = start_function([{**CUSTOMER_RULE, "table": dynalite_table}], CACHE_MAX_ENTRIES=500)

    def invocation(round_number: int) -> None:
        numbers = [f"+8170{round_number:04d}{i:04d}" for i in range(200)]  # callers never seen before
        invoke(handler, firehose_event([caller(n) for n in numbers]))
        capsys.readouterr()

    for round_number in range(10):  # warm up: client, connection pool, threads, memo tables
        invocation(round_number)
    tracemalloc.start()
    try:
        for round_number in range(10, 20):
            invocation(round_number)
        gc.collect()
        early, _ = tracemalloc.get_traced_memory()
        for round_number in range(20, 60):  # 8,000 more new callers
            invocation(round_number)
        gc.collect()
        late, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(handler.module.ENRICHER.cache) == 500
    assert late - early < 300_000, f"memory grew by {late - early:,} bytes over 40 invocations"


def test_entries_expire_after_the_ttl(dynalite: Any, dynalite_table: str, start_function: Any, capsys: Any) -> None:
    handler = start_function([{**CUSTOMER_RULE, "table": dynalite_table}], CACHE_TTL_SECONDS="0.5")
    event = firehose_event([caller(SAMPLE)])
    invoke(handler, event)
    invoke(handler, event)
    put_items(dynalite, dynalite_table, [{"number": SAMPLE, "契約者会社名": "社名変更株式会社", "Tier": "gold"}])
    time.sleep(0.6)
    (document,) = decoded_documents(invoke(handler, event))
    calls = [emf_line(line)["DynamoDBCalls"] for line in capsys.readouterr().out.splitlines() if "_aws" in line]
    assert calls == [1, 0, 1]
    assert document["Customer"]["CompanyName"] == "社名変更株式会社"


def test_an_unknown_caller_is_remembered_until_the_ttl(
    dynalite: Any, dynalite_table: str, start_function: Any, capsys: Any
) -> None:
    handler = start_function([{**CUSTOMER_RULE, "table": dynalite_table}])
    event = firehose_event([caller("+819012345678")])
    invoke(handler, event)
    put_items(dynalite, dynalite_table, [{"number": "+819012345678", "契約者会社名": "新規顧客株式会社"}])
    (document,) = decoded_documents(invoke(handler, event))
    assert document["EnrichmentStatus"] == {"customer": "not_found"}  # answered from the cache: no new call
    assert emf_line(capsys.readouterr().out.splitlines()[-1])["DynamoDBCalls"] == 0
