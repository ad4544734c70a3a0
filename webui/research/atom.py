"""Atom 1.0 (RFC 4287) documents of search results, built as XML elements so every text is escaped.

A feed reader polls `/search.atom?q=…`: each entry's `id` is the article's
permanent URL, so a new matching article (a new issue indexed) is a new
id, and an article already read keeps its id across reindexing.
Issues have dates, not times: an entry's `published`/`updated` is the
issue's day at midnight, Beijing time; an undated article takes the
feed's `updated` (the newest entry's), since Atom requires a date on each.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from xml.etree import ElementTree as ET

ATOM = "http://www.w3.org/2005/Atom"
CHINA_TIME = "+08:00"  # the papers' own time zone; an issue's day starts at its midnight
NO_DATE = "1970-01-01T00:00:00Z"  # a feed with no dated entry still needs an `updated`
GENERATOR = "报纸档案检索"
# Characters XML 1.0 cannot hold at all (control characters OCR sometimes leaves behind).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
ET.register_namespace("", ATOM)


@dataclass(frozen=True)
class FeedEntry:
    id: str  # absolute permanent URL of the article
    title: str
    link: str  # absolute URL to open (the article with the query highlighted)
    date: str | None  # YYYY-MM-DD of its issue
    author: str | None  # the byline as printed
    summary_html: str  # escaped HTML (the search snippet with <mark>)


@dataclass(frozen=True)
class Feed:
    id: str  # absolute URL of the feed itself
    title: str
    alternate: str  # absolute URL of the same results as a web page
    entries: list[FeedEntry]


def timestamp(date: str | None) -> str | None:
    """An issue day as an RFC 3339 date-time (its midnight, China time)."""
    return f"{date}T00:00:00{CHINA_TIME}" if date else None


def _text(parent: ET.Element, tag: str, text: str, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
    element.text = _NOT_XML.sub("", text)
    return element


def _link(parent: ET.Element, href: str, rel: str, kind: str | None = None) -> None:
    attributes = {"href": _NOT_XML.sub("", href), "rel": rel}
    if kind:
        attributes["type"] = kind
    ET.SubElement(parent, f"{{{ATOM}}}link", attributes)


def render_feed(feed: Feed) -> bytes:
    """The feed as UTF-8 XML with its declaration."""
    dates = [entry.date for entry in feed.entries if entry.date]
    updated = timestamp(max(dates)) if dates else NO_DATE
    root = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": "zh-CN"})
    _text(root, "id", feed.id)
    _text(root, "title", feed.title)
    _text(root, "updated", updated)
    author = ET.SubElement(root, f"{{{ATOM}}}author")
    _text(author, "name", GENERATOR)
    _link(root, feed.id, "self", "application/atom+xml")
    _link(root, feed.alternate, "alternate", "text/html")
    _text(root, "generator", GENERATOR)
    for item in feed.entries:
        entry = ET.SubElement(root, f"{{{ATOM}}}entry")
        _text(entry, "id", item.id)
        _text(entry, "title", item.title)
        _link(entry, item.link, "alternate", "text/html")
        _text(entry, "updated", timestamp(item.date) or updated)
        if item.date:
            _text(entry, "published", timestamp(item.date))
        if item.author:
            _text(ET.SubElement(entry, f"{{{ATOM}}}author"), "name", item.author)
        _text(entry, "summary", item.summary_html, type="html")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
