"""`ArchiveIndex`: the one object webui and the CLI talk to.

It serves from the current index generation and reopens its searcher when
a reindex (this process or another) has committed a new one, so a running
server sees new issues without a restart and never a half-written index.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from indexer.results import (
    ArticleView,
    IndexStats,
    IssuePage,
    IssueView,
    ReindexSummary,
    SearchRequest,
    SearchResults,
)


class ArchiveIndex:
    """Search, read and reindex one data directory (DATA/issues + DATA/.archive)."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)

    def search(self, request: SearchRequest) -> SearchResults:
        """Ranked, paginated, faceted results; raises QueryError for a bad query."""
        raise NotImplementedError

    def article(self, article_id: str, q: str | None = None) -> ArticleView | None:
        """One article (None if unknown); with q, `highlighted` marks the matches."""
        raise NotImplementedError

    def issues(self, page: int = 1, per_page: int = 50) -> IssuePage:
        """Issues newest first (undated last)."""
        raise NotImplementedError

    def issue(self, issue_id: str) -> IssueView | None:
        """One issue with its articles in page order and its original text."""
        raise NotImplementedError

    def stats(self) -> IndexStats:
        raise NotImplementedError

    def reindex(self, full: bool = False, progress: Callable[[int, int], None] | None = None) -> ReindexSummary:
        """Index new/changed files and drop removed ones; raises ReindexBusy if one is running."""
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


def open_archive(data_dir: Path) -> ArchiveIndex:
    return ArchiveIndex(data_dir)
