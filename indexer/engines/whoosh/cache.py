"""A small LRU cache bounded by the total size of what it holds.

One lives in each index snapshot (so a new generation starts empty and
nothing stale is ever served) and keeps the page-independent part of recent
searches: every match in order, and the facet counts. Paging through
results, or the same query asked again, then skips the index entirely.
"""
from __future__ import annotations

from collections import OrderedDict
from typing import Generic, Hashable, TypeVar

Value = TypeVar("Value")


class SizedLru(Generic[Value]):
    """Least recently used entries go first once the summed `size` of the entries passes `max_size`."""

    def __init__(self, max_size: int) -> None:
        self.max_size = max_size
        self._entries: OrderedDict[Hashable, tuple[Value, int]] = OrderedDict()
        self._size = 0

    def get(self, key: Hashable) -> Value | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        self._entries.move_to_end(key)
        return entry[0]

    def put(self, key: Hashable, value: Value, size: int) -> None:
        if size > self.max_size:
            return
        old = self._entries.pop(key, None)
        if old is not None:
            self._size -= old[1]
        self._entries[key] = (value, size)
        self._size += size
        while self._size > self.max_size:
            _, (_, dropped) = self._entries.popitem(last=False)
            self._size -= dropped

    def __len__(self) -> int:
        return len(self._entries)
