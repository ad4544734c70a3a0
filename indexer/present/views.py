"""Stored documents -> the records of `indexer.api` that a reader is shown (hits, articles, issues).

An engine finds the stored fields of a document (`id`, `issue_id`,
`number` and the `data` JSON that `indexer.documents` writes) and hands
them here, so an article reads the same whichever engine found it, and
everything built on these records (pages, snippets, exports, citations)
shows the text as editors corrected it.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from archive.issues import IssueReadError, read_issue
from indexer.api import ArticleLink, ArticleView, Hit, IssueRef, IssueSummary, IssueView, OriginalText, PendingCorrection
from indexer.fields import body_parts, body_text
from indexer.present.snippets import highlight_paragraphs, snippet
from indexer.query import Node, parse, positive_texts

Stored = dict[str, Any]  # a document's stored fields


def hit(fields: Stored, score: float, node: Node | None) -> Hit:
    """A result line: the article's title, byline, issue and a snippet around what `node` matched."""
    data = json.loads(fields["data"])
    body = body_text(data.get("dateline"), data["paragraphs"], data.get("captions", []))
    return Hit(
        id=fields["id"],
        title=data["title"],
        byline=data["byline"],
        issue=IssueRef(**data["issue"]),
        snippet=snippet(body, positive_texts(node, "body")),
        score=round(score, 4),
        subtitle=data["subtitle"],
        number=fields["number"],
    )


def article_link(fields: Stored) -> ArticleLink:
    return ArticleLink(fields["id"], json.loads(fields["data"])["title"])


def article_view(fields: Stored, siblings: list[Stored], q: str | None) -> ArticleView:
    """The article with its neighbours among `siblings` (its issue's articles in page order); with q,
    paragraphs highlighted (QueryError if q is bad)."""
    data = json.loads(fields["data"])
    at = next(i for i, sibling in enumerate(siblings) if sibling["id"] == fields["id"])
    captions = data.get("captions", [])  # absent from documents indexed before issue 12: none
    dateline = data.get("dateline")
    highlighted = highlighted_captions = highlighted_dateline = None
    if q is not None and q.strip():
        # The body as indexed (dateline, paragraphs, captions), so what a search matched is what is marked.
        marked = highlight_paragraphs(body_parts(dateline, data["paragraphs"], captions),
                                      positive_texts(parse(q), "body"))
        if dateline:
            highlighted_dateline, marked = marked[0], marked[1:]
        highlighted, highlighted_captions = marked[:len(data["paragraphs"])], marked[len(data["paragraphs"]):]
    return ArticleView(
        id=fields["id"],
        title=data["title"],
        title_source=data["title_source"],
        subtitle=data["subtitle"],
        byline=data["byline"],
        authors=data["authors"],
        issue=IssueRef(**data["issue"]),
        number=fields["number"],
        kind=data["article_kind"],
        paragraphs=data["paragraphs"],
        headings=data["headings"],
        places=data["places"],
        captions=captions,
        dateline=dateline,
        dateline_place=data.get("dateline_place"),
        dateline_date=data.get("dateline_date"),
        previous=article_link(siblings[at - 1]) if at > 0 else None,
        next=article_link(siblings[at + 1]) if at + 1 < len(siblings) else None,
        highlighted=highlighted,
        highlighted_captions=highlighted_captions,
        highlighted_dateline=highlighted_dateline,
        version=data.get("version", 1),  # absent in indexes built before corrections
        corrected="original" in data,
        original=OriginalText(**data["original"]) if "original" in data else None,
        review=[PendingCorrection(**pending) for pending in data.get("review", ())],
    )


def issue_summary(record: dict[str, Any]) -> IssueSummary:
    """A line of the issue listing, from an issue's stored record (`documents.issue_record`)."""
    return IssueSummary(record["id"], record["date"], record["date_source"], record["page"], record["paper"],
                        record["articles"], record.get("year"))


def original_text(issues_dir: Path, source: str) -> str:
    """The issue file as received (decoded); empty if it has gone since it was indexed."""
    try:
        issue = read_issue(issues_dir / source, issues_dir)
    except (IssueReadError, OSError):
        return ""
    return issue.original or issue.text


def _listed(fields: Stored) -> bool:
    """Whether a document is one of its issue's articles (a photo standing alone, kind "caption", is not)."""
    return json.loads(fields["data"]).get("article_kind") != "caption"


def issue_view(record: dict[str, Any], articles: list[Stored], issues_dir: Path) -> IssueView:
    """The issue page: its stored record, its articles in page order, and the file's original text.

    Photos standing alone are left out of the list (they are found by
    search and read at their own URL).
    """
    summary = issue_summary(record)
    return IssueView(summary.id, summary.date, summary.date_source, summary.page, summary.paper,
                     articles=[article_link(fields) for fields in articles if _listed(fields)],
                     text=original_text(issues_dir, record["source"]), year=summary.year)


def iso_day(day: int) -> str:
    """YYYYMMDD -> YYYY-MM-DD."""
    text = str(day)
    return f"{text[:4]}-{text[4:6]}-{text[6:]}"
