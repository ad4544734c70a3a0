"""Hostile queries: whatever a client sends, the answer is a result or a clear 4xx, never a 5xx.

Over 10,000 generated requests (Hypothesis, derandomized so every run sends
the same ones) cover every parameter of /api/search (q, page, per_page,
sort, from, to, each facet filter), its HTML twin /search, the issue
listing and the ids of /api/articles, /api/issues, /articles and /issues.
The bulk goes to the real app in this process; a smaller batch goes to the
real `archive serve` over HTTP, with a per-request timeout so that a hang
fails. The slowest request is printed (pytest -s), not asserted: timing
belongs to the benchmark.

The explicit limits (query length, page size, page depth, number of terms,
filters, and wildcards, which are never expanded) are spelled out below
the generated tests, each with the status and error code a client sees.
"""
from __future__ import annotations

from typing import Iterator
from urllib.parse import quote

import pytest
import requests
from flask.testing import FlaskClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.reindex_fixtures import reindex
from indexer.api import FACETS, SORTS
from indexer.settings import Settings
from tests.hardening_fixtures import (  # noqa: F401 (fixtures)
    HOSTILE_WORD,
    Latencies,
    app_client,
    hostile_archive,
    hostile_client,
    hostile_server,
)

# Everything a client can cause (a redirect merges `//` in a path); anything else, 5xx above all, is a bug.
CLIENT_STATUSES = {200, 301, 302, 308, 400, 404, 413}
HTTP_TIMEOUT = 10.0  # seconds: far above the 2 s each answer must take, so only a hang trips it

# --- what a hostile client sends ---------------------------------------------------------

SYNTAX = ['"', "“", "”", "「", "」", "『", "』", "(", ")", "（", "）", ":", "：", "-", "*", "?", "~", "^", "\\",
          "/", "..", " OR ", " AND ", " NOT ", "title:", "byline:", "date:", "标题:", "作者:", "日期:", "foo:",
          "<script>", "</mark>", "<mark>", "&amp;", "%00", "%", "\t", "\u3000", "\u200b", "\ufeff", "１９９８",
          "2021-04", "..2020", "9999-99-99"]
WORDS = ["民警", "诈骗", "電信詐騙", "杀猪盘", "的", "貉", HOSTILE_WORD, "Police", "a", "1998"]
UNICODE = st.characters(blacklist_categories=("Cs",))  # lone surrogates cannot travel in a URL
TOKEN = st.one_of(st.sampled_from(SYNTAX), st.sampled_from(WORDS), st.text(UNICODE, min_size=1, max_size=8))

