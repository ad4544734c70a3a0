"""Where the index lives on disk, which copy is served, and how a new copy is swapped in.

Layout under DATA/.archive/ (all of it can be rebuilt from DATA/issues/):

    CURRENT          the name of the served index directory, one line
    index-<stamp>/   Whoosh indexes; only the one CURRENT names is served
    reindex.lock     see indexer.lifecycle.locks
    server.json      the running server's address and token, see webui.local_server
    failures.json    the files the last reindex could not read, and why

Why a pointer file and several directories: `reindex --full` builds a whole
new index beside the served one and swaps it in by replacing CURRENT
(written to a temporary file, fsync'ed, then `os.replace`d: atomic), so
readers see either the old index or the new one, never a half-built one.
Readers resolve CURRENT once and open that directory by its real name; a
symlink would be followed again on every file Whoosh opens and could mix two
indexes in one reader. Directories that CURRENT no longer names (retired
indexes, half-built ones from a killed rebuild) are deleted by a later
reindex, once the swap is old enough that no reader can still be on its way
into them (`Settings.retire_after_seconds`); readers that already have files open
keep working, since POSIX keeps deleted files alive until closed.

Incremental updates commit into the served directory itself: Whoosh writes
new segment files first and then renames a new table of contents (TOC) into
place, so the served index changes in one step, too.

The manifest (issue id -> sha256 of the file's bytes) is not a separate file:
it is the kind="issue" documents of the index, so one commit changes
articles and manifest together and a crash can never leave them disagreeing.
"""
from __future__ import annotations

import os
import re
import secrets
import shutil
import stat
import threading
import time
from collections.abc import Iterable
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.fields import Schema
from whoosh.index import EmptyIndexError, Index
from whoosh.searching import Searcher

from indexer.lifecycle.durable import fsync_dir, fsync_file, write_atomically
from indexer.lifecycle.failures import read_failures, record_failures
from indexer.lifecycle.locks import lock_file
from indexer.api import FailedFile
from indexer.engines.whoosh.schema import make_schema

_INDEX_DIR_NAME = re.compile(r"index-\d{8}T\d{6}-[0-9a-f]{6}")
# Whoosh names each committed table of contents _MAIN_<generation>.toc.
_TOC_NAME = re.compile(r"_MAIN_(\d+)\.toc")
_OPEN_ATTEMPTS = 5


