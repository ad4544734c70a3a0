"""Corrections through the real server over HTTP: the token API, the login, CSRF and the pages.

The server runs on an archive of its own (the web UI test archive, which
includes the hostile issue), because these tests change it. Editors are
made with the real `archive editor` commands.
"""
from __future__ import annotations

import hashlib
import os
import re
import signal
import subprocess
import sys
from pathlib import Path
from typing import Iterator

import pytest
import requests
from bs4 import BeautifulSoup

from tests.webui_fixtures import (
    HOSTILE_ISSUE_ID,
    Http,
    build_archive,
    make_app,
    sample_article_id,
    serving,
    start_server,
    stop_server,
)

ARCHIVE_CLI = Path(sys.executable).parent / "archive"
ARTICLE = sample_article_id("全民攻坚凝聚反电诈合力")
PASSWORD = "correct-horse-battery"


def archive_command(data_dir: Path, *args: str, stdin: str = "", env: dict[str, str] | None = None) -> str:
    """`archive --data DATA ARGS`, with `env` added to its environment (ARCHIVE_SOLR_URL: on Solr)."""
    done = subprocess.run([str(ARCHIVE_CLI), "--data", str(data_dir), *args], input=stdin, capture_output=True,
                          text=True, timeout=60, check=True, env={**os.environ, **(env or {})})
    return done.stdout.strip()


def editors_archive(root: Path) -> Path:
    """The test archive under `root` with the editors wang and li."""
    data = build_archive(root)
    archive_command(data, "editor", "add", "wang", "--password-stdin", stdin=PASSWORD + "\n")
    archive_command(data, "editor", "add", "li", "--password-stdin", stdin=PASSWORD + "\n")
    return data


@pytest.fixture(scope="module")
def archive_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return editors_archive(tmp_path_factory.mktemp("corrections-http"))


@pytest.fixture(scope="module")
def server(archive_dir: Path) -> Iterator[str]:
    with serving(archive_dir) as base_url:
        yield base_url


@pytest.fixture(scope="module")
def token(archive_dir: Path, server: str) -> str:
    return archive_command(archive_dir, "editor", "token", "wang")


@pytest.fixture
def http(server: str) -> Iterator[Http]:
    with Http(server) as session:
        yield session


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def current(http: Http, article: str = ARTICLE) -> dict:
    return http.get(f"/api/articles/{article}/corrections").json()


def post_correction(http: Http, token: str, body: dict, article: str = ARTICLE) -> requests.Response:
    return http.post(f"/api/articles/{article}/corrections", json=body, headers=bearer(token))


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def log_in(http: Http, name: str = "wang", password: str = PASSWORD) -> requests.Response:
    page = http.get("/login")
    return http.post("/login", data={"name": name, "password": password, "csrf_token": csrf_of(page.text)},
                     allow_redirects=False)


# --- the token API ---------------------------------------------------------------------


def test_a_script_corrects_a_paragraph_and_reads_the_history(http, token):
    version = current(http)["version"]
    paragraph = http.get(f"/api/articles/{ARTICLE}").json()["paragraphs"][1]
    fixed = paragraph[:10] + "（校）" + paragraph[10:]
    answer = post_correction(http, token, {"version": version, "changes": [
        {"field": "paragraph", "paragraph": 1, "text": fixed}], "note": "对照原报"})
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["version"] == version + 1
    [made] = body["corrections"]
    assert (made["field"], made["paragraph"], made["before"], made["after"], made["editor"], made["note"]) == \
        ("paragraph", 1, paragraph, fixed, "wang", "对照原报")
    history = current(http)
    assert history["version"] == version + 1 and history["corrections"][-1]["id"] == made["id"]
    assert {"id", "field", "paragraph", "before", "after", "editor", "at", "note", "reverted_by"} <= set(made)


def test_a_save_on_an_old_version_gets_409_saying_what_changed(http, token):
    version = current(http)["version"]
    assert post_correction(http, token, {"version": version, "changes": [
        {"field": "subtitle", "text": "副标题由编辑补上"}]}).status_code == 201
    late = post_correction(http, token, {"version": version, "changes": [{"field": "title", "text": "覆盖别人的修改"}]})
    assert late.status_code == 409
    message = late.json()["error"]["message"]
    assert f"第 {version + 1} 版" in message and "wang" in message and "副标题" in message
    assert "覆盖别人的修改" not in str(current(http))


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer nope"}, {"Authorization": "Bearer t1.x"},
                                     {"Authorization": "Basic d2FuZzp4"}, {"Authorization": "Bearer " + "x" * 5000}])
