"""Where the time goes: stage timings and cProfile of a build and of the query mix.

Runs in its own process (`python -m bench.profiling DATA SAMPLE QUERIES OUT`):
the query mix on DATA, the full corpus already indexed by the main run; the
build on SAMPLE, a fresh data dir with a slice of the corpus (a profiled
full build would cost minutes). jieba and the index load the way the
product loads them, and the bench process stays clean. Only the
public seams are used (read_issue, split_articles, issue_documents, the
reindex entry point, Engine.search), so it keeps working while the
owners change their internals. Each part records its error instead of
stopping the others.
"""
from __future__ import annotations

import cProfile
import json
import pstats
import sys
import time
import traceback
from pathlib import Path
from typing import Any, Callable

from bench.queries import BenchQuery, load_queries

TOP = 15


def top_functions(profile: cProfile.Profile, key: str) -> list[dict[str, Any]]:
    """The TOP functions by `key` ("tottime" or "cumtime"), as plain rows."""
    stats = pstats.Stats(profile)
    rows = []
    for (filename, line, name), (_, ncalls, tottime, cumtime, _) in stats.stats.items():  # type: ignore[attr-defined]
        where = filename.split("site-packages/")[-1].split("/work/main/")[-1]
        rows.append({"function": f"{where}:{line}({name})", "calls": ncalls, "tottime": tottime, "cumtime": cumtime})
    rows.sort(key=lambda r: r[key], reverse=True)
    return rows[:TOP]


# Functions whose cumulative time answers "where does it go" at a glance (they nest:
# add_document includes the n-gram analysis, issue_documents includes jieba).
BUILD_FOCUS = ("read_issue", "split_articles", "issue_documents", "words", "add_document", "_flush_segment", "commit")
QUERY_FOCUS = ("validate", "request_dates", "_match", "_scored", "plan_scores", "term_ranking", "docs_for_query", "snippet",
               "hit", "facets")


def focus_times(profile: cProfile.Profile, names: tuple[str, ...]) -> dict[str, float]:
    """Cumulative seconds of the named functions (the largest entry per name; absent names left out)."""
    found: dict[str, float] = {}
    for (_, _, name), (_, _, _, cumtime, _) in pstats.Stats(profile).stats.items():  # type: ignore[attr-defined]
        if name in names:
            found[name] = max(found.get(name, 0.0), cumtime)
    return {name: found[name] for name in names if name in found}


def _guarded(part: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    try:
        return part()
    except Exception:  # noqa: BLE001 - one broken seam must not hide the other figures
        return {"error": traceback.format_exc(limit=3)[-1500:]}


def build_stages(data_dir: Path) -> dict[str, Any]:
    """Serial seconds per stage (decode, split, documents incl. jieba) over every issue, profiled."""
    from archive.articles import split_articles
    from archive.issues import issue_files, read_issue
    from indexer.documents import issue_documents

    issues_dir = data_dir / "issues"
    seconds = {"read_issue": 0.0, "split_articles": 0.0, "issue_documents": 0.0}
    characters = 0
    profile = cProfile.Profile()
    profile.enable()
    for path in issue_files(issues_dir):
        t0 = time.perf_counter()
        issue = read_issue(path, issues_dir)
        t1 = time.perf_counter()
        articles = split_articles(issue)
        t2 = time.perf_counter()
        issue_documents(issue, articles)
        t3 = time.perf_counter()
        seconds["read_issue"] += t1 - t0
        seconds["split_articles"] += t2 - t1
        seconds["issue_documents"] += t3 - t2
        characters += len(issue.text)
    profile.disable()
    return {"seconds": seconds, "characters": characters, "top_tottime": top_functions(profile, "tottime")}


def full_reindex(data_dir: Path) -> dict[str, Any]:
    """The product's full rebuild under cProfile, in this one process (`index_workers=1`): worker
    processes would not be profiled."""
    from indexer.factory import open_engine
    from indexer.settings import Settings

    archive = open_engine(Settings(data_dir=data_dir, index_workers=1))
    profile = cProfile.Profile()
    started = time.perf_counter()
    profile.enable()
    archive.reindex(full=True)
    profile.disable()
    return {
        "seconds": time.perf_counter() - started,
        "focus": focus_times(profile, BUILD_FOCUS),
        "top_tottime": top_functions(profile, "tottime"),
        "top_cumtime": top_functions(profile, "cumtime"),
    }


def search_request(query: BenchQuery) -> Any:
    """The SearchRequest the HTTP API would build for a bench query."""
    from indexer.api import SearchRequest

    params = dict(query.params)
    filters = {"year": (params["year"],)} if "year" in params else {}
    return SearchRequest(
        q=query.q,
        sort=params.get("sort", "relevance"),
        date_from=params.get("from"),
        date_to=params.get("to"),
        filters=filters,
    )


def query_mix(data_dir: Path, queries: list[BenchQuery]) -> dict[str, Any]:
    """In-process search latency (no HTTP) of one warm pass, then cProfile of another."""
    from indexer.factory import open_engine
    from indexer.settings import Settings

    archive = open_engine(Settings(data_dir=data_dir))
    requests = [search_request(q) for q in queries]
    for request in requests:  # warm-up: searcher open, caches filled
        archive.search(request)
    latencies = []
    for query, request in zip(queries, requests):
        started = time.perf_counter()
        archive.search(request)
        latencies.append([query.kind, (time.perf_counter() - started) * 1000])
    profile = cProfile.Profile()
    started = time.perf_counter()
    profile.enable()
    for request in requests:
        archive.search(request)
    profile.disable()
    profiled_seconds = time.perf_counter() - started
    return {
        "latencies": latencies,
        "profiled_seconds": profiled_seconds,
        "focus": focus_times(profile, QUERY_FOCUS),
        "top_tottime": top_functions(profile, "tottime"),
        "top_cumtime": top_functions(profile, "cumtime"),
    }


def main(argv: list[str]) -> None:
    data_dir, sample_dir, queries_path, out = (Path(a) for a in argv)
    queries = load_queries(queries_path)
    figures = {
        "query": _guarded(lambda: query_mix(data_dir, queries)),
        "build_stages": _guarded(lambda: build_stages(sample_dir)),
        "full_reindex": _guarded(lambda: full_reindex(sample_dir)),
    }
    out.write_text(json.dumps(figures, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])
