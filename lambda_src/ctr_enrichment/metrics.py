"""Per-invocation counters, written as one CloudWatch Embedded Metric Format (EMF) line."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from ctr_enrichment.logs import write_line

# Metric name, field, unit. The names are a contract with the module's alarms and the dashboards.
_METRICS = (
    ("Records", "records", "Count"),
    ("Found", "found", "Count"),
    ("NotFound", "not_found", "Count"),
    ("Skipped", "skipped", "Count"),
    ("LookupErrors", "errors", "Count"),
    ("ProcessingFailed", "processing_failed", "Count"),
    ("Dropped", "dropped", "Count"),
    ("NonCtrRecords", "non_ctr_records", "Count"),
    ("Oversize", "oversize", "Count"),
    ("DynamoDBCalls", "dynamodb_calls", "Count"),
    ("CacheHits", "cache_hits", "Count"),
    ("Duration", "duration_ms", "Milliseconds"),
)
METRIC_NAMES = tuple(name for name, _, _ in _METRICS)


@dataclass(slots=True)
class InvocationMetrics:
    records: int = 0
    found: int = 0
    not_found: int = 0
    skipped: int = 0
    errors: int = 0
    processing_failed: int = 0
    dropped: int = 0
    # Records that are JSON objects but not contact trace records, whatever ON_NON_CTR_RECORD did with them.
    non_ctr_records: int = 0
    oversize: int = 0
    dynamodb_calls: int = 0
    cache_hits: int = 0
    duration_ms: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def emf_document(metrics: InvocationMetrics, namespace: str, function_name: str, timestamp_ms: int) -> dict[str, Any]:
    """The EMF object: CloudWatch extracts the metrics from the log line, no PutMetricData call needed."""
    document: dict[str, Any] = {
        "_aws": {
            "Timestamp": timestamp_ms,
            "CloudWatchMetrics": [
                {
                    "Namespace": namespace,
                    "Dimensions": [["FunctionName"]],
                    "Metrics": [{"Name": name, "Unit": unit} for name, _, unit in _METRICS],
                }
            ],
        },
        "FunctionName": function_name,
    }
    values = metrics.as_dict()
    for name, field, _ in _METRICS:
        document[name] = values[field]
    return document


def emit(document: dict[str, Any]) -> None:
    text = json.dumps(document, separators=(",", ":"))  # ASCII: nothing a stdout could refuse to encode
    write_line(text, lambda: text)