def test_no_valid_token_no_change(http, headers):
    answer = http.post(f"/api/articles/{ARTICLE}/corrections", json={"version": 1, "changes": [
        {"field": "title", "text": "未授权"}]}, headers=headers)
    assert answer.status_code == 401 and answer.json()["error"]["code"] == "unauthorized"
    assert http.post("/api/corrections/1/revert", headers=headers).status_code == 401


def test_the_admin_token_and_a_session_id_are_not_editor_tokens(http, archive_dir):
    from tests.webui_fixtures import ADMIN_TOKEN

    assert post_correction(http, ADMIN_TOKEN, {"version": 1, "changes": []}).status_code == 401
    log_in(http)
    session_value = http.cookies.get("archive_session")
    assert post_correction(http, session_value, {"version": 1, "changes": []}).status_code == 401


@pytest.mark.parametrize("body", [
    None, [], {"changes": [{"field": "title", "text": "x"}]}, {"version": "2", "changes": []},
    {"version": True, "changes": [{"field": "title", "text": "x"}]}, {"version": 1, "changes": []},
    {"version": 1, "changes": [{"field": "headline", "text": "x"}]},
    {"version": 1, "changes": [{"field": "paragraph", "text": "x"}]},
    {"version": 1, "changes": [{"field": "paragraph", "paragraph": "1", "text": "x"}]},
    {"version": 1, "changes": ["title"]},
])
def test_a_bad_body_is_a_400_with_a_message(http, token, body):
    answer = http.post(f"/api/articles/{ARTICLE}/corrections", headers=bearer(token),
                       data=b"{not json" if body is None else None, json=body if body is not None else None)
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"]["message"]


def test_a_bad_change_against_the_current_version_is_a_400(http, token):
    version = current(http)["version"]
    for change in ({"field": "paragraph", "paragraph": 999, "text": "x"}, {"field": "title", "text": ""},
                   {"field": "title", "text": "有\n换行"}, {"field": "title", "text": "长" * 501}):
        answer = post_correction(http, token, {"version": version, "changes": [change]})
        assert answer.status_code == 400 and answer.json()["error"]["code"] == "bad_correction", change


def test_an_unknown_article_is_a_404(http, token):
    issue_id = ARTICLE.rpartition("/")[0]
    for article in (f"{issue_id}/999", "no-such-issue/1", f"{issue_id}/../1"):
        answer = post_correction(http, token, {"version": 1, "changes": [{"field": "title", "text": "x"}]},
                                 article=article)
        assert answer.status_code == 404, article
    assert http.get("/api/articles/no-such-issue/1/corrections").status_code == 404
    assert http.post("/api/corrections/99999/revert", headers=bearer(token)).status_code == 404


def test_a_body_over_the_limit_is_a_413(http, token):
    answer = post_correction(http, token, {"version": 1, "changes": [
        {"field": "paragraph", "paragraph": 0, "text": "长" * 400_000}]})
    assert answer.status_code == 413


def test_revert_through_the_api(http, token):
    version = current(http)["version"]
    made = post_correction(http, token, {"version": version, "changes": [
        {"field": "byline", "text": "通讯员 万艾东 李亚（校）"}]}).json()["corrections"][0]
    reverted = http.post(f"/api/corrections/{made['id']}/revert", json={"note": "改错了"}, headers=bearer(token))
    assert reverted.status_code == 201
    assert reverted.json()["version"] == version + 2 and reverted.json()["corrections"][0]["reverts"] == made["id"]
    again = http.post(f"/api/corrections/{made['id']}/revert", headers=bearer(token))
    assert again.status_code == 409
    history = {c["id"]: c for c in current(http)["corrections"]}
    assert history[made["id"]]["reverted_by"] == reverted.json()["corrections"][0]["id"]


def test_the_issue_file_stays_byte_for_byte_as_received(http, token, archive_dir):
    path = archive_dir / "issues" / "004_f681114cb4297908.txt"
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    version = current(http)["version"]
    assert post_correction(http, token, {"version": version, "changes": [
        {"field": "title", "text": "全民攻坚凝聚反电诈合力（已校）"}]}).status_code == 201
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert (archive_dir / "corrections.sqlite").is_file()


