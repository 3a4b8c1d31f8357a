"""A replay: CTRs from files, through Firehose-shaped events and the real handler, into the outputs and a summary."""

from __future__ import annotations

import base64
import binascii
import json
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from ctr_enrichment.config import ConfigError, Settings, load_settings
from ctr_enrichment.outcomes import FailureReason
from ctr_enrichment_tools.chart import ChartSpec
from ctr_enrichment_tools.contacts import contact_key
from ctr_enrichment_tools.errors import ReplayError
from ctr_enrichment_tools.firehose_events import (
    DEFAULT_BUFFER_MB,
    MAX_REQUEST_BYTES,
    REPLAY_NAME,
    EventBuffer,
    FirehoseBatch,
    buffer_size_bytes,
    build_events,
)
from ctr_enrichment_tools.harness import (
    TIMEOUT_SECONDS,
    FirehoseEvents,
    LambdaContext,
    delivery_stream_arn,
    lambda_arn,
    patched_environ,
)
from ctr_enrichment_tools.inputs import InputItem, InputProblem, InputRecord, ReadProgress, read_inputs, resolve_inputs
from ctr_enrichment_tools.inputs import total_size as inputs_size
from ctr_enrichment_tools.lambda_runner import Invocation, invoke, start_function
from ctr_enrichment_tools.outputs import (
    BULK,
    ENRICHED,
    FUNCTION_ERROR_CODE,
    LAMBDA_LOG,
    PROCESSING_FAILED,
    PROCESSING_FAILED_CODE,
    PROCESSING_FAILED_MESSAGE,
    SUMMARY_JSON,
    SUMMARY_TEXT,
    BulkSettings,
    ReplayOutputs,
)
from ctr_enrichment_tools.preflight import aws_environment, check_aws
from ctr_enrichment_tools.report import FailedRecord, ReplaySummary, render_outputs, render_summary
from ctr_enrichment_tools.terminal import ProgressBar, silence_closed_stdout

# Warnings about unreadable lines stop after this many; the summary still counts them all.
MAX_PRINTED_PROBLEMS = 20
_RESULTS = frozenset({"Ok", "Dropped", "ProcessingFailed"})


@dataclass(slots=True)
class ReplayOptions:
    inputs: list[str]
    rules: str  # the ENRICHMENT_RULES JSON document
    out_dir: Path
    endpoint_url: str | None = None
    region: str | None = None
    profile: str | None = None
    on_lookup_error: str = "deliver_unenriched"
    on_non_ctr_record: str = "deliver_unenriched"
    buffer_mb: float = DEFAULT_BUFFER_MB
    timeout_seconds: float = TIMEOUT_SECONDS
    bulk: BulkSettings | None = None
    chart_field: str | None = None
    top: int = 10
    verbose: bool = False
    progress: bool = False
    columns: int = 80
    ascii_only: bool = False


def shortcut_rules(table: str, key: str, attributes: Sequence[str] | None) -> str:
    """The module's default rule (caller number to ``Customer``) on ``table``, as ENRICHMENT_RULES."""
    rule: dict[str, object] = {
        "name": "customer",
        "source": "CustomerEndpoint.Address",
        "table": table,
        "key": key,
        "target": "Customer",
        "normalize": "phone",
    }
    if attributes:
        pairs = [item.partition("=") for item in attributes]
        rule["attributes"] = {output: attribute if separator else output for output, separator, attribute in pairs}
    return json.dumps([rule], ensure_ascii=False)


def read_rules(argument: str) -> str:
    """The rules given as ``--rules``: the JSON document itself, or ``@FILE`` holding it."""
    if not argument.startswith("@"):
        return argument
    try:
        return Path(argument[1:]).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ReplayError(f"cannot read the rules from {argument[1:]}: {error}") from None


