"""An article opened with `?q=` marks the matches in its dateline and photo captions as in its paragraphs.

The body is indexed as the dateline, the paragraphs, then the captions
(indexer.fields.body_parts): a search finds an article by any of them, so
its page marks them all, escaped, and "跳到第一处" jumps to the first in
the order the page shows them.
"""
from __future__ import annotations

import json

from bs4 import BeautifulSoup

from indexer.present.views import article_view

pytest_plugins = ["tests.webui_plugin"]  # the shared test archive, server and clients


def stored(**data: object) -> dict[str, object]:
    """The stored fields of one article as the index keeps them (indexer.documents.article_document)."""
    full = {"title": "标题", "title_source": "heading", "subtitle": None, "byline": None, "authors": [],
            "paragraphs": ["正文里说到灯塔。"], "headings": [], "captions": [], "dateline": None,
            "dateline_place": None, "dateline_date": None, "article_kind": "article", "places": [],
            "issue": {"id": "i", "date": None, "page": None, "paper": None, "date_source": "none", "year": None}}
    return {"id": "i/1", "number": 1, "data": json.dumps({**full, **data}, ensure_ascii=False)}


def test_the_view_marks_dateline_and_captions_escaped() -> None:
    fields = stored(dateline="<b>灯塔</b>电", captions=["<img src=x onerror=alert(1)>灯塔夜景 摄"])
    view = article_view(fields, [fields], "灯塔")
    assert view.highlighted_dateline == "&lt;b&gt;<mark>灯塔</mark>&lt;/b&gt;电"
    assert view.highlighted_captions == ["&lt;img src=x onerror=alert(1)&gt;<mark>灯塔</mark>夜景 摄"]
    assert view.highlighted == ["正文里说到<mark>灯塔</mark>。"]
    plain = article_view(fields, [fields], None)
    assert (plain.highlighted, plain.highlighted_captions, plain.highlighted_dateline) == (None, None, None)
    undated = article_view(stored(), [stored()], "灯塔")
    assert (undated.highlighted_dateline, undated.highlighted_captions) == (None, [])


def test_the_page_marks_a_dateline_match_and_jumps_to_it_first(http) -> None:
    hit = http.get("/api/search", params={"q": '"本报金乡讯"'}).json()["results"][0]
    api = http.get("/api" + hit["url"].split("?")[0], params={"q": "金乡"}).json()
    assert api["highlighted_dateline"] == "本报<mark>金乡</mark>讯"
    soup = BeautifulSoup(http.get(hit["url"].split("?")[0], params={"q": "金乡"}).text, "html.parser")
    first = soup.select_one("#first-match")
    assert first.text == "金乡" and first.find_parent(class_="dateline") is not None, "the dateline comes first on the page"
    assert len(soup.select("mark#first-match")) == 1
    assert "已标出" in soup.select_one(".query-note").get_text()


def test_the_page_marks_caption_matches(http) -> None:
    photo_id = http.get("/api/search", params={"q": "byline:梁平妮"}).json()["results"][0]["id"]
    api = http.get("/api/articles/" + photo_id, params={"q": "梁平妮"}).json()
    assert api["highlighted_captions"][0].count("<mark>梁平妮</mark>") == 1
    soup = BeautifulSoup(http.get("/articles/" + photo_id, params={"q": "梁平妮"}).text, "html.parser")
    [caption] = soup.select(".captions li")
    assert [mark.text for mark in caption.select("mark")] == ["梁平妮"]
    assert soup.select_one("#first-match").find_parent("li") is caption, "no paragraph match before it"
    assert "已标出" in soup.select_one(".query-note").get_text()
