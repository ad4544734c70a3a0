"""Bring the index in line with DATA/issues/: only what changed, or a fresh rebuild swapped in.

Incremental (the default): hash every issue file, compare with the manifest
inside the index (issue id -> sha256, see indexer.engines.whoosh.store), then index new and
changed files into new segments and commit them together with the deletion
of the old versions and of removed issues: ONE Whoosh commit, so the served
index and its manifest move together from the old state to the new one.
Unchanged files are not touched, so their article ids stay as they were.
Once the new documents are served, a second commit may merge small
segments (same documents, fewer files; see segments.merge_small_segments);
a server does that afterwards (`merge_segments`), so an `archive add` it
answers does not wait for it. A server also passes what it remembers
from earlier reindexes: the digests of files whose stat has not changed
since it hashed them (indexer.lifecycle.digests) and the manifest records of the
segments it has read (store.ManifestMemo), so an add reads the files it
copied and the segment it wrote, not the whole archive and index.

Full (`full=True`, and whenever there is no usable index yet): index every
file into a fresh directory and swap it in by replacing CURRENT.

Only one reindex runs at a time (indexer.lifecycle.locks; a second raises ReindexBusy).

Crash safety, by construction: until the commit renames its new table of
contents into place (incremental) or CURRENT is replaced (full), nothing the
readers see has changed; a reindex killed at any moment therefore leaves the
previous index serving, and because the manifest committed with it still
describes the old state, the next reindex simply redoes the lost work. Files
a killed run left behind are unreferenced: the next commit deletes stray
segment files, the next reindex stray index directories. The kill -9 tests
stop a real reindex at each named step (`Settings.on_reindex_step`) and kill it there.
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Callable

from whoosh.index import Index

from indexer.api import Progress, ReindexSummary
from indexer.engines.whoosh.segments import commit, index_files, merge_small_segments
from indexer.engines.whoosh.store import IndexStore, ManifestMemo, has_current_schema, read_manifest
from indexer.lifecycle.digests import DigestCache
from indexer.lifecycle.locks import ReindexLock
from indexer.lifecycle.scan import Tally, scan_issues
from indexer.settings import Settings


def reindex(
    settings: Settings,
    full: bool = False,
    progress: Progress | None = None,
    on_published: Callable[[], None] | None = None,
    digests: DigestCache | None = None,
    manifests: ManifestMemo | None = None,
    merge: bool = True,
) -> ReindexSummary:
    """Index new and changed issue files and drop removed ones (or rebuild all with `full`).

    Raises ReindexBusy at once if another reindex of this data directory runs.
    `on_published` is called as soon as readers can see the new documents
    (before any merge of small segments, which can take seconds). `digests`
    and `manifests` remember file hashes and the index's manifest records
    across reindexes (None: read every file and record); without `merge`,
    small segments are left for `merge_segments`.
    """
    store = IndexStore(settings.data_dir)
    with ReindexLock(store.lock_path):
        return _reindex_locked(store, settings, full, progress, on_published,
                               digests or DigestCache(settings.settled_seconds), manifests or ManifestMemo(), merge)


def merge_segments(settings: Settings) -> None:
    """Merge small segments if there are many (see segments.merge_small_segments); ReindexBusy if a reindex runs.

    Same documents, fewer files: readers pick the new generation up like any other.
    """
    store = IndexStore(settings.data_dir)
    with ReindexLock(store.lock_path):
        served, _ = _served(store, ManifestMemo())
        if served is not None:
            merge_small_segments(served, settings.merge_above_segments)


def _reindex_locked(
    store: IndexStore,
    settings: Settings,
    full: bool,
    progress: Progress | None,
    on_published: Callable[[], None] | None,
    digests: DigestCache,
    manifests: ManifestMemo,
    merge: bool,
) -> ReindexSummary:
    started = time.monotonic()
    step = settings.reindex_step
    store.remove_unserved(settings.retire_after_seconds)
    served, previous = _served(store, manifests)
    scan = scan_issues(store.data_dir, previous, digests)
    fresh = full or served is None
    ix = store.create_fresh() if fresh else served
    to_index = [*scan.new.values(), *scan.changed.values(), *(scan.unchanged.values() if fresh else ())]
    step("scanned")

    tally = Tally(len(to_index), progress, step)
    segments = index_files(ix, to_index, store.data_dir, tally.record, settings)
    deletions = [] if fresh else sorted(set(tally.indexed) | set(scan.removed))
    if fresh or segments or deletions:
        step("committing")
        commit(ix, segments, deletions)
        step("committed")
        if not fresh:
            if on_published is not None:
                on_published()
            if merge:
                merge_small_segments(ix, settings.merge_above_segments)  # after the commit: the new documents are served already
    if fresh:
        store.publish(Path(ix.storage.folder))
        step("published")
        if on_published is not None:
            on_published()
    store.record_failures(scan.failed + tally.failed)

    done = set(tally.indexed)
    return ReindexSummary(
        added=len(done & scan.new.keys()),
        updated=len(done & scan.changed.keys()),
        removed=len(scan.removed),
        unchanged=len(scan.unchanged),
        failed=scan.failed + tally.failed,
        articles=tally.articles,
        characters=tally.characters,
        seconds=time.monotonic() - started,
    )


def _served(store: IndexStore, manifests: ManifestMemo) -> tuple[Index | None, dict[str, str]]:
    """The served index and its manifest if we can update it; (None, {}), so we rebuild, if
    there is none, an older version of the archive built it, or its files cannot be read
    (deleted, truncated or overwritten: Whoosh then raises anything, even a bare Exception)."""
    try:
        ix = store.open_current()
        if ix is None or not has_current_schema(ix):
            return None, {}
        return ix, read_manifest(ix, manifests)
    except Exception:  # noqa: BLE001 - see the docstring; the rebuild reads only DATA/issues/
        return None, {}
