"""The per-snapshot search cache: least recently used entries go first, bounded by total size."""
from __future__ import annotations

from indexer.engines.whoosh.cache import SizedLru


def test_least_recently_used_go_first_when_full() -> None:
    cache: SizedLru[str] = SizedLru(max_size=10)
    cache.put("a", "A", size=4)
    cache.put("b", "B", size=4)
    assert cache.get("a") == "A"  # now b is the least recently used
    cache.put("c", "C", size=4)
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == ("A", None, "C")


def test_an_entry_larger_than_the_cache_is_not_kept() -> None:
    cache: SizedLru[str] = SizedLru(max_size=10)
    cache.put("a", "A", size=4)
    cache.put("huge", "H", size=11)
    assert (cache.get("huge"), cache.get("a")) == (None, "A")


def test_putting_a_key_again_replaces_it() -> None:
    cache: SizedLru[str] = SizedLru(max_size=10)
    cache.put("a", "A", size=6)
    cache.put("a", "A2", size=6)
    assert (cache.get("a"), len(cache)) == ("A2", 1)
