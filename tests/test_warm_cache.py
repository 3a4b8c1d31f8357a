"""Cold start and warm cache: the client is made lazily, the cache is bounded, expires and remembers misses."""

from __future__ import annotations

import gc
import time
import tracemalloc
from typing import Any

from ctr_enrichment import dynamodb
from tests.conftest import (
    CUSTOMER_RULE,
    caller,
    decoded_documents,
    emf_line,
    firehose_event,
    invoke,
    load_json,
    put_items,
)

SAMPLE = "+81312345678"


def test_a_cold_start_makes_no_client_until_a_record_needs_a_lookup(
    dynalite_table: str, load_handler: Any, capsys: Any
) -> None:
    handler = load_handler([{**CUSTOMER_RULE, "table": dynalite_table}])
    assert dynamodb.get_client.cache_info().currsize == 0
    invoke(handler, firehose_event([load_json("ctr_chat"), b"not json"]))
    assert dynamodb.get_client.cache_info().currsize == 0  # nothing to look up, no client
    invoke(handler, firehose_event([caller(SAMPLE)]))
    assert dynamodb.get_client.cache_info().currsize == 1
    assert len(handler.ENRICHER.cache) == 1
    capsys.readouterr()


def test_memory_stays_flat_over_many_invocations_with_ever_new_callers(
    dynalite_table: str, load_handler: Any, capsys: Any
) -> None:
    handler = load_handler([{**CUSTOMER_RULE, "table": dynalite_table}], CACHE_MAX_ENTRIES=500)

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
    assert len(handler.ENRICHER.cache) == 500
    assert late - early < 300_000, f"memory grew by {late - early:,} bytes over 40 invocations"


def test_entries_expire_after_the_ttl(dynalite: Any, dynalite_table: str, load_handler: Any, capsys: Any) -> None:
    handler = load_handler([{**CUSTOMER_RULE, "table": dynalite_table}], CACHE_TTL_SECONDS="0.5")
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
    dynalite: Any, dynalite_table: str, load_handler: Any, capsys: Any
) -> None:
    handler = load_handler([{**CUSTOMER_RULE, "table": dynalite_table}])
    event = firehose_event([caller("+819012345678")])
    invoke(handler, event)
    put_items(dynalite, dynalite_table, [{"number": "+819012345678", "契約者会社名": "新規顧客株式会社"}])
    (document,) = decoded_documents(invoke(handler, event))
    assert document["EnrichmentStatus"] == {"customer": "not_found"}  # answered from the cache: no new call
    assert emf_line(capsys.readouterr().out.splitlines()[-1])["DynamoDBCalls"] == 0
