"""`archive add`'s first half: copy issue files into DATA/issues/, refusing what must not go there.

Apart from the indexing (`Engine.reindex`) because `archive add` hands the
second half to a running server when there is one (`webui.local_server`):
then this process never loads jieba (over a second of cold start), and the
server, which has it loaded, indexes at once.
"""
from __future__ import annotations

import glob
from collections.abc import Sequence
from pathlib import Path

from archive.issues import ISSUE_SUFFIXES
from indexer.api import AddRefused
from indexer.lifecycle.durable import write_atomically
from indexer.lifecycle.locks import ReindexLock, lock_file


def copy_into_issues(data_dir: Path, files: Sequence[Path], replace: bool, wait: float) -> None:
    """Copy `files` into DATA/issues/ under the reindex lock (ReindexBusy if a reindex still
    holds it after `wait` seconds: a server merges segments after an add, a second or two, and
    indexes one new issue in well under a second; a full rebuild takes longer, and then the add
    is refused rather than left hanging).

    Refuses (AddRefused, before copying anything) a file that is not .txt or
    .md, or whose name is taken in DATA/issues/ by a different file, unless
    `replace`. A file identical to the one in place is not copied again.
    """
    with ReindexLock(lock_file(data_dir), wait=wait):
        issues_dir = Path(data_dir) / "issues"
        copies = _plan_copies(issues_dir, [Path(f) for f in files], replace)
        issues_dir.mkdir(parents=True, exist_ok=True)
        for source, target in copies:
            write_atomically(target, source.read_bytes())  # a reindex never sees half a file


def _plan_copies(issues_dir: Path, files: list[Path], replace: bool) -> list[tuple[Path, Path]]:
    """(source, target) for each file worth copying; AddRefused if any file may not be added."""
    plans: list[tuple[Path, Path]] = []
    targets: set[Path] = set()
    for source in files:
        if source.suffix.lower() not in ISSUE_SUFFIXES:
            raise AddRefused(f"{source}: not an issue file (only {' and '.join(ISSUE_SUFFIXES)} files are indexed)")
        if not source.is_file():
            raise AddRefused(f"{source}: no such file")
        target = issues_dir / source.name
        if target in targets:
            raise AddRefused(f"{source}: two files named {source.name} given; rename one of them")
        targets.add(target)
        twins = [p for p in issues_dir.glob(glob.escape(source.stem) + ".*")
                 if p.stem == source.stem and p.suffix.lower() in ISSUE_SUFFIXES and p != target]
        if twins:
            raise AddRefused(f"{source}: {twins[0]} already has the issue id {source.stem!r}; rename the file")
        if target.exists():
            if target.resolve() == source.resolve() or _same_bytes(source, target):
                continue
            if not replace:
                raise AddRefused(
                    f"{target} already exists with different content; use --replace to replace it"
                )
        plans.append((source, target))
    return plans


def _same_bytes(a: Path, b: Path) -> bool:
    return a.stat().st_size == b.stat().st_size and a.read_bytes() == b.read_bytes()
