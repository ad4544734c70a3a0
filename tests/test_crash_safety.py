"""kill -9 a real reindex at named points: the previous index keeps serving, the next reindex finishes.

Each case starts from the same indexed archive (state A), makes three
changes (a new file, a changed file, a removed file: state B), starts a real
`archive reindex` subprocess that stops at a named step
(`Settings.on_reindex_step`, set by tests/paused_archive.py), checks what readers see at that moment, kills
it with SIGKILL and runs the next reindex: it must reach exactly state B,
with nothing lost and nothing indexed twice.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from whoosh.index import TOC

from tests.reindex_fixtures import reindex
from indexer.engines.whoosh.store import IndexStore
from tests.reindex_fixtures import (
    NEW_ISSUE,
    SAMPLES,
    IndexedState,
    PausedReindex,
    assert_consistent,
    assert_up_to_date,
    indexed_state,
    make_indexed_archive,
    process_alive,
    run_archive,
    wait_for,
)


@pytest.fixture(scope="module")
def state_a(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_indexed_archive(tmp_path_factory.mktemp("state-a") / "data")


@pytest.fixture
def pending(state_a: Path, tmp_path: Path) -> tuple[Path, IndexedState]:
    """A copy of state A with three changes waiting for a reindex, and what A's index holds."""
    archive = Path(shutil.copytree(state_a, tmp_path / "data"))
    before = indexed_state(archive)
    (archive / "issues" / "new-2021-06-01.txt").write_text(NEW_ISSUE, encoding="utf-8")
    changed = archive / "issues" / SAMPLES[1].name
    changed.write_text(changed.read_text(encoding="utf-8") + "\n\n# 更正\n\n本报昨日报道有误，特此更正。\n", encoding="utf-8")
    (archive / "issues" / SAMPLES[2].name).unlink()
    return archive, before


# (pause point, reindex arguments, index workers, whether readers already see state B there)
CASES = [
    ("scanned", (), 1, False),
    ("indexing", (), 1, False),
    ("indexing", (), 2, False),
    ("committing", (), 2, False),
    ("committed", (), 1, True),
    ("scanned", ("--full",), 1, False),
    ("indexing", ("--full",), 2, False),
    ("committing", ("--full",), 1, False),
    ("committed", ("--full",), 1, False),  # committed into the fresh directory, not yet swapped in
    ("published", ("--full",), 1, True),
]


@pytest.mark.parametrize(("point", "args", "workers", "shows_b"), CASES, ids=lambda v: str(v))
def test_killed_reindex_leaves_the_old_index_serving_and_the_next_one_finishes(
    pending: tuple[Path, IndexedState], point: str, args: tuple[str, ...], workers: int, shows_b: bool
) -> None:
    archive, before = pending
    paused = PausedReindex(archive, point, *args, workers=workers)
    workers_pids = paused.children()
    if point == "indexing":
        assert len(workers_pids) == (workers if workers > 1 else 0)

    seen = assert_consistent(archive)
    if shows_b:
        assert seen.manifest == assert_up_to_date(archive).manifest
    else:
        assert seen == before, "readers still see the previous index, untouched"

    paused.kill()
    for pid in workers_pids:
        wait_for(lambda: not process_alive(pid), what=f"orphaned worker {pid} to stop")

    reindex(archive)
    after = assert_up_to_date(archive)
    assert after.articles[SAMPLES[0].stem] == before.articles[SAMPLES[0].stem], "unchanged issue kept its ids"


@pytest.mark.parametrize("args", [(), ("--full",)], ids=["incremental", "full"])
def test_killing_everything_at_once_leaves_no_stray_files_after_the_next_runs(
    pending: tuple[Path, IndexedState], args: tuple[str, ...]
) -> None:
    archive, _ = pending
    PausedReindex(archive, "committing", *args, workers=2).kill_group()

    reindex(archive)
    store = IndexStore(archive)
    long_ago = store.pointer.stat().st_mtime - 3600
    os.utime(store.pointer, (long_ago, long_ago))
    reindex(archive)  # no change left: only tidies up

    assert_up_to_date(archive)
    assert [p.name for p in store.root.glob("index-*")] == [store.current_dir().name]  # type: ignore[union-attr]
    assert unreferenced_segment_files(store) == []


def unreferenced_segment_files(store: IndexStore) -> list[str]:
    index_dir = store.current_dir()
    assert index_dir is not None
    ix = store.open_current()
    assert ix is not None
    toc = TOC.read(ix.storage, "MAIN")
    used = {segment.segment_id() for segment in toc.segments}
    return [p.name for p in index_dir.glob("MAIN_*.*") if p.name.split(".")[0] not in used]


def test_a_reindex_while_another_process_reindexes_is_refused_and_breaks_nothing(
    pending: tuple[Path, IndexedState],
) -> None:
    archive, before = pending
    paused = PausedReindex(archive, "indexing")

    second = run_archive(archive, "reindex")

    assert second.returncode == 1
    assert "a reindex is already running" in second.stderr
    assert indexed_state(archive) == before
    paused.kill()
    reindex(archive)
    assert_up_to_date(archive)
