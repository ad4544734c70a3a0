"""Bring the Solr collection in line with DATA/issues/: only what changed, or a new collection swapped in.

Incremental (the default): the manifest is the collection's own issue
documents (issue id -> sha256 of the file), read at the start; new and
changed files are sent as blocks (`documents.solr_block`: the issue and
its articles, replaced together by the issue's id), removed issues are
deleted by id (their articles with them), and one soft commit at the end
makes it all visible, within a second of the last block. Solr applies a
block in one step, so a reader sees each issue's old articles or its new
ones, never half of them; a reader may see some issues of a reindex
before others, until the commit at the end shows the rest.

Full (`full=True`): every file into a new collection (same shards and
replicas, this version's configset), hard-committed, then the alias moved
to it in one step (the old collection is deleted a few seconds later,
once requests that were already on their way have been answered).

Crash safety (kill -9 at any point): a block is the issue's articles and
its manifest entry together, so whatever reached Solr is exact for its
issue, and whatever did not is still missing or old in the manifest, so
the next reindex sends it. A killed full rebuild leaves a collection the
alias never named; the next reindex deletes it.

Only one reindex of a data directory runs at a time (`indexer.lifecycle.locks`).
"""
from __future__ import annotations

import json
import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any, Callable

from indexer.api import FailedFile, Progress, ReindexSummary
from indexer.documents import Outcome, file_documents
from indexer.engines.solr.admin import (
    ConfigsetOutdated,
    cluster_state,
    configset_name,
    create_collection,
    delete_collection,
    new_collection_name,
    point_alias,
    upload_configset,
)
from indexer.engines.solr.client import CollectionMissing, SolrClient, SolrError
from indexer.engines.solr.documents import solr_block
from indexer.engines.solr.cluster import die_with_parent
from indexer.lifecycle.digests import DigestCache
from indexer.lifecycle.failures import record_failures
from indexer.lifecycle.locks import ReindexLock, drop_inherited_locks, lock_file
from indexer.lifecycle.scan import Tally, scan_issues
from indexer.settings import Settings
from indexer.text.places import place_names
from indexer.text.segmenter import segmenter

# Issue files per update request (about 1.5 MB of JSON): enough to keep Solr busy, small to retry.
CHUNK_BYTES = 384 * 1024
INDEXING_NICENESS = 5  # workers yield the CPU to a server answering searches on the same machine
MANIFEST_PAGE = 5_000
RETIRE_AFTER_SECONDS = 5.0  # a swapped-out collection serves requests already on their way, then goes


class FullRebuildNeedsAlias(SolrError):
    """`reindex --full` on a collection that was named directly (not through an alias)."""


def manifest_of(client: SolrClient, collection: str) -> dict[str, str]:
    """Issue id -> sha256 of every issue document of `collection` (cursor paging: any size)."""
    manifest: dict[str, str] = {}
    cursor = "*"
    while True:
        answer = client.select(collection=collection, body={
            "query": "kind:issue", "fields": "issue_id,sha256", "sort": "id asc", "limit": MANIFEST_PAGE,
            "params": {"cursorMark": cursor}})
        for doc in answer["response"]["docs"]:
            manifest[doc["issue_id"]] = doc["sha256"]
        if answer.get("nextCursorMark", cursor) == cursor:
            return manifest
        cursor = answer["nextCursorMark"]


def reindex_collection(client: SolrClient, settings: Settings, full: bool = False, progress: Progress | None = None,
            digests: DigestCache | None = None) -> ReindexSummary:
    """Index new and changed issue files and drop removed ones (or rebuild all with `full`).

    Raises ReindexBusy at once if another reindex of this data directory runs. Names its steps
    to `settings.reindex_step` as the local engine does: scanned, indexing (after each file),
    committing, committed, and published (a full rebuild, once the alias has moved).
    """
    with ReindexLock(lock_file(settings.data_dir)):
        return _reindex_locked(client, settings, full, progress, digests or DigestCache(settings.settled_seconds))


