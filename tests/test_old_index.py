"""An index built before the indexer was reorganised still opens and searches; the next reindex rebuilds it.

Whoosh pickles the schema, analyzers included, into every table of contents.
tests/fixtures/index-57550d0/ is a small archive indexed by commit 57550d0
(the last one before the reorganisation), whose schema names
`indexer.analysis.NgramTokenizer`; `indexer/analysis.py` keeps that name
importable. Were it to go, this index would fail to open. Its sections
have no position gap (ngrams.SECTION_GAP: its pickled tokenizer reads
section_gap 0), so the next reindex rebuilds it from the issue files,
which also splits its issue again by this version.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from indexer.api import SearchRequest
from indexer.factory import open_engine
from indexer.settings import Settings

FIXTURE = Path(__file__).with_name("fixtures") / "index-57550d0"
NEW_ISSUE = "date: 2021-06-02\npage: 3\n\n# 新来的一期\n\n整理之后编入索引的文章，关键词是珊瑚色的灯塔。\n"


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURE, tmp_path / "data"))


def tables_of_contents(data: Path) -> list[bytes]:
    return [toc.read_bytes() for toc in sorted((data / ".archive").glob("index-*/_MAIN_*.toc"))]


def test_the_fixture_names_the_old_module(data: Path) -> None:
    assert b"indexer.analysis" in tables_of_contents(data)[-1]


def test_an_index_built_before_the_reorganisation_opens_and_searches(data: Path) -> None:
    engine = open_engine(Settings(data_dir=data))
    try:
        results = engine.search(SearchRequest("琥珀色的灯塔"))
        assert [hit.title for hit in results.results] == ["旧索引里的文章"]
        assert "<mark>琥珀色的灯塔</mark>" in results.results[0].snippet
        assert engine.search(SearchRequest('title:"第二篇" 诈骗')).total == 1
        assert engine.issue("2021-06-01-02").articles[1].title == "第二篇"
        assert engine.stats().articles == 2
    finally:
        engine.close()


def test_the_next_reindex_rebuilds_it_and_then_names_the_new_module(data: Path) -> None:
    """Its sections have no position gap (a phrase could run from a title into its body): the next
    reindex rebuilds it rather than add to it, and from then on updates are incremental again."""
    engine = open_engine(Settings(data_dir=data))
    (data / "issues" / "2021-06-02-03.txt").write_text(NEW_ISSUE, encoding="utf-8")

    index_dirs = sorted((data / ".archive").glob("index-*"))

    summary = engine.reindex()

    assert (summary.added, summary.unchanged) == (2, 0), "rebuilt: the old index's sections had no gap"
    assert sorted((data / ".archive").glob("index-*")) != index_dirs, "a new index, not the old one added to"
    assert {hit.title for hit in engine.search(SearchRequest("灯塔")).results} == {"旧索引里的文章", "新来的一期"}
    assert engine.article("2021-06-01-02/2").title == "第二篇", "the same file splits alike: its ids stay"
    assert b"indexer.engines.whoosh.analyzers" in tables_of_contents(data)[-1]
    assert engine.reindex().unchanged == 2, "re-split once, not on every reindex"
    engine.close()
