"""A running `archive serve` answers from each new index without a restart, and never from a half-written one."""
from __future__ import annotations

import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

from tests.reindex_fixtures import NEW_ISSUE, PausedReindex, make_indexed_archive, run_archive, wait_for
from tests.webui_fixtures import ADMIN_TOKEN, Http, start_server, stop_server

PROBE = "琥珀色的灯塔"  # only in NEW_ISSUE
EVERYWHERE = "电信诈骗"  # in the first sample page, before and after every reindex here


def total(http: Http, q: str) -> int:
    response = http.get("/api/search", params={"q": q})
    assert response.status_code == 200, response.text
    return response.json()["total"]


@contextmanager
def serve(archive: Path, *args: str) -> Iterator[Http]:
    """The real `archive serve` over `archive`, stopped when the block ends."""
    process, url = start_server(archive, *args)
    try:
        with Http(url) as http:
            yield http
    finally:
        stop_server(process)


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    return make_indexed_archive(tmp_path / "data", samples=2)


@pytest.fixture
def http(archive: Path) -> Iterator[Http]:
    with serve(archive) as session:
        yield session


def test_an_added_issue_is_found_without_restarting_the_server(archive: Path, http: Http, tmp_path: Path) -> None:
    source = tmp_path / "2021-06-01-02.txt"
    source.write_text(NEW_ISSUE, encoding="utf-8")
    assert total(http, PROBE) == 0

    added = run_archive(archive, "add", str(source))

    assert added.returncode == 0, added.stderr
    wait_for(lambda: total(http, PROBE) == 1, what="the running server to find the new issue")


def test_while_a_reindex_is_stopped_half_way_the_server_answers_from_the_previous_index(
    archive: Path, http: Http
) -> None:
    (archive / "issues" / "new.txt").write_text(NEW_ISSUE, encoding="utf-8")
    generation = http.get("/api/health").json()["generation"]

    paused = PausedReindex(archive, "committing")
    assert total(http, PROBE) == 0 and total(http, EVERYWHERE) > 0
    assert http.get("/api/health").json()["generation"] == generation
    paused.kill()

    assert run_archive(archive, "reindex").returncode == 0
    wait_for(lambda: total(http, PROBE) == 1, what="the new index to be served")


def test_searches_during_a_full_rebuild_all_succeed_with_the_same_answer(archive: Path, http: Http) -> None:
    expected = total(http, EVERYWHERE)
    generation = http.get("/api/health").json()["generation"]
    answers: list[int] = []
    done = threading.Event()

    def search_until_done() -> None:
        while not done.is_set():
            answers.append(total(http, EVERYWHERE))

    searcher = threading.Thread(target=search_until_done)
    searcher.start()
    try:
        rebuilt = run_archive(archive, "reindex", "--full")
        wait_for(lambda: http.get("/api/health").json()["generation"] != generation, what="the swap")
    finally:
        done.set()
        searcher.join(timeout=60)

    assert rebuilt.returncode == 0, rebuilt.stderr
    assert answers and set(answers) == {expected}


def test_post_api_reindex_does_the_work_and_answers_409_while_another_runs(archive: Path, http: Http) -> None:
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    (archive / "issues" / "new.txt").write_text(NEW_ISSUE, encoding="utf-8")
    assert http.post("/api/reindex").status_code in (401, 403)

    paused = PausedReindex(archive, "scanned")
    busy = http.post("/api/reindex", headers=admin)
    paused.kill()
    done = http.post("/api/reindex", headers=admin)

    assert busy.status_code == 409 and busy.json()["error"]["code"] == "reindex_running"
    assert done.status_code == 200, done.text
    assert (done.json()["added"], done.json()["unchanged"]) == (1, 2)
    wait_for(lambda: total(http, PROBE) == 1, what="the server to serve its own reindex")


