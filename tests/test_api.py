"""The JSON API, over HTTP against the real server (CONTRACT.md, "HTTP API")."""
from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

import pytest
import requests
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.lifecycle.locks import ReindexLock, lock_file
from tests.solr_fixtures import ARCHIVE
from tests.webui_fixtures import ADMIN_TOKEN, HOSTILE_ISSUE_ID, Http, start_server, stop_server
from webui import create_app

pytest_plugins = ["tests.webui_plugin", "tests.solr_plugin"]  # the shared test archive, server and clients


@pytest.fixture(scope="session", params=["local", "solr"])
def served_archive(request: pytest.FixtureRequest, webui_archive: Path,
                   tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, str]]:
    """(base URL, DATA, engine) of the real server over the test archive, on each engine: the tests over HTTP
    run against the local index and against a collection of the session's SolrCloud (2 shards x 2
    replicas), with the same expectations."""
    if request.param == "local":
        yield request.getfixturevalue("server_url"), webui_archive, "local"
        return
    cluster = request.getfixturevalue("solr_cluster")
    root = tmp_path_factory.mktemp("webui-archive-solr")
    shutil.copytree(webui_archive / "issues", root / "issues")
    url = cluster.collection("webui")
    subprocess.run([ARCHIVE, "--data", str(root), "--solr", url, "reindex"], check=True, capture_output=True)
    process, base_url = start_server(root, env={"ARCHIVE_SOLR_URL": url})
    yield base_url, root, "solr"
    stop_server(process)
    cluster.drop(url)


@pytest.fixture
def http(served_archive: tuple[str, Path, str]) -> Iterator[Http]:
    with Http(served_archive[0]) as session:
        yield session

ARTICLE_FIELDS = {"id", "title", "subtitle", "byline", "issue", "paragraphs", "url"}


def search(http, **params):
    response = http.get("/api/search", params=params)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    return response.json()


def assert_error(response, status: int, code: str) -> str:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"} and body["error"]["code"] == code and body["error"]["message"]
    return body["error"]["message"]


# --- search -------------------------------------------------------------------------


def test_search_answers_in_the_contract_shape(http):
    body = search(http, q="杀猪盘")
    assert {"query", "total", "page", "per_page", "results", "facets", "took_ms"} <= set(body)
    assert (body["query"], body["page"], body["per_page"]) == ("杀猪盘", 1, 10)
    top = body["results"][0]
    assert {"id", "title", "byline", "issue", "snippet", "score", "url"} <= set(top)
    assert {"id", "date", "page", "paper"} <= set(top["issue"])
    assert top["issue"]["id"] == "004_f681114cb4297908"
    assert "<mark>杀猪盘</mark>" in top["snippet"]
    assert top["url"] == "/articles/" + quote(top["id"], safe="/")


def test_each_result_links_to_its_article_with_the_query_highlighted(http):
    top = search(http, q="连南")["results"][0]
    article = http.get(top["read_url"].split("#")[0]).text
    assert top["read_url"].endswith("#first-match")
    assert '<mark id="first-match">连南</mark>' in article


def test_a_quoted_phrase_matches_wherever_the_characters_occur_in_a_row(http):
    assert search(http, q='"电信网络诈骗"')["total"] >= 4


def test_facets_count_values_and_their_toggle_url_narrows_the_search(http):
    body = search(http, q="民警")
    years = body["facets"]["year"]
    assert years and all(value["count"] > 0 and not value["selected"] for value in years)
    narrowed = http.get(years[0]["toggle_url"]).json()
    assert narrowed["filters"] == {"year": [years[0]["value"]]}
    assert narrowed["total"] == years[0]["count"]
    assert all((hit["issue"]["date"] or years[0]["value"]).startswith(years[0]["value"]) for hit in narrowed["results"])
    assert next(v for v in narrowed["facets"]["year"] if v["value"] == years[0]["value"])["selected"]


def test_next_url_pages_forward_without_repeating_results(http):
    first = search(http, q="民警", per_page=3)
    assert first["total"] > 3 and first["previous_url"] is None
    second = http.get(first["next_url"]).json()
    assert second["page"] == 2 and second["previous_url"]
    assert not {hit["id"] for hit in first["results"]} & {hit["id"] for hit in second["results"]}


