"""A bounded least-recently-used cache whose entries expire after a fixed time-to-live.

It lives in module scope (one per warm Lambda process), so a caller seen in the last few minutes costs no
DynamoDB call. It remembers "not found" too: unknown callers are the common case on a busy contact centre.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

MISS: Any = object()


class TTLCache:
    def __init__(self, max_entries: int, ttl_seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.max_entries = max_entries
        self.ttl_seconds = ttl_seconds
        self._clock = clock
        self._entries: OrderedDict[Hashable, tuple[float, Any]] = OrderedDict()

    @property
    def enabled(self) -> bool:
        return self.max_entries > 0 and self.ttl_seconds > 0

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Hashable) -> Any:
        """The cached value, or ``MISS`` when absent or expired."""
        entry = self._entries.get(key)
        if entry is None:
            return MISS
        expires_at, value = entry
        if expires_at <= self._clock():
            del self._entries[key]
            return MISS
        self._entries.move_to_end(key)
        return value

    def put(self, key: Hashable, value: Any) -> None:
        if not self.enabled:
            return
        self._entries[key] = (self._clock() + self.ttl_seconds, value)
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)
