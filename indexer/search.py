"""Run one SearchRequest against a snapshot: match, filter, sort, page, facet, snippet."""
from __future__ import annotations

import json
import math
import re
import time
from typing import Any

from whoosh import query as wq

from indexer.facets import filter_query
from indexer.query import And, DateRange, Node, Not, Or, parse, positive_texts
from indexer.ranking import ARTICLES, build, date_range
from indexer.results import SORTS, Hit, IssueRef, QueryError, SearchRequest, SearchResults
from indexer.snapshot import Snapshot
from indexer.snippets import snippet

MAX_PER_PAGE = 100
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _day(value: str | None, name: str) -> int | None:
    if value is None or value == "":
        return None
    if not _ISO_DATE.match(value):
        raise QueryError(f"{name} 应写成 YYYY-MM-DD，而不是“{value}”")
    return int(value.replace("-", ""))


def request_filters(request: SearchRequest) -> list[wq.Query]:
    """Articles only, the selected facet values, and the inclusive date range (exact: YYYYMMDD ints)."""
    filters: list[wq.Query] = [ARTICLES, *filter_query(request.filters)]
    start, end = _day(request.date_from, "from"), _day(request.date_to, "to")
    if start is not None or end is not None:
        filters.append(date_range(start or 0, end or 99991231))
    return filters


def validate(request: SearchRequest) -> Node | None:
    """The parsed query; QueryError for it or for a sort, page, size, date or filter the caller let through."""
    if request.sort not in SORTS:
        raise QueryError(f"sort 只能是 {', '.join(SORTS)}")
    if request.page < 1:
        raise QueryError("page 从 1 开始")
    if not 1 <= request.per_page <= MAX_PER_PAGE:
        raise QueryError(f"per_page 应在 1 到 {MAX_PER_PAGE} 之间")
    request_filters(request)
    return parse(request.q)


def _ordered_page(snap: Snapshot, query: wq.Query, docset: set[int], sort: str, first: int, count: int,
                  coverage: dict[int, float] | None = None) -> list[tuple[int, float]]:
    """(docnum, score) of one page; `coverage` (relaxed searches) ranks before the score."""
    if not docset:  # an empty filter set would mean "no filter" to Whoosh
        return []
    if sort == "relevance" and coverage is None:
        results = snap.searcher.search(query, filter=docset, limit=first + count)
        return [(hit.docnum, hit.score or 0.0) for hit in results][first:]
    if sort == "relevance":
        results = snap.searcher.search(query, filter=docset, limit=None)
        ranked = sorted(results, key=lambda hit: (-coverage[hit.docnum], -(hit.score or 0.0)))
        return [(hit.docnum, hit.score or 0.0) for hit in ranked[first : first + count]]
    days = snap.days
    newest_first = sort == "date"
    ordered = sorted(docset, key=lambda d: (days[d] == 0, -days[d] if newest_first else days[d], d))
    return [(d, 0.0) for d in ordered[first : first + count]]


def _coverage(snap: Snapshot, words: tuple[Node, ...], docset: set[int]) -> dict[int, float]:
    """For each document, the summed rarity (IDF) of the query words it has."""
    total = snap.searcher.doc_frequency("kind", "article")
    coverage = dict.fromkeys(docset, 0.0)
    for word in words:
        having = docset.intersection(snap.searcher.docs_for_query(build(word)))
        rarity = math.log(1 + total / max(1, len(having)))
        for docnum in having:
            coverage[docnum] += rarity
    return coverage


def make_hit(fields: dict[str, Any], score: float, node: Node | None) -> Hit:
    data = json.loads(fields["data"])
    body = "\n".join(data["paragraphs"])
    return Hit(
        id=fields["id"],
        title=data["title"],
        byline=data["byline"],
        issue=IssueRef(**data["issue"]),
        snippet=snippet(body, positive_texts(node, "body")),
        score=round(score, 4),
        subtitle=data["subtitle"],
        number=fields["number"],
    )


def relax(node: Node | None) -> tuple[Node, ...]:
    """The words of an AND that no article has all of, to look for separately ("" if not an AND).

    Articles are often shorter than what a reader remembers together (a
    brief about a 貉 rescued by a police station that never says 民警):
    rather than nothing, show what has some of the words, flagged `relaxed`,
    the rarest words first (`_coverage`). Exclusions and dates still hold.
    """
    if not isinstance(node, And):
        return ()
    wanted = tuple(item for item in node.items if not isinstance(item, (Not, DateRange)))
    return wanted if len(wanted) >= 2 else ()


def _relaxed(node: And, wanted: tuple[Node, ...]) -> Node:
    kept = tuple(item for item in node.items if isinstance(item, (Not, DateRange)))
    return And((Or(wanted), *kept)) if kept else Or(wanted)


def run(snap: Snapshot, request: SearchRequest) -> SearchResults:
    """Results for `request`.

    sort: "relevance" (best first), "date" (newest first), "-date" (oldest
    first); undated articles come last either way. A blank query browses:
    every article (within the filters), newest first unless "-date" is asked.
    Facet counts are over the whole result set, not just the page. When no
    article has all the words of an AND, see `relax`.
    """
    started = time.monotonic()
    node = validate(request)
    filters = request_filters(request)
    query = build(node)
    docset = set(snap.searcher.docs_for_query(wq.And([query, *filters])))
    wanted = relax(node) if not docset else ()
    coverage = None
    if wanted:
        query = build(_relaxed(node, wanted))
        docset = set(snap.searcher.docs_for_query(wq.And([query, *filters])))
        coverage = _coverage(snap, wanted, docset)
    sort = "date" if node is None and request.sort == "relevance" else request.sort
    first = (request.page - 1) * request.per_page
    page = _ordered_page(snap, query, docset, sort, first, request.per_page, coverage)
    hits = [make_hit(snap.stored(d), score, node) for d, score in page]
    return SearchResults(
        query=request.q,
        total=len(docset),
        page=request.page,
        per_page=request.per_page,
        results=hits,
        facets=snap.facets.count(docset, request.filters),
        took_ms=round((time.monotonic() - started) * 1000),
        sort=sort,
        relaxed=bool(wanted) and bool(docset),
    )
