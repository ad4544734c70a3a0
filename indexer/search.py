"""Run one SearchRequest against a snapshot: match, filter, sort, page, facet, snippet.

One scored pass over the matching articles gives the total, the facet
counts (over the whole result set) and the order; only the page's hits are
read back and get snippets.
"""
from __future__ import annotations

import json
import math
import re
import time
from typing import Any

from whoosh import query as wq

from indexer.facets import filter_query
from indexer.query import And, DateRange, Node, Not, Or, Text, parse, positive_texts
from indexer.ranking import ARTICLES, build, date_range
from indexer.results import SORTS, Hit, IssueRef, QueryError, SearchRequest, SearchResults
from indexer.snapshot import Snapshot
from indexer.snippets import snippet

MAX_PER_PAGE = 100
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

Ranked = list[tuple[float, int]]  # (score, docnum), best first


def _day(value: str | None, name: str) -> int | None:
    if value is None or value == "":
        return None
    if not _ISO_DATE.match(value):
        raise QueryError(f"{name} 应写成 YYYY-MM-DD，而不是“{value}”")
    return int(value.replace("-", ""))


def request_filters(request: SearchRequest) -> list[wq.Query]:
    """The selected facet values and the inclusive date range (exact: YYYYMMDD strings)."""
    filters = filter_query(request.filters)
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


def requires_text(node: Node | None) -> bool:
    """Whether every match must contain some text, so it can only be an article (no kind filter needed)."""
    if isinstance(node, Text):
        return True
    if isinstance(node, And):
        return any(requires_text(item) for item in node.items)
    if isinstance(node, Or):
        return all(requires_text(item) for item in node.items)
    return False


def _allowed(snap: Snapshot, node: Node | None, filters: list[wq.Query]) -> set[int] | None:
    """The docnums a match may have (None: any): articles within the facet and date filters."""
    if filters:
        return set(snap.searcher.docs_for_query(wq.And([ARTICLES, *filters])))
    return None if requires_text(node) else snap.articles


def _ranked(snap: Snapshot, node: Node | None, allowed: set[int] | None, scored: bool) -> Ranked:
    if allowed is not None and not allowed:  # an empty filter set would mean "no filter" to Whoosh
        return []
    results = snap.searcher.search(build(node), filter=allowed, limit=None, scored=scored)
    return results.top_n if scored else [(0.0, docnum) for _, docnum in results.top_n]


def relax(node: Node | None) -> tuple[Node, ...]:
    """The words of an AND that no article has all of, to look for separately (() if not an AND).

    Articles are often shorter than what a reader remembers together (a
    brief about a 貉 rescued by a police station that never says 民警):
    rather than nothing, show what has some of the words, flagged `relaxed`,
    the rarest words first (`_by_coverage`). Exclusions and dates still hold.
    """
    if not isinstance(node, And):
        return ()
    wanted = tuple(item for item in node.items if not isinstance(item, (Not, DateRange)))
    return wanted if len(wanted) >= 2 else ()


def _relaxed(node: And, wanted: tuple[Node, ...]) -> Node:
    kept = tuple(item for item in node.items if isinstance(item, (Not, DateRange)))
    return And((Or(wanted), *kept)) if kept else Or(wanted)


def _by_coverage(snap: Snapshot, wanted: tuple[Node, ...], ranked: Ranked) -> Ranked:
    """Re-rank: first by the summed rarity (IDF) of the query words a document has, then by score."""
    total = snap.searcher.doc_frequency("kind", "article")
    matched = {docnum for _, docnum in ranked}
    coverage = dict.fromkeys(matched, 0.0)
    for word in wanted:
        having = matched.intersection(snap.searcher.docs_for_query(build(word)))
        rarity = math.log(1 + total / max(1, len(having)))
        for docnum in having:
            coverage[docnum] += rarity
    return sorted(ranked, key=lambda item: (-coverage[item[1]], -item[0], item[1]))


def _by_date(snap: Snapshot, ranked: Ranked, newest_first: bool) -> Ranked:
    """Newest (or oldest) first; undated last either way."""
    days = snap.days
    return sorted(ranked, key=lambda item: (days[item[1]] == 0, -days[item[1]] if newest_first else days[item[1]],
                                            item[1]))


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
    sort = "date" if node is None and request.sort == "relevance" else request.sort
    filters = request_filters(request)
    allowed = _allowed(snap, node, filters)
    ranked = _ranked(snap, node, allowed, scored=sort == "relevance")
    wanted = relax(node) if not ranked else ()
    if wanted:
        ranked = _ranked(snap, _relaxed(node, wanted), allowed, scored=True)
        ranked = _by_coverage(snap, wanted, ranked)
    if sort != "relevance":
        ranked = _by_date(snap, ranked, newest_first=sort == "date")
    first = (request.page - 1) * request.per_page
    page = ranked[first : first + request.per_page]
    return SearchResults(
        query=request.q,
        total=len(ranked),
        page=request.page,
        per_page=request.per_page,
        results=[make_hit(snap.stored(docnum), score, node) for score, docnum in page],
        facets=snap.facets.count((docnum for _, docnum in ranked), request.filters),
        took_ms=round((time.monotonic() - started) * 1000),
        sort=sort,
        relaxed=bool(wanted) and bool(ranked),
    )