QUERIES = st.one_of(
    st.lists(TOKEN, max_size=12).map("".join),
    st.lists(TOKEN, max_size=20).map(" ".join),
    st.text(UNICODE, max_size=60),
    st.integers(480, 520).flatmap(lambda n: st.sampled_from(["民" * n, "(" * (n // 2) + ")" * (n - n // 2),
                                                               "-" * (n - 1) + "民", "民 " * (n // 2)])),
    st.integers(1, 60).map(lambda n: " OR ".join(["民"] * n)),
    st.integers(1, 240).map(lambda depth: "(" * depth + "民警" + ")" * depth),
)
NUMBERS = st.one_of(
    st.integers(-3, 200).map(str),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(["", " ", "1.5", "1e3", "0x10", "１", "٣", "+1", "-0", "NaN", "inf", "10000", "10001", "99999999999"]),
    st.text(UNICODE, max_size=12),
)
DATES = st.one_of(
    st.dates().map(lambda day: day.isoformat()),
    st.sampled_from(["", "2021-02-29", "2020-02-29", "0000-00-00", "9999-12-31", "2021-4-8", "2021/04/08",
                     "２０２１-０４-０８", "20210408", "2021-04-08T00:00", "2021-04-08\x00"]),
    st.text(UNICODE, max_size=12),
)
SORT = st.one_of(st.sampled_from([*SORTS, "", "DATE", "relevance ", "score"]), st.text(UNICODE, max_size=10))
FILTER_VALUE = st.one_of(st.sampled_from(["2021", "测试晚报", "../../etc/passwd", "<script>", "", " "]),
                         st.text(UNICODE, max_size=20), st.integers(195, 210).map(lambda n: "报" * n))
FILTERS = st.dictionaries(
    st.sampled_from(FACETS),
    st.one_of(st.lists(FILTER_VALUE, max_size=3), st.integers(19, 22).map(lambda n: [str(1990 + i) for i in range(n)])),
    max_size=3,
)
IDS = st.one_of(
    st.lists(st.one_of(st.sampled_from(["..", ".", "", "%2e%2e", "%2f", "%00", "hostile", "000_143190444e71cc2b",
                                        "1", "999", "<b>&\"'2021-05-07", "版面 名称 有空格", "\\", "etc", "passwd"]),
                       st.text(UNICODE, min_size=1, max_size=10)), min_size=1, max_size=6).map("/".join),
    st.text(UNICODE, min_size=1, max_size=40),
    st.integers(200, 5000).map(lambda n: "a/" * n),
)
ID_ROUTES = st.sampled_from(["/api/articles/", "/api/issues/", "/articles/", "/issues/"])


def generated(examples: int) -> settings:
    """Hypothesis settings: the same `examples` on every run; with two requests each, over 10,000 in all."""
    return settings(max_examples=examples, deadline=None, derandomize=True, database=None,
                    suppress_health_check=list(HealthCheck))


def search_params(q: str, page: str, per_page: str, sort: str, date_from: str, date_to: str,
                  filters: dict[str, list[str]]) -> list[tuple[str, str]]:
    params = [("q", q), ("page", page), ("per_page", per_page), ("sort", sort), ("from", date_from), ("to", date_to)]
    return params + [(name, value) for name, values in filters.items() for value in values]


def check(status: int, path: str, json_body: dict | None) -> None:
    """Only answers a client can cause; under /api every error has the one JSON error shape.

    `path` is the path the server saw (an HTTP client may have removed `..` segments).
    """
    assert status in CLIENT_STATUSES, f"{status} for {path}"
    if path.startswith("/api/") and status >= 400:
        assert json_body is not None and set(json_body) == {"error"}, json_body
        assert json_body["error"]["code"] and json_body["error"]["message"]


@pytest.fixture(scope="module")
def latencies() -> Iterator[Latencies]:
    """Every request of this module is timed; the slowest is printed at the end (pytest -s)."""
    measured = Latencies()
    yield measured
    print(f"\nhostile queries: {measured.summary()}")


def get(client: FlaskClient, latencies: Latencies, path: str, params=None):
    with latencies.measure(f"{path} {params!r}"):
        response = client.get(path, query_string=params)
    check(response.status_code, path, response.get_json(silent=True))
    return response


# --- generated: in process ---------------------------------------------------------------
# Each example asks the API and its HTML twin the same thing: twice the requests for one generation,
# and the two must agree (the page redirects to the start page where the API asks for a query).


def twins_agree(api_status: int, page_status: int) -> bool:
    return page_status == api_status or (api_status == 400 and page_status == 302)


@generated(3000)
@given(q=QUERIES, page=NUMBERS, per_page=NUMBERS, sort=SORT, date_from=DATES, date_to=DATES, filters=FILTERS)
def test_any_search_is_answered_or_refused_clearly_by_the_api_and_the_page(hostile_client, latencies, q, page,
                                                                             per_page, sort, date_from, date_to,
                                                                             filters):
    params = search_params(q, page, per_page, sort, date_from, date_to, filters)
    api = get(hostile_client, latencies, "/api/search", params)
    page_twin = get(hostile_client, latencies, "/search", params)
    assert twins_agree(api.status_code, page_twin.status_code), (api.status_code, page_twin.status_code)
    if api.status_code == 200:
        assert len(api.json["results"]) <= api.json["per_page"] <= 100


@generated(2000)
@given(route=st.sampled_from(["/articles/", "/issues/"]), record_id=IDS, q=st.one_of(st.none(), QUERIES))
def test_any_id_is_found_or_404_by_the_api_and_the_page(hostile_client, latencies, route, record_id, q):
    path = route + quote(record_id, safe="/")
    params = None if q is None else {"q": q}
    api = get(hostile_client, latencies, "/api" + path, params)
    page_twin = get(hostile_client, latencies, path, params)
    assert api.status_code == page_twin.status_code


@generated(500)
@given(page=NUMBERS, per_page=NUMBERS)
def test_any_issue_listing_page_is_answered_or_refused_clearly(hostile_client, latencies, page, per_page):
    api = get(hostile_client, latencies, "/api/issues", {"page": page, "per_page": per_page})
    page_twin = get(hostile_client, latencies, "/issues", {"page": page, "per_page": per_page})
    assert api.status_code == page_twin.status_code


@generated(600)
@given(q=QUERIES, sort=SORT, date_from=DATES, filters=FILTERS, record_id=IDS, cite_format=SORT,
       day=st.tuples(NUMBERS, NUMBERS, NUMBERS))
def test_any_research_request_is_answered_or_refused_clearly(hostile_client, latencies, q, sort, date_from, filters,
                                                              record_id, cite_format, day):
    """The research tools take the search's parameters, ids and dates: the same rule, 2xx or a clear 4xx."""
    for path in ("/api/kwic", "/kwic"):
        get(hostile_client, latencies, path, [*search_params(q, "1", "10", "", date_from, "", filters),
                                              ("sort", sort), ("width", cite_format)])
    for path in ("/api/trends", "/trends"):
        get(hostile_client, latencies, path, [*search_params(q, "1", "10", sort, date_from, "", filters),
                                              ("q", q[::-1]), ("interval", sort), ("view", sort)])
    get(hostile_client, latencies, "/api/export", [*search_params(q, "1", "10", sort, date_from, "", filters),
                                                   ("format", cite_format), ("fields", cite_format)])
    feed = get(hostile_client, latencies, "/search.atom", search_params(q, "1", "10", sort, date_from, "", filters))
    if feed.status_code == 200:
        assert feed.mimetype == "application/atom+xml"
    get(hostile_client, latencies, "/api/articles/" + quote(record_id, safe="/") + "/cite", {"format": cite_format})
    for prefix in ("/api/calendar/", "/calendar/"):
        get(hostile_client, latencies, prefix + "/".join(quote(part, safe="") for part in day if part) or prefix)


# --- generated: over HTTP, against the real server ------------------------------------------


@settings(max_examples=200, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck), phases=[Phase.generate])  # shrinking over HTTP takes minutes
@given(q=QUERIES, page=NUMBERS, per_page=NUMBERS, sort=SORT, date_from=DATES, filters=FILTERS,
       route=ID_ROUTES, record_id=IDS)
def test_the_real_server_answers_hostile_requests_without_hanging(hostile_server, latencies, q, page, per_page, sort,
                                                                    date_from, filters, route, record_id):
    for path, params in (("/api/search", search_params(q, page, per_page, sort, date_from, "", filters)),
                         (route + quote(record_id, safe="/"), None)):
        with latencies.measure(f"HTTP {path} {params!r}"):
            response = requests.get(hostile_server + path, params=params, timeout=HTTP_TIMEOUT)
        try:
            body = response.json()
        except ValueError:
            body = None
        check(response.status_code, response.request.path_url, body)


# --- the limits, one by one ----------------------------------------------------------------


@pytest.mark.parametrize(("params", "status", "code"), [
    ({"q": "民" * 501}, 413, "query_too_long"),
    ({"q": "民警", "per_page": "101"}, 400, "bad_parameter"),
    ({"q": "民警", "per_page": "0"}, 400, "bad_parameter"),
    ({"q": "民警", "page": "0"}, 400, "bad_parameter"),
    ({"q": "民警", "page": "101", "per_page": "100"}, 400, "bad_parameter"),  # deeper than 10,000 results
    ({"q": "民警", "page": "10001"}, 400, "bad_parameter"),
    ({"q": " OR ".join(["民"] * 33)}, 400, "bad_query"),  # more than 32 terms
    ({"q": "民警", "year": [str(year) for year in range(1990, 2011)]}, 400, "bad_parameter"),  # 21 values
    ({"q": "民警", "paper": "报" * 201}, 400, "bad_parameter"),
    ({"q": "民警", "from": "2021-02-30"}, 400, "bad_parameter"),
    ({"q": "民警", "from": "2021-05-01", "to": "2021-04-01"}, 400, "bad_parameter"),
    ({"q": "民警", "sort": "score"}, 400, "bad_parameter"),
    ({"q": "*"}, 400, "bad_query"),  # wildcards are not expanded: alone they leave nothing to search
    ({"q": "?*?"}, 400, "bad_query"),
], ids=lambda value: str(value)[:40])
def test_each_limit_is_a_clear_4xx_with_a_message(hostile_client, params, status, code):
    response = hostile_client.get("/api/search", query_string=params)
    assert response.status_code == status, response.json
    assert response.json["error"]["code"] == code and response.json["error"]["message"]


def test_the_page_twin_refuses_the_same_limits_with_the_same_status(hostile_client):
    assert hostile_client.get("/search", query_string={"q": "民" * 501}).status_code == 413
    assert hostile_client.get("/search", query_string={"q": "民警", "per_page": "101"}).status_code == 400


@pytest.mark.parametrize("q", ["民*", "*民", "民?", "民~2", "民^3", "民\\*"])
def test_wildcards_and_operators_of_other_engines_are_plain_characters_never_expanded(hostile_client, q):
    """`民*` finds what `民` finds, no more: there is no prefix or wildcard expansion to exhaust."""
    body = hostile_client.get("/api/search", query_string={"q": q, "per_page": 100}).json
    plain = hostile_client.get("/api/search", query_string={"q": "民", "per_page": 100}).json
    assert body["total"] <= plain["total"]


def test_the_longest_allowed_query_is_answered(hostile_client):
    assert hostile_client.get("/api/search", query_string={"q": "民" * 500}).status_code == 200


def test_a_query_nested_as_deep_as_the_length_limit_allows_is_answered(hostile_client):
    assert hostile_client.get("/api/search", query_string={"q": "(" * 249 + "民" + ")" * 249}).status_code == 200
    assert hostile_client.get("/api/search", query_string={"q": "-" * 499 + "民"}).status_code == 200


def test_a_phrase_that_repeats_a_gram_matches_exactly_where_the_repetition_occurs(tmp_path):
    """Repeated grams are read once (a hostile 中国中国… phrase was slow); they must still all be checked."""
    issues = tmp_path / "issues"
    issues.mkdir()
    (issues / "five.txt").write_text("# 五声\n\n台下笑声哈哈哈哈哈，随后安静。\n", encoding="utf-8")
    (issues / "two.txt").write_text("# 两声\n\n他只是哈哈一笑。\n", encoding="utf-8")
    reindex(tmp_path)
    with app_client(tmp_path) as client:
        def found(q: str) -> set[str]:
            return {hit["issue"]["id"] for hit in client.get("/api/search", query_string={"q": f'"{q}"'}).json["results"]}

        assert found("哈哈") == {"five", "two"}
        assert found("哈哈哈哈哈") == {"five"}
        assert found("哈哈哈哈哈哈") == set()
        assert found("笑声哈哈哈哈哈，随后") == {"five"}


# --- bounded work: what one search may read --------------------------------------------------


def write_issues(root, pages: dict[str, str]) -> None:
    issues = root / "issues"
    issues.mkdir()
    for name, text in pages.items():
        (issues / f"{name}.txt").write_text(text, encoding="utf-8")
    reindex(root)


def test_a_query_that_would_read_too_much_of_the_index_is_refused_as_too_broad(tmp_path):
    """The work budget (`Settings.max_postings` and `postings_per_article`, made tiny here) bounds every shape: an OR is refused
    before reading, an AND once its reading passes the budget; a narrow query is still answered,
    although it is the first to build the snapshot's facet table (never charged to one search)."""
    write_issues(tmp_path, {f"p{i}": f"# 第{i}篇\n\n民警和辅警在第{i}个路口执勤。\n" for i in range(10)}
                 | {"rare": "# 琥珀\n\n一块琥珀。\n"})
    with app_client(tmp_path, SETTINGS=Settings(data_dir=tmp_path, max_postings=5, postings_per_article=0)) as client:
        for q in ("民 OR 警 OR 辅", "民 警", "路口 -琥珀"):
            response = client.get("/api/search", query_string={"q": q})
            assert response.status_code == 400, (q, response.json)
            assert response.json["error"]["code"] == "bad_query"
            assert "太宽泛" in response.json["error"]["message"]
        narrow = client.get("/api/search", query_string={"q": "琥珀"})
        assert narrow.status_code == 200 and narrow.json["total"] == 1


def test_a_long_and_that_no_article_satisfies_is_relaxed_to_its_rarest_words(tmp_path):
    """Only `Settings.max_relaxed_words` (made 2 here) of the words are looked for, the rarest: an article
    with just the common ones is not shown, one with a rare word is."""
    common = "常见的普通消息寻常"
    write_issues(tmp_path, {"amber": f"# 一\n\n琥珀{common}。\n", "coral": f"# 二\n\n珊瑚{common}。\n",
                            "plain": f"# 三\n\n{common}。\n"})
    with app_client(tmp_path, SETTINGS=Settings(data_dir=tmp_path, max_relaxed_words=2)) as client:
        body = client.get("/api/search", query_string={"q": "琥珀 珊瑚 常见 普通 寻常"}).json
    assert body["relaxed"] is True
    assert {hit["issue"]["id"] for hit in body["results"]} == {"amber", "coral"}


def test_repeated_parts_of_a_query_count_once(hostile_client):
    """`民警 OR 民警 OR …` reads and scores 民警 once, as Whoosh would (it drops repeated subqueries)."""
    def hits(q: str) -> list[tuple[str, float]]:
        body = hostile_client.get("/api/search", query_string={"q": q, "per_page": 100}).json
        return [(hit["id"], hit["score"]) for hit in body["results"]]

    assert hits("民警 OR 民警") == hits(" OR ".join(["民警"] * 30)) == hits("民警 民警")
    assert {id_ for id_, _ in hits("民警 OR 民警")} == {id_ for id_, _ in hits("民警")}
