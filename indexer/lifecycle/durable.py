"""Writing files so that readers and crashes see the old content or the new, never half of it.

Kept apart from `indexer.engines.whoosh.store` (which needs Whoosh) so that `archive add`
can copy issue files and find a running server without loading the index
machinery at all.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path


def write_atomically(path: Path, data: bytes, private: bool = False) -> None:
    """Replace `path` with `data` so that readers and crashes see the old or the new content.

    The temporary file is hidden (a leading dot), so neither issue_files()
    nor a reader ever takes it for the real thing. `private` makes the file
    readable by its owner only (mode 0600) from its first byte on.
    """
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600 if private else 0o666)
    with open(fd, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    fsync_dir(path.parent)


def fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
