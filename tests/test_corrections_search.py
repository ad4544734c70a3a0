"""Corrections in search, through the real server over HTTP: searchable when the save answers, the
misread form still found, the corrected text on every page, snippet and facet, the original kept.

The server runs on an archive of its own (these tests change it), with
the editors of tests/test_corrections_http.py, once on each engine: the
local index and a collection of the session's SolrCloud, with the same
expectations. Articles are found by their titles, not their numbers,
which a better article splitter may change.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from bs4 import BeautifulSoup

import pytest

# The fixtures are module-scoped: imported here, they give this module a server and archive of its own.
from tests.test_corrections_http import http, token  # noqa: F401
from tests.test_corrections_http import ARCHIVE_CLI, PASSWORD, archive_command, bearer, editors_archive
from tests.test_openapi import assert_matches_spec
from tests.webui_fixtures import ADMIN_TOKEN, Http, build_archive, make_app, start_server, stop_server

pytest_plugins = ["tests.solr_plugin"]


@pytest.fixture(scope="module", params=["local", "solr"])
def engine_env(request: pytest.FixtureRequest) -> Iterator[dict[str, str]]:
    """What the server's and the CLI's environment add for the engine: nothing for the local index,
    ARCHIVE_SOLR_URL naming a new collection of the session's SolrCloud for Solr."""
    if request.param == "local":
        yield {}
        return
    cluster = request.getfixturevalue("solr_cluster")
    url = cluster.collection("corrections")
    yield {"ARCHIVE_SOLR_URL": url}
    cluster.drop(url)


@pytest.fixture(scope="module")
def archive_dir(tmp_path_factory: pytest.TempPathFactory, engine_env: dict[str, str]) -> Path:
    data = editors_archive(tmp_path_factory.mktemp("corrections-search"))
    if engine_env:
        archive_command(data, "reindex", env=engine_env)
    return data


@pytest.fixture(scope="module")
def server(archive_dir: Path, engine_env: dict[str, str]) -> Iterator[str]:
    process, base_url = start_server(archive_dir, env=engine_env)
    yield base_url
    stop_server(process)


def article_titled(http: Http, title: str) -> dict:
    """The article (its API JSON) whose title is `title`."""
    hits = http.get("/api/search", params={"q": f'title:"{title}"', "per_page": 100}).json()["results"]
    [found] = [hit for hit in hits if hit["title"] == title]
    return http.get("/api" + found["url"]).json()


def correct(http: Http, token: str, article: dict, changes: list[dict], note: str = "") -> dict:
    """Save `changes` on the article's current version; the 201 answer's JSON."""
    version = http.get(f"/api/articles/{article['id']}/corrections").json()["version"]
    answer = http.post(f"/api/articles/{article['id']}/corrections", headers=bearer(token),
                       json={"version": version, "changes": changes, "note": note})
    assert answer.status_code == 201, answer.text
    return answer.json()


def search(http: Http, q: str, **params: str) -> dict:
    answer = http.get("/api/search", params={"q": q, **params})
    assert answer.status_code == 200, answer.text
    return answer.json()


def ids(results: dict) -> list[str]:
    return [hit["id"] for hit in results["results"]]


def admin_reindex(http: Http) -> dict:
    """POST /api/reindex, again while it answers 409: the server merges segments after the reindexes
    that saves make, and a merge holds the reindex lock for a moment."""
    deadline = time.monotonic() + 30
    while (answer := http.post("/api/reindex", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})).status_code == 409:
        assert time.monotonic() < deadline, answer.text
        time.sleep(0.2)
    assert answer.status_code == 200, answer.text
    return answer.json()


def full_rebuild(data_dir: Path, env: dict[str, str]) -> None:
    """`archive reindex --full` (on the engine `env` names), again while a merge of the server's holds
    the lock (see admin_reindex)."""
    deadline = time.monotonic() + 30
    while (done := subprocess.run([str(ARCHIVE_CLI), "--data", str(data_dir), "reindex", "--full"],
                                  capture_output=True, text=True, timeout=120,
                                  env={**os.environ, **env})).returncode != 0:
        assert "already running" in done.stderr and time.monotonic() < deadline, done.stderr
        time.sleep(0.2)