def _reindex_locked(client: SolrClient, settings: Settings, full: bool, progress: Progress | None,
                    digests: DigestCache) -> ReindexSummary:
    started = time.monotonic()
    step = settings.reindex_step
    data_dir = Path(settings.data_dir)
    state = cluster_state(client)
    served = state.collection(client.url.collection)
    if served is None:
        raise CollectionMissing(f"Solr at {client.url.base} has no collection or alias “{client.url.collection}”; "
                                "create it with `archive solr init`")
    if served.alias is not None:
        _delete_unserved(client, served.alias, served.name, state.collections)
    if full:
        if served.alias is None:
            raise FullRebuildNeedsAlias(
                f"`reindex --full` builds a new collection and moves an alias to it, but “{served.name}” is a "
                "collection: point ARCHIVE_SOLR_URL at an alias (`archive solr init` creates one)", 400)
        upload_configset(client)
        target = new_collection_name(served.alias)
        create_collection(client, target, len(served.shards), served.replication_factor)
        manifest: dict[str, str] = {}
    else:
        if served.config != configset_name():
            raise ConfigsetOutdated(
                f"the Solr collection {served.name} was built with configset “{served.config}”, this version "
                f"of the archive needs “{configset_name()}”: rebuild it with `archive reindex --full`")
        target = served.name
        manifest = manifest_of(client, target)
    scan = scan_issues(data_dir, manifest, digests)
    to_index = [*scan.new.values(), *scan.changed.values(), *(scan.unchanged.values() if full else ())]
    step("scanned")

    tally = Tally(len(to_index), progress, step)
    _send_files(client, target, to_index, data_dir, tally.record, settings.index_workers)
    if scan.removed and not full:
        client.collection("update", collection=target, body={"delete": ["issue:" + issue for issue in scan.removed]})
    if full or to_index or scan.removed:
        step("committing")
        commit = {"commit": "true", "waitSearcher": "true"} if full else \
            {"commit": "true", "softCommit": "true", "waitSearcher": "true"}
        client.collection("update", collection=target, params=commit, body=[])
        step("committed")
    if full:
        point_alias(client, served.alias, target)
        step("published")
        time.sleep(RETIRE_AFTER_SECONDS)
        delete_collection(client, served.name)
    record_failures(data_dir, scan.failed + tally.failed)
    return tally.summary(scan, started)


def _delete_unserved(client: SolrClient, alias: str, served: str, collections: dict[str, Any]) -> None:
    """Delete the collections a killed or finished full rebuild left beside the served one."""
    for name in collections:
        if name != served and name.startswith(alias + "_") and name[len(alias) + 1:][:1].isdigit():
            delete_collection(client, name)


def builder_count(paths: list[Path], asked: int | None) -> int:
    """Processes to build documents with: `asked` (Settings.index_workers), else one per core when
    there is enough text; always one where this process may not fork (another thread runs: a
    server indexes in its request thread)."""
    if threading.active_count() > 1 or len(paths) < 2:
        return 1
    if asked is not None:
        return asked
    total = sum(_size(path) for path in paths)
    return max(1, min(len(os.sched_getaffinity(0)), total // CHUNK_BYTES))


def _chunks(paths: list[Path]) -> list[list[Path]]:
    """`paths` in runs of about CHUNK_BYTES of issue files: one update request each."""
    chunks: list[list[Path]] = [[]]
    size = 0
    for path in paths:
        if size >= CHUNK_BYTES:
            chunks.append([])
            size = 0
        chunks[-1].append(path)
        size += _size(path)
    return [chunk for chunk in chunks if chunk]


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0  # vanished: reported when it is read


def _index_chunk(client: SolrClient, collection: str, paths: list[Path], data_dir: Path) -> list[Outcome]:
    """Build the blocks of `paths` and send them in one update request; each file's outcome."""
    outcomes: list[Outcome] = []
    blocks: list[str] = []
    for path in paths:
        read = file_documents(path, data_dir)
        if isinstance(read, FailedFile):
            outcomes.append(read)
            continue
        indexed, documents = read
        blocks.append(json.dumps(solr_block(documents), ensure_ascii=False))
        outcomes.append(indexed)
    if blocks:
        client.collection("update", collection=collection, raw=f"[{','.join(blocks)}]")
    return outcomes


_worker_client: SolrClient | None = None


def _start_worker(url: str) -> None:
    """In a forked worker: its own HTTP client, and an end when the reindex that started it ends."""
    global _worker_client
    die_with_parent()
    drop_inherited_locks()
    os.nice(INDEXING_NICENESS)
    _worker_client = SolrClient(url)


def _index_chunk_in_worker(collection: str, paths: list[Path], data_dir: Path) -> list[Outcome]:
    assert _worker_client is not None
    return _index_chunk(_worker_client, collection, paths, data_dir)


def _send_files(client: SolrClient, collection: str, paths: list[Path], data_dir: Path,
                on_outcome: Callable[[Outcome], None], workers_asked: int | None) -> None:
    """Send the issues of `paths` to `collection`, a chunk (about CHUNK_BYTES of files) a request.

    With several workers (forked, so jieba's dictionary loaded here is shared),
    each builds and sends its chunks itself; this process only counts. A file's
    outcome is reported once its chunk has been accepted.
    """
    chunks = _chunks(paths)
    workers = min(builder_count(paths, workers_asked), len(chunks))
    if workers <= 1:
        for chunk in chunks:
            for outcome in _index_chunk(client, collection, chunk, data_dir):
                on_outcome(outcome)
        return
    segmenter()  # loaded once, before forking
    place_names()
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"), initializer=_start_worker,
                             initargs=(str(client.url),)) as pool:
        futures = [pool.submit(_index_chunk_in_worker, collection, chunk, data_dir) for chunk in chunks]
        try:
            for future in as_completed(futures):
                for outcome in future.result():
                    on_outcome(outcome)
        except BaseException:
            for future in futures:
                future.cancel()
            raise