@pytest.mark.parametrize("sort, newest_first", [("date", True), ("-date", False)])
def test_sort_by_date_orders_dated_results(http, sort, newest_first):
    body = search(http, q="民警", sort=sort, per_page=50)
    dates = [hit["issue"]["date"] for hit in body["results"] if hit["issue"]["date"]]
    assert body["sort"] == sort and dates == sorted(dates, reverse=newest_first)


def test_a_date_range_keeps_only_issues_inside_it(http):
    everything = search(http, q="民警", per_page=100)
    dates = sorted({hit["issue"]["date"] for hit in everything["results"] if hit["issue"]["date"]})
    body = search(http, q="民警", per_page=100, **{"from": dates[-1], "to": dates[-1]})
    assert body["total"] > 0
    assert {hit["issue"]["date"] for hit in body["results"]} == {dates[-1]}


def test_a_search_that_finds_nothing_suggests_looser_queries(http):
    body = search(http, q='"民警 貉子不存在"')
    assert body["total"] == 0 and body["results"] == []
    assert "民警 貉子不存在" in [s["query"] for s in body["suggestions"]]


def test_a_strict_and_is_not_relaxed(http):
    body = search(http, q="杀猪盘 犯罪团伙")
    assert body["relaxed"] is False
    assert body["total"] >= 1


def test_when_no_article_has_every_word_the_results_say_they_are_relaxed(http):
    body = search(http, q="民警 AND 貉")  # the 貉 brief says 派出所 and 警方, never 民警
    assert body["relaxed"] is True
    assert body["results"][0]["snippet"].count("<mark>貉</mark>") >= 1


def test_an_issue_dated_only_by_a_year_in_its_text_still_carries_the_year(http):
    hit = search(http, q="杀猪盘")["results"][0]
    assert hit["issue"]["date"] is None and hit["issue"]["year"] == 2022


# --- articles and issues ------------------------------------------------------------


def test_an_article_by_id_with_slashes(http):
    top = search(http, q="杀猪盘")["results"][0]
    response = http.get("/api" + top["url"])
    assert response.status_code == 200
    article = response.json()
    assert ARTICLE_FIELDS <= set(article) and article["id"] == top["id"]
    assert article["paragraphs"] and article["highlighted"] is None


def test_an_article_with_q_adds_highlighted_paragraphs(http):
    top = search(http, q="杀猪盘")["results"][0]
    article = http.get("/api" + top["url"], params={"q": "杀猪盘"}).json()
    assert len(article["highlighted"]) == len(article["paragraphs"])
    assert any("<mark>杀猪盘</mark>" in paragraph for paragraph in article["highlighted"])


def test_issues_are_listed_newest_first_with_article_counts(http):
    body = http.get("/api/issues").json()
    assert body["total"] == len(body["issues"]) == 6
    dates = [issue["date"] for issue in body["issues"] if issue["date"]]
    assert dates == sorted(dates, reverse=True)
    assert all({"id", "date", "date_source", "page", "paper", "articles"} <= set(i) for i in body["issues"])


def test_an_issue_lists_its_articles_in_page_order_and_its_original_text(http):
    issue = http.get(f"/api/issues/{HOSTILE_ISSUE_ID}").json()
    assert issue["id"] == HOSTILE_ISSUE_ID and issue["date"] == "2021-05-06" and issue["page"] == 3
    assert [a["title"] for a in issue["articles"]][-1] == "社区反诈宣传进校园"
    assert "有人在留言里写下" in issue["text"]
    for link in issue["articles"]:
        assert http.get("/api" + link["url"]).json()["issue"]["id"] == HOSTILE_ISSUE_ID


def test_neighbours_link_the_articles_of_the_same_page(http):
    issue = http.get(f"/api/issues/{HOSTILE_ISSUE_ID}").json()
    first, second = (http.get("/api" + a["url"]).json() for a in issue["articles"][-2:])
    assert first["next"]["id"] == second["id"] and second["previous"]["id"] == first["id"]


def test_health_reports_counts_from_the_index(http):
    body = http.get("/api/health").json()
    assert body["status"] == "ok" and body["issues"] == 6 and body["articles"] > 6
    assert body["failed"] == [] and body["generation"]


def test_health_names_the_engine_and_for_solr_the_live_nodes_and_each_shards_replicas(http, served_archive):
    body = http.get("/api/health").json()
    assert body["engine"] == served_archive[2]
    if served_archive[2] == "solr":
        assert len(body["live_nodes"]) == 2 and len(body["shards"]) == 2
        assert all(len(nodes) == 2 for nodes in body["shards"].values())  # every replica active
        answered = body["answered_by"].removeprefix("http://").replace("/solr", "_solr")
        assert answered in body["live_nodes"]