# --- login, CSRF and the pages -------------------------------------------------------


def test_the_login_cookie_is_httponly_and_samesite(http):
    answer = log_in(http)
    assert answer.status_code == 302
    cookie = answer.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "wang" in http.get("/").text
    page = http.get("/logout")
    assert http.post("/logout", data={"csrf_token": csrf_of(page.text)}, allow_redirects=False).status_code == 302
    assert http.get(f"/articles/{ARTICLE}/edit", allow_redirects=False).status_code == 302


def test_a_logged_out_session_cookie_no_longer_works(server):
    with Http(server) as first:
        log_in(first)
        stolen = dict(first.cookies)
        page = first.get("/logout")
        first.post("/logout", data={"csrf_token": csrf_of(page.text)})
    with Http(server) as thief:
        thief.cookies.update(stolen)
        assert thief.get(f"/articles/{ARTICLE}/edit", allow_redirects=False).status_code == 302


def test_every_form_post_without_its_csrf_token_is_refused(http):
    log_in(http)
    edit = http.get(f"/articles/{ARTICLE}/edit").text
    form = {"version": re.search(r'name="version" value="(\d+)"', edit).group(1), "title": "跨站伪造", "action": "preview"}
    for path, data in ((f"/articles/{ARTICLE}/edit", form), ("/logout", {}), ("/corrections/1/revert", {}),
                       ("/login", {"name": "wang", "password": PASSWORD})):
        answer = http.post(path, data=data, allow_redirects=False)
        assert answer.status_code == 400 and "表单已失效" in answer.text, path
    assert "wang" in http.get("/").text, "still logged in: the logout without a token did nothing"


def test_an_editor_previews_the_diff_then_saves_in_the_page(http):
    log_in(http)
    edit = http.get(f"/articles/{ARTICLE}/edit")
    soup = BeautifulSoup(edit.text, "html.parser")
    form = {tag["name"]: tag.get("value", tag.string or "") for tag in soup.select("form.edit-form [name]")
            if tag.name != "button"}
    form["p2"] = form["p2"] + "（页面校对）"
    preview = http.post(f"/articles/{ARTICLE}/edit", data={**form, "action": "preview"})
    assert preview.status_code == 200
    page = BeautifulSoup(preview.text, "html.parser")
    assert page.select_one(".preview ins").get_text() == "（页面校对）" and "第 3 段" in page.select_one(".preview").get_text()
    previewed = page.select_one("[name=previewed]")["value"]
    changed_after_preview = http.post(f"/articles/{ARTICLE}/edit", data={
        **form, "p2": form["p2"] + "又改", "previewed": previewed, "action": "save"})
    assert "请再看一遍" in changed_after_preview.text, "a save needs the edits that were previewed"
    saved = http.post(f"/articles/{ARTICLE}/edit", data={**form, "previewed": previewed, "action": "save"},
                      allow_redirects=False)
    assert saved.status_code == 302
    history = http.get(f"/articles/{ARTICLE}/history")
    assert "（页面校对）" in history.text and "撤销这条" in history.text


def test_a_page_form_on_an_old_version_keeps_the_editors_text(http, token):
    log_in(http)
    soup = BeautifulSoup(http.get(f"/articles/{ARTICLE}/edit").text, "html.parser")
    form = {tag["name"]: tag.get("value", tag.string or "") for tag in soup.select("form.edit-form [name]")
            if tag.name != "button"}
    version = int(form["version"])
    post_correction(http, token, {"version": version, "changes": [{"field": "subtitle", "text": "别人先改了"}]})
    late = http.post(f"/articles/{ARTICLE}/edit", data={**form, "title": "我的修改", "action": "preview"})
    assert late.status_code == 409 and f"本文已是第 {version + 1} 版" in late.text
    kept = BeautifulSoup(late.text, "html.parser")
    assert kept.select_one("[name=title]")["value"] == "我的修改", "nothing the editor typed is lost"


def test_logins_are_braked_after_repeated_failures(archive_dir):
    client = make_app(archive_dir, LOGIN_FAILURE_LIMIT=(3, 60.0)).test_client()

    def attempt(password: str) -> int:
        page = client.get("/login")
        return client.post("/login", data={"name": "li", "password": password,
                                           "csrf_token": csrf_of(page.get_data(as_text=True))}).status_code

    assert [attempt("wrong-password") for _ in range(3)] == [401, 401, 401]
    assert attempt(PASSWORD) == 429, "even the right password waits: the guesser must not learn it"


