"""How well pages split into articles: split-dev and our own renders, the four figures of issue 12.

    .venv/bin/python -m bench.title_recall [--sets dev pd1998 xwlb] [--split-only] [--show N]

For each set of pages (`dev`: ../shared/eval/split-dev; `pd1998`, `xwlb`:
pages rendered by bench.renders into a temporary folder) it reports, as
`../shared/eval/score_split.py` counts them:
- title recall: a gold title is found when an article of its page has a
  title that starts with it (NFKC, whitespace removed);
- article count error: |articles - gold| / gold over the pages whose every
  item has a title (captions standing alone, `kind: "caption"`, are not
  articles of the issue);
- bylines: the article with the gold title has every gold name in its byline
  and none in its body;
- known-item top 1 / top 10: the article ranks first / in the first ten for
  its title's keywords. This needs an index: the pages are indexed with
  `archive reindex` into a temporary data dir and asked through a real
  `archive serve` over HTTP (left out with `--split-only`).
It also times splitting alone (chars/s of `split_articles` over the set).
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
import urllib.parse
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from archive.articles import Article, split_articles
from archive.issues import read_issue
from bench.corpus import shared_dir
from bench.renders import SOURCES, render
from bench.server import archive_command, free_port

SERVER_START_SECONDS = 120


def norm(text: str | None) -> str:
    return "".join(unicodedata.normalize("NFKC", text or "").split())


@dataclass
class Figures:
    """The four figures of one set, with the failures behind them."""

    name: str
    titles: tuple[int, int] = (0, 0)
    count: tuple[int, int] = (0, 0)  # articles split, gold articles (all-titled pages)
    bylines: tuple[int, int] = (0, 0)
    top1: tuple[int, int] = (0, 0)
    top10: tuple[int, int] = (0, 0)
    chars_per_second: float = 0.0
    failures: dict[str, list[str]] = field(default_factory=dict)

    def line(self) -> str:
        def share(pair: tuple[int, int]) -> str:
            return f"{pair[0] / max(pair[1], 1):.1%} ({pair[0]}/{pair[1]})"

        split, gold = self.count
        figures = [f"title recall {share(self.titles)}",
                   f"article count error {abs(split - gold) / max(gold, 1):.1%} ({split} vs {gold})",
                   f"bylines {share(self.bylines)}"]
        if self.top1[1]:
            figures.append(f"known-item top1 {share(self.top1)}, top10 {share(self.top10)}")
        figures.append(f"splitting {self.chars_per_second / 1000:.0f}k chars/s")
        return f"{self.name}: " + "; ".join(figures)


def _starts(articles: list[dict], title: str) -> dict | None:
    wanted = norm(title)
    return next((a for a in articles if norm(a["title"]).startswith(wanted)), None)


def _listed(articles: list[Article]) -> list[dict]:
    """The issue's articles as the API lists them (standalone captions are not among them)."""
    return [{"title": a.title, "byline": a.byline, "body": a.body} for a in articles if a.kind != "caption"]


def split_set(pages_dir: Path) -> tuple[dict[str, list[dict]], float]:
    """Every page split in process; and splitting's speed (chars/s, reading excluded)."""
    issues = [read_issue(path, pages_dir) for path in sorted(pages_dir.glob("*.txt"))]
    started = time.perf_counter()
    split = {issue.id: split_articles(issue) for issue in issues}
    seconds = time.perf_counter() - started
    return {pid: _listed(articles) for pid, articles in split.items()}, sum(len(i.text) for i in issues) / seconds


