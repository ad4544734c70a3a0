"""Run one SearchRequest against a snapshot: match, filter, sort, page, facet, snippet.

Two stages, so the expensive part runs for a few dozen documents: one pass
with the base score (the n-gram match alone, BM25F over title, subtitle,
byline and body) finds every match, for the total and the facet counts over
the whole result set; the full score (plus words, title and whole-phrase
bonuses) then re-orders the head of that list. Only the page's hits are
read back and get snippets. Both scores come from one scoring plan
(`ranking.plan`), evaluated over posting blocks read in bulk (`scoring`,
`bulk`), not through Whoosh's per-posting matchers; Whoosh runs the plan
only for the shapes bulk scoring does not cover (a NOT or a date alone), or
for every search with `Settings.bulk_scoring` off (the reference the bulk
path is tested against). What one search may read is bounded
(`Settings.max_postings`).
"""
from __future__ import annotations

import math
import time

import numpy as np
from dataclasses import dataclass
from typing import Hashable

from whoosh import query as wq

from indexer.api import INTERVALS, FacetValue, Occurrences, PeriodCounts, QueryError, SearchRequest, SearchResults
from indexer.engines.whoosh.budget import work_budget
from indexer.engines.whoosh.bulk import PackedRanking, best_first, occurrence_counts
from indexer.engines.whoosh.codec.postings import postings
from indexer.engines.whoosh.facet_table import filter_query
from indexer.engines.whoosh.phrase import Docnums
from indexer.engines.whoosh.ranking import Grams, build, grams, plan, to_whoosh
from indexer.engines.whoosh.scoring import estimate, grams_ranking, matches, plan_scores
from indexer.engines.whoosh.snapshot import Snapshot
from indexer.fields import CORRECTED_MARK, SCOPED_GRAMS, TEXT_GRAMS, WORDS
from indexer.present import views
from indexer.present.snippets import shown_occurrences
from indexer.settings import Settings
from indexer.query import (
    And,
    DateRange,
    Node,
    Not,
    Or,
    Text,
    occurrence_texts,
    positive_texts,
    relax,
    request_dates,
    requires_text,
    validate,
)

# Matches beyond the page that the full score re-orders: the ranking clauses
# (words, title, whole-phrase bonus) only reorder what the base score already
# puts near the top, since title matches weigh in the base score too.
RERANK_MARGIN = 40
# A relaxed search (`relax`) looks for at most `Settings.max_relaxed_words` of the words, the
# rarest ones, and re-scores this many of what it finds (as `RERANK_MARGIN` does for an ordinary search).
RELAXED_HEAD = 200

Ranked = list[tuple[float, int]]  # (score, docnum), best first


def _allowed(snap: Snapshot, node: Node | None, request: SearchRequest) -> set[int] | None:
    """The docnums a match may have (None: any): articles within the facet and date filters."""
    terms, dates = filter_query(request.filters), request_dates(request)
    if not terms and dates is None:
        return None if requires_text(node) else snap.articles
    allowed = snap.articles
    for term in terms:
        allowed = allowed.intersection(postings(snap.searcher, term.fieldname, term.text).docnums.tolist())
    return allowed if dates is None else allowed & snap.dated(dates.start, dates.end)


def _unscored(snap: Snapshot, node: Node | None, allowed: set[int] | None) -> Ranked:
    """Every match, in docnum order (for date sorting)."""
    found = snap.articles if node is None else matches(snap, plan(node, ranked=False))
    return [(0.0, d) for d in sorted(found) if allowed is None or d in allowed]


def _scored(snap: Snapshot, node: Node, allowed: set[int] | None) -> Ranked | PackedRanking:
    """Every match, best first by the base score (the n-gram match alone: BM25F over the sections);
    one text's as bulk scoring packed it."""
    if allowed is not None and not allowed:  # an empty filter set would mean "no filter" to Whoosh
        return []
    clause = plan(node, ranked=False)
    if isinstance(clause, Grams) and snap.bulk:  # already best first
        ranked = grams_ranking(snap, clause)
        return ranked if allowed is None else [item for item in ranked if item[1] in allowed]
    scores = plan_scores(snap, clause) if snap.bulk else None
    if scores is None:
        return snap.searcher.search(to_whoosh(clause), filter=allowed, limit=None).top_n
    return best_first([(scores[docnum], docnum) for docnum in sorted(scores) if allowed is None or docnum in allowed])


