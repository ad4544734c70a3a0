"""The benchmark corpus: ../shared/corpus written out as issue files of a fresh data dir.

The corpus is research material that must never enter the repository, so it
is read in place and written only into a temporary data directory. Both
systems see the same files: ours through `archive reindex`, the naive
baseline through `articles()` below (title + body per blank-line block).
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

# Each extra copy of the corpus moves its dates this many years into the past,
# so copies are distinct issues (own ids, own dates) rather than duplicates.
COPY_YEAR_SHIFT = 30
_DATE_IN_NAME = re.compile(r"^(\d{4})(\d{4}-\d{2})\.txt$")
# The new issue whose time-to-searchable is measured: a recent past date no copy
# uses (a future date reads as undated) and a string that occurs nowhere in the
# corpus (checked by `probe_is_unique`).
PROBE_NAME = "20261120-01.txt"
PROBE_STRING = "鲸歌灯塔守夜人"
PROBE_TEXT = f"基准测试临时增刊\n本期刊登一则测试消息：{PROBE_STRING}在凌晨点亮了灯。\n"


def shared_dir() -> Path:
    """../shared next to the repository (override with BENCH_SHARED).

    Searched upwards from this file so the benchmark works from any checkout
    depth, e.g. a git worktree one level deeper than /work/main.
    """
    override = os.environ.get("BENCH_SHARED")
    if override:
        return Path(override)
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "shared" / "corpus"
        if candidate.is_dir():
            return candidate.parent
    raise FileNotFoundError("no shared/corpus found above bench/; set BENCH_SHARED=/path/to/shared")


@dataclass(frozen=True)
class SourceFile:
    """One corpus file and the issue file name it gets (YYYYMMDD-PP.txt)."""

    path: Path
    name: str


def source_files(quick: bool = False, stride: int = 1) -> list[SourceFile]:
    """pd1998 pages and xwlb days, in date order.

    `quick` keeps a small slice for smoke runs; `stride` keeps every n-th
    file, a smaller sample with the same mix of both sources (for profiling).
    """
    corpus = shared_dir() / "corpus"
    pages = sorted((corpus / "pd1998-early" / "pages").glob("*.txt"))
    days = sorted((corpus / "xwlb").glob("*.txt"))
    if quick:
        pages, days = pages[:10], days[:20]
    return [SourceFile(p, p.name) for p in (pages + days)[::stride]]


def shifted_name(name: str, copy: int) -> str:
    """The file name of `name` in copy number `copy` (1 = original), years shifted back."""
    if copy == 1:
        return name
    match = _DATE_IN_NAME.match(name)
    if not match:
        raise ValueError(f"corpus file {name} is not named YYYYMMDD-PP.txt")
    year = int(match.group(1)) - COPY_YEAR_SHIFT * (copy - 1)
    return f"{year:04d}{match.group(2)}.txt"


def issue_relpath(source: SourceFile, copy: int) -> str:
    """Where a corpus file lives under DATA/issues/ for one copy (copies in subfolders)."""
    name = shifted_name(source.name, copy)
    return name if copy == 1 else f"copy{copy}/{name}"


@dataclass(frozen=True)
class WrittenCorpus:
    files: int
    characters: int  # decoded characters of all files, the unit of chars/s for both systems


def write_issues(data_dir: Path, scale: int, quick: bool = False, stride: int = 1) -> WrittenCorpus:
    """Write `scale` copies of the corpus into data_dir/issues/ (the data dir must be fresh)."""
    issues = Path(data_dir) / "issues"
    files = characters = 0
    for copy in range(1, scale + 1):
        for source in source_files(quick, stride):
            target = issues / issue_relpath(source, copy)
            target.parent.mkdir(parents=True, exist_ok=True)
            text = source.path.read_text(encoding="utf-8")
            target.write_text(text, encoding="utf-8")
            files += 1
            characters += len(text)
    return WrittenCorpus(files, characters)


@dataclass(frozen=True)
class RawArticle:
    """A blank-line block of an issue file: the naive reading of an article."""

    issue: str  # path under issues/ without .txt
    date: str  # YYYYMMDD from the file name
    title: str
    body: str


def split_blocks(text: str) -> Iterator[tuple[str, str]]:
    """(title, body) per blank-line-separated block; the first line is the title."""
    for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n")):
        lines = [line.strip() for line in block.strip().split("\n") if line.strip()]
        if lines:
            yield lines[0], "\n".join(lines[1:])


def _file_articles(path: Path, issue: str) -> Iterator[RawArticle]:
    for title, body in split_blocks(path.read_text(encoding="utf-8")):
        yield RawArticle(issue, path.name[:8], title, body)


def articles(data_dir: Path) -> Iterator[RawArticle]:
    """Every blank-line block of every issue file under data_dir/issues/, in path order."""
    issues = Path(data_dir) / "issues"
    for path in sorted(issues.rglob("*.txt")):
        yield from _file_articles(path, path.relative_to(issues).with_suffix("").as_posix())


def source_articles(quick: bool = False) -> list[RawArticle]:
    """The articles of the original corpus (copy 1): what queries are drawn from at any scale."""
    return [a for s in source_files(quick) for a in _file_articles(s.path, s.name[:-4])]


def write_probe(directory: Path) -> Path:
    """The new issue file for the time-to-searchable measurement (outside DATA/issues)."""
    path = Path(directory) / PROBE_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(PROBE_TEXT, encoding="utf-8")
    return path


def probe_is_unique(quick: bool = False) -> bool:
    """True when the probe string occurs in no corpus file (else the freshness check lies)."""
    return not any(PROBE_STRING in s.path.read_text(encoding="utf-8") for s in source_files(quick))
