"""Articles, issues and figures looked up in a snapshot, shaped by `indexer.present.views`."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from indexer.api import ArticleView, FailedFile, IndexStats, IssuePage, IssueView
from indexer.engines.whoosh.snapshot import Snapshot
from indexer.present import views


def _articles_of(snap: Snapshot, issue_id: str) -> list[dict[str, Any]]:
    """Stored fields of an issue's articles, in page order."""
    articles = [fields for _, fields in snap.find("article", "issue_id", issue_id)]
    return sorted(articles, key=lambda fields: fields["number"])


def find_article(snap: Snapshot, article_id: str, q: str | None) -> ArticleView | None:
    """The article with neighbours in its issue; with q, paragraphs highlighted (QueryError if q is bad)."""
    found = snap.find("article", "id", article_id)
    if not found:
        return None
    fields = found[0][1]
    return views.article_view(fields, _articles_of(snap, fields["issue_id"]), q)


def issue_page(snap: Snapshot, page: int, per_page: int) -> IssuePage:
    records = snap.issue_records
    first = (page - 1) * per_page
    return IssuePage(len(records), page, per_page, [views.issue_summary(r) for r in records[first : first + per_page]])


def find_issue(snap: Snapshot, issues_dir: Path, issue_id: str) -> IssueView | None:
    found = snap.find("issue", "id", "issue:" + issue_id)
    if not found:
        return None
    return views.issue_view(json.loads(found[0][1]["data"]), _articles_of(snap, issue_id), issues_dir)


def index_stats(snap: Snapshot, failed: list[FailedFile]) -> IndexStats:
    days = snap.days
    dated = [days[d] for d in snap.searcher.document_numbers(kind="article") if days[d]]
    folder = getattr(snap.ix.storage, "folder", None)
    size = sum(p.stat().st_size for p in Path(folder).iterdir() if p.is_file()) if folder else 0
    return IndexStats(
        issues=len(snap.issue_records),
        articles=snap.searcher.doc_frequency("kind", "article"),
        date_min=views.iso_day(min(dated)) if dated else None,
        date_max=views.iso_day(max(dated)) if dated else None,
        failed=failed,
        generation=snap.generation,
        index_bytes=size,
    )