class IndexStore:
    """The index files of one data directory (DATA/.archive)."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        self.root = self.data_dir / ".archive"
        self.pointer = self.root / "CURRENT"
        self.lock_path = lock_file(self.data_dir)

    # ------------------------------------------------------------ reading

    def current_dir(self) -> Path | None:
        """The directory of the served index, or None before the first reindex."""
        name = self._current_name()
        return None if name is None else self.root / name

    def open_current(self) -> Index | None:
        """The served index (None if there is none yet); readers open searchers on it.

        If a rebuild swaps CURRENT just as we open, the directory we read may
        be gone by the time we open it: read the pointer again and retry. A
        directory deleted by hand counts as no index: the next reindex
        rebuilds it from DATA/issues/.
        """
        for _ in range(_OPEN_ATTEMPTS):
            name = self._current_name()
            if name is None:
                return None
            try:
                return _open_without_mmap(self.root / name)
            except (OSError, EmptyIndexError):
                if self._current_name() != name:
                    continue  # swapped while we opened: try the new one
                if not (self.root / name).is_dir():
                    return None
                raise
        raise EmptyIndexError(f"{self.pointer} kept changing while the index was being opened")

    def generation(self) -> str | None:
        """A cheap token that changes on every commit and every swap (None: no index yet).

        It is the served directory's name plus its newest TOC generation: one
        small file read and one directory listing, cheap enough to poll.
        """
        name = self._current_name()
        if name is None:
            return None
        try:
            files = os.listdir(self.root / name)
        except FileNotFoundError:
            return f"{name}:missing"
        newest = max((int(m.group(1)) for f in files if (m := _TOC_NAME.fullmatch(f))), default=-1)
        return f"{name}:{newest}"

    def indexed_issues(self) -> dict[str, str]:
        """The manifest of the served index: issue id -> sha256 of the file it was built from."""
        ix = self.open_current()
        return {} if ix is None else read_manifest(ix)

    def failures(self) -> list[FailedFile]:
        """Files the last reindex could not read, with the reason (for stats and /api/health)."""
        return read_failures(self.data_dir)

    # ------------------------------------------------------------ writing (under the reindex lock)

    def record_failures(self, failed: list[FailedFile]) -> None:
        record_failures(self.data_dir, failed)

    def create_fresh(self) -> Index:
        """A new, empty index in a directory of its own, not yet served."""
        name = f"index-{time.strftime('%Y%m%dT%H%M%S', time.gmtime())}-{secrets.token_hex(3)}"
        path = self.root / name
        path.mkdir(parents=True)
        return whoosh_index.create_in(str(path), make_schema())

    def publish(self, index_dir: Path) -> None:
        """Serve `index_dir` from now on by replacing CURRENT atomically.

        `index_dir` must be committed and flushed (segments.commit does both),
        so CURRENT never names files that are still only in memory.
        """
        write_atomically(self.pointer, f"{index_dir.name}\n".encode())

    def remove_unserved(self, retire_after: float) -> None:
        """Delete index directories CURRENT does not name, once the last swap is old enough.

        That covers retired indexes and the half-built ones of a killed
        rebuild, and the temporary files of a killed `write_atomically`.
        Call it under the reindex lock, so no rebuild is under way.
        """
        for tmp in self.root.glob(".*.tmp"):
            tmp.unlink(missing_ok=True)
        current = self._current_name()
        if current is not None and time.time() - self.pointer.stat().st_mtime < retire_after:
            return
        for path in self.root.glob("index-*"):
            if path.name != current and path.is_dir():
                shutil.rmtree(path, ignore_errors=True)

    # ------------------------------------------------------------ helpers

    def _current_name(self) -> str | None:
        try:
            name = self.pointer.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        # Only ever a directory name of our own making: never a path to follow elsewhere.
        return name if _INDEX_DIR_NAME.fullmatch(name) else None


def has_current_schema(ix: Index) -> bool:
    """Whether today's documents fit `ix`: same field names with the same field types, and text
    positioned as today (the sections' gap, `SectionedTokenizer.section_gap`).

    An index built by an older version of the archive (a field added or
    retyped since, sections without a gap) cannot take today's documents, or
    would answer phrases and near-searches across sections; the reindex then
    rebuilds from scratch instead. Other analyzer settings are not compared:
    Whoosh analyzers have no reliable equality.
    """
    return _schema_shape(ix.schema) == _schema_shape(make_schema())


def _schema_shape(schema: Schema) -> list[tuple[str, str, int | None]]:
    return sorted((name, type(field).__name__, getattr(getattr(field, "analyzer", None), "section_gap", None))
                  for name, field in schema.items())


def _open_without_mmap(path: Path) -> Index:
    """Open an index reading its files with read(), not mmap.

    Whoosh maps compound segment files into memory by default; if such a
    file is truncated under a running server (a full disk, a crash, a
    careless hand), touching the lost pages kills the whole process with
    SIGBUS. Plain reads raise an exception instead, which is answered as a
    503 and cured by `archive reindex --full`.
    """
    return FileStorage(str(path), supports_mmap=False).open_index()


def read_manifest(ix: Index, memo: ManifestMemo | None = None) -> dict[str, str]:
    """Issue id -> sha256 from the kind="issue" documents of `ix`, segment by segment (in docnum
    order, so a later record of an issue wins, as it did read all at once); with `memo`, the
    records of a segment read before are not read again."""
    memo = memo if memo is not None else ManifestMemo()
    manifest: dict[str, str] = {}
    segment_ids = []
    with ix.searcher() as searcher:
        for leaf, _ in searcher.leaf_searchers():
            reader = leaf.reader()
            if reader.segment() is None:  # an empty index
                continue
            segment_ids.append(reader.segment().segment_id())
            deleted = reader.deleted_docs_set if reader.has_deletions() else frozenset()
            for docnum, issue, sha256 in memo.records(segment_ids[-1], leaf):
                if docnum not in deleted:
                    manifest[issue] = sha256
    memo.keep_only(segment_ids)
    return manifest


class ManifestMemo:
    """The manifest records (docnum, issue id, sha256) of each segment, by segment id, for a
    long-lived process (a server) whose every `archive add` would otherwise read the stored
    fields of every issue (0.05-0.1 s at the 1x corpus). Sound because a segment's documents
    never change once written; its deletions can, and `read_manifest` applies them afresh."""

    def __init__(self) -> None:
        self._by_segment: dict[str, list[tuple[int, str, str]]] = {}
        self._lock = threading.Lock()

    def records(self, segment_id: str, leaf: Searcher) -> list[tuple[int, str, str]]:
        """The segment's records (live ones when first read; deletions only ever grow)."""
        records = self._by_segment.get(segment_id)
        if records is None:
            records = [(docnum, fields["issue_id"], fields["sha256"])
                       for docnum in leaf.document_numbers(kind="issue")
                       for fields in (leaf.stored_fields(docnum),)]
            with self._lock:
                self._by_segment[segment_id] = records
        return records

    def keep_only(self, segment_ids: Iterable[str]) -> None:
        """Forget segments no longer in the index (merged away, or another index directory)."""
        wanted = set(segment_ids)
        with self._lock:
            self._by_segment = {key: records for key, records in self._by_segment.items() if key in wanted}


# (device, inode) -> (size, mtime, ctime) of each file `flush_to_disk` synced last time.
_synced: dict[tuple[int, int], tuple[int, int, int]] = {}


def flush_to_disk(index_dir: Path) -> None:
    """fsync every file of `index_dir` and the directory itself.

    Whoosh never fsyncs; without this a power cut could leave a table of
    contents (or CURRENT) naming segment files whose data never reached the disk.
    A file this process synced before and that is unchanged since (same inode,
    size, mtime and ctime: Whoosh never rewrites a file it has written) is
    skipped: at the 1x corpus the two dozen files of an index cost some 50 ms
    of fsync calls on every commit, twice, though only the new ones need it.
    """
    seen: dict[tuple[int, int], tuple[int, int, int]] = {}
    for path in index_dir.iterdir():
        try:
            st = path.stat()
        except FileNotFoundError:  # deleted since listed (as is_file() skipped it before)
            continue
        if not stat.S_ISREG(st.st_mode):
            continue
        key, state = (st.st_dev, st.st_ino), (st.st_size, st.st_mtime_ns, st.st_ctime_ns)
        if _synced.get(key) != state:
            fsync_file(path)  # data written after the stat is synced too
        seen[key] = state
    fsync_dir(index_dir)
    _synced.clear()
    _synced.update(seen)
