"""The watcher picks up files dropped into, changed in and removed from DATA/issues/."""
from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Iterator

import pytest

from indexer.api import ReindexSummary
from indexer.documents import manifest_digest
from indexer.engines.whoosh.engine import WhooshEngine
from indexer.engines.whoosh.store import IndexStore
from indexer.lifecycle.locks import ReindexLock
from indexer.lifecycle.watch import Watcher
from indexer.settings import Settings
from tests.reindex_fixtures import NEW_ISSUE, SAMPLES, indexed_state, make_indexed_archive, sha256_of, wait_for

POLL = 0.2


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    return make_indexed_archive(tmp_path / "data", samples=2)


@pytest.fixture
def changes() -> list[ReindexSummary]:
    return []


@pytest.fixture
def watcher(archive: Path, changes: list[ReindexSummary]) -> Iterator[Watcher]:
    running = watching(archive, on_change=changes.append)
    yield running
    running.stop(timeout=60)
    assert not running.thread.is_alive()


def watching(archive: Path, **options: object) -> Watcher:
    """The local engine's `watch` of `archive`, polling every POLL seconds."""
    return WhooshEngine(Settings(data_dir=archive, watch_seconds=POLL)).watch(**options)  # type: ignore[arg-type]


def manifest(archive: Path) -> dict[str, str]:
    return indexed_state(archive).manifest


def test_new_changed_and_removed_files_are_picked_up(
    archive: Path, watcher: Watcher, changes: list[ReindexSummary]
) -> None:
    dropped = archive / "issues" / "scanner" / "2021-06-01-02.txt"
    dropped.parent.mkdir()
    dropped.write_text(NEW_ISSUE, encoding="utf-8")
    wait_for(lambda: "scanner/2021-06-01-02" in manifest(archive), what="the new file to be indexed")

    changed = archive / "issues" / SAMPLES[0].name
    changed.write_text(NEW_ISSUE.replace("琥珀色", "青绿色"), encoding="utf-8")
    wait_for(lambda: manifest(archive).get(SAMPLES[0].stem) == manifest_digest(sha256_of(changed), 0), what="the change")

    (archive / "issues" / SAMPLES[1].name).unlink()
    wait_for(lambda: SAMPLES[1].stem not in manifest(archive), what="the removal")

    wait_for(lambda: len(changes) == 3, what="the third summary")  # reported just after the commit
    assert [(c.added, c.updated, c.removed) for c in changes] == [(1, 0, 0), (0, 1, 0), (0, 0, 1)]


def test_a_change_made_while_another_reindex_runs_is_picked_up_afterwards(archive: Path) -> None:
    store = IndexStore(archive)
    with ReindexLock(store.lock_path):
        running = watching(archive)
        shutil.copy(SAMPLES[2], archive / "issues" / SAMPLES[2].name)
        time.sleep(POLL * 5)  # several polls that find the reindex lock taken
        assert SAMPLES[2].stem not in manifest(archive)
    try:
        wait_for(lambda: SAMPLES[2].stem in manifest(archive), what="the file to be indexed after the lock")
    finally:
        running.stop(timeout=60)


def test_nothing_is_reindexed_while_nothing_changes(archive: Path, watcher: Watcher) -> None:
    generation = IndexStore(archive).generation()
    time.sleep(POLL * 5)  # long enough for the watcher's first, catching-up reindex
    watcher.stop(timeout=60)
    assert IndexStore(archive).generation() == generation
