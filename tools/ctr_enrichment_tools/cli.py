"""``ctr-enrichment``, the command line of the tools: ``replay``, ``load-customers``, ``opensearch-setup`` (``--help``).

This module parses the arguments and hands them to the command; the work is done elsewhere. A problem the user
can fix (``ToolError``) leaves through ``_error``: one line on stderr and an exit status, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from ctr_enrichment.config import LOOKUP_ERROR_POLICIES, NON_CTR_RECORD_POLICIES
from ctr_enrichment_tools import load_customers, opensearch_setup, terminal
from ctr_enrichment_tools.customer_master import AUTO, FORMATS
from ctr_enrichment_tools.errors import ToolError
from ctr_enrichment_tools.firehose_events import DEFAULT_BUFFER_MB, MAX_BUFFER_MB, MIN_BUFFER_MB
from ctr_enrichment_tools.harness import TIMEOUT_SECONDS
from ctr_enrichment_tools.opensearch import DEFAULT_INDEX, DEFAULT_ROTATION, ROTATION_PERIODS
from ctr_enrichment_tools.outputs import BulkSettings
from ctr_enrichment_tools.replay import ReplayOptions, read_rules, replay_command, shortcut_rules

PROG = "ctr-enrichment"
DEFAULT_OUT_DIR = "replay-output"
# Firehose waits at most 300 s for a transformation.
MAX_TIMEOUT_SECONDS = 300.0

_EPILOG = """\
examples:
  ctr-enrichment replay ctrs.ndjson --table ctr-customers --attribute CompanyName=契約者会社名 --bulk
  ctr-enrichment replay failed/ --rules "$(terraform output -raw enrichment_rules)" --profile prod
  ctr-enrichment replay ctrs.json --rules @rules.json --endpoint-url http://127.0.0.1:8000 --region ap-northeast-1

