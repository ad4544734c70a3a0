"""Every occurrence in context: `/api/kwic` and `/kwic` on the real server.

`total_hits` comes from the index (positions); the lines from the article
text. Paging through every line must give exactly `total_hits` lines, each
showing the query, so the two agree.
"""
from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from indexer.text.normalize import compact

pytest_plugins = ["tests.webui_plugin"]  # the shared test archive, server and clients


def all_lines(http, **params) -> tuple[int, list[dict]]:
    lines, page = [], 1
    while True:
        body = http.get("/api/kwic", params={**params, "page": page, "per_page": 100}).json()
        lines += body["lines"]
        if not body["next_url"]:
            return body["total_hits"], lines
        page += 1


@pytest.mark.parametrize("q", ["民警", "诈骗", "电信网络诈骗", "的", "title:反诈", "哈哈 OR 民警", "詐騙"])
def test_paging_through_gives_one_line_per_occurrence_counted_in_the_index(http, q):
    total, lines = all_lines(http, q=q)
    assert total == len(lines) > 0
    needles = [compact(word.removeprefix("title:")).text for word in q.split(" OR ")]
    assert all(any(compact(line["match"]).text == needle for needle in needles) for line in lines)
    articles = {line["article"]["id"] for line in lines}
    assert len(articles) <= http.get("/api/search", params={"q": q}).json()["total"]


def test_occurrences_are_counted_not_articles_and_come_newest_first(http):
    body = http.get("/api/kwic", params={"q": "民警", "per_page": 100}).json()
    assert body["total_hits"] > http.get("/api/search", params={"q": "民警"}).json()["total"]
    dates = [line["issue"]["date"] for line in all_lines(http, q="民警")[1]]
    dated = [d for d in dates if d]
    assert dated == sorted(dated, reverse=True) and dates[:len(dated)] == dated  # undated last


def test_contexts_are_width_characters_and_stop_at_paragraph_ends(http):
    for width in (5, 20):
        for line in all_lines(http, q="民警", width=width)[1]:
            assert len(line["left"]) <= width and len(line["right"]) <= width
            assert "\n" not in line["left"] + line["match"] + line["right"]


@pytest.mark.parametrize("sort", ["left", "right"])
def test_sorting_by_context_orders_by_the_characters_next_to_the_match(http, sort):
    total, lines = all_lines(http, q="民警", sort=sort)
    assert total == len(lines)
    keys = [line["left"][::-1] if sort == "left" else line["right"] for line in lines]
    assert keys == sorted(keys)


def test_filters_and_dates_narrow_the_lines(http):
    everything = http.get("/api/kwic", params={"q": "民警"}).json()["total_hits"]
    narrowed, lines = all_lines(http, q="民警", **{"from": "2021-06-01", "to": "2021-06-30"})
    assert 0 < narrowed < everything and all(line["issue"]["date"].startswith("2021-06") for line in lines)


@pytest.mark.parametrize(("params", "message"), [
    ({}, "缺少检索词"),
    ({"q": "民警", "width": "0"}, "width"),
    ({"q": "民警", "width": "201"}, "width"),
    ({"q": "民警", "sort": "relevance"}, "sort"),
    ({"q": "民警", "per_page": "101"}, "per_page"),
    ({"q": "(民警"}, "括号"),
])
def test_bad_requests_are_a_400_with_a_message(http, params, message):
    response = http.get("/api/kwic", params=params)
    assert response.status_code == 400 and message in response.json()["error"]["message"]


def test_sorting_too_many_lines_by_context_is_refused_with_a_way_out(client_with, monkeypatch):
    from webui.research import context

    client = client_with()
    total = client.get("/api/kwic", query_string={"q": "民警"}).json["total_hits"]
    monkeypatch.setattr(context, "MAX_SORTED_LINES", total - 1)
    response = client.get("/api/kwic", query_string={"q": "民警", "sort": "left"})
    assert response.status_code == 400 and "缩小范围" in response.json["error"]["message"]
    assert client.get("/api/kwic", query_string={"q": "民警", "sort": "left", "year": "2021"}).status_code == 200


def test_the_page_aligns_the_match_column_and_escapes_the_text(http):
    soup = BeautifulSoup(http.get("/kwic", params={"q": "alert"}).text, "html.parser")
    assert not soup.select("script, img")
    rows = soup.select("table.kwic tbody tr")
    assert rows and all(row.select_one("td.match").text.lower() == "alert" for row in rows)
    assert any("<script>" in row.select_one("td.left").text + row.select_one("td.right").text for row in rows)
    sorts = [a["href"] for a in soup.select(".trend-views a")]
    assert "/kwic?q=alert&sort=left" in sorts


def test_every_results_page_links_its_lines_in_context(http):
    soup = BeautifulSoup(http.get("/search", params={"q": "民警", "year": "2021", "sort": "date"}).text, "html.parser")
    assert soup.find("a", string="逐条看上下文")["href"] == "/kwic?q=%E6%B0%91%E8%AD%A6&year=2021"
