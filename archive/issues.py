"""Read issue files (one OCR'd newspaper page each) into `Issue` records.

Seam: this module decodes bytes and finds metadata; it never rewrites a file.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

ISSUE_SUFFIXES = (".txt", ".md")


class IssueReadError(Exception):
    """A file that cannot be read as an issue; `reason` is shown to the user next to the path."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


@dataclass(frozen=True)
class Issue:
    """One issue file, decoded, with its metadata.

    `id` is the path under DATA/issues/ without extension, `/`-separated.
    `text` is the decoded original (BOM stripped, CRLF -> LF, header removed);
    `sha256` is of the raw bytes, so a changed file is detected by content.
    """

    id: str
    path: Path
    sha256: str
    encoding: str
    text: str
    date: str | None  # YYYY-MM-DD
    date_source: str | None  # "header" | "filename" | "text" | None
    page: int | None
    paper: str | None


def issue_files(issues_dir: Path) -> Iterator[Path]:
    """Every .txt/.md file below issues_dir, at any depth, in sorted order."""
    raise NotImplementedError


def read_issue(path: Path, issues_dir: Path) -> Issue:
    """Decode and describe one issue file; raises IssueReadError with a reason."""
    raise NotImplementedError
