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
            if bucket["articles"]:
                assert bucket["share"] == pytest.approx(bucket["count"] / bucket["articles"], abs=1e-6)
            else:
                assert (bucket["count"], bucket["share"]) == (0, None), "a period without articles has no share"


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
    assert bars == [one["buckets"][i]["url"] for i in range(len(api["series"][0]["buckets"])) for one in api["series"]
                    if one["buckets"][i]["articles"]]
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


def test_periods_without_articles_are_buckets_of_their_own_and_drawn_as_gaps(http):
    """The sample archive has 2021 issues of some months only: the months between are zero-filled."""
    api = http.get("/api/trends", params={"q": "民警", "interval": "month"}).json()
    buckets = api["series"][0]["buckets"]
    periods = [bucket["period"] for bucket in buckets]
    months_2021 = [p for p in periods if p.startswith("2021-")]
    assert months_2021 == [f"2021-{m:02d}" for m in range(int(months_2021[0][5:]), int(months_2021[-1][5:]) + 1)]
    assert periods == sorted(periods) and len(set(periods)) == len(periods)
    gaps = [bucket["period"] for bucket in buckets if bucket["articles"] == 0]
    assert gaps, "the sample archive has months without issues"
    assert all((b["count"], b["share"]) == (0, None) for b in buckets if b["period"] in gaps)
    assert buckets[0]["articles"] and buckets[-1]["articles"], "filled between the first and the last, not beyond"
    years = [b["period"] for b in http.get("/api/trends", params={"q": "民警"}).json()["series"][0]["buckets"]]
    assert years == [str(y) for y in range(int(years[0]), int(years[-1]) + 1)]

    soup = BeautifulSoup(http.get("/trends", params={"q": "民警", "interval": "month", "view": "share"}).text,
                         "html.parser")
    svg = ET.fromstring(str(soup.select_one("svg.trends-chart")))
    bands = [rect.findtext("{http://www.w3.org/2000/svg}title") for rect in svg.iter("{http://www.w3.org/2000/svg}rect")
             if rect.get("class") == "gap"]
    assert bands == [f"{period}：档案里没有这一时期的文章" for period in gaps]
    assert [row.th.text for row in soup.select(".trend-table tr.gap")] == gaps


def test_a_range_is_filled_only_where_the_archive_has_articles_around_it(http):
    """`from`/`to` far beyond the archive: no run of empty years before its first or after its last."""
    wide = http.get("/api/trends", params={"q": "民警", "from": "1950-01-01", "to": "2099-12-31"}).json()
    plain = http.get("/api/trends", params={"q": "民警"}).json()
    assert [b["period"] for b in wide["series"][0]["buckets"]] == [b["period"] for b in plain["series"][0]["buckets"]]


def test_an_asked_range_is_filled_to_its_ends_inside_the_archive(http):
    """from/to inside the archive's dates: the range's empty months at its start show as gaps too."""
    body = http.get("/api/trends", params={"q": "民警", "interval": "month", "from": "2021-03-01",
                                           "to": "2021-06-30"}).json()
    buckets = body["series"][0]["buckets"]
    assert [b["period"] for b in buckets] == ["2021-03", "2021-04", "2021-05", "2021-06"]
    assert [b["articles"] == 0 for b in buckets] == [True, True, False, False]
