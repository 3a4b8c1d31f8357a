"""Running the real ``lambda_handler`` in this process, configured the way the deployed function is.

The handler validates its configuration from the environment at import, so the runner sets the variables
first and imports the module afresh (a cold start). It then calls ``lambda_handler`` once per event, with a
context object like the runtime's, and keeps what the handler prints (JSON log lines and one CloudWatch EMF
line per invocation) off the terminal: the replay reads its counters from the EMF line.
"""

from __future__ import annotations

import importlib
import io
import json
import sys
import time
import uuid
from collections.abc import Mapping
from contextlib import ExitStack, redirect_stdout
from dataclasses import dataclass, field
from types import ModuleType, TracebackType
from typing import Any

from ctr_enrichment.config import ConfigError
from ctr_enrichment_tools.environment import patched_environ
from ctr_enrichment_tools.errors import ReplayError
from ctr_enrichment_tools.firehose_events import REPLAY_NAME, lambda_arn

HANDLER_MODULE = "ctr_enrichment.handler"
# The module's lambda_timeout_seconds default; Firehose allows at most 300 s for a transformation.
DEFAULT_TIMEOUT_SECONDS = 60.0
# Messages of the handler's log lines that the replay reports (README: "a log line with the recordId and the
# reason"; "DynamoDB lookups failed" with the distinct reasons).
RECORD_FAILED_MESSAGE = "record failed processing"
LOOKUPS_FAILED_MESSAGE = "DynamoDB lookups failed"


class ReplayContext:
    """The Lambda context object, with the attributes the Python runtime provides."""

    def __init__(self, function_name: str, region: str, timeout_seconds: float) -> None:
        self.function_name = function_name
        self.function_version = "$LATEST"
        self.invoked_function_arn = lambda_arn(region)
        self.memory_limit_in_mb = "512"
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{function_name}"
        self.log_stream_name = "replay"
        self._ends_at = time.monotonic() + timeout_seconds

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._ends_at - time.monotonic()) * 1000))


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
        if "_aws" in entry:
            invocation.metrics = entry
        elif entry.get("message") == RECORD_FAILED_MESSAGE and "recordId" in entry:
            invocation.failure_reasons[str(entry["recordId"])] = str(entry.get("reason", ""))
        elif entry.get("message") == LOOKUPS_FAILED_MESSAGE:
            invocation.lookup_failures.extend(str(reason) for reason in entry.get("reasons", []))
    return invocation


class HandlerRunner:
    """``with HandlerRunner(env, region=...) as runner: runner.invoke(event)``; the environment is restored after."""

    def __init__(
        self,
        environment: Mapping[str, str | None],
        *,
        region: str,
        timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS,
        function_name: str = REPLAY_NAME,
    ) -> None:
        self.environment = environment
        self.region = region
        self.timeout_seconds = timeout_seconds
        self.function_name = function_name
        self._stack = ExitStack()
        self._handler: ModuleType | None = None

    def __enter__(self) -> HandlerRunner:
        self._stack.enter_context(patched_environ(self.environment))
        self._stack.callback(self._forget_handler)
        try:
            self._handler = self._cold_start()
        except BaseException:
            self._stack.close()
            raise
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._stack.close()

    @staticmethod
    def _forget_handler() -> None:
        # The handler's client (built at import) holds the replay's endpoint and credentials: never hand the
        # module to a later user; the next import is a cold start with a client of its own.
        sys.modules.pop(HANDLER_MODULE, None)

    def _cold_start(self) -> ModuleType:
        self._forget_handler()
        with redirect_stdout(io.StringIO()):  # the handler logs its own configuration error; ours is one line
            try:
                return importlib.import_module(HANDLER_MODULE)
            except ConfigError as error:
                raise ReplayError(f"invalid configuration: {error}") from None

    def invoke(self, event: dict[str, Any]) -> Invocation:
        if self._handler is None:
            raise RuntimeError("HandlerRunner.invoke called outside its with block")
        context = ReplayContext(self.function_name, self.region, self.timeout_seconds)
        captured = io.StringIO()
        response: dict[str, Any] | None = None
        error: str | None = None
        with redirect_stdout(captured):
            try:
                response = self._handler.lambda_handler(event, context)
            except Exception as raised:  # Firehose sees a failed invocation (Lambda.FunctionError), so do we
                error = f"{type(raised).__name__}: {raised}"
        return parse_output(Invocation(response, error, captured.getvalue()))
