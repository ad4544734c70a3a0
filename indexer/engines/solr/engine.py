"""The Solr engine: one data directory's issues, indexed and searched on a SolrCloud collection.

The same calls as the local engine, answered from Solr: `DATA/issues/`
stays the source of truth (reindex reads it; the issue page shows the file
as received), the index and its manifest live in the collection, and
`DATA/.archive/` keeps only what belongs to this machine (the reindex lock,
the list of files that failed, the server's handshake file).

Nothing is cached here between calls: every search is a request, so a
change committed by any process on any machine shows at once.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from indexer.digests import DigestCache
from indexer.engines.solr import search, views
from indexer.engines.solr.admin import served_collection
from indexer.engines.solr.client import SolrClient
from indexer.engines.solr.indexing import reindex
from indexer.results import ArticleView, IndexStats, IssuePage, IssueView, ReindexSummary, SearchRequest, SearchResults
from indexer.segmenter import segmenter
from indexer.store import IndexStore


class SolrArchive:
    """Search, read and reindex one data directory on the collection `url` names. Thread-safe."""

    engine = "solr"

    def __init__(self, data_dir: Path, url: str) -> None:
        self.data_dir = Path(data_dir)
        self.client = SolrClient(url)
        self.store = IndexStore(self.data_dir)
        self.digests = DigestCache()
        self.refresh_in_background = False  # the local engine's server setting; Solr serves every commit at once

    def search(self, request: SearchRequest) -> SearchResults:
        return search.run(self.client, request)

    def article(self, article_id: str, q: str | None = None) -> ArticleView | None:
        return views.article_view(self.client, article_id, q)

    def issues(self, page: int = 1, per_page: int = 50) -> IssuePage:
        return views.issue_page(self.client, page, per_page)

    def issue(self, issue_id: str) -> IssueView | None:
        return views.issue_view(self.client, self.data_dir / "issues", issue_id)

    def stats(self) -> IndexStats:
        return views.index_stats(self.client, self.store.failures())

    def health(self) -> dict[str, Any]:
        """What /api/health adds for this engine: the live nodes and each shard's active replicas."""
        return {"engine": self.engine, **views.cluster_health(self.client)}

    def reindex(self, full: bool = False, progress: Callable[[int, int, int], None] | None = None) -> ReindexSummary:
        return reindex(self.client, self.data_dir, full=full, progress=progress, digests=self.digests)

    def warm_up(self) -> None:
        """Load jieba's dictionary (a query's words rank it) and check the collection can serve."""
        segmenter()
        self.warm_tables()

    def warm_tables(self) -> None:
        served_collection(self.client)

    def prepare_indexing(self) -> None:
        from indexer.places import place_names

        place_names()

    def close(self) -> None:
        """Nothing to release: the HTTP sessions close with their threads."""