def test_the_server_is_waitress_not_the_development_server(http):
    assert http.get("/api/health").headers["Server"] == "archive"  # waitress's ident; Werkzeug says "Werkzeug/…"


def test_concurrent_searches_all_get_the_same_answer(served_archive):
    def ids(q: str) -> list[str]:
        response = requests.get(served_archive[0] + "/api/search", params={"q": q}, timeout=30)  # a session per call
        return [hit["id"] for hit in response.json()["results"]]

    queries = ["民警", "杀猪盘", '"电信网络诈骗"', "title:醉驾"] * 5
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(ids, queries))
    assert all(answer == answers[i % 4] and answer for i, answer in enumerate(answers))


# --- reindex --------------------------------------------------------------------------


def test_reindex_with_the_token_reports_what_changed(http):
    response = http.post("/api/reindex", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
    assert response.status_code == 200, response.text
    assert response.json()["unchanged"] == 6 and response.json()["added"] == 0


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": ADMIN_TOKEN}])
def test_reindex_without_the_right_token_is_401(http, headers):
    assert_error(http.post("/api/reindex", headers=headers), 401, "unauthorized")


def test_reindex_while_another_runs_is_409(http, served_archive):
    with ReindexLock(lock_file(served_archive[1])):  # what a running `archive reindex` holds, on either engine
        response = http.post("/api/reindex", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
    assert_error(response, 409, "reindex_running")


def test_a_file_dropped_into_issues_is_searchable_after_post_reindex(tmp_path):
    app = create_app({"DATA_DIR": tmp_path, "ADMIN_TOKEN": ADMIN_TOKEN, "TESTING": True})
    client, auth = app.test_client(), {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    (tmp_path / "issues").mkdir()
    (tmp_path / "issues" / "2021-07-01_02.txt").write_text("# 独角兽大桥通车\n\n本报讯 独角兽大桥今日通车。\n", encoding="utf-8")
    assert client.get("/api/search", query_string={"q": "独角兽"}).json["total"] == 0
    assert client.post("/api/reindex", headers=auth).json["added"] == 1
    deadline = time.monotonic() + 10  # the index is re-read when its generation changes (polled)
    while client.get("/api/search", query_string={"q": "独角兽"}).json["total"] == 0 and time.monotonic() < deadline:
        time.sleep(0.1)
    hit = client.get("/api/search", query_string={"q": "独角兽"}).json["results"][0]
    assert hit["issue"] == {"id": "2021-07-01_02", "date": "2021-07-01", "date_source": "filename", "page": 2,
                            "paper": None, "year": 2021, "url": "/issues/2021-07-01_02"}
    app.extensions["archive"].close()


def test_reindex_is_403_when_the_server_has_no_token(client_with):
    client = client_with(ADMIN_TOKEN=None)
    response = client.post("/api/reindex", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
    assert response.status_code == 403 and response.json["error"]["code"] == "forbidden"


def test_reindex_is_rate_limited_per_client(client_with):
    client = client_with(REINDEX_RATE_LIMIT=(1, 3600))
    auth = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    assert client.post("/api/reindex", headers=auth).status_code == 200
    limited = client.post("/api/reindex", headers=auth)
    assert limited.status_code == 429 and limited.json["error"]["code"] == "rate_limited"
    assert int(limited.headers["Retry-After"]) > 0


# --- errors: a message for every bad input, never a 500 ------------------------------


@pytest.mark.parametrize("params, mentions", [
    ({"q": "民警", "per_page": "100000"}, "per_page"),
    ({"q": "民警", "per_page": "0"}, "per_page"),
    ({"q": "民警", "page": "-1"}, "page"),
    ({"q": "民警", "page": "abc"}, "page"),
    ({"q": "民警", "page": "1.5"}, "page"),
    ({"q": "民警", "page": "200", "per_page": "100"}, "page × per_page"),
    ({"q": "民警", "sort": "foo"}, "sort"),
    ({"q": "民警", "from": "2021-13-45"}, "from"),
    ({"q": "民警", "to": "20210101"}, "to"),
    ({"q": "民警", "from": "2021-05-01", "to": "2021-01-01"}, "起始日期"),
    ({"q": "民\x00警"}, "q"),
    ({}, "q"),
])
def test_bad_parameters_are_400_with_a_message_that_names_them(http, params, mentions):
    assert mentions in assert_error(http.get("/api/search", params=params), 400, "bad_parameter")


def test_a_query_over_500_characters_is_413(http):
    assert "500" in assert_error(http.get("/api/search", params={"q": "民" * 501}), 413, "query_too_long")


@pytest.mark.parametrize("q", ["((((", '"', "title:", ")", "OR", "NOT", "-", "「", "AND AND", "title:(", "*", "\\",
                               "byline:\"", "a" * 500, "<script>", "%00", "' OR 1=1 --"])
def test_hostile_queries_are_answered_or_explained_never_a_500(http, q):
    response = http.get("/api/search", params={"q": q})
    if response.status_code != 200:
        assert_error(response, 400, "bad_query")


@pytest.mark.parametrize("path", [
    "/api/articles/no-such-issue/1",
    "/api/articles/%2e%2e/%2e%2e/etc/passwd",
    "/api/articles/000_143190444e71cc2b/%00",
    "/api/articles/000_143190444e71cc2b/999",
    "/api/articles/000_143190444e71cc2b//1",
    "/api/issues/..%2F..%2Fetc",
    "/api/issues/no-such-issue",
    "/api/nothing-here",
])
def test_unknown_records_and_paths_are_404_json(http, path):
    assert_error(http.get(path), 404, "not_found")


def test_a_wrong_method_is_405_json(http):
    assert_error(http.post("/api/search"), 405, "method_not_allowed")


def test_bad_paging_of_issues_is_400(http):
    assert_error(http.get("/api/issues", params={"per_page": "500"}), 400, "bad_parameter")



QUERY_TEXT = st.text(st.sampled_from('民警诈骗貉 "“”「」()（）:：-*?~^\\/<>&%\x00ORNTADtitlebyline１９'), max_size=40)
PARAMETER_TEXT = st.one_of(st.text(max_size=12), st.integers(-5, 10**6).map(str), st.sampled_from(["", "2021-02-30"]))
PARAMETER_NAMES = st.sampled_from(["page", "per_page", "sort", "from", "to", "year", "byline", "place", "issue"])


@pytest.mark.parametrize("path", ["/api/search", "/search"])
@settings(max_examples=100, deadline=None, database=None)
@given(q=QUERY_TEXT, params=st.dictionaries(PARAMETER_NAMES, PARAMETER_TEXT))
def test_no_search_a_client_can_send_is_a_server_error(in_process, path, q, params):
    response = in_process.get(path, query_string={"q": q, **params})
    assert response.status_code in (200, 302, 400, 413), response.text
    if path.startswith("/api/") and response.status_code != 200:
        assert set(response.json) == {"error"}


# --- articles as printed (issue 12) ---------------------------------------------------


def test_a_dateline_phrase_finds_its_article_and_the_snippet_shows_it(http):
    body = search(http, q='"本报金乡讯"')
    hit = next(h for h in body["results"] if h["title"] == "金乡7镇街 配发消防车")
    assert "<mark>本报金乡讯</mark>" in hit["snippet"]
    article = http.get(hit["url"].replace("/articles/", "/api/articles/", 1)).json()
    assert (article["dateline"], article["dateline_place"], article["dateline_date"]) == ("本报金乡讯", "金乡", None)
    assert article["captions"] == [] and not article["paragraphs"][0].startswith("本报金乡讯")
    assert ARTICLE_FIELDS <= set(article)  # additions only


def test_a_photo_standing_alone_is_found_by_its_credit_but_not_listed_in_its_issue(http):
    body = search(http, q="byline:梁平妮")
    assert [h["issue"]["id"] for h in body["results"]] == ["003_24cd6c31f59ac330"]
    photo = http.get("/api/articles/" + body["results"][0]["id"]).json()
    assert photo["kind"] == "caption" and photo["captions"][0].endswith("本报记者 梁平妮 本报通讯员 赵晓姮 陈康 摄")
    issue = http.get("/api/issues/003_24cd6c31f59ac330").json()
    assert photo["id"] not in [a["id"] for a in issue["articles"]]
    assert "四川宁南开展酒驾毒驾集中整治" in [a["title"] for a in issue["articles"]]
    assert "潍坊森达美港" in search(http, q="潍坊森达美港")["results"][0]["snippet"].replace("<mark>", "").replace("</mark>", "")