def reranks(node: Node | None) -> bool:
    """Whether the full score can order matches differently from the base score.

    Not for one word of one or two characters: its jieba word is its own
    n-gram, its title weight is in the base score already, and re-scoring
    walks the whole posting list again (the commonest characters cost most).
    """
    return not (node is None or isinstance(node, Text) and len(node.text) <= 2)


def _rescored(snap: Snapshot, node: Node | None, ranked: Ranked) -> Ranked:
    """`ranked` re-ordered by the full score (words, title and phrase bonuses), computed for them only."""
    if not ranked:
        return []
    head = sorted(docnum for _, docnum in ranked)
    scores = plan_scores(snap, plan(node), head) if snap.bulk else None
    if scores is not None and len(scores) == len(head):
        return best_first([(scores[docnum], docnum) for docnum in head])
    within = Docnums(head)
    return snap.searcher.search(wq.And([within, build(node, within=within)]), limit=None).top_n


def _rarest(snap: Snapshot, wanted: tuple[Node, ...], most: int) -> tuple[Node, ...]:
    """The `most` rarest of `wanted`, in query order."""
    if len(wanted) <= most:
        return wanted
    kept = set(sorted(wanted, key=lambda item: estimate(snap, plan(item, ranked=False)))[:most])
    return tuple(item for item in wanted if item in kept)


def _relaxed(node: And, wanted: tuple[Node, ...]) -> Node:
    kept = tuple(item for item in node.items if isinstance(item, (Not, DateRange)))
    return And((Or(wanted), *kept)) if kept else Or(wanted)


def _by_coverage(snap: Snapshot, node: Node, wanted: tuple[Node, ...], ranked: Ranked) -> Ranked:
    """Re-rank: first by the summed rarity (IDF) of the query words a document has, then by score;
    the first RELAXED_HEAD by the full score (`_rescored`), the rest by the base score."""
    total = snap.searcher.doc_frequency("kind", "article")
    matched = sorted(docnum for _, docnum in ranked)
    coverage = dict.fromkeys(matched, 0.0)
    for word in wanted:
        having = matches(snap, plan(word, ranked=False), matched)
        rarity = math.log(1 + total / max(1, len(having)))
        for docnum in having:
            coverage[docnum] += rarity
    ranked = sorted(ranked, key=lambda item: (-coverage[item[1]], -item[0], item[1]))
    head = sorted(_rescored(snap, node, ranked[:RELAXED_HEAD]), key=lambda item: (-coverage[item[1]], -item[0], item[1]))
    return head + ranked[RELAXED_HEAD:]


def _by_date(snap: Snapshot, matches: list[int], newest_first: bool) -> Ranked:
    """Newest (or oldest) first; undated last either way."""
    days = snap.days
    ordered = sorted(matches, key=lambda d: (days[d] == 0, -days[d] if newest_first else days[d], d))
    return [(0.0, docnum) for docnum in ordered]


@dataclass(frozen=True)
class _Matched:
    """The page-independent part of a search, cached per snapshot."""

    node: Node | None  # the query actually run: relaxed if no article had all its words
    ranked: PackedRanking  # every match: base-score order (relevance), date order, or coverage order (relaxed)
    facets: dict[str, list[FacetValue]]
    relaxed: bool


def _cache_key(node: Node | None, sort: str, request: SearchRequest) -> Hashable:
    filters = tuple(sorted((name, tuple(values)) for name, values in request.filters.items()))
    return node, sort, filters, request.date_from or None, request.date_to or None


def _match(snap: Snapshot, node: Node | None, sort: str, request: SearchRequest, relaxed_words: int) -> _Matched:
    allowed = _allowed(snap, node, request)
    find = _scored if sort == "relevance" else _unscored
    ranked = find(snap, node, allowed)
    wanted = _rarest(snap, relax(node), relaxed_words) if not ranked else ()
    if wanted:
        node = _relaxed(node, wanted)
        ranked = find(snap, node, allowed)
    matches = ranked.matches() if isinstance(ranked, PackedRanking) else [docnum for _, docnum in ranked]
    if sort != "relevance":
        ranked = _by_date(snap, matches, newest_first=sort == "date")
    elif wanted:
        ranked = _by_coverage(snap, node, wanted, ranked)
    facets = snap.facets.count(matches, request.filters)
    return _Matched(node, PackedRanking.of(ranked), facets, bool(wanted) and bool(matches))


