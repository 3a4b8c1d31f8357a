"""The module-scope cache is bounded, expires entries, and remembers negative results."""

from __future__ import annotations

from ctr_enrichment.cache import MISS, TTLCache


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


def test_the_least_recently_used_entry_is_evicted_at_the_bound() -> None:
    cache = TTLCache(max_entries=2, ttl_seconds=300, clock=Clock())
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # "a" is now the most recently used
    cache.put("c", 3)
    assert len(cache) == 2
    assert cache.get("b") is MISS
    assert (cache.get("a"), cache.get("c")) == (1, 3)


def test_the_cache_never_holds_more_than_its_bound() -> None:
    cache = TTLCache(max_entries=100, ttl_seconds=300, clock=Clock())
    for i in range(10_000):
        cache.put(f"+8130000{i:05d}", None)
    assert len(cache) == 100
    assert cache.get("+813000009999") is None


def test_a_zero_ttl_or_zero_size_disables_caching() -> None:
    for cache in (TTLCache(0, 300, Clock()), TTLCache(10, 0, Clock())):
        cache.put("a", 1)
        assert not cache.enabled
        assert cache.get("a") is MISS
