"""The sha256 of issue files, remembered by their stat, so a long-running server's reindex reads only what changed.

A reindex compares every issue file with the manifest (issue id -> sha256,
indexer.engines.whoosh.store). Hashing all of them costs 0.2-0.4 s at the 1x corpus
(1-2 s at 5x), too much for `archive add`, which a server answers once the
new issue is searchable. A server therefore keeps one `DigestCache`: a
file whose stat (device, inode, size, mtime and ctime, to the nanosecond)
is what it was when the file was hashed has the same bytes, so its digest
is reused and the file not read. The manifest and its comparison stay
exactly as they were; only where a digest comes from changes.

Why the stat can be trusted: a file is changed in place (mtime and ctime
move on; ctime cannot be set back by any tool, unlike mtime with `touch -d`
or `cp -p`) or replaced by a rename (a new inode, as `archive add` does).
The one blind spot is a change within the same timestamp tick as the hash
("racy git"): a digest is only remembered for a file whose timestamps were
already `settled_seconds` old when its hashing began (Settings.settled_seconds;
file systems stamp with a clock of at most a few milliseconds' granularity),
so a file written just before (or while) it was hashed is hashed again next time.

A new process starts with an empty cache: the CLI's `archive reindex`
hashes every file, as before.
"""
from __future__ import annotations

import hashlib
import os
import threading
import time
from collections.abc import Iterable
from pathlib import Path

Fingerprint = tuple[int, int, int, int, int]  # st_dev, st_ino, st_size, st_mtime_ns, st_ctime_ns


class DigestCache:
    """path -> (fingerprint, sha256) of the files hashed so far. Thread-safe."""

    def __init__(self, settled_seconds: float) -> None:
        self.settled_seconds = settled_seconds
        self._known: dict[Path, tuple[Fingerprint, str]] = {}
        self._lock = threading.Lock()

    def digest(self, path: Path) -> str:
        """The sha256 of `path`'s bytes (hex); raises OSError if it cannot be read."""
        known = self._known.get(path)
        if known is not None and known[0] == _fingerprint(os.stat(path)):
            return known[1]
        started = time.time_ns()
        with open(path, "rb") as f:
            before = _fingerprint(os.fstat(f.fileno()))
            digest = hashlib.file_digest(f, "sha256").hexdigest()
            after = _fingerprint(os.fstat(f.fileno()))
        settled = max(after[3], after[4]) < started - int(self.settled_seconds * 1e9)
        with self._lock:
            if before == after and settled:
                self._known[path] = (after, digest)
            else:
                self._known.pop(path, None)
        return digest

    def keep_only(self, paths: Iterable[Path]) -> None:
        """Forget every file but `paths` (those of the last scan): removed files take no memory."""
        wanted = set(paths)
        with self._lock:
            self._known = {path: entry for path, entry in self._known.items() if path in wanted}

    def prime(self, paths: Iterable[Path]) -> None:
        """Hash `paths` now (a server, in the background) so its first reindex reads none of them."""
        for path in paths:
            try:
                self.digest(path)
            except OSError:
                continue  # the reindex reports it


def _fingerprint(st: os.stat_result) -> Fingerprint:
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
