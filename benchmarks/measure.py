"""One measurement process (started fresh by run.py, so that "cold" really is a fresh process).

    python benchmarks/measure.py baseline EVENT.json OUT.json
    python benchmarks/measure.py enrichment EVENT.json OUT.json --warm-runs 20
    python benchmarks/measure.py memory EVENT.json OUT.json --fill SHAPE   # AWS_LAMBDA_FUNCTION_MEMORY_SIZE set

DynamoDB calls are counted by wrapping botocore's Endpoint.make_request, the same way for every handler,
independently of the handler's own metrics. Memory is the process's peak RSS (VmHWM in /proc/self/status).
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

from ctr_enrichment_tools.harness import LambdaContext, LambdaFunction, cold_start

CALLS: Counter[str] = Counter()
_make_request = botocore.endpoint.Endpoint.make_request


def _counting_make_request(self: Any, operation_model: Any, request_dict: Any) -> Any:
    CALLS[operation_model.name] += 1
    return _make_request(self, operation_model, request_dict)


botocore.endpoint.Endpoint.make_request = _counting_make_request  # type: ignore[method-assign]

FUNCTION_NAME = "ctr-enrichment-benchmark"


def context(remaining_ms: float = 300_000) -> LambdaContext:
    return LambdaContext(remaining_ms=remaining_ms, function_name=FUNCTION_NAME)


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

    wall_ms, _ = timed(naive_handler.lambda_handler, event, context())
    return {"baseline_ms": wall_ms, "baseline_calls": sum(CALLS.values())}


def measure_enrichment(event: dict[str, Any], warm_runs: int) -> dict[str, Any]:
    init_ms, function = timed(cold_start)  # INIT: the handler's module and everything it imports
    invocation = context()
    cold_ms, response = timed(quietly, function, event, invocation)
    cold_calls = sum(CALLS.values())
    warm, floor_ascii, floor_utf8 = [], [], []
    for _ in range(warm_runs):  # interleaved, so that machine noise hits all three alike
        warm.append(timed(quietly, function, event, invocation)[0])
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
        "response_guard_ms": _response_guard_ms(event, response, warm_runs),
        **_reserialised_ms(function, event, max(3, warm_runs // 4)),
    }


def _response_guard_ms(event: dict[str, Any], response: dict[str, Any], runs: int) -> float:
    """What fitting the response under 6,000,000 bytes costs per invocation (median)."""
    from ctr_enrichment.records import TransformedRecord
    from ctr_enrichment.response import fit_response

    records = [
        TransformedRecord(answer["recordId"], answer["result"], answer["data"], record["data"], len(record["data"]))
        for record, answer in zip(event["records"], response["records"], strict=True)
    ]
    return statistics.median(timed(fit_response, records)[0] for _ in range(runs))


def _reserialised_ms(function: LambdaFunction, event: dict[str, Any], runs: int) -> dict[str, float]:
    """Warm wall time when every CTR must be re-serialised (multi-line input): with floats only, and with a
    number of 18 significant digits in each record, which the exact writer handles instead of the C encoder."""

    def variant(extra: str) -> dict[str, Any]:
        records = []
        for record in event["records"]:
            text = json.dumps(json.loads(base64.b64decode(record["data"])), ensure_ascii=False, indent=1)
            text = text.replace("{", "{" + extra, 1)
            records.append({**record, "data": base64.b64encode(text.encode()).decode()})
        return {**event, "records": records}

    figures = {}
    for name, extra in (
        ("reserialised_ms", '"Cost": 0.25,'),
        ("reserialised_exact_ms", '"Cost": 1234567890123456.78,'),
    ):
        changed = variant(extra)
        quietly(function, changed, context())
        figures[name] = statistics.median(timed(quietly, function, changed, context())[0] for _ in range(runs))
    return figures


def measure_deadline(event: dict[str, Any], remaining_ms: float) -> dict[str, Any]:
    """A cold invocation with ``remaining_ms`` left: how long until the answer, and what it cost."""
    function = cold_start()
    wall_ms, response = timed(quietly, function, event, context(remaining_ms))
    return {
        "deadline_ms": wall_ms,
        "deadline_calls": sum(CALLS.values()),
        "answered": len(response["records"]) == len(event["records"]),
    }


def status_bytes(name: str) -> int:
    """A memory figure of this process from /proc/self/status (VmRSS now, VmHWM its peak), in bytes."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(name + ":"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"{name} is not in /proc/self/status")


