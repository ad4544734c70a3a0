"""Near-search, `"钱其琛 意大利"~10`: the words within N characters of one another, any order, ranked by nearness.

A small archive is written here with the two names at known distances;
the query is then asked of every endpoint that takes `q`, and of the CLI.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient

from archive.cli import main
from indexer.query import Near, QueryError, Text, parse, unparse
from tests.hardening_fixtures import app_client
from tests.research_fixtures import indexed_archive

ARTICLES = {  # id -> (title, body): the words 0, 3, 10, 11 and 40 characters apart, and 2 reversed
    "adjacent": ("甲文", "外长钱其琛意大利之行顺利结束。"),
    "three": ("乙文", "钱其琛会见了意大利客人。"),
    "ten": ("丙文", "钱其琛上午在北京会见来访的意大利外长。"),
    "eleven": ("丁文", "钱其琛上午在北京会见了来访的意大利外长。"),
    "reversed": ("戊文", "意大利会见钱其琛。"),
    "far": ("己文", "钱其琛出席会议。" + "会议讨论了许多问题，取得了积极成果和广泛共识，大家都很满意。" + "意大利也派了代表。"),
    "title": ("钱其琛谈话", "双方在友好的气氛中进行了长时间会谈，来访的是意大利客人。"),
}


@pytest.fixture(scope="module")
def near_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return indexed_archive(tmp_path_factory.mktemp("near"), {
        f"1998-01-{n + 1:02d}_{name}": f"# {title}\n\n{body}\n" for n, (name, (title, body)) in enumerate(ARTICLES.items())})


@pytest.fixture(scope="module")
def client(near_archive: Path) -> Iterator[FlaskClient]:
    with app_client(near_archive) as test_client:
        yield test_client


def found(client, q: str, path: str = "/api/search") -> list[str]:
    body = client.get(path, query_string={"q": q, "per_page": 100}).json
    return [hit["issue"]["id"].split("_", 1)[1] for hit in body["results"]]


def test_the_query_language_reads_a_near_and_writes_it_back():
    node = parse('"钱其琛 意大利"~10')
    assert node == Near(("钱其琛", "意大利"), 10)
    assert parse(unparse(node)) == node and unparse(node) == '"钱其琛 意大利"~10'
    assert parse('title:“钱其琛 意大利”~3') == Near(("钱其琛", "意大利"), 3, "title")
    assert parse('"钱其琛"~3') == Text("钱其琛")  # one word: just that phrase
    assert parse('"钱其琛 意大利" ~3') != node  # a space before ~ makes it a phrase and a word
    with pytest.raises(QueryError, match="200"):
        parse('"钱其琛 意大利"~201')


# `"钱其琛 意大利"~N` -> the ARTICLES it finds (tests/test_near_on_both_engines.py asks both engines)
WITHIN = [
    (0, {"adjacent"}),
    (2, {"adjacent", "reversed"}),
    (3, {"adjacent", "three", "reversed"}),
    (10, {"adjacent", "three", "ten", "reversed"}),
    (11, {"adjacent", "three", "ten", "eleven", "reversed"}),
    (200, {"adjacent", "three", "ten", "eleven", "reversed", "far"}),
]


@pytest.mark.parametrize(("distance", "expected"), WITHIN)
def test_all_words_within_n_characters_in_any_order(client, distance, expected):
    assert set(found(client, f'"钱其琛 意大利"~{distance}')) == expected


def test_nearer_ranks_higher(client):
    assert found(client, '"钱其琛 意大利"~12') == ["adjacent", "reversed", "three", "ten", "eleven"]


def test_a_field_scope_keeps_every_word_in_that_field(client):
    assert found(client, 'title:"钱其琛 谈话"~0') == ["title"]
    assert found(client, 'title:"钱其琛 意大利"~100') == []  # 意大利 is only in its body


def test_near_combines_with_the_rest_of_the_language(client):
    assert set(found(client, '"钱其琛 意大利"~3 -外长')) == {"three", "reversed"}
    assert set(found(client, '"钱其琛 意大利"~0 OR 积极')) == {"adjacent", "far"}
    assert client.get("/api/search", query_string={"q": '-"钱其琛 意大利"~3'}).status_code == 400


def test_every_endpoint_that_takes_q_understands_it(client, near_archive, tmp_path):
    q = '"钱其琛 意大利"~3'
    assert set(found(client, q)) == {"adjacent", "three", "reversed"}
    page = client.get("/search", query_string={"q": q}).get_data(as_text=True)
    assert "找到 <strong>3</strong> 篇文章" in page and "<mark>钱其琛</mark>" in page
    trends = client.get("/api/trends", query_string={"q": q}).json["series"][0]
    assert trends["total"] == 3
    kwic = client.get("/api/kwic", query_string={"q": q}).json
    assert kwic["total_hits"] == 6 and {line["match"] for line in kwic["lines"]} == {"钱其琛", "意大利"}
    export = client.get("/api/export", query_string={"q": q, "format": "jsonl"}).data.decode().splitlines()
    assert len(export) == 3
    assert client.get("/search.atom", query_string={"q": q}).data.count(b"<entry>") == 3
    result = CliRunner().invoke(main, ["--data", str(near_archive), "search", q, "--json"], catch_exceptions=False)
    assert result.exit_code == 0 and json.loads(result.output)["total"] == 3


def test_help_explains_it(client):
    page = client.get("/help").get_data(as_text=True)
    assert "~10" in page and "钱其琛 意大利" in page
