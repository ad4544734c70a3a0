"""A scoring plan (`ranking.plan`) evaluated over posting lists read in bulk (`bulk`): the fast path.

Whoosh computes the same sums through matchers that walk and skip every
list one posting at a time (50-100 ms for two common words); here each
list is read in the blocks that can hold a document still wanted. The
sums are Whoosh's: And and Or add up the parts that match, an optional
clause adds its score where it matches, a date range adds nothing, a NOT
`EXCLUSION_SCORE`, a repeated part counts once. tests/test_scoring.py holds
the two to the same ids, order and scores on the benchmark's query mix.

A plan with a part that cannot stand alone (a NOT or a date range outside
an AND, in an OR) is left to Whoosh: `plan_scores` says None.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from indexer.engines.whoosh.budget import affordable
from indexer.engines.whoosh.bulk import PackedRanking, near_gaps, phrase_ranking, term_ranking
from indexer.engines.whoosh.codec.postings import doc_frequency
from indexer.engines.whoosh.ranking import (
    BM25_K1,
    EXCLUSION_SCORE,
    PROXIMITY_BONUS,
    Boosted,
    Clause,
    Grams,
    NearGrams,
    Word,
    to_whoosh,
)
from indexer.engines.whoosh.snapshot import Snapshot
from indexer.fields import WORDS
from indexer.query import And, DateRange, Not, Or

Scores = dict[int, float]


def grams_ranking(snap: Snapshot, clause: Grams, within: list[int] | None = None) -> PackedRanking:
    """The unboosted score of every document (of the sorted docnums `within`, if given) matching `clause`,
    best first.

    Whole rankings are cached per snapshot (`Snapshot.texts`): different
    queries share their common words (联播 in 国内 联播, 快讯 联播, 联播 -快讯),
    and the commonest cost the most to read. Where a whole ranking is
    cached, the documents `within` are taken from it; a single term is read
    whole (and cached) when `within` is a quarter of its list or more, since
    its documents are then in nearly every block anyway.
    """
    if clause.field not in snap.searcher.schema:  # an index older than the field, until its rebuild
        return PackedRanking(np.empty(0, np.float64), np.empty(0, np.int64))
    clause = replace(clause, boost=1.0)
    cached = snap.texts.get(clause)
    if cached is None and within is not None and len(clause.grams) == 1 \
            and 4 * len(within) >= doc_frequency(snap.searcher, clause.field, clause.grams[0]):
        cached = grams_ranking(snap, clause)
    if cached is not None:
        return cached if within is None else cached.among(within)
    norms = snap.length_norms(clause.field)
    if len(clause.grams) == 1:
        ranking = term_ranking(snap.searcher, clause.field, clause.grams[0], norms, BM25_K1, within)
    else:
        ranking = phrase_ranking(snap.searcher, clause.field, list(clause.grams), clause.offsets, norms, BM25_K1,
                                 within)
    if within is None:
        snap.texts.put(clause, ranking, size=len(ranking) + 1)
    return ranking


def _scores(ranking: PackedRanking, boost: float = 1.0) -> Scores:
    return ranking.by_docnum() if boost == 1.0 else PackedRanking(ranking.scores * boost, ranking.docnums).by_docnum()


def plan_scores(snap: Snapshot, clause: Clause, within: list[int] | None = None) -> Scores | None:
    """docnum -> score of every document `clause` matches (of the sorted docnums `within`, if given);
    None where a part is left to Whoosh (see the module docstring)."""
    if isinstance(clause, Grams):
        return _scores(grams_ranking(snap, clause, within), clause.boost)
    if isinstance(clause, Word):
        norms = snap.length_norms(WORDS)
        return _scores(term_ranking(snap.searcher, WORDS, clause.word, norms, BM25_K1, within), clause.boost)
    if isinstance(clause, Boosted):
        return _boosted(snap, clause, within)
    if isinstance(clause, NearGrams):
        return _near(snap, clause, within)
    if isinstance(clause, And):
        return _all_of(snap, clause, within)
    if isinstance(clause, Or):
        return _any_of(snap, clause, within)
    return None  # a Not or a DateRange outside an And


def _near(snap: Snapshot, clause: NearGrams, within: list[int] | None) -> Scores:
    """The words' scores added up, times the proximity bonus, where they are near enough
    (bulk.near_gaps: the rarest word first, each narrowing where the next is looked for)."""
    words = sorted(clause.words, key=lambda word: estimate(snap, word))
    field = words[0].field
    gaps = near_gaps(snap.searcher, field, [(list(word.grams), word.offsets, word.offsets[-1] + len(word.grams[-1]))
                                             for word in words], clause.distance, within)
    if not gaps:
        return {}
    near = sorted(gaps)
    parts = [_scores(grams_ranking(snap, word, near)) for word in clause.words]  # added in the query's order
    return {docnum: clause.boost * sum(part[docnum] for part in parts) * (1 + PROXIMITY_BONUS / (1 + gaps[docnum]))
            for docnum in near}


def _boosted(snap: Snapshot, clause: Boosted, within: list[int] | None) -> Scores | None:
    scores = plan_scores(snap, clause.required, within)
    if scores is None:
        return None
    wanted = within if within is not None else sorted(scores)
    extras = [plan_scores(snap, item, wanted) for item in clause.optional]
    if any(extra is None for extra in extras):
        return None
    for docnum in scores:
        found = [extra[docnum] for extra in extras if docnum in extra]  # type: ignore[operator]
        if found:
            scores[docnum] += sum(found)
    return scores


def _all_of(snap: Snapshot, clause: And, within: list[int] | None) -> Scores | None:
    """The parts go from the rarest to the commonest, each looked for only among the documents the
    ones before left, so the common parts read only the blocks that can still matter; the scores are
    then added in the query's order, as Whoosh adds them."""
    items = tuple(dict.fromkeys(clause.items))  # Whoosh drops repeated subqueries
    positives = [item for item in items if not isinstance(item, (Not, DateRange))]
    if not positives:
        return None
    parts: dict[Clause, Scores] = {}
    for item in sorted(positives, key=lambda item: estimate(snap, item)):
        part = plan_scores(snap, item, within)
        if part is None:
            return None
        parts[item] = part
        within = sorted(part) if within is None else [docnum for docnum in within if docnum in part]
        if not within:
            return {}
    for item in items:
        if isinstance(item, (Not, DateRange)):
            having = matches(snap, item.item if isinstance(item, Not) else item, within)
            within = [docnum for docnum in within if (docnum in having) != isinstance(item, Not)]
    first, *others = (parts[item] for item in positives)
    scores = {docnum: first[docnum] for docnum in within}
    for part in others:
        scores = {docnum: score + part[docnum] for docnum, score in scores.items()}
    excluded = EXCLUSION_SCORE * sum(isinstance(item, Not) for item in items)
    return {docnum: score + excluded for docnum, score in scores.items()} if excluded else scores