def unique_run(http: Http, text: str, length: int) -> tuple[int, str]:
    """(offset, run) of the first `length` CJK characters of `text` that occur in no other article."""
    for start in range(len(text) - length):
        run = text[start:start + length]
        if re.fullmatch(r"[\u4e00-\u9fff]+", run) and search(http, f'"{run}"')["total"] == 1:
            return start, run
    raise AssertionError("no unique run")


def test_a_correction_is_searchable_when_the_save_answers_and_the_misread_form_still_finds_it(http, token):
    article = article_titled(http, "好友千里相会 醉驾双双被查")
    paragraph = article["paragraphs"][0]
    start, misread = unique_run(http, paragraph, 8)
    fixed_text = paragraph[:start + 3] + "校正甲乙丙" + paragraph[start + 5:]

    saved = correct(http, token, article, [{"field": "paragraph", "paragraph": 0, "text": fixed_text}])

    assert saved["searchable"] is True
    found = search(http, '"校正甲乙丙"')
    assert ids(found) == [article["id"]]
    assert "<mark>校正甲乙丙</mark>" in found["results"][0]["snippet"], "the snippet shows the corrected text"
    assert ids(search(http, f'"{misread}"')) == [article["id"]], "the OCR's misread form is still searchable"
    shown = http.get(f"/api/articles/{article['id']}").json()
    assert (shown["version"], shown["corrected"]) == (2, True)
    assert shown["paragraphs"][0] == fixed_text and shown["original"]["paragraphs"][0] == paragraph
    assert shown["original"]["title"] == article["title"] and "original" not in article
    page = BeautifulSoup(http.get(f"/articles/{article['id']}").text, "html.parser")
    assert "校正甲乙丙" in page.select_one(".body").get_text()
    original = page.select_one("details#original")
    assert paragraph[start + 3:start + 5] in [d.get_text() for d in original.select("del")]
    assert page.select_one(".edit-links a[href$='?original=1#original']") is not None
    opened = BeautifulSoup(http.get(f"/articles/{article['id']}", params={"original": "1"}).text, "html.parser")
    assert opened.select_one("details#original").has_attr("open")


def test_a_corrected_article_and_the_save_answer_match_the_documented_schemas(http, token):
    spec = http.get("/api/openapi.json").json()
    article = article_titled(http, "村民捡到药品 民警帮寻失主")
    version = http.get(f"/api/articles/{article['id']}/corrections").json()["version"]
    saved = http.post(f"/api/articles/{article['id']}/corrections", headers=bearer(token), json={
        "version": version, "changes": [{"field": "subtitle", "text": "副标题（校）"}]})
    assert_matches_spec(spec, "post", "/api/articles/{article_id}/corrections", saved)
    assert_matches_spec(spec, "get", "/api/articles/{article_id}", http.get(f"/api/articles/{article['id']}"))


def test_a_corrected_byline_moves_the_article_in_the_byline_facet(http, token):
    article = article_titled(http, "平原一男子醉酒袭警被刑拘")
    old_author = article["authors"][0]
    correct(http, token, article, [{"field": "byline", "text": "记者 梁家骏"}])

    found = search(http, "袭警")
    bylines = {value["value"] for value in found["facets"]["byline"]}
    assert "梁家骏" in bylines and old_author not in bylines
    assert ids(search(http, "袭警", byline="梁家骏")) == [article["id"]]
    assert ids(search(http, "byline:梁家骏")) == [article["id"]]
    assert search(http, "袭警", byline=old_author)["total"] == 0
    shown = http.get(f"/api/articles/{article['id']}").json()
    assert shown["authors"] == ["梁家骏"] and shown["original"]["byline"] == article["byline"]


def test_corrected_text_is_escaped_in_results_pages_and_the_original(http, token):
    article = article_titled(http, "禹城交警全力打造安全畅通交通环境")
    hostile = "禹城交警<script>alert(3)</script>打造<b>安全</b>环境"
    correct(http, token, article, [{"field": "title", "text": hostile}])

    assert http.get(f"/api/articles/{article['id']}").json()["title"] == hostile
    for path, params in [("/search", {"q": "禹城交警"}), (f"/articles/{article['id']}", {}),
                         (f"/articles/{article['id']}", {"q": "禹城", "original": "1"}),
                         (f"/articles/{article['id']}/history", {}), ("/corrections", {})]:
        html = http.get(path, params=params).text
        assert "<script>alert(3)" not in html and "<b>安全</b>" not in html, path
        assert "&lt;script&gt;alert(3)&lt;/script&gt;" in html, path
    results = BeautifulSoup(http.get("/search", params={"q": "禹城交警"}).text, "html.parser")
    assert hostile in results.get_text()


