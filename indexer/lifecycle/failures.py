"""DATA/.archive/failures.json: the issue files the last reindex could not read, and why.

Kept beside the data directory whatever the engine (the local index or a
Solr collection): the files are this machine's, and `archive stats`,
`GET /api/health` and the next reindex's summary report them by path until
they are fixed or removed.
"""
from __future__ import annotations

import json
from pathlib import Path

from indexer.api import FailedFile
from indexer.lifecycle.durable import write_atomically


def failures_file(data_dir: Path) -> Path:
    return Path(data_dir) / ".archive" / "failures.json"


def read_failures(data_dir: Path) -> list[FailedFile]:
    """The files the last reindex could not read, with the reason (none recorded yet: [])."""
    try:
        records = json.loads(failures_file(data_dir).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return []
    return [FailedFile(r["path"], r["reason"]) for r in records]


def record_failures(data_dir: Path, failed: list[FailedFile]) -> None:
    """Replace the record (atomically), under the reindex lock."""
    records = [{"path": f.path, "reason": f.reason} for f in failed]
    write_atomically(failures_file(data_dir), json.dumps(records, ensure_ascii=False, indent=1).encode())
