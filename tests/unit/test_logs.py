"""Structured logs: one JSON object per line, filtered by level, carrying the invocation's context."""

from __future__ import annotations

import json
from typing import Any

from ctr_enrichment.logs import JsonLogger
from ctr_enrichment.metrics import InvocationMetrics, emf_document, emit


def test_lines_are_json_with_bound_context_and_fields(capsys: Any) -> None:
    logger = JsonLogger("INFO")
    logger.bind(aws_request_id="req-1")
    logger.debug("hidden")
    logger.info("visible", recordId="r1", company="株式会社")
    logger.error("problem", error=ValueError("x"))
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["message"] for line in lines] == ["visible", "problem"]
    assert lines[0]["aws_request_id"] == "req-1" and lines[0]["company"] == "株式会社"
    assert lines[0]["level"] == "INFO" and lines[0]["timestamp"].endswith("Z")
    assert lines[1]["error"] == "x"


def test_a_field_json_cannot_hold_is_replaced_not_fatal(capsys: Any) -> None:
    deep: list[Any] = []
    for _ in range(5_000):
        deep = [deep]
    JsonLogger().warning("record failed processing", recordId=deep, reason="x")
    line = json.loads(capsys.readouterr().out)
    assert line == {**line, "reason": "x", "recordId": "<list that cannot be logged>", "level": "WARNING"}


def test_debug_level_lets_everything_through(capsys: Any) -> None:
    logger = JsonLogger("DEBUG")
    assert logger.enabled("DEBUG")
    logger.debug("details")
    assert json.loads(capsys.readouterr().out)["level"] == "DEBUG"


def test_emf_document_carries_every_counter() -> None:
    metrics = InvocationMetrics(records=3, found=1, not_found=1, skipped=1, dynamodb_calls=1, duration_ms=2.5)
    document = emf_document(metrics, "CtrEnrichment", "fn", 1_700_000_000_000)
    assert document["_aws"]["Timestamp"] == 1_700_000_000_000
    assert (document["Records"], document["Found"], document["NotFound"], document["Skipped"]) == (3, 1, 1, 1)
    assert (document["DynamoDBCalls"], document["Duration"], document["LookupErrors"]) == (1, 2.5, 0)


def test_a_lone_surrogate_in_a_field_cannot_crash_the_log_line(capsys: Any) -> None:
    JsonLogger().warning("record failed processing", recordId="\ud800-id", reason="data is not valid base64")
    line = json.loads(capsys.readouterr().out)
    assert line["recordId"] == "\ud800-id" and line["reason"] == "data is not valid base64"


def test_a_stdout_that_cannot_take_the_line_does_not_crash_the_caller(monkeypatch: Any) -> None:
    class BrokenStream:
        def write(self, text: str) -> int:
            raise OSError("stdout is gone")

    monkeypatch.setattr("sys.stdout", BrokenStream())
    JsonLogger().error("still answered", recordId="r1")
    emit({"_aws": {}, "Records": 1})