def handler_environment(options: ReplayOptions) -> dict[str, str | None]:
    """The function's variables (the Lambda's defaults where the replay has no option) and the AWS ones."""
    environment: dict[str, str | None] = {
        "ENRICHMENT_RULES": options.rules,
        "ON_LOOKUP_ERROR": options.on_lookup_error,
        "ON_NON_CTR_RECORD": options.on_non_ctr_record,
        "LOG_LEVEL": "INFO",
        "CACHE_TTL_SECONDS": None,
        "CACHE_MAX_ENTRIES": None,
        "METRICS_NAMESPACE": None,
    }
    return environment | aws_environment(options.endpoint_url, options.region, options.profile)


def validate_settings(environment: dict[str, str | None]) -> Settings:
    try:
        return load_settings({name: value for name, value in environment.items() if value is not None})
    except ConfigError as error:
        raise ReplayError(f"invalid configuration: {error}") from None


def run_replay(options: ReplayOptions, stdout: TextIO, stderr: TextIO) -> ReplaySummary:
    """Replay the inputs, write the outputs, print the summary; raises ReplayError for a fatal problem."""
    started = time.monotonic()
    try:
        buffer_size = buffer_size_bytes(options.buffer_mb)
    except ValueError as error:
        raise ReplayError(str(error)) from None
    environment = handler_environment(options)
    settings = validate_settings(environment)
    chart = _chart_spec(settings, options.chart_field)
    sources = resolve_inputs(options.inputs)
    with patched_environ(environment):
        region = check_aws(settings.rules, options.endpoint_url)
        summary = ReplaySummary(
            inputs=[source.name for source in sources],
            target=options.endpoint_url or f"region {region}",
            buffer_mb=options.buffer_mb,
            chart_field=chart.field,
            top=options.top,
        )
        progress = ReadProgress(inputs_size(sources))
        bar = ProgressBar(stderr, progress, enabled=options.progress)
        outputs = ReplayOutputs(options.out_dir, lambda_arn(region, REPLAY_NAME), options.bulk)
        function = start_function()
        with outputs:
            records = _records(read_inputs(sources, progress), summary, bar, stderr)
            events = FirehoseEvents(region=region, stream_arn=delivery_stream_arn(region, REPLAY_NAME))
            buffer = EventBuffer(buffer_size=buffer_size, events=events)
            for batch in build_events(records, buffer):
                context = LambdaContext(
                    remaining_ms=options.timeout_seconds * 1000, function_name=REPLAY_NAME, region=region
                )
                invocation = invoke(function, batch.event, context)
                _absorb(batch, invocation, summary, outputs, chart)
                if options.verbose:
                    bar.clear()
                    stderr.write(invocation.output)
                bar.update(f"{summary.records:,} records, {summary.invocations:,} invocations")
            bar.clear()
            summary.seconds = time.monotonic() - started
            summary.outputs = {name: str(outputs.path(name)) for name in _written(outputs)}
            summary.indices = outputs.indices
            text = render_summary(summary, columns=options.columns, ascii_only=options.ascii_only)
            outputs.write_summary(summary.to_json(), text)
    stdout.write(text)
    return summary


def replay_command(options: ReplayOptions, stdout: TextIO, stderr: TextIO) -> bool:
    """``ctr-enrichment replay``: the replay, then what each output holds; True when every input was replayed."""
    summary = run_replay(options, stdout, stderr)
    try:
        stdout.write(render_outputs(summary))
        stdout.flush()
    except BrokenPipeError:
        silence_closed_stdout()
    return summary.succeeded


def _chart_spec(settings: Settings, field: str | None) -> ChartSpec:
    try:
        return ChartSpec.for_rules(settings.rules, field)
    except ConfigError as error:
        raise ReplayError(str(error)) from None


def _written(outputs: ReplayOutputs) -> list[str]:
    written = [ENRICHED, PROCESSING_FAILED, LAMBDA_LOG, SUMMARY_JSON, SUMMARY_TEXT]
    return [*written, BULK] if outputs.bulk else written


