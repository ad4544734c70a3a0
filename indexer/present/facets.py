"""Facet counts shaped into what a reader sees: the values to list, in order, with the selected ones marked.

An engine counts the values of each facet over the whole result set (the
local engine from its facet table, Solr from its JSON facets); this decides
which of them are shown, so both engines list the same values the same way.
"""
from __future__ import annotations

import heapq
from collections.abc import Mapping

from indexer.api import FacetValue

MAX_VALUES = 20  # per facet; selected values are always listed


def facet_values(name: str, counts: Mapping[str, int], selected: tuple[str, ...]) -> list[FacetValue]:
    """The values of facet `name` to show: years newest first, the others most frequent first (then by
    value), at most MAX_VALUES of them, plus every selected value even where it is not among them."""
    chosen = set(selected)
    if name == "year":
        top = sorted(counts.items(), key=lambda item: item[0], reverse=True)[:MAX_VALUES]
    else:  # the first MAX_VALUES of a sort, without sorting the 1,500 issues of a common word
        top = heapq.nsmallest(MAX_VALUES, counts.items(), key=lambda item: (-item[1], item[0]))
    top += [(v, counts.get(v, 0)) for v in sorted(chosen) if v not in dict(top)]
    return [FacetValue(value, count, value in chosen) for value, count in top]
