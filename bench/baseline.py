"""The naive baseline: jieba's ChineseAnalyzer into Whoosh, default settings, one process.

This is what a first attempt looks like (and what the issue compares us
against): one `TEXT(analyzer=ChineseAnalyzer())` field per title and body,
`ix.writer()` with its defaults, one `commit()`. It runs in its own process
(`python -m bench.baseline DATA WORK QUERIES`) so its build time includes
start-up and jieba's dictionary load exactly like our `archive reindex`, and
so its memory is its own. Queries run in-process on the Whoosh index, with
highlights for the top 10 like our snippets: no HTTP, which favours the
baseline, and the report says so.
"""
from __future__ import annotations

import json
import resource
import sys
import time
import warnings
from pathlib import Path
from typing import Any

from bench.corpus import articles
from bench.measure import dir_bytes
from bench.queries import BenchQuery, load_queries

TIMED_PASSES = 2


def _whoosh_query(bench_query: BenchQuery, parser: Any) -> tuple[Any, Any, dict[str, Any]]:
    """(query, filter, search kwargs) for one bench query, as a naive app would map it.

    The baseline has no byline field, so `byline:` searches the body; dates
    are compact YYYYMMDD terms filtered by a term range; `sort=-date` sorts
    on the stored date.
    """
    from whoosh.query import And, Term, TermRange

    params = dict(bench_query.params)
    query = parser.parse(bench_query.q.replace("byline:", "content:"))
    filters = []
    if "from" in params or "to" in params:
        start = params.get("from", "0000-00-00").replace("-", "")
        end = params.get("to", "9999-99-99").replace("-", "")
        filters.append(TermRange("date", start, end))
    if "year" in params:
        filters.append(Term("year", params["year"]))
    kwargs: dict[str, Any] = {}
    if params.get("sort") == "-date":
        kwargs = {"sortedby": "date", "reverse": True}
    return query, (And(filters) if filters else None), kwargs


def build(data_dir: Path, index_dir: Path) -> dict[str, Any]:
    """Index every blank-line block of DATA/issues with default Whoosh settings; timed."""
    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import jieba
        from jieba.analyse import ChineseAnalyzer
        from whoosh import index
        from whoosh.fields import ID, TEXT, Schema

    jieba.setLogLevel(60)
    jieba.dt.tmp_dir = str(index_dir.parent)
    schema = Schema(
        issue=ID(stored=True),
        date=ID(stored=True),
        year=ID,
        title=TEXT(stored=True, analyzer=ChineseAnalyzer()),
        content=TEXT(stored=True, analyzer=ChineseAnalyzer()),
    )
    index_dir.mkdir(parents=True, exist_ok=True)
    ix = index.create_in(index_dir, schema)
    writer = ix.writer()
    count = 0
    for art in articles(data_dir):
        writer.add_document(issue=art.issue, date=art.date, year=art.date[:4], title=art.title, content=art.body)
        count += 1
    writer.commit()
    return {"build_seconds": time.perf_counter() - started, "articles": count, "index_bytes": dir_bytes(index_dir)}


def run_queries(index_dir: Path, queries: list[BenchQuery]) -> dict[str, Any]:
    """One warm-up pass, then TIMED_PASSES timed passes of top-10 search + highlights."""
    from whoosh import index
    from whoosh.qparser import MultifieldParser

    ix = index.open_dir(index_dir)
    parser = MultifieldParser(["title", "content"], ix.schema)
    latencies: list[tuple[str, float]] = []
    zero_hits = errors = 0
    with ix.searcher() as searcher:
        for timed in [False] + [True] * TIMED_PASSES:
            for bench_query in queries:
                started = time.perf_counter()
                try:
                    query, filter_query, kwargs = _whoosh_query(bench_query, parser)
                    results = searcher.search(query, limit=10, filter=filter_query, **kwargs)
                    total = len(results)
                    for hit in results:
                        hit.highlights("content")
                except Exception:  # noqa: BLE001 - a failed query is counted, the run goes on
                    errors += not timed
                    continue
                elapsed_ms = (time.perf_counter() - started) * 1000
                if timed:
                    latencies.append((bench_query.kind, elapsed_ms))
                else:
                    zero_hits += total == 0
    return {"latencies": latencies, "zero_hits": zero_hits, "errors": errors}


def main(argv: list[str]) -> None:
    """Build, then query; print one JSON object (the parent process collects it)."""
    data_dir, work_dir, queries_path = (Path(a) for a in argv)
    index_dir = work_dir / "baseline-index"
    figures = build(data_dir, index_dir)
    figures.update(run_queries(index_dir, load_queries(queries_path)))
    figures["peak_rss"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps(figures))


if __name__ == "__main__":
    main(sys.argv[1:])
