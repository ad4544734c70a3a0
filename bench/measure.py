"""Small measuring helpers shared by both systems' runs, so figures mean the same thing."""
from __future__ import annotations

import math
from pathlib import Path
from typing import Iterable


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (no interpolation: every figure is one real request)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def latency_summary(values_ms: Iterable[float]) -> dict[str, float]:
    """p50/p95/p99/max and count of a list of latencies in milliseconds."""
    values = list(values_ms)
    summary = {f"p{p}": percentile(values, p) for p in (50, 95, 99)}
    summary["max"] = max(values) if values else math.nan
    summary["n"] = len(values)
    return summary


def dir_bytes(path: Path) -> int:
    """Bytes of all files below path (the index size on disk)."""
    return sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file())


def tree_rss(pid: int) -> int:
    """Resident memory of a process and all its children, in bytes (0 once it is gone).

    The server may be a launcher script plus workers; the sum is what the
    machine pays for it. psutil (the `bench` extra) is imported here, so
    the modules that only run commands (bench.title_recall) work without it.
    """
    import psutil

    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    total = 0
    for proc in procs:
        try:
            total += proc.memory_info().rss
        except psutil.NoSuchProcess:
            continue
    return total