def _any_of(snap: Snapshot, clause: Or, within: list[int] | None) -> Scores | None:
    items = tuple(dict.fromkeys(clause.items))
    if any(isinstance(item, (Not, DateRange)) for item in items):
        return None
    if within is None:  # each part reads at least its rarest list whole: refuse before reading
        affordable(sum(estimate(snap, item) for item in items))
    parts = [plan_scores(snap, item, within) for item in items]
    merged: Scores = {}
    for part in parts:
        if part is None:
            return None
        for docnum, score in part.items():
            merged[docnum] = merged.get(docnum, 0.0) + score
    return merged


def matches(snap: Snapshot, clause: Clause, within: list[int] | None = None) -> set[int]:
    """Every docnum `clause` matches (of the sorted `within`, if given, for text), unscored: dates
    from the day column, text from bulk postings, what bulk scoring leaves to Whoosh from Whoosh."""
    if isinstance(clause, DateRange):
        return snap.dated(clause.start, clause.end)
    scores = plan_scores(snap, clause, within) if snap.bulk else None
    if scores is not None:
        return set(scores)
    return set(snap.searcher.docs_for_query(to_whoosh(clause)))


def estimate(snap: Snapshot, clause: Clause) -> int:
    """An upper bound of how many documents `clause` matches, from document frequencies alone."""
    if isinstance(clause, Grams):
        return min(doc_frequency(snap.searcher, clause.field, gram) for gram in clause.grams)
    if isinstance(clause, NearGrams):
        return min(estimate(snap, word) for word in clause.words)
    if isinstance(clause, Word):
        return doc_frequency(snap.searcher, WORDS, clause.word)
    if isinstance(clause, Boosted):
        return estimate(snap, clause.required)
    if isinstance(clause, Or):
        return sum(estimate(snap, item) for item in clause.items)
    if isinstance(clause, And):
        return min(estimate(snap, item) for item in clause.items)
    return snap.searcher.doc_count_all()
