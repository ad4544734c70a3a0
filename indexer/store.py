"""Where the index lives and how it changes (placeholder: the reindex work owns it).

DATA/.archive/index holds the Whoosh index. `generation()` is a cheap token
that changes on every commit, so readers know when to reopen.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

from whoosh import index as whoosh_index
from whoosh.index import Index
from whoosh.query import Term

from indexer.results import FailedFile
from indexer.schema import make_schema


class IndexStore:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        self.root = self.data_dir / ".archive"
        self.index_dir = self.root / "index"

    def open_current(self) -> Index | None:
        if not whoosh_index.exists_in(self.index_dir):
            return None
        return whoosh_index.open_dir(self.index_dir)

    def generation(self) -> str | None:
        ix = self.open_current()
        return None if ix is None else str(ix.latest_generation())

    def indexed_issues(self) -> dict[str, str]:
        ix = self.open_current()
        if ix is None:
            return {}
        with ix.searcher() as s:
            return {f["issue_id"]: f["sha256"] for f in s.documents(kind="issue")}

    def failures(self) -> list[FailedFile]:
        """Files the last reindex could not read, with the reason (for stats and /api/health)."""
        return []

    def write(self, additions: Iterable[list[dict[str, Any]]], removals: Iterable[str]) -> None:
        """Replace/remove whole issues in one commit: removals and re-added issue ids are deleted first."""
        self.index_dir.mkdir(parents=True, exist_ok=True)
        ix = self.open_current() or whoosh_index.create_in(self.index_dir, make_schema())
        writer = ix.writer(timeout=30)
        try:
            for issue_id in removals:
                writer.delete_by_query(Term("issue_id", issue_id))
            for docs in additions:
                writer.delete_by_query(Term("issue_id", docs[0]["issue_id"]))
                for doc in docs:
                    writer.add_document(**doc)
            writer.commit()
        except BaseException:
            writer.cancel()
            raise
