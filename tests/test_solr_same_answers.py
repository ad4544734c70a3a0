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

from tests.reindex_fixtures import make_archive
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


@pytest.fixture(scope="module")
def both_engines(tmp_path_factory: pytest.TempPathFactory, solr_cluster):
    """The sample issues on the local engine and on a collection of the session's SolrCloud."""
    data = make_archive(tmp_path_factory.mktemp("research"), samples=5)
    local = open_engine(Settings(data_dir=data))
    local.reindex()
    url = solr_cluster.collection("research")
    solr = solr_engine(data, url)
    solr.reindex()
    yield local, solr
    local.close()
    solr_cluster.drop(url)


@pytest.mark.parametrize("q", ["民警", '"电信网络诈骗"', "诈骗 -电信", "title:醉驾", "反诈 OR 杀猪盘", "date:2021 警",
                               '"民警 诈骗"~10', '"诈骗 民警 群众"~100', 'title:"电信 诈骗"~4', '"反诈 宣传"~5 -民警',
                               '"本报济宁讯"', "本报金乡讯 消防车", '"潍坊出入境边防检查"', '"全力侦查破案"'])
def test_the_research_tools_answer_alike_on_both_engines(both_engines, q):
    """Matches per period, occurrences in context and every match for export: the same on Solr, for
    near-searches and for text of the split fields too (datelines `本报济宁讯`, a photo's caption, a
    section heading)."""
    local, solr = both_engines
    request = SearchRequest(q=q)
    assert solr.search(request).total == local.search(request).total
    for interval in ("year", "month"):
        assert solr.period_counts(request, interval) == local.period_counts(request, interval)
    mine, theirs = solr.occurrences(request, 0, 3), local.occurrences(request, 0, 3)
    assert (mine.needles, mine.total, mine.first) == (theirs.needles, theirs.total, theirs.first)
    assert sum(held for _, held in mine.articles) == sum(held for _, held in theirs.articles)
    assert sorted(a.id for a in solr.matching_articles(request)) == sorted(a.id for a in local.matching_articles(request))


@pytest.mark.parametrize("q", ['"民警 诈骗"~3', '"民警 诈骗"~10', '"民警 诈骗"~200', '"诈骗 民警 群众"~100', 'title:"警 醉"~10',
                               'title:"电信 诈骗"~4', '"电信网络 诈骗"~5', '"反诈 宣传"~5 -民警', '"民警 诈骗"~10 OR 杀猪盘',
                               '"犯罪 嫌疑人"~2'])
def test_a_near_search_finds_as_many_articles_on_both_engines(both_engines, q):
    local, solr = both_engines
    mine, theirs = solr.search(SearchRequest(q=q)), local.search(SearchRequest(q=q))
    assert theirs.total > 0 and (mine.total, mine.relaxed) == (theirs.total, theirs.relaxed)
