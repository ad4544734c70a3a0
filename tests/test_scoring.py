"""One scoring plan, two ways to run it: bulk postings (the fast path) give what Whoosh's matchers give.

`ranking.plan` derives what scores a document once; `scoring.plan_scores`
evaluates it over posting lists read in bulk, and with
`Settings(bulk_scoring=False)` Whoosh's own matchers run the same plan
compiled (`ranking.to_whoosh`). Over the benchmark's query mix
(bench/queries.py: words, ANDs, phrases, ORs, NOTs, field scopes, dates,
facets, date sorting, single characters), drawn from a slice of the
../shared corpus and indexed for real, both must give the same results:
totals, ids, order, scores, facets and snippets, page after page. The
mix's near-searches are left out: only the bulk path measures distances
(tests/test_near.py tests them).
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from bench.corpus import shared_dir, source_articles, write_issues
from bench.queries import BenchQuery, draw_queries
from indexer.api import Engine, QueryError, SearchRequest, SearchResults
from indexer.factory import open_engine
from indexer.settings import Settings
from tests.reindex_fixtures import reindex

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def corpus_slice(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[BenchQuery]]:
    try:
        shared_dir()
    except FileNotFoundError:
        pytest.skip("../shared/corpus is not beside this checkout")
    root = tmp_path_factory.mktemp("bench-slice")
    write_issues(root / "data", scale=1, quick=True)
    reindex(root / "data")
    queries = draw_queries(source_articles(quick=True), root / "jieba-cache")
    return root / "data", [query for query in queries if query.kind != "near"]


def request(query: BenchQuery, page: int) -> SearchRequest:
    params = dict(query.params)
    return SearchRequest(q=query.q, page=page, sort=params.get("sort", "relevance"), date_from=params.get("from"),
                         date_to=params.get("to"), filters={"year": (params["year"],)} if "year" in params else {})


def answer(engine: Engine, query: BenchQuery, page: int) -> SearchResults | str:
    try:
        return replace(engine.search(request(query, page)), took_ms=0)
    except QueryError as error:
        return f"QueryError: {error}"


def test_bulk_scoring_gives_what_whooshs_matchers_give_on_the_bench_mix(corpus_slice) -> None:
    data, queries = corpus_slice
    fast = open_engine(Settings(data_dir=data))
    reference = open_engine(Settings(data_dir=data, bulk_scoring=False))
    try:
        for query in queries:
            for page in (1, 2):
                assert answer(fast, query, page) == answer(reference, query, page), (query, page)
        found = [answer(fast, query, 1) for query in queries]
    finally:
        fast.close()
        reference.close()
    assert len(queries) >= 200
    assert sum(isinstance(r, SearchResults) and r.total > 0 for r in found) > 0.9 * len(queries), "a meaningful mix"