def _matched(snap: Snapshot, request: SearchRequest, settings: Settings) -> tuple[Hashable, str, _Matched]:
    """(cache key, sort actually used, every match in that order), from the snapshot's cache if there."""
    node = validate(request)
    ranks = any(positive_texts(node, field) for field in ("title", "byline"))
    sort = "date" if request.sort == "relevance" and not ranks else request.sort
    key = _cache_key(node, sort, request)
    matched = snap.results.get(key)
    if matched is None:
        with work_budget(max(settings.max_postings, settings.postings_per_article * len(snap.articles))):
            matched = _match(snap, node, sort, request, settings.max_relaxed_words)
        snap.results.put(key, matched, size=len(matched.ranked) + 1)
    return key, sort, matched


def match_order(snap: Snapshot, request: SearchRequest, settings: Settings) -> list[int]:
    """The docnum of every match of `request`, in the order its pages list them (relevance: by the
    base score, which the pages re-order slightly within their head; page and per_page ignored)."""
    return _matched(snap, request, settings)[2].ranked.matches()


def run(snap: Snapshot, request: SearchRequest, settings: Settings) -> SearchResults:
    """Results for `request`.

    sort: "relevance" (best first), "date" (newest first), "-date" (oldest
    first); undated articles come last either way. A blank query browses:
    every article (within the filters), newest first unless "-date" is asked;
    so does a query with nothing to rank by (`date:2021`, `-广告`).
    Facet counts are over the whole result set, not just the page. When no
    article has all the words of an AND, see `relax`.
    """
    started = time.monotonic()
    key, sort, matched = _matched(snap, request, settings)
    first = (request.page - 1) * request.per_page
    with work_budget(max(settings.max_postings, settings.postings_per_article * len(snap.articles))):
        if sort == "relevance" and not matched.relaxed and reranks(matched.node):
            head = first + request.per_page + RERANK_MARGIN  # the page lies inside the re-scored head
            rescored = snap.results.get((key, head))
            if rescored is None:
                rescored = _rescored(snap, matched.node, matched.ranked[:head])
                snap.results.put((key, head), rescored, size=len(rescored) + 1)
            page = rescored[first : first + request.per_page]
        else:
            page = matched.ranked[first : first + request.per_page]
    return SearchResults(
        query=request.q,
        total=len(matched.ranked),
        page=request.page,
        per_page=request.per_page,
        results=[views.hit(snap.stored(docnum), score, matched.node) for score, docnum in page],
        facets=matched.facets,
        took_ms=round((time.monotonic() - started) * 1000),
        sort=sort,
        relaxed=matched.relaxed,
    )


# YYYYMMDD // divisor: the period of a day (1998 or 199801).
_PERIOD_DIVISORS = {"year": 10_000, "month": 100}


