"""Small real archives for the reindex, crash-safety, watch and live-reload tests.

An archive here is a temporary DATA directory whose issues/ holds copies of
a few of the repository's sample pages. Helpers read back what the index
really holds (every stored document, not search results), so a test can say
"each article is indexed exactly once and the manifest matches the files".
"""
from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from indexer.api import ReindexSummary
from indexer.documents import manifest_digest
from indexer.engines.whoosh import reindex as whoosh_reindex
from indexer.engines.whoosh.store import IndexStore
from indexer.settings import Settings

REPO = Path(__file__).resolve().parents[1]
SAMPLES = sorted((REPO / "data" / "issues").glob("*.txt"))
ARCHIVE_CLI = Path(sys.executable).parent / "archive"
# `archive` whose reindex stops at a named step (tests/paused_archive.py)
PAUSED_CLI = [sys.executable, str(Path(__file__).with_name("paused_archive.py"))]

# A page that is not in the samples: added by the tests as a "new issue".
NEW_ISSUE = """\
date: 2021-06-01
page: 2
paper: 测试日报

# 新一期报纸上线

这是一篇只在新文件里出现的文章，关键词是琥珀色的灯塔。
"""


def make_archive(root: Path, samples: int = 3) -> Path:
    """root/issues/ with copies of the first `samples` sample pages (not indexed yet)."""
    issues = root / "issues"
    issues.mkdir(parents=True)
    for sample in SAMPLES[:samples]:
        shutil.copy(sample, issues / sample.name)
    return root


def reindex(data_dir: Path, **options: Any) -> ReindexSummary:
    """The local engine's reindex of `data_dir` with default settings; `options` as
    `engines.whoosh.reindex.reindex` takes them (full, progress, manifests, merge...)."""
    return whoosh_reindex.reindex(Settings(data_dir=Path(data_dir)), **options)


def make_indexed_archive(root: Path, samples: int = 3) -> Path:
    """make_archive, then one reindex: the starting state most tests change from."""
    reindex(make_archive(root, samples=samples))
    return root


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass(frozen=True)
class IndexedState:
    """Everything the served index says about itself, read from its stored documents."""

    manifest: dict[str, str]  # issue id -> sha256
    articles: dict[str, list[str]]  # issue id -> article ids, sorted
    document_ids: Counter[str]  # every document id -> how often it occurs


def indexed_state(data_dir: Path) -> IndexedState:
    ix = IndexStore(data_dir).open_current()
    assert ix is not None, "no index is served"
    manifest: dict[str, str] = {}
    articles: dict[str, list[str]] = {}
    ids: Counter[str] = Counter()
    with ix.searcher() as searcher:
        for fields in searcher.all_stored_fields():
            ids[fields["id"]] += 1
            if fields["kind"] == "issue":
                manifest[fields["issue_id"]] = fields["sha256"]
            else:
                articles.setdefault(fields["issue_id"], []).append(fields["id"])
    return IndexedState(manifest, {k: sorted(v) for k, v in articles.items()}, ids)


def files_manifest(data_dir: Path) -> dict[str, str]:
    """What the manifest should be: issue id -> digest of every file in issues/ (none corrected)."""
    issues = data_dir / "issues"
    return {p.relative_to(issues).with_suffix("").as_posix(): manifest_digest(sha256_of(p), 0)
            for p in sorted(issues.rglob("*.txt"))}


def assert_consistent(data_dir: Path) -> IndexedState:
    """Nothing indexed twice, and no article without its issue record."""
    state = indexed_state(data_dir)
    twice = [doc_id for doc_id, n in state.document_ids.items() if n > 1]
    assert not twice, f"indexed more than once: {twice}"
    assert set(state.articles) <= set(state.manifest), "articles whose issue record is missing"
    return state


def assert_up_to_date(data_dir: Path) -> IndexedState:
    """The served index is consistent and describes exactly the files in issues/."""
    state = assert_consistent(data_dir)
    assert state.manifest == files_manifest(data_dir)
    assert set(state.articles) == set(state.manifest), "an issue without articles"
    return state


def wait_for(condition: Callable[[], object], deadline: float = 60.0, what: str = "condition") -> object:
    """Poll until `condition()` is truthy; fail after `deadline` seconds (no timing assertions)."""
    until = time.monotonic() + deadline
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > until:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def run_archive(data_dir: Path, *args: str, env: dict[str, str] | None = None,
                pause_at: str | None = None) -> subprocess.CompletedProcess:
    """Run the real `archive --data DIR ...` command to completion (with `pause_at`, one whose
    reindex would stop at that step for good: tests/paused_archive.py)."""
    command = [str(ARCHIVE_CLI)] if pause_at is None else [*PAUSED_CLI, pause_at]
    return subprocess.run(
        [*command, "--data", str(data_dir), *args],
        capture_output=True, text=True, timeout=300, env={**os.environ, **(env or {})},
    )


class PausedReindex:
    """A real `archive reindex` subprocess stopped at a named step (tests/paused_archive.py)."""

    def __init__(self, data_dir: Path, point: str, *args: str, workers: int = 1,
                 env: dict[str, str] | None = None) -> None:
        """`env` is added to its environment (ARCHIVE_SOLR_URL: a reindex of that Solr collection)."""
        self.process = subprocess.Popen(
            [*PAUSED_CLI, point, "--data", str(data_dir), "--workers", str(workers), "reindex", *args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
            env={**os.environ, **(env or {})},
        )
        self._wait_for_line(f"reindex paused at {point}")

    def _wait_for_line(self, expected: str) -> None:
        assert self.process.stderr is not None
        seen = []
        for line in self.process.stderr:  # blocks until the child writes; it ends if the child dies
            seen.append(line)
            if line.strip().endswith(expected):
                return
        raise AssertionError(f"reindex ended before {expected!r}: {''.join(seen)}")

    def children(self) -> list[int]:
        """Process ids of the reindex's own child processes (its indexing workers)."""
        return [pid for pid, parent in _parent_pids().items() if parent == self.process.pid]

    def kill(self) -> None:
        """SIGKILL the reindex process itself (its workers, if any, must notice and stop)."""
        self.process.send_signal(signal.SIGKILL)
        self._reap()

    def kill_group(self) -> None:
        """SIGKILL the reindex and every process it started, like a crashed machine would."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self._reap()

    def _reap(self) -> None:
        self.process.wait(timeout=30)
        self.process.stdout.close()  # type: ignore[union-attr]
        self.process.stderr.close()  # type: ignore[union-attr]


def _parent_pids() -> dict[int, int]:
    """pid -> parent pid of every process we may see, from /proc."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended while we looked
        parents[int(stat.parent.name)] = int(fields[1])
    return parents


def process_alive(pid: int) -> bool:
    """True while `pid` runs (a zombie waiting for its reaper counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"
