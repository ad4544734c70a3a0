"""A phrase query for n-grams at consecutive positions, checked with set arithmetic.

Whoosh's `Phrase` runs through `SpanNear2`, which builds, sorts and
compares Span objects for every candidate document; for our phrases (the
query's grams, always exactly one position apart, no slop) intersecting
shifted position sets gives the same answer several times faster.
Scoring is unchanged: the sum of the grams' BM25F scores, as for `Phrase`.
"""
from __future__ import annotations

from whoosh import query as wq
from whoosh.matching import NullMatcher, WrappingMatcher
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
