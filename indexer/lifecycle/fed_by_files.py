"""`Engine.add` and `Engine.watch` for every engine, as one base class.

Both only bring issue files into DATA/issues/ (or notice that they came)
and then call the engine's own `reindex`, so every engine does them the
same way: an engine inherits them and has `settings`, `data_dir` and
`reindex`.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from indexer.api import Progress, ReindexSummary
from indexer.lifecycle.adding import add_files
from indexer.lifecycle.watch import Watcher, start_watching
from indexer.settings import Settings


class FedByIssueFiles:
    """What an engine whose documents come from DATA/issues/ does with new files there."""

    settings: Settings
    data_dir: Path

    def reindex(self, full: bool = False, progress: Progress | None = None) -> ReindexSummary:
        raise NotImplementedError  # each engine's own

    def add(self, files: Sequence[Path], replace: bool = False, progress: Progress | None = None,
            hand_over: Callable[[], ReindexSummary | None] | None = None) -> ReindexSummary:
        return add_files(self.data_dir, files, replace, self.settings.copy_wait_seconds, hand_over,
                         lambda: self.reindex(progress=progress))

    def watch(self, on_change: Callable[[ReindexSummary], None] | None = None) -> Watcher:
        return start_watching(self.data_dir / "issues", self.reindex, self.settings.watch_seconds, on_change)