def test_a_revert_makes_search_forget_the_correction(http, token):
    article = article_titled(http, "推动专群结合 做实社区警务")
    saved = correct(http, token, article, [{"field": "title", "text": "推动专群结合 做实社区警务（撤销测试）"}])
    assert ids(search(http, '"撤销测试"')) == [article["id"]]

    reverted = http.post(f"/api/corrections/{saved['corrections'][0]['id']}/revert", headers=bearer(token))

    assert reverted.status_code == 201 and reverted.json()["searchable"] is True
    assert search(http, '"撤销测试"')["total"] == 0
    shown = http.get(f"/api/articles/{article['id']}").json()
    assert (shown["title"], shown["version"], shown["corrected"]) == (article["title"], 3, False)
    assert "original" not in shown


def test_a_full_rebuild_keeps_the_corrections(http, token, archive_dir, engine_env):
    article = article_titled(http, "海阳交警夯实“时段警务”提升管控成效")
    correct(http, token, article, [{"field": "subtitle", "text": "全量重建也保留的校对"}])
    generation = http.get("/api/health").json()["generation"]

    full_rebuild(archive_dir, engine_env)

    deadline = time.monotonic() + 30
    while http.get("/api/health").json()["generation"] == generation and time.monotonic() < deadline:
        time.sleep(0.1)  # the server swaps the rebuilt index in when its tables are ready
    assert http.get("/api/health").json()["generation"] != generation
    assert ids(search(http, '"全量重建也保留的校对"')) == [article["id"]]
    assert http.get(f"/api/articles/{article['id']}").json()["subtitle"] == "全量重建也保留的校对"


def test_a_new_scan_of_the_issue_carries_corrections_and_lists_the_rest_for_review(http, token, archive_dir,
                                                                                  engine_env):
    kept = article_titled(http, "江苏泗阳探索\"四个常态化\"社会治理模式")
    lost = article_titled(http, "莆田湄洲派出所努力创建\"五无\"平安岛屿")
    paragraph = kept["paragraphs"][0]
    start, _ = unique_run(http, paragraph, 12)
    carried_text = paragraph[:start + 4] + "新扫描仍在" + paragraph[start + 6:]
    correct(http, token, kept, [{"field": "paragraph", "paragraph": 0, "text": carried_text}])
    correct(http, token, lost, [{"field": "title", "text": "莆田湄洲派出所创建平安岛屿（校）"}])
    issue_file = archive_dir / "issues" / (kept["issue"]["id"] + ".txt")
    assert lost["issue"]["id"] == kept["issue"]["id"]
    rescanned = issue_file.read_text(encoding="utf-8").replace(lost["title"], "莆田湄洲派出所 创建五无岛屿", 1)
    assert rescanned != issue_file.read_text(encoding="utf-8")
    issue_file.write_text(rescanned, encoding="utf-8")

    reindexed = admin_reindex(http)

    assert reindexed["updated"] == 1
    assert search(http, '"新扫描仍在"')["total"] == 1, "carried to the new text"
    moved = article_titled(http, "莆田湄洲派出所 创建五无岛屿")
    assert [(c["field"], c["after"]) for c in moved["review"]] == [("title", "莆田湄洲派出所创建平安岛屿（校）")]
    page = BeautifulSoup(http.get(f"/articles/{moved['id']}").text, "html.parser")
    assert "莆田湄洲派出所创建平安岛屿（校）" in page.select_one("section#review").get_text()
    stats = archive_command(archive_dir, "stats", env=engine_env)
    assert re.search(r"to review:\s+1\b", stats) and "莆田湄洲派出所创建平安岛屿" in stats


