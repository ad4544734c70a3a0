"""A long-lived `WhooshEngine` remembers file hashes by stat and manifest records by segment, and still sees
every change to a file's bytes and to the index."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

from indexer.engines.whoosh.engine import WhooshEngine
from indexer.engines.whoosh.store import IndexStore, ManifestMemo, read_manifest
from indexer.lifecycle.digests import DigestCache
from indexer.settings import Settings
from tests.reindex_fixtures import NEW_ISSUE, SAMPLES, assert_up_to_date, make_indexed_archive, reindex

SETTLED_SECONDS = Settings().settled_seconds


def rewrite_in_place_keeping_size_and_mtime(path: Path, old: str, new: str) -> None:
    """Change the bytes the way only ctime betrays: same length, mtime set back (as `cp -p` or `touch -d` can)."""
    stat = path.stat()
    text = path.read_text(encoding="utf-8")
    assert len(old.encode()) == len(new.encode()) and old in text
    with open(path, "r+b") as f:  # in place: same inode
        f.write(text.replace(old, new).encode("utf-8"))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_size == stat.st_size and path.stat().st_mtime_ns == stat.st_mtime_ns


def test_a_file_hashed_just_after_it_was_written_is_hashed_again(tmp_path: Path) -> None:
    path = tmp_path / "issue.txt"
    path.write_text(NEW_ISSUE, encoding="utf-8")
    cache = DigestCache(SETTLED_SECONDS)
    assert cache.digest(path) == hashlib.sha256(path.read_bytes()).hexdigest()

    rewrite_in_place_keeping_size_and_mtime(path, "琥珀色", "翡翠色")

    assert cache.digest(path) == hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_remembered_file_changed_in_place_is_hashed_again(tmp_path: Path) -> None:
    path = tmp_path / "issue.txt"
    path.write_text(NEW_ISSUE, encoding="utf-8")
    cache = DigestCache(settled_seconds=0.0)  # remember even a file written a moment ago
    first = cache.digest(path)
    assert cache.digest(path) == first

    rewrite_in_place_keeping_size_and_mtime(path, "琥珀色", "翡翠色")

    assert cache.digest(path) == hashlib.sha256(path.read_bytes()).hexdigest() != first


def test_a_file_replaced_by_a_rename_is_hashed_again(tmp_path: Path) -> None:
    path = tmp_path / "issue.txt"
    path.write_text(NEW_ISSUE, encoding="utf-8")
    cache = DigestCache(settled_seconds=0.0)
    first = cache.digest(path)
    replacement = tmp_path / "replacement.txt"
    replacement.write_text(NEW_ISSUE.replace("琥珀色", "翡翠色"), encoding="utf-8")
    os.utime(replacement, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns))

    os.replace(replacement, path)

    assert cache.digest(path) == hashlib.sha256(path.read_bytes()).hexdigest() != first


def test_reindexes_of_one_engine_see_changes_the_stat_alone_hides(tmp_path: Path) -> None:
    data = make_indexed_archive(tmp_path / "data", samples=2)
    archive = WhooshEngine(Settings(data_dir=data, settled_seconds=0.0))
    new = data / "issues" / "2021-06-01-02.txt"
    new.write_text(NEW_ISSUE, encoding="utf-8")
    assert archive.reindex().added == 1
    assert archive.reindex().unchanged == 3

    rewrite_in_place_keeping_size_and_mtime(new, "琥珀色", "翡翠色")
    summary = archive.reindex()

    assert (summary.updated, summary.unchanged) == (1, 2)
    assert_up_to_date(data)
    archive.close()


def test_a_remembered_manifest_follows_adds_replacements_removals_and_rebuilds(tmp_path: Path) -> None:
    data = make_indexed_archive(tmp_path / "data", samples=3)
    store, memo = IndexStore(data), ManifestMemo()
    issues = data / "issues"
    changes = [
        lambda: (issues / "2021-06-01-02.txt").write_text(NEW_ISSUE, encoding="utf-8"),
        lambda: (issues / SAMPLES[0].name).write_text(NEW_ISSUE.replace("琥珀色", "翡翠色"), encoding="utf-8"),
        lambda: (issues / SAMPLES[1].name).unlink(),
    ]
    for change in changes:
        change()
        reindex(data, manifests=memo, merge=False)
        ix = store.open_current()
        assert read_manifest(ix, memo) == read_manifest(ix) == read_manifest(ix, memo)
    reindex(data, full=True, manifests=memo)
    ix = store.open_current()
    assert read_manifest(ix, memo) == read_manifest(ix)
