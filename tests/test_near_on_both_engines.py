"""Near-search and section boundaries on both engines: the same articles match locally and on Solr.

The articles of tests/test_near.py (the two names 0, 2 reversed, 3, 10, 11
and 40 characters apart) plus two whose title or byline ends with one
name and whose body starts with the other: a phrase or near-search must never run from a
title or a byline into the body, as the article does not say them together.
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from indexer.api import Engine, SearchRequest
from tests.research_fixtures import indexed_archive
from tests.solr_fixtures import indexed_on
from tests.test_near import ARTICLES, WITHIN

pytest_plugins = ["tests.solr_plugin"]

ACROSS_SECTIONS = {  # one name ends the title or the byline, the other starts the body
    "title_into_body": "# 外长会见钱其琛\n\n意大利客人对访问很满意。\n",
    "byline_into_body": "# 外长会见来访客人\n\n本报记者 钱其琛\n\n意大利客人对访问很满意。\n",
}


@pytest.fixture(scope="module", params=["local", "solr"])
def engine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    pages = {**{name: f"# {title}\n\n{body}\n" for name, (title, body) in ARTICLES.items()}, **ACROSS_SECTIONS}
    data: Path = indexed_archive(tmp_path_factory.mktemp("near"), {
        f"1998-01-{n + 1:02d}_{name}": page for n, (name, page) in enumerate(pages.items())})
    found = indexed_on(request, data, "near")
    yield found
    found.close()


def names(engine: Engine, q: str) -> list[str]:
    return [hit.issue.id.split("_", 1)[1] for hit in engine.search(SearchRequest(q=q, per_page=100)).results]


@pytest.mark.parametrize(("distance", "expected"), WITHIN)
def test_all_words_within_n_characters_in_any_order(engine, distance, expected):
    assert set(names(engine, f'"钱其琛 意大利"~{distance}')) == expected


def test_nearer_ranks_higher(engine):
    ranked = names(engine, '"钱其琛 意大利"~200')
    assert ranked[:3] == ["adjacent", "reversed", "three"] and ranked[-1] == "far"


def test_near_keeps_to_a_field_and_combines_with_the_rest_of_the_language(engine):
    assert names(engine, 'title:"钱其琛 谈话"~0') == ["title"]
    assert names(engine, 'title:"钱其琛 意大利"~100') == []
    assert set(names(engine, '"钱其琛 意大利"~3 -外长')) == {"three", "reversed"}
    assert set(names(engine, '"钱其琛 意大利"~0 OR 积极')) == {"adjacent", "far"}


def test_no_near_search_runs_from_one_section_into_the_next(engine):
    assert not set(ACROSS_SECTIONS) & set(names(engine, '"钱其琛 意大利"~200'))
    assert set(names(engine, "钱其琛 意大利客人对访问")) == set(ACROSS_SECTIONS)  # both words are there


def test_no_phrase_runs_from_one_section_into_the_next(engine):
    assert names(engine, '"钱其琛。意大利"') == []  # the byline's last name, a break, the body's first word
    assert names(engine, '"钱其琛意大利"') == ["adjacent"]
