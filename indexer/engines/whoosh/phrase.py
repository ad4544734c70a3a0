"""Two queries Whoosh lacks: a fast phrase over n-grams, and a fixed set of documents.

GramPhrase: a phrase query for n-grams at given positions, checked with set arithmetic.

Whoosh's `Phrase` runs through `SpanNear2`, which builds, sorts and
compares Span objects for every candidate document; for our phrases (the
query's grams, always exactly one position apart, no slop) intersecting
shifted position sets gives the same answer several times faster.
Scoring is unchanged: the sum of the grams' BM25F scores, as for `Phrase`.
"""
from __future__ import annotations

from whoosh import query as wq
from whoosh.matching import IntersectionMatcher, ListMatcher, NullMatcher, WrappingMatcher
from whoosh.query.spans import Span, SpanNear2, SpanWrappingMatcher
from whoosh.util import make_binary_tree


class _OffsetsMatcher(SpanNear2.SpanNear2Matcher):
    """Documents where, for some p, each word's matcher ms[i] has a position p + o for every o in offsets[i].

    One matcher per distinct word: a phrase that repeats a gram (中国中国…,
    a hostile favourite) reads its posting list once, not once per repeat.
    `within` (a matcher of the only documents wanted) joins the intersection,
    so looking for the next match never checks positions anywhere else.
    """

    def __init__(self, ms, offsets: tuple[tuple[int, ...], ...], within=None) -> None:
        self.ms = ms
        self.offsets = offsets
        self.within = within
        SpanWrappingMatcher.__init__(self, make_binary_tree(IntersectionMatcher, ms + [within] if within else ms))

    def copy(self):
        return self.__class__([m.copy() for m in self.ms], self.offsets, self.within and self.within.copy())

    def _get_spans(self) -> list[Span]:
        starts: set[int] | None = None
        for offsets, matcher in zip(self.offsets, self.ms):
            positions = matcher.value_as("positions")
            for offset in offsets:
                shifted = {pos - offset for pos in positions}
                starts = shifted if starts is None else starts & shifted
                if not starts:
                    return []
        last = max(max(offsets) for offsets in self.offsets)
        return [Span(start, start + last) for start in sorted(starts)]


class GramPhrase(wq.Phrase):
    """`Phrase(field, words)` where word i must be at position p + offsets[i] (default: p + i; slop is ignored).

    Offsets let a phrase skip grams that others already cover: 高质|量发|发展
    at 0, 2, 3 pins down 高质量发展 as well as all four bigrams would.
    """

    def __init__(self, fieldname: str, words: list[str], offsets: tuple[int, ...] | None = None,
                 boost: float = 1.0, within: Docnums | None = None) -> None:
        super().__init__(fieldname, words, boost=boost)
        self.offsets = tuple(offsets) if offsets is not None else tuple(range(len(words)))
        self.within = within

    def __eq__(self, other: object) -> bool:
        return (super().__eq__(other) and self.offsets == getattr(other, "offsets", None)
                and self.within == getattr(other, "within", None))

    def __hash__(self) -> int:
        return hash((super().__hash__(), self.offsets, self.within))

    def matcher(self, searcher, context=None):
        reader = searcher.reader()
        field = searcher.schema[self.fieldname]
        offsets: dict[str, list[int]] = {}
        for word, offset in zip(self.words, self.offsets):
            offsets.setdefault(word, []).append(offset)
        matchers = []
        for word in offsets:
            if (self.fieldname, field.to_bytes(word)) not in reader:
                return NullMatcher()
            matchers.append(wq.Term(self.fieldname, word).matcher(searcher, context))
        within = self.within.matcher(searcher, context) if self.within is not None else None
        if within is not None and not within.is_active():
            return NullMatcher()
        matcher = _OffsetsMatcher(matchers, tuple(tuple(o) for o in offsets.values()), within)
        return WrappingMatcher(matcher, boost=self.boost) if self.boost != 1.0 else matcher


class Docnums(wq.Query):
    """Exactly these (index-wide) document numbers, scoring nothing.

    `And([Docnums(candidates), query])` scores `query` on the candidates only:
    its matchers skip straight to them, so phrase checks and ranking clauses
    run for a few dozen documents instead of every match.
    """

    def __init__(self, docnums) -> None:
        self.docnums = tuple(sorted(docnums))
        self.fieldname = None  # not a field's query (Whoosh's normalize() asks)
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
