"""``make demo``: a Japanese customer master loaded, then CTRs replayed against it, offline; in ``demo-output/``.

``make demo`` runs ``python -m devtools.demo`` in the checkout, whose ``node_modules`` and ``demo/`` it needs.
It starts dynalite on a free 127.0.0.1 port, creates an empty customer table, loads ``demo/customers.csv`` into
it with ``ctr-enrichment load-customers`` (a CP932 master, as Excel writes it in Japan, with national numbers
written every way people type them), replays ``demo/ctrs.ndjson`` and a ``processing-failed/`` object through
the real handler with the rules in ``demo/enrichment_rules.json`` (national keys for Japan, and an email rule for
the EMAIL channel), prints both reports, and stops the server, also on an error, Ctrl-C or SIGTERM. Dummy
credentials and no AWS configuration files: it can never reach a real account.
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

import boto3

from ctr_enrichment_tools import terminal
from ctr_enrichment_tools.errors import ToolError
from ctr_enrichment_tools.harness import patched_environ
from ctr_enrichment_tools.load_customers import LoadOptions, run_load
from ctr_enrichment_tools.opensearch import DEFAULT_INDEX, DEFAULT_ROTATION
from ctr_enrichment_tools.outputs import BulkSettings
from ctr_enrichment_tools.replay import ReplayOptions, run_replay
from ctr_enrichment_tools.report import ReplaySummary, render_outputs
from devtools.dynalite import REPO_ROOT, Dynalite, create_table

DEMO_DIR = REPO_ROOT / "demo"
DEFAULT_OUT_DIR = REPO_ROOT / "demo-output"
CUSTOMERS = DEMO_DIR / "customers.csv"
RULES = DEMO_DIR / "enrichment_rules.json"
INPUTS = (DEMO_DIR / "ctrs.ndjson", DEMO_DIR / "processing-failed")
TABLE = "ctr-customers"
KEY = "contact"
REGION = "ap-northeast-1"
# The master's columns: two phone numbers and an address per customer, and what the table keeps of a row.
PHONE_COLUMNS = ("代表電話", "携帯電話")
EMAIL_COLUMNS = ("メール",)
ATTRIBUTES = ("契約者会社名", "Tier=ランク", "顧客ID")


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


def create_customer_table(endpoint: str) -> None:
    """Create the empty customer table (partition key ``contact``, type S)."""
    client = boto3.client("dynamodb", endpoint_url=endpoint, region_name=REGION)
    create_table(client, TABLE, KEY)


def load_command() -> str:
    """``ctr-enrichment load-customers`` as the demo runs it, to copy for a master of your own."""
    keys = [f"--phone-column {column}" for column in PHONE_COLUMNS]
    keys += [f"--email-column {column}" for column in EMAIL_COLUMNS]
    attributes = [f"--attribute {attribute}" for attribute in ATTRIBUTES]
    lines = [f"ctr-enrichment load-customers {_shown(CUSTOMERS)} --rules @{_shown(RULES)}", " ".join(keys)]
    return " \\\n      ".join([*lines, " ".join(attributes)])


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
    rules = RULES.read_text(encoding="utf-8")
    with patched_environ(offline_aws_environment()), Dynalite() as server:
        say(f"dynalite (a local DynamoDB-compatible server) is listening on {server.endpoint}\n")
        create_customer_table(server.endpoint)
        say(f"Created the empty table {TABLE} (partition key {KEY!r}). Loading the customer master:\n")
        say(f"$ {load_command()}\n\n")
        load = LoadOptions(
            master=_shown(CUSTOMERS),
            rules=rules,
            phone_columns=list(PHONE_COLUMNS),
            email_columns=list(EMAIL_COLUMNS),
            attributes=list(ATTRIBUTES),
            endpoint_url=server.endpoint,
            region=REGION,
            columns=terminal.columns(),
            ascii_only=not terminal.can_draw_blocks(sys.stdout),
        )
        run_load(load, sys.stdout, sys.stderr)
        say("\nReplaying contact records against it:\n\n")
        options = ReplayOptions(
            inputs=[_shown(path) for path in INPUTS],
            rules=rules,
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
    except (ToolError, RuntimeError) as error:  # RuntimeError: dynalite could not start (node, npm ci)
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
