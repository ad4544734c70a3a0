"""`ArchiveIndex`: the one object webui and the CLI talk to.

It serves from the current index generation and reopens its searcher when
a reindex (this process or another) has committed a new one, so a running
server sees new issues without a restart and never a half-written index.
The generation is polled at most every `RECHECK_SECONDS`; `Searcher.refresh()`
is never used (it returns wrong results after a merge, PITFALLS.md), and a
replaced searcher is closed once the last call using it has finished.

A new generation needs its per-snapshot tables (about a second per 20k
articles from scratch; a swap-in copies the rows of the segments the served
snapshot has from its tables, see indexer.snapshot). A plain `ArchiveIndex`
builds them in the first call that needs them; a server's
(`refresh_in_background`) builds them off the request path and swaps the
snapshot in when they are ready, and a reindex run through `reindex()` swaps
its own result in, tables built, before returning.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Callable

from archive.issues import issue_files
from indexer import search, views
from indexer.digests import DigestCache
from indexer.results import (
    ArticleView,
    IndexStats,
    IndexUnavailable,
    IssuePage,
    IssueView,
    QueryError,
    ReindexBusy,
    ReindexSummary,
    SearchRequest,
    SearchResults,
)
from indexer.segmenter import segmenter
from indexer.snapshot import Snapshot
from indexer.store import IndexStore, ManifestMemo, read_manifest

RECHECK_SECONDS = 0.5


def _empty_results(request: SearchRequest) -> SearchResults:
    return SearchResults(request.q, 0, request.page, request.per_page, [], {}, 0, request.sort)


def _unavailable(cause: Exception) -> IndexUnavailable:
    return IndexUnavailable(f"the index cannot be read ({type(cause).__name__}: {cause}); "
                            "rebuild it with `archive reindex --full`")


class ArchiveIndex:
    """Search, read and reindex one data directory (DATA/issues + DATA/.archive). Thread-safe."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        self.store = IndexStore(self.data_dir)
        self._snapshot: Snapshot | None = None
        self._checked = float("-inf")
        self._lock = threading.Lock()
        self._stats: IndexStats | None = None  # of the generation it names
        self._publishing = 0  # reindexes of this object under way: they swap the new generation in themselves
        # A server sets this: a generation committed by another process is opened and its tables
        # built in a background thread while readers keep the previous one (they would otherwise
        # all wait about a second per 20k articles for the first of them to build the tables).
        self.refresh_in_background = False
        self._refreshing = False
        self._failed_generation: str | None = None  # a served generation whose files failed a read
        # Issue files' hashes by their stat and the index's manifest by segment: a reindex of this
        # object reads only the files and segments that changed (see indexer.reindex).
        self.digests = DigestCache()
        self.manifests = ManifestMemo()

    def _current(self) -> Snapshot | None:
        """The snapshot to serve from, acquired; reopened if the generation changed."""
        with self._lock:
            now = time.monotonic()
            if now - self._checked >= RECHECK_SECONDS and not (self._publishing and self._snapshot):
                self._checked = now
                generation = self.store.generation()
                old = self._snapshot
                if (old is not None and old.generation != generation and self.refresh_in_background
                        and old.generation != self._failed_generation):  # a damaged one: replace it now
                    self._start_refresh()
                elif old is None or old.generation != generation:
                    try:
                        fresh = self._open(generation)
                    except IndexUnavailable:
                        if old is None:
                            raise
                        fresh = None
                    # Nothing to open (the directory was deleted) or it cannot be read: keep
                    # serving the old snapshot, whose open files stay readable, until a
                    # reindex publishes a good one.
                    if fresh is not None:
                        self._snapshot = fresh
                        if old is not None:
                            old.retire()
            return self._snapshot.acquire() if self._snapshot is not None else None

    def _start_refresh(self) -> None:
        """Swap the new generation in from a background thread (call under `_lock`)."""
        if self._refreshing:
            return
        self._refreshing = True

        def refresh() -> None:
            try:
                self._swap_in_warm()
            finally:
                with self._lock:
                    self._refreshing = False

        threading.Thread(target=refresh, name="archive-refresh", daemon=True).start()

    def _open(self, generation: str | None, previous: Snapshot | None = None) -> Snapshot | None:
        """A snapshot of the served index; None if there is none; IndexUnavailable if it cannot be read.

        `previous`: the served snapshot, whose tables the new one's `warm` may extend (see indexer.snapshot).
        """
        if generation is None:
            return None
        try:
            ix = self.store.open_current()
            return Snapshot(ix, generation, previous) if ix is not None else None
        except Exception as exc:  # noqa: BLE001 - damaged files raise anything: struct, zlib, pickle,
            raise _unavailable(exc) from exc  # Key, Type, EOF, Unicode errors, even a bare Exception

    @contextmanager
    def _using(self) -> Iterator[Snapshot | None]:
        snap = self._current()
        if snap is None:
            yield None
            return
        try:
            with snap.reading:
                yield snap
        except (QueryError, RecursionError):  # the query's fault, not the files'
            raise
        except Exception as exc:  # noqa: BLE001 - see _open
            self._failed_generation = snap.generation
            raise _unavailable(exc) from exc
        finally:
            snap.release()

    def warm_up(self) -> None:
        """Do now what the first search would otherwise wait for (about 1-2 s): load jieba's
        dictionary, open the index and build the per-snapshot tables. For servers, before
        they take requests; a CLI command that searches once need not bother."""
        segmenter()
        self.warm_tables()

    def warm_tables(self) -> None:
        """Open the index and build the per-snapshot tables (the part of `warm_up` that needs the index)."""
        with self._using() as snap:
            if snap is not None:
                snap.warm()

    def prepare_indexing(self) -> None:
        """Load what a server's first reindex would otherwise wait for (about 0.5 s, plus 0.2-0.4 s of
        hashing per 20k articles): the indexing modules, the place-name table, the digests of the
        issue files and the index's manifest. For a server, in the background once it listens."""
        import indexer.reindex  # noqa: F401
        from indexer.places import place_names

        place_names()
        self.digests.prime(issue_files(self.data_dir / "issues"))
        ix = self.store.open_current()
        if ix is not None:
            read_manifest(ix, self.manifests)

    def search(self, request: SearchRequest) -> SearchResults:
        """Ranked, paginated, faceted results; raises QueryError for a bad query (see search.run)."""
        with self._using() as snap:
            if snap is None:
                search.validate(request)
                return _empty_results(request)
            return search.run(snap, request)

    def article(self, article_id: str, q: str | None = None) -> ArticleView | None:
        """One article (None if unknown); with q, `highlighted` marks the matches."""
        with self._using() as snap:
            return None if snap is None else views.article_view(snap, article_id, q)

    def issues(self, page: int = 1, per_page: int = 50) -> IssuePage:
        """Issues newest first (undated last)."""
        with self._using() as snap:
            if snap is None:
                return IssuePage(0, page, per_page, [])
            return views.issue_page(snap, page, per_page)

    def issue(self, issue_id: str) -> IssueView | None:
        """One issue with its articles in page order and its original text."""
        with self._using() as snap:
            return None if snap is None else views.issue_view(snap, self.data_dir / "issues", issue_id)

    def stats(self) -> IndexStats:
        """Counts and dates of the served generation, computed once per generation (they walk every
        article: 20 ms at 20k articles, too much for a health check polled by monitors); the failed
        files are read afresh each time."""
        with self._using() as snap:
            failed = self.store.failures()
            if snap is None:
                return IndexStats(0, 0, None, None, failed, None, 0)
            cached = self._stats
            if cached is None or cached.generation != snap.generation:
                cached = self._stats = views.index_stats(snap, [])
            return replace(cached, failed=failed)

    def reindex(self, full: bool = False, progress: Callable[[int, int], None] | None = None) -> ReindexSummary:
        """Index new/changed files and drop removed ones; raises ReindexBusy if one is running.

        While a snapshot is served, readers keep it until the new generation
        is open and its tables are built (here, in the reindexing thread, as
        soon as the new documents are committed), and it is swapped in before
        this returns: a server's `POST /api/reindex` (and so `archive add`)
        answers once the new issues are searchable, and no reader waits a
        second for the tables of a freshly committed index. A merge of small
        segments that follows is picked up like any other new generation; in a
        server (`refresh_in_background`) it runs in a thread of its own after
        this returns, so the caller does not wait for it either.
        """
        from indexer.reindex import reindex  # the indexing machinery: not needed to search

        merge_later = self.refresh_in_background
        with self._lock:
            self._publishing += 1
        try:
            return reindex(self.data_dir, full=full, progress=progress, on_published=self._swap_in_warm,
                           digests=self.digests, manifests=self.manifests, merge=not merge_later)
        finally:
            with self._lock:
                self._publishing -= 1
                self._checked = float("-inf")  # the next reader looks for a generation a merge made
            if merge_later:
                threading.Thread(target=self._merge, name="archive-merge", daemon=True).start()

    def _merge(self) -> None:
        """Merge small segments after a server's reindex, and serve the result (tables built here,
        so the next add extends them instead of waiting for a reader to pick the merge up)."""
        from indexer.reindex import merge_segments

        try:
            merge_segments(self.data_dir)
        except ReindexBusy:
            return  # the reindex holding the lock merges (or schedules its own merge) when it is done
        self._swap_in_warm()

    def _swap_in_warm(self) -> None:
        """Open the store's current generation, build its tables, then serve it (if it is new).

        Only while a snapshot is served: a command that only reindexes (`archive reindex`)
        has nobody to serve and must not spend seconds building tables.
        """
        with self._lock:
            previous = self._snapshot
            if previous is None:
                return
        try:
            generation = self.store.generation()
        except OSError:
            return  # DATA/.archive unreadable: readers' own rechecks report it
        if generation is None or generation == previous.generation:
            return
        try:
            fresh = self._open(generation, previous if previous.generation != self._failed_generation else None)
        except IndexUnavailable:
            return  # the next recheck reports or retries it; the old snapshot keeps serving
        if fresh is None:
            return
        try:
            with fresh.reading:
                fresh.warm()
        except Exception:  # noqa: BLE001 - damaged files (see _open): the previous snapshot keeps serving
            fresh.retire()
            return
        with self._lock:
            old = self._snapshot
            if old is not None and old.generation == generation:
                old, fresh = fresh, old  # a reader opened it meanwhile: keep theirs
            elif old is not previous and not self._still_current(generation):
                old, fresh = fresh, old  # another swap-in (the merge's, an add's) served a newer one meanwhile
            self._snapshot = fresh
            self._checked = time.monotonic()
        if old is not None:
            old.retire()

    def _still_current(self, generation: str) -> bool:
        try:
            return self.store.generation() == generation
        except OSError:
            return False

    def close(self) -> None:
        with self._lock:
            if self._snapshot is not None:
                self._snapshot.retire()
                self._snapshot = None
            self._checked = float("-inf")


def open_archive(data_dir: Path) -> ArchiveIndex:
    import os  # temporary wiring of the Solr engine until the engine Protocol (issue 13 part 1) lands

    if os.environ.get("ARCHIVE_SOLR_URL"):
        from indexer.engines.solr.engine import SolrArchive

        return SolrArchive(data_dir, os.environ["ARCHIVE_SOLR_URL"])  # type: ignore[return-value]
    return ArchiveIndex(data_dir)
