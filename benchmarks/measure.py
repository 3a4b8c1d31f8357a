"""One measurement process (started fresh by run.py, so that "cold" really is a fresh process).

    python benchmarks/measure.py baseline EVENT.json OUT.json
    python benchmarks/measure.py enrichment EVENT.json OUT.json --warm-runs 20

DynamoDB calls are counted by wrapping botocore's Endpoint.make_request, the same way for every handler,
independently of the handler's own metrics.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import io
import json
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import botocore.endpoint

CALLS: Counter[str] = Counter()
_make_request = botocore.endpoint.Endpoint.make_request


def _counting_make_request(self: Any, operation_model: Any, request_dict: Any) -> Any:
    CALLS[operation_model.name] += 1
    return _make_request(self, operation_model, request_dict)


botocore.endpoint.Endpoint.make_request = _counting_make_request  # type: ignore[method-assign]


class Context:
    function_name = "ctr-enrichment-benchmark"
    aws_request_id = "benchmark"

    def get_remaining_time_in_millis(self) -> int:
        return 300_000


def cpu_floor(event: dict[str, Any], *, ensure_ascii: bool) -> dict[str, Any]:
    """The least any transformation must do: decode, parse, serialise and encode every record, no I/O."""
    records = []
    for record in event["records"]:
        document = json.loads(base64.b64decode(record["data"]))
        data = base64.b64encode(json.dumps(document, ensure_ascii=ensure_ascii).encode()).decode()
        records.append({"recordId": record["recordId"], "result": "Ok", "data": data})
    return {"records": records}


def timed(function: Any, *args: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    result = function(*args)
    return (time.perf_counter() - started) * 1000, result


def quietly(function: Any, *args: Any) -> Any:
    """Run with the handler's own log and metric lines kept off the terminal (they are still written)."""
    with contextlib.redirect_stdout(io.StringIO()):
        return function(*args)


def _floor(event: dict[str, Any], *, ensure_ascii: bool) -> float:
    started = time.perf_counter()
    cpu_floor(event, ensure_ascii=ensure_ascii)
    return (time.perf_counter() - started) * 1000


def measure_baseline(event: dict[str, Any]) -> dict[str, Any]:
    sys.path.insert(0, str(Path(__file__).parent))
    import naive_handler

    wall_ms, _ = timed(naive_handler.lambda_handler, event, Context())
    return {"baseline_ms": wall_ms, "baseline_calls": sum(CALLS.values())}


def measure_enrichment(event: dict[str, Any], warm_runs: int) -> dict[str, Any]:
    started = time.perf_counter()
    from ctr_enrichment import handler

    init_ms = (time.perf_counter() - started) * 1000
    context = Context()
    cold_ms, response = timed(quietly, handler.lambda_handler, event, context)
    cold_calls = sum(CALLS.values())
    warm, floor_ascii, floor_utf8 = [], [], []
    for _ in range(warm_runs):  # interleaved, so that machine noise hits all three alike
        warm.append(timed(quietly, handler.lambda_handler, event, context)[0])
        floor_ascii.append(_floor(event, ensure_ascii=True))
        floor_utf8.append(_floor(event, ensure_ascii=False))
    results = [r["result"] for r in response["records"]]
    return {
        "init_ms": init_ms,
        "cold_ms": cold_ms,
        "cold_calls": cold_calls,
        "warm_ms": statistics.median(warm),
        "warm_calls": sum(CALLS.values()) - cold_calls,
        # The floor is the faster of the two usual ways to serialise, so the comparison is the strict one.
        "floor_ms": min(statistics.median(floor_ascii), statistics.median(floor_utf8)),
        "ok_records": results.count("Ok"),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=("baseline", "enrichment"))
    parser.add_argument("event", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--warm-runs", type=int, default=20)
    args = parser.parse_args()
    event = json.loads(args.event.read_text())
    result = measure_baseline(event) if args.mode == "baseline" else measure_enrichment(event, args.warm_runs)
    args.out.write_text(json.dumps(result))


if __name__ == "__main__":
    main()
