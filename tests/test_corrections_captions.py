"""Editors correct a dateline and photo captions, and dismiss a correction that needs review, through
the real server over HTTP (the token API and the login pages) and in real headless Chromium.

Runs on a server and archive of its own (these tests change it), with the
editors of tests/test_corrections_http.py. Articles are found by their
titles or credits, not their numbers.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

# The fixtures are module-scoped: imported here, they give this module a server and archive of its own.
from tests.test_corrections_http import archive_dir, http, server, token  # noqa: F401
from tests.test_corrections_browser import tab  # noqa: F401  (Chromium on this module's server)
from tests.test_corrections_http import PASSWORD, archive_command, bearer, csrf_of, log_in
from tests.test_corrections_search import admin_reindex, article_titled, correct, ids, search
from tests.test_openapi import assert_matches_spec
from webui.openapi import openapi_spec

DATELINE_TITLE = "金乡7镇街 配发消防车"  # seed 001: its dateline is 本报金乡讯


def photo(http) -> dict:
    """The photo of seed 003 that stands alone (kind caption), credited to 梁平妮."""
    [hit] = [h for h in search(http, "byline:梁平妮")["results"]]
    return http.get("/api" + hit["url"]).json()


def test_a_script_corrects_the_dateline_and_its_place_follows(http, token):
    article = article_titled(http, DATELINE_TITLE)
    assert article["dateline"] == "本报金乡讯"

    saved = correct(http, token, article, [{"field": "dateline", "text": "本报嘉祥讯"}], "对照原报")

    assert saved["searchable"] and [(c["field"], c["where"]) for c in saved["corrections"]] == [("dateline", "电头")]
    shown = http.get(f"/api/articles/{article['id']}").json()
    assert (shown["dateline"], shown["dateline_place"]) == ("本报嘉祥讯", "嘉祥")
    assert shown["original"]["dateline"] == "本报金乡讯" and shown["paragraphs"] == article["paragraphs"]
    assert ids(search(http, '"本报嘉祥讯"')) == [article["id"]]
    assert article["id"] in ids(search(http, '"本报金乡讯"')), "the OCR original stays searchable"
    page = BeautifulSoup(http.get(f"/articles/{article['id']}").text, "html.parser")
    assert "本报嘉祥讯" in page.select_one("article .meta .dateline").get_text()


def test_a_script_corrects_a_caption(http, token):
    item = photo(http)
    caption = item["captions"][0]
    fixed = "（校）" + caption

    saved = correct(http, token, item, [{"field": "caption", "paragraph": 0, "text": fixed}])

    [made] = saved["corrections"]
    assert (made["field"], made["paragraph"], made["before"], made["after"], made["where"]) == \
        ("caption", 0, caption, fixed, "图片说明 1")
    assert http.get(f"/api/articles/{item['id']}").json()["captions"] == [fixed]
    assert item["id"] in ids(search(http, "（校）潍坊森达美港"))
    history = http.get(f"/articles/{item['id']}/history").text
    assert "图片说明 1" in history


@pytest.mark.parametrize(("change", "message"), [
    ({"field": "caption", "text": "没有编号"}, "paragraph"),
    ({"field": "caption", "paragraph": 5, "text": "没有这一条"}, "图片说明编号"),
    ({"field": "caption", "paragraph": 0, "text": "  "}, "不能改成空的"),
    ({"field": "dateline", "text": "电\n头"}, "换行"),
])
def test_a_bad_caption_or_dateline_change_is_a_400(http, token, change, message):
    item = photo(http)
    version = http.get(f"/api/articles/{item['id']}/corrections").json()["version"]
    answer = http.post(f"/api/articles/{item['id']}/corrections", headers=bearer(token),
                       json={"version": version, "changes": [change]})
    assert answer.status_code == 400 and message in answer.json()["error"]["message"], answer.text


def test_an_editor_corrects_dateline_and_caption_in_the_page_form(http):
    item = photo(http)
    log_in(http)
    soup = BeautifulSoup(http.get(f"/articles/{item['id']}/edit").text, "html.parser")
    form = {tag["name"]: tag.get("value", tag.string or "") for tag in soup.select("form.edit-form [name]")
            if tag.name != "button"}
    assert form["c0"] == item["captions"][0] and form["dateline"] == ""
    form.update(c0=form["c0"] + "（表单校对）", dateline="本报潍坊讯")

    preview = BeautifulSoup(http.post(f"/articles/{item['id']}/edit", data={**form, "action": "preview"}).text,
                            "html.parser")
    assert [p.strong.get_text() for p in preview.select(".preview p")] == ["电头", "图片说明 1"]
    saved = http.post(f"/articles/{item['id']}/edit", allow_redirects=False, data={
        **form, "previewed": preview.select_one("[name=previewed]")["value"], "action": "save"})

    assert saved.status_code == 302
    shown = http.get(f"/api/articles/{item['id']}").json()
    assert shown["captions"][0].endswith("（表单校对）") and shown["dateline"] == "本报潍坊讯"


def rescan(archive_dir: Path, issue_id: str, old: str, new: str) -> None:
    """Replace the issue file with a "better scan" that reads `new` where it read `old` (first place)."""
    issue_file = archive_dir / "issues" / (issue_id + ".txt")
    text = issue_file.read_text(encoding="utf-8")
    assert old in text
    issue_file.write_text(text.replace(old, new, 1), encoding="utf-8")


def review_item(http, token, archive_dir: Path, title: str, scanned: tuple[str, str], corrected: str
                ) -> tuple[dict, int]:
    """Correct `title`, then replace its issue file with a scan that reads it otherwise (`scanned`: what
    changes in it): the correction needs review. (the article as the new scan reads it, the correction's id)"""
    article = article_titled(http, title)
    [made] = correct(http, token, article, [{"field": "title", "text": corrected}])["corrections"]
    rescan(archive_dir, article["issue"]["id"], *scanned)
    assert admin_reindex(http)["updated"] == 1
    moved = article_titled(http, title.replace(*scanned))
    assert [c["id"] for c in moved["review"]] == [made["id"]]
    return moved, made["id"]


def test_a_script_dismisses_a_correction_that_needs_review(http, token, archive_dir):
    moved, correction = review_item(http, token, archive_dir, "村民捡到药品 民警帮寻失主", ("帮寻失主", "帮找失主"),
                                    "村民捡到药品（校）")
    assert http.post(f"/api/corrections/{correction}/dismiss").status_code == 401

    answer = http.post(f"/api/corrections/{correction}/dismiss", headers=bearer(token))

    assert answer.status_code == 200, answer.text
    assert_matches_spec(openapi_spec(), "post", "/api/corrections/{correction_id}/dismiss", answer)
    body = answer.json()
    assert body["searchable"] and body["correction"]["status"] == "dismissed"
    assert body["correction"]["dismissed"]["editor"] == "wang"
    assert http.get(f"/api/articles/{moved['id']}").json()["review"] == []
    assert http.get(f"/api/articles/{moved['id']}/corrections").json()["review"] == []
    assert re.search(r"to review:\s+0\b", archive_command(archive_dir, "stats"))
    assert "复核后已处理" in http.get(f"/articles/{moved['id']}/history").text
    again = http.post(f"/api/corrections/{correction}/dismiss", headers=bearer(token))
    assert again.status_code == 409 and "不需要复核" in again.json()["error"]["message"]
    assert http.post("/api/corrections/999999/dismiss", headers=bearer(token)).status_code == 404

    rescan(archive_dir, moved["issue"]["id"], "帮找失主", "帮寻失主")  # the first scan's text again
    admin_reindex(http)
    restored = article_titled(http, "村民捡到药品 民警帮寻失主")
    assert restored["title"] == "村民捡到药品 民警帮寻失主", "a dismissed correction is never carried again"
    [entry] = [c for c in http.get(f"/api/articles/{restored['id']}/corrections").json()["corrections"]
               if c["id"] == correction]
    assert entry["status"] == "dismissed"


def test_an_editor_dismisses_in_the_history_page(http, token, archive_dir):
    moved, correction = review_item(http, token, archive_dir, "江苏泗阳探索\"四个常态化\"社会治理模式",
                                    ("社会治理模式", "社会治理新模式"), "江苏泗阳（校）")
    assert "标为已处理" not in http.get(f"/articles/{moved['id']}/history").text, "only for editors"
    log_in(http)
    history = http.get(f"/articles/{moved['id']}/history").text
    assert f'action="/corrections/{correction}/dismiss"' in history
    assert "标为已处理" in http.get(f"/articles/{moved['id']}").text, "the article page's review list offers it too"

    done = http.post(f"/corrections/{correction}/dismiss", data={"csrf_token": csrf_of(history)}, allow_redirects=False)

    assert done.status_code == 302 and done.headers["Location"].endswith(f"/history#c{correction}")
    page = BeautifulSoup(http.get(f"/articles/{moved['id']}").text, "html.parser")
    assert page.select_one("section#review") is None


@pytest.mark.browser
def test_an_editor_corrects_a_caption_in_the_browser(tab, http):
    item = photo(http)
    tab.goto(f"/login?next=/articles/{item['id']}/edit")
    tab.get_by_label("用户名").fill("li")
    tab.get_by_label("密码").fill(PASSWORD)
    tab.get_by_role("button", name="登录").click()
    tab.wait_for_url(f"**/articles/{item['id']}/edit")

    caption = tab.get_by_label("图片说明 1")
    caption.fill(caption.input_value() + "（浏览器校对说明）")
    tab.get_by_role("button", name="预览改动").click()
    tab.wait_for_load_state()
    assert tab.locator(".preview ins").inner_text() == "（浏览器校对说明）"
    tab.get_by_role("button", name="保存").click()
    tab.wait_for_url(f"**/articles/{item['id']}?saved=**")

    assert tab.locator(".captions li").first.inner_text().endswith("（浏览器校对说明）")
    tab.goto(f"/articles/{item['id']}?q=" + "浏览器校对说明")
    assert tab.locator(".captions mark#first-match").inner_text() == "浏览器校对说明"
