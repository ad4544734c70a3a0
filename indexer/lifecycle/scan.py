"""What a reindex must do, found by comparing DATA/issues/ with the index's manifest, and its tally.

Every engine keeps a manifest with its documents (issue id -> sha256 of the
file it was built from), so that a commit changes both at once. A reindex
hashes every issue file (remembered by stat, `digests`) and sorts the files
into new, changed, unchanged and removed ones; files that cannot be taken
(a name that is not UTF-8, two files with one issue id, a file that vanished)
are reported, never silently skipped. `Tally` then counts what the engine
indexed, for the summary a reindex returns.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from archive.issues import issue_files, issue_id
from indexer.api import FailedFile, Progress
from indexer.documents import Indexed, Outcome
from indexer.lifecycle.digests import DigestCache


@dataclass
class Scan:
    """Issue files (issue id -> path) sorted by what a reindex must do with them."""

    new: dict[str, Path] = field(default_factory=dict)
    changed: dict[str, Path] = field(default_factory=dict)
    unchanged: dict[str, Path] = field(default_factory=dict)
    removed: list[str] = field(default_factory=list)
    failed: list[FailedFile] = field(default_factory=list)


def scan_issues(data_dir: Path, previous: dict[str, str], digests: DigestCache) -> Scan:
    """Compare every issue file's bytes (their digest) with `previous`, the manifest of what the index
    holds (issue id -> sha256); read nothing else."""
    issues_dir = data_dir / "issues"
    scan = Scan()
    seen: dict[str, Path] = {}

    def shown(path: Path) -> str:  # only for reports: a thousand of these cost 20 ms
        return path.relative_to(data_dir).as_posix()

    for path in issue_files(issues_dir):
        if not _is_utf8(str(path)) and not _is_utf8(shown(path)):
            scan.failed.append(FailedFile(_printable_name(shown(path)), "file name is not UTF-8; rename the file"))
            continue
        key = issue_id(path, issues_dir)
        if key in seen:
            scan.failed.append(FailedFile(shown(path), f"same issue id as {shown(seen[key])}; rename one of them"))
            continue
        seen[key] = path
        try:
            digest = digests.digest(path)
        except OSError as exc:  # vanished or unreadable since it was listed
            scan.failed.append(FailedFile(shown(path), f"cannot read file ({exc.strerror or exc})"))
            continue
        if key not in previous:
            scan.new[key] = path
        elif previous[key] != digest:
            scan.changed[key] = path
        else:
            scan.unchanged[key] = path
    scan.removed = sorted(set(previous) - set(seen))
    digests.keep_only(seen.values())
    return scan


def _is_utf8(name: str) -> bool:
    """False for a name whose bytes are not UTF-8 (Python keeps them as surrogates), e.g. GBK from a Windows zip."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _printable_name(name: str) -> str:
    """The name as the user would recognise it: read as GB18030 if that works, else with \\x escapes."""
    raw = name.encode("utf-8", "surrogateescape")
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        return raw.decode("utf-8", "backslashreplace")


class Tally:
    """Counts outcomes as files finish, reports progress, and names the step `indexing` after each file."""

    def __init__(self, total: int, progress: Progress | None, on_step: Callable[[str], None]) -> None:
        self.total = total
        self.progress = progress
        self.on_step = on_step
        self.indexed: list[str] = []
        self.failed: list[FailedFile] = []
        self.articles = 0
        self.characters = 0
        if progress is not None:
            progress(0, total, 0)

    def record(self, outcome: Outcome) -> None:
        if isinstance(outcome, Indexed):
            self.indexed.append(outcome.issue_id)
            self.articles += outcome.articles
            self.characters += outcome.characters
        else:
            self.failed.append(outcome)
        if self.progress is not None:
            self.progress(len(self.indexed) + len(self.failed), self.total, self.characters)
        self.on_step("indexing")