def test_serve_watch_picks_up_files_dropped_changed_and_removed(archive: Path) -> None:
    with serve(archive, "--watch") as http:
        dropped = archive / "issues" / "scanner" / "2021-06-01-02.txt"
        dropped.parent.mkdir()
        dropped.write_text(NEW_ISSUE, encoding="utf-8")
        wait_for(lambda: total(http, PROBE) == 1, what="the dropped file to be found")

        dropped.write_text(NEW_ISSUE.replace(PROBE, "青绿色的灯塔"), encoding="utf-8")
        wait_for(lambda: total(http, PROBE) == 0 and total(http, "青绿色的灯塔") == 1, what="the change")

        dropped.unlink()
        wait_for(lambda: total(http, "青绿色的灯塔") == 0, what="the removal")


# --- `archive add` with a server running: the server indexes (webui.local_server) -----------


def test_archive_add_hands_the_indexing_to_the_running_server(archive: Path, http: Http, tmp_path: Path) -> None:
    source = tmp_path / "2021-06-01-02.txt"
    source.write_text(NEW_ISSUE, encoding="utf-8")
    announced = archive / ".archive" / "server.json"
    assert announced.stat().st_mode & 0o777 == 0o600, "the token is for the data directory's owner only"

    # Were `archive add` to index in its own process, it would stop at this point for good.
    added = run_archive(archive, "add", str(source), pause_at="scanned")

    assert added.returncode == 0, added.stderr
    assert added.stdout.startswith("added 1, updated 0, removed 0, unchanged 2"), added.stdout
    assert (archive / "issues" / source.name).read_bytes() == source.read_bytes()
    assert total(http, PROBE) == 1, "the server swaps the new index in before it answers"


def test_the_server_withdraws_its_address_when_it_stops(archive: Path) -> None:
    with serve(archive):
        assert (archive / ".archive" / "server.json").exists()
    assert not (archive / ".archive" / "server.json").exists()


@pytest.mark.parametrize("announcement", [
    '{"url": "http://127.0.0.1:%d", "token": "stale", "pid": 1}',  # a server that died without cleaning up
    "not json at all",
])
def test_archive_add_indexes_itself_when_no_server_answers(archive: Path, tmp_path: Path, announcement: str) -> None:
    from tests.webui_fixtures import free_port

    (archive / ".archive" / "server.json").write_text(announcement.replace("%d", str(free_port())))
    source = tmp_path / "2021-06-01-02.txt"
    source.write_text(NEW_ISSUE, encoding="utf-8")

    added = run_archive(archive, "add", str(source))

    assert added.returncode == 0, added.stderr
    assert added.stdout.startswith("added 1,"), added.stdout
    assert '"total": 1' in run_archive(archive, "search", PROBE, "--json").stdout


def test_archive_add_indexes_itself_when_the_server_refuses_its_token(archive: Path, http: Http, tmp_path: Path) -> None:
    announced = archive / ".archive" / "server.json"
    record = announced.read_text().replace('"token": "', '"token": "wrong')
    announced.write_text(record)
    source = tmp_path / "2021-06-01-02.txt"
    source.write_text(NEW_ISSUE, encoding="utf-8")

    added = run_archive(archive, "add", str(source))

    assert added.returncode == 0 and added.stdout.startswith("added 1,"), added.stderr
    wait_for(lambda: total(http, PROBE) == 1, what="the server to see the index the CLI wrote")


def test_adds_through_the_server_are_merged_in_the_background_and_stay_found(
    archive: Path, http: Http, tmp_path: Path
) -> None:
    from indexer.engines.whoosh.store import IndexStore
    from indexer.settings import Settings

    merge_above = Settings().merge_above_segments

    for n in range(merge_above + 2):
        source = tmp_path / f"update-{n}.txt"
        source.write_text(NEW_ISSUE.replace("琥珀色", f"第{n}座"), encoding="utf-8")
        added = run_archive(archive, "add", str(source))
        assert added.returncode == 0 and added.stdout.startswith("added 1,"), added.stderr
        assert total(http, f"第{n}座的灯塔") == 1, "the server answers once the issue is searchable"

    store = IndexStore(archive)
    wait_for(lambda: len(store.open_current()._segments()) <= merge_above, what="the background merge")
    wait_for(lambda: total(http, "的灯塔") == merge_above + 2, what="the merged generation to be served")
    assert all(total(http, f"第{n}座的灯塔") == 1 for n in range(merge_above + 2))
