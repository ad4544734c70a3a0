"""Index issue files into new Whoosh segments, in this process or in forked workers, and commit them.

Why our own workers instead of `ix.writer(procs=N)`: Whoosh's MpWriter
parallelises only the analysis; reading, decoding and splitting pages would
stay serial in the parent, and on two cores that parent is the bottleneck.
Here each worker does the whole job for its share of the files (read ->
split_articles -> issue_documents -> analysis) into a segment of its own,
and the parent then commits all segments, together with the deletions of
replaced and removed issues, in ONE new table of contents. That mirrors
`whoosh.multiproc.MpWriter._commit` with `multisegment=True`; the commit
uses SegmentWriter internals (`_close_segment`, `_commit_toc`, `_finish`)
of the pinned Whoosh-Reloaded.

The segments themselves are written by `segment_writer.SegmentBuilder`,
not Whoosh's SegmentWriter: same files, a fraction of the time (its
docstring says where Whoosh's time went). Shares are balanced by bytes, so
both workers finish together.

Crash safety: until the parent writes the TOC, every file the workers wrote
is unreferenced, so a kill at any point leaves the previous index exactly as
it was; the next commit's `clean_files` deletes the leftovers (and the
parent writer's `_finish` clears the shared MAIN.tmp scratch directory).
The commit fsyncs the segments before the TOC that names them, so a power
cut cannot leave a TOC pointing at data that never reached the disk.

Workers are forked (no re-import, the parent's warmed analyzers and jieba
dictionary are shared copy-on-write), but only from a single-threaded
process: forking a threaded server could copy a lock another thread holds.
A worker drops its inherited reindex lock and pipe ends and stops when its
parent is gone, so a killed reindex leaves no process behind that holds
anything.
"""
from __future__ import annotations

import gc
import multiprocessing
import os
import threading
import traceback
from contextlib import contextmanager, suppress
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Callable, Iterable, Iterator

from whoosh.codec.base import Segment
from whoosh.index import Index
from whoosh.writing import MERGE_SMALL, SegmentWriter

from indexer.api import FailedFile
from indexer.documents import Outcome, file_documents
from indexer.engines.whoosh.codec.segment_writer import SegmentBuilder
from indexer.engines.whoosh.store import flush_to_disk
from indexer.lifecycle.locks import drop_inherited_locks
from indexer.settings import Settings

# Below this much text per worker, forking costs more than it saves.
MIN_BYTES_PER_WORKER = 512 * 1024
# Workers yield the CPU to a server answering searches on the same machine.
WORKER_NICENESS = 5
# Whoosh's commit waits this long for its own write lock; only our own
# reindex (already excluded by the reindex lock) ever takes it.
WRITE_LOCK_TIMEOUT = 10.0


class WorkerFailed(RuntimeError):
    """An indexing worker crashed; nothing was committed."""


def index_files(
    ix: Index,
    paths: list[Path],
    data_dir: Path,
    on_outcome: Callable[[Outcome], None],
    settings: Settings,
) -> list[Segment]:
    """Write the issues in `paths` into new, uncommitted segments of `ix`, in `settings.index_workers`
    processes (see `worker_count`), a new segment each time one passes `settings.max_segment_tokens`.

    Calls `on_outcome` once per file, in this process, as files finish.
    """
    if not paths:
        return []
    workers = worker_count(paths, settings.index_workers)
    if workers == 1:
        return _index_into_segments(ix, paths, data_dir, on_outcome, settings.max_segment_tokens)
    _warm_up(paths, data_dir)
    return _index_in_workers(ix, _balanced_shares(paths, workers), data_dir, on_outcome, settings.max_segment_tokens)


def commit(ix: Index, segments: list[Segment], delete_issue_ids: Iterable[str]) -> None:
    """One commit: drop every document of `delete_issue_ids` from the old segments, add `segments`.

    The deletions only touch the segments the index had before (the new
    ones are not in the writer's view), so deleting the old version of an
    issue never deletes its new version. Nothing is merged here: merging can
    take seconds, and the new documents should be served at once
    (`merge_small_segments` follows in a commit of its own).
    """
    with _writer(ix) as writer:
        for issue_id in delete_issue_ids:
            writer.delete_by_term("issue_id", issue_id)
        writer._close_segment()
        _write_toc(writer, writer.segments + segments)


def merge_small_segments(ix: Index, above: int) -> None:
    """Merge small segments as Whoosh's default commit would, once there are more than `above`.

    Every incremental reindex adds a segment; merging keeps their number,
    and so search time, in check. But a merge rewrites every term of what
    it merges (seconds, even for a small archive), and while it runs the
    next change waits, so it happens only every few reindexes
    (`Settings.merge_above_segments`); below that no writer is even opened, so no
    TOC is written and readers are not made to reopen for nothing.
    """
    if len(ix._segments()) <= above:
        return
    with _writer(ix) as writer:
        kept = MERGE_SMALL(writer, writer.segments)
        if writer._added:
            kept.append(writer._finalize_segment())
        else:
            writer._close_segment()
        _write_toc(writer, kept)


@contextmanager
def _writer(ix: Index) -> Iterator[SegmentWriter]:
    """Whoosh's writer, whose lock is released however the block ends (a failed
    commit would otherwise keep it until the process exits, PITFALLS.md)."""
    writer = ix.writer(timeout=WRITE_LOCK_TIMEOUT)
    try:
        yield writer
    except BaseException:
        with suppress(Exception):
            writer._close_segment()
        raise
    finally:
        writer._finish()


