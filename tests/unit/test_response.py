"""The response size guard: never over the limit, in order, originals kept for what does not fit."""

from __future__ import annotations

import json

from ctr_enrichment.records import TransformedRecord, wire_length
from ctr_enrichment.response import MAX_RESPONSE_BYTES, fit_response


def record(record_id: str, result: str, data: str, original: str) -> TransformedRecord:
    """An output record as the pipeline makes it, measuring its original as the runtime will write it."""
    return TransformedRecord(record_id, result, data, original, wire_length(original))  # type: ignore[arg-type]


def serialised_size(records: list[dict[str, object]]) -> int:
    """How big the Lambda runtime's json.dumps makes the response."""
    return len(json.dumps({"records": records}).encode("utf-8"))


def test_everything_is_sent_enriched_when_it_fits() -> None:
    records = [record(f"r{i}", "Ok", "E" * 100, "O" * 80) for i in range(10)]
    wire, fell_back = fit_response(records)
    assert fell_back == 0
    assert wire == [{"recordId": f"r{i}", "result": "Ok", "data": "E" * 100} for i in range(10)]


def test_records_that_no_longer_fit_go_out_as_their_original_data_in_order() -> None:
    records = [record(f"r{i}", "Ok", "E" * 1000, "O" * 600) for i in range(10)]
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
    records = [record(rid, "Ok", "E" * 50, "O" * 10) for rid in record_ids]
    exact = serialised_size([r.as_original() for r in records])
    wire, fell_back = fit_response(records, limit=exact)  # exactly the originals fit: nothing may grow
    assert fell_back == len(record_ids)
    assert serialised_size(wire) == exact


def test_a_huge_early_record_cannot_starve_later_ones() -> None:
    records = [
        record("big", "Ok", "E" * 5_000, "O" * 10),
        record("small", "Ok", "E" * 20, "O" * 10),
    ]
    wire, fell_back = fit_response(records, limit=400)
    assert [r["result"] for r in wire] == ["ProcessingFailed", "Ok"]
    assert fell_back == 1
    assert serialised_size(wire) <= 400


def test_records_already_failed_are_not_counted_as_oversize() -> None:
    wire, fell_back = fit_response([record("bad", "ProcessingFailed", "ISE=", "ISE=")], limit=10)
    assert (wire, fell_back) == ([{"recordId": "bad", "result": "ProcessingFailed", "data": "ISE="}], 0)


def test_an_empty_batch_fits() -> None:
    assert fit_response([]) == ([], 0)


def test_the_default_limit_is_lambdas_six_million_bytes() -> None:
    assert MAX_RESPONSE_BYTES == 6_000_000


def runtime_sizes(records: list[dict[str, object]]) -> list[int]:
    """The response size as each Python runtime writes it (awslambdaric's marshaller: simplejson's defaults, and
    ensure_ascii=False on python3.12), in UTF-8 bytes."""
    response = {"records": records}
    return [len(json.dumps(response, ensure_ascii=ascii_only).encode()) for ascii_only in (True, False)]


def test_original_data_that_json_escapes_is_counted_as_the_runtime_writes_it() -> None:
    # Data that is not base64 goes back as it came: every control character costs six bytes, a quote two,
    # a non-ASCII character up to six (twelve for one outside the Basic Multilingual Plane).
    undecodable = ["\x01" * 1_000, '"' * 1_000, "株" * 1_000, "📞" * 1_000, "\\\n\t" * 300]
    records = [record(f"bad-{i}", "ProcessingFailed", text, text) for i, text in enumerate(undecodable)]
    records += [record(f"ok-{i}", "Ok", "E" * 2_000, "O" * 1_000) for i in range(5)]
    originals = [r.as_original() for r in records]
    limit = max(runtime_sizes(originals)) + 2 * 1_000 + 50  # room to enrich two records, not three
    wire, fell_back = fit_response(records, limit=limit)
    assert max(runtime_sizes(wire)) <= limit
    assert [r["result"] for r in wire[5:]] == ["Ok"] * 2 + ["ProcessingFailed"] * 3
    assert fell_back == 3
    assert [r["data"] for r in wire[:5]] == undecodable


def test_data_that_is_not_base64_is_answered_empty_when_even_the_originals_do_not_fit() -> None:
    # Firehose always sends base64, so this only happens with a hand-made event: its raw UTF-8 text was
    # within Lambda's request limit, but escaped as the runtime writes it, it no longer fits the response.
    records = [record("ok", "Ok", "E" * 100, "O" * 80)]
    records += [record(f"bad-{i}", "ProcessingFailed", "📞" * 500, "📞" * 500) for i in range(4)]
    records += [record("last", "Ok", "E" * 100, "O" * 80)]
    limit = 20_000  # each bad record echoes as 6,000 bytes of escapes
    wire, fell_back = fit_response(records, limit=limit)
    assert max(runtime_sizes(wire)) <= limit
    assert [r["recordId"] for r in wire] == ["ok", "bad-0", "bad-1", "bad-2", "bad-3", "last"]
    assert [r["result"] for r in wire] == ["Ok"] + ["ProcessingFailed"] * 4 + ["Ok"]
    echoed = [r["data"] for r in wire[1:5]]
    assert "" in echoed and "📞" * 500 in echoed  # as many echoed as fit, the rest answered without data
    assert fell_back == 0


def test_data_holding_a_lone_surrogate_is_answered_empty_because_a_runtime_cannot_send_it() -> None:
    # python3.12's runtime writes non-ASCII as is (ensure_ascii=False) and then encodes UTF-8: a lone
    # surrogate there would fail the whole invocation.
    records = [
        record("bad", "ProcessingFailed", "\ud800 not base64", "\ud800 not base64"),
        record("text", "ProcessingFailed", "株 not base64", "株 not base64"),
        record("ok", "Ok", "E" * 10, "O" * 8),
    ]
    wire, fell_back = fit_response(records)
    assert [(r["result"], r["data"]) for r in wire] == [
        ("ProcessingFailed", ""),
        ("ProcessingFailed", "株 not base64"),
        ("Ok", "E" * 10),
    ]
    assert fell_back == 0
    json.dumps({"records": wire}, ensure_ascii=False).encode("utf-8")
