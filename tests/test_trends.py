"""A term over time: `/api/trends` counts agree with `/api/search`, and `/trends` draws them.

Every bucket's `count` is checked against the `total` of the search its
`url` opens, and its `articles` against a search of the same period with no
query (every dated article of it), on the real server.
"""
from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit
from xml.etree import ElementTree as ET

import pytest
from bs4 import BeautifulSoup

pytest_plugins = ["tests.webui_plugin"]  # the shared test archive, server and clients


def search_total(http, url: str) -> int:
    parts = urlsplit(url)
    assert parts.path == "/search"
    return http.get("/api/search", params=parse_qsl(parts.query)).json()["total"]


@pytest.mark.parametrize("params", [
    {"q": ["民警", "诈骗", "的"]},
    {"q": ["民警"], "interval": "month"},
    {"q": ["民警"], "interval": "month", "from": "2021-02-10", "to": "2021-06-30"},
    {"q": ["title:反诈 OR 电诈"], "year": "2021"},
])
def test_each_count_is_the_total_of_the_search_its_bucket_opens(http, params):
    body = http.get("/api/trends", params=params).json()
    assert [one["query"] for one in body["series"]] == params["q"]
    for one in body["series"]:
        everything = http.get("/api/search", params={**{k: v for k, v in params.items() if k not in ("q", "interval")},
                                                      "q": one["query"]}).json()["total"]
        assert one["total"] == everything
        assert sum(bucket["count"] for bucket in one["buckets"]) + one["undated"] == one["total"]
        for bucket in one["buckets"]:
            assert bucket["count"] == search_total(http, bucket["url"]), bucket
            dates = dict(parse_qsl(urlsplit(bucket["url"]).query))
            assert dates["from"].startswith(bucket["period"]) and dates["to"].startswith(bucket["period"])
            assert bucket["share"] == pytest.approx(bucket["count"] / bucket["articles"], abs=1e-6)


def test_articles_count_every_dated_article_of_the_period(http):
    body = http.get("/api/trends", params={"q": "民警", "interval": "month"}).json()
    for bucket in body["series"][0]["buckets"]:
        dates = dict(parse_qsl(urlsplit(bucket["url"]).query))  # the month's first and last day
        assert dates["from"].endswith("-01") and dates["to"][-2:] in ("28", "29", "30", "31")
        every = http.get("/api/search", params={"from": dates["from"], "to": dates["to"]}).json()  # no query: all
        assert bucket["articles"] == every["total"]


def test_undated_matches_are_counted_apart(http):
    [one] = http.get("/api/trends", params={"q": "诈骗"}).json()["series"]
    assert one["undated"] > 0  # the sample issues of 2016, 2020 and 2022 have a year but no day
    dated = http.get("/api/search", params={"q": "诈骗", "from": "0001-01-01"}).json()["total"]
    assert sum(bucket["count"] for bucket in one["buckets"]) == dated == one["total"] - one["undated"]


@pytest.mark.parametrize(("params", "message"), [
    ({}, "缺少检索词"),
    ({"q": ["一", "二", "三", "四", "五", "六"]}, "最多比较 5 个"),
    ({"q": "民警", "interval": "week"}, "interval"),
    ({"q": "(民警"}, "括号"),
    ({"q": "民警", "from": "2021-13-01"}, "from"),
])
def test_bad_requests_are_a_400_with_a_message(http, params, message):
    response = http.get("/api/trends", params=params)
    assert response.status_code == 400 and message in response.json()["error"]["message"]


def test_the_page_draws_a_linked_bar_for_each_bucket_and_a_table(http):
    api = http.get("/api/trends", params={"q": ["民警", "诈骗"], "interval": "month"}).json()
    soup = BeautifulSoup(http.get("/trends", params={"q": ["民警", "诈骗"], "interval": "month"}).text, "html.parser")
    svg = ET.fromstring(str(soup.select_one("svg.trends-chart")))
    bars = [a.get("href") for a in svg.iter("{http://www.w3.org/2000/svg}a")]
    assert bars == [one["buckets"][i]["url"] for i in range(len(api["series"][0]["buckets"])) for one in api["series"]]
    rows = soup.select(".trend-table tbody tr")
    assert [row.th.text for row in rows] == [bucket["period"] for bucket in api["series"][0]["buckets"]]
    assert soup.select_one(".trend-views a")["href"].startswith("/trends?")


def test_the_relative_view_and_hostile_queries_are_escaped(http):
    q = '<script>alert(1)</script>'
    soup = BeautifulSoup(http.get("/trends", params={"q": q, "view": "share"}).text, "html.parser")
    assert not soup.select("script")
    assert soup.select_one(".trends-form input[name=q]")["value"] == q
    assert http.get("/trends", params={"q": "民警", "view": "pie"}).status_code == 400


def test_every_results_page_links_its_trend(http):
    soup = BeautifulSoup(http.get("/search", params={"q": "民警", "year": "2021", "page": "2"}).text, "html.parser")
    link = soup.find("a", string="看趋势")["href"]
    assert link == "/trends?q=%E6%B0%91%E8%AD%A6&year=2021"
