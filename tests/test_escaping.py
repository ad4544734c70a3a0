"""Text that looks like HTML is shown as text everywhere: API snippets, pages, the OCR text.

The hostile issue (tests/webui_fixtures.py) holds `<script>alert(1)</script>`,
an `<img onerror>`, a literal `<mark>假高亮</mark>` and `&amp;`. Only the
highlighter's own `<mark>` may ever reach a browser as markup.
"""
from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from tests.webui_fixtures import HOSTILE_ISSUE_ID

pytest_plugins = ["tests.webui_plugin"]  # the shared test archive, server and clients

REAL_TAGS = re.compile(r"<(?!/?mark>)[a-zA-Z/!]")  # any tag in a snippet other than <mark> and </mark>


def hostile_hit(http, q: str) -> dict:
    body = http.get("/api/search", params={"q": q}).json()
    hits = [hit for hit in body["results"] if hit["issue"]["id"] == HOSTILE_ISSUE_ID]
    assert hits, f"{q!r} should find the hostile issue"
    return hits[0]


@pytest.mark.parametrize("q", ["假高亮", "alert", "留言", "onerror"])
def test_api_snippets_escape_article_text_and_mark_only_matches(http, q):
    snippet = hostile_hit(http, q)["snippet"]
    assert not REAL_TAGS.search(snippet), snippet
    assert "&lt;" in snippet
    marked = re.findall(r"<mark>(.*?)</mark>", snippet)
    assert marked and all(q.lower() in m.lower() for m in marked), snippet


def test_a_literal_mark_in_the_text_stays_text_in_the_snippet(http):
    snippet = hostile_hit(http, "假高亮")["snippet"]
    assert "&lt;mark&gt;<mark>假高亮</mark>&lt;/mark&gt;" in snippet


def test_api_highlighted_paragraphs_are_escaped_html(http):
    hit = hostile_hit(http, "alert")
    article = http.get("/api" + hit["url"], params={"q": "alert"}).json()
    assert any("<script>alert(1)</script>" in p for p in article["paragraphs"]), "plain text stays as received"
    for html in article["highlighted"]:
        assert not REAL_TAGS.search(html), html


def test_the_results_page_shows_hostile_text_as_text(http):
    html = http.get("/search", params={"q": "假高亮"}).text
    soup = BeautifulSoup(html, "html.parser")
    assert not soup.select("script, img, b")
    hit = soup.select_one(".hit")
    assert "<script>alert(1)</script>" in hit.select_one("h2").text
    assert [m.text for m in hit.select("mark")] == ["假高亮"]
    assert "<mark>假高亮</mark>" in hit.select_one(".snippet").text


def test_the_article_page_shows_hostile_text_as_text(http):
    hit = hostile_hit(http, "alert")
    soup = BeautifulSoup(http.get(hit["read_url"].split("#")[0]).text, "html.parser")
    assert not soup.select("script, img")
    assert "<script>alert(1)</script>" in soup.select_one("h1").text
    assert "<script>alert(1)</script>" in soup.select_one("title").text
    assert all(mark.text.lower() == "alert" for mark in soup.select("mark"))


def test_the_issue_page_shows_the_original_text_as_text(http):
    soup = BeautifulSoup(http.get(f"/issues/{HOSTILE_ISSUE_ID}").text, "html.parser")
    assert not soup.select("script, img, mark")
    ocr = soup.select_one("pre.ocr-text").text
    assert "<script>alert(1)</script>" in ocr and "<mark>假高亮</mark>" in ocr and "&amp;" in ocr


def test_a_hostile_query_is_echoed_as_text(http):
    q = '<script>alert(1)</script> "><img src=x onerror=alert(3)>'
    soup = BeautifulSoup(http.get("/search", params={"q": q}).text, "html.parser")
    assert not soup.select("script, img")
    assert soup.select_one("header input[name=q]")["value"] == q
