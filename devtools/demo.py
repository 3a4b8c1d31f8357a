"""``make demo``: the replay, offline, against a local dynalite seeded from ``demo/``; outputs in ``demo-output/``.

``make demo`` runs ``python -m devtools.demo`` in the checkout, whose ``node_modules`` and ``demo/`` it needs.
It starts dynalite on a free 127.0.0.1 port, creates the customer table from ``demo/customers.json``, replays
``demo/ctrs.ndjson`` and a ``processing-failed/`` object through the real handler with the rules in
``demo/enrichment_rules.json``, prints the summary and the chart, and stops the server, also on an error,
Ctrl-C or SIGTERM. Dummy credentials and no AWS configuration files: it can never reach a real account.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from types import FrameType
from typing import Any

import boto3

from ctr_enrichment_tools import terminal
from ctr_enrichment_tools.errors import ReplayError
from ctr_enrichment_tools.harness import patched_environ
from ctr_enrichment_tools.opensearch import DEFAULT_INDEX, DEFAULT_ROTATION
from ctr_enrichment_tools.outputs import BulkSettings
from ctr_enrichment_tools.replay import ReplayOptions, run_replay
from ctr_enrichment_tools.report import ReplaySummary, render_outputs
from devtools.dynalite import REPO_ROOT, Dynalite, create_table, put_items

DEMO_DIR = REPO_ROOT / "demo"
DEFAULT_OUT_DIR = REPO_ROOT / "demo-output"
CUSTOMERS = DEMO_DIR / "customers.json"
RULES = DEMO_DIR / "enrichment_rules.json"
INPUTS = (DEMO_DIR / "ctrs.ndjson", DEMO_DIR / "processing-failed")
TABLE = "ctr-customers"
KEY = "number"
REGION = "ap-northeast-1"


def offline_aws_environment() -> dict[str, str | None]:
    """Dummy keys, a region, and none of the user's AWS settings (profiles, config files, endpoints)."""
    return {
        "AWS_ACCESS_KEY_ID": "demo",
        "AWS_SECRET_ACCESS_KEY": "demo",
        "AWS_SESSION_TOKEN": None,
        "AWS_PROFILE": None,
        "AWS_DEFAULT_PROFILE": None,
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_ENDPOINT_URL": None,
        "AWS_ENDPOINT_URL_DYNAMODB": None,
        "AWS_REGION": REGION,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_EC2_METADATA_DISABLED": "true",
    }


def seed_table(endpoint: str, items: list[dict[str, Any]]) -> None:
    """Create the customer table (partition key ``number``, type S) and put the items."""
    client = boto3.client("dynamodb", endpoint_url=endpoint, region_name=REGION)
    create_table(client, TABLE, KEY)
    put_items(client, TABLE, items)


def _shown(path: Path) -> str:
    """A path as the user would type it from the current directory."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def example_line(document: str) -> str:
    """An enriched document cut down to the fields that tell the story."""
    parsed = json.loads(document)
    head = {name: parsed[name] for name in ("ContactId", "Channel", "CustomerEndpoint") if name in parsed}
    tail = {name: parsed[name] for name in ("Customer", "EnrichmentStatus") if name in parsed}
    compact = json.dumps(head, ensure_ascii=False, separators=(",", ":"))[:-1]
    return compact + ",…," + json.dumps(tail, ensure_ascii=False, separators=(",", ":"))[1:]


def _raise_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt  # unwinds the with blocks, which stop the server


def run_demo(out_dir: Path, *, verbose: bool = False) -> ReplaySummary:
    say = sys.stdout.write
    customers = json.loads(CUSTOMERS.read_text(encoding="utf-8"))
    with patched_environ(offline_aws_environment()), Dynalite() as server:
        say(f"dynalite (a local DynamoDB-compatible server) is listening on {server.endpoint}\n")
        seed_table(server.endpoint, customers)
        say(f"Created table {TABLE} with {len(customers)} customers from {_shown(CUSTOMERS)}\n\n")
        options = ReplayOptions(
            inputs=[_shown(path) for path in INPUTS],
            rules=RULES.read_text(encoding="utf-8"),
            out_dir=Path(_shown(out_dir)),
            endpoint_url=server.endpoint,
            region=REGION,
            bulk=BulkSettings(DEFAULT_INDEX, DEFAULT_ROTATION),
            verbose=verbose,
            columns=terminal.columns(),
            ascii_only=not terminal.can_draw_blocks(sys.stdout),
        )
        summary = run_replay(options, sys.stdout, sys.stderr)
    if summary.example:
        say(f"\nAn enriched document, as OpenSearch receives it:\n  {example_line(summary.example)}\n")
    say(render_outputs(summary))
    say("\ndynalite stopped.\n")
    return summary


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make demo", description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out-dir", type=Path, default=DEFAULT_OUT_DIR, help="default: demo-output/ in the repo")
    parser.add_argument("--verbose", action="store_true", help="print the handler's log and EMF lines to stderr")
    args = parser.parse_args(argv)
    previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    started = time.monotonic()
    try:
        summary = run_demo(args.out_dir, verbose=args.verbose)
    except (ReplayError, RuntimeError) as error:  # RuntimeError: dynalite could not start (node, npm ci)
        sys.stderr.write(f"make demo: error: {error}\n")
        return 1
    except KeyboardInterrupt:
        sys.stderr.write("\nmake demo: interrupted; dynalite stopped\n")
        return 130
    except BrokenPipeError:  # `make demo | head`: the server is stopped, the rest of the output unwanted
        terminal.silence_closed_stdout()
        return 1
    finally:
        signal.signal(signal.SIGTERM, previous)
    sys.stdout.write(f"Demo finished in {time.monotonic() - started:.1f} s.\n")
    return 0 if summary.succeeded else 1


if __name__ == "__main__":
    sys.exit(main())
