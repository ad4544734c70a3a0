"""The research tools on Solr: matches per period, every match for export, occurrences in context.

The same answers as the local engine's (engines/whoosh/search.py), found
Solr's way: periods from a facet over the matches' days (no article read);
exports by cursor paging through every match in the page order; occurrences
counted in the matching articles' stored text as the KWIC lines show them
(`present.snippets.shown_occurrences`), which is what the local
engine counts from its positions. That last reads every matching article:
correct at any size, but a common character over a large collection costs
what reading its matches costs.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

from indexer.api import INTERVALS, ArticleView, Occurrences, PeriodCounts, QueryError, SearchRequest
from indexer.engines.solr.client import SolrClient
from indexer.engines.solr.query import lucene_query
from indexer.engines.solr.search import ARTICLES, filter_queries, matched_query
from indexer.engines.solr.views import STORED
from indexer.present.snippets import shown_occurrences
from indexer.present.views import article_view
from indexer.query import Text, occurrence_texts, validate

EXPORT_PAGE = 500  # articles per request while exporting (each holds its whole text)
# Newest first, undated last, then page order: the order occurrences are numbered in.
NEWEST_FIRST = "day desc, issue_id asc, number asc, id asc"


def _period(day: int, interval: str) -> str:
    text = f"{day:08d}"
    return text[:4] if interval == "year" else f"{text[:4]}-{text[4:6]}"


def _per_period(buckets: list[dict[str, Any]], interval: str) -> dict[str, int]:
    counts: Counter[str] = Counter()
    for bucket in buckets:
        counts[_period(int(bucket["val"]), interval)] += int(bucket["count"])
    return dict(counts)


def counts_by_period(client: SolrClient, request: SearchRequest, interval: str) -> PeriodCounts:
    """Matches per year or month (unrelaxed, as `search`'s total), and every dated article's."""
    if interval not in INTERVALS:
        raise QueryError(f"interval 只能是 {' / '.join(INTERVALS)}")
    node = validate(request)
    days = {"type": "terms", "field": "day", "limit": -1, "sort": "index asc"}
    matched = client.select({"query": lucene_query(node, ranked=False), "filter": filter_queries(request),
                             "limit": 0, "facet": {"days": days, "undated": {"type": "query", "q": "-day:[* TO *]"}}})
    everything = client.select({"query": ARTICLES, "limit": 0, "facet": {"days": days}})
    facets = matched.get("facets", {})
    return PeriodCounts(_per_period(facets.get("days", {}).get("buckets", []), interval),
                        _per_period(everything.get("facets", {}).get("days", {}).get("buckets", []), interval),
                        int(facets.get("undated", {}).get("count", 0)))


def _pages(client: SolrClient, body: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every document `body` matches, a cursor page at a time (any number of them)."""
    cursor = "*"
    while True:
        answer = client.select({**body, "limit": EXPORT_PAGE, "params": {**body.get("params", {}), "cursorMark": cursor}})
        yield from answer["response"]["docs"]
        if answer.get("nextCursorMark", cursor) == cursor:
            return
        cursor = answer["nextCursorMark"]


def matching_articles(client: SolrClient, request: SearchRequest, max_relaxed_words: int) -> Iterator[ArticleView]:
    """Every match of `request` in the order its pages list them (found now: QueryError now), read a
    page of EXPORT_PAGE at a time as the iterator is consumed."""
    query, sort = matched_query(client, request, max_relaxed_words)
    body = {"query": query, "filter": filter_queries(request), "fields": STORED,
            "sort": sort if sort.endswith("id asc") else f"{sort}, id asc"}  # a cursor needs the id last
    return (article_view(doc, [doc], None) for doc in _pages(client, body))


def _held(article: ArticleView, needles: list[Text]) -> int:
    """How many places in the article the needles start, counted as its KWIC lines are shown
    (`present.snippets.shown_occurrences`, the text the local engine's positions count)."""
    return sum(len(spans) for _, spans in shown_occurrences(article, [(n.text, n.field) for n in needles]))


def occurrences(client: SolrClient, request: SearchRequest, start: int, count: int) -> Occurrences:
    """Occurrences numbered through the matches newest first, and the articles holding `start` …
    `start + count - 1` with how many each holds."""
    node = validate(request)
    needles = occurrence_texts(node)
    total = 0
    first = 0
    chosen: list[tuple[ArticleView, int]] = []
    body = {"query": lucene_query(node, ranked=False), "filter": filter_queries(request), "fields": STORED,
            "sort": NEWEST_FIRST}
    for doc in _pages(client, body) if needles else ():
        article = article_view(doc, [doc], None)
        held = _held(article, needles)
        if held and total + held > start and (count > 0 and total < start + count):
            if not chosen:
                first = total
            chosen.append((article, held))
        total += held
    return Occurrences([(needle.text, needle.field) for needle in needles], total, first, chosen)