def _write_toc(writer: SegmentWriter, segments: list[Segment]) -> None:
    index_dir = Path(writer.storage.folder)
    flush_to_disk(index_dir)  # the segments first, then the TOC that names them
    writer._commit_toc(segments)
    flush_to_disk(index_dir)


def worker_count(paths: list[Path], workers: int | None) -> int:
    """How many processes to index `paths` with: `workers` (None: one per core if there is enough
    text), but one if we may not fork."""
    if threading.active_count() > 1:
        return 1
    if workers is not None:
        return max(1, min(workers, len(paths)))
    total = sum(_size(p) for p in paths)
    return max(1, min(_usable_cores(), len(paths), total // MIN_BYTES_PER_WORKER))


def _usable_cores() -> int:
    """Cores this process may run on (its CPU affinity where the OS tells; else all of them)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _index_into_segments(
    ix: Index, paths: list[Path], data_dir: Path, on_outcome: Callable[[Outcome], None], max_tokens: int
) -> list[Segment]:
    """Index `paths` into one segment, or several if its tokens would outgrow `max_tokens`."""
    segments: list[Segment] = []
    builder = SegmentBuilder(ix)
    try:
        for path in paths:
            on_outcome(_index_file(builder, path, data_dir))
            if builder.tokens > max_tokens:
                segments.append(builder.finish())
                builder = SegmentBuilder(ix)
        segment = builder.finish()
    except BaseException:
        builder.cancel()
        raise
    return segments + ([segment] if segment is not None else [])


def _index_file(writer: SegmentBuilder, path: Path, data_dir: Path) -> Outcome:
    """Add one issue file's documents, all or nothing (`documents.file_documents`)."""
    read = file_documents(path, data_dir)
    if isinstance(read, FailedFile):
        return read
    indexed, documents = read
    for document in documents:
        writer.add_document(**document)
    return indexed


# ---------------------------------------------------------------- workers


def _index_in_workers(
    ix: Index, shares: list[list[Path]], data_dir: Path, on_outcome: Callable[[Outcome], None], max_tokens: int
) -> list[Segment]:
    context = multiprocessing.get_context("fork")
    pipes = [context.Pipe(duplex=False) for _ in shares]
    readers = [reader for reader, _ in pipes]
    processes = [
        context.Process(target=_worker, args=(ix, share, data_dir, max_tokens, sender, readers, os.getpid()),
                        daemon=True)
        for share, (_, sender) in zip(shares, pipes)
    ]
    for process in processes:
        process.start()
    for _, sender in pipes:
        sender.close()  # so a dead worker shows as EOF on its reader
    try:
        return _collect(readers, on_outcome)
    finally:
        for process in processes:
            if process.is_alive():
                process.kill()
            process.join()
        for reader in readers:
            reader.close()


def _collect(readers: list[Connection], on_outcome: Callable[[Outcome], None]) -> list[Segment]:
    segments: list[Segment] = []
    running = list(readers)
    while running:
        for reader in wait(running):
            try:
                kind, payload = reader.recv()
            except EOFError:
                raise WorkerFailed("an indexing worker died without finishing") from None
            if kind == "file":
                on_outcome(payload)
            elif kind == "error":
                raise WorkerFailed(f"an indexing worker failed:\n{payload}")
            else:
                segments += payload
                running.remove(reader)
    return segments


def _worker(
    ix: Index, paths: list[Path], data_dir: Path, max_tokens: int, sender: Connection, readers: list[Connection],
    parent: int,
) -> None:
    """Forked: index `paths` into segments, reporting each file, then the segments.

    The cyclic garbage collector is off: a worker lives for one build, and
    what it allocates (millions of postings, acyclic) is freed by reference
    counting or at exit, so the collector would only walk it again and
    again (~15% of the analysis time, measured with gc.callbacks).
    """
    gc.disable()
    drop_inherited_locks()
    os.nice(WORKER_NICENESS)
    for reader in readers:
        reader.close()

    def report(outcome: Outcome) -> None:
        if os.getppid() != parent:  # the reindex was killed: stop, nobody will commit this
            os._exit(1)
        sender.send(("file", outcome))

    try:
        sender.send(("segments", _index_into_segments(ix, paths, data_dir, report, max_tokens)))
    except BrokenPipeError:
        os._exit(1)
    except BaseException:
        sender.send(("error", traceback.format_exc()))


def _balanced_shares(paths: list[Path], workers: int) -> list[list[Path]]:
    """Split paths into `workers` lists of about equal bytes (largest file first to the lightest list)."""
    shares: list[list[Path]] = [[] for _ in range(workers)]
    loads = [0] * workers
    for path in sorted(paths, key=_size, reverse=True):
        lightest = loads.index(min(loads))
        shares[lightest].append(path)
        loads[lightest] += _size(path)
    return shares


def _warm_up(paths: list[Path], data_dir: Path) -> None:
    """Build the documents of the smallest file once before forking, and throw them away.

    Whatever that loads on first use (jieba's dictionary, ~1 s and ~95 MB;
    the folding table) is then loaded once and shared copy-on-write,
    instead of once per worker. The workers index that file again.
    """
    file_documents(min(paths, key=_size), data_dir)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0  # vanished: it will be reported when a worker tries to read it
