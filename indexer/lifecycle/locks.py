"""The reindex lock: one reindex at a time per data directory, across processes and threads.

Why `fcntl.flock` on DATA/.archive/reindex.lock:
- the kernel drops it when the holder dies, even by SIGKILL, so a killed
  reindex never blocks the next one (no stale lock files to clean);
- it belongs to the open file description, not the process, so two threads
  of one server that each open the file exclude each other too (POSIX
  `lockf` locks would let a second thread of the same process in);
- it is non-blocking by default: a second reindex is told at once
  (ReindexBusy), because waiting behind a long rebuild is not what a CLI
  user or an HTTP client wants. A caller whose own work is short may wait a
  bounded time instead (`wait`): `archive add` copies its files behind a
  server's background merge of segments, which takes a second or two, rather
  than failing because of it.

A forked worker inherits the descriptor and with it a share of the lock; if
the parent were killed, an orphaned worker would keep the lock alive. Workers
therefore call `drop_inherited_locks()` first thing: closing their copy never
unlocks the parent's lock (only LOCK_UN or the last close does), but it means
the lock dies with the parent.
"""
from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path
from types import TracebackType

from indexer.api import ReindexBusy

WAIT_POLL_SECONDS = 0.05  # how often a waiting caller tries the lock again
# Descriptors of the locks this process holds; a forked child closes its copies.
_held: set[int] = set()


def lock_file(data_dir: Path) -> Path:
    """DATA/.archive/reindex.lock (see indexer.engines.whoosh.store for the whole layout)."""
    return Path(data_dir) / ".archive" / "reindex.lock"


class ReindexLock:
    """`with ReindexLock(path):` holds the lock for the block, or raises ReindexBusy once it has
    been held by someone else for `wait` seconds (0: at once)."""

    def __init__(self, path: Path, wait: float = 0.0) -> None:
        self.path = Path(path)
        self.wait = wait
        self._fd: int | None = None

    def __enter__(self) -> ReindexLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        deadline = time.monotonic() + self.wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    raise ReindexBusy(f"{self.path} is held by another reindex") from None
                time.sleep(WAIT_POLL_SECONDS)
        self._fd = fd
        _held.add(fd)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._fd is not None:
            _held.discard(self._fd)
            os.close(self._fd)  # the last close releases the flock
            self._fd = None


def drop_inherited_locks() -> None:
    """In a freshly forked worker: close the inherited lock descriptors without unlocking."""
    for fd in list(_held):
        os.close(fd)
    _held.clear()
