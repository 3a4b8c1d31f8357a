"""The replay's summary: counters summed from the handler's EMF lines, what failed and why, the chart."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ctr_enrichment.metrics import METRIC_NAMES
from ctr_enrichment_tools.chart import CallCounts, chart_rows, render_chart
from ctr_enrichment_tools.outputs import BULK as BULK_FILE
from ctr_enrichment_tools.outputs import ENRICHED as ENRICHED_FILE
from ctr_enrichment_tools.outputs import LAMBDA_LOG as LAMBDA_LOG_FILE
from ctr_enrichment_tools.outputs import PROCESSING_FAILED as PROCESSING_FAILED_FILE
from ctr_enrichment_tools.outputs import SUMMARY_JSON as SUMMARY_JSON_FILE

# The fields of the handler's EMF line (README "Observability"), summed over the invocations.
METRIC_FIELDS = METRIC_NAMES
# Enough to find what went wrong; the processing-failed file holds every record.
MAX_LISTED_FAILURES = 1000
SHOWN_FAILURES = 10


@dataclass(frozen=True, slots=True)
class FailedRecord:
    location: str
    record_id: str
    reason: str


@dataclass(slots=True)
class ReplaySummary:
    inputs: list[str]
    target: str  # "region ap-northeast-1" or the endpoint URL
    buffer_mb: float
    chart_field: str
    top: int = 10
    records: int = 0  # sent to the function
    ok: int = 0
    processing_failed: int = 0
    dropped: int = 0
    invocations: int = 0
    input_problems: int = 0
    failed_total: int = 0  # records not delivered: ProcessingFailed, or in a failed invocation
    seconds: float = 0.0
    metrics: Counter[str] = field(default_factory=Counter)
    failed_invocations: list[str] = field(default_factory=list)
    failed_records: list[FailedRecord] = field(default_factory=list)
    lookup_failures: Counter[str] = field(default_factory=Counter)
    chart: CallCounts = field(default_factory=CallCounts)  # calls per company, and without one by why
    outputs: dict[str, str] = field(default_factory=dict)  # file name -> path
    indices: Counter[str] = field(default_factory=Counter)  # documents per index in the bulk file
    example: str | None = None  # one enriched document whose chart field is set

    def add_metrics(self, emf: dict[str, Any]) -> None:
        for name in METRIC_FIELDS:
            value = emf.get(name)
            if isinstance(value, int | float) and not isinstance(value, bool):
                self.metrics[name] += value

    def add_failure(self, failure: FailedRecord) -> None:
        self.failed_total += 1
        if len(self.failed_records) < MAX_LISTED_FAILURES:
            self.failed_records.append(failure)

    @property
    def succeeded(self) -> bool:
        """Everything that was read was replayed (records answered ProcessingFailed are a result, not a failure)."""
        return not self.input_problems and not self.failed_invocations

    def to_json(self) -> dict[str, Any]:
        return {
            "inputs": self.inputs,
            "target": self.target,
            "buffer_size_mb": self.buffer_mb,
            "records": self.records,
            "results": {"Ok": self.ok, "ProcessingFailed": self.processing_failed, "Dropped": self.dropped},
            "invocations": self.invocations,
            "failed_invocations": self.failed_invocations,
            "input_problems": self.input_problems,
            "metrics": {name: round(self.metrics[name], 3) for name in METRIC_FIELDS},
            "lookup_failures": dict(self.lookup_failures),
            "processing_failed_records": [
                {"location": f.location, "recordId": f.record_id, "reason": f.reason} for f in self.failed_records
            ],
            "chart": {
                "field": self.chart_field,
                "counted": "distinct calls: InitialContactId where present, else ContactId",
                "calls": len(self.chart.calls),
                "documents": self.chart.documents,
                "not_contact_records": self.chart.not_contact_records,
                "values": dict(self.chart.value_counts()),
                "reasons": dict(self.chart.reason_counts()),
            },
            "seconds": round(self.seconds, 3),
            "outputs": self.outputs,
            "bulk_indices": dict(self.indices),
        }


def _plural(count: int, noun: str, plural: str | None = None) -> str:
    return f"{count:,} {noun if count == 1 else plural or noun + 's'}"


def render_summary(summary: ReplaySummary, *, columns: int = 80, ascii_only: bool = False) -> str:
    """The text printed after a replay (and written to summary.txt)."""
    m = summary.metrics
    files = _plural(len(summary.inputs), "file")
    lines = [
        f"Replayed {_plural(summary.records, 'record')} from {files} through lambda_handler in "
        f"{_plural(summary.invocations, 'invocation')} ({summary.buffer_mb:g} MB buffer)",
        f"against DynamoDB at {summary.target}",
        "",
        f"  Records          {summary.records:>7,}   Ok {summary.ok:,}, ProcessingFailed {summary.processing_failed:,}"
        + (f", Dropped {summary.dropped:,}" if summary.dropped else ""),
        f"  Lookups          {int(m['Found'] + m['NotFound'] + m['Skipped'] + m['LookupErrors']):>7,}   "
        f"found {int(m['Found']):,}, not found {int(m['NotFound']):,}, skipped {int(m['Skipped']):,}, "
        f"errors {int(m['LookupErrors']):,}",
        f"  DynamoDB calls   {int(m['DynamoDBCalls']):>7,}   cache hits {int(m['CacheHits']):,}",
        f"  Time             {summary.seconds:>7.2f} s in all, {m['Duration'] / 1000:.2f} s in the handler",
    ]
    lines.extend(_problems(summary))
    lines.append("")
    title = f"Calls by company ({summary.chart_field}), top {summary.top}"
    rows = chart_rows(summary.chart.value_counts(), summary.chart.reason_counts(), summary.top)
    lines.extend(render_chart(title, rows, columns=columns, ascii_only=ascii_only))
    if summary.chart.documents:
        calls, documents = len(summary.chart.calls), summary.chart.documents
        lines.append(
            f"  {_plural(calls, 'call')} in {_plural(documents, 'document')}: a call's transfer legs and "
            "re-deliveries count once (InitialContactId, else ContactId)"
        )
        if summary.chart.not_contact_records:
            lines.append(
                f"  {_plural(summary.chart.not_contact_records, 'document')} without a ContactId "
                "(not a contact record) counted in no bar"
            )
    return "\n".join(lines) + "\n"


def _problems(summary: ReplaySummary) -> list[str]:
    lines: list[str] = []
    if summary.input_problems:
        problems = _plural(summary.input_problems, "problem")
        lines.append(f"  Input            {problems}: skipped, see the warnings above")
    if summary.metrics["Oversize"]:
        lines.append(f"  Oversize         {int(summary.metrics['Oversize']):>7,}   did not fit in the 6 MB response")
    for reason, count in summary.lookup_failures.most_common(3):
        lines.append(f"  Lookup failed    {reason} ({_plural(count, 'time')})")
    for error in summary.failed_invocations[:3]:
        lines.append(f"  Invocation failed: {error}")
    if summary.failed_records:
        lines.append("")
        lines.append(f"Not delivered ({summary.failed_total:,}), as Firehose would write them to processing-failed/:")
        for failure in summary.failed_records[:SHOWN_FAILURES]:
            lines.append(f"  {failure.location}")
            lines.append(f"    {failure.reason}")
        hidden = summary.failed_total - min(SHOWN_FAILURES, len(summary.failed_records))
        if hidden > 0:
            lines.append(f"  … and {hidden:,} more (see {PROCESSING_FAILED_FILE})")
    return lines


def render_outputs(summary: ReplaySummary) -> str:
    """What each output file holds, and how to load the bulk file into OpenSearch."""
    if not summary.outputs:
        return ""
    directory = str(Path(next(iter(summary.outputs.values()))).parent)
    described = {
        ENRICHED_FILE: f"{_plural(summary.ok, 'document')}, one per line, as Firehose delivers them to OpenSearch",
        BULK_FILE: "the same as an OpenSearch _bulk body: "
        + ", ".join(f"{index} ({count:,})" for index, count in sorted(summary.indices.items())),
        PROCESSING_FAILED_FILE: f"{_plural(summary.failed_total, 'record')} not delivered, in the form Firehose "
        "writes to processing-failed/ (replayable)",
        LAMBDA_LOG_FILE: "the handler's JSON log lines and EMF metrics, as CloudWatch Logs would get them",
        SUMMARY_JSON_FILE: "this summary, as JSON (and as text in summary.txt)",
    }
    width = max(len(name) for name in described)
    lines = ["", f"Outputs in {directory}/:"]
    lines.extend(f"  {name:<{width}}  {text}" for name, text in described.items() if name in summary.outputs)
    bulk = summary.outputs.get(BULK_FILE)
    if bulk:
        lines.append("")
        lines.append("Load them into OpenSearch (a request may carry 10 MB on small instance types: split bigger")
        lines.append("files with `split -l N`, N even, so that each action stays with its document):")
        lines.append(
            f'  curl -XPOST "$OPENSEARCH_URL/_bulk" -H "Content-Type: application/x-ndjson" --data-binary @{bulk}'
        )
    return "\n".join(lines) + "\n"
