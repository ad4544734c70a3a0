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
stop a real reindex at named points with ARCHIVE_REINDEX_PAUSE_AT (below).
"""
from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from whoosh.index import Index

from archive.issues import issue_files, issue_id
from indexer.lifecycle.adding import AddRefused, copy_locked  # noqa: F401 (AddRefused: part of this API)
from indexer.lifecycle.digests import DigestCache
from indexer.lifecycle.locks import ReindexLock
from indexer.api import FailedFile, ReindexSummary
from indexer.engines.whoosh.segments import Indexed, Outcome, commit, index_files, merge_small_segments
from indexer.engines.whoosh.store import IndexStore, ManifestMemo, has_current_schema, read_manifest

Progress = Callable[[int, int, int], None]  # (files_done, files_total, characters_done)

# Test hook: the reindex stops at this named point (after printing
# "reindex paused at <point>" on stderr) until it is killed. Points:
# scanned, indexing (one file done), committing, committed, published.
PAUSE_ENV = "ARCHIVE_REINDEX_PAUSE_AT"


@dataclass
class _Scan:
    """Issue files (issue id -> path) sorted by what a reindex must do with them."""

    new: dict[str, Path] = field(default_factory=dict)
    changed: dict[str, Path] = field(default_factory=dict)
    unchanged: dict[str, Path] = field(default_factory=dict)
    removed: list[str] = field(default_factory=list)
    failed: list[FailedFile] = field(default_factory=list)


def reindex(
    data_dir: Path,
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
    store = IndexStore(Path(data_dir))
    with ReindexLock(store.lock_path):
        return _reindex_locked(store, full, progress, on_published, digests or DigestCache(),
                               manifests or ManifestMemo(), merge)


def merge_segments(data_dir: Path) -> None:
    """Merge small segments if there are many (see segments.merge_small_segments); ReindexBusy if a reindex runs.

    Same documents, fewer files: readers pick the new generation up like any other.
    """
    store = IndexStore(Path(data_dir))
    with ReindexLock(store.lock_path):
        served, _ = _served(store, ManifestMemo())
        if served is not None:
            merge_small_segments(served)


def add_files(
    data_dir: Path, files: list[Path], replace: bool = False, progress: Progress | None = None
) -> ReindexSummary:
    """Copy `files` into DATA/issues/ and index them (with any other pending change).

    Refuses (AddRefused, before copying anything) a file that is not .txt or
    .md, or whose name is taken in DATA/issues/ by a different file, unless
    `replace`. A file identical to the one in place is simply indexed.
    """
    store = IndexStore(Path(data_dir))
    with ReindexLock(store.lock_path):
        copy_locked(store.data_dir, files, replace)
        return _reindex_locked(store, False, progress, None, DigestCache(), ManifestMemo(), True)


def _reindex_locked(
    store: IndexStore,
    full: bool,
    progress: Progress | None,
    on_published: Callable[[], None] | None,
    digests: DigestCache,
    manifests: ManifestMemo,
    merge: bool,
) -> ReindexSummary:
    started = time.monotonic()
    store.remove_unserved()
    served, previous = _served(store, manifests)
    scan = _scan(store.data_dir, previous, digests)
    fresh = full or served is None
    ix = store.create_fresh() if fresh else served
    to_index = [*scan.new.values(), *scan.changed.values(), *(scan.unchanged.values() if fresh else ())]
    _pause_if_asked("scanned")

    tally = _Tally(len(to_index), progress)
    segments = index_files(ix, to_index, store.data_dir, tally.record)
    deletions = [] if fresh else sorted(set(tally.indexed) | set(scan.removed))
    if fresh or segments or deletions:
        _pause_if_asked("committing")
        commit(ix, segments, deletions)
        _pause_if_asked("committed")
        if not fresh:
            if on_published is not None:
                on_published()
            if merge:
                merge_small_segments(ix)  # after the commit: the new documents are served already
    if fresh:
        store.publish(Path(ix.storage.folder))
        _pause_if_asked("published")
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


def _scan(data_dir: Path, previous: dict[str, str], digests: DigestCache) -> _Scan:
    """Compare every issue file's bytes (their digest) with the manifest; read nothing else."""
    issues_dir = data_dir / "issues"
    scan = _Scan()
    seen: dict[str, Path] = {}

    def shown(path: Path) -> str:  # only for reports: a thousand of these cost 20 ms
        return path.relative_to(data_dir).as_posix()

    for path in issue_files(issues_dir):
        if not _is_utf8(str(path)) and not _is_utf8(shown(path)):
            scan.failed.append(FailedFile(_printable_name(shown(path)), "file name is not UTF-8; rename the file"))
            continue
        key = issue_id(path, issues_dir)
        if key in seen:
            scan.failed.append(FailedFile(shown(path), f"same issue id as {shown(seen[key])}; rename one of them"))
            continue
        seen[key] = path
        try:
            digest = digests.digest(path)
        except OSError as exc:  # vanished or unreadable since it was listed
            scan.failed.append(FailedFile(shown(path), f"cannot read file ({exc.strerror or exc})"))
            continue
        if key not in previous:
            scan.new[key] = path
        elif previous[key] != digest:
            scan.changed[key] = path
        else:
            scan.unchanged[key] = path
    scan.removed = sorted(set(previous) - set(seen))
    digests.keep_only(seen.values())
    return scan


def _is_utf8(name: str) -> bool:
    """False for a name whose bytes are not UTF-8 (Python keeps them as surrogates), e.g. GBK from a Windows zip."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _printable_name(name: str) -> str:
    """The name as the user would recognise it: read as GB18030 if that works, else with \\x escapes."""
    raw = name.encode("utf-8", "surrogateescape")
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        return raw.decode("utf-8", "backslashreplace")


class _Tally:
    """Counts outcomes as files finish and reports progress."""

    def __init__(self, total: int, progress: Progress | None) -> None:
        self.total = total
        self.progress = progress
        self.indexed: list[str] = []
        self.failed: list[FailedFile] = []
        self.articles = 0
        self.characters = 0
        if progress is not None:
            progress(0, total, 0)

    def record(self, outcome: Outcome) -> None:
        if isinstance(outcome, Indexed):
            self.indexed.append(outcome.issue_id)
            self.articles += outcome.articles
            self.characters += outcome.characters
        else:
            self.failed.append(outcome)
        if self.progress is not None:
            self.progress(len(self.indexed) + len(self.failed), self.total, self.characters)
        _pause_if_asked("indexing")


def _pause_if_asked(point: str) -> None:
    if os.environ.get(PAUSE_ENV) == point:
        print(f"reindex paused at {point}", file=sys.stderr, flush=True)
        while True:
            time.sleep(1)