def _period_counts(days: np.ndarray, interval: str) -> dict[str, int]:
    """`YYYY` or `YYYY-MM` -> how many of `days` (YYYYMMDD, 0 undated) fall in it, in date order."""
    periods, counts = np.unique(days[days > 0] // _PERIOD_DIVISORS[interval], return_counts=True)
    if interval == "year":
        return {f"{period:04d}": count for period, count in zip(periods.tolist(), counts.tolist())}
    return {f"{period // 100:04d}-{period % 100:02d}": count for period, count in zip(periods.tolist(), counts.tolist())}


def _day_array(snap: Snapshot) -> np.ndarray:
    """`snap.days` as an array, kept with the snapshot's results."""
    days = snap.results.get(("day array",))
    if days is None:
        days = np.asarray(snap.days, dtype=np.int64)
        snap.results.put(("day array",), days, size=1)
    return days


def _articles_per_period(snap: Snapshot, interval: str) -> dict[str, int]:
    """Every dated article per period, once per snapshot and interval."""
    key = ("articles per period", interval)
    counts = snap.results.get(key)
    if counts is None:
        articles = np.fromiter(snap.articles, np.int64, len(snap.articles))
        counts = _period_counts(_day_array(snap)[articles], interval)
        snap.results.put(key, counts, size=len(counts) + 1)
    return counts


def period_counts(snap: Snapshot, request: SearchRequest, interval: str, settings: Settings) -> PeriodCounts:
    """Matches per period: the same matches `run` counts for `total` (unrelaxed), their days read
    from the day column and counted with numpy; no stored field is read, so a common character
    costs what finding its matches costs."""
    if interval not in INTERVALS:
        raise QueryError(f"interval 只能是 {' / '.join(INTERVALS)}")
    node = validate(request)
    with work_budget(max(settings.max_postings, settings.postings_per_article * len(snap.articles))):
        allowed = _allowed(snap, node, request)
        found = snap.articles if node is None else matches(snap, plan(node, ranked=False))
        if allowed is not None:
            found = found & allowed
    days = _day_array(snap)[np.fromiter(found, np.int64, len(found))]
    return PeriodCounts(_period_counts(days, interval), _articles_per_period(snap, interval), int((days == 0).sum()))


@dataclass(frozen=True)
class _Counted:
    """A query's occurrences per match, newest first (cached per snapshot): docnums and counts."""

    needles: list[tuple[str, str | None]]
    docnums: np.ndarray
    ends: np.ndarray  # cumulative counts: the occurrences of docnums[i] are ends[i-1] … ends[i]-1


def _counted(snap: Snapshot, request: SearchRequest, settings: Settings) -> _Counted:
    node = validate(request)
    key = ("occurrences", *_cache_key(node, "date", request))
    cached = snap.results.get(key)
    if cached is not None:
        return cached
    texts = occurrence_texts(node)
    with work_budget(max(settings.max_postings, settings.postings_per_article * len(snap.articles))):
        allowed = _allowed(snap, node, request)
        found = snap.articles if node is None else matches(snap, plan(node, ranked=False))
        within = np.fromiter(found if allowed is None else found & allowed, np.int64)
        within.sort()
        counts = np.zeros(len(within), dtype=np.int64)
        for text in texts:
            clause = grams(SCOPED_GRAMS.get(text.field, TEXT_GRAMS), text.text)
            docnums, found_counts = occurrence_counts(snap.searcher, clause.field, list(clause.grams),
                                                      clause.offsets, within)
            counts[np.searchsorted(within, docnums)] += found_counts
        _count_corrected_as_shown(snap, within, counts, [(text.text, text.field) for text in texts])
    having, counts = within[counts > 0], counts[counts > 0]
    days = _day_array(snap)[having]
    order = np.lexsort((having, -days, days == 0))  # newest first, undated last, then index order
    counted = _Counted([(text.text, text.field) for text in texts], having[order], np.cumsum(counts[order]))
    snap.results.put(key, counted, size=len(having) + 1)
    return counted


def _count_corrected_as_shown(snap: Snapshot, within: np.ndarray, counts: np.ndarray,
                              needles: list[tuple[str, str | None]]) -> None:
    """Recount, in `counts`, the corrected articles among `within` in the text they show: their
    positions include the `original` section (the OCR text corrections replaced, with the text
    around each change), which is searched but never shown, so a line in context could not be
    given for each of them. Corrected articles are few (those holding `CORRECTED_MARK`)."""
    corrected = postings(snap.searcher, WORDS, CORRECTED_MARK, within=within).docnums
    for docnum in corrected:
        at = int(np.searchsorted(within, docnum))
        if counts[at]:
            fields = snap.stored(int(docnum))
            shown = views.article_view(fields, [fields], None)
            counts[at] = sum(len(spans) for _, spans in shown_occurrences(shown, needles))


def occurrence_page(snap: Snapshot, request: SearchRequest, start: int, count: int, settings: Settings) -> Occurrences:
    """Occurrences of the query's positive texts in each match, from their positions in the index
    (a single gram's positions counted, a phrase's starts: bulk.occurrence_counts), and the stored
    articles holding occurrences start … start+count-1 only: a common character's 170,000
    occurrences cost its posting lists once (then the cache), and a page of lines a few articles."""
    counted = _counted(snap, request, settings)
    total = int(counted.ends[-1]) if len(counted.ends) else 0
    first = int(np.searchsorted(counted.ends, start, side="right"))  # the article holding occurrence `start`
    last = int(np.searchsorted(counted.ends, start + count - 1, side="right")) if count > 0 else first - 1
    chosen = range(first, min(last + 1, len(counted.docnums)))
    articles = []
    for i in chosen:
        fields = snap.stored(int(counted.docnums[i]))
        held = int(counted.ends[i] - (counted.ends[i - 1] if i else 0))
        articles.append((views.article_view(fields, [fields], None), held))
    return Occurrences(counted.needles, total, int(counted.ends[first - 1]) if first else 0, articles)
