"""The Solr engine: one data directory's issues, indexed and searched on a SolrCloud collection.

The `indexer.api.Engine` calls, answered from Solr: `DATA/issues/` stays
the source of truth (a reindex reads it; the issue page shows the file as
received), the index and its manifest live in the collection, and
`DATA/.archive/` keeps only what belongs to this machine (the reindex lock,
the list of files that failed, the server's handshake file).

Nothing is cached here between calls: every search is a request, so what
any process on any machine commits shows at once.
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from archive.issues import issue_files
from indexer.api import (
    ArticleView,
    Health,
    IndexStats,
    IssuePage,
    IssueView,
    Occurrences,
    PeriodCounts,
    Progress,
    ReindexSummary,
    SearchRequest,
    SearchResults,
)
from indexer.engines.solr import research, search, views
from indexer.engines.solr.admin import served_collection
from indexer.engines.solr.client import SolrClient
from indexer.lifecycle.digests import DigestCache
from indexer.lifecycle.fed_by_files import FedByIssueFiles
from indexer.lifecycle.failures import read_failures
from indexer.settings import Settings
from indexer.text.segmenter import segmenter, use_cache_dir


class SolrEngine(FedByIssueFiles):
    """Search, read and reindex one data directory on the collection `settings.solr_url` names. Thread-safe."""

    name = "solr"

    def __init__(self, settings: Settings) -> None:
        if not settings.solr_url:
            raise ValueError("the Solr engine needs settings.solr_url")
        self.settings = settings
        self.data_dir = Path(settings.data_dir)
        self.client = SolrClient(settings.solr_url)
        self.digests = DigestCache(settings.settled_seconds)
        use_cache_dir(settings.jieba_cache_dir)

    def search(self, request: SearchRequest) -> SearchResults:
        return search.run_search(self.client, request, self.settings.max_relaxed_words)

    def period_counts(self, request: SearchRequest, interval: str) -> PeriodCounts:
        return research.counts_by_period(self.client, request, interval)

    def matching_articles(self, request: SearchRequest) -> Iterator[ArticleView]:
        return research.matching_articles(self.client, request, self.settings.max_relaxed_words)

    def occurrences(self, request: SearchRequest, start: int, count: int) -> Occurrences:
        return research.occurrences(self.client, request, start, count)

    def article(self, article_id: str, q: str | None = None) -> ArticleView | None:
        return views.fetch_article(self.client, article_id, q)

    def issues(self, page: int = 1, per_page: int = 50) -> IssuePage:
        return views.list_issues(self.client, page, per_page)

    def issue(self, issue_id: str) -> IssueView | None:
        return views.fetch_issue(self.client, self.data_dir / "issues", issue_id)

    def stats(self) -> IndexStats:
        return views.collection_stats(self.client, read_failures(self.data_dir))

    def health(self) -> Health:
        """The live nodes and each shard's active replicas, and the node that answered."""
        return Health(self.name, views.cluster_health(self.client))

    def reindex(self, full: bool = False, progress: Progress | None = None) -> ReindexSummary:
        from indexer.engines.solr.indexing import reindex_collection  # the indexing machinery: not needed to search

        return reindex_collection(self.client, self.settings, full=full, progress=progress, digests=self.digests)

    def prepare_to_serve(self) -> None:
        """Check the collection can serve before the server listens (a 503 with the cause otherwise
        comes from every request anyway; this says it once, at start)."""
        served_collection(self.client)

    def warm_up(self) -> None:
        """jieba's dictionary (a query's words rank it), and what a first `archive add` would wait
        for: the place table, the indexing modules and, as on the local engine, the digests of the
        issue files (hashing them all is 0.2-0.4 s at the 1x corpus)."""
        import indexer.engines.solr.indexing  # noqa: F401
        from indexer.text.places import place_names

        segmenter()
        place_names()
        self.digests.prime(issue_files(self.data_dir / "issues"))

    def close(self) -> None:
        """Nothing to release: each thread's HTTP session closes with it."""
