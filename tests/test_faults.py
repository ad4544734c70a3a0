"""Faults: a full disk during a reindex; the index deleted or corrupted under a running server.

Whatever happens, three things hold:
- no issue file is lost or changed (sha256 of every file before and after);
- readers get the previous index's answers or a clear error (a 503 that
  says what to do), never a 500, never a dead server, never a silent
  "nothing found";
- `archive reindex --full` rebuilds the index from DATA/issues/.

The full disk is a real one: a 16 MB tmpfs, mounted for the test (root
only; elsewhere the test is skipped), filled with ballast until a reindex
cannot finish.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import Iterator

import pytest
import requests

from indexer.engines.whoosh.store import IndexStore
from tests.hardening_fixtures import app_client, issue_hashes
from tests.reindex_fixtures import SAMPLES, make_archive, run_archive, wait_for
from tests.webui_fixtures import ADMIN_TOKEN, start_server, stop_server

QUERIES = ("民警", "诈骗", "记者 OR 警方", "的")


# --- a full disk -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_disk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A 16 MB tmpfs of our own: a disk that really fills up."""
    mount_point = tmp_path_factory.mktemp("small-disk")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(mount_point)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here (needs root): {mounted.stderr.strip()}")
    yield mount_point
    subprocess.run(["umount", "-l", str(mount_point)], check=True)


def fill(disk: Path, leave_bytes: int) -> Path:
    """Write ballast until only about `leave_bytes` are free; delete it to free the disk again."""
    ballast = disk / "ballast"
    with ballast.open("wb") as f:
        remaining = shutil.disk_usage(disk).free - leave_bytes
        while remaining > 0:
            remaining -= f.write(b"\0" * min(remaining, 1 << 20))
    return ballast


def totals(client, queries=QUERIES) -> dict[str, int]:
    return {q: client.get("/api/search", query_string={"q": q}).json["total"] for q in queries}


@pytest.fixture(scope="module")
def full_disk(small_disk: Path) -> Iterator[dict]:
    """Two issues indexed, three more added, the disk filled: then both kinds of reindex are tried."""
    data = make_archive(small_disk / "data", samples=2)
    assert run_archive(data, "reindex").returncode == 0
    with app_client(data) as client:
        served_before = totals(client)
    server, url = start_server(data)  # started before the disk fills: it writes its log there
    for sample in SAMPLES[2:5]:
        shutil.copy(sample, data / "issues" / sample.name)
    hashes = issue_hashes(data)
    ballast = fill(small_disk, leave_bytes=256 * 1024)
    yield {
        "data": data, "ballast": ballast, "hashes": hashes, "served_before": served_before, "url": url,
        "incremental": run_archive(data, "reindex"), "full": run_archive(data, "reindex", "--full"),
    }
    stop_server(server)


@pytest.mark.parametrize("kind", ["incremental", "full"])
def test_a_reindex_on_a_full_disk_fails_with_status_1(full_disk, kind):
    assert full_disk[kind].returncode == 1, full_disk[kind].stdout


@pytest.mark.parametrize("kind", ["incremental", "full"])
def test_a_reindex_on_a_full_disk_says_so_in_one_line(full_disk, kind):
    stderr = full_disk[kind].stderr
    assert "Traceback" not in stderr and len(stderr.strip().splitlines()) == 1, stderr
    assert "space" in stderr.lower() or "空间" in stderr


def test_the_previous_index_keeps_serving_when_the_disk_is_full(full_disk):
    with app_client(full_disk["data"]) as client:
        assert totals(client) == full_disk["served_before"]


def test_a_reindex_through_the_api_on_a_full_disk_is_503_not_500(full_disk):
    response = requests.post(full_disk["url"] + "/api/reindex", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
                             timeout=120)
    assert response.status_code == 503, response.text
    assert response.json()["error"]["message"]
    assert requests.get(full_disk["url"] + "/api/search", params={"q": "民警"}, timeout=30).json()["total"] == \
        full_disk["served_before"]["民警"], "the server still answers from the previous index"


def test_no_issue_file_is_lost_on_a_full_disk(full_disk):
    assert issue_hashes(full_disk["data"]) == full_disk["hashes"]