def score_split(figures: Figures, gold: dict, pages: dict[str, list[dict]]) -> None:
    """Title recall, count error and bylines, counted as score_split.py counts them."""
    fails: dict[str, list[str]] = {"title": [], "count": [], "byline": []}
    found = total = split_n = gold_n = 0
    for pid, page in sorted(gold["pages"].items()):
        articles = pages.get(pid, [])
        for title in page["titles"]:
            total += 1
            if _starts(articles, title):
                found += 1
            else:
                fails["title"].append(f"{pid}: {title}")
        if page["all_titled"]:
            split_n += len(articles)
            gold_n += page["articles"]
            if len(articles) != page["articles"]:
                fails["count"].append(f"{pid}: {len(articles)} articles, gold {page['articles']}")
    good = 0
    for byline in gold["bylines"]:
        hit = _starts(pages.get(byline["page"], []), byline["title"])
        ok = bool(hit) and all(n in (hit["byline"] or "") for n in byline["names"]) and not any(
            n in norm(hit["body"]) for n in byline["names"])
        good += ok
        if not ok:
            got = f" (byline {hit['byline']!r})" if hit else " (title not found)"
            fails["byline"].append(f"{byline['page']}: {byline['title']} -> {byline['names']}{got}")
    figures.titles, figures.count, figures.bylines = (found, total), (split_n, gold_n), (good, len(gold["bylines"]))
    figures.failures.update(fails)


@contextmanager
def serving(data_dir: Path) -> Iterator[str]:
    """`archive reindex` then `archive serve` on a free loopback port; yields its base URL."""
    subprocess.run([*archive_command(), "--data", str(data_dir), "reindex"], check=True, capture_output=True)
    port = free_port()
    log = open(data_dir / "serve.log", "wb")
    proc = subprocess.Popen([*archive_command(), "--data", str(data_dir), "serve", "--port", str(port)],
                            stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while True:
            try:
                urllib.request.urlopen(base + "/api/health", timeout=2).read()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"archive serve did not start: see {data_dir / 'serve.log'}") from None
                time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


def score_known_items(figures: Figures, gold: dict, base: str) -> None:
    """Known-item top 1 / top 10 over /api/search, as score_split.py asks."""
    top1 = top10 = 0
    fails = []
    for case in gold["known_item"]:
        url = base + "/api/search?" + urllib.parse.urlencode({"q": case["q"], "per_page": 10})
        with urllib.request.urlopen(url, timeout=60) as response:
            results = json.load(response)["results"]
        ranks = [i for i, hit in enumerate(results)
                 if hit["issue"]["id"] == case["page"] and norm(hit["title"]).startswith(norm(case["title"]))]
        top1 += bool(ranks and ranks[0] == 0)
        top10 += bool(ranks)
        if not (ranks and ranks[0] == 0):
            fails.append(f"{case['q']} -> {case['page']}: {case['title']} (rank {ranks[0] + 1 if ranks else '>10'})")
    n = len(gold["known_item"])
    figures.top1, figures.top10 = (top1, n), (top10, n)
    figures.failures["known-item"] = fails


def measure_set(name: str, pages_dir: Path, gold: dict, search: bool, work: Path) -> Figures:
    figures = Figures(name)
    pages, figures.chars_per_second = split_set(pages_dir)
    score_split(figures, gold, pages)
    if search:
        data = work / name
        shutil.copytree(pages_dir, data / "issues")
        with serving(data) as base:
            score_known_items(figures, gold, base)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sets", nargs="+", default=["dev", "pd1998", "pd1998-heldout", "xwlb"], choices=["dev", *SOURCES])
    parser.add_argument("--split-only", action="store_true", help="no index: leave out the known-item figures")
    parser.add_argument("--show", type=int, default=0, help="list this many failures of each kind")
    parser.add_argument("--seed", default="render", help="the renders' random seed")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="title-recall-") as tmp:
        work = Path(tmp)
        for name in args.sets:
            if name == "dev":
                dev = shared_dir() / "eval" / "split-dev"
                pages_dir, gold = dev / "pages", json.loads((dev / "gold.json").read_text(encoding="utf-8"))
            else:
                gold = render(SOURCES[name](), work / "render" / name, args.seed)
                pages_dir = work / "render" / name / "pages"
            figures = measure_set(name, pages_dir, gold, not args.split_only, work)
            for kind, items in figures.failures.items():
                for item in items[: args.show]:
                    print(f"  {name} {kind}: {item}")
            print(figures.line(), flush=True)


if __name__ == "__main__":
    sys.exit(main())