def test_saves_are_rate_limited(archive_dir, token):
    client = make_app(archive_dir, CORRECTION_RATE_LIMIT=(2, 60.0)).test_client()
    codes = [client.post(f"/api/articles/{ARTICLE}/corrections", json={"version": 0, "changes": [
        {"field": "title", "text": "x"}]}, headers=bearer(token)).status_code for _ in range(3)]
    assert codes == [409, 409, 429]


def test_history_recent_list_and_feed_are_public_and_escaped(http, token):
    hostile = f"{HOSTILE_ISSUE_ID}/1"
    version = current(http, hostile)["version"]
    answer = post_correction(http, token, {"version": version, "changes": [
        {"field": "title", "text": "<script>alert(3)</script>改正后的标题"}], "note": "<img src=x onerror=alert(4)>"},
        article=hostile)
    assert answer.status_code == 201
    for path in (f"/articles/{hostile}/history", "/corrections", f"/articles/{hostile}/edit"):
        page = BeautifulSoup(http.get(path).text, "html.parser")
        assert not page.select("script, img"), path
    feed = http.get("/corrections.atom")
    assert feed.headers["Content-Type"].startswith("application/atom+xml")
    assert "<script>alert(3)" not in feed.text and "&lt;script&gt;alert(3)" in feed.text
    recent = http.get("/api/corrections", params={"per_page": 1}).json()
    assert recent["corrections"][0]["article"] == hostile and recent["next_url"]


def test_killing_the_server_in_the_middle_of_saves_leaves_a_consistent_database(tmp_path, token):
    data = build_archive(tmp_path / "crash")
    archive_command(data, "editor", "add", "wang", "--password-stdin", stdin=PASSWORD + "\n")
    key = archive_command(data, "editor", "token", "wang")
    process, base_url = start_server(data)
    saved = []
    try:
        with Http(base_url) as http:
            paragraph = http.get(f"/api/articles/{ARTICLE}").json()["paragraphs"][0]
            for round_ in range(40):
                if round_ == 25:
                    process.send_signal(signal.SIGKILL)  # mid-stream: requests may be in flight
                try:
                    answer = post_correction(http, key, {"version": round_ + 1, "changes": [
                        {"field": "paragraph", "paragraph": 0, "text": f"{paragraph}{round_}"}]})
                except requests.ConnectionError:
                    break
                assert answer.status_code == 201
                saved.append(round_)
    finally:
        process.kill()
        process.wait()
    import sqlite3

    conn = sqlite3.connect(data / "corrections.sqlite")
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    rows = conn.execute("SELECT version, before, after FROM corrections ORDER BY id").fetchall()
    version = conn.execute("SELECT version FROM articles WHERE article_id = ?", (ARTICLE,)).fetchone()[0]
    assert len(rows) >= len(saved) and version == len(rows) + 1, "every acknowledged save is there, and whole"
    assert all(rows[i][2] == rows[i + 1][1] for i in range(len(rows) - 1)), "each save builds on the last"
    process, base_url = start_server(data)  # and the server starts again on it
    try:
        with Http(base_url) as http:
            assert current(http)["version"] == version
    finally:
        stop_server(process)


def test_correction_responses_match_the_documented_schemas(http, token):
    from tests.test_openapi import assert_matches_spec
    from webui.openapi import openapi_spec

    spec = openapi_spec()
    version = current(http)["version"]
    saved = post_correction(http, token, {"version": version, "changes": [{"field": "subtitle", "text": "按说明书校"}]})
    assert_matches_spec(spec, "post", "/api/articles/{article_id}/corrections", saved)
    assert_matches_spec(spec, "post", "/api/articles/{article_id}/corrections",
                        post_correction(http, token, {"version": version, "changes": []}))
    assert_matches_spec(spec, "get", "/api/articles/{article_id}/corrections", http.get(f"/api/articles/{ARTICLE}/corrections"))
    assert_matches_spec(spec, "get", "/api/corrections", http.get("/api/corrections"))
    reverted = http.post(f"/api/corrections/{saved.json()['corrections'][0]['id']}/revert", headers=bearer(token))
    assert_matches_spec(spec, "post", "/api/corrections/{correction_id}/revert", reverted)
