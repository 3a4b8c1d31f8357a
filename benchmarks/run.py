"""The DynamoDB round-trip benchmark (`make bench`).

A 1,000-CTR Firehose batch with 800 distinct callers (80 % of them in the table) runs against dynalite
behind a proxy that adds a round-trip time (default 5 ms). In one run it measures:

* baseline   - the hand-written function: one GetItem per record, in sequence (fresh process);
* cold       - this project's handler on its first invocation in a fresh process (median of --cold-runs);
* warm       - the same handler invoked again with the same batch (median of --warm-runs);
* cpu_floor  - base64-decode + json.loads + json.dumps + base64-encode of every record, no I/O.

Prints one JSON line per measurement (wall ms, DynamoDB calls, ratio to the baseline, ratio to the floor)
and a last line checking the targets. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import base64
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
sys.path[:0] = [str(REPO / "lambda_src"), str(REPO / "tools")]

from ctr_enrichment_tools.local_dynamodb import Dynalite, create_table, free_port, put_items, wait_for_port  # noqa: E402

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
    batch = []
    for i, number in enumerate(sequence):
        ctr = {
            **template,
            "ContactId": f"{rng.getrandbits(128):032x}",
            "CustomerEndpoint": {"Address": number, "Type": "TELEPHONE_NUMBER"},
        }
        data = json.dumps(ctr, ensure_ascii=False, separators=(",", ":")).encode()
        batch.append(
            {
                "recordId": f"{i:056d}",
                "approximateArrivalTimestamp": 1763601302000 + i,
                "data": base64.b64encode(data).decode(),
            }
        )
    known = callers[: int(distinct * known_fraction)]
    return {"invocationId": "benchmark", "region": "ap-northeast-1", "records": batch}, known


def seed(endpoint: str, known: list[str]) -> None:
    client = boto3.client("dynamodb", endpoint_url=endpoint)
    create_table(client, TABLE)
    put_items(client, TABLE, [{"number": n, "契約者会社名": f"株式会社テスト{n[-4:]}"} for n in known])


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rtt-ms", type=float, default=5.0)
    parser.add_argument("--records", type=int, default=1000)
    parser.add_argument("--distinct", type=int, default=800)
    parser.add_argument("--known-fraction", type=float, default=0.8)
    parser.add_argument("--cold-runs", type=int, default=5)
    parser.add_argument("--warm-runs", type=int, default=20)
    parser.add_argument("--baseline-runs", type=int, default=1)
    args = parser.parse_args()

    # Dummy credentials: everything talks to the local server; nothing may reach a real account.
    os.environ.update(
        AWS_ACCESS_KEY_ID="benchmark", AWS_SECRET_ACCESS_KEY="benchmark", AWS_DEFAULT_REGION="ap-northeast-1"
    )
    event, known = make_batch(args.records, args.distinct, args.known_fraction, random.Random(2026))
    proxy_port = free_port()
    with Dynalite() as dynalite, tempfile.TemporaryDirectory() as scratch:
        proxy = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "ctr_enrichment_tools.fault_proxy",
                "--listen-port",
                str(proxy_port),
                "--upstream-port",
                str(dynalite.port),
                "--rtt-ms",
                str(args.rtt_ms),
            ]
        )
        try:
            wait_for_port(proxy_port, proxy)
            seed(dynalite.endpoint, known)
            event_path = Path(scratch) / "event.json"
            event_path.write_text(json.dumps(event))
            environment = {
                **os.environ,
                "AWS_ENDPOINT_URL_DYNAMODB": f"http://127.0.0.1:{proxy_port}",
                "ENRICHMENT_RULES": json.dumps(RULES),
                "LOG_LEVEL": "WARNING",
                "PYTHONPATH": os.pathsep.join([str(REPO / "lambda_src"), os.environ.get("PYTHONPATH", "")]),
            }
            baselines = [measure("baseline", event_path, environment) for _ in range(args.baseline_runs)]
            runs = [
                measure("enrichment", event_path, environment, "--warm-runs", str(args.warm_runs))
                for _ in range(args.cold_runs)
            ]
        finally:
            proxy.terminate()
            proxy.wait()

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
    print(
        json.dumps(
            line(
                "enrichment_cold",
                cold_ms,
                cold_calls,
                baseline_ms,
                floor_ms,
                runs=len(runs),
                init_ms=round(statistics.median(r["init_ms"] for r in runs), 2),
            )
        )
    )
    print(
        json.dumps(line("enrichment_warm", warm_ms, warm_calls, baseline_ms, floor_ms, runs=len(runs) * args.warm_runs))
    )
    print(json.dumps(line("cpu_floor", floor_ms, 0, baseline_ms, floor_ms, runs=len(runs) * args.warm_runs)))
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
                }
            }
        )
    )


if __name__ == "__main__":
    main()