def test_once_space_is_freed_the_next_reindex_completes(full_disk):
    """Last of the full-disk tests: it frees the disk."""
    full_disk["ballast"].unlink()
    result = run_archive(full_disk["data"], "reindex")
    assert result.returncode == 0, result.stderr
    with app_client(full_disk["data"]) as client:
        assert client.get("/api/health").json["issues"] == 5
    assert issue_hashes(full_disk["data"]) == full_disk["hashes"]


# --- the index deleted or damaged under a running server -------------------------------------


def truncate_to_half(path: Path) -> None:
    os.truncate(path, path.stat().st_size // 2)


def overwrite_with_garbage(path: Path) -> None:
    path.write_bytes(os.urandom(path.stat().st_size))



class Served:
    """A real `archive serve` over a two-issue archive, and what it answered while healthy."""

    def __init__(self, root: Path) -> None:
        self.data = make_archive(root, samples=2)
        assert run_archive(self.data, "reindex").returncode == 0
        self.process, self.url = start_server(self.data)
        self.healthy = self.answers()
        self.hashes = issue_hashes(self.data)

    def answers(self) -> dict[str, int]:
        return {q: requests.get(self.url + "/api/search", params={"q": q}, timeout=30).json()["total"]
                for q in QUERIES}

    def index_dir(self) -> Path:
        directory = IndexStore(self.data).current_dir()
        assert directory is not None
        return directory

    def assert_previous_answers_or_clear_errors(self, seconds: float = 2.0) -> None:
        """For a while (the server rechecks its index twice a second): old totals or a 503, nothing else."""
        until = time.monotonic() + seconds
        while time.monotonic() < until:
            for q in QUERIES:
                response = requests.get(self.url + "/api/search", params={"q": q}, timeout=30)
                assert self.process.poll() is None, "the server died"
                if response.status_code == 503:
                    assert "reindex" in response.json()["error"]["message"]
                else:
                    assert (response.status_code, response.json()["total"]) == (200, self.healthy[q]), q
            health = requests.get(self.url + "/api/health", timeout=30)
            assert health.status_code in (200, 503)
            if health.status_code == 200:
                assert health.json()["issues"] == 2

    def assert_rebuilt_by_full_reindex(self) -> None:
        result = run_archive(self.data, "reindex", "--full")
        assert result.returncode == 0, result.stderr
        wait_for(lambda: self.answers() == self.healthy, what="the rebuilt index to be served")
        assert issue_hashes(self.data) == self.hashes

    def stop(self) -> None:
        stop_server(self.process)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """One server for the tests below; each leaves the index rebuilt, as it found it."""
    server = Served(tmp_path_factory.mktemp("served") / "data")
    yield server
    server.stop()


def test_deleting_the_index_directory_under_a_running_server(served):
    shutil.rmtree(served.index_dir())
    served.assert_previous_answers_or_clear_errors()
    served.assert_rebuilt_by_full_reindex()


def test_truncating_the_index_files_under_a_running_server(served):
    """As a crash on a filesystem without journaling, or a full disk, can leave them."""
    for path in served.index_dir().iterdir():
        if path.is_file() and path.stat().st_size > 0:
            truncate_to_half(path)
    served.assert_previous_answers_or_clear_errors()
    served.assert_rebuilt_by_full_reindex()


@pytest.mark.parametrize("damage", [truncate_to_half, overwrite_with_garbage])
def test_a_full_reindex_rebuilds_a_damaged_index(tmp_path, damage):
    data = make_archive(tmp_path / "data", samples=1)
    assert run_archive(data, "reindex").returncode == 0
    hashes = issue_hashes(data)
    for path in IndexStore(data).current_dir().iterdir():
        if path.is_file() and path.stat().st_size > 0:
            damage(path)
    result = run_archive(data, "reindex", "--full")
    assert result.returncode == 0, result.stderr
    with app_client(data) as client:
        assert client.get("/api/health").json["issues"] == 1
    assert issue_hashes(data) == hashes


@pytest.mark.parametrize("command", [("search", "民警"), ("stats",)])
def test_the_command_line_on_a_damaged_index_says_what_to_do_in_one_line(tmp_path, command):
    data = make_archive(tmp_path / "data", samples=1)
    assert run_archive(data, "reindex").returncode == 0
    for path in IndexStore(data).current_dir().iterdir():
        if path.is_file() and path.stat().st_size > 0:
            truncate_to_half(path)
    result = run_archive(data, *command)
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1 and "reindex --full" in result.stderr, result.stderr
