"""Bring the index in line with DATA/issues (placeholder: the reindex work owns it)."""
from __future__ import annotations

import time
from pathlib import Path
from typing import Callable

from archive.articles import split_articles
from archive.issues import IssueReadError, issue_files, read_issue
from indexer.documents import issue_documents
from indexer.results import FailedFile, ReindexSummary
from indexer.store import IndexStore


def reindex(data_dir: Path, full: bool = False, progress: Callable[[int, int], None] | None = None) -> ReindexSummary:
    started = time.monotonic()
    store = IndexStore(data_dir)
    issues_dir = Path(data_dir) / "issues"
    known = {} if full else store.indexed_issues()
    seen: set[str] = set()
    additions, failed = [], []
    added = updated = unchanged = articles = characters = 0
    for path in issue_files(issues_dir):
        try:
            issue = read_issue(path, issues_dir)
        except IssueReadError as exc:
            failed.append(FailedFile(str(path.relative_to(data_dir)), exc.reason))
            continue
        seen.add(issue.id)
        if known.get(issue.id) == issue.sha256:
            unchanged += 1
            continue
        arts = split_articles(issue)
        additions.append(issue_documents(issue, arts))
        articles += len(arts)
        characters += len(issue.text)
        if issue.id in known:
            updated += 1
        else:
            added += 1
    removed = [i for i in known if i not in seen]
    store.write(additions, removed)
    return ReindexSummary(added, updated, len(removed), unchanged, failed, articles, characters, time.monotonic() - started)