# Customer rows the cache is filled with: the demo's shape, and a 20-attribute row (the worst case
# with the module's default rule, which caches whole items).
FILL_SHAPES: dict[str, Any] = {
    "none": None,
    "not_found": None,
    "demo": lambda number: {"number": number, "CompanyName": f"株式会社サンプル{number[-4:]}", "Tier": "gold"},
    "twenty_attributes": lambda number: {
        "number": number,
        **{f"attribute{i:02d}": f"値{i:02d}-" + "x" * 160 for i in range(20)},
    },
}


def invoke_as_the_runtime(function: LambdaFunction, body: bytes) -> dict[str, Any]:
    """As awslambdaric does: parse the request body, call the handler, serialise the response to bytes."""
    event = json.loads(body)
    response = quietly(function, event, context())
    payload = json.dumps(response).encode()
    return {"records": len(response["records"]), "response_bytes": len(payload)}


def measure_memory(body: bytes, fill: str) -> dict[str, Any]:
    """Peak RSS of a full batch on top of a cache filled to its bound with ``fill``-shaped entries.

    The cache is filled the way the pipeline fills it from DynamoDB's answers (render_fragments, then
    cache.put, as _Invocation._absorb does), with ever-new callers until it has turned over by half, so
    that eviction churn is in the figure. Then one full batch of new callers runs through the handler.
    """
    from ctr_enrichment.enrichment import render_fragments

    function = cold_start()
    after_init = status_bytes("VmRSS")
    enricher = function.module.ENRICHER
    cache = enricher.cache
    table = enricher.settings.rules[0].table
    shape = FILL_SHAPES[fill]
    started = time.perf_counter()
    puts, evicting_after = 0, None
    while fill != "none" and (evicting_after is None or puts < evicting_after * 1.5):
        number = f"+8150{puts:09d}"
        value = None if shape is None else render_fragments(shape(number), enricher.rules, table)
        cache.put((table, number), value)
        puts += 1
        if evicting_after is None and len(cache) < puts:
            evicting_after = puts
    fill_seconds = time.perf_counter() - started
    filled = {"entries": len(cache), "bytes": cache.size_bytes, "rss": status_bytes("VmRSS")}
    batch = invoke_as_the_runtime(function, body)
    return {
        "after_init": after_init,
        "filled": filled,
        "peak": status_bytes("VmHWM"),
        "budget": cache.max_bytes,
        "entries_at_peak_batch": len(cache),
        "fill_puts": puts,
        "fill_seconds": fill_seconds,
        **batch,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=("baseline", "enrichment", "memory", "deadline"))
    parser.add_argument("event", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--warm-runs", type=int, default=20)
    parser.add_argument("--fill", choices=sorted(FILL_SHAPES), default="none")
    parser.add_argument("--remaining-ms", type=float, default=50)
    args = parser.parse_args()
    if args.mode == "memory":
        result = measure_memory(args.event.read_bytes(), args.fill)
    else:
        event = json.loads(args.event.read_text())
        if args.mode == "baseline":
            result = measure_baseline(event)
        elif args.mode == "deadline":
            result = measure_deadline(event, args.remaining_ms)
        else:
            result = measure_enrichment(event, args.warm_runs)
    args.out.write_text(json.dumps(result))


if __name__ == "__main__":
    main()
