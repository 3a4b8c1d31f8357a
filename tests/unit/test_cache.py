"""The module-scope cache is bounded by bytes (and optionally entries), expires entries, remembers misses."""

from __future__ import annotations

import sys

import pytest

from ctr_enrichment.cache import MISS, RESERVED_MIB, TTLCache, budget_bytes


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_values_and_not_found_markers_are_returned_until_they_expire() -> None:
    clock = Clock()
    cache = TTLCache(max_entries=10, ttl_seconds=300, clock=clock)
    cache.put("found", {"CompanyName": "Acme"})
    cache.put("not-found", None)
    assert cache.get("found") == {"CompanyName": "Acme"}
    assert cache.get("not-found") is None
    assert cache.get("never-seen") is MISS
    clock.now += 299.9
    assert cache.get("not-found") is None
    clock.now += 0.1
    assert cache.get("found") is MISS
    assert cache.get("not-found") is MISS
    assert len(cache) == 0


def test_the_oldest_entry_which_expires_first_is_evicted_at_the_bound() -> None:
    clock = Clock()
    cache = TTLCache(max_entries=2, ttl_seconds=300, clock=clock)
    cache.put("a", 1)
    clock.now += 1
    cache.put("b", 2)
    assert cache.get("a") == 1  # a hit does not extend an entry's life: it still expires first
    cache.put("c", 3)
    assert len(cache) == 2
    assert cache.get("a") is MISS
    assert (cache.get("b"), cache.get("c")) == (2, 3)


def test_a_refreshed_entry_moves_to_the_back_with_a_new_expiry() -> None:
    clock = Clock()
    cache = TTLCache(max_entries=2, ttl_seconds=300, clock=clock)
    cache.put("a", 1)
    cache.put("b", 2)
    clock.now += 100
    cache.put("a", 10)
    cache.put("c", 3)
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (10, MISS, 3)
    clock.now += 250  # "a" was refreshed 250 s ago, "c" put 250 s ago: both alive
    assert (cache.get("a"), cache.get("c")) == (10, 3)


def test_the_bytes_bound_holds_whatever_the_entries_weigh() -> None:
    sizes = {"small": 100, "large": 10_000}
    cache = TTLCache(ttl_seconds=300, max_bytes=25_000, size_of=lambda key, _: sizes[key[0]], clock=Clock())
    for i in range(1_000):
        cache.put(("large" if i % 10 == 0 else "small", i), i)
        assert cache.size_bytes <= 25_000
    assert cache.size_bytes == sum(sizes[key[0]] for key in cache._entries)
    assert 20 <= len(cache) <= 30  # the newest entries: every tenth weighs 10,000 bytes
    cache.put(("large", "over"), "x")
    cache.put(("small", "last"), "y")
    assert cache.get(("small", "last")) == "y"


def test_an_entry_larger_than_the_whole_cache_is_not_cached_and_evicts_nothing() -> None:
    cache = TTLCache(ttl_seconds=300, max_bytes=1_000, size_of=lambda _, value: len(value), clock=Clock())
    cache.put("a", "x" * 500)
    cache.put("b", "x" * 1_001)
    assert (cache.get("a"), cache.get("b"), cache.size_bytes) == ("x" * 500, MISS, 500)


def test_the_default_size_is_the_shallow_size_of_key_and_value() -> None:
    cache = TTLCache(ttl_seconds=300, clock=Clock())
    cache.put("key", b"value")
    assert cache.size_bytes == sys.getsizeof("key") + sys.getsizeof(b"value")


@pytest.mark.parametrize(("memory_mb", "share_mib"), [(128, 17), (256, 112), (1024, 681), (104, 0), (64, 0)])
def test_the_budget_is_what_the_function_has_beyond_its_reserve(memory_mb: int, share_mib: int) -> None:
    assert budget_bytes(memory_mb) // (1024 * 1024) == share_mib
    assert budget_bytes(memory_mb) <= max(0, memory_mb - RESERVED_MIB) * 1024 * 1024


def test_the_cache_never_holds_more_than_its_bound() -> None:
    cache = TTLCache(max_entries=100, ttl_seconds=300, clock=Clock())
    for i in range(10_000):
        cache.put(f"+8130000{i:05d}", None)
    assert len(cache) == 100
    assert cache.get("+813000009999") is None


def test_a_zero_ttl_or_zero_size_disables_caching() -> None:
    caches = [
        TTLCache(max_entries=0, ttl_seconds=300, clock=Clock()),
        TTLCache(max_entries=10, ttl_seconds=0, clock=Clock()),
        TTLCache(max_bytes=0, ttl_seconds=300, clock=Clock()),
    ]
    for cache in caches:
        cache.put("a", 1)
        assert not cache.enabled
        assert cache.get("a") is MISS


def test_expired_entries_are_dropped_as_new_ones_come_in() -> None:
    clock = Clock()
    cache = TTLCache(max_entries=1_000, ttl_seconds=300, clock=clock)
    for i in range(100):
        cache.put(f"old-{i}", None)
    clock.now += 300
    cache.put("new", None)  # none of the old callers rings again, yet their entries must go
    assert len(cache) == 1
    assert cache.get("new") is None
