"""Same answers on both engines: the bench query mix finds exactly as many articles on Solr as locally.

Over a sample of the benchmark corpus (every 20th file of ../shared/corpus),
with the mix drawn from that sample as `python -m bench` draws it: every
query kind of the query language, dates, facet filters and sorts. The
benchmark checks the same over the whole corpus (`--engine both`).
"""
from __future__ import annotations

from pathlib import Path

import pytest

from bench.corpus import articles, write_issues
from bench.queries import draw_queries
from indexer.api import FACETS, SearchRequest
from indexer.factory import open_engine
from indexer.settings import Settings

from tests.solr_fixtures import solr_engine

pytest_plugins = ["tests.solr_plugin"]

SAMPLE_STRIDE = 20


def request_of(params: dict[str, str]) -> SearchRequest:
    """A bench query's URL parameters as the request the API builds from them."""
    return SearchRequest(q=params["q"], sort=params.get("sort", "relevance"), date_from=params.get("from"),
                         date_to=params.get("to"), filters={k: (v,) for k, v in params.items() if k in FACETS})


@pytest.mark.slow
def test_every_query_of_the_bench_mix_finds_as_many_articles_on_both_engines(tmp_path, shared_dir, solr_collection):
    data = tmp_path / "data"
    write_issues(data, 1, stride=SAMPLE_STRIDE)
    local = open_engine(Settings(data_dir=data))
    local.reindex()
    solr = solr_engine(data, solr_collection())
    solr.reindex()
    queries = draw_queries(list(articles(data)), tmp_path / "jieba")
    differ = []
    for query in queries:
        request = request_of(query.url_params())
        mine, theirs = solr.search(request), local.search(request)
        if (mine.total, mine.relaxed) != (theirs.total, theirs.relaxed):
            differ.append((query, mine.total, theirs.total))
    assert len(queries) >= 200 and sum(local.search(request_of(q.url_params())).total > 0 for q in queries) > 150
    assert differ == []


def test_solr_sample_is_not_empty(shared_dir: Path):
    """The sample has both sources of the corpus, so the mix covers dated pages and transcripts."""
    files = sorted(p.name for p in (shared_dir / "corpus" / "pd1998-early" / "pages").glob("*.txt"))
    assert len(files) >= SAMPLE_STRIDE