def test_a_save_while_another_reindex_holds_the_lock_is_indexed_after_it(tmp_path):
    from archive.corrections.service import Corrections
    from indexer.engines.whoosh.store import IndexStore
    from indexer.lifecycle.locks import ReindexLock

    data = build_archive(tmp_path)
    corrections = Corrections(data)
    corrections.editors.add("wu", PASSWORD)
    editor_token = corrections.editors.issue_token("wu")
    corrections.close()
    client = make_app(data, CORRECTION_INDEX_WAIT=0.5).test_client()
    hit = client.get("/api/search", query_string={"q": 'title:"村民捡到药品 民警帮寻失主"'}).json["results"][0]
    held, release = threading.Event(), threading.Event()

    def hold_the_lock() -> None:
        with ReindexLock(IndexStore(data).lock_path):
            held.set()
            release.wait(30)

    holder = threading.Thread(target=hold_the_lock)
    holder.start()
    held.wait(10)
    try:
        saved = client.post(f"/api/articles/{hit['id']}/corrections", headers=bearer(editor_token), json={
            "version": 1, "changes": [{"field": "subtitle", "text": "等锁之后才进索引"}]})
        assert saved.status_code == 201 and saved.json["searchable"] is False
        assert client.get("/api/search", query_string={"q": '"等锁之后才进索引"'}).json["total"] == 0
    finally:
        release.set()
        holder.join()
    deadline = time.monotonic() + 30
    while client.get("/api/search", query_string={"q": '"等锁之后才进索引"'}).json["total"] == 0:
        assert time.monotonic() < deadline, "indexed once the other reindex let go"
        time.sleep(0.1)


def test_every_occurrence_in_context_counts_the_corrected_text_only(http, token):
    """KWIC counts in the index and shows lines of the text as shown: the OCR original a correction
    replaced (searched as its own section, with the characters around each change) is not counted."""
    article = article_titled(http, "桓台多措并举推动教育整顿深入开展")
    paragraph = article["paragraphs"][0]
    start, misread = unique_run(http, paragraph, 6)
    neighbour = paragraph[start + 6:start + 8]  # within the context kept around the change
    correct(http, token, article, [{"field": "paragraph", "paragraph": 0,
                                    "text": paragraph[:start] + "校正乙" + paragraph[start + 6:]}])
    assert ids(search(http, f'"{misread}"')) == [article["id"]]

    for q in (f'"{misread}"', f'"{neighbour}"', "校正乙"):
        lines, page = [], 1
        while True:
            body = http.get("/api/kwic", params={"q": q, "page": page, "per_page": 100}).json()
            lines += body["lines"]
            if not body["next_url"]:
                break
            page += 1
        assert body["total_hits"] == len(lines), q
    assert body["total_hits"] == 1 and lines[0]["match"] == "校正乙"
    misread_lines = http.get("/api/kwic", params={"q": f'"{misread}"'}).json()
    assert misread_lines["total_hits"] == 0 and misread_lines["lines"] == []


def test_exports_citations_and_feeds_give_the_corrected_text(http, token):
    article = article_titled(http, "剑川县公安局五措并举有效遏制命案高发势头")
    correct(http, token, article, [{"field": "title", "text": "剑川县公安局五措并举遏制命案（校正标题）"},
                                   {"field": "byline", "text": "通讯员 段校正"}])

    export = http.get("/api/export", params={"q": '"校正标题"', "format": "jsonl", "fields": "text"})
    [row] = [json.loads(line) for line in export.text.splitlines()]
    assert (row["title"], row["byline"], row["authors"]) == ("剑川县公安局五措并举遏制命案（校正标题）", "通讯员 段校正", ["段校正"])
    assert row["text"] == "\n".join(article["paragraphs"])
    citations = http.get(f"/api/articles/{article['id']}/cite").json()
    assert "剑川县公安局五措并举遏制命案（校正标题）" in citations["gbt7714"] and "段校正" in citations["gbt7714"]
    assert "校正标题" in citations["bibtex"] and "段校正" in citations["ris"]
    feed = http.get("/search.atom", params={"q": '"校正标题"'}).text
    assert "剑川县公安局五措并举遏制命案（校正标题）" in feed and article["title"] not in feed


def test_no_near_search_or_phrase_runs_from_the_body_into_the_replaced_text(http, token):
    """The OCR text a correction replaced is a section of its own after the body: the body's last
    characters and the replaced run's first ones are not side by side in the article."""
    article = article_titled(http, "市中区公安局启动 警营文化周")
    first, last = article["paragraphs"][0], article["paragraphs"][-1]
    head, tail = first[:4], last.rstrip("。")[-4:]
    correct(http, token, article, [{"field": "paragraph", "paragraph": 0, "text": "校正丁戊" + first[4:]}])
    assert ids(search(http, f'"{head}"')) == [article["id"]], "the replaced run is still found"

    assert article["id"] not in ids(search(http, f'"{tail} {head}"~5'))
    assert article["id"] not in ids(search(http, f'"{tail}。{head}"'))
