"""The moment by which the function must have answered Firehose."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# Time kept back from Lambda's remaining time for encoding the response and writing logs after the last
# lookup: a tenth of what is left, at least 200 ms and at most 2 s.
MARGIN_FRACTION = 0.1
MIN_MARGIN_SECONDS = 0.2
MAX_MARGIN_SECONDS = 2.0


def safety_margin(remaining_seconds: float) -> float:
    return min(MAX_MARGIN_SECONDS, max(MIN_MARGIN_SECONDS, remaining_seconds * MARGIN_FRACTION))


@dataclass(frozen=True, slots=True)
class Deadline:
    at: float
    clock: Callable[[], float] = time.monotonic

    @classmethod
    def from_context(cls, context: Any, clock: Callable[[], float] = time.monotonic) -> Deadline:
        """Derive the deadline from the Lambda context's ``get_remaining_time_in_millis()``."""
        remaining = max(0.0, context.get_remaining_time_in_millis() / 1000.0)
        return cls(clock() + remaining - safety_margin(remaining), clock)

    def remaining(self) -> float:
        return self.at - self.clock()

    def expired(self) -> bool:
        return self.remaining() <= 0