def _records(
    items: Iterable[InputItem], summary: ReplaySummary, bar: ProgressBar, stderr: TextIO
) -> Iterator[InputRecord]:
    """The records; each problem is counted, and the first ones printed as ``warning: file:line: what``."""
    for item in items:
        if isinstance(item, InputProblem):
            summary.input_problems += 1
            if summary.input_problems <= MAX_PRINTED_PROBLEMS:
                bar.clear()
                stderr.write(f"warning: {item.location}: {item.message}; skipped\n")
            elif summary.input_problems == MAX_PRINTED_PROBLEMS + 1:
                stderr.write("warning: more input problems; only the count is reported from here on\n")
            continue
        yield item


def check_response(event: dict[str, Any], response: Any) -> str | None:
    """Why Firehose would reject the response as a whole, or None when it is well formed."""
    records = response.get("records") if isinstance(response, dict) else None
    if not isinstance(records, list):
        return "the function returned no 'records' list"
    sent = event["records"]
    if len(records) != len(sent):
        return f"the function answered {len(records)} records for {len(sent)}"
    for answer, request in zip(records, sent, strict=True):
        if not isinstance(answer, dict) or answer.get("recordId") != request["recordId"]:
            return f"the response does not answer record {request['recordId']} in its place"
        if answer.get("result") not in _RESULTS:
            return f"record {request['recordId']} has the invalid result {answer.get('result')!r}"
        try:
            base64.b64decode(answer.get("data", ""), validate=True)
        except (binascii.Error, ValueError, TypeError):
            return f"record {request['recordId']} has data that is not base64"
    size = len(json.dumps(response))
    if size > MAX_REQUEST_BYTES:
        return f"the response is {size:,} bytes, over Lambda's 6 MB limit"
    return None


def _absorb(
    batch: FirehoseBatch, invocation: Invocation, summary: ReplaySummary, outputs: ReplayOutputs, chart: ChartSpec
) -> None:
    """Count an invocation's results and write its records where Firehose would deliver them."""
    summary.invocations += 1
    summary.records += len(batch.sources)
    summary.add_metrics(invocation.metrics)
    summary.lookup_failures.update(invocation.lookup_failures)
    outputs.write_log(invocation.output)
    problem = invocation.error or check_response(batch.event, invocation.response)
    if problem is not None:
        summary.failed_invocations.append(problem)
        for request, source in zip(batch.event["records"], batch.sources, strict=True):
            arrival = request["approximateArrivalTimestamp"]
            outputs.write_failed(request["data"], arrival, FUNCTION_ERROR_CODE, problem)
            summary.add_failure(FailedRecord(source.location, request["recordId"], f"invocation failed: {problem}"))
        return
    assert invocation.response is not None  # noqa: S101 - check_response accepted it
    answers = invocation.response["records"]
    for request, source, answer in zip(batch.event["records"], batch.sources, answers, strict=True):
        arrival = request["approximateArrivalTimestamp"]
        if answer["result"] == "Ok":
            summary.ok += 1
            document = base64.b64decode(answer["data"])
            outputs.write_ok(document, arrival)
            _count_in_chart(document, f"{source.location}#{request['recordId']}", summary, chart)
        elif answer["result"] == "ProcessingFailed":
            summary.processing_failed += 1
            outputs.write_failed(request["data"], arrival, PROCESSING_FAILED_CODE, PROCESSING_FAILED_MESSAGE)
            reason = invocation.failure_reasons.get(request["recordId"]) or _unlogged_reason(invocation)
            summary.add_failure(FailedRecord(source.location, request["recordId"], reason))
        else:
            summary.dropped += 1


def _unlogged_reason(invocation: Invocation) -> str:
    # The handler logs a reason for each record it fails, except those that no longer fit in the response.
    if invocation.metrics.get("Oversize"):
        return FailureReason.OVERSIZE
    return f"no reason logged (see {LAMBDA_LOG})"


def _count_in_chart(document: bytes, record: str, summary: ReplaySummary, chart: ChartSpec) -> None:
    """Count the document's call in its bar; a document that is not a contact record is no call."""
    try:
        parsed = json.loads(document)
    except ValueError:
        parsed = None
    label, is_value = chart.classify(parsed)
    summary.chart.add(label, is_value, contact_key(parsed))
    if is_value and summary.example is None:
        summary.example = document.decode("utf-8", errors="replace")
