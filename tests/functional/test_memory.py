"""The warm function stays within the memory Lambda gives it, however many new callers ring.

Peak RSS is read in a fresh process (VmHWM in /proc/self/status: ``ru_maxrss`` of a forked child would inherit
the parent's peak) that runs the real handler the way the Lambda runtime does: the event arrives as JSON bytes,
is parsed, handled, and the response serialised back to bytes. The handler reads its memory size from
AWS_LAMBDA_FUNCTION_MEMORY_SIZE, as in Lambda.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from ctr_enrichment_tools.harness import firehose_event
from devtools.dynalite import put_items
from tests.support import REPO
from tests.support.ctrs import CUSTOMER_RULE, caller, load_json

MIB = 1024 * 1024
# Lambda's own runtime (awslambdaric, its HTTP client and buffers) lives in the same sandbox and is not in
# this process: the handler must leave at least this much of the function's memory unused here.
RUNTIME_ALLOWANCE_MIB = 16

# Runs in the fresh process: fill the cache invocation by invocation, then take a full 6 MB batch.
SCRIPT = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path

    def status(name):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(name + ":"):
                return int(line.split()[1]) * 1024

    from ctr_enrichment_tools.harness import LambdaContext, cold_start

    function = cold_start()                                  # INIT, with this process's environment

    events, out = Path(sys.argv[1]), Path(sys.argv[2])
    after_init = status("VmRSS")
    results = []
    for path in sorted(events.glob("*.json")):
        body = path.read_bytes()                             # what the runtime receives
        event = json.loads(body)                             # ... and parses
        response = function(event, LambdaContext(function_name="memory-test"))
        payload = json.dumps(response).encode()              # ... and sends back
        results.append([r["result"] for r in response["records"]])
        del body, event, response, payload
    cache = function.module.ENRICHER.cache
    out.write_text(json.dumps({
        "after_init": after_init,
        "peak": status("VmHWM"),
        "cache_entries": len(cache),
        "cache_bytes": getattr(cache, "size_bytes", None),
        "cache_budget": getattr(cache, "max_bytes", None),
        "results": results,
    }))
    """
)


def twenty_attribute_item(number: str) -> dict[str, Any]:
    """A customer row of 20 attributes (about 3.5 KB), cached whole by the module's default rule."""
    return {"number": number, **{f"attribute{i:02d}": f"値{i:02d}-" + "x" * 160 for i in range(20)}}


def write_events(directory: Path, known: list[str]) -> int:
    """Events of ever-new callers (every known customer once, then unknown callers), and a last 6 MB batch."""
    directory.mkdir()
    callers = known + [f"+8180{i:08d}" for i in range(30_000)]
    batches = [callers[start : start + 500] for start in range(0, len(callers), 500)]
    for index, numbers in enumerate(batches):
        event = firehose_event([caller(number) for number in numbers])
        (directory / f"{index:04d}.json").write_text(json.dumps(event))
    template = load_json("ctr_inbound_voice")
    ctrs = [
        {**template, "CustomerEndpoint": {"Address": f"+8190{i:08d}", "Type": "TELEPHONE_NUMBER"}} for i in range(1_800)
    ]
    last = firehose_event(ctrs)
    size = len(json.dumps(last).encode())
    assert 5_500_000 < size <= 6_000_000, size  # a full batch: Lambda accepts at most 6 MB
    (directory / f"{len(batches):04d}.json").write_text(json.dumps(last))
    return len(batches) + 1


@pytest.mark.parametrize("memory_mb", [128])
def test_a_cache_filled_with_ever_new_callers_stays_within_the_function_memory(
    dynalite: Any, dynalite_table: str, tmp_path: Path, memory_mb: int
) -> None:
    known = [f"+8170{i:08d}" for i in range(6_000)]
    put_items(dynalite, dynalite_table, [twenty_attribute_item(number) for number in known])
    count = write_events(tmp_path / "events", known)
    rule = {**CUSTOMER_RULE, "table": dynalite_table, "attributes": None}  # the module's default: whole items
    environment = {
        **os.environ,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(memory_mb),
        "ENRICHMENT_RULES": json.dumps([rule]),
        "PYTHONPATH": os.pathsep.join([str(REPO / "lambda_src"), str(REPO / "tools")]),
    }
    out = tmp_path / "out.json"
    subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path / "events"), str(out)],
        env=environment,
        stdout=subprocess.DEVNULL,
        timeout=600,
        check=True,
    )
    measured = json.loads(out.read_text())
    assert len(measured["results"]) == count
    assert all(result == ["Ok"] * len(result) for result in measured["results"])
    # The bound holds: the process peaked below the function's memory, less what the runtime needs.
    limit = (memory_mb - RUNTIME_ALLOWANCE_MIB) * MIB
    assert measured["peak"] <= limit, (
        f"peak RSS {measured['peak'] / MIB:.1f} MiB over {limit / MIB:.0f} MiB "
        f"(after INIT {measured['after_init'] / MIB:.1f} MiB; cache {measured['cache_entries']:,} entries, "
        f"estimated at {measured['cache_bytes']} bytes of {measured['cache_budget']})"
    )
    # ... and the cache is not merely empty: it holds as much as its budget allows, no more.
    assert 0.8 * measured["cache_budget"] <= measured["cache_bytes"] <= measured["cache_budget"]
