"""Known-item ranking: a headline that is mostly the query ranks first, on both engines.

A daily column keeps its headline (`东亚经济传真`) day after day; on one day
it stands alone over the column's items (their headlines its subtitle), on
others the OCR ran the first item's headline into it. Someone typing the
column's words wants the page where the headline is just those words: the
title bonus reads the title alone (`indexer.fields.TITLE_BONUS_GRAMS`), so
its length normalisation favours it, while `title:` still searches title and
subtitle. The three pages are those of ../shared/eval/split-dev.
"""
from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from indexer.api import Engine, SearchRequest
from indexer.engines.whoosh.engine import WhooshEngine
from indexer.settings import Settings
from tests.solr_fixtures import solr_engine

pytest_plugins = ["tests.solr_plugin"]

PAGES = ("19980113-07", "19980114-07", "19980115-07")
COLUMN = "东亚经济传真"


@pytest.fixture(scope="module", params=["local", "solr"])
def engine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, shared_dir: Path) -> Iterator[Engine]:
    """The column's three pages indexed on each engine (Solr: a collection of the session's SolrCloud)."""
    root = tmp_path_factory.mktemp("column")
    (root / "issues").mkdir()
    for page in PAGES:
        shutil.copy(shared_dir / "eval" / "split-dev" / "pages" / f"{page}.txt", root / "issues")
    if request.param == "local":
        index: Engine = WhooshEngine(Settings(data_dir=root))
    else:
        cluster = request.getfixturevalue("solr_cluster")
        url = cluster.collection("column")
        index = solr_engine(root, url)
        request.addfinalizer(lambda: cluster.drop(url))
    index.reindex()
    yield index
    index.close()


def test_the_headline_that_is_the_query_ranks_above_longer_ones_starting_with_it(engine) -> None:
    titles = [(hit.issue.id, hit.title) for hit in engine.search(SearchRequest(q="传真 东亚 经济")).results]
    assert [title for _, title in titles].count(COLUMN) == 1, titles  # the other days' headlines are longer
    assert titles[0] == ("19980114-07", COLUMN)


def test_title_scope_still_reads_the_subtitle(engine) -> None:
    article = next(hit for hit in engine.search(SearchRequest(q="传真 东亚 经济")).results if hit.title == COLUMN)
    assert article.subtitle
    scoped = engine.search(SearchRequest(q=f'title:"{article.subtitle[:6]}"')).results
    assert article.id in [hit.id for hit in scoped]
