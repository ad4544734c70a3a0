"""`reindex` and `Engine.add`: only what changed is indexed, in one atomic step each time."""
from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from whoosh.fields import ID, Schema
from whoosh.index import create_in

from indexer.api import AddRefused, FailedFile, ReindexBusy, ReindexSummary
from indexer.engines.whoosh.engine import WhooshEngine
from indexer.engines.whoosh.segments import commit, index_files
from indexer.engines.whoosh.store import IndexStore
from indexer.lifecycle.locks import ReindexLock
from indexer.settings import Settings
from tests.reindex_fixtures import (
    NEW_ISSUE,
    SAMPLES,
    assert_consistent,
    assert_up_to_date,
    indexed_state,
    make_archive,
    make_indexed_archive,
    reindex,
    run_archive,
)


def add_files(data_dir: Path, files: list[Path], replace: bool = False, **settings: object) -> ReindexSummary:
    """`Engine.add` of the local engine over `data_dir`."""
    return WhooshEngine(Settings(data_dir=data_dir, **settings)).add(files, replace=replace)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def indexed_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three sample pages, indexed once for the whole module; tests work on copies."""
    return make_indexed_archive(tmp_path_factory.mktemp("template") / "data")


@pytest.fixture
def archive(indexed_template: Path, tmp_path: Path) -> Path:
    """A private copy of the indexed archive."""
    return Path(shutil.copytree(indexed_template, tmp_path / "data"))


def issue_path(archive: Path, n: int) -> Path:
    return archive / "issues" / SAMPLES[n].name


def issue_key(n: int) -> str:
    return SAMPLES[n].stem


def test_first_reindex_indexes_every_file(tmp_path: Path) -> None:
    data = make_archive(tmp_path / "data")
    progress: list[tuple[int, int, int]] = []

    summary = reindex(data, progress=lambda *args: progress.append(args))

    assert (summary.added, summary.updated, summary.removed, summary.failed) == (3, 0, 0, [])
    assert summary.articles > 3 and summary.characters > 0 and summary.chars_per_second > 0
    state = assert_up_to_date(data)
    assert sum(len(ids) for ids in state.articles.values()) == summary.articles
    assert progress[0] == (0, 3, 0) and progress[-1] == (3, 3, summary.characters)


def test_reindex_without_changes_touches_nothing(archive: Path) -> None:
    store = IndexStore(archive)
    before = store.generation()

    summary = reindex(archive)

    assert (summary.added, summary.updated, summary.removed, summary.unchanged) == (0, 0, 0, 3)
    assert store.generation() == before


def test_new_file_is_added_and_other_articles_keep_their_ids(archive: Path) -> None:
    store = IndexStore(archive)
    before_generation = store.generation()
    before = indexed_state(archive)
    (archive / "issues" / "2021" / "06").mkdir(parents=True)
    (archive / "issues" / "2021" / "06" / "new-2021-06-01.txt").write_text(NEW_ISSUE, encoding="utf-8")

    summary = reindex(archive)

    assert (summary.added, summary.updated, summary.removed, summary.unchanged) == (1, 0, 0, 3)
    after = assert_up_to_date(archive)
    assert "2021/06/new-2021-06-01" in after.manifest
    assert {k: v for k, v in after.articles.items() if k in before.articles} == before.articles
    assert store.generation() != before_generation


def test_changed_file_replaces_its_articles(archive: Path) -> None:
    path = issue_path(archive, 1)
    before = indexed_state(archive)
    path.write_text(path.read_text(encoding="utf-8") + "\n\n# 追加的新文章\n\n补充报道：琥珀色的灯塔。\n", encoding="utf-8")

    summary = reindex(archive)

    assert (summary.added, summary.updated, summary.removed, summary.unchanged) == (0, 1, 0, 2)
    after = assert_up_to_date(archive)
    assert len(after.articles[issue_key(1)]) == len(before.articles[issue_key(1)]) + 1
    assert after.articles[issue_key(0)] == before.articles[issue_key(0)]


def test_removed_file_drops_its_issue_and_articles(archive: Path) -> None:
    issue_path(archive, 2).unlink()

    summary = reindex(archive)

    assert (summary.added, summary.updated, summary.removed, summary.unchanged) == (0, 0, 1, 2)
    state = assert_up_to_date(archive)
    assert issue_key(2) not in state.manifest and issue_key(2) not in state.articles


def test_full_rebuild_swaps_in_a_fresh_directory(archive: Path) -> None:
    store = IndexStore(archive)
    old_dir, old_generation = store.current_dir(), store.generation()
    before = indexed_state(archive)

    summary = reindex(archive, full=True)

    assert (summary.added, summary.updated, summary.removed, summary.unchanged) == (0, 0, 0, 3)
    assert store.current_dir() != old_dir and store.generation() != old_generation
    assert assert_up_to_date(archive).articles == before.articles
    assert old_dir is not None and old_dir.exists(), "kept a while for readers still opening it"


def test_retired_and_half_built_directories_and_stray_temporaries_are_removed_once_the_swap_is_old(archive: Path) -> None:
    store = IndexStore(archive)
    old_dir = store.current_dir()
    reindex(archive, full=True)
    half_built = store.root / "index-20000101T000000-abcdef"
    half_built.mkdir()
    killed_write = store.root / ".CURRENT.0badf00d.tmp"
    killed_write.write_text("index-20000101T000000-abcdef\n")
    long_ago = store.pointer.stat().st_mtime - 3600
    os.utime(store.pointer, (long_ago, long_ago))

    reindex(archive)

    assert old_dir is not None and not old_dir.exists() and not half_built.exists()
    assert not killed_write.exists()
    assert sorted(p.name for p in store.root.glob("index-*")) == [store.current_dir().name]  # type: ignore[union-attr]


def test_an_open_searcher_keeps_answering_after_its_index_is_replaced_and_deleted(archive: Path) -> None:
    store = IndexStore(archive)
    old = store.open_current()
    assert old is not None
    with old.searcher() as searcher:
        expected = sorted(f["id"] for f in searcher.all_stored_fields())
        reindex(archive, full=True)
        store.remove_unserved(retire_after=0)
        assert not Path(old.storage.folder).exists()
        assert sorted(f["id"] for f in searcher.all_stored_fields()) == expected
        assert searcher.document(kind="issue", issue_id=issue_key(0)) is not None


def test_an_unreadable_file_is_reported_and_the_rest_still_index(archive: Path) -> None:
    broken = archive / "issues" / "broken.txt"
    broken.write_bytes(b"\x00\x01binary\x00" * 10)
    (archive / "issues" / "fresh.txt").write_text(NEW_ISSUE, encoding="utf-8")

    summary = reindex(archive)

    assert summary.added == 1
    assert [f.path for f in summary.failed] == ["issues/broken.txt"]
    assert "binary" in summary.failed[0].reason
    assert IndexStore(archive).failures() == summary.failed
    broken.write_text(NEW_ISSUE.replace("琥珀色", "青绿色"), encoding="utf-8")
    assert reindex(archive).added == 1
    assert IndexStore(archive).failures() == []
    assert_up_to_date(archive)


def test_a_file_that_vanishes_before_it_is_indexed_is_a_failure(archive: Path) -> None:
    ix = IndexStore(archive).open_current()
    assert ix is not None
    outcomes: list[object] = []
    vanished = archive / "issues" / "gone.txt"

    segments = index_files(ix, [vanished, issue_path(archive, 0)], archive, outcomes.append, Settings(data_dir=archive))
    commit(ix, segments, [issue_key(0)])

    gone = outcomes[0]
    assert isinstance(gone, FailedFile) and gone.path == "issues/gone.txt" and "cannot read" in gone.reason
    assert_up_to_date(archive)


def test_two_files_with_one_issue_id_index_one_and_report_the_other(archive: Path) -> None:
    (archive / "issues" / "twin.md").write_text(NEW_ISSUE, encoding="utf-8")
    (archive / "issues" / "twin.txt").write_text(NEW_ISSUE, encoding="utf-8")

    summary = reindex(archive)

    assert summary.added == 1
    assert [f.path for f in summary.failed] == ["issues/twin.txt"]
    assert "same issue id" in summary.failed[0].reason
    assert_consistent(archive)


def test_parallel_workers_build_the_same_index_as_one_process(tmp_path: Path) -> None:
    serial = make_archive(tmp_path / "serial", samples=5)
    parallel = Path(shutil.copytree(serial, tmp_path / "parallel"))
    reindex(serial)  # in this process: one worker, below the size where forking pays

    forked = run_archive(parallel, "reindex", env={"ARCHIVE_INDEX_WORKERS": "2"})

    assert forked.returncode == 0, forked.stderr
    assert "added 5" in forked.stdout
    assert assert_up_to_date(parallel).articles == assert_up_to_date(serial).articles


def test_an_index_built_with_another_schema_is_rebuilt(archive: Path) -> None:
    store = IndexStore(archive)
    old = store.current_dir()
    stale_dir = store.root / "index-20000101T000000-01d5c4"
    stale_dir.mkdir()
    stale = create_in(str(stale_dir), Schema(id=ID(stored=True, unique=True)))
    store.publish(Path(stale.storage.folder))

    summary = reindex(archive)

    assert summary.added == 3
    assert store.current_dir() not in (old, Path(stale.storage.folder))
    assert_up_to_date(archive)


def test_an_index_directory_deleted_by_hand_is_rebuilt(archive: Path) -> None:
    store = IndexStore(archive)
    shutil.rmtree(store.current_dir())  # type: ignore[arg-type]
    assert store.open_current() is None

    assert reindex(archive).added == 3
    assert_up_to_date(archive)


def test_a_second_reindex_while_one_runs_is_refused(archive: Path) -> None:
    with ReindexLock(IndexStore(archive).lock_path):
        with pytest.raises(ReindexBusy):
            reindex(archive)
        result = run_archive(archive, "reindex")
    assert result.returncode == 1
    assert "a reindex is already running" in result.stderr
    assert reindex(archive).unchanged == 3, "the lock is free again"


def test_add_copies_the_files_in_and_indexes_them(archive: Path, tmp_path: Path) -> None:
    incoming = tmp_path / "incoming" / "2021-06-01-02.txt"
    incoming.parent.mkdir()
    incoming.write_text(NEW_ISSUE, encoding="utf-8")

    summary = add_files(archive, [incoming])

    assert summary.added == 1
    assert (archive / "issues" / incoming.name).read_bytes() == incoming.read_bytes()
    assert "2021-06-01-02" in assert_up_to_date(archive).manifest
    assert add_files(archive, [incoming]).unchanged == 4, "adding the same file again changes nothing"


def test_archive_add_waits_behind_a_short_reindex_instead_of_failing(archive: Path, tmp_path: Path) -> None:
    """A server merges segments after each add (a second or two, holding the reindex lock):
    an `archive add` that arrives meanwhile waits for the lock and then indexes its file."""
    incoming = tmp_path / "2021-06-01-02.txt"
    incoming.write_text(NEW_ISSUE, encoding="utf-8")
    lock = ReindexLock(IndexStore(archive).lock_path)
    lock.__enter__()
    release = threading.Timer(1.0, lock.__exit__, args=(None, None, None))
    release.start()
    try:
        result = run_archive(archive, "add", str(incoming))
    finally:
        release.join()
    assert result.returncode == 0, result.stderr
    assert "2021-06-01-02" in assert_up_to_date(archive).manifest


def test_archive_add_behind_a_long_reindex_is_refused_with_the_reason(archive: Path, tmp_path: Path) -> None:
    incoming = tmp_path / "2021-06-01-02.txt"
    incoming.write_text(NEW_ISSUE, encoding="utf-8")
    with ReindexLock(IndexStore(archive).lock_path):
        with pytest.raises(ReindexBusy):
            add_files(archive, [incoming], copy_wait_seconds=0.2)
    assert not (archive / "issues" / incoming.name).exists(), "nothing copied while the lock was held"


def test_add_refuses_to_replace_a_different_file_unless_asked(archive: Path, tmp_path: Path) -> None:
    same_name = tmp_path / SAMPLES[0].name
    same_name.write_text(NEW_ISSUE, encoding="utf-8")
    also_new = tmp_path / "also-new.txt"
    also_new.write_text(NEW_ISSUE, encoding="utf-8")
    original = issue_path(archive, 0).read_bytes()

    with pytest.raises(AddRefused, match="--replace"):
        add_files(archive, [also_new, same_name])
    assert issue_path(archive, 0).read_bytes() == original
    assert not (archive / "issues" / "also-new.txt").exists(), "a refused add copies nothing"

    summary = add_files(archive, [also_new, same_name], replace=True)
    assert (summary.added, summary.updated) == (1, 1)
    assert issue_path(archive, 0).read_bytes() == same_name.read_bytes()
    assert_up_to_date(archive)


@pytest.mark.parametrize(
    ("name", "message"),
    [("scan.pdf", "not an issue file"), ("000_143190444e71cc2b.md", "already has the issue id")],
)
def test_add_refuses_files_that_cannot_be_issues(archive: Path, tmp_path: Path, name: str, message: str) -> None:
    source = tmp_path / name
    source.write_text(NEW_ISSUE, encoding="utf-8")
    with pytest.raises(AddRefused, match=message):
        add_files(archive, [source])


def test_add_through_the_command_line(archive: Path, tmp_path: Path) -> None:
    source = tmp_path / SAMPLES[0].name
    source.write_text(NEW_ISSUE, encoding="utf-8")

    refused = run_archive(archive, "add", str(source))
    replaced = run_archive(archive, "add", "--replace", str(source))

    assert refused.returncode == 1 and "--replace" in refused.stderr
    assert replaced.returncode == 0, replaced.stderr
    assert "updated 1" in replaced.stdout
    assert_up_to_date(archive)


def test_many_small_updates_are_merged_so_segments_stay_few(archive: Path) -> None:
    store = IndexStore(archive)
    merge_above = Settings().merge_above_segments
    for n in range(merge_above + 2):
        (archive / "issues" / f"update-{n}.txt").write_text(NEW_ISSUE.replace("琥珀色", f"第{n}座"), encoding="utf-8")
        reindex(archive)
        ix = store.open_current()
        assert ix is not None and len(ix._segments()) <= merge_above + 1

    assert_up_to_date(archive)
