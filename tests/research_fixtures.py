"""Small archives the research-tool tests write for themselves: issue files from text, indexed for real."""
from __future__ import annotations

from pathlib import Path

from indexer.factory import open_engine
from indexer.settings import Settings


def reindex(data_dir: Path, full: bool = False) -> None:
    """`archive reindex [--full]` of `data_dir`, in this process."""
    engine = open_engine(Settings(data_dir=data_dir))
    try:
        engine.reindex(full=full)
    finally:
        engine.close()


def indexed_archive(root: Path, pages: dict[str, str]) -> Path:
    """`root` with each page written as DATA/issues/<name>.txt, then indexed."""
    issues = root / "issues"
    issues.mkdir(parents=True)
    for name, text in pages.items():
        (issues / f"{name}.txt").write_text(text, encoding="utf-8")
    reindex(root)
    return root
