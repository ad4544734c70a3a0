"""`WhooshEngine`: the local engine, an `indexer.api.Engine` over a Whoosh index in DATA/.archive/.

It serves from the current index generation and reopens its searcher when
a reindex (this process or another) has committed a new one, so a running
server sees new issues without a restart and never a half-written index.
The generation is polled at most every `Settings.recheck_seconds`;
`Searcher.refresh()` is never used (it returns wrong results after a merge,
PITFALLS.md), and a replaced searcher is closed once the last call using it
has finished.

A new generation needs its per-snapshot tables (about a second per 20k
articles from scratch; a swap-in copies the rows of the segments the served
snapshot has from its tables, see `snapshot`). A plain engine builds them in
the first call that needs them; a serving one (`prepare_to_serve`) builds
them off the request path and swaps the snapshot in when they are ready, and
a reindex run through `reindex()` swaps its own result in, tables built,
before returning.

The searching and indexing machinery (Whoosh, numpy, the codec: some 0.3 s
of imports) is imported where it is first used, not with this module: an
`archive add` that a running server indexes (`add`'s `hand_over`) only
copies files, and must not pay for it.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from archive.issues import issue_files
from indexer.api import (
    ArticleView,
    Health,
    IndexStats,
    IndexUnavailable,
    IssuePage,
    IssueView,
    Occurrences,
    PeriodCounts,
    Progress,
    QueryError,
    ReindexBusy,
    ReindexSummary,
    SearchRequest,
    SearchResults,
)
from indexer.lifecycle.digests import DigestCache
from indexer.lifecycle.fed_by_files import FedByIssueFiles
from indexer.present import views
from indexer.query import validate
from indexer.settings import Settings
from indexer.text.segmenter import segmenter, use_cache_dir

if TYPE_CHECKING:
    from indexer.engines.whoosh.snapshot import Snapshot
    from indexer.engines.whoosh.store import IndexStore, ManifestMemo


# Articles an export reads per turn of the snapshot's reading lock (a few ms of stored-field reads).
EXPORT_BATCH = 100


def _empty_results(request: SearchRequest) -> SearchResults:
    return SearchResults(request.q, 0, request.page, request.per_page, [], {}, 0, request.sort)


def _unavailable(cause: Exception) -> IndexUnavailable:
    return IndexUnavailable(f"the index cannot be read ({type(cause).__name__}: {cause}); "
                            "rebuild it with `archive reindex --full`")


class WhooshEngine(FedByIssueFiles):
    """Search, read and reindex one data directory (DATA/issues + DATA/.archive). Thread-safe."""

    name = "local"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.data_dir = Path(settings.data_dir)
        use_cache_dir(settings.jieba_cache_dir)
        self._snapshot: Snapshot | None = None
        self._checked = float("-inf")
        self._lock = threading.Lock()
        self._stats: IndexStats | None = None  # of the generation it names
        self._publishing = 0  # reindexes of this object under way: they swap the new generation in themselves
        # Set by `prepare_to_serve`: a generation committed by another process is opened and its tables
        # built in a background thread while readers keep the previous one (they would otherwise
        # all wait about a second per 20k articles for the first of them to build the tables).
        self.refresh_in_background = False
        self._refreshing = False
        self._failed_generation: str | None = None  # a served generation whose files failed a read
        # Issue files' hashes by their stat (and the index's manifest by segment, `manifests`): a
        # reindex of this object reads only the files and segments that changed (see `reindex`).
        self.digests = DigestCache(settings.settled_seconds)
        # Set while a reindex of this object found the lock held: a background merge then stops
        # before its next segment (`_merge`), so the reindex waits seconds less.
        self._reindex_waiting = threading.Event()

    @cached_property
    def store(self) -> IndexStore:
        """The index files under DATA/.archive/."""
        from indexer.engines.whoosh.store import IndexStore

        return IndexStore(self.data_dir)

    @cached_property
    def manifests(self) -> ManifestMemo:
        from indexer.engines.whoosh.store import ManifestMemo

        return ManifestMemo()

    def _current(self) -> Snapshot | None:
        """The snapshot to serve from, acquired; reopened if the generation changed."""
        with self._lock:
            now = time.monotonic()
            if now - self._checked >= self.settings.recheck_seconds and not (self._publishing and self._snapshot):
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

        `previous`: the served snapshot, whose tables the new one's `warm` may extend (see indexer.engines.whoosh.snapshot).
        """
        if generation is None:
            return None
        from indexer.engines.whoosh.snapshot import Snapshot

        try:
            ix = self.store.open_current()
            return Snapshot(ix, generation, self.settings, previous) if ix is not None else None
        except Exception as exc:  # noqa: BLE001 - damaged files raise anything: struct, zlib, pickle,
            raise _unavailable(exc) from exc  # Key, Type, EOF, Unicode errors, even a bare Exception

    @contextmanager
    def _using(self) -> Iterator[Snapshot | None]:
        snap = self._current()
        if snap is None:
            yield None
            return
        try:
            with self._reading(snap):
                yield snap
        finally:
            snap.release()

    @contextmanager
    def _reading(self, snap: Snapshot) -> Iterator[Snapshot]:
        """Read through an acquired snapshot: one call at a time, damaged files reported as such."""
        try:
            with snap.reading:
                yield snap
        except (QueryError, RecursionError):  # the query's fault, not the files'
            raise
        except Exception as exc:  # noqa: BLE001 - see _open
            self._failed_generation = snap.generation
            raise _unavailable(exc) from exc

    def prepare_to_serve(self) -> None:
        """From now on swap new generations in off the request path, and build the tables of the
        served one now (about 1 s at 20k articles): every search needs them, and a search that
        had to wait for them would stall longer than the rest of the warm-up."""
        self.refresh_in_background = True
        self._warm_tables()

    def warm_up(self) -> None:
        """Load jieba's dictionary (0.5 s; a search that comes sooner waits for it), build the
        tables, run one search through every code path, then load what a first `archive add`
        would wait for (about 0.5 s, plus 0.2-0.4 s of hashing per 20k articles): the indexing
        modules, the place-name table, the digests of the issue files and the index's manifest."""
        segmenter()
        self._warm_tables()
        self.search(SearchRequest(q="报纸 新闻"))
        import indexer.engines.whoosh.reindex  # noqa: F401
        from indexer.engines.whoosh.store import read_manifest
        from indexer.text.places import place_names

        place_names()
        self.digests.prime(issue_files(self.data_dir / "issues"))
        ix = self.store.open_current()
        if ix is not None:
            read_manifest(ix, self.manifests)

    def _warm_tables(self) -> None:
        """Open the index and build the per-snapshot tables."""
        with self._using() as snap:
            if snap is not None:
                snap.warm()

    def search(self, request: SearchRequest) -> SearchResults:
        """Ranked, paginated, faceted results; raises QueryError for a bad query (see search.run)."""
        from indexer.engines.whoosh import search

        with self._using() as snap:
            if snap is None:
                validate(request)
                return _empty_results(request)
            return search.run(snap, request, self.settings)

    def period_counts(self, request: SearchRequest, interval: str) -> PeriodCounts:
        """Matches per year or month, from the day of each match (see search.period_counts)."""
        from indexer.engines.whoosh import search

        with self._using() as snap:
            if snap is None:
                validate(request)
                return PeriodCounts({}, {}, 0)
            return search.period_counts(snap, request, interval, self.settings)

    def matching_articles(self, request: SearchRequest) -> Iterator[ArticleView]:
        """Every match of `request`, in its order, from one snapshot (a reindex meanwhile changes
        nothing of it). The matches are found now (QueryError now); the articles are read
        EXPORT_BATCH at a time as the iterator is consumed, the snapshot's reading lock taken per
        batch, so a long export never holds other readers up for longer than one batch."""
        from indexer.engines.whoosh import search

        snap = self._current()
        if snap is None:
            validate(request)
            return iter(())
        try:
            with self._reading(snap):
                order = search.match_order(snap, request, self.settings)
        except BaseException:
            snap.release()
            raise
        return self._articles(snap, order)

    def _articles(self, snap: Snapshot, order: list[int]) -> Iterator[ArticleView]:
        """The articles `order` names, batch by batch; releases `snap` when done or abandoned."""
        try:
            for start in range(0, len(order), EXPORT_BATCH):
                with self._reading(snap):
                    batch = [views.article_view(fields, [fields], None)
                             for fields in map(snap.stored, order[start:start + EXPORT_BATCH])]
                yield from batch
        finally:
            snap.release()

    def occurrences(self, request: SearchRequest, start: int, count: int) -> Occurrences:
        """Occurrences per match, from the index's positions, and the articles holding the ones asked
        for (see search.occurrence_page)."""
        from indexer.engines.whoosh import search

        with self._using() as snap:
            if snap is None:
                validate(request)
                return Occurrences([], 0, 0, [])
            return search.occurrence_page(snap, request, start, count, self.settings)

    def article(self, article_id: str, q: str | None = None) -> ArticleView | None:
        """One article (None if unknown); with q, `highlighted` marks the matches."""
        from indexer.engines.whoosh import lookups

        with self._using() as snap:
            return None if snap is None else lookups.find_article(snap, article_id, q)

    def issues(self, page: int = 1, per_page: int = 50) -> IssuePage:
        """Issues newest first (undated last)."""
        from indexer.engines.whoosh import lookups

        with self._using() as snap:
            if snap is None:
                return IssuePage(0, page, per_page, [])
            return lookups.issue_page(snap, page, per_page)

    def issue(self, issue_id: str) -> IssueView | None:
        """One issue with its articles in page order and its original text."""
        from indexer.engines.whoosh import lookups

        with self._using() as snap:
            return None if snap is None else lookups.find_issue(snap, self.data_dir / "issues", issue_id)

    def stats(self) -> IndexStats:
        """Counts and dates of the served generation, computed once per generation (they walk every
        article: 20 ms at 20k articles, too much for a health check polled by monitors); the failed
        files are read afresh each time."""
        from indexer.engines.whoosh import lookups

        with self._using() as snap:
            failed = self.store.failures()
            if snap is None:
                return IndexStats(0, 0, None, None, failed, None, 0)
            cached = self._stats
            if cached is None or cached.generation != snap.generation:
                cached = self._stats = lookups.index_stats(snap, [])
            return replace(cached, failed=failed)

    def health(self) -> Health:
        return Health(self.name)

    def reindex(self, full: bool = False, progress: Progress | None = None) -> ReindexSummary:
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
        from indexer.engines.whoosh.reindex import reindex  # the indexing machinery: not needed to search

        merge_later = self.refresh_in_background
        with self._lock:
            self._publishing += 1
        try:
            summary = reindex(self.settings, full=full, progress=progress, on_published=self._swap_in_warm,
                              digests=self.digests, manifests=self.manifests, merge=not merge_later)
            self._reindex_waiting.clear()
            return summary
        except ReindexBusy:
            self._reindex_waiting.set()
            merge_later = False  # the merge under way, or the reindex holding the lock, merges
            raise
        finally:
            with self._lock:
                self._publishing -= 1
                self._checked = float("-inf")  # the next reader looks for a generation a merge made
            if merge_later:
                threading.Thread(target=self._merge, name="archive-merge", daemon=True).start()

    def _merge(self) -> None:
        """Merge small segments after a server's reindex, and serve the result (tables built here,
        so the next add extends them instead of waiting for a reader to pick the merge up)."""
        from indexer.engines.whoosh.reindex import merge_segments
        from indexer.engines.whoosh.segments import MergeYielded

        try:
            merge_segments(self.settings, give_way=self._reindex_waiting.is_set)
        except (ReindexBusy, MergeYielded):
            return  # the reindex holding (or waiting for) the lock merges after itself when it is done
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
