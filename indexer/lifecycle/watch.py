"""Reindex when files appear in, change in or vanish from DATA/issues/ (`archive serve --watch`).

For archives fed by a scanner or a sync job. Why polling: it needs nothing
outside the standard library, works on network and bind-mounted folders
where inotify does not, and one `stat` per issue file twice a second is
cheap next to the indexing it triggers.

Why wait for a change to settle: a scanner or rsync writes a file over
time. The watcher reindexes only when the folder looks the same on two polls
in a row, so a file is normally indexed once, whole, about two polls after it
was written (well within the five seconds the archive promises). A file that
is still growing after that is simply indexed again when it changes.

The reindex itself is the ordinary incremental one, with its lock: if the
CLI or the HTTP API is reindexing already, the watcher tries again on its
next poll, and the running server picks up every commit by its generation.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from archive.issues import issue_files
from indexer.api import ReindexBusy, ReindexSummary

log = logging.getLogger(__name__)

# relative path -> (size, mtime_ns, inode): enough to notice a rewrite, a replace or a touch
FolderState = dict[str, tuple[int, int, int]]


def folder_state(issues_dir: Path) -> FolderState:
    state: FolderState = {}
    for path in issue_files(issues_dir):
        try:
            st = path.stat()
        except FileNotFoundError:
            continue  # removed while we looked: the next poll sees it gone
        state[path.relative_to(issues_dir).as_posix()] = (st.st_size, st.st_mtime_ns, st.st_ino)
    return state


def watch(
    issues_dir: Path,
    reindex: Callable[[], ReindexSummary],
    stop: threading.Event,
    interval: float,
    on_change: Callable[[ReindexSummary], None] | None = None,
) -> None:
    """Poll DATA/issues/ every `interval` seconds until `stop` is set, calling `reindex` (an
    engine's incremental reindex) for settled changes.

    The first reindex comes after two polls, catching up with whatever changed
    while nobody watched. `on_change` gets the summary of every reindex that
    changed the index. A reindex that fails is logged and retried on the next
    change, so one bad moment never stops the watching.
    """
    indexed: FolderState | None = None
    previous: FolderState | None = None
    while not stop.is_set():
        current = folder_state(issues_dir)
        if current != indexed and current == previous:
            try:
                summary = reindex()
            except ReindexBusy:
                pass  # another reindex runs; look again on the next poll
            except Exception:
                log.exception("watch: reindex of %s failed; will retry on the next change", issues_dir)
                indexed = current
            else:
                indexed = current
                if on_change is not None and (summary.added or summary.updated or summary.removed):
                    on_change(summary)
        previous = current
        stop.wait(interval)


@dataclass(frozen=True)
class Watcher:
    """A running watch thread; `stop()` ends it."""

    thread: threading.Thread
    stop_event: threading.Event

    def stop(self, timeout: float | None = None) -> None:
        self.stop_event.set()
        self.thread.join(timeout)


def start_watching(
    issues_dir: Path,
    reindex: Callable[[], ReindexSummary],
    interval: float,
    on_change: Callable[[ReindexSummary], None] | None = None,
) -> Watcher:
    """Watch in a daemon thread, so a server shutting down never waits for it."""
    stop = threading.Event()
    thread = threading.Thread(
        target=watch, args=(Path(issues_dir), reindex, stop, interval, on_change), name="archive-watch", daemon=True
    )
    thread.start()
    return Watcher(thread, stop)
