"""Do headline keywords put their article first? Measured on ../shared/corpus/pd1998-early.

    .venv/bin/python -m bench.ranking [--limit N] [--show-misses 20] [--keep DIR]

Every article of articles.jsonl (the gold split: title + paragraphs, so the
figure measures ranking, not article splitting) is indexed through our own
`issue_documents`, one issue per newspaper page. For each title, the query
is the 2-3 keywords `jieba.analyse.extract_tags` picks from it (topK=3,
titles giving fewer than 2 are left out and counted), joined by spaces as a
user would type them. An article counts as ranked first if it is the first
hit, or if the first hit has exactly the same title (then no query made of
title words can tell them apart). The issue's target: >= 95 %.
"""
from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
import time
import warnings
from pathlib import Path

from archive.articles import Article
from archive.issues import Issue
from indexer.documents import issue_documents
from indexer.api import SearchRequest
from indexer.engines.whoosh.engine import WhooshEngine
from indexer.engines.whoosh.store import IndexStore
from indexer.settings import Settings

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "pd1998-early"
PAPER = "人民日报"


def load_pages(corpus: Path) -> dict[str, list[dict]]:
    """Gold articles grouped by page (YYYYMMDD-PP), in page order."""
    pages: dict[str, list[dict]] = {}
    with open(corpus / "articles.jsonl", encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            pages.setdefault(f"{record['date']}-{record['page']:02d}", []).append(record)
    return pages


def page_issue(page_id: str, records: list[dict]) -> tuple[Issue, list[Article]]:
    day = records[0]["date"]
    date = f"{day[:4]}-{day[4:6]}-{day[6:]}"
    issue = Issue(id=page_id, path=Path(page_id + ".txt"), sha256=page_id, encoding="utf-8", text="",
                  date=date, date_source="filename", page=records[0]["page"], paper=PAPER, year=int(day[:4]))
    articles = [
        Article(id=f"{page_id}/{n}", issue_id=page_id, number=n, title=r["title"], title_source="line",
                subtitle=None, byline=None, authors=(), paragraphs=tuple(r["paragraphs"][1:]) or (r["title"],))
        for n, r in enumerate(records, start=1)
    ]
    return issue, articles


def build(data_dir: Path, pages: dict[str, list[dict]]) -> None:
    store = IndexStore(data_dir)
    ix = store.create_fresh()
    writer = ix.writer()
    for page_id, records in sorted(pages.items()):
        for doc in issue_documents(*page_issue(page_id, records)):
            writer.add_document(**doc)
    writer.commit()
    store.publish(Path(ix.storage.folder))


def keyword_query(title: str) -> str | None:
    import jieba.analyse

    tags = jieba.analyse.extract_tags(title, topK=3)
    return " ".join(tags) if len(tags) >= 2 else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ranking", description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int, help="only the first N pages (a quick look)")
    parser.add_argument("--show-misses", type=int, default=15, help="print this many misses")
    parser.add_argument("--keep", type=Path, help="build the index in DIR once and reuse it (query-time tuning)")
    args = parser.parse_args(argv)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import jieba
    jieba.setLogLevel(logging.WARNING)
    pages = load_pages(CORPUS)
    if args.limit:
        pages = dict(sorted(pages.items())[: args.limit])
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = args.keep or Path(tmp)
        if IndexStore(data_dir).open_current() is None:
            started = time.monotonic()
            build(data_dir, pages)
            print(f"indexed {sum(map(len, pages.values()))} articles in {time.monotonic() - started:.1f} s")
        archive = WhooshEngine(Settings(data_dir=data_dir))
        asked = first = skipped = 0
        misses = []
        titles_by_query: dict[str, list[str]] = {}
        took: list[int] = []
        for page_id, records in sorted(pages.items()):
            for n, record in enumerate(records, start=1):
                query = keyword_query(record["title"])
                if query is None:
                    skipped += 1
                    continue
                asked += 1
                titles_by_query.setdefault(query, []).append(record["title"])
                results = archive.search(SearchRequest(query, per_page=10))
                took.append(results.took_ms)
                hits = results.results
                target = f"{page_id}/{n}"
                if hits and (hits[0].id == target or hits[0].title == record["title"]):
                    first += 1
                else:
                    rank = next((i + 1 for i, h in enumerate(hits) if h.id == target), None)
                    misses.append((query, record["title"], rank, hits[0].title if hits else None))
        archive.close()
    ambiguous = [t for titles in titles_by_query.values() for t in titles[: len(titles) - max(map(titles.count, titles))]]
    print(f"ranked first: {first}/{asked} = {100 * first / asked:.1f} %  ({skipped} titles gave < 2 keywords)")
    print(f"best possible: {100 * (asked - len(ambiguous)) / asked:.1f} % ({len(ambiguous)} articles share their "
          "keyword query with a differently titled article that can be first instead)")
    took.sort()
    print(f"search took (in process, with facets and snippets): median {took[len(took) // 2]} ms, "
          f"p95 {took[int(len(took) * 0.95)]} ms")
    for query, title, rank, top in misses[: args.show_misses]:
        print(f"  miss: {query!r:30} rank {rank}  title {title[:30]!r}  first {str(top)[:30]!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
