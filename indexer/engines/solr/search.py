"""One SearchRequest on Solr: the same matches, facets, sorts, pages and snippets as the local engine.

One request to Solr's JSON Request API does the work the local engine does
in two stages: every match counted (`numFound`) and faceted (JSON facets,
refined across shards so the counts are exact), the page of hits ranked by
the full score. The hits' stored JSON is the local engine's, and snippets
are cut from it by the same code, so a hit reads the same on both.

When no article has all the words of an AND, the search is relaxed as on
the local engine: the rarest words ORed (exclusions and dates kept), the
articles that have more (and rarer) of them first.
"""
from __future__ import annotations

import math
import time
from typing import Any

from indexer.api import FacetValue, SearchRequest, SearchResults
from indexer.engines.solr.client import SolrClient
from indexer.engines.solr.query import clause, lucene_query
from indexer.fields import FACET_FIELDS
from indexer.present.facets import MAX_VALUES, facet_values
from indexer.present.views import hit
from indexer.query import And, DateRange, Node, Not, Or, positive_texts, relax, request_dates, validate

ARTICLES = "kind:article"
HIT_FIELDS = "id,number,data,score"
# Facets in one count order: year by value (newest first), the others by count, then value.
_SORTS = {"year": "index desc"}
SOLR_SORTS = {
    "relevance": "score desc, id asc",
    "date": "day desc, issue_id asc, number asc",
    "-date": "day asc, issue_id asc, number asc",
}


def filter_queries(request: SearchRequest) -> list[str]:
    """Articles only, with every selected facet value, within the request's dates."""
    filters = [ARTICLES, *(f"{{!term f={FACET_FIELDS[name]}}}{value}"
                           for name, values in request.filters.items() for value in values)]
    dates = request_dates(request)
    if dates is not None:
        filters.append(f"day:[{dates.start} TO {dates.end}]")
    return filters


def facet_request() -> dict[str, Any]:
    return {name: {"type": "terms", "field": field, "limit": MAX_VALUES, "sort": _SORTS.get(name, "count desc"),
                   "refine": name not in _SORTS}
            for name, field in FACET_FIELDS.items()}


def shaped_facets(facets: dict[str, Any], total: int, selected: dict[str, tuple[str, ...]]) -> dict[str, list[FacetValue]]:
    """Solr's buckets shaped as the local engine shapes its counts (`present.facets`). A selected
    value is a filter every match passes: its count is the total, listed or not."""
    shaped: dict[str, list[FacetValue]] = {}
    for name in FACET_FIELDS:
        counts = {str(b["val"]): int(b["count"]) for b in facets.get(name, {}).get("buckets", [])}
        counts.update({value: total for value in selected.get(name, ()) if value not in counts})
        shaped[name] = facet_values(name, counts, selected.get(name, ()))
    return shaped


def _rarest(client: SolrClient, wanted: tuple[Node, ...], filters: list[str], most: int) -> tuple[Node, ...]:
    """The `most` of `wanted` that the fewest articles have, in query order."""
    if len(wanted) <= most:
        return wanted
    counts = _counts(client, wanted, "*:*", filters)
    kept = set(sorted(range(len(wanted)), key=lambda i: counts[i])[:most])
    return tuple(item for i, item in enumerate(wanted) if i in kept)


def _counts(client: SolrClient, parts: tuple[Node, ...], query: str, filters: list[str]) -> list[int]:
    """How many of the matches of `query` each part matches (one request, a query facet each)."""
    facets = {f"w{i}": {"type": "query", "q": clause(part, False)} for i, part in enumerate(parts)}
    body = client.select({"query": query, "filter": filters, "limit": 0, "facet": facets})
    return [int(body.get("facets", {}).get(f"w{i}", {}).get("count", 0)) for i in range(len(parts))]


def _relaxed(node: And, wanted: tuple[Node, ...]) -> Node:
    kept = tuple(item for item in node.items if isinstance(item, (Not, DateRange)))
    return And((Or(wanted), *kept)) if kept else Or(wanted)


def _coverage_sort(client: SolrClient, query: str, wanted: tuple[Node, ...], filters: list[str]) -> tuple[str, dict[str, str]]:
    """A sort putting first the matches that have the most, and rarest, of the `wanted` words (as the
    local engine's `_by_coverage`: each word weighs log(1 + articles / matches having it))."""
    articles = int(client.select({"query": ARTICLES, "limit": 0})["response"]["numFound"])
    counts = _counts(client, wanted, query, filters)
    params: dict[str, str] = {}
    terms = []
    for i, (part, having) in enumerate(zip(wanted, counts)):
        params[f"w{i}"] = clause(part, False)
        terms.append(f"if(query($w{i},0),{math.log(1 + articles / max(1, having)):.6f},0)")
    return f"sum({','.join(terms)}) desc, score desc, id asc" if len(terms) > 1 else SOLR_SORTS["relevance"], params


def matched_query(client: SolrClient, request: SearchRequest, max_relaxed_words: int) -> tuple[str, str]:
    """The query `run_search` answers `request` with (relaxed if no article has all the words) and
    its sort: what an export pages through."""
    node = validate(request)
    ranks = any(positive_texts(node, field) for field in ("title", "byline"))
    sort = "date" if request.sort == "relevance" and not ranks else request.sort
    query, filters = lucene_query(node), filter_queries(request)
    wanted = relax(node) if client.select({"query": query, "filter": filters, "limit": 0})["response"]["numFound"] \
        == 0 else ()
    if wanted:
        query = lucene_query(_relaxed(node, _rarest(client, wanted, filters, max_relaxed_words)))
    return query, SOLR_SORTS[sort]


def run_search(client: SolrClient, request: SearchRequest, max_relaxed_words: int) -> SearchResults:
    """Results for `request`, as the local engine gives them (engines/whoosh/search.py)."""
    started = time.monotonic()
    node = validate(request)
    ranks = any(positive_texts(node, field) for field in ("title", "byline"))
    sort = "date" if request.sort == "relevance" and not ranks else request.sort
    filters = filter_queries(request)
    body: dict[str, Any] = {
        "query": lucene_query(node), "filter": filters, "offset": (request.page - 1) * request.per_page,
        "limit": request.per_page, "sort": SOLR_SORTS[sort], "fields": HIT_FIELDS, "facet": facet_request(),
    }
    answer = client.select(body)
    relaxed = False
    wanted = relax(node) if answer["response"]["numFound"] == 0 else ()
    if wanted:
        wanted = _rarest(client, wanted, filters, max_relaxed_words)
        node = _relaxed(node, wanted)
        body["query"] = lucene_query(node)
        if sort == "relevance":
            body["sort"], body["params"] = _coverage_sort(client, body["query"], wanted, filters)
        answer = client.select(body)
        relaxed = answer["response"]["numFound"] > 0
    total = int(answer["response"]["numFound"])
    scored = sort == "relevance"
    return SearchResults(
        query=request.q,
        total=total,
        page=request.page,
        per_page=request.per_page,
        results=[hit(doc, float(doc.get("score", 0.0)) if scored else 0.0, node)
                 for doc in answer["response"]["docs"]],
        facets=shaped_facets(answer.get("facets", {}), total, request.filters),
        took_ms=round((time.monotonic() - started) * 1000),
        sort=sort,
        relaxed=relaxed,
    )
