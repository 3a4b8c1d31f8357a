"""The response size guard: never over the limit, in order, originals kept for what does not fit."""

from __future__ import annotations

import json

from ctr_enrichment.records import TransformedRecord
from ctr_enrichment.response import MAX_RESPONSE_BYTES, fit_response


def serialised_size(records: list[dict[str, object]]) -> int:
    """How big the Lambda runtime's json.dumps makes the response."""
    return len(json.dumps({"records": records}).encode("utf-8"))


def test_everything_is_sent_enriched_when_it_fits() -> None:
    records = [TransformedRecord(f"r{i}", "Ok", "E" * 100, "O" * 80) for i in range(10)]
    wire, fell_back = fit_response(records)
    assert fell_back == 0
    assert wire == [{"recordId": f"r{i}", "result": "Ok", "data": "E" * 100} for i in range(10)]


def test_records_that_no_longer_fit_go_out_as_their_original_data_in_order() -> None:
    records = [TransformedRecord(f"r{i}", "Ok", "E" * 1000, "O" * 600) for i in range(10)]
    all_original = serialised_size([r.as_original() for r in records])
    limit = all_original + 3 * (1000 - 600) + 100  # room to enrich three records, not four
    wire, fell_back = fit_response(records, limit=limit)
    assert fell_back == 7
    assert [r["result"] for r in wire] == ["Ok"] * 3 + ["ProcessingFailed"] * 7
    assert [r["data"] for r in wire[3:]] == ["O" * 600] * 7
    assert [r["recordId"] for r in wire] == [f"r{i}" for i in range(10)]
    assert serialised_size(wire) <= limit


def test_the_reserved_size_is_exact_for_every_kind_of_record_id() -> None:
    record_ids = ("r-1", "ß-unicode", "株", 'quote"d', "back\\slash", 7, None)
    records = [TransformedRecord(rid, "Ok", "E" * 50, "O" * 10) for rid in record_ids]
    exact = serialised_size([r.as_original() for r in records])
    wire, fell_back = fit_response(records, limit=exact)  # exactly the originals fit: nothing may grow
    assert fell_back == len(record_ids)
    assert serialised_size(wire) == exact


def test_a_huge_early_record_cannot_starve_later_ones() -> None:
    records = [
        TransformedRecord("big", "Ok", "E" * 5_000, "O" * 10),
        TransformedRecord("small", "Ok", "E" * 20, "O" * 10),
    ]
    wire, fell_back = fit_response(records, limit=400)
    assert [r["result"] for r in wire] == ["ProcessingFailed", "Ok"]
    assert fell_back == 1
    assert serialised_size(wire) <= 400


def test_records_already_failed_are_not_counted_as_oversize() -> None:
    wire, fell_back = fit_response([TransformedRecord("bad", "ProcessingFailed", "!!", "!!")], limit=10)
    assert (wire, fell_back) == ([{"recordId": "bad", "result": "ProcessingFailed", "data": "!!"}], 0)


def test_an_empty_batch_fits() -> None:
    assert fit_response([]) == ([], 0)


def test_the_default_limit_is_lambdas_six_million_bytes() -> None:
    assert MAX_RESPONSE_BYTES == 6_000_000