exit status: 0 when every input record was replayed (records the function answers ProcessingFailed
included), 1 when an input could not be read, an invocation failed or the replay could not start, 2 for
a usage error.
"""


def _buffer_size(text: str) -> float:
    value = float(text)
    if not MIN_BUFFER_MB <= value <= MAX_BUFFER_MB:
        raise argparse.ArgumentTypeError(f"must be from {MIN_BUFFER_MB} to {MAX_BUFFER_MB} MB, got {text}")
    return value


def _timeout(text: str) -> float:
    value = float(text)
    if not 1 <= value <= MAX_TIMEOUT_SECONDS:
        raise argparse.ArgumentTypeError(f"must be from 1 to {MAX_TIMEOUT_SECONDS:g} seconds, got {text}")
    return value


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {text}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description="Developer tools for the CTR enrichment function.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    replay = commands.add_parser(
        "replay",
        help="replay CTRs through the real lambda_handler",
        description="Replay CTRs through the real lambda_handler, in Firehose-shaped events, against DynamoDB "
        "(the default AWS credential chain, or --endpoint-url), and write what Firehose would deliver.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    replay.add_argument(
        "inputs",
        nargs="+",
        metavar="INPUT",
        help="NDJSON or JSON file of CTRs, Firehose processing-failed/ object (plain or gzip), "
        "a directory of them, or - for standard input",
    )
    rules = replay.add_argument_group("enrichment rules: --rules, or --table, or $ENRICHMENT_RULES")
    rules.add_argument("--rules", metavar="JSON|@FILE", help="the ENRICHMENT_RULES document, or @file holding it")
    rules.add_argument("--table", help="shortcut: one rule looking CustomerEndpoint.Address up in this table")
    rules.add_argument("--key", default="number", help="with --table: the partition key (default: %(default)s)")
    rules.add_argument(
        "--attribute",
        action="append",
        metavar="OUTPUT=ATTRIBUTE",
        help="with --table: copy ATTRIBUTE as Customer.OUTPUT (repeatable; default: every attribute)",
    )
    rules.add_argument(
        "--on-lookup-error",
        choices=LOOKUP_ERROR_POLICIES,
        default="deliver_unenriched",
        help="the function's ON_LOOKUP_ERROR (default: %(default)s)",
    )
    rules.add_argument(
        "--on-non-ctr-record",
        choices=NON_CTR_RECORD_POLICIES,
        default="deliver_unenriched",
        help="the function's ON_NON_CTR_RECORD, for JSON objects that are not contact trace records, such as agent "
        "events from a shared Kinesis stream (default: %(default)s)",
    )
    _add_dynamodb_arguments(replay)
    firehose = replay.add_argument_group("Firehose")
    firehose.add_argument(
        "--buffer-size-mb",
        metavar="MB",
        type=_buffer_size,
        default=DEFAULT_BUFFER_MB,
        help="processing buffer, 0.2-3 (default: %(default)s, like the module's processor_buffering_size_mb)",
    )
    firehose.add_argument(
        "--timeout",
        metavar="SECONDS",
        type=_timeout,
        default=TIMEOUT_SECONDS,
        help="the function's timeout (default: %(default)g, like the module's lambda_timeout_seconds)",
    )
    out = replay.add_argument_group("outputs")
    out.add_argument("--out-dir", metavar="DIR", type=Path, default=Path(DEFAULT_OUT_DIR), help="default: %(default)s")
    out.add_argument("--bulk", action="store_true", help="also write bulk.ndjson, an OpenSearch _bulk request body")
    out.add_argument("--index", default=DEFAULT_INDEX, help="with --bulk: index name (default: %(default)s)")
    out.add_argument(
        "--index-rotation", choices=ROTATION_PERIODS, default=DEFAULT_ROTATION, help="default: %(default)s"
    )
    report = replay.add_argument_group("report")
    report.add_argument(
        "--top", metavar="N", type=_positive, default=10, help="companies in the chart (default: %(default)s)"
    )
    report.add_argument("--chart-field", metavar="PATH", help="default: the first rule's target and first attribute")
    report.add_argument("--verbose", action="store_true", help="print the handler's log and EMF lines to stderr")
    report.add_argument(
        "--progress", action=argparse.BooleanOptionalAction, help="progress bar (default: when stderr is a terminal)"
    )
    _add_load_customers(commands)
    setup = commands.add_parser(
        "opensearch-setup",
        help="install the index side on a domain: pipeline, template, retention, Firehose access, dashboards",
        description=opensearch_setup.DESCRIPTION,
        epilog=opensearch_setup.EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    opensearch_setup.add_arguments(setup)
    return parser


def _add_dynamodb_arguments(parser: argparse.ArgumentParser) -> None:
    """Where the DynamoDB table is reached from (preflight.aws_environment reads these three)."""
    aws = parser.add_argument_group("DynamoDB")
    aws.add_argument("--endpoint-url", metavar="URL", help="a DynamoDB-compatible endpoint (dynalite, DynamoDB Local)")
    aws.add_argument("--region", help="AWS region (default: the credential chain's)")
    aws.add_argument("--profile", help="AWS profile (default: the credential chain's)")


def _add_load_customers(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    load = commands.add_parser(
        "load-customers",
        help="load a customer master into the lookup table, keyed as the function looks callers up",
        description=load_customers.DESCRIPTION,
        epilog=load_customers.EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    load.set_defaults(load_parser=load)  # its own usage line for its usage errors
    load.add_argument("master", metavar="MASTER", help="CSV, TSV, JSON (an array) or NDJSON file, or - for stdin")
    rules = load.add_argument_group("the rules the table serves: --rules, or $ENRICHMENT_RULES")
    rules.add_argument("--rules", metavar="JSON|@FILE", help="the ENRICHMENT_RULES document, or @file holding it")
    rules.add_argument("--rule", metavar="NAME", help="the phone or email rule to load for (default: the only one)")
    keys = load.add_argument_group("keys and attributes")
    keys.add_argument(
        "--phone-column",
        action="append",
        default=[],
        metavar="COLUMN",
        help="a column of phone numbers, each its own key (repeatable; earlier columns win a number two rows claim)",
    )
    keys.add_argument(
        "--email-column", action="append", default=[], metavar="COLUMN", help="a column of email addresses (repeatable)"
    )
    keys.add_argument(
        "--country",
        metavar="CC",
        help="ISO 3166 region of numbers written without a country code (default: the phone rule's country)",
    )
    keys.add_argument(
        "--attribute",
        action="append",
        metavar="ATTRIBUTE=COLUMN",
        help="write COLUMN as ATTRIBUTE, or COLUMN under its own name (repeatable; default: every other column)",
    )
    reading = load.add_argument_group("reading the master")
    reading.add_argument(
        "--encoding", default=AUTO, help="utf-8, utf-8-sig, cp932, shift_jis, ... (default: detect UTF-8 or CP932)"
    )
    reading.add_argument("--format", choices=(AUTO, *FORMATS), default=AUTO, help="default: by the file's suffix")
    writing = load.add_argument_group("writing")
    writing.add_argument("--dry-run", action="store_true", help="read the table and print the report; write nothing")
    writing.add_argument(
        "--prune",
        action="store_true",
        help="delete the keys the master no longer has (otherwise an old number keeps matching its old company)",
    )
    writing.add_argument(
        "--progress", action=argparse.BooleanOptionalAction, help="progress bar (default: when stderr is a terminal)"
    )
    _add_dynamodb_arguments(load)


def load_options(args: argparse.Namespace, parser: argparse.ArgumentParser) -> load_customers.LoadOptions:
    rules = read_rules(args.rules) if args.rules else os.environ.get("ENRICHMENT_RULES", "").strip()
    if not rules:
        parser.error('give the rules: --rules JSON|@FILE, such as "$(terraform output -raw enrichment_rules)"')
    if not args.phone_column and not args.email_column:
        parser.error("name the column(s) to key by: --phone-column COLUMN and/or --email-column COLUMN")
    return load_customers.LoadOptions(
        master=args.master,
        rules=rules,
        phone_columns=args.phone_column,
        email_columns=args.email_column,
        attributes=args.attribute,
        rule=args.rule,
        country=args.country,
        encoding=args.encoding,
        format=args.format,
        dry_run=args.dry_run,
        prune=args.prune,
        endpoint_url=args.endpoint_url,
        region=args.region,
        profile=args.profile,
        progress=sys.stderr.isatty() if args.progress is None else args.progress,
        columns=terminal.columns(),
        ascii_only=not terminal.can_draw_blocks(sys.stdout),
    )


def _rules(args: argparse.Namespace, parser: argparse.ArgumentParser) -> str:
    """The ENRICHMENT_RULES document from --rules, --table or the environment (exactly one of them)."""
    if args.rules and args.table:
        parser.error("give either --rules or --table, not both")
    if args.attribute and not args.table:
        parser.error("--attribute goes with --table (with --rules, the rules name the attributes)")
    if args.table:
        return shortcut_rules(args.table, args.key, args.attribute)
    if args.rules:
        return read_rules(args.rules)
    from_environment = os.environ.get("ENRICHMENT_RULES", "").strip()
    if not from_environment:
        parser.error("give the rules: --rules JSON|@FILE, or --table NAME, or set ENRICHMENT_RULES")
    return from_environment


def replay_options(args: argparse.Namespace, parser: argparse.ArgumentParser) -> ReplayOptions:
    return ReplayOptions(
        inputs=list(args.inputs),
        rules=_rules(args, parser),
        out_dir=args.out_dir,
        endpoint_url=args.endpoint_url,
        region=args.region,
        profile=args.profile,
        on_lookup_error=args.on_lookup_error,
        on_non_ctr_record=args.on_non_ctr_record,
        buffer_mb=args.buffer_size_mb,
        timeout_seconds=args.timeout,
        bulk=BulkSettings(args.index, args.index_rotation) if args.bulk else None,
        chart_field=args.chart_field,
        top=args.top,
        verbose=args.verbose,
        progress=sys.stderr.isatty() if args.progress is None else args.progress,
        columns=terminal.columns(),
        ascii_only=not terminal.can_draw_blocks(sys.stdout),
    )


def _error(prefix: str, message: str, status: int) -> int:
    """The one way out for a problem the user can fix: a single line on stderr, and the exit status."""
    sys.stderr.write(f"{prefix}: error: {message}\n")
    return status


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    prefix = f"{PROG} {args.command}"
    try:
        if args.command == "opensearch-setup":
            opensearch_setup.run(args, sys.stdout)
            return 0
        if args.command == "load-customers":
            options = load_options(args, args.load_parser)
            return 0 if load_customers.run_load(options, sys.stdout, sys.stderr).succeeded else 1
        succeeded = replay_command(replay_options(args, parser), sys.stdout, sys.stderr)
    except ToolError as error:
        return _error(prefix, str(error), error.exit_status)
    except KeyboardInterrupt:
        sys.stderr.write(f"\n{prefix}: interrupted\n")
        return 130
    except BrokenPipeError:
        terminal.silence_closed_stdout()
        return 1
    return 0 if succeeded else 1


if __name__ == "__main__":
    sys.exit(main())
