"""`/search.atom`: a valid Atom 1.0 feed of the newest matches, that a polling reader sees grow.

Validity is checked twice: against the MUST rules of RFC 4287 that apply
here (one id, title and updated per feed and entry, RFC 3339 dates, an
author for every entry, absolute ids, a self link), and by feedparser, a
feed reader's own parser, which must read it as Atom 1.0 without
complaint. Polling runs the real server on a private archive and adds an
issue with the real `archive add`.
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree as ET

import feedparser
import pytest

from tests.webui_fixtures import HOSTILE_ISSUE_ID, Http, build_archive, start_server, stop_server

pytest_plugins = ["tests.webui_plugin"]  # the shared test archive, server and clients

A = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$")


def one(element: ET.Element, tag: str) -> ET.Element:
    found = element.findall(A + tag)
    assert len(found) == 1, f"{len(found)} <{tag}> in <{element.tag}>"
    return found[0]


def assert_valid_atom(xml: bytes) -> ET.Element:
    """The RFC 4287 rules this feed must keep, then a feed reader's parser."""
    root = ET.fromstring(xml)
    assert root.tag == A + "feed"
    for tag in ("id", "title", "updated"):
        assert one(root, tag).text
    assert RFC3339.match(one(root, "updated").text)
    assert one(root, "id").text.startswith("http")
    assert [link.get("rel") for link in root.findall(A + "link")].count("self") == 1
    feed_has_author = bool(root.findall(A + "author"))
    ids = []
    for entry in root.findall(A + "entry"):
        ids.append(one(entry, "id").text)
        assert one(entry, "title").text
        assert RFC3339.match(one(entry, "updated").text)
        assert feed_has_author or entry.findall(A + "author")
        assert [link.get("rel", "alternate") for link in entry.findall(A + "link")].count("alternate") == 1
        assert one(entry, "summary").get("type") == "html"
    assert all(id_.startswith("http") for id_ in ids) and len(set(ids)) == len(ids)
    parsed = feedparser.parse(xml)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return root


def feed(http, **params):
    response = http.get("/search.atom", params=params)
    assert response.status_code == 200, response.text[:300]
    assert response.headers["Content-Type"] == "application/atom+xml; charset=utf-8"
    return response


def test_a_search_feed_is_valid_atom_with_the_newest_matches_first(http):
    xml = feed(http, q="民警").content
    assert_valid_atom(xml)
    parsed = feedparser.parse(xml)
    newest = http.get("/api/search", params={"q": "民警", "sort": "date", "per_page": 20}).json()
    assert [entry.id.split("/articles/", 1)[1] for entry in parsed.entries] == [hit["id"] for hit in newest["results"]]
    first = parsed.entries[0]
    assert first.link.endswith(newest["results"][0]["read_url"])
    assert first.title == newest["results"][0]["title"]
    assert "民警" in first.summary  # a reader's sanitizer drops <mark>; the feed itself has it:
    assert "<mark>民警</mark>" in one(ET.fromstring(xml).findall(A + "entry")[0], "summary").text


def test_the_feed_keeps_the_filters_and_holds_at_most_twenty_entries(http):
    everything = feedparser.parse(feed(http).content)
    assert len(everything.entries) == 20
    narrowed = feedparser.parse(feed(http, q="民警", year="2016").content)
    api = http.get("/api/search", params={"q": "民警", "year": "2016", "sort": "date", "per_page": 20}).json()
    assert len(narrowed.entries) == min(20, api["total"])


def test_hostile_text_reaches_the_feed_escaped(http):
    xml = feed(http, q="假高亮").content
    root = assert_valid_atom(xml)
    [entry] = [e for e in root.findall(A + "entry") if HOSTILE_ISSUE_ID in one(e, "id").text]
    assert one(entry, "title").text.startswith("警惕<script>alert(1)</script>")  # text, as XML escapes it
    summary = one(entry, "summary").text  # HTML, escaped once more by XML
    assert "&lt;mark&gt;<mark>假高亮</mark>&lt;/mark&gt;" in summary and "<script>" not in summary
    assert b"<script>" not in xml


def test_a_bad_query_is_a_400_not_a_broken_feed(http):
    assert http.get("/search.atom", params={"q": "(民警"}).status_code == 400
    assert http.get("/search.atom", params={"q": "民警", "from": "2021-02-30"}).status_code == 400


def test_every_results_page_links_its_feed(http):
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(http.get("/search", params={"q": "民警", "page": "2", "sort": "-date"}).text, "html.parser")
    head = soup.select_one("link[rel=alternate][type='application/atom+xml']")["href"]
    visible = soup.select_one(".research-links a[type='application/atom+xml']")["href"]
    assert head == visible == "/search.atom?q=%E6%B0%91%E8%AD%A6"


NEW_ISSUE = """\
date: 2024-01-02
page: 1
paper: 测试晚报

# 琥珀色的警灯照亮回家路

本报讯 深夜，民警护送迷路老人回家。
"""


def test_a_polling_reader_sees_a_new_issue_after_archive_add(tmp_path):
    data = build_archive(tmp_path / "data")
    process, base_url = start_server(data)
    try:
        with Http(base_url) as http:
            before = feedparser.parse(feed(http, q="民警").content)
            assert not any("琥珀色" in entry.title for entry in before.entries)
            new_file = tmp_path / "2024-01-02_01.txt"
            new_file.write_text(NEW_ISSUE, encoding="utf-8")
            archive = str(Path(sys.executable).parent / "archive")
            subprocess.run([archive, "--data", str(data), "add", str(new_file)], check=True, capture_output=True)
            after_xml = feed(http, q="民警").content
        assert_valid_atom(after_xml)
        after = feedparser.parse(after_xml)
        assert after.entries[0].title == "琥珀色的警灯照亮回家路"  # the newest issue comes first
        assert after.entries[0].published.startswith("2024-01-02")
        assert after.feed.updated.startswith("2024-01-02")
        old_ids = {entry.id for entry in before.entries}
        assert [entry.id for entry in after.entries if entry.id not in old_ids] == [after.entries[0].id]
    finally:
        stop_server(process)
