"""The DynamoDB round-trip benchmark (`make bench`).

A 1,000-CTR Firehose batch with 800 distinct callers (80 % of them in the table) runs against dynalite
behind a proxy that adds a round-trip time (default 5 ms). In one run it measures:

* baseline   - the hand-written function: one GetItem per record, in sequence (fresh process);
* cold       - this project's handler on its first invocation in a fresh process (median of --cold-runs):
               INIT (the module import, which builds the DynamoDB client) and the first invocation;
* warm       - the same handler invoked again with the same batch (median of --warm-runs), and the same
               batch re-serialised (multi-line CTRs), with and without an 18-digit number in each;
* cpu_floor  - base64-decode + json.loads + json.dumps + base64-encode of every record, no I/O;
* deadline   - a cold invocation with 50 ms left (less than the safety margin): how soon it answers;
* memory     - peak RSS (VmHWM) of a fresh process that takes a full 6 MB batch as the Lambda runtime
               does: with an empty cache, and with the cache filled to its bound at 128, 256 and 1,024 MB
               (AWS_LAMBDA_FUNCTION_MEMORY_SIZE), with demo-shaped and with 20-attribute customer rows.

Prints one JSON line per measurement (wall ms, DynamoDB calls, ratio to the baseline, ratio to the floor;
MiB for memory) and a last line checking the targets. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import boto3

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "lambda_src"), str(REPO / "tools"), str(REPO)]

from ctr_enrichment_tools.harness import firehose_event  # noqa: E402
from devtools.dynalite import Dynalite, create_table, free_port, put_items, wait_for_port  # noqa: E402

TABLE = "ctr-customers"
RULES = [
    {
        "name": "customer",
        "source": "CustomerEndpoint.Address",
        "table": TABLE,
        "key": "number",
        "attributes": {"CompanyName": "契約者会社名"},
        "target": "Customer",
        "normalize": "phone",
    }
]


def make_batch(
    records: int, distinct: int, known_fraction: float, rng: random.Random
) -> tuple[dict[str, Any], list[str]]:
    """A Firehose event of realistic inbound-voice CTRs, and the callers that are customers."""
    template = json.loads((REPO / "tests" / "events" / "ctr_inbound_voice.json").read_text(encoding="utf-8"))
    callers = [f"+81{rng.randrange(10**9, 10**10)}" for _ in range(distinct)]
    sequence = callers + [rng.choice(callers) for _ in range(records - distinct)]
    rng.shuffle(sequence)
    ctrs = [
        {
            **template,
            "ContactId": f"{rng.getrandbits(128):032x}",
            "CustomerEndpoint": {"Address": number, "Type": "TELEPHONE_NUMBER"},
        }
        for number in sequence
    ]
    known = callers[: int(distinct * known_fraction)]
    return firehose_event(ctrs, ids=[f"{i:056d}" for i in range(len(ctrs))]), known


def seed(endpoint: str, known: list[str], *, create: bool) -> None:
    client = boto3.client("dynamodb", endpoint_url=endpoint)
    if create:
        create_table(client, TABLE)
    put_items(client, TABLE, [{"number": n, "契約者会社名": f"株式会社テスト{n[-4:]}"} for n in known])


def full_batch(rng: random.Random) -> tuple[dict[str, Any], list[str]]:
    """The largest batch Lambda accepts (just under 6,000,000 bytes of request), every caller new."""
    records = 1_800
    while True:
        event, known = make_batch(records, records, 0.8, rng)
        if len(json.dumps(event).encode()) <= 6_000_000:
            return event, known
        records -= 20


def measure(mode: str, event_path: Path, environment: dict[str, str], *extra: str) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        subprocess.run(
            [sys.executable, str(REPO / "benchmarks" / "measure.py"), mode, str(event_path), out.name, *extra],
            env=environment,
            check=True,
        )
        return json.loads(Path(out.name).read_text())


def line(
    name: str, wall_ms: float, calls: int | None, baseline_ms: float, floor_ms: float, **extra: Any
) -> dict[str, Any]:
    return {
        "measurement": name,
        "wall_ms": round(wall_ms, 2),
        "dynamodb_calls": calls,
        "ratio_to_baseline": round(wall_ms / baseline_ms, 5),
        "speedup_vs_baseline": round(baseline_ms / wall_ms, 1),
        "ratio_to_floor": round(wall_ms / floor_ms, 3),
        **extra,
    }


def print_memory(memory: list[tuple[int, str, dict[str, Any]]], request_bytes: int) -> None:
    """One line per memory measurement, in MiB, beside the timings."""
    mib = 1024 * 1024
    for size, fill, figures in memory:
        print(
            json.dumps(
                {
                    "measurement": "memory_full_batch" if fill == "none" else "memory_full_cache_and_batch",
                    "memory_mb": size,
                    "fill": fill,
                    "peak_rss_mib": round(figures["peak"] / mib, 1),
                    "headroom_mib": round(size - figures["peak"] / mib, 1),
                    "after_init_mib": round(figures["after_init"] / mib, 1),
                    "cache_filled_rss_mib": round(figures["filled"]["rss"] / mib, 1),
                    "cache_entries": figures["filled"]["entries"],
                    "cache_estimated_mib": round(figures["filled"]["bytes"] / mib, 1),
                    "cache_budget_mib": round(figures["budget"] / mib, 1),
                    "rss_per_estimated_byte": round(
                        (figures["filled"]["rss"] - figures["after_init"]) / figures["filled"]["bytes"], 3
                    )
                    if figures["filled"]["bytes"]
                    else None,
                    "batch_request_bytes": request_bytes,
                    "batch_records": figures["records"],
                    "batch_over_filled_mib": round((figures["peak"] - figures["filled"]["rss"]) / mib, 1),
                }
            )
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rtt-ms", type=float, default=5.0)
    parser.add_argument("--records", type=int, default=1000)
    parser.add_argument("--distinct", type=int, default=800)
    parser.add_argument("--known-fraction", type=float, default=0.8)
    parser.add_argument("--cold-runs", type=int, default=5)
    parser.add_argument("--warm-runs", type=int, default=20)
    parser.add_argument("--baseline-runs", type=int, default=1)
    parser.add_argument("--memory-sizes", type=int, nargs="*", default=[128, 256, 1024])
    args = parser.parse_args()

    # Dummy credentials: everything talks to the local server; nothing may reach a real account.
    os.environ.update(
        AWS_ACCESS_KEY_ID="benchmark", AWS_SECRET_ACCESS_KEY="benchmark", AWS_DEFAULT_REGION="ap-northeast-1"
    )
    event, known = make_batch(args.records, args.distinct, args.known_fraction, random.Random(2026))
    big_event, big_known = full_batch(random.Random(6))
    proxy_port = free_port()
    with Dynalite() as dynalite, tempfile.TemporaryDirectory() as scratch:
        proxy = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "devtools.fault_proxy",
                "--listen-port",
                str(proxy_port),
                "--upstream-port",
                str(dynalite.port),
                "--rtt-ms",
                str(args.rtt_ms),
            ],
            cwd=REPO,
        )
        try:
            wait_for_port(proxy_port, proxy)
            seed(dynalite.endpoint, known, create=True)
            seed(dynalite.endpoint, big_known, create=False)
            event_path = Path(scratch) / "event.json"
            event_path.write_text(json.dumps(event))
            big_event_path = Path(scratch) / "full-batch.json"
            big_event_path.write_bytes(json.dumps(big_event).encode())
            environment = {
                **os.environ,
                "AWS_ENDPOINT_URL_DYNAMODB": f"http://127.0.0.1:{proxy_port}",
                "ENRICHMENT_RULES": json.dumps(RULES),
                "LOG_LEVEL": "WARNING",
                "PYTHONPATH": os.pathsep.join(
                    [str(REPO / "lambda_src"), str(REPO / "tools"), os.environ.get("PYTHONPATH", "")]
                ),
            }
            baselines = [measure("baseline", event_path, environment) for _ in range(args.baseline_runs)]
            runs = [
                measure("enrichment", event_path, environment, "--warm-runs", str(args.warm_runs))
                for _ in range(args.cold_runs)
            ]
            deadlines = [measure("deadline", event_path, environment) for _ in range(args.cold_runs)]
            # The module's default rule: whole items, every attribute but the key (the most a cache entry holds).
            whole_items = json.dumps([{**RULES[0], "attributes": None}])
            memory = [
                (
                    size,
                    fill,
                    measure(
                        "memory",
                        big_event_path,
                        {**environment, "ENRICHMENT_RULES": whole_items, "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(size)},
                        "--fill",
                        fill,
                    ),
                )
                for size, fill in [(args.memory_sizes[0], "none")]
                + [(size, fill) for size in args.memory_sizes for fill in ("demo", "twenty_attributes")]
            ]
        finally:
            proxy.terminate()
            proxy.wait()

    report(args, known=known, big_event=big_event, baselines=baselines, runs=runs, deadlines=deadlines, memory=memory)


def report(
    args: argparse.Namespace,
    *,
    known: list[str],
    big_event: dict[str, Any],
    baselines: list[dict[str, Any]],
    runs: list[dict[str, Any]],
    deadlines: list[dict[str, Any]],
    memory: list[tuple[int, str, dict[str, Any]]],
) -> None:
    baseline_ms = statistics.median(b["baseline_ms"] for b in baselines)
    floor_ms = statistics.median(r["floor_ms"] for r in runs)
    cold_ms = statistics.median(r["cold_ms"] for r in runs)
    warm_ms = statistics.median(r["warm_ms"] for r in runs)
    cold_calls = max(r["cold_calls"] for r in runs)
    warm_calls = max(r["warm_calls"] for r in runs)
    setup = {
        "records": args.records,
        "distinct_callers": args.distinct,
        "known_callers": len(known),
        "rtt_ms": args.rtt_ms,
        "python": sys.version.split()[0],
        "cpus": os.cpu_count(),
    }
    print(json.dumps({"setup": setup}))
    print(
        json.dumps(
            line(
                "baseline_getitem_sequential",
                baseline_ms,
                baselines[0]["baseline_calls"],
                baseline_ms,
                floor_ms,
                runs=len(baselines),
            )
        )
    )
    init_ms = statistics.median(r["init_ms"] for r in runs)
    print(
        json.dumps(
            line(
                "enrichment_cold",
                cold_ms,
                cold_calls,
                baseline_ms,
                floor_ms,
                runs=len(runs),
                init_ms=round(init_ms, 2),
                init_plus_cold_ms=round(statistics.median(r["init_ms"] + r["cold_ms"] for r in runs), 2),
            )
        )
    )
    per_record_us = round(warm_ms / args.records * 1000, 2)
    print(
        json.dumps(
            line(
                "enrichment_warm",
                warm_ms,
                warm_calls,
                baseline_ms,
                floor_ms,
                runs=len(runs) * args.warm_runs,
                per_record_us=per_record_us,
            )
        )
    )
    for name in ("reserialised_ms", "reserialised_exact_ms"):
        figure = statistics.median(r[name] for r in runs)
        print(
            json.dumps(
                line(
                    f"enrichment_warm_{name.removesuffix('_ms')}",
                    figure,
                    0,
                    baseline_ms,
                    floor_ms,
                    per_record_us=round(figure / args.records * 1000, 2),
                    ratio_to_warm=round(figure / warm_ms, 3),
                )
            )
        )
    guard_ms = statistics.median(r["response_guard_ms"] for r in runs)
    print(
        json.dumps(
            {
                "measurement": "response_guard",
                "wall_ms": round(guard_ms, 3),
                "ratio_to_warm": round(guard_ms / warm_ms, 4),
            }
        )
    )
    print(json.dumps(line("cpu_floor", floor_ms, 0, baseline_ms, floor_ms, runs=len(runs) * args.warm_runs)))
    deadline_ms = statistics.median(d["deadline_ms"] for d in deadlines)
    print(
        json.dumps(
            {
                "measurement": "cold_with_50ms_left",
                "wall_ms": round(deadline_ms, 2),
                "dynamodb_calls": max(d["deadline_calls"] for d in deadlines),
                "every_record_answered": all(d["answered"] for d in deadlines),
                "runs": len(deadlines),
            }
        )
    )
    print_memory(memory, len(json.dumps(big_event).encode()))
    call_bound = math.ceil(args.distinct / 100)
    print(
        json.dumps(
            {
                "targets": {
                    "cold_at_least_40x_faster_than_baseline": baseline_ms / cold_ms >= 40,
                    f"cold_calls_at_most_{call_bound}": cold_calls <= call_bound,
                    "warm_calls_zero": warm_calls == 0,
                    "warm_at_most_1.0x_cpu_floor": warm_ms <= floor_ms,
                    "every_record_ok": all(r["ok_records"] == args.records for r in runs),
                    "no_call_once_the_deadline_has_passed": all(d["deadline_calls"] == 0 for d in deadlines),
                    "every_memory_size_has_headroom": all(f["peak"] < size * 1024 * 1024 for size, _, f in memory),
                }
            }
        )
    )


if __name__ == "__main__":
    main()
