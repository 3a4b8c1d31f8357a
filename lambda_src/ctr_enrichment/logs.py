"""Structured JSON log lines on stdout, which Lambda ships to CloudWatch Logs.

No log line may cost a record: a field JSON cannot hold is replaced, text stdout cannot encode (a lone
surrogate from a JSON escape in the input, say) is written as JSON escapes instead, and a stdout that fails
is given up on for that line.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from typing import Any

_LEVELS = {"DEBUG": 10, "INFO": 20, "WARNING": 30, "ERROR": 40, "CRITICAL": 50}


def _loggable(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return f"<{type(value).__name__} that cannot be logged>"


def write_line(text: str, ascii_text: Callable[[], str]) -> None:
    """Write one line to stdout, or ``ascii_text()`` when stdout cannot encode ``text``; never raise.

    stdout is looked up at write time so that the runtime's (or a test's) replacement stream is honoured.
    """
    try:
        try:
            sys.stdout.write(text + "\n")
        except UnicodeEncodeError:  # nothing was written: a text stream encodes the whole line first
            sys.stdout.write(ascii_text() + "\n")
    except (OSError, ValueError):  # stdout closed or broken: the batch is worth more than this line
        pass


class JsonLogger:
    """Writes one JSON object per line: timestamp, level, message, the bound context and the call's fields."""

    def __init__(self, level: str = "INFO", name: str = "ctr_enrichment") -> None:
        self.threshold = _LEVELS[level]
        self.name = name
        self.context: dict[str, Any] = {}

    def bind(self, **context: Any) -> None:
        """Replace the fields added to every line (e.g. the request id of the current invocation)."""
        self.context = context

    def enabled(self, level: str) -> bool:
        return _LEVELS[level] >= self.threshold

    def log(self, level: str, message: str, **fields: Any) -> None:
        if not self.enabled(level):
            return
        line = {
            "timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "level": level,
            "logger": self.name,
            "message": message,
            **self.context,
            **fields,
        }
        try:
            text = json.dumps(line, ensure_ascii=False, default=str)
        except (ValueError, RecursionError):  # a value from the input that JSON cannot hold
            line = {name: _loggable(value) for name, value in line.items()}
            text = json.dumps(line, ensure_ascii=False)
        # Lone surrogates (JSON escapes in the input) cannot be encoded: then only their escapes are written.
        write_line(text, lambda: json.dumps(line, default=str))

    def debug(self, message: str, **fields: Any) -> None:
        self.log("DEBUG", message, **fields)

    def info(self, message: str, **fields: Any) -> None:
        self.log("INFO", message, **fields)

    def warning(self, message: str, **fields: Any) -> None:
        self.log("WARNING", message, **fields)

    def error(self, message: str, **fields: Any) -> None:
        self.log("ERROR", message, **fields)
