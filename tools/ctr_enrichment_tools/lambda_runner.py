"""The replay's runs of the real handler: one cold start, then one invocation per event, its output read.

The function is started with ``harness.cold_start`` and invoked with a ``harness.LambdaContext``, as every
other run of it outside Lambda. What the handler prints (JSON log lines, and one CloudWatch EMF line per
invocation) is kept off the terminal and read: the counters from the EMF line, why each record failed and
why lookups failed from the lines ``ctr_enrichment.outcomes`` defines for the function and its readers.
"""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout
from dataclasses import dataclass, field
from typing import Any

from ctr_enrichment.config import ConfigError
from ctr_enrichment.outcomes import LogMessage
from ctr_enrichment_tools.errors import ReplayError
from ctr_enrichment_tools.harness import LambdaContext, LambdaFunction, cold_start


@dataclass(slots=True)
class Invocation:
    """What one call of the handler returned (or raised) and printed."""

    response: dict[str, Any] | None
    error: str | None
    output: str
    metrics: dict[str, Any] = field(default_factory=dict)
    failure_reasons: dict[str, str] = field(default_factory=dict)  # recordId -> why it failed processing
    lookup_failures: list[str] = field(default_factory=list)


def parse_output(invocation: Invocation) -> Invocation:
    """Read the EMF counters and the reasons out of the lines the handler printed."""
    for line in invocation.output.splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if not isinstance(entry, dict):
            continue
        message = entry.get("message")
        if "_aws" in entry:
            invocation.metrics = entry
        elif message == LogMessage.RECORD_FAILED and "recordId" in entry:
            invocation.failure_reasons[str(entry["recordId"])] = str(entry.get("reason", ""))
        elif message == LogMessage.WITHHELD and "recordId" in entry:
            invocation.failure_reasons[str(entry["recordId"])] = LogMessage.WITHHELD
        elif message == LogMessage.LOOKUPS_FAILED:
            invocation.lookup_failures.extend(str(reason) for reason in entry.get("reasons", []))
    return invocation


def start_function() -> LambdaFunction:
    """The function's cold start in the environment the replay has set up; a bad configuration is one line."""
    with redirect_stdout(io.StringIO()):  # the handler logs its own configuration error; ours is one line
        try:
            return cold_start()
        except ConfigError as error:
            raise ReplayError(f"invalid configuration: {error}") from None


def invoke(function: LambdaFunction, event: dict[str, Any], context: LambdaContext) -> Invocation:
    """Call the handler with its output captured; an exception is a failed invocation, as Firehose sees it."""
    captured = io.StringIO()
    response: dict[str, Any] | None = None
    error: str | None = None
    with redirect_stdout(captured):
        try:
            response = function(event, context)
        except Exception as raised:  # Firehose sees a failed invocation (Lambda.FunctionError), so do we
            error = f"{type(raised).__name__}: {raised}"
    return parse_output(Invocation(response, error, captured.getvalue()))
