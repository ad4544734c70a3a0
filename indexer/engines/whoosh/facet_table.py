"""The local engine's facet counts over the whole result set, and the filters they turn into.

Counting reads a per-searcher table (docnum -> values of each facet field),
built once from the postings of the facet fields, so a query costs one
dictionary lookup per matching document and facet, no stored-field reads.
The counts are shaped into what a reader sees by `indexer.present.facets`.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from itertools import chain

from whoosh import query as wq
from whoosh.searching import Searcher

from indexer.api import FacetValue
from indexer.fields import FACET_FIELDS
from indexer.engines.whoosh.codec.postings import field_postings
from indexer.present.facets import facet_values


class FacetTable:
    """Facet values of every document of one reader.

    A large result set (a common character matches most articles) is
    counted through its complement: the counts over all `articles` minus
    those over the articles it lacks, a fraction of the lookups.

    `values`: facet name -> the values of each docnum (`facet_rows` of each
    segment, put together by indexer.engines.whoosh.snapshot, which reuses the rows of
    segments an earlier snapshot had read).
    """

    def __init__(self, values: dict[str, list[tuple[str, ...]]], articles: set[int]) -> None:
        self.articles = articles
        self.values = values
        # Facets with at most one value a document (year, paper, issue) count values, not tuples.
        self.single = {name: [values[0] if values else None for values in by_doc]
                       for name, by_doc in self.values.items() if max(map(len, by_doc), default=0) <= 1}
        self.totals = {name: self._counts(name, articles) for name in FACET_FIELDS}

    def _counts(self, name: str, docnums: Iterable[int]) -> Counter[str]:
        single = self.single.get(name)
        if single is None:
            return Counter(chain.from_iterable(map(self.values[name].__getitem__, docnums)))
        counts = Counter(map(single.__getitem__, docnums))
        counts.pop(None, None)
        return counts

    def count(self, docnums: Iterable[int], selected: dict[str, tuple[str, ...]]) -> dict[str, list[FacetValue]]:
        docnums = list(docnums)
        missing = None
        if 2 * len(docnums) > len(self.articles):
            missing = self.articles.difference(docnums)
            if len(missing) + len(docnums) != len(self.articles):  # not all articles: count directly
                missing = None
        facets: dict[str, list[FacetValue]] = {}
        for name in FACET_FIELDS:
            counts = self._counts(name, docnums) if missing is None else self.totals[name] - self._counts(name, missing)
            facets[name] = facet_values(name, counts, selected.get(name, ()))
        return facets


def facet_rows(segment: Searcher, field: str) -> list[tuple[str, ...]]:
    """The values of `field` of each docnum of one segment's searcher (() for a deleted document),
    from the postings of the field's terms, read in sequence."""
    by_doc: list[tuple[str, ...]] = [()] * segment.doc_count_all()
    for value, docnums in field_postings(segment, field):
        for docnum in docnums:
            by_doc[docnum] += (value,)
    return by_doc


def filter_query(filters: dict[str, tuple[str, ...]]) -> list[wq.Term]:
    """One Term per selected value (facet names checked by `query.validate`): an article must have every one (AND)."""
    return [wq.Term(FACET_FIELDS[name], value) for name, values in filters.items() for value in values]
