"""A cache of lookup results bounded by an estimate of its bytes, whose entries expire after a fixed TTL.

It lives in module scope (one per warm Lambda process), so a caller seen in the last few minutes costs no
DynamoDB call. It remembers "not found" too: unknown callers are the common case on a busy contact centre.

Its bound is bytes, not entries: an entry may be a 60-byte "not found" or a 400 KB item, so no entry count
is safe for every table. Every TTL is the same, so insertion order is expiry order: the oldest entries are
at the front, expired ones are dropped from there as new ones come in (amortised O(1) per insertion, and
whether or not their caller rings again), and when the cache is full the oldest goes first; it would be
the next to expire anyway.
"""

from __future__ import annotations

import sys
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

MISS: Any = object()
MIB = 1024 * 1024

# The cache's share of the function's memory, from the figures `make bench` prints (peak RSS, VmHWM):
# - RESERVED_MIB is kept for everything but the cache: the interpreter, boto3 and the client after INIT
#   (48 MiB), a full 6 MB batch in flight (the request body the runtime holds, 6 MiB, then the event, the
#   decoded records, the response and its serialisation: 28 MiB more at most), and 16 MiB for what Lambda's
#   own runtime adds to the sandbox, which cannot be measured here: 98 MiB, and 6 MiB to spare.
# - The rest holds the cache at RSS_PER_ESTIMATED_BYTE: an entry's estimate matches its bytes as tracemalloc
#   counts them to 1 %, but the allocator holds more (the hash table doubles, freed blocks are reused only
#   in place); the measured RSS per estimated byte of a full, churning cache is 0.9-1.23.
RESERVED_MIB = 104
RSS_PER_ESTIMATED_BYTE = 1.35


def budget_bytes(memory_size_mb: int) -> int:
    """The cache's bound in estimated bytes, for a function of ``memory_size_mb`` (0: too small to cache)."""
    return max(0, int((memory_size_mb - RESERVED_MIB) * MIB / RSS_PER_ESTIMATED_BYTE))


def _shallow_size(key: Hashable, value: Any) -> int:
    return sys.getsizeof(key) + sys.getsizeof(value)


class TTLCache:
    def __init__(
        self,
        *,
        ttl_seconds: float,
        max_bytes: int | None = None,
        max_entries: int | None = None,
        size_of: Callable[[Hashable, Any], int] = _shallow_size,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl_seconds = ttl_seconds
        self.max_bytes = sys.maxsize if max_bytes is None else max_bytes
        self.max_entries = sys.maxsize if max_entries is None else max_entries
        self.size_bytes = 0
        self._size_of = size_of
        self._clock = clock
        self._entries: OrderedDict[Hashable, tuple[float, Any]] = OrderedDict()

    @property
    def enabled(self) -> bool:
        return self.ttl_seconds > 0 and self.max_bytes > 0 and self.max_entries > 0

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Hashable) -> Any:
        """The cached value, or ``MISS`` when absent or expired."""
        entry = self._entries.get(key)
        if entry is None:
            return MISS
        if entry[0] <= self._clock():
            self._remove(key)
            return MISS
        return entry[1]

    def put(self, key: Hashable, value: Any) -> None:
        if not self.enabled:
            return
        now = self._clock()
        if key in self._entries:
            self._remove(key)
        entries = self._entries
        while entries:  # the front holds the oldest entries, which expire first
            oldest = next(iter(entries))
            if entries[oldest][0] > now:
                break
            self._remove(oldest)
        size = self._size_of(key, value)
        if size > self.max_bytes:  # larger than the whole cache: not worth evicting everything for
            return
        entries[key] = (now + self.ttl_seconds, value)
        self.size_bytes += size
        while self.size_bytes > self.max_bytes or len(entries) > self.max_entries:
            self._remove(next(iter(entries)))

    def _remove(self, key: Hashable) -> None:
        _, value = self._entries.pop(key)
        self.size_bytes -= self._size_of(key, value)
