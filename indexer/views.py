"""Stored records -> the ArticleView / IssueView / IssuePage records of `indexer.results`."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from archive.issues import IssueReadError, read_issue
from indexer.query import parse, positive_texts
from indexer.results import (
    ArticleLink,
    ArticleView,
    FailedFile,
    IndexStats,
    IssuePage,
    IssueRef,
    IssueSummary,
    IssueView,
)
from indexer.snapshot import Snapshot
from indexer.snippets import highlight_paragraphs


def _articles_of(snap: Snapshot, issue_id: str) -> list[dict[str, Any]]:
    """Stored fields of an issue's articles, in page order."""
    articles = [fields for _, fields in snap.find(issue_id=issue_id, kind="article")]
    return sorted(articles, key=lambda fields: fields["number"])


def _link(fields: dict[str, Any]) -> ArticleLink:
    return ArticleLink(fields["id"], json.loads(fields["data"])["title"])


def article_view(snap: Snapshot, article_id: str, q: str | None) -> ArticleView | None:
    """The article with neighbours in its issue; with q, paragraphs highlighted (QueryError if q is bad)."""
    found = snap.find(id=article_id, kind="article")
    if not found:
        return None
    return article_record_view(found[0][1], _articles_of(snap, found[0][1]["issue_id"]), q)


def article_record_view(fields: dict[str, Any], siblings: list[dict[str, Any]], q: str | None) -> ArticleView:
    """An article's view from its stored fields and its issue's articles in page order (any engine's)."""
    data = json.loads(fields["data"])
    article_id = fields["id"]
    at = next(i for i, sibling in enumerate(siblings) if sibling["id"] == article_id)
    highlighted = None
    if q is not None and q.strip():
        highlighted = highlight_paragraphs(data["paragraphs"], positive_texts(parse(q), "body"))
    return ArticleView(
        id=article_id,
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
        previous=_link(siblings[at - 1]) if at > 0 else None,
        next=_link(siblings[at + 1]) if at + 1 < len(siblings) else None,
        highlighted=highlighted,
    )


def summary(record: dict[str, Any]) -> IssueSummary:
    """An issue's line in the listing, from its stored record."""
    return IssueSummary(record["id"], record["date"], record["date_source"], record["page"], record["paper"],
                        record["articles"], record.get("year"))


def issue_page(snap: Snapshot, page: int, per_page: int) -> IssuePage:
    records = snap.issue_records
    first = (page - 1) * per_page
    return IssuePage(len(records), page, per_page, [summary(r) for r in records[first : first + per_page]])


def original_text(issues_dir: Path, source: str) -> str:
    """The issue file as received (decoded); empty if it has gone since it was indexed."""
    try:
        issue = read_issue(issues_dir / source, issues_dir)
    except (IssueReadError, OSError):
        return ""
    return issue.original or issue.text


def issue_view(snap: Snapshot, issues_dir: Path, issue_id: str) -> IssueView | None:
    found = snap.find(id="issue:" + issue_id, kind="issue")
    if not found:
        return None
    return issue_record_view(found[0][1], _articles_of(snap, issue_id), issues_dir)


def issue_record_view(fields: dict[str, Any], articles: list[dict[str, Any]], issues_dir: Path) -> IssueView:
    """An issue's view from its stored fields and its articles in page order (any engine's)."""
    record = json.loads(fields["data"])
    return IssueView(
        id=record["id"],
        date=record["date"],
        date_source=record["date_source"],
        page=record["page"],
        paper=record["paper"],
        articles=[_link(article) for article in articles],
        text=original_text(issues_dir, record["source"]),
        year=record.get("year"),
    )


def index_stats(snap: Snapshot, failed: list[FailedFile]) -> IndexStats:
    days = snap.days
    dated = [days[d] for d in snap.searcher.document_numbers(kind="article") if days[d]]
    folder = getattr(snap.ix.storage, "folder", None)
    size = sum(p.stat().st_size for p in Path(folder).iterdir() if p.is_file()) if folder else 0
    return IndexStats(
        issues=len(snap.issue_records),
        articles=snap.searcher.doc_frequency("kind", "article"),
        date_min=_iso(min(dated)) if dated else None,
        date_max=_iso(max(dated)) if dated else None,
        failed=failed,
        generation=snap.generation,
        index_bytes=size,
    )


def _iso(day: int) -> str:
    text = str(day)
    return f"{text[:4]}-{text[4:6]}-{text[6:]}"
