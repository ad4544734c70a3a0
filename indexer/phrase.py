"""Two queries Whoosh lacks: a fast phrase over n-grams, and a fixed set of documents.

GramPhrase: a phrase query for n-grams at consecutive positions, checked with set arithmetic.

Whoosh's `Phrase` runs through `SpanNear2`, which builds, sorts and
compares Span objects for every candidate document; for our phrases (the
query's grams, always exactly one position apart, no slop) intersecting
shifted position sets gives the same answer several times faster.
Scoring is unchanged: the sum of the grams' BM25F scores, as for `Phrase`.
"""
from __future__ import annotations

from whoosh import query as wq
from whoosh.matching import ListMatcher, NullMatcher, WrappingMatcher
from whoosh.query.spans import Span, SpanNear2


class _ConsecutiveMatcher(SpanNear2.SpanNear2Matcher):
    def _get_spans(self) -> list[Span]:
        starts: set[int] | None = None
        for offset, matcher in enumerate(self.ms):
            shifted = {pos - offset for pos in matcher.value_as("positions")}
            starts = shifted if starts is None else starts & shifted
            if not starts:
                return []
        last = len(self.ms) - 1
        return [Span(start, start + last) for start in sorted(starts)]


class GramPhrase(wq.Phrase):
    """`Phrase(field, words)` where word i must be at position p + i (slop is ignored)."""

    def matcher(self, searcher, context=None):
        reader = searcher.reader()
        field = searcher.schema[self.fieldname]
        matchers = []
        for word in self.words:
            if (self.fieldname, field.to_bytes(word)) not in reader:
                return NullMatcher()
            matchers.append(wq.Term(self.fieldname, word).matcher(searcher, context))
        matcher = _ConsecutiveMatcher(matchers)
        return WrappingMatcher(matcher, boost=self.boost) if self.boost != 1.0 else matcher


class Docnums(wq.Query):
    """Exactly these (index-wide) document numbers, scoring nothing.

    `And([Docnums(candidates), query])` scores `query` on the candidates only:
    its matchers skip straight to them, so phrase checks and ranking clauses
    run for a few dozen documents instead of every match.
    """

    def __init__(self, docnums) -> None:
        self.docnums = tuple(sorted(docnums))
        self.boost = 1.0

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.docnums == self.docnums

    def __hash__(self) -> int:
        return hash(self.docnums)

    def __repr__(self) -> str:
        return f"Docnums({len(self.docnums)} documents)"

    def estimate_size(self, ixreader) -> int:
        return len(self.docnums)

    def matcher(self, searcher, context=None):
        offset = 0 if searcher.parent is None else searcher.parent()._offset_for_subsearcher(searcher)
        size = searcher.doc_count_all()
        local = [docnum - offset for docnum in self.docnums if offset <= docnum < offset + size]
        return ListMatcher(local, weights=[0.0] * len(local)) if local else NullMatcher()
